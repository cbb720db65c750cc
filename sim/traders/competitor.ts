/**
 * Competing market makers. Each has its own (lagged, noisy) view of the true
 * probability and an edge; its ceiling is view − edge for bids and view + edge
 * for asks. It joins the top of book by outbidding the best *other* price by a
 * tick, never past its ceiling. When somebody else is already at or past the
 * ceiling it either sits at the ceiling (several makers with the same view end
 * up sharing it) or backs off below. Quotes are post-only: a competitor never
 * takes liquidity. They pull their quotes a configurable time before the game.
 */
import type { Micros } from '../../shared/units.ts';
import type { BookSideName, SimOrder } from '../kalshi/types.ts';
import { type AnyMarket, marketsOf, trueYes } from '../scenario/ladders.ts';
import { Rng } from '../scenario/rng.ts';
import type { CompetitorConfig } from '../scenario/schema.ts';
import type { SimGame } from '../scenario/world.ts';
import type { TickGrid } from './ticks.ts';
import {
  cancel,
  gamesFor,
  gridOf,
  isActive,
  place,
  type Trader,
  type TraderContext,
  userIdOf,
} from './trader.ts';

export interface TargetInput {
  side: BookSideName;
  /** Best price resting from anyone else on this side. */
  bestOther: Micros | undefined;
  /** Best price resting from anyone else on the opposite side (never cross it). */
  bestOpposite: Micros | undefined;
  /** Bid ceiling / ask floor on the grid; undefined = no quote on this side. */
  limit: Micros | undefined;
  whenOutbid: 'sit' | 'backoff';
  backoff: Micros;
  grid: TickGrid;
}

/**
 * The price a competitor wants on one side (pure). Invariant: a bid is never
 * above its limit, an ask never below it, and neither crosses the other side.
 */
export function competitorTarget(x: TargetInput): Micros | undefined {
  const { side, bestOther, limit, grid } = x;
  if (limit === undefined) return undefined;
  const bid = side === 'bid';
  const worse = (p: Micros) => (bid ? grid.floor(p - x.backoff) : grid.ceil(p + x.backoff));
  let target: Micros | undefined;
  if (bestOther === undefined) target = worse(limit);
  else if (bid ? bestOther < limit : bestOther > limit) {
    const improved = bid ? grid.up(bestOther) : grid.down(bestOther);
    target = improved === undefined ? limit : bid ? Math.min(improved, limit) : Math.max(improved, limit);
  } else if (bestOther === limit || x.whenOutbid === 'sit') target = limit;
  else target = worse(limit);
  if (x.bestOpposite !== undefined && (bid ? target >= x.bestOpposite : target <= x.bestOpposite)) {
    target = bid ? grid.down(x.bestOpposite) : grid.up(x.bestOpposite);
  }
  if (target === undefined) return undefined;
  // Clamping into the grid must not push past the limit.
  if (bid ? target > limit : target < limit) return undefined;
  return target;
}

/** Best price on one side after removing a user's own resting size. */
export function bestOtherPrice(
  levels: readonly [Micros, number][],
  own: readonly SimOrder[],
): Micros | undefined {
  // Plain loops: run for both sides of every market at every competitor requote.
  for (const [price, size] of levels) {
    let mine = 0;
    for (const o of own) if (o.price === price) mine += o.remaining;
    if (size - mine > 0) return price;
  }
  return undefined;
}

export class Competitor implements Trader {
  readonly userId: string;
  private readonly ownIds = new Map<string, string[]>();

  constructor(
    readonly config: CompetitorConfig,
    private readonly seed: number,
  ) {
    this.userId = userIdOf(config.name);
  }

  get name(): string {
    return this.config.name;
  }

  start(ctx: TraderContext): void {
    for (const sim of gamesFor(ctx.world, this.config.games)) {
      const { openMs, startMs } = sim.path.times;
      const from =
        this.config.fromMinuteBeforeStart === null
          ? openMs
          : Math.max(openMs, startMs - this.config.fromMinuteBeforeStart * 60_000);
      const rng = Rng.derive(this.seed, `competitor/${this.name}/${sim.game.id}`);
      // Spread first looks over the requote period so makers do not all move in lockstep.
      const first = from + Math.floor(rng.next() * this.config.requoteMs);
      ctx.schedule(first, () => this.requote(ctx, sim, rng, first));
    }
  }

  private pullMs(sim: SimGame): number {
    const pull = this.config.pullMinutesBeforeStart;
    return pull === null ? sim.path.times.endMs : sim.path.times.startMs - pull * 60_000;
  }

  /** The competitor's view of the truth for one market, in Micros. */
  private view(sim: SimGame, market: AnyMarket, now: number, noise: number): number {
    const p = trueYes(sim, market, now - this.config.lagMs);
    const logit = Math.log(p / (1 - p)) + noise;
    // Whole Micros: float noise must not push an exact ceiling down a tick.
    return Math.round(1_000_000 / (1 + Math.exp(-logit)));
  }

  private requote(ctx: TraderContext, sim: SimGame, rng: Rng, at: number): void {
    const now = ctx.now();
    if (now >= this.pullMs(sim)) {
      for (const market of marketsOf(sim)) for (const o of this.mine(ctx, market)) cancel(ctx, this, o);
      return;
    }
    for (const market of marketsOf(sim)) {
      const noise = this.config.noiseLogit * rng.normal();
      if (!isActive(ctx, market)) continue;
      const grid = gridOf(ctx, sim, market);
      const view = this.view(sim, market, now, noise);
      const edge = this.config.edgeCents * 10_000;
      const bidLimit = view - edge >= grid.min ? grid.floor(view - edge) : undefined;
      const askLimit = view + edge <= grid.max ? grid.ceil(view + edge) : undefined;
      const own = this.mine(ctx, market);
      const book = ctx.exchange.book(market.ticker);
      const otherBid = bestOtherPrice(
        book.bids,
        own.filter((o) => o.side === 'bid'),
      );
      const otherAsk = bestOtherPrice(
        book.asks,
        own.filter((o) => o.side === 'ask'),
      );
      const common = { whenOutbid: this.config.whenOutbid, backoff: this.config.backoffCents * 10_000, grid };
      const bid = competitorTarget({
        side: 'bid',
        bestOther: otherBid,
        bestOpposite: otherAsk,
        limit: bidLimit,
        ...common,
      });
      const ask = competitorTarget({
        side: 'ask',
        bestOther: otherAsk,
        bestOpposite: otherBid,
        limit: askLimit,
        ...common,
      });
      this.keep(ctx, market, 'bid', bid, bidLimit, own);
      this.keep(ctx, market, 'ask', ask, askLimit, own);
    }
    const next = at + this.config.requoteMs;
    if (next < sim.path.times.endMs) ctx.schedule(next, () => this.requote(ctx, sim, rng, next));
  }

  /** Own resting orders in a market, tracked by id (cheaper than listing every order of the user). */
  private mine(ctx: TraderContext, market: { ticker: string }): SimOrder[] {
    const ids = this.ownIds.get(market.ticker) ?? [];
    const live = ids
      .map((id) => ctx.exchange.order(id))
      .filter((o): o is SimOrder => o?.status === 'resting');
    this.ownIds.set(
      market.ticker,
      live.map((o) => o.orderId),
    );
    return live;
  }

  /** Leaves a matching quote alone (keeps queue priority); otherwise cancels and replaces. */
  private keep(
    ctx: TraderContext,
    market: { ticker: string },
    side: BookSideName,
    target: Micros | undefined,
    limit: Micros | undefined,
    own: SimOrder[],
  ): void {
    const current = own.filter((o) => o.side === side);
    if (target !== undefined && current.length === 1 && current[0]!.price === target) return;
    for (const o of current) cancel(ctx, this, o);
    if (target === undefined) return;
    const placed = place(
      ctx,
      this,
      {
        ticker: market.ticker,
        side,
        price: target,
        count: this.config.contracts * 100,
        timeInForce: 'good_till_canceled',
        postOnly: true,
      },
      limit,
    );
    if (placed?.order.status === 'resting')
      this.ownIds.set(market.ticker, [...(this.ownIds.get(market.ticker) ?? []), placed.order.orderId]);
  }
}
