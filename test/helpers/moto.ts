// The launcher lives in scripts/ so the demo and the benchmarks start moto exactly as the tests do.
export { findMotoServer, freePort, type MotoServer, startMoto } from '../../scripts/moto-server.mjs';
