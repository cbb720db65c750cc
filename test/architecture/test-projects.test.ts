/**
 * The quick loop stays quick: a test file the path rules put in the unit
 * project (test/projects.ts) reaches for no local DynamoDB, CDK app, browser
 * or child process. A new file that needs one is named `*.int.test.ts` (or
 * `*.e2e.test.ts`), or lives in an integration folder.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testProject } from '../projects.ts';

const root = resolve(import.meta.dirname, '../..');
const self = relative(root, import.meta.filename);

function testFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

/** What only an integration or end-to-end test imports. */
const HEAVY = [
  /from ['"][./]*\/support\/dynalite(\.ts)?['"]/,
  // Shared harnesses that start dynalite themselves.
  /from ['"][./]*\/support\/local-store(\.ts)?['"]/,
  /from ['"][./]*\/worker-harness(\.ts)?['"]/,
  /from ['"]dynalite['"]/,
  /from ['"]aws-cdk-lib/,
  /from ['"][./]*\/infra\/app(\.ts)?['"]/,
  /from ['"]playwright-core['"]/,
  /from ['"][./]*\/browser\/chromium(\.ts)?['"]/,
  /from ['"]node:child_process['"]/,
  /startPaperDynamo/,
];

describe('test projects', () => {
  it('classifies by folder and file name', () => {
    expect(testProject('test/shared/pricing/fees.test.ts')).toBe('unit');
    expect(testProject('test/worker/engine/new-thing.test.ts')).toBe('unit');
    expect(testProject('test/worker/engine/new-thing.int.test.ts')).toBe('integration');
    expect(testProject('test/worker/kalshi/ws-feed.sim.test.ts')).toBe('integration');
    expect(testProject('test/shared/store/live-snapshot.test.ts')).toBe('integration');
    expect(testProject('test/infra/anything.test.ts')).toBe('integration');
    expect(testProject('test/functions/anything.test.ts')).toBe('integration');
    expect(testProject('test/sim/anything.test.ts')).toBe('integration');
    expect(testProject('test/browser/anything.test.ts')).toBe('e2e');
    expect(testProject('test/sim/scenario/paper-loop.test.ts')).toBe('e2e');
    expect(testProject('test/scripts/simulate.e2e.test.ts')).toBe('e2e');
    expect(testProject('test/worker/kalshi/chaos.soak.test.ts')).toBe('e2e');
  });

  it('no unit test file imports DynamoDB, CDK, a browser or a child process', () => {
    const unit = testFiles('test').filter((f) => testProject(f) === 'unit' && f !== self);
    expect(unit.length).toBeGreaterThan(0);
    const heavy = unit.filter((f) => {
      const text = readFileSync(join(root, f), 'utf8');
      return HEAVY.some((re) => re.test(text));
    });
    expect(heavy, 'these belong in the integration project: name them *.int.test.ts').toEqual([]);
  });

  it('a skipped test says why in its name', () => {
    // A skipped, conditionally skipped or to-do test's title carries "skipped: <why>".
    const SKIP = /\b(?:it|test|describe)\.(?:skip|todo|skipIf\([^)]*\))\(\s*(['"`])(.*?)\1/g;
    const unexplained = testFiles('test')
      .filter((f) => f !== self)
      .flatMap((f) =>
        [...readFileSync(join(root, f), 'utf8').matchAll(SKIP)]
          .map((m) => m[2] ?? '')
          .filter((title) => !/skipped: \S/.test(title))
          .map((title) => `${f}: ${title}`),
      );
    expect(unexplained, 'name a skipped test "… (skipped: why)"').toEqual([]);
  });
});
