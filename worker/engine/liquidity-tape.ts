/**
 * The public trade tape and each game's liquidity estimate (issue #14, docs/PRICING.md "Liquidity from
 * the market"). Trades reach it from the market feed (`TradeEvent`, Kalshi's public `trade` channel; our
 * own fills are trades on that tape too, so they are not added twice); the quoter hands it every decision's
 * context, from which it learns the theo each market is quoted on and the best resting price on each side
 * (exposure). Per game, both legs pooled (a bid on one team is an ask on the other: one bet), it keeps a
 * pure `LiquidityState` (shared/pricing/estimation.ts) and answers (A, k) shrunk to the config's prior.
 *
 * A trade is measured against the last theo the quoter saw for its market: the theo changes only when a
 * poll lands, and every poll requotes the game, so that is the theo in force at the trade's time.
 */
import {
  addArrival,
  advanceLiquidity,
  EMPTY_LIQUIDITY,
  estimateLiquidity,
  holdLiquidity,
  type IntensityEstimate,
  type LiquidityRule,
  type LiquidityState,
} from '../../shared/pricing/estimation.ts';
import type { QuotingParams } from '../../shared/pricing/params.ts';
import { MICROS_PER_DOLLAR } from '../../shared/units.ts';
import type { FeedEvent, QuoteContext } from './ports.ts';

/** One print of the public tape (Kalshi `trade`): price on the YES scale; the taker's order side. */
export interface TradeEvent {
  type: 'trade';
  ticker: string;
  /** YES price, Micros. */
  price: number;
  /** Contracts, Centis. */
  count: number;
  /** 'bid': the taker bought YES (lifted an ask); 'ask': the taker sold YES (hit a bid). */
  takerSide: 'bid' | 'ask';
  /** Exchange time, epoch ms. */
  tsMs: number;
}

export function liquidityRule(p: QuotingParams): LiquidityRule {
  return {
    prior: { arrivalRate: p.arrivalRate, k: p.k },
    priorTrades: p.liquidityPriorTrades,
    halfLifeMs: p.liquidityHalfLifeMs,
    maxFactor: p.liquidityMaxFactor,
  };
}

/** What the tape dropped, by reason (a bad print moves no estimate). */
export interface TapeCounts {
  accepted: number;
  /** Same market, taker side and exchange ms as the previous print: one taker sweeping levels, one arrival. */
  merged: number;
  bad: number;
  unknownMarket: number;
  noTheo: number;
  outOfRange: number;
}

interface Leg {
  eventTicker: string;
  theo: number | null;
  last: { side: 'bid' | 'ask'; tsMs: number } | null;
}

export class LiquidityTape {
  private readonly legs = new Map<string, Leg>();
  private readonly games = new Map<string, LiquidityState>();
  readonly counts: TapeCounts = {
    accepted: 0,
    merged: 0,
    bad: 0,
    unknownMarket: 0,
    noTheo: 0,
    outOfRange: 0,
  };

  constructor(private readonly rule: LiquidityRule) {}

  onTrade(t: TradeEvent): void {
    const leg = this.legs.get(t.ticker);
    if (
      !Number.isFinite(t.price) ||
      t.price <= 0 ||
      t.price >= MICROS_PER_DOLLAR ||
      !(t.count > 0) ||
      (t.takerSide !== 'bid' && t.takerSide !== 'ask')
    ) {
      this.counts.bad++;
      return;
    }
    if (!leg) {
      this.counts.unknownMarket++;
      return;
    }
    if (leg.theo === null) {
      this.counts.noTheo++;
      return;
    }
    if (leg.last && leg.last.side === t.takerSide && leg.last.tsMs === t.tsMs) {
      this.counts.merged++;
      return;
    }
    leg.last = { side: t.takerSide, tsMs: t.tsMs };
    const p = t.price / MICROS_PER_DOLLAR;
    // A taker buying YES lifted an ask at p: an ask quote at distance p − theo would have filled.
    const distance = t.takerSide === 'bid' ? p - leg.theo : leg.theo - p;
    // Counted as of the game's last decision (exposure accrues on the quoter's clock, ctx.now; the
    // exchange's ts only merges a sweep's prints): it decays from there, off by seconds in an hour's half-life.
    const s = this.state(leg.eventTicker);
    const next = addArrival(s, distance);
    if (next === s) this.counts.outOfRange++;
    else this.counts.accepted++;
    this.games.set(leg.eventTicker, next);
  }

  /**
   * A quoting decision's context: records each leg's theo and the best resting price per side (everyone's,
   * ours included: a taker hits whichever is best), and returns the game's estimate.
   */
  observe(ctx: QuoteContext): IntensityEstimate {
    const id = ctx.game.eventTicker;
    let s = advanceLiquidity(this.state(id), ctx.now, this.rule);
    const distances: number[] = [];
    for (const m of ctx.game.markets) {
      const theo = ctx.theo.probabilities[m.outcome];
      const usable = theo !== undefined && Number.isFinite(theo) && theo > 0 && theo < 1 ? theo : null;
      const leg = this.legs.get(m.ticker);
      if (leg) {
        leg.theo = usable;
        leg.eventTicker = id;
      } else this.legs.set(m.ticker, { eventTicker: id, theo: usable, last: null });
      const book = ctx.books.get(m.ticker);
      if (usable === null || !book || !book.valid) continue;
      const bid = book.bids[0];
      const ask = book.asks[0];
      if (bid) distances.push(usable - bid.price / MICROS_PER_DOLLAR);
      if (ask) distances.push(ask.price / MICROS_PER_DOLLAR - usable);
    }
    s = holdLiquidity(s, distances);
    this.games.set(id, s);
    return estimateLiquidity(s, this.rule);
  }

  /** The game's state (tests, the dashboard). */
  state(eventTicker: string): LiquidityState {
    return this.games.get(eventTicker) ?? EMPTY_LIQUIDITY;
  }

  /** Forgets a game (settled, delisted). */
  forget(eventTicker: string): void {
    this.games.delete(eventTicker);
    for (const [t, leg] of this.legs) if (leg.eventTicker === eventTicker) this.legs.delete(t);
  }
}

/**
 * The quoter's hook (adapters/quoter.ts): with `liquidityEstimate` on and a feed given, a tape listening to
 * the feed's trades, and a function that returns each decision's settings with the game's estimated k and A
 * in place of the config's. Off: the settings as they are (tape null), so the quoter runs as before.
 */
export function liquidityQuoting<S extends { params: QuotingParams }>(
  settings: S,
  feed: { onEvent(h: (e: FeedEvent) => void): () => void } | undefined,
): ((ctx: QuoteContext) => S) & { tape: LiquidityTape | null } {
  const params = settings.params;
  if (!params.liquidityEstimate || !feed) return Object.assign(() => settings, { tape: null });
  const tape = new LiquidityTape(liquidityRule(params));
  let listening = false;
  const withEstimate = (ctx: QuoteContext): S => {
    // Subscribed at the first decision, after the session's own listener: a feed may connect on its first
    // listener, and the session must see that 'up'. Trades before it have no theo to be measured against.
    if (!listening) {
      listening = true;
      feed.onEvent((e) => {
        if (e.type === 'trade') tape.onTrade(e);
      });
    }
    const est = tape.observe(ctx);
    if (est.k === params.k && est.arrivalRate === params.arrivalRate) return settings;
    return { ...settings, params: { ...params, k: est.k, arrivalRate: est.arrivalRate } };
  };
  return Object.assign(withEstimate, { tape });
}
