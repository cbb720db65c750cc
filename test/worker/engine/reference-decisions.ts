/**
 * The decision path as it was before the allocation-light rewrite (S2-B, issue #8),
 * kept verbatim as the reference the property tests compare the current
 * planOrders and gameQuoter against: same inputs, same outputs.
 */
import { QUADRATIC_FEES } from '../../../shared/pricing/fees.ts';
import { type MarketQuoteInput, quoteGame } from '../../../shared/pricing/quote-game.ts';
import { LINEAR_CENT_GRID, type TickGrid, tryMakeTickGrid } from '../../../shared/pricing/tick-grid.ts';
import {
  DEFAULT_COMPETITION_MEMORY_MS,
  DEFAULT_SWEEP_SIZE,
  DEFAULT_SWEEP_WINDOW_MS,
  type GameQuoterOptions,
  outbid,
  sweptSide,
} from '../../../worker/engine/adapters/quoter.ts';
import { emptyPlan, type PlanOptions, type ReconcilePlan } from '../../../worker/engine/order-plan.ts';
import type {
  BookLevel,
  DesiredQuote,
  GameQuotes,
  LiveOrder,
  MarketBook,
  Quoter,
  SlotId,
} from '../../../worker/engine/ports.ts';
import { slotId } from '../../../worker/engine/ports.ts';

interface PositionMove {
  t: number;
  delta: number;
  theoMs: number;
}

/** Book levels minus our own resting size at each price. */
function withoutOwn(levels: readonly BookLevel[], own: readonly LiveOrder[]): BookLevel[] {
  const mine = new Map<number, number>();
  for (const o of own) if (o.state === 'resting') mine.set(o.price, (mine.get(o.price) ?? 0) + o.remaining);
  return levels
    .map((l) => ({ price: l.price, size: l.size - (mine.get(l.price) ?? 0) }))
    .filter((l) => l.size > 0);
}

export function referencePlanOrders(
  desired: readonly DesiredQuote[],
  live: readonly LiveOrder[],
  opts: PlanOptions,
): ReconcilePlan {
  const plan = emptyPlan();
  const want = new Map<SlotId, DesiredQuote>();
  for (const q of desired) {
    if (q.size <= 0) continue;
    const id = slotId(q.ticker, q.side);
    if (!want.has(id)) want.set(id, q); // one order per slot: the first quote wins
  }
  const have = new Map<SlotId, LiveOrder[]>();
  for (const o of live) {
    const id = slotId(o.ticker, o.side);
    const list = have.get(id);
    if (list) list.push(o);
    else have.set(id, [o]);
  }

  const slots = new Set<SlotId>([...have.keys(), ...want.keys()]);
  for (const slot of [...slots].sort()) {
    const orders = have.get(slot) ?? [];
    const d = want.get(slot);
    if (orders.some((o) => o.state !== 'resting' || o.orderId === null)) {
      plan.blocked.push(slot);
      continue;
    }
    if (!d) {
      for (const o of orders) plan.cancels.push({ orderId: o.orderId!, ticker: o.ticker, side: o.side });
      continue;
    }
    if (orders.length === 0) {
      plan.creates.push({ ticker: d.ticker, side: d.side, price: d.price, size: d.size });
      continue;
    }
    const keeper = referencePickKeeper(orders, d);
    for (const o of orders)
      if (o !== keeper) plan.cancels.push({ orderId: o.orderId!, ticker: o.ticker, side: o.side });
    const id = keeper.orderId!;
    if (keeper.price === d.price && keeper.remaining === d.size) plan.keeps.push(id);
    else if (opts.amend && keeper.price === d.price && keeper.remaining > d.size)
      plan.decreases.push({ orderId: id, ticker: d.ticker, side: d.side, reduceTo: d.size });
    else if (opts.amend)
      plan.amends.push({
        orderId: id,
        ticker: d.ticker,
        side: d.side,
        price: d.price,
        remaining: d.size,
        filled: keeper.filled,
      });
    else {
      plan.cancels.push({ orderId: id, ticker: keeper.ticker, side: keeper.side });
      plan.creates.push({ ticker: d.ticker, side: d.side, price: d.price, size: d.size });
    }
  }
  return plan;
}

/** The order worth keeping: exact match, else right price with enough size, else right price, else the first. */
function referencePickKeeper(orders: readonly LiveOrder[], d: DesiredQuote): LiveOrder {
  return (
    orders.find((o) => o.price === d.price && o.remaining === d.size) ??
    orders.find((o) => o.price === d.price && o.remaining > d.size) ??
    orders.find((o) => o.price === d.price) ??
    orders[0]!
  );
}

export function referenceGameQuoter(opts: GameQuoterOptions): Quoter & { competition: ReadonlySet<SlotId> } {
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
