/**
 * The worker's MarketFeed and BookReader straight off the simulator's matching
 * engine: the FeedEvents the WebSocket adapter (worker/engine/adapters/kalshi-feed.ts)
 * would produce, delivered one feed-latency draw after the exchange emitted
 * them, in order (a socket is FIFO), on the backtest clock.
 *
 * Books are the worker's own copies, built from a snapshot taken when a market
 * is tracked and the deltas delivered after it, so the quoter reads the book as
 * late as the feed makes it. As the adapter does, a delta that changes nothing
 * in the top `depth` levels emits no `book` event.
 *
 * The simulator's socket faults act on the connection: a dropped socket goes
 * down and comes back after `reconnectMs` with the fills missed meanwhile read
 * back (as the adapter's REST backfill does), every book re-snapshotted; a
 * half-open socket is noticed only after `halfOpenDetectMs`; a sequence gap
 * re-snapshots the books. Per-frame faults (random drops, duplicate or late
 * fills, numbers as numbers) are the wire's and are not modelled here.
 */
import type { Clock } from '../../shared/clock.ts';
import type { Centis, Micros } from '../../shared/units.ts';
import type { BookLevel, BookReader, FeedEvent, MarketBook, MarketFeed } from '../../worker/engine/ports.ts';
import type { KalshiEngine } from '../kalshi/engine.ts';
import type { Faults } from '../kalshi/faults.ts';
import type { EngineEvent, SimFill } from '../kalshi/types.ts';
import type { LatencySampler } from './latency.ts';

export interface InMemoryFeedOptions {
  engine: KalshiEngine;
  userId: string;
  clock: Clock;
  latency: LatencySampler;
  faults?: Faults;
  /** Forward the public trade tape of tracked markets (the worker's `trade` subscription; liquidityEstimate). */
  trades?: boolean;
  /** Book levels per side handed to the quoter (the adapter's `depth`). */
  depth?: number;
  /** A dropped socket is back (re-subscribed) after this long; default 1 s. */
  reconnectMs?: number;
  /** A silent socket is declared dead after this long (ping timeout); default 20 s. */
  halfOpenDetectMs?: number;
}

/** One side of a local book: size per price, prices kept sorted best first. */
class LocalSide {
  readonly size = new Map<Micros, Centis>();
  /** Best first: descending for bids, ascending for asks. */
  prices: Micros[] = [];

  constructor(private readonly descending: boolean) {}

  private index(price: Micros): number {
    let lo = 0;
    let hi = this.prices.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const p = this.prices[mid]!;
      if (this.descending ? p > price : p < price) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Applies a delta; returns the level's rank (0 = best) before or after, whichever is better. */
  apply(price: Micros, delta: Centis): number {
    const before = this.size.get(price) ?? 0;
    const after = before + delta;
    const i = this.index(price);
    if (after <= 0) {
      if (before > 0) {
        this.size.delete(price);
        this.prices.splice(i, 1);
      }
    } else {
      if (before <= 0) this.prices.splice(i, 0, price);
      this.size.set(price, after);
    }
    return i;
  }

  levels(depth: number): BookLevel[] {
    return this.prices.slice(0, depth).map((price) => ({ price, size: this.size.get(price)! }));
  }
}

interface LocalBook {
  bids: LocalSide;
  asks: LocalSide;
  version: number;
  updatedMs: number;
  view: { version: number; book: MarketBook } | null;
}

type Delivery =
  | { kind: 'event'; event: EngineEvent }
  | { kind: 'snapshot'; ticker: string; bids: [Micros, Centis][]; asks: [Micros, Centis][] };

export class InMemoryFeed implements MarketFeed, BookReader {
  private readonly handlers = new Set<(e: FeedEvent) => void>();
  private readonly books = new Map<string, LocalBook>();
  private readonly tracked = new Set<string>();
  private readonly depth: number;
  /** What the exchange emitted in the current instant, delivered together. */
  private batch: { createdMs: number; items: Delivery[] } | null = null;
  private lastDeliveryMs = Number.NEGATIVE_INFINITY;
  private up = false;
  private connecting = false;
  /** Socket down since (backtest ms), or null. */
  private downSince: number | null = null;
  private readonly seenFills = new Set<string>();
  readonly stats = { deliveries: 0, events: 0, reconnects: 0, bookResyncs: 0 };
  private readonly offEngine: () => void;
  private readonly offFaults: () => void;

  constructor(private readonly o: InMemoryFeedOptions) {
    this.depth = o.depth ?? 10;
    this.offEngine = o.engine.subscribe((e) => this.onExchange(e));
    this.offFaults =
      o.faults?.onWsAction((a) => {
        if (a === 'drop') this.drop(o.reconnectMs ?? 1_000);
        else if (a === 'half_open')
          this.drop((o.halfOpenDetectMs ?? 20_000) + (o.reconnectMs ?? 1_000), true);
        else this.resync();
      }) ?? (() => {});
  }

  close(): void {
    this.offEngine();
    this.offFaults();
  }

  onEvent(handler: (e: FeedEvent) => void): () => void {
    // Connected and subscribed one wire trip after the first listener (the session) subscribes.
    if (this.handlers.size === 0 && !this.connecting) {
      this.connecting = true;
      this.schedule(() => this.connectUp());
    }
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  track(tickers: readonly string[]): void {
    const next = new Set(tickers);
    for (const t of [...this.tracked]) {
      if (next.has(t)) continue;
      this.tracked.delete(t);
      this.books.delete(t);
    }
    for (const t of next) {
      if (this.tracked.has(t)) continue;
      this.tracked.add(t);
      this.enqueueSnapshot(t);
    }
  }

  book(ticker: string): MarketBook | undefined {
    const b = this.books.get(ticker);
    if (!b) return undefined;
    if (b.view?.version === b.version) return b.view.book;
    const book: MarketBook = Object.freeze({
      ticker,
      bids: Object.freeze(b.bids.levels(this.depth)),
      asks: Object.freeze(b.asks.levels(this.depth)),
      valid: this.up,
      updatedMs: b.updatedMs,
    });
    b.view = { version: b.version, book };
    return book;
  }

  // ------------------------------------------------------------------ the wire

  private onExchange(e: EngineEvent): void {
    const user = this.o.userId;
    switch (e.type) {
      case 'book_delta':
        if (!this.tracked.has(e.ticker)) return;
        break;
      case 'fill':
        if (e.fill.userId !== user) return;
        break;
      case 'order':
        if (e.order.userId !== user) return;
        break;
      case 'order_group':
        if (e.userId !== user) return;
        break;
      case 'lifecycle':
        break;
      case 'trade':
        // Same instant as the match's book deltas: it joins their delivery (no extra latency draw).
        if (!this.o.trades || !this.tracked.has(e.trade.ticker)) return;
        break;
      default:
        return;
    }
    // Down: nothing reaches the worker (fills come back by the backfill at reconnect).
    if (this.downSince !== null) return;
    this.enqueue({ kind: 'event', event: e });
  }

  private enqueueSnapshot(ticker: string): void {
    const b = this.o.engine.book(ticker);
    this.enqueue({ kind: 'snapshot', ticker, bids: b.bids, asks: b.asks });
  }

  private enqueue(d: Delivery): void {
    const now = this.o.clock.now();
    if (this.batch && this.batch.createdMs === now) {
      this.batch.items.push(d);
      return;
    }
    const batch = { createdMs: now, items: [d] };
    this.batch = batch;
    this.schedule(() => {
      if (this.batch === batch) this.batch = null;
      this.deliver(batch.items);
    });
  }

  /** Deliveries on the wire: the worker's books lag the exchange's until they land. */
  get inFlight(): number {
    return this.pending;
  }

  /** Runs `fn` one feed-latency draw from now, never before an earlier delivery (FIFO). */
  private schedule(fn: () => void): void {
    const now = this.o.clock.now();
    const at = Math.max(this.lastDeliveryMs, now + this.o.latency.sample());
    this.lastDeliveryMs = at;
    this.pending++;
    this.o.clock.setTimeout(() => {
      this.pending--;
      fn();
    }, at - now);
  }

  private pending = 0;

  private deliver(items: Delivery[]): void {
    this.stats.deliveries++;
    const dirty = new Set<string>();
    for (const d of items) {
      this.stats.events++;
      if (d.kind === 'snapshot') {
        if (!this.tracked.has(d.ticker)) continue;
        const b: LocalBook = {
          bids: new LocalSide(true),
          asks: new LocalSide(false),
          version: 0,
          updatedMs: this.o.clock.now(),
          view: null,
        };
        for (const [p, s] of d.bids) b.bids.apply(p, s);
        for (const [p, s] of d.asks) b.asks.apply(p, s);
        this.books.set(d.ticker, b);
        dirty.add(d.ticker);
        continue;
      }
      const e = d.event;
      switch (e.type) {
        case 'book_delta': {
          const b = this.books.get(e.ticker);
          if (!b) continue; // before its snapshot: the snapshot already holds it
          const rank = (e.side === 'bid' ? b.bids : b.asks).apply(e.price, e.delta);
          b.version++;
          b.updatedMs = e.ms;
          if (e.delta !== 0 && rank < this.depth) dirty.add(e.ticker);
          continue;
        }
        case 'fill':
          this.flushBooks(dirty);
          this.emitFill(e.fill);
          continue;
        case 'order': {
          this.flushBooks(dirty);
          const o = e.order;
          this.emit({
            type: 'order',
            orderId: o.orderId,
            ...(o.clientOrderId ? { clientOrderId: o.clientOrderId } : {}),
            ticker: o.ticker,
            side: o.side,
            price: o.price,
            remaining: o.remaining,
            filled: o.filled,
            status: o.status,
            tsMs: o.updatedMs,
          });
          continue;
        }
        case 'trade': {
          // Not a book change: the books' events keep their order (the session ignores trades; the tape reads them).
          const t = e.trade;
          this.emit({
            type: 'trade',
            ticker: t.ticker,
            price: t.price,
            count: t.count,
            takerSide: t.takerSide,
            tsMs: t.createdMs,
          });
          continue;
        }
        case 'order_group':
          this.flushBooks(dirty);
          this.emit({ type: 'order_group', orderGroupId: e.orderGroupId, eventType: e.eventType });
          continue;
        case 'lifecycle': {
          this.flushBooks(dirty);
          const t = e.eventType;
          const kind =
            t === 'deactivated'
              ? 'paused'
              : t === 'activated'
                ? 'resumed'
                : t === 'determined' || t === 'settled'
                  ? t
                  : 'other';
          this.emit({ type: 'lifecycle', ticker: e.market.ticker, kind });
          continue;
        }
        default:
          continue;
      }
    }
    this.flushBooks(dirty);
  }

  /** One `book` event per changed market, in the order they changed, before the next non-book event. */
  private flushBooks(dirty: Set<string>): void {
    for (const t of dirty) this.emit({ type: 'book', ticker: t });
    dirty.clear();
  }

  private emitFill(f: SimFill): void {
    if (this.seenFills.has(f.fillId)) return;
    this.seenFills.add(f.fillId);
    this.emit({
      type: 'fill',
      tradeId: f.fillId,
      orderId: f.orderId,
      ...(f.clientOrderId ? { clientOrderId: f.clientOrderId } : {}),
      ticker: f.ticker,
      side: f.side,
      price: f.price,
      count: f.count,
      tsMs: f.createdMs,
      fee: f.fee,
      isTaker: f.isTaker,
    });
  }

  private emit(e: FeedEvent): void {
    for (const h of this.handlers) h(e);
  }

  // ------------------------------------------------------------------ connection

  private connectUp(): void {
    if (this.up) return;
    this.up = true;
    for (const b of this.books.values()) b.version++; // validity changed
    this.emit({ type: 'connection', state: 'up' });
  }

  /** The socket died now; it is noticed after `noticeMs` (0: at once) and back `reconnectMs` later. */
  private drop(backAfterMs: number, silent = false): void {
    if (this.downSince !== null) return;
    const now = this.o.clock.now();
    this.downSince = now;
    const notice = () => {
      if (!this.up) return;
      this.up = false;
      for (const b of this.books.values()) b.version++;
      this.emit({ type: 'connection', state: 'down' });
    };
    if (silent) this.o.clock.setTimeout(notice, Math.max(0, backAfterMs - (this.o.reconnectMs ?? 1_000)));
    else this.schedule(notice);
    this.o.clock.setTimeout(() => this.reconnect(now), backAfterMs);
  }

  private reconnect(since: number): void {
    this.downSince = null;
    this.stats.reconnects++;
    // Resubscribed: fresh snapshots, then the fills missed in the gap (the adapter's backfill), then up.
    for (const t of this.tracked) this.enqueueSnapshot(t);
    const missed = this.o.engine.fills(this.o.userId).filter((f) => f.createdMs >= since);
    this.schedule(() => {
      for (const f of missed) this.emitFill(f);
      this.connectUp();
    });
  }

  private resync(): void {
    this.stats.bookResyncs++;
    for (const t of this.tracked) this.enqueueSnapshot(t);
  }
}
