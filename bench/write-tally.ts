/** Tallies the maker's order updates for the write-efficiency bench (write-efficiency.ts): pure. */

/** An amend that restores the price an order had before its previous amend within this long bought nothing. */
export const REVERSAL_MS = 2_000;

export interface OrderEvent {
  orderId: string;
  userId: string;
  price: number;
  updatedMs: number;
  lastUpdateReason: string;
}

/** Per order: the last two prices it rested at, and when the last one was set. */
export interface PriceTrail {
  before: number | null;
  price: number;
  atMs: number;
}

export interface WriteTally {
  writes: number;
  /** What cancel-and-replace of every changed side would have written (countingQuoter's count). */
  naiveWrites: number;
  changedSides: number;
  requotes: number;
  kinds: Record<string, number>;
  reversals: number;
}

/** Counts one maker order update: its kind, and whether an amend reversed the previous one within REVERSAL_MS. */
export function tallyOrderEvent(trails: Map<string, PriceTrail>, tally: WriteTally, o: OrderEvent): void {
  const kind = o.lastUpdateReason;
  tally.kinds[kind] = (tally.kinds[kind] ?? 0) + 1;
  const t = trails.get(o.orderId);
  if (kind === 'Created') {
    trails.set(o.orderId, { before: null, price: o.price, atMs: o.updatedMs });
    return;
  }
  if (kind !== 'Amend' || !t || o.price === t.price) return;
  if (t.before === o.price && o.updatedMs - t.atMs < REVERSAL_MS) tally.reversals++;
  trails.set(o.orderId, { before: t.price, price: o.price, atMs: o.updatedMs });
}
