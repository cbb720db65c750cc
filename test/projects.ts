/**
 * Which vitest project a test file belongs to, by path alone, so a new file
 * lands in the right one without touching the config:
 *
 * - **e2e**: whole runs — the browser, chaos, paper runs, soaks. Anything
 *   under `test/browser/` or `test/chaos/`, and any `*.e2e.test.ts`,
 *   `*.soak.test.ts` or `paper-*.test.ts`.
 * - **integration**: real loopback sockets against the simulators, local
 *   DynamoDB (dynalite), CDK templates, spawned processes. Everything under
 *   `test/infra/`, `test/functions/`, `test/shared/store/`, `test/sim/`,
 *   `test/fuzz/`, `test/security/`, and any `*.int.test.ts`, `*.sim.test.ts`,
 *   `*.local.test.ts`, plus the few older files listed below by name.
 * - **unit**: everything else — pure code and property tests, seconds in all.
 *
 * A unit test must not reach for dynalite, CDK or a browser:
 * `test/architecture/test-projects.test.ts` fails naming the file if it does
 * (rename it `*.int.test.ts`).
 */
export type TestProject = 'unit' | 'integration' | 'e2e';

const E2E_DIRS = ['test/browser/', 'test/chaos/'];
const E2E_SUFFIXES = ['.e2e.test.ts', '.soak.test.ts'];
const E2E_PREFIXES = ['paper-'];

const INTEGRATION_DIRS = [
  'test/infra/',
  'test/functions/',
  'test/shared/store/',
  'test/sim/',
  'test/fuzz/',
  'test/security/',
];
const INTEGRATION_SUFFIXES = ['.int.test.ts', '.sim.test.ts', '.local.test.ts'];
/** Older files that start servers, DynamoDB or CDK outside those folders. */
const INTEGRATION_FILES = [
  'test/worker/main.test.ts',
  'test/worker/engine/decision-log.test.ts',
  'test/worker/config.test.ts',
  'test/worker/replay/replay.test.ts',
  'test/worker/dashboard/server.test.ts',
  'test/scripts/paper/serverless.test.ts',
  'test/scripts/start.test.ts',
  'test/shared/odds/client.test.ts',
  'test/shared/odds/theo-vs-sim.test.ts',
  'test/shared/odds/theo-cli.test.ts',
  'test/shared/kalshi/rest-client.test.ts',
];

const dirGlobs = (dirs: string[]) => dirs.map((d) => `${d}**/*.test.ts`);
const suffixGlobs = (suffixes: string[]) => suffixes.map((s) => `test/**/*${s}`);

export const E2E_GLOBS = [
  ...dirGlobs(E2E_DIRS),
  ...suffixGlobs(E2E_SUFFIXES),
  ...E2E_PREFIXES.map((p) => `test/**/${p}*.test.ts`),
];
export const INTEGRATION_GLOBS = [
  ...dirGlobs(INTEGRATION_DIRS),
  ...suffixGlobs(INTEGRATION_SUFFIXES),
  ...INTEGRATION_FILES,
];
export const ALL_TESTS = ['test/**/*.test.ts'];

/** The same rules as the globs, for a path relative to the repository root. */
export function testProject(path: string): TestProject {
  const file = path.split('/').pop() ?? path;
  if (
    E2E_DIRS.some((d) => path.startsWith(d)) ||
    E2E_SUFFIXES.some((s) => path.endsWith(s)) ||
    E2E_PREFIXES.some((p) => file.startsWith(p))
  ) {
    return 'e2e';
  }
  if (
    INTEGRATION_DIRS.some((d) => path.startsWith(d)) ||
    INTEGRATION_SUFFIXES.some((s) => path.endsWith(s)) ||
    INTEGRATION_FILES.includes(path)
  ) {
    return 'integration';
  }
  return 'unit';
}
