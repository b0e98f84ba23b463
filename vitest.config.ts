import { availableParallelism } from 'node:os';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';
import LongestFirst from './test/support/sequencer.ts';

/** `TEST_VERBOSE=1 npm test`: every handler log line and the CDK's bundling lines; by default a green run is quiet. */
const verbose = !!process.env.TEST_VERBOSE;

const emulated = {
  globalSetup: ['test/support/global-setup.ts'],
  setupFiles: ['test/support/emulator-env.ts'],
  // Limits for a hung emulator, not speed bars (speed is `npm run bench`'s). With two files at a time on
  // 2 cores a burst of 50 concurrent transactions, retrying its conflicts, can take over 30 s on a busy machine.
  testTimeout: 60_000,
  hookTimeout: 120_000,
  // Handlers log refused requests at INFO and expected emulator gaps (cognito-local has no global sign-out)
  // at WARN; by default tests show only errors, which a green run has none of.
  env: { POWERTOOLS_LOG_LEVEL: verbose ? 'INFO' : 'ERROR' },
};

/** test/support/bin/npx: the CDK's `npx --no-install esbuild` runs the project's esbuild without loading npm first. */
const directEsbuild = `${fileURLToPath(new URL('./test/support/bin', import.meta.url))}${delimiter}${process.env.PATH ?? ''}`;

export default defineConfig({
  test: {
    // At least two test files at a time. Vitest's default for `run` is one fewer than the cores: on
    // the 2-core machines `npm test` must fit, that is ONE file at a time, while most of an emulated
    // file's time is spent waiting on DynamoDB Local, cognito-local or Chromium in other processes.
    // Every emulated file keeps to its own tenants, tables and addresses (a file whose job reads a
    // whole table gets a table of its own), so files do not see each other.
    // `VITEST_MAX_WORKERS` or `--maxWorkers` still override it.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Longest files first across all projects (vitest's own order goes project by project).
    sequence: { sequencer: LongestFirst },
    projects: [
      // 20 s, not vitest's 5 s: a hang guard. Generating the whole OpenAPI document (openapi.test.ts) took over
      // 5 s beside another file on a busy machine.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      // The console's components in happy-dom, found by role and label.
      {
        plugins: [react()],
        test: {
          name: 'web',
          include: ['test/web/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          setupFiles: ['test/web/setup.ts'],
        },
      },
      { test: { name: 'sdk', include: ['test/sdk/**/*.test.ts'], setupFiles: ['test/sdk/env.ts'] } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], ...emulated } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          ...emulated,
          // Every response an e2e test receives is checked against openapi.json.
          setupFiles: [...emulated.setupFiles, 'test/support/conformance-setup.ts'],
        },
      },
      // Real Chromium over the console the gateway serves (web/ built first when stale).
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          ...emulated,
          globalSetup: ['test/support/web-setup.ts', ...emulated.globalSetup],
          // Limits for a hung browser, not speed bars: with two files at a time on 2 cores a screen-by-screen
          // test (axe-core and a pixel comparison per screen) can take over a minute on a busy machine.
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // `expect.poll` waits for what the page shows; vitest's default gives up after 1 s, which a
          // re-render on a busy machine can take. Still a wait for the condition, never a fixed sleep.
          expect: { poll: { timeout: 15_000 } },
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          setupFiles: ['test/support/quiet.ts'],
          env: { PATH: directEsbuild },
          // The Console construct uploads web/dist.
          globalSetup: ['test/support/web-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
