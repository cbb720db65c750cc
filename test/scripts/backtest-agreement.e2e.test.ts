/**
 * Issue #20's agreement rule: on one scenario, ours over the in-process
 * backtest (default latencies) and over the paper stack's loopback sockets in
 * lockstep earn the same mean truth-marked PnL over 20 seeds, within two
 * standard errors of the difference. The one-game fixture keeps it to about a
 * minute of CPU (the lockstep half, ≈ 3 s a run); the seeds run in two
 * children of the command (`--jobs 2`).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type RunLine } from '../../scripts/backtest.ts';

const TINY = 'test/scripts/fixtures/tiny-scenario.json';
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

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

describe('backtest against lockstep', () => {
  it('agrees on the one-game scenario over 20 seeds: mean truth-marked PnL within two standard errors', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kmm-agreement-')), 'runs.json');
    const out = sink();
    const err = sink();
    const code = await main(
      ['--scenario', TINY, '--seeds', '1-20', '--compare-socket', '--jobs', '2', '--json', file],
      { out, err },
    );
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {
      runs: RunLine[];
      failed: number;
      summary: { agreement: { agree: boolean; diff: number; se: number } };
    };
    expect(doc.failed, err.text).toBe(0);
    for (const transport of ['backtest', 'socket'] as const)
      expect(doc.runs.filter((r) => r.transport === transport).map((r) => r.seed)).toEqual(SEEDS);
    for (const r of doc.runs) expect(r.flat, `${r.transport} seed ${r.seed}`).toBe(true);
    const a = doc.summary.agreement;
    expect(Math.abs(a.diff), out.text).toBeLessThanOrEqual(2 * a.se);
    expect(a.agree).toBe(true);
    expect(code, out.text).toBe(0);
  }, 900_000);
});
