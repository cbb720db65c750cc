/**
 * The engine's Quoter port over shared/pricing/quote-game.ts.
 *
 * What this adapter adds around the pure quoteGame:
 * - the book WITHOUT our own resting orders (we must not compete with ourselves);
 * - competition detection per slot: we start at the monopsony quote and switch
 *   a side to competitive once someone else joins or outbids our resting price
 *   there ("sit and watch"). The memory FADES: a slot returns to monopsony
 *   `competitionMemoryMs` after the last time we saw it outbid (a rival that
 *   left must not keep us pinned to the top of book at thin edge forever);
 * - a sweep guard: when a side of a market was filled for at least `sweepSize`
 *   within `sweepWindowMs` and the theo has not been refreshed since, the theo is
 *   presumed stale (informed takers move first on news) and that side is pulled
 *   until a newer theo arrives or the window passes — we do not re-offer the same
 *   stale price to the slower insiders;
 * - pending exposure (sent/unacknowledged or uncertain orders) per side;
 * - tick grids per market (cached) and the series fee schedule.
 */

import { marketsCoverTheo } from '../../../shared/mapping/market-theo.ts';
import { QUADRATIC_FEES } from '../../../shared/pricing/fees.ts';
import type { QuotingParams } from '../../../shared/pricing/params.ts';
import { type MarketQuoteInput, quoteGame } from '../../../shared/pricing/quote-game.ts';
import {
  mirrorMoves,
  type PositionMove,
  type SweepRule,
  sweptSideOf,
} from '../../../shared/pricing/sweep-guard.ts';
import { LINEAR_CENT_GRID, type TickGrid, tryMakeTickGrid } from '../../../shared/pricing/tick-grid.ts';
import type { BookLevel, BookSide, GameQuotes, LiveOrder, MarketBook, Quoter, SlotId } from '../ports.ts';
import { slotId } from '../ports.ts';

/** Book levels minus our own resting size at each price. */
export function withoutOwn(levels: readonly BookLevel[], own: readonly LiveOrder[]): BookLevel[] {
  const mine = new Map<number, number>();
  for (const o of own) if (o.state === 'resting') mine.set(o.price, (mine.get(o.price) ?? 0) + o.remaining);
  return levels
    .map((l) => ({ price: l.price, size: l.size - (mine.get(l.price) ?? 0) }))
    .filter((l) => l.size > 0);
}

/** Has anyone else joined or beaten our resting price on this side? */
export function outbid(
  side: BookSide,
  othersBest: BookLevel | undefined,
  ours: LiveOrder | undefined,
): boolean {
  if (!othersBest || !ours || ours.state !== 'resting') return false;
  return side === 'bid' ? othersBest.price >= ours.price : othersBest.price <= ours.price;
}

export interface GameQuoterOptions {
  /** Quoting parameters, including the quoter's memory: competitionMemoryMs, sweep* (params.ts). */
  params: QuotingParams;
  /** Overrides params.competitionMemoryMs (tests). */
  competitionMemoryMs?: number;
  /** Overrides params.sweepSize (tests). */
  sweepSize?: number;
  /** Overrides params.sweepWindowMs (tests). */
  sweepWindowMs?: number;
  /** Called when a market's price ranges are invalid (the 1¢ grid is used instead). */
  onBadGrid?: (ticker: string, error: string) => void;
}

export const DEFAULT_COMPETITION_MEMORY_MS = 60_000;
export const DEFAULT_SWEEP_SIZE = 1_000;
export const DEFAULT_SWEEP_WINDOW_MS = 30_000;

/**
 * The side to pull after a sweep, or null: the position moves seen since the
 * current theo (same updatedMs), within the window, add up to ≥ size one way
 * (the `leg` / `theo-update` guard; shared/pricing/sweep-guard.ts has both).
 */
export function sweptSide(
  moves: readonly Omit<PositionMove, 'theo'>[],
  now: number,
  theoMs: number,
  size: number,
  windowMs: number,
): 'bid' | 'ask' | null {
  const rule: SweepRule = { size, windowMs, release: 'theo-update', releaseMove: 0 };
  return sweptSideOf(
    moves.map((m) => ({ ...m, theo: Number.NaN })),
    now,
    theoMs,
    null,
    rule,
  );
}

/**
 * Best level of one side of a book without our own resting size at each price
 * (the first entry of `withoutOwn`), without building the filtered arrays: the
 * quote only reads the best level. `own` may hold orders of other tickers/sides.
 */
export function bestWithoutOwn(
  levels: readonly BookLevel[],
  own: readonly LiveOrder[],
  ticker: string,
  side: BookSide,
): BookLevel | null {
  for (const l of levels) {
    let mine = 0;
    for (const o of own)
      if (o.state === 'resting' && o.price === l.price && o.ticker === ticker && o.side === side)
        mine += o.remaining;
    const size = l.size - mine;
    if (size > 0) return { price: l.price, size };
  }
  return null;
}

/** What the quoter remembers per market (one lookup per market per requote instead of a string key per slot). */
interface MarketMemory {
  grid: TickGrid;
  /** The price ranges `grid` was built from (identity: a changed structure arrives as a new array). */
  ranges: MarketQuoteInputRanges;
  bidSlot: SlotId;
  askSlot: SlotId;
  /** When each side was last seen outbid. */
  bidOutbid: number | undefined;
  askOutbid: number | undefined;
  /** Last position seen and its recent moves (sweep guard). */
  lastPosition: number | undefined;
  moves: PositionMove[];
}

export function gameQuoter(opts: GameQuoterOptions): Quoter & { competition: ReadonlySet<SlotId> } {
  const memoryMs =
    opts.competitionMemoryMs ?? opts.params.competitionMemoryMs ?? DEFAULT_COMPETITION_MEMORY_MS;
  /** Slots currently judged competitive (read by the dashboard/tests). */
  const competition = new Set<SlotId>();
  const sweepSize = opts.sweepSize ?? opts.params.sweepSize ?? DEFAULT_SWEEP_SIZE;
  const sweepWindowMs = opts.sweepWindowMs ?? opts.params.sweepWindowMs ?? DEFAULT_SWEEP_WINDOW_MS;
  const sweepRule: SweepRule = {
    size: sweepSize,
    windowMs: sweepWindowMs,
    release: opts.params.sweepRelease ?? 'theo-update',
    releaseMove: Math.max(opts.params.minEdge, 1) / 1_000_000,
  };
  const sweepScope = opts.params.sweepScope ?? 'leg';
  const memory = new Map<string, MarketMemory>();

  const gridOf = (ticker: string, ranges: MarketQuoteInputRanges): TickGrid => {
    if (ranges && ranges.length > 0) {
      const r = tryMakeTickGrid(ranges);
      if (r.ok) return r.grid;
      opts.onBadGrid?.(ticker, r.error);
    }
    return LINEAR_CENT_GRID;
  };
  const memoryOf = (ticker: string, ranges: MarketQuoteInputRanges): MarketMemory => {
    let mem = memory.get(ticker);
    if (mem) {
      // The session hands a new ranges array when Kalshi changes the market's tick structure.
      if (mem.ranges !== ranges) {
        mem.grid = gridOf(ticker, ranges);
        mem.ranges = ranges;
      }
      return mem;
    }
    mem = {
      grid: gridOf(ticker, ranges),
      ranges,
      bidSlot: slotId(ticker, 'bid'),
      askSlot: slotId(ticker, 'ask'),
      bidOutbid: undefined,
      askOutbid: undefined,
      lastPosition: undefined,
      moves: [],
    };
    memory.set(ticker, mem);
    return mem;
  };

  /** Competition memory of one side: refreshed when outbid now, faded after `memoryMs`. */
  const judge = (slot: SlotId, seenOutbid: number | undefined, isOutbid: boolean, now: number) => {
    const seen = isOutbid ? now : seenOutbid;
    if (seen !== undefined && now - seen < memoryMs) {
      competition.add(slot);
      return seen;
    }
    competition.delete(slot);
    return undefined;
  };

  const quoter = (ctx: Parameters<Quoter>[0]): GameQuotes => {
    const own = ctx.ownOrders;
    const gameMarkets = ctx.game.markets;
    const mems: MarketMemory[] = new Array(gameMarkets.length);
    const markets: MarketQuoteInput[] = new Array(gameMarkets.length);
    for (let i = 0; i < gameMarkets.length; i++) {
      const m = gameMarkets[i]!;
      const mem = memoryOf(m.ticker, m.priceRanges);
      mems[i] = mem;
      const book: MarketBook | undefined = ctx.books.get(m.ticker);
      const bestBid = book ? bestWithoutOwn(book.bids, own, m.ticker, 'bid') : null;
      const bestAsk = book ? bestWithoutOwn(book.asks, own, m.ticker, 'ask') : null;
      let ourBid: LiveOrder | undefined;
      let ourAsk: LiveOrder | undefined;
      let pendingBid = 0;
      let pendingAsk = 0;
      for (const o of own) {
        if (o.ticker !== m.ticker) continue;
        if (o.side === 'bid') {
          ourBid ??= o;
          if (o.state !== 'resting') pendingBid += o.remaining;
        } else {
          ourAsk ??= o;
          if (o.state !== 'resting') pendingAsk += o.remaining;
        }
      }
      mem.bidOutbid = judge(mem.bidSlot, mem.bidOutbid, outbid('bid', bestBid ?? undefined, ourBid), ctx.now);
      mem.askOutbid = judge(mem.askSlot, mem.askOutbid, outbid('ask', bestAsk ?? undefined, ourAsk), ctx.now);
      markets[i] = {
        ticker: m.ticker,
        outcome: m.outcome,
        grid: mem.grid,
        theo: ctx.theo.probabilities[m.outcome] ?? null,
        fees: ctx.game.fees ?? QUADRATIC_FEES,
        book: { bestBid, bestAsk },
        competition: { bid: mem.bidOutbid !== undefined, ask: mem.askOutbid !== undefined },
        position: ctx.positions.get(m.ticker) ?? 0,
        avgEntry: ctx.entryPrices.get(m.ticker) ?? null,
        pending: { bid: pendingBid, ask: pendingAsk },
      };
    }
    const decision = quoteGame({
      now: ctx.now,
      stopTime: ctx.stopAtMs,
      params: opts.params,
      limit: ctx.limit,
      // A 3-way book listed without a TIE market: the two winners are no hedge (both lose on a draw).
      exhaustive: marketsCoverTheo(
        gameMarkets.map((m) => m.outcome),
        Object.keys(ctx.theo.probabilities),
      ),
      markets,
    });
    const modes: Partial<Record<SlotId, string>> = {};
    const reasons: string[] = [];
    // Sweep guard: only ever removes quotes (never adds exposure).
    let pulled: Set<SlotId> | null = null; // rare: allocated on a sweep only
    const sweepReasons: string[] = [];
    const sweepModes: SlotId[] = [];
    // First record every leg's moves, then judge each leg (a game-scope guard reads the other leg's).
    for (let i = 0; i < gameMarkets.length; i++) {
      const m = gameMarkets[i]!;
      const mem = mems[i]!;
      const pos = ctx.positions.get(m.ticker) ?? 0;
      const prev = mem.lastPosition;
      mem.lastPosition = pos;
      const list = mem.moves;
      if (list.length > 0) {
        // Drop moves out of the window in place (the list is ours).
        let k = 0;
        for (const x of list) if (ctx.now - x.t < sweepWindowMs) list[k++] = x;
        list.length = k;
      }
      if (prev !== undefined && pos !== prev)
        list.push({
          t: ctx.now,
          delta: pos - prev,
          theoMs: ctx.theo.updatedMs,
          theo: markets[i]!.theo ?? Number.NaN,
        });
    }
    // A two-way game covering both outcomes: a bid filled on one team is an ask filled on the other.
    const byGame = sweepScope === 'game' && gameMarkets.length === 2 && decision.exposure.length === 2;
    for (let i = 0; i < gameMarkets.length; i++) {
      const m = gameMarkets[i]!;
      const mem = mems[i]!;
      let list = mem.moves;
      if (byGame) {
        const other = mems[1 - i]!.moves;
        if (other.length > 0) list = list.concat(mirrorMoves(other));
      }
      if (list.length === 0) continue;
      const side = sweptSideOf(list, ctx.now, ctx.theo.updatedMs, markets[i]!.theo, sweepRule);
      if (side === null) continue;
      const slot = side === 'bid' ? mem.bidSlot : mem.askSlot;
      pulled ??= new Set();
      pulled.add(slot);
      sweepModes.push(slot);
      sweepReasons.push(
        byGame
          ? `${m.ticker} ${side}: swept (game filled ≥ ${sweepSize} this way since theo ${ctx.theo.updatedMs})`
          : `${m.ticker} ${side}: swept (filled ≥ ${sweepSize} since theo ${ctx.theo.updatedMs})`,
      );
    }
    const quotes: GameQuotes['quotes'] = [];
    for (const q of decision.quotes) {
      const i = indexOfTicker(markets, q.ticker);
      const mem = mems[i]!;
      const slot = q.side === 'bid' ? mem.bidSlot : mem.askSlot;
      modes[slot] = q.mode;
      if (pulled?.has(slot)) continue;
      quotes.push({ ticker: q.ticker, side: q.side, price: q.price, size: q.size });
    }
    for (const s of decision.suppressed) {
      const mem = mems[indexOfTicker(markets, s.ticker)]!;
      modes[s.side === 'bid' ? mem.bidSlot : mem.askSlot] = `off:${s.reason}`;
      reasons.push(`${s.ticker} ${s.side}: ${s.reason} (${s.detail})`);
    }
    for (const slot of sweepModes) modes[slot] = 'off:swept';
    for (const r of sweepReasons) reasons.push(r);
    return { quotes, modes, reasons };
  };
  return Object.assign(quoter, { competition });
}

/** Position of a ticker among the game's markets (quoteGame echoes the input tickers; 2–3 entries). */
function indexOfTicker(markets: readonly MarketQuoteInput[], ticker: string): number {
  for (let i = 0; i < markets.length; i++) if (markets[i]!.ticker === ticker) return i;
  throw new Error(`quoteGame returned unknown ticker ${ticker}`);
}

type MarketQuoteInputRanges = Parameters<Quoter>[0]['game']['markets'][number]['priceRanges'];
