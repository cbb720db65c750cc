/**
 * The backtest with spread/total ladders (issue #17): a scenario that lists
 * them fits strike theos in its odds poll and hands the session the
 * `strikeTheos` port, so the session quotes the strikes and takers fill them;
 * nothing rests after stop and the run ends flat.
 */
import { describe, expect, it } from 'vitest';
import { loadEngineConfig } from '../../../scripts/paper/config-file.ts';
import { scoreRun } from '../../../scripts/paper/scoreboard.ts';
import { runBacktest } from '../../../sim/backtest/run.ts';
import { resolveScenarioPath } from '../../../sim/main.ts';
import { loadScenario } from '../../../sim/scenario/schema.ts';

describe('runBacktest on a scenario with ladders', () => {
  it('quotes the strike markets: ladder fills, nothing after stop, flat at the end', async () => {
    const full = loadScenario(resolveScenarioPath('nba-ladders-night'));
    // One game of the two: the same path, half the work.
    const scenario = { ...full, games: full.games.slice(0, 1) };
    const r = await runBacktest({ strategy: 'ours', scenario, seed: 1, config: loadEngineConfig(undefined) });
    const onLadders = r.record.fills.filter((f) => /^KXNBA(SPREAD|TOTAL)-/.test(f.ticker));
    expect(onLadders.length).toBeGreaterThan(0);
    const score = scoreRun(r.record);
    expect(score.orders_after_stop).toBe(0);
    expect(score.invariant_violations).toBe(0);
    expect(r.flat).toBe(true);
  }, 180_000);
});
