/** The library surface: the policy model and the JSON schemas of every `--json` document. */
export * from './core/bucket-name.js';
export * from './core/policy.js';
export * from './core/vendor.js';
export { ExitCode } from './errors.js';
export * from './schemas/events.js';
export * from './schemas/revoke.js';
export * from './schemas/setup.js';
export * from './schemas/verify.js';
export * from './schemas/verify-offline.js';
