/**
 * Noise takers: uninformed flow. For every market side a Poisson stream of
 * would-be takers arrives at rate A; each looks at the best price and trades
 * with probability exp(−k·δ), δ being how many cents that price sits on the
 * wrong side of the true probability. Thinning a rate-A process this way gives
 * exactly the arrival intensity A·exp(−k·δ) of the quoting models. They take
 * only the top level (IOC at the best price).
 */

import { type AnyMarket, marketsOf, trueYes } from '../scenario/ladders.ts';
import { Rng } from '../scenario/rng.ts';
import type { NoiseTakerConfig } from '../scenario/schema.ts';
import type { SimGame } from '../scenario/world.ts';
import { gamesFor, isActive, place, type Trader, type TraderContext, userIdOf } from './trader.ts';

const MICROS_PER_CENT = 10_000;

/** Probability that an arrival at distance δ (cents, positive = worse than true) trades: min(1, exp(−kδ)). */
export function takeProbability(deltaCents: number, decayPerCent: number): number {
  return Math.min(1, Math.exp(-decayPerCent * deltaCents));
}

/** Ticket size for a uniform draw `u` in [0, 1): always an integer in [min, max]. */
export function drawContracts(
  c: { min: number; max: number; distribution: 'uniform' | 'logUniform' },
  u: number,
): number {
  const x =
    c.distribution === 'uniform'
      ? c.min + Math.floor(u * (c.max - c.min + 1))
      : Math.floor(Math.exp(Math.log(c.min) + u * (Math.log(c.max + 1) - Math.log(c.min))));
  return Math.max(c.min, Math.min(c.max, x));
}

export class NoiseTaker implements Trader {
  readonly userId: string;

  constructor(
    readonly config: NoiseTakerConfig,
    private readonly seed: number,
  ) {
    this.userId = userIdOf(config.name);
  }

  get name(): string {
    return this.config.name;
  }

  start(ctx: TraderContext): void {
    for (const sim of gamesFor(ctx.world, this.config.games))
      for (const market of marketsOf(sim))
        for (const buy of [true, false]) {
          const rng = Rng.derive(this.seed, `noise/${this.name}/${market.ticker}/${buy ? 'buy' : 'sell'}`);
          this.next(ctx, sim, market, buy, rng, sim.path.times.openMs);
        }
  }

  private untilMs(sim: SimGame): number {
    const { startMs, endMs } = sim.path.times;
    const after = this.config.untilMinutesAfterStart;
    return after === null ? endMs : Math.min(endMs, startMs + after * 60_000);
  }

  private next(
    ctx: TraderContext,
    sim: SimGame,
    market: AnyMarket,
    buy: boolean,
    rng: Rng,
    from: number,
  ): void {
    const at = from + Math.max(1, Math.round(rng.exponential(this.config.intensityPerMinute / 60_000)));
    if (at >= this.untilMs(sim)) return;
    ctx.schedule(at, () => {
      this.arrive(ctx, sim, market, buy, rng);
      this.next(ctx, sim, market, buy, rng, at);
    });
  }

  private arrive(ctx: TraderContext, sim: SimGame, market: AnyMarket, buy: boolean, rng: Rng): void {
    // Draws happen whatever the book shows, so the stream stays aligned across runs.
    const u = rng.next();
    const contracts = drawContracts(this.config.contracts, rng.next());
    if (!isActive(ctx, market)) return;
    const book = ctx.exchange.book(market.ticker);
    const level = buy ? book.asks[0] : book.bids[0];
    if (!level) return;
    const [price] = level;
    const truth = Math.round(trueYes(sim, market, ctx.now()) * 1_000_000);
    const deltaCents = (buy ? price - truth : truth - price) / MICROS_PER_CENT;
    if (u >= takeProbability(deltaCents, this.config.decayPerCent)) return;
    place(ctx, this, {
      ticker: market.ticker,
      side: buy ? 'bid' : 'ask',
      price,
      count: contracts * 100,
      timeInForce: 'immediate_or_cancel',
    });
  }
}
