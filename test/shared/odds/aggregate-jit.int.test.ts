/**
 * The aggregation stays optimised across polls (issue #16): once V8 has optimised computeTheo, a new poll
 * must not throw it back to the interpreter. It did, on every few polls ("wrong map": a candidate field
 * first stored as a small integer then as a double, and reduce/map chains whose arrays changed elements
 * kind), and the unoptimised code allocated array iterators per loop — about half of the aggregation's
 * allocation, and the garbage collections in its p99. Checked in a fresh node with V8's own trace (3 deoptimisations in 14 polls before the fix).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticOddsResponse } from '../../../bench/odds-aggregation.ts';

const dir = mkdtempSync(join(tmpdir(), 'kalshi-mm-odds-jit-'));
const ROOT = join(import.meta.dirname, '../../..');

beforeAll(async () => {
  writeFileSync(
    join(dir, 'entry.ts'),
    `export { computeTheo } from ${JSON.stringify(join(ROOT, 'shared/odds/aggregate.ts'))};\n` +
      `export { parseOddsResponseFast } from ${JSON.stringify(join(ROOT, 'shared/odds/fast-odds.ts'))};\n`,
  );
  // Bundled as the Lambdas bundle it, names kept so V8's trace names the function.
  await build({
    entryPoints: [join(dir, 'entry.ts')],
    outfile: join(dir, 'odds.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
  });
  const asOf0 = Date.parse('2026-11-25T00:00:00Z');
  const polls = Array.from({ length: 14 }, (_, i) => ({
    asOf: asOf0 + i * 7_000,
    events: syntheticOddsResponse(50, 40, asOf0 + i * 7_000),
  }));
  writeFileSync(join(dir, 'polls.json'), JSON.stringify(polls));
  writeFileSync(
    join(dir, 'run.mjs'),
    `import { readFileSync } from 'node:fs';
import { computeTheo, parseOddsResponseFast } from './odds.mjs';
const polls = JSON.parse(readFileSync(new URL('./polls.json', import.meta.url), 'utf8'));
const poll = (p) => {
  const r = parseOddsResponseFast(p.events);
  if (!r.ok) throw new Error(r.error);
  for (const e of r.value.events) computeTheo(e, { asOf: p.asOf, oddsFormat: 'decimal' });
};
for (const p of polls) poll(p);
console.log('done');
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('odds aggregation under the JIT', () => {
  it('computeTheo, once optimised, is not deoptimised by later polls', () => {
    const out = execFileSync(
      process.execPath,
      // Optimised on the main thread as soon as hot, so when is the same on a loaded machine.
      ['--no-concurrent-recompilation', '--trace-deopt', join(dir, 'run.mjs')],
      { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
    );
    expect(out).toContain('done');
    const deopts = out.split('\n').filter((l) => /bailout.*deoptimizing.*<JSFunction computeTheo /.test(l));
    expect(deopts).toEqual([]);
  }, 120_000);
});
