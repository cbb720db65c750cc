/**
 * The thin, wide book a quiet Kalshi sports market often shows before anyone
 * makes it (e.g. 3¢ bid / 97¢ ask). Placed when each market opens and topped
 * back up once a minute if somebody takes it.
 */

import { marketsOf } from '../scenario/ladders.ts';
import type { StartingBookConfig } from '../scenario/schema.ts';
import { isActive, place, type Trader, type TraderContext, userIdOf } from './trader.ts';

const REFILL_MS = 60_000;

export class StartingBook implements Trader {
  readonly name = 'starting-book';
  readonly userId = userIdOf('starting-book');

  constructor(readonly config: StartingBookConfig) {}

  start(ctx: TraderContext): void {
    for (const sim of ctx.world.games) {
      const { openMs, endMs } = sim.path.times;
      const refill = (at: number) => {
        for (const market of marketsOf(sim)) this.fill(ctx, market);
        if (at + REFILL_MS < endMs) ctx.schedule(at + REFILL_MS, () => refill(at + REFILL_MS));
      };
      ctx.schedule(openMs, () => refill(openMs));
    }
  }

  private fill(ctx: TraderContext, market: { ticker: string }): void {
    if (!isActive(ctx, market)) return;
    const resting = ctx.exchange.restingOrders(this.userId).filter((o) => o.ticker === market.ticker);
    const size = this.config.contracts * 100;
    for (const [side, price] of [
      ['bid', this.config.bid],
      ['ask', this.config.ask],
    ] as const) {
      const have = resting.filter((o) => o.side === side).reduce((s, o) => s + o.remaining, 0);
      if (have >= size) continue;
      place(ctx, this, {
        ticker: market.ticker,
        side,
        price,
        count: size - have,
        timeInForce: 'good_till_canceled',
        postOnly: true,
      });
    }
  }
}
