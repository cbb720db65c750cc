/**
 * Desired quotes vs live orders → the fewest writes, as data (ReconcilePlan).
 * Pure. One order per slot (market × side):
 *
 * - nothing desired                         → cancel every order in the slot
 * - nothing live                            → create
 * - same price, same size                   → keep (queue priority intact)
 * - same price, smaller size                → decrease (keeps the queue)
 * - anything else                           → amend (or cancel + create when amend is off)
 * - extra orders in a slot (after restart)  → cancel
 * - a slot with a pending or uncertain order is left alone (blocked): one
 *   in-flight write per slot, and an unknown outcome waits for reconciliation.
 *
 * Per slot this costs at most (live − 1) + 1 writes, never more than the naive
 * cancel-everything-then-create (live + desired).
 */
import type { Centis, Micros } from '../../shared/units.ts';
import { type BookSide, type DesiredQuote, type LiveOrder, type SlotId, slotId } from './ports.ts';

export interface PlannedCancel {
  orderId: string;
  ticker: string;
  side: BookSide;
}
export interface PlannedDecrease {
  orderId: string;
  ticker: string;
  side: BookSide;
  reduceTo: Centis;
}
export interface PlannedAmend {
  orderId: string;
  ticker: string;
  side: BookSide;
  price: Micros;
  /** Desired remaining; the request's total count is filled + this. */
  remaining: Centis;
  filled: Centis;
}
export interface PlannedCreate {
  ticker: string;
  side: BookSide;
  price: Micros;
  size: Centis;
}

export interface ReconcilePlan {
  cancels: PlannedCancel[];
  decreases: PlannedDecrease[];
  amends: PlannedAmend[];
  creates: PlannedCreate[];
  keeps: string[];
  blocked: SlotId[];
}

export interface PlanOptions {
  /** Use amend/decrease; when false every change is cancel + create. */
  amend: boolean;
}

export const emptyPlan = (): ReconcilePlan => ({
  cancels: [],
  decreases: [],
  amends: [],
  creates: [],
  keeps: [],
  blocked: [],
});

export const writeCount = (p: ReconcilePlan): number =>
  p.cancels.length + p.decreases.length + p.amends.length + p.creates.length;

/** One slot's desired quote and live orders (planner scratch). */
interface SlotWork {
  ticker: string;
  side: BookSide;
  want: DesiredQuote | undefined;
  orders: LiveOrder[];
}

export function planOrders(
  desired: readonly DesiredQuote[],
  live: readonly LiveOrder[],
  opts: PlanOptions,
): ReconcilePlan {
  const plan = emptyPlan();
  // A game has 4–6 slots: a linear scan beats building slot-id strings and maps on every requote.
  const slots: SlotWork[] = [];
  const find = (ticker: string, side: BookSide): SlotWork | undefined => {
    for (const s of slots) if (s.ticker === ticker && s.side === side) return s;
    return undefined;
  };
  for (const o of live) {
    const s = find(o.ticker, o.side);
    if (s) s.orders.push(o);
    else slots.push({ ticker: o.ticker, side: o.side, want: undefined, orders: [o] });
  }
  for (const q of desired) {
    if (q.size <= 0) continue;
    const s = find(q.ticker, q.side);
    if (!s) slots.push({ ticker: q.ticker, side: q.side, want: q, orders: [] });
    else s.want ??= q; // one order per slot: the first quote wins
  }
  if (slots.length > 1) slots.sort(compareSlots);

  for (const { ticker, side, want: d, orders } of slots) {
    let blocked = false;
    for (const o of orders)
      if (o.state !== 'resting' || o.orderId === null) {
        blocked = true;
        break;
      }
    if (blocked) {
      plan.blocked.push(slotId(ticker, side));
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
    const keeper = pickKeeper(orders, d);
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

/**
 * The order of the slot ids (`ticker|side`) as strings, which is the order the
 * plan lists its writes in, without building the strings in the common cases.
 */
function compareSlots(a: SlotWork, b: SlotWork): number {
  if (a.ticker === b.ticker) return a.side === b.side ? 0 : a.side < b.side ? -1 : 1;
  // One ticker a prefix of the other: the separator takes part in the comparison.
  if (a.ticker.startsWith(b.ticker) || b.ticker.startsWith(a.ticker)) {
    const x = slotId(a.ticker, a.side);
    const y = slotId(b.ticker, b.side);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a.ticker < b.ticker ? -1 : 1;
}

/** The order worth keeping: exact match, else right price with enough size, else right price, else the first. */
function pickKeeper(orders: readonly LiveOrder[], d: DesiredQuote): LiveOrder {
  return (
    orders.find((o) => o.price === d.price && o.remaining === d.size) ??
    orders.find((o) => o.price === d.price && o.remaining > d.size) ??
    orders.find((o) => o.price === d.price) ??
    orders[0]!
  );
}

/** What the live orders look like once the plan is applied (for tests, replays and dry runs). */
export function applyPlan(live: readonly LiveOrder[], plan: ReconcilePlan, now: number): LiveOrder[] {
  const cancelled = new Set(plan.cancels.map((c) => c.orderId));
  const decreases = new Map(plan.decreases.map((d) => [d.orderId, d]));
  const amends = new Map(plan.amends.map((a) => [a.orderId, a]));
  const out: LiveOrder[] = [];
  for (const o of live) {
    if (o.orderId !== null && cancelled.has(o.orderId)) continue;
    const dec = o.orderId === null ? undefined : decreases.get(o.orderId);
    const am = o.orderId === null ? undefined : amends.get(o.orderId);
    if (dec) out.push({ ...o, remaining: dec.reduceTo });
    else if (am) out.push({ ...o, price: am.price, remaining: am.remaining });
    else out.push(o);
  }
  plan.creates.forEach((c, i) => {
    out.push({
      orderId: `planned-${i}`,
      clientOrderId: null,
      ticker: c.ticker,
      side: c.side,
      price: c.price,
      remaining: c.size,
      filled: 0,
      state: 'resting',
      sinceMs: now,
    });
  });
  return out;
}
