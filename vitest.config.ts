import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const emulated = {
  globalSetup: ['test/support/global-setup.ts'],
  setupFiles: ['test/support/emulator-env.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  // Handlers log refused requests at INFO; tests only want warnings and errors.
  env: { POWERTOOLS_LOG_LEVEL: 'WARN' },
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
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], ...emulated } },
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
          // The Console construct uploads web/dist.
          globalSetup: ['test/support/web-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
