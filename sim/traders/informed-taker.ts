/**
 * Informed takers: they know about a jump (injury news) the moment it happens
 * and, after a short reaction delay, sweep every resting price that the new
 * truth makes wrong by at least their edge, before books and bookmakers move.
 * This is the adverse selection a maker must survive.
 */

import { marketsOf, trueYes } from '../scenario/ladders.ts';
import { Rng } from '../scenario/rng.ts';
import type { InformedTakerConfig } from '../scenario/schema.ts';
import type { SimGame } from '../scenario/world.ts';
import { gamesFor, gridOf, isActive, place, type Trader, type TraderContext, userIdOf } from './trader.ts';

export class InformedTaker implements Trader {
  readonly userId: string;

  constructor(
    readonly config: InformedTakerConfig,
    private readonly seed: number,
  ) {
    this.userId = userIdOf(config.name);
  }

  get name(): string {
    return this.config.name;
  }

  start(ctx: TraderContext): void {
    for (const sim of gamesFor(ctx.world, this.config.games)) {
      const rng = Rng.derive(this.seed, `informed/${this.name}/${sim.game.id}`);
      for (const jump of sim.path.jumps) {
        const { min, max } = this.config.reactionMs;
        const delay = Math.round(min + rng.next() * Math.max(0, max - min));
        const at = jump.atMs + delay;
        if (at < sim.path.times.openMs || at >= sim.path.times.endMs) continue;
        ctx.schedule(at, () => this.sweep(ctx, sim));
      }
    }
  }

  private sweep(ctx: TraderContext, sim: SimGame): void {
    const now = ctx.now();
    const edge = this.config.minEdgeCents * 10_000;
    for (const market of marketsOf(sim)) {
      if (!isActive(ctx, market)) continue;
      const grid = gridOf(ctx, sim, market);
      const p = Math.round(trueYes(sim, market, now) * 1_000_000);
      const book = ctx.exchange.book(market.ticker);
      const count = this.config.maxContracts * 100;
      const bestAsk = book.asks[0]?.[0];
      if (bestAsk !== undefined && bestAsk <= p - edge) {
        const limit = grid.floor(p - edge);
        place(
          ctx,
          this,
          { ticker: market.ticker, side: 'bid', price: limit, count, timeInForce: 'immediate_or_cancel' },
          limit,
        );
      }
      const bestBid = book.bids[0]?.[0];
      if (bestBid !== undefined && bestBid >= p + edge) {
        const limit = grid.ceil(p + edge);
        place(
          ctx,
          this,
          { ticker: market.ticker, side: 'ask', price: limit, count, timeInForce: 'immediate_or_cancel' },
          limit,
        );
      }
    }
  }
}
