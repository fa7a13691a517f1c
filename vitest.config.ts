import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/moto-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Each file talks to the same moto server with its own bucket names; two workers fit 2 cores.
          maxWorkers: 2,
        },
      },
    ],
  },
});
