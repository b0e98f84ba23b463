import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/** `TEST_VERBOSE=1 npm test`: every handler log line and the CDK's bundling lines; by default a green run is quiet. */
const verbose = !!process.env.TEST_VERBOSE;

const emulated = {
  globalSetup: ['test/support/global-setup.ts'],
  setupFiles: ['test/support/emulator-env.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  // Handlers log refused requests at INFO and expected emulator gaps (cognito-local has no global sign-out)
  // at WARN; by default tests show only errors, which a green run has none of.
  env: { POWERTOOLS_LOG_LEVEL: verbose ? 'INFO' : 'ERROR' },
};

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
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
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          setupFiles: ['test/support/quiet.ts'],
          // The Console construct uploads web/dist.
          globalSetup: ['test/support/web-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
