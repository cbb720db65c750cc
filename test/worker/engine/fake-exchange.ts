/**
 * An in-memory exchange behind the engine's ports, for unit tests of the order
 * manager, session and kill switch. It keeps the exchange's truth (resting
 * orders, positions) separately from what the engine believes, and lets a test
 * hold responses, delay fill messages, lie about cancels and fail calls, so
 * interleavings the real network produces can be replayed deterministically.
 *
 * The socket-level simulator (sim/kalshi) is the integration ground; this is
 * the unit-test ground.
 */
import type { Centis, Micros } from '../../../shared/units.ts';
import type {
  AmendOrderRequest,
  BookLevel,
  BookReader,
  BookSide,
  CancelAck,
  CancelOrderRequest,
  CreateOrderRequest,
  DecreaseOrderRequest,
  ExchangeGateway,
  ExchangeOrder,
  ExchangePosition,
  FeedEvent,
  FillEvent,
  ListedEvent,
  MarketBook,
  MarketFeed,
  OrderAck,
  WriteOutcome,
} from '../../../worker/engine/ports.ts';

interface Resting extends ExchangeOrder {
  groupId?: string;
  request?: CreateOrderRequest;
}

export class FakeExchange implements ExchangeGateway, MarketFeed, BookReader {
  readonly orders = new Map<string, Resting>();
  readonly positions = new Map<string, Centis>();
  readonly created: CreateOrderRequest[] = [];
  /** Every cancel request, in order (routing checks). */
  readonly cancelRequests: CancelOrderRequest[] = [];
  readonly calls: string[] = [];
  events: ListedEvent[] = [];
  /** When true, write responses wait in `held` until released. */
  hold = false;
  readonly held: (() => void)[] = [];
  /** When true, fill messages wait in `pendingFills` until delivered. */
  delayFills = false;
  readonly pendingFills: FillEvent[] = [];
  /** The next N cancels answer ok but leave the order resting. */
  lyingCancels = 0;
  /** Make the next create/amend answer `unknown` after applying it (timeout after the fact). */
  unknownAfterApply = 0;
  failListings = 0;
  /** The next N event listings (discovery) fail. */
  failEventListings = 0;
  /** The next N creates answer 429 (not applied). */
  rateLimitNext = 0;
  /** Exchange time: one tick per operation, so acks and fills are strictly ordered. */
  ts = 1_000;
  private seq = 0;
  private groups = 0;
  private readonly books = new Map<string, MarketBook>();
  private readonly handlers = new Set<(e: FeedEvent) => void>();
  tracked: string[] = [];
  /** Exchange time of each order's last change (what user_order's last_updated_ts_ms says). */
  private readonly updatedTs = new Map<string, number>();

  // ------------------------------------------------------------ feed / books

  onEvent(handler: (e: FeedEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  track(tickers: readonly string[]): void {
    this.tracked = [...tickers];
  }

  emit(e: FeedEvent): void {
    for (const h of this.handlers) h(e);
  }

  book(ticker: string): MarketBook | undefined {
    const b = this.books.get(ticker);
    if (!b) return undefined;
    // Our own resting orders are part of the public book, as on the exchange.
    const bids = new Map<Micros, Centis>(b.bids.map((l) => [l.price, l.size]));
    const asks = new Map<Micros, Centis>(b.asks.map((l) => [l.price, l.size]));
    for (const o of this.orders.values()) {
      if (o.ticker !== ticker) continue;
      const m = o.side === 'bid' ? bids : asks;
      m.set(o.price, (m.get(o.price) ?? 0) + o.remaining);
    }
    const levels = (m: Map<Micros, Centis>, desc: boolean): BookLevel[] =>
      [...m.entries()]
        .map(([price, size]) => ({ price, size }))
        .sort((a, c) => (desc ? c.price - a.price : a.price - c.price));
    return { ...b, bids: levels(bids, true), asks: levels(asks, false) };
  }

  /** Sets the other participants' book for a market and announces it. */
  setBook(ticker: string, bids: BookLevel[], asks: BookLevel[], valid = true): void {
    this.books.set(ticker, { ticker, bids, asks, valid, updatedMs: this.ts });
    this.emit({ type: 'book', ticker });
  }

  // ------------------------------------------------------------ truth helpers

  resting(): Resting[] {
    return [...this.orders.values()];
  }

  /** Fills `count` of a resting order (a taker hit it). */
  fill(orderId: string, count: Centis): FillEvent {
    const o = this.orders.get(orderId);
    if (!o) throw new Error(`no resting order ${orderId}`);
    const n = Math.min(count, o.remaining);
    o.remaining -= n;
    o.filled += n;
    if (o.remaining === 0) this.orders.delete(orderId);
    this.positions.set(o.ticker, (this.positions.get(o.ticker) ?? 0) + (o.side === 'bid' ? n : -n));
    const ev: FillEvent = {
      type: 'fill',
      tradeId: `t${++this.seq}`,
      orderId,
      clientOrderId: o.clientOrderId ?? undefined,
      ticker: o.ticker,
      side: o.side,
      price: o.price,
      count: n,
      tsMs: ++this.ts,
    };
    this.updatedTs.set(orderId, this.ts);
    if (this.delayFills) this.pendingFills.push(ev);
    else this.emit(ev);
    return ev;
  }

  /**
   * The user_order snapshot of a resting order as of now, to be delivered
   * whenever a test likes (updates carry no sequence number, so a late one is
   * stale). `withTs: false` leaves out last_updated_ts_ms.
   */
  snapshot(orderId: string, withTs = true): Extract<FeedEvent, { type: 'order' }> {
    const o = this.orders.get(orderId);
    if (!o) throw new Error(`no resting order ${orderId}`);
    const ts = this.updatedTs.get(orderId);
    return {
      type: 'order',
      orderId,
      ...(o.clientOrderId === null ? {} : { clientOrderId: o.clientOrderId }),
      ticker: o.ticker,
      side: o.side,
      price: o.price,
      remaining: o.remaining,
      filled: o.filled,
      status: 'resting',
      ...(withTs && ts !== undefined ? { tsMs: ts } : {}),
    };
  }

  deliverFills(n = Number.POSITIVE_INFINITY): void {
    for (const f of this.pendingFills.splice(0, Math.min(n, this.pendingFills.length))) this.emit(f);
  }

  release(n = Number.POSITIVE_INFINITY): void {
    for (const r of this.held.splice(0, Math.min(n, this.held.length))) r();
  }

  private respond<T>(value: T): Promise<T> {
    if (!this.hold) return Promise.resolve(value);
    return new Promise((resolve) => this.held.push(() => resolve(value)));
  }

  // ------------------------------------------------------------ gateway

  async listEvents(seriesTicker: string): Promise<ListedEvent[]> {
    this.calls.push(`listEvents ${seriesTicker}`);
    if (this.failEventListings > 0) {
      this.failEventListings--;
      throw new Error('listing failed: 500');
    }
    return this.events.filter((e) => e.seriesTicker === seriesTicker);
  }

  createOrders(reqs: readonly CreateOrderRequest[]): Promise<WriteOutcome<OrderAck>[]> {
    this.calls.push(`create ${reqs.length}`);
    const out = reqs.map((r): WriteOutcome<OrderAck> => {
      this.created.push(r);
      if (this.rateLimitNext > 0) {
        this.rateLimitNext--;
        return { ok: false, kind: 'rate_limited', code: '429', message: 'too many requests' };
      }
      if (this.refuseCreates) return { ok: false, kind: 'rejected', ...this.refuseCreates };
      if ([...this.orders.values()].some((o) => o.clientOrderId === r.clientOrderId))
        return { ok: false, kind: 'rejected', code: 'order_already_exists', message: '409' };
      const top = this.books.get(r.ticker);
      const cross =
        r.side === 'bid'
          ? top?.asks[0] && top.asks[0].price <= r.price
          : top?.bids[0] && top.bids[0].price >= r.price;
      if (r.postOnly && cross)
        return { ok: false, kind: 'rejected', code: 'post_only_cross', message: 'would cross' };
      const id = `o${++this.seq}`;
      this.orders.set(id, {
        orderId: id,
        clientOrderId: r.clientOrderId,
        ticker: r.ticker,
        side: r.side,
        price: r.price,
        remaining: r.count,
        filled: 0,
        groupId: r.orderGroupId,
        request: r,
      });
      const ack: OrderAck = {
        orderId: id,
        clientOrderId: r.clientOrderId,
        remaining: r.count,
        filled: 0,
        tsMs: ++this.ts,
      };
      this.updatedTs.set(id, this.ts);
      if (this.unknownAfterApply > 0) {
        this.unknownAfterApply--;
        return { ok: false, kind: 'unknown', message: 'timeout' };
      }
      return { ok: true, value: ack };
    });
    return this.respond(out);
  }

  amendOrder(req: AmendOrderRequest): Promise<WriteOutcome<OrderAck>> {
    this.calls.push(`amend ${req.orderId}`);
    const o = this.orders.get(req.orderId);
    if (!o) return this.respond({ ok: false, kind: 'rejected', code: 'not_found', message: '404' });
    o.price = req.price;
    o.remaining = Math.max(0, req.count - o.filled);
    if (o.remaining === 0) this.orders.delete(o.orderId);
    this.updatedTs.set(o.orderId, this.ts + 1);
    return this.respond({
      ok: true,
      value: {
        orderId: o.orderId,
        clientOrderId: o.clientOrderId,
        remaining: o.remaining,
        filled: o.filled,
        tsMs: ++this.ts,
      },
    });
  }

  decreaseOrder(req: DecreaseOrderRequest): Promise<WriteOutcome<OrderAck>> {
    this.calls.push(`decrease ${req.orderId}`);
    const o = this.orders.get(req.orderId);
    if (!o) return this.respond({ ok: false, kind: 'rejected', code: 'not_found', message: '404' });
    o.remaining = Math.min(o.remaining, req.reduceTo);
    if (o.remaining === 0) this.orders.delete(o.orderId);
    this.updatedTs.set(o.orderId, this.ts + 1);
    // Like Kalshi's decrease response: no filled count.
    return this.respond({
      ok: true,
      value: {
        orderId: o.orderId,
        clientOrderId: o.clientOrderId,
        remaining: o.remaining,
        filled: null,
        tsMs: ++this.ts,
      },
    });
  }

  cancelOrders(reqs: readonly CancelOrderRequest[]): Promise<WriteOutcome<CancelAck>[]> {
    this.calls.push(`cancel ${reqs.length}`);
    this.cancelRequests.push(...reqs);
    const out = reqs.map((r): WriteOutcome<CancelAck> => {
      const o = this.orders.get(r.orderId);
      if (!o) return { ok: false, kind: 'rejected', code: 'not_found', message: '404' };
      if (this.lyingCancels > 0) {
        this.lyingCancels--;
        return { ok: true, value: { orderId: r.orderId, reducedBy: o.remaining } };
      }
      this.orders.delete(r.orderId);
      return { ok: true, value: { orderId: r.orderId, reducedBy: o.remaining } };
    });
    return this.respond(out);
  }

  async listRestingOrders(): Promise<ExchangeOrder[]> {
    this.calls.push('listResting');
    if (this.failListings > 0) {
      this.failListings--;
      throw new Error('listing failed');
    }
    return this.resting().map(({ groupId: _g, request: _r, ...o }) => ({ ...o }));
  }

  async listPositions(): Promise<ExchangePosition[]> {
    this.calls.push('listPositions');
    return [...this.positions.entries()]
      .filter(([, p]) => p !== 0)
      .map(([ticker, position]) => ({ ticker, position }));
  }

  /** The exchange trips an order group: its orders are cancelled (returned, as their user_order updates). */
  tripGroup(groupId: string): FeedEvent[] {
    const out: FeedEvent[] = [];
    for (const [id, o] of this.orders)
      if (o.groupId === groupId) {
        this.orders.delete(id);
        out.push({
          type: 'order',
          orderId: o.orderId,
          ticker: o.ticker,
          side: o.side,
          price: o.price,
          remaining: 0,
          filled: o.filled,
          status: 'canceled',
          tsMs: ++this.ts,
          ...(o.clientOrderId === null ? {} : { clientOrderId: o.clientOrderId }),
        });
      }
    return out;
  }

  /** While set, every create is refused with this code (a lasting refusal: balance, closed market, …). */
  refuseCreates: { code: string; message: string } | null = null;
  /** Every order-group limit update, in order. */
  groupLimits: { id: string; limit: Centis }[] = [];
  async setOrderGroupLimit(id: string, limit: Centis): Promise<void> {
    this.groupLimits.push({ id, limit });
  }

  /** The next N order-group creations fail. */
  failGroups = 0;

  /** The shard each order group was asked for, in order. */
  groupShards: (number | undefined)[] = [];

  async createOrderGroup(_limit: Centis, exchangeIndex?: number): Promise<string> {
    this.calls.push('createOrderGroup');
    this.groupShards.push(exchangeIndex);
    if (this.failGroups > 0) {
      this.failGroups--;
      throw new Error('504 gateway timeout');
    }
    return `g${++this.groups}`;
  }
}

/** Exposure truth on the exchange: positions plus every resting order filled in the worst direction. */
export function exchangeWorstCase(
  ex: FakeExchange,
  tickers: readonly string[],
): { upper: number; lower: number }[] {
  const total = tickers.reduce((s, t) => s + (ex.positions.get(t) ?? 0), 0);
  return tickers.map((i) => {
    const own = ex.positions.get(i) ?? 0;
    let upper = own - (total - own);
    let lower = upper;
    for (const o of ex.orders.values()) {
      if (!tickers.includes(o.ticker)) continue;
      const d = (o.side === 'bid' ? 1 : -1) * o.remaining * (o.ticker === i ? 1 : -1);
      if (d > 0) upper += d;
      else lower += d;
    }
    return { upper, lower };
  });
}

export const sideOf = (s: string): BookSide => (s === 'bid' ? 'bid' : 'ask');
