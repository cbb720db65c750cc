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
import { QUADRATIC_FEES } from '../../../shared/pricing/fees.ts';
import type { QuotingParams } from '../../../shared/pricing/params.ts';
import { type MarketQuoteInput, quoteGame } from '../../../shared/pricing/quote-game.ts';
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
  params: QuotingParams;
  /**
   * How long a side stays competitive after we last saw someone join or beat our
   * resting price there, ms (scenario/exchange clock). Default 60 s: a few of a
   * rival's requote cycles, short against a pre-game window of tens of minutes.
   */
  competitionMemoryMs?: number;
  /** Sweep guard: fills on one side of a market at least this large (Centis) ... Default 1000 (10 contracts). */
  sweepSize?: number;
  /** ... within this window (ms) with no theo refresh pull that side. Default 30 s. */
  sweepWindowMs?: number;
  /** Called when a market's price ranges are invalid (the 1¢ grid is used instead). */
  onBadGrid?: (ticker: string, error: string) => void;
}

export const DEFAULT_COMPETITION_MEMORY_MS = 60_000;
export const DEFAULT_SWEEP_SIZE = 1_000;
export const DEFAULT_SWEEP_WINDOW_MS = 30_000;

interface PositionMove {
  t: number;
  /** Signed change of the YES position, Centis (+ = our bid was hit). */
  delta: number;
  /** The theo's updatedMs when the move was seen. */
  theoMs: number;
}

/**
 * The side to pull after a sweep, or null: the position moves seen since the
 * current theo (same updatedMs), within the window, add up to ≥ size one way.
 */
export function sweptSide(
  moves: readonly PositionMove[],
  now: number,
  theoMs: number,
  size: number,
  windowMs: number,
): 'bid' | 'ask' | null {
  let net = 0;
  for (const m of moves) if (m.theoMs === theoMs && now - m.t < windowMs) net += m.delta;
  if (net >= size) return 'bid';
  if (net <= -size) return 'ask';
  return null;
}

export function gameQuoter(opts: GameQuoterOptions): Quoter & { competition: ReadonlySet<SlotId> } {
  const grids = new Map<string, TickGrid>();
  const memoryMs = opts.competitionMemoryMs ?? DEFAULT_COMPETITION_MEMORY_MS;
  /** Slots currently judged competitive (read by the dashboard/tests). */
  const competition = new Set<SlotId>();
  /** When each slot was last seen outbid. */
  const lastOutbid = new Map<SlotId, number>();
  const sweepSize = opts.sweepSize ?? DEFAULT_SWEEP_SIZE;
  const sweepWindowMs = opts.sweepWindowMs ?? DEFAULT_SWEEP_WINDOW_MS;
  /** Last position seen per ticker and its recent moves (sweep guard). */
  const lastPosition = new Map<string, number>();
  const moves = new Map<string, PositionMove[]>();

  const gridOf = (ticker: string, ranges: MarketQuoteInputRanges): TickGrid => {
    let g = grids.get(ticker);
    if (g) return g;
    if (ranges && ranges.length > 0) {
      const r = tryMakeTickGrid(ranges);
      if (r.ok) g = r.grid;
      else opts.onBadGrid?.(ticker, r.error);
    }
    g ??= LINEAR_CENT_GRID;
    grids.set(ticker, g);
    return g;
  };

  const quoter = (ctx: Parameters<Quoter>[0]): GameQuotes => {
    const markets: MarketQuoteInput[] = ctx.game.markets.map((m) => {
      const book: MarketBook | undefined = ctx.books.get(m.ticker);
      const own = ctx.ownOrders.filter((o) => o.ticker === m.ticker);
      const bids = withoutOwn(
        book?.bids ?? [],
        own.filter((o) => o.side === 'bid'),
      );
      const asks = withoutOwn(
        book?.asks ?? [],
        own.filter((o) => o.side === 'ask'),
      );
      for (const side of ['bid', 'ask'] as const) {
        const slot = slotId(m.ticker, side);
        const ours = own.find((o) => o.side === side);
        if (outbid(side, side === 'bid' ? bids[0] : asks[0], ours)) lastOutbid.set(slot, ctx.now);
        const seen = lastOutbid.get(slot);
        if (seen !== undefined && ctx.now - seen < memoryMs) competition.add(slot);
        else {
          competition.delete(slot);
          lastOutbid.delete(slot);
        }
      }
      const pending = { bid: 0, ask: 0 };
      for (const o of own) if (o.state !== 'resting') pending[o.side] += o.remaining;
      return {
        ticker: m.ticker,
        outcome: m.outcome,
        grid: gridOf(m.ticker, m.priceRanges),
        theo: ctx.theo.probabilities[m.outcome] ?? null,
        fees: ctx.game.fees ?? QUADRATIC_FEES,
        book: { bestBid: bids[0] ?? null, bestAsk: asks[0] ?? null },
        competition: {
          bid: competition.has(slotId(m.ticker, 'bid')),
          ask: competition.has(slotId(m.ticker, 'ask')),
        },
        position: ctx.positions.get(m.ticker) ?? 0,
        avgEntry: ctx.entryPrices.get(m.ticker) ?? null,
        pending,
      };
    });
    const decision = quoteGame({
      now: ctx.now,
      stopTime: ctx.stopAtMs,
      params: opts.params,
      limit: ctx.limit,
      markets,
    });
    const modes: Partial<Record<SlotId, string>> = {};
    for (const q of decision.quotes) modes[slotId(q.ticker, q.side)] = q.mode;
    for (const s of decision.suppressed) modes[slotId(s.ticker, s.side)] = `off:${s.reason}`;
    const reasons = decision.suppressed.map((s) => `${s.ticker} ${s.side}: ${s.reason} (${s.detail})`);
    // Sweep guard: only ever removes quotes (never adds exposure).
    const pulled = new Set<SlotId>();
    for (const m of ctx.game.markets) {
      const pos = ctx.positions.get(m.ticker) ?? 0;
      const prev = lastPosition.get(m.ticker);
      lastPosition.set(m.ticker, pos);
      const list = (moves.get(m.ticker) ?? []).filter((x) => ctx.now - x.t < sweepWindowMs);
      if (prev !== undefined && pos !== prev)
        list.push({ t: ctx.now, delta: pos - prev, theoMs: ctx.theo.updatedMs });
      moves.set(m.ticker, list);
      const side = sweptSide(list, ctx.now, ctx.theo.updatedMs, sweepSize, sweepWindowMs);
      if (side === null) continue;
      const slot = slotId(m.ticker, side);
      pulled.add(slot);
      modes[slot] = 'off:swept';
      reasons.push(`${m.ticker} ${side}: swept (filled ≥ ${sweepSize} since theo ${ctx.theo.updatedMs})`);
    }
    return {
      quotes: decision.quotes
        .filter((q) => !pulled.has(slotId(q.ticker, q.side)))
        .map((q) => ({ ticker: q.ticker, side: q.side, price: q.price, size: q.size })),
      modes,
      reasons,
    };
  };
  return Object.assign(quoter, { competition });
}

type MarketQuoteInputRanges = Parameters<Quoter>[0]['game']['markets'][number]['priceRanges'];
