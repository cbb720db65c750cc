/**
 * REST write efficiency on the shipped scenario, deterministic: the same ratio as
 * `rest_writes_vs_naive_scenario` (our writes ÷ what a cancel-and-replace of every changed side
 * would write) through the in-process backtest (sim/backtest/run.ts: the real TradingSession on a
 * virtual clock, the same run for the same seed), summed over a few seeds. The socket-path figure
 * moves by ±0.03 from one run to the next on the same code (its lockstep timing decides how many
 * sides change at all: 262–375 changed sides in recent runs), too much to see a change of code in.
 *
 * Beside it, what the writes were (creates, amends, decreases, cancels) and the amends that put an
 * order's price back within 2 s to where it was before its previous amend: a write that bought
 * nothing (see docs/BENCHMARKS.md "REST writes against the naive count").
 */
import { join } from 'node:path';
import { parseEngineConfig } from '../shared/config/engine-config.ts';
import { runBacktest } from '../sim/backtest/run.ts';
import { KalshiEngine } from '../sim/kalshi/index.ts';
import { gameQuoter } from '../worker/engine/adapters/quoter.ts';
import { countingQuoter } from './engine-harness.ts';
import { type Figure, figure } from './figures.ts';
import {
  type OrderEvent,
  type PriceTrail,
  REVERSAL_MS,
  tallyOrderEvent,
  type WriteTally,
} from './write-tally.ts';

export const WRITE_SEEDS = [1, 2, 3] as const;

async function tallySeed(scenario: string, seed: number, tally: WriteTally): Promise<void> {
  const proto = KalshiEngine.prototype as unknown as { emit: (e: unknown) => void };
  const original = proto.emit;
  const trails = new Map<string, PriceTrail>();
  proto.emit = function (this: KalshiEngine, e: unknown) {
    const ev = e as { type?: string; order?: OrderEvent };
    if (ev.type === 'order' && ev.order?.userId === 'maker') tallyOrderEvent(trails, tally, ev.order);
    original.call(this, e);
  };
  try {
    const config = parseEngineConfig({});
    const r = await runBacktest({
      strategy: 'ours',
      scenario,
      seed,
      config,
      quoter: countingQuoter(gameQuoter({ params: config.quoting }), tally),
    });
    tally.writes += r.record.writes;
  } finally {
    proto.emit = original;
  }
}

export async function benchWriteEfficiency(scenarioName: string): Promise<Figure[]> {
  const scenario = join(import.meta.dirname, '..', 'sim', 'scenarios', `${scenarioName}.json`);
  const empty = (): WriteTally => ({
    writes: 0,
    naiveWrites: 0,
    changedSides: 0,
    requotes: 0,
    kinds: {},
    reversals: 0,
  });
  const total = empty();
  const perSeed: string[] = [];
  for (const seed of WRITE_SEEDS) {
    const t = empty();
    await tallySeed(scenario, seed, t);
    perSeed.push(`seed ${seed}: ${(t.writes / Math.max(1, t.naiveWrites)).toFixed(3)}`);
    total.writes += t.writes;
    total.naiveWrites += t.naiveWrites;
    total.changedSides += t.changedSides;
    total.requotes += t.requotes;
    total.reversals += t.reversals;
    for (const [k, n] of Object.entries(t.kinds)) total.kinds[k] = (total.kinds[k] ?? 0) + n;
  }
  const k = total.kinds;
  const amends = k['Amend'] ?? 0;
  return [
    figure(
      'rest_writes_vs_naive_backtest',
      total.writes / Math.max(1, total.naiveWrites),
      'ratio',
      null,
      'lower',
      total.requotes,
      `${scenarioName}, in-process backtest seeds ${WRITE_SEEDS.join(', ')} (deterministic; ${perSeed.join(', ')}): ${total.writes} writes (${k['Created'] ?? 0} creates, ${amends} amends, ${k['Decrease'] ?? 0} decreases, ${k['Cancel'] ?? 0} cancels) vs ${total.naiveWrites} for cancel-and-replace of ${total.changedSides} changed sides`,
    ),
    figure(
      'rest_amend_reversals_share_backtest',
      total.reversals / Math.max(1, total.writes),
      'ratio',
      null,
      'lower',
      total.writes,
      `amends putting an order back within ${REVERSAL_MS / 1000} s to the price before its previous amend: ${total.reversals} of ${total.writes} writes (${amends} amends)`,
    ),
  ];
}
