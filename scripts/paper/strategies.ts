/**
 * The strategies a headless run compares, in report order: ours (the engine's
 * quoter), the baselines at our base size, and the oracle (our rules around the
 * scenario's true probability, bound to each run's world once it exists).
 * `npm run simulate` and `npm run backtest` run the same line-up.
 */
import type { EngineConfig } from '../../shared/config/engine-config.ts';
import { marketsOf, trueYes } from '../../sim/scenario/ladders.ts';
import type { World } from '../../sim/scenario/world.ts';
import type { Quoter } from '../../worker/engine/ports.ts';
import { BASELINES } from './baselines.ts';
import { oracleQuoter, type TruthOf } from './oracle.ts';

export interface StrategyLineup {
  /** Name and quoter; `undefined` is ours (the worker's own gameQuoter). */
  strategies: [string, Quoter | undefined][];
  /** Binds the oracle's truth to the world of the run about to start (undefined: none). */
  bindTruth(world: World | undefined): void;
}

export function strategyLineup(config: EngineConfig, baselines: boolean): StrategyLineup {
  // Baselines quote the base size ours quotes.
  const size = config.quoting.baseSize;
  let truthOf: TruthOf | null = null;
  const oracle = oracleQuoter(config.quoting, () => truthOf);
  return {
    strategies: [
      ['ours', undefined],
      ...(baselines
        ? [
            ...Object.entries(BASELINES).map(([n, make]): [string, Quoter] => [n, make(size)]),
            ['oracle', oracle] as [string, Quoter],
          ]
        : []),
    ],
    bindTruth(world) {
      truthOf = world
        ? (ticker, now) => {
            for (const g of world.games) {
              const m = marketsOf(g).find((x) => x.ticker === ticker);
              if (m) return trueYes(g, m, now);
            }
            return null;
          }
        : null;
    },
  };
}

/** Every strategy name the line-up knows, in report order. */
export const STRATEGY_NAMES: readonly string[] = ['ours', ...Object.keys(BASELINES), 'oracle'];
