/**
 * The oracle reference strategy: our own quoting rules (gameQuoter, same
 * parameters) run around the scenario's TRUE probability instead of the theo.
 * It is the ceiling of what the rules can earn in that world: against it a
 * report can say how much of the attainable edge the theo loses (oracle −
 * ours) and how much the rules leave (what the oracle itself earns). Only a
 * simulator can run it; the truth is late-bound because the world is built
 * when the stack starts.
 */
import type { QuotingParams } from '../../shared/pricing/params.ts';
import { gameQuoter } from '../../worker/engine/adapters/quoter.ts';
import type { QuoteContext, Quoter } from '../../worker/engine/ports.ts';

/** The truth of a market's YES at scenario time `now`; null while unknown. */
export type TruthOf = (ticker: string, now: number) => number | null;

export function oracleQuoter(params: QuotingParams, truthOf: () => TruthOf | null): Quoter {
  // The quoter's memory (competition, sweeps, news holds) belongs to one world: a line-up runs many
  // (scenario, seed) jobs in one process with the same tickers and scenario clock, and a memory kept
  // from the last run would change this one's decisions.
  let inner: Quoter | null = null;
  let boundTo: TruthOf | null = null;
  return (ctx: QuoteContext) => {
    const truth = truthOf();
    if (!truth) return { quotes: [], modes: {}, reasons: ['no-truth'] };
    if (truth !== boundTo || !inner) {
      inner = gameQuoter({ params });
      boundTo = truth;
    }
    const probabilities: Record<string, number> = { ...ctx.theo.probabilities };
    for (const m of ctx.game.markets) {
      const p = truth(m.ticker, ctx.now);
      if (p !== null && p > 0 && p < 1) probabilities[m.outcome] = p;
    }
    return inner({ ...ctx, theo: { ...ctx.theo, probabilities } });
  };
}
