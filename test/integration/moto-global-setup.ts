import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startMoto } from '../helpers/moto.js';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const moto = await startMoto(join(process.cwd(), '.moto-logs', `moto-${Date.now()}.log`));
  project.provide('motoEndpoint', moto.endpoint);
  return async () => {
    await moto.stop();
  };
}
