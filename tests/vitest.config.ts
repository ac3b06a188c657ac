import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** The API package's global setup: one throwaway PostgreSQL server per run, its URL provided as `postgresUrl`. */
const postgresSetup = fileURLToPath(new URL('../packages/api/src/testing/global-setup.ts', import.meta.url));

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'integration',
          include: ['integration/**/*.test.ts'],
          globalSetup: [postgresSetup],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two cores: more workers only queue behind each other and the database servers.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.spec.ts'],
          // One PS Book server on the embedded database for the whole browser run (no PostgreSQL needed).
          globalSetup: [fileURLToPath(new URL('./e2e/support/global-setup.ts', import.meta.url))],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One browser and one server at a time on two cores.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'lighthouse',
          include: ['lighthouse/**/*.test.ts'],
          // The same single server on the embedded demo book as the browser tests.
          globalSetup: [fileURLToPath(new URL('./e2e/support/global-setup.ts', import.meta.url))],
          testTimeout: 600_000,
          hookTimeout: 120_000,
          // Lighthouse times the page: nothing else may run beside it.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'faults',
          include: ['faults/**/*.test.ts'],
          globalSetup: [postgresSetup],
          // Fault tests start servers, kill processes and restart PostgreSQL: generous, but bounded.
          testTimeout: 240_000,
          hookTimeout: 240_000,
          // Each fault test loads the machine on purpose; running two at once would blur their timings.
          fileParallelism: false,
        },
      },
    ],
  },
});
