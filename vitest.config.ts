import { defineConfig } from 'vitest/config';
import { ALL_TESTS, E2E_GLOBS, INTEGRATION_GLOBS } from './test/projects.ts';

// Three projects (see test/projects.ts): `npm test` runs all of them,
// `npm run test:unit` / `test:integration` / `test:e2e` one each.
const shared = {
  environment: 'node',
  testTimeout: 30_000,
  // Set-up hooks synthesise the CDK app or start simulators: 10–40 s on a loaded 2-core CI machine.
  // A budget against hangs, not a speed claim (tests themselves keep 30 s).
  hookTimeout: 120_000,
  setupFiles: ['test/setup.ts'],
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: { ...shared, name: 'unit', include: ALL_TESTS, exclude: [...E2E_GLOBS, ...INTEGRATION_GLOBS] },
      },
      {
        test: { ...shared, name: 'integration', include: INTEGRATION_GLOBS, exclude: E2E_GLOBS },
      },
      {
        // The browser tests' packaged Chromium is inflated once, before any file starts.
        test: { ...shared, name: 'e2e', include: E2E_GLOBS, globalSetup: ['test/browser/global-setup.ts'] },
      },
    ],
  },
});
