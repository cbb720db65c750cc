/**
 * `npm run backtest` on the one-game scenario: the same arguments give the
 * same numbers, every run ends flat, and `--compare-socket` runs ours over the
 * paper stack's loopback sockets too and gives the agreement verdict.
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
  it('gives the same numbers for the same arguments; --compare-socket adds lockstep runs and a verdict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kmm-backtest-'));
    const runs = async (file: string, extra: string[] = []) => {
      const out = sink();
      const err = sink();
      const code = await main(
        ['--scenario', TINY, '--seeds', '5-6', '--strategies', 'ours,oracle', '--json', file, ...extra],
        { out, err },
      );
      const doc = JSON.parse(readFileSync(file, 'utf8')) as {
        runs: RunLine[];
        summary: Record<string, unknown> & { agreement?: { agree: boolean } };
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

    const c = await runs(join(dir, 'c.json'), ['--compare-socket']);
    const socket = c.doc.runs.filter((r) => r.transport === 'socket');
    expect(socket.map((r) => r.seed)).toEqual([5, 6]);
    expect(c.out).toMatch(/socket − backtest: .* → (agree|DISAGREE)/);
    expect(c.code).toBe(c.doc.summary.agreement?.agree ? 0 : 1);
  }, 300_000);
});
