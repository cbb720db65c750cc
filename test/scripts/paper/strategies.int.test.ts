/**
 * The strategy line-up is built once per process and run over many (scenario, seed) jobs: a run's
 * scoreboard must not depend on which runs the same line-up ran before it (issue #20: same seed,
 * same scoreboard).
 */
import { describe, expect, it } from 'vitest';
import { loadEngineConfig } from '../../../scripts/paper/config-file.ts';
import { strategyLineup } from '../../../scripts/paper/strategies.ts';
import { runBacktest } from '../../../sim/backtest/run.ts';

const config = loadEngineConfig(undefined);

async function oracleRun(lineup: ReturnType<typeof strategyLineup>, seed: number) {
  const quoter = lineup.strategies.find(([n]) => n === 'oracle')![1]!;
  const r = await runBacktest({
    strategy: 'oracle',
    scenario: 'nba-quiet-evening',
    seed,
    config,
    quoter,
    onWorld: lineup.bindTruth,
  });
  return JSON.stringify({ record: r.record, ruler: r.ruler, uptime: r.uptime });
}

describe('strategyLineup', () => {
  it("gives the oracle a fresh memory every run: a seed's scoreboard is the same after another run as alone", async () => {
    const used = strategyLineup(config, true);
    await oracleRun(used, 1);
    const afterAnother = await oracleRun(used, 2);
    const alone = await oracleRun(strategyLineup(config, true), 2);
    expect(afterAnother).toBe(alone);
  }, 180_000);
});
