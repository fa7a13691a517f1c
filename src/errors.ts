// Exit codes and the CLI error types are pure and shared by every layer; they live in src/core.
export * from './core/errors.js';
