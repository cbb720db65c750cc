/**
 * `npm run backtest` on the one-game scenario: the same arguments give the
 * same numbers and every run ends flat. The agreement with lockstep
 * (`--compare-socket`, 20 seeds): backtest-agreement.e2e.test.ts.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type RunLine } from '../../scripts/backtest.ts';

const TINY = 'test/scripts/fixtures/tiny-scenario.json';

function sink() {
  let text = '';
  return {
    write: (s: string) => {
      text += s;
      return true;
    },
    get text() {
      return text;
    },
  };
}

describe('npm run backtest on a one-game scenario', () => {
  it('gives the same numbers for the same arguments', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kmm-backtest-'));
    const runs = async (file: string) => {
      const out = sink();
      const err = sink();
      const code = await main(
        ['--scenario', TINY, '--seeds', '5-6', '--strategies', 'ours,oracle', '--json', file],
        { out, err },
      );
      const doc = JSON.parse(readFileSync(file, 'utf8')) as {
        runs: RunLine[];
        summary: Record<string, unknown>;
      };
      return { code, doc, out: out.text, err: err.text };
    };
    const a = await runs(join(dir, 'a.json'));
    const b = await runs(join(dir, 'b.json'));
    expect(a.code, a.err).toBe(0);
    const numbers = (r: RunLine) => [r.seed, r.strategy, r.fills, r.truthMarked, r.exchangeEvents, r.flat];
    expect(a.doc.runs.map(numbers)).toEqual(b.doc.runs.map(numbers));
    expect(a.doc.runs.map((r) => `${r.seed} ${r.strategy}`)).toEqual([
      '5 ours',
      '5 oracle',
      '6 ours',
      '6 oracle',
    ]);
    for (const r of a.doc.runs) expect(r.flat).toBe(true);
    expect(a.out).toMatch(/ours +truth-marked .* exchange events .*\/s of wall/);
  }, 300_000);
});
