/**
 * The order ledger as a pure transition table: (order, input) → (order', effects).
 *
 * Every way our view of one order changes — a write sent, its ack or refusal,
 * a fill, a user_orders update, a listing — is one input here. A transition
 * never mutates its argument and does no I/O: it returns the new order and
 * what the holder must do (drop the order, keep a ghost of it), as data. The
 * order store (order-store.ts) applies steps; the executor (order-executor.ts)
 * turns write outcomes into inputs.
 *
 * Size accounting. `total` (filled + remaining) does not change when an order
 * fills, only when it is amended or decreased, so it is the stable anchor:
 * remaining = total − seen, where `seen` sums the fill messages we received
 * for the order. A fill the exchange already counted but whose message is
 * still on its way therefore stays counted as resting until it arrives (then
 * it moves into the position): exposure is never understated in between.
 * `reserve` covers the one case the exchange does not tell us enough: a
 * decrease ack without a filled count. The order's true total is then
 * (filled at the decrease) + remaining, somewhere between `total` and
 * `total + reserve`. A fill message moves its size from `reserve` into
 * `total` (it may be one of those hidden fills, and then the order still
 * rests at the size the ack said): exposure drops by the fill exactly once and
 * what the planner sees resting never drops below the ack's remaining. Wrong
 * guesses only overstate. An exchange view (listing, order update) or an
 * amend ack, which state the total, clears it.
 */
import type { Centis, Micros } from '../../shared/units.ts';
import type { ExchangeOrder, FeedEvent, LiveOrder, OrderAck } from './ports.ts';

export interface LedgerOrder extends LiveOrder {
  key: number;
  eventTicker: string;
  /** The shard a listing said the order rests on (orders of a market we left have no game to ask). */
  exchangeIndex?: number;
  total: Centis;
  seen: Centis;
  reserve: Centis;
  /** Total requested by an amend in flight (or whose outcome is unknown). */
  pendingTotal: Centis | null;
  /** Price asked by that amend: the order may rest there already (the depth without our own counts it). */
  pendingPrice?: Micros;
  /**
   * Exchange time (ms) our view of the order is known to be current at: the
   * last ack's `ts_ms` or the last order update applied. Null when unknown
   * (adopted from a listing, an ack without it): updates then only raise it.
   */
  exTsMs: number | null;
  /** When our last write's acknowledgement was applied (local ms): a listing begun before it may predate it. */
  ackedMs: number;
  /** The expiration our create carried (ms; unknown for adopted orders): later than the game's hard stop = stale. */
  expiresAtMs?: number;
  /** State to restore when a write is refused. */
  before?: { price: Micros; total: Centis };
  /**
   * Adopted from a listing: fills stamped (exchange time) before this may be in the listing's `filled`,
   * which `seen` already holds, and are not counted again (see `listed`).
   */
  countFillsFromMs?: number;
}

/**
 * How far the exchange's clock may run ahead of ours (ms). Only bounds the time an adopted order
 * ignores fills for: too large overstates its exposure, never understates it.
 */
export const FILL_CLOCK_SKEW_MS = 2_000;

export type OrderUpdate = Extract<FeedEvent, { type: 'order' }>;
export type WriteKind = 'create' | 'amend' | 'decrease' | 'cancel';
export type FailureKind = 'rejected' | 'rate_limited' | 'unknown';

/** Everything that changes our view of one order. */
export type LedgerInput =
  /** A fill message of this order (its size moves into the position); `tsMs`: the trade's exchange time. */
  | { type: 'fill'; count: Centis; tsMs?: number }
  /** A user_orders snapshot of this order. */
  | { type: 'order-update'; update: OrderUpdate }
  /** A write on a resting order leaves for the exchange (`total`: an amend's new total). */
  | { type: 'sent'; write: 'amend'; total: Centis; price?: Micros; nowMs: number }
  | { type: 'sent'; write: 'decrease' | 'cancel'; nowMs: number }
  /** The exchange acknowledged a create, amend or decrease (`price`: what the write asked for). */
  | { type: 'ack'; write: 'create' | 'amend' | 'decrease'; price: Micros; ack: OrderAck; nowMs: number }
  /** A cancel was acknowledged: off the book, its unseen fills still to come. */
  | { type: 'cancel-ack' }
  /** A write failed: refused, rate-limited, or outcome unknown. */
  | { type: 'refusal'; write: WriteKind; kind: FailureKind }
  /** A listing shows the order; `listingStartedMs` is when the listing was requested. */
  | { type: 'listed'; exchange: ExchangeOrder; listingStartedMs: number }
  /** A listing that should show the order does not. */
  | { type: 'unlisted' }
  /** The feed's book shows all of the order at its price: an acknowledged amend's old level is no longer ours. */
  | { type: 'book-shown' };

export type LedgerEffect =
  /** The order is no longer tracked. */
  | { type: 'drop' }
  /** Size that left the book as fills whose messages have not arrived: keep counting it (order-ghosts.ts). */
  | { type: 'ghost'; remaining: Centis }
  /** The exchange's view differed from ours (reconciliation counts changes). */
  | { type: 'changed' };

export interface Step {
  order: LedgerOrder;
  effects: LedgerEffect[];
}

/** Plan-visible remaining: what rests on the exchange (the larger total while an amend is in flight). */
export const remainingOf = (o: Pick<LedgerOrder, 'total' | 'pendingTotal' | 'seen' | 'filled'>): Centis =>
  Math.max(0, Math.max(o.total, o.pendingTotal ?? 0) - Math.max(o.seen, o.filled));

/** What the risk gate counts for an order: everything not yet in the position (unseen fills included) plus any reserve. */
export const exposureOf = (o: Pick<LedgerOrder, 'total' | 'pendingTotal' | 'seen' | 'reserve'>): Centis =>
  Math.max(0, Math.max(o.total, o.pendingTotal ?? 0) - o.seen) + o.reserve;

const same = (o: LedgerOrder): Step => ({ order: o, effects: [] });

/** Recomputes `remaining` (and drops an order with nothing left to count, when `dropEmpty`). */
function done(n: LedgerOrder, dropEmpty: boolean, effects: LedgerEffect[] = []): Step {
  n.remaining = remainingOf(n);
  if (dropEmpty && exposureOf(n) === 0) effects.push({ type: 'drop' });
  return { order: n, effects };
}

/** The transition table. Pure: `o` is never modified. */
export function transition(o: Readonly<LedgerOrder>, input: LedgerInput): Step {
  const n: LedgerOrder = { ...o };
  switch (input.type) {
    case 'fill':
      // Already in the `filled` the order was adopted with (or may be): counting it would understate what rests.
      if (n.countFillsFromMs !== undefined && input.tsMs !== undefined && input.tsMs < n.countFillsFromMs)
        return same(n);
      return onFill(n, input.count);
    case 'order-update':
      return onOrderUpdate(n, input.update);
    case 'sent':
      n.state = 'pending';
      n.sinceMs = input.nowMs;
      n.bookPrice = undefined;
      if (input.write === 'cancel') return same(n);
      n.before = { price: n.price, total: n.total };
      if (input.write !== 'amend') return same(n);
      n.pendingTotal = input.total;
      if (input.price !== undefined && input.price !== n.price) n.pendingPrice = input.price;
      return done(n, false);
    case 'ack':
      return onAck(n, input);
    case 'cancel-ack':
      // A cancel ack can describe another order, and fills may still be in flight: keep counting the
      // order until the next listing (which adopts it if it still rests) or its fill messages.
      return { order: n, effects: [{ type: 'drop' }, { type: 'ghost', remaining: exposureOf(n) }] };
    case 'refusal':
      return onRefusal(n, input.write, input.kind);
    case 'listed':
      return onListed(n, input.exchange, input.listingStartedMs);
    case 'book-shown':
      n.bookPrice = undefined;
      return same(n);
    case 'unlisted':
      // Cancelled or filled: until we know, count it.
      if (n.state === 'pending') return same(n);
      return {
        order: n,
        effects: [{ type: 'drop' }, { type: 'ghost', remaining: exposureOf(n) }, { type: 'changed' }],
      };
  }
}

function onFill(n: LedgerOrder, count: Centis): Step {
  n.seen += count;
  n.filled = Math.max(n.filled, n.seen);
  // Not a release of the reserve: subtracting the fill from both `total − seen` and `reserve`
  // would count it twice and forget an order that still rests. See the header.
  const hidden = Math.min(n.reserve, count);
  n.total += hidden;
  n.reserve -= hidden;
  // A write in flight restores `before` if refused: that total must carry the move too, or the refusal
  // would uncount size that still rests (a new object: `before` is shared with the order given).
  if (hidden > 0 && n.before) n.before = { ...n.before, total: n.before.total + hidden };
  return done(n, n.state !== 'pending');
}

/**
 * A user_orders update: the exchange's view of one order, applied unless a
 * write on it is in flight. Updates have no sequence number: a snapshot taken
 * before one of our writes can arrive after its ack. One older than what we
 * know is ignored; one we cannot order (no timestamp on either side, or a
 * write of unknown outcome that may land after it) may raise the counted
 * size, never lower it.
 */
function onOrderUpdate(n: LedgerOrder, ev: OrderUpdate): Step {
  if (n.state === 'pending') return same(n);
  if (ev.status === 'canceled' || ev.status === 'executed') {
    // Off the book (final, whenever it was sent). Fills of it whose messages have not arrived yet still
    // count until they do.
    if (ev.orderId) n.orderId = ev.orderId;
    return {
      order: n,
      effects: [{ type: 'drop' }, { type: 'ghost', remaining: Math.max(0, ev.filled - n.seen) }],
    };
  }
  if (ev.status !== 'resting') return same(n);
  if (ev.tsMs !== undefined && n.exTsMs !== null && ev.tsMs < n.exTsMs) return same(n); // older than our last ack
  const ordered = ev.tsMs !== undefined && n.exTsMs !== null && n.state === 'resting';
  if (ordered) takeExchangeView(n, ev.orderId, ev.price, ev.remaining, ev.filled);
  else raiseToExchangeView(n, ev);
  if (ev.tsMs !== undefined) n.exTsMs = Math.max(n.exTsMs ?? ev.tsMs, ev.tsMs);
  return same(n);
}

/**
 * An exchange view we cannot place in time relative to our own writes: keep
 * the larger of the two exposures. An order whose amend outcome is unknown
 * stays uncertain (the amend may still land after this snapshot was taken):
 * only a listing decides it.
 */
function raiseToExchangeView(n: LedgerOrder, ev: OrderUpdate): void {
  const before = exposureOf(n);
  n.orderId = ev.orderId;
  n.total = Math.max(n.total, ev.filled + ev.remaining);
  n.filled = Math.max(n.filled, n.seen, ev.filled);
  if (n.state === 'uncertain' && n.pendingTotal !== null) {
    n.remaining = remainingOf(n);
    return;
  }
  n.price = ev.price;
  n.pendingTotal = null;
  n.pendingPrice = undefined;
  n.state = 'resting';
  n.before = undefined;
  n.reserve = Math.max(0, before - Math.max(0, n.total - n.seen));
  n.remaining = remainingOf(n);
}

/** A listing or order snapshot: the exchange's total, less the fills we have seen. */
function takeExchangeView(
  n: LedgerOrder,
  orderId: string,
  price: Micros,
  remaining: Centis,
  filled: Centis,
): void {
  n.orderId = orderId;
  n.price = price;
  n.total = filled + remaining;
  n.filled = Math.max(n.seen, filled);
  n.reserve = 0;
  n.pendingTotal = null;
  n.pendingPrice = undefined;
  n.state = 'resting';
  n.before = undefined;
  n.remaining = remainingOf(n);
}

function onAck(n: LedgerOrder, input: Extract<LedgerInput, { type: 'ack' }>): Step {
  const { ack } = input;
  if (input.write === 'create') {
    if (ack.filled !== null) n.total = Math.min(n.total, ack.filled + ack.remaining);
  } else if (input.write === 'amend') {
    // The count sent is the new total, whatever filled meanwhile.
    n.total = n.pendingTotal ?? n.total;
    if (ack.filled !== null) {
      // The ack states the total (filled + remaining): no doubt left for a reserve to cover. The larger
      // of the two, should more have filled than the count we sent.
      n.total = Math.max(n.total, ack.filled + ack.remaining);
      n.reserve = 0;
    }
  } else {
    const before = exposureOf(n);
    if (ack.filled === null) {
      // Unknown filled count: fills we have not seen may hide in the difference; keep it counted.
      // `before` already holds any earlier reserve, so the new one replaces it (adding would stack it).
      // A decrease never raises the total: a fill seen before this ack may have happened after the decrease,
      // and counting it on top of the ack's remaining would believe more rests than was ever placed.
      n.total = Math.min(n.total + n.reserve, Math.max(n.seen, n.filled) + ack.remaining);
      const after = Math.max(0, n.total - n.seen);
      n.reserve = Math.max(0, before - after);
    } else n.total = ack.filled + ack.remaining;
  }
  if (ack.orderId) n.orderId = ack.orderId;
  n.ackedMs = input.nowMs;
  // An order update older than this ack describes the order before this write.
  if (ack.tsMs !== undefined) n.exTsMs = Math.max(n.exTsMs ?? ack.tsMs, ack.tsMs);
  // The book may show the amend after this ack: our size there is not a competitor's (own-book.ts).
  n.bookPrice = input.write === 'amend' && input.price !== n.price ? n.price : undefined;
  n.price = input.price;
  if (ack.filled !== null) n.filled = Math.max(n.filled, ack.filled);
  n.pendingTotal = null;
  n.pendingPrice = undefined;
  n.state = 'resting';
  n.before = undefined;
  return done(n, true);
}

function onRefusal(n: LedgerOrder, write: WriteKind, kind: FailureKind): Step {
  if (write === 'cancel') {
    // Rate-limited: certainly still resting. Refused or unknown: reconciliation decides whether it still rests.
    n.state = kind === 'rate_limited' ? 'resting' : 'uncertain';
    return same(n);
  }
  if (kind === 'unknown') {
    n.state = 'uncertain';
    return same(n);
  }
  // A create certainly not placed is forgotten.
  if (write === 'create') return { order: n, effects: [{ type: 'drop' }] };
  // Certainly not applied: the order is what it was (less any fills meanwhile).
  if (n.before) {
    n.price = n.before.price;
    n.total = n.before.total;
  }
  n.before = undefined;
  n.pendingTotal = null;
  n.pendingPrice = undefined;
  n.state = 'resting';
  return done(n, true);
}

function onListed(n: LedgerOrder, ex: ExchangeOrder, listingStartedMs: number): Step {
  if (n.state === 'pending') return same(n);
  if (n.state === 'resting' && Math.max(n.sinceMs, n.ackedMs) >= listingStartedMs) {
    // The listing may show the order before our last write: it may raise what we count
    // (fills or size we did not know of), never lower it; the next listing confirms.
    const listedTotal = ex.filled + ex.remaining;
    if (listedTotal <= n.total) return same(n);
    n.total = listedTotal;
    n.filled = Math.max(n.filled, ex.filled);
    return done(n, false, [{ type: 'changed' }]);
  }
  const changed =
    n.state !== 'resting' || n.orderId !== ex.orderId || n.remaining !== ex.remaining || n.price !== ex.price;
  takeExchangeView(n, ex.orderId, ex.price, ex.remaining, ex.filled);
  return { order: n, effects: changed ? [{ type: 'changed' }] : [] };
}

/** A new order of ours, from a create about to be sent. */
export function placed(
  key: number,
  eventTicker: string,
  clientOrderId: string,
  q: { ticker: string; side: LiveOrder['side']; price: Micros; size: Centis },
  nowMs: number,
): LedgerOrder {
  return {
    key,
    eventTicker,
    orderId: null,
    clientOrderId,
    ticker: q.ticker,
    side: q.side,
    price: q.price,
    remaining: q.size,
    filled: 0,
    state: 'pending',
    sinceMs: nowMs,
    total: q.size,
    seen: 0,
    reserve: 0,
    pendingTotal: null,
    exTsMs: null,
    ackedMs: Number.NEGATIVE_INFINITY,
  };
}

/**
 * An order found on the exchange (adopted, or one of ours in a market we left): its past fills are already in
 * the exchange positions we reconcile to.
 *
 * `nowMs` is when the listing's answer is applied, after its snapshot was taken. A fill message arriving
 * later for a trade that snapshot counted must not be counted again. The snapshot was taken somewhere
 * between the listing's request and `nowMs`, and the trade is stamped by the exchange's clock: so fills
 * stamped before `nowMs` + FILL_CLOCK_SKEW_MS are ignored. One that really came after the snapshot is then
 * never counted as filled: the order's exposure is overstated by it while it rests (the safe side); cutting
 * at the listing's request instead would count a fill of its flight window twice and understate.
 */
export function listed(
  key: number,
  eventTicker: string,
  ex: ExchangeOrder,
  state: LedgerOrder['state'],
  nowMs: number,
): LedgerOrder {
  return {
    ...ex,
    key,
    eventTicker,
    state,
    sinceMs: nowMs,
    total: ex.filled + ex.remaining,
    seen: ex.filled,
    reserve: 0,
    pendingTotal: null,
    exTsMs: null,
    ackedMs: Number.NEGATIVE_INFINITY,
    countFillsFromMs: nowMs + FILL_CLOCK_SKEW_MS,
  };
}

/** The order as the planner and callers see it. */
export function strip(o: LedgerOrder): LiveOrder {
  return {
    orderId: o.orderId,
    clientOrderId: o.clientOrderId,
    ticker: o.ticker,
    side: o.side,
    price: o.price,
    remaining: o.remaining,
    filled: o.filled,
    state: o.state,
    sinceMs: o.sinceMs,
    bookPrice: o.bookPrice,
  };
}
