/**
 * MarketFeed + BookReader over the Kalshi WebSocket feed (worker/kalshi/ws-client.ts)
 * and its order books (worker/book/). Translates the feed's events into the
 * engine's FeedEvent union; books are read on demand (a requote reads the
 * current book, never a copy per delta).
 *
 * The engine sees only the top `depth` levels per side (`book()`), so a delta
 * whose level is outside them before and after it lands changes nothing the
 * quoter or the limit reads: no `book` event for it (most deltas churn deep
 * levels). Snapshots, resyncs and validity changes always emit.
 *
 * Connection: 'down' as soon as the socket drops or a private subscription
 * (fill, user_orders) dies; 'up' only once the private subscriptions are
 * acknowledged again (the feed's `reconnected`) and, after a gap, the fills
 * missed in it have been read back from REST and emitted as fill events. The
 * session's trusted reconciliation runs on 'up', so it never judges positions
 * before the private channels are live, nor before the missed fills are in.
 */
import type { Clock } from '../../../shared/clock.ts';
import type { Fill } from '../../../shared/kalshi/schemas/rest.ts';
import type { Trade } from '../../../shared/kalshi/schemas/ws.ts';
import type { OrderBook } from '../../book/order-book.ts';
import { BACKFILL_MARGIN_MS, type FillBackfill, fillIdOf } from '../../kalshi/fill-backfill.ts';
import type { KalshiWsFeed } from '../../kalshi/ws-client.ts';
import type { BookReader, FeedEvent, FillEvent, MarketBook, MarketFeed } from '../ports.ts';

export interface PrivateGapOptions {
  /** Reads fills missed in a gap back from REST; without it a gap is only reconciled (drift). */
  backfill?: FillBackfill;
  /** How far before the gap was noticed the backfill starts (default 60 s). */
  backfillMarginMs?: number;
  /** Told after each backfill: fills listed, fills new to us, or the error. */
  onBackfill?: (r: { listed: number; applied: number; error?: string }) => void;
}

/** A REST fill as the engine's fill event (the same fields the WebSocket fill carries). */
export function fillEventOfRest(f: Fill, now: number): FillEvent {
  return {
    type: 'fill',
    tradeId: fillIdOf(f),
    orderId: f.order_id,
    ...(f.client_order_id ? { clientOrderId: f.client_order_id } : {}),
    ticker: f.ticker,
    side: f.book_side,
    price: f.yes_price_dollars,
    count: f.count_fp,
    tsMs: f.created_time ?? (f.ts != null ? f.ts * 1000 : now),
    fee: f.fee_cost,
    isTaker: f.is_taker,
  };
}

export class KalshiFeedAdapter implements MarketFeed, BookReader {
  private readonly handlers = new Set<(e: FeedEvent) => void>();
  private up = false;
  /** The MarketBook last handed out per ticker, with the book version it was built from. */
  private readonly cache = new Map<string, { book: OrderBook; version: number; view: MarketBook }>();
  /** Accepted deltas seen, and how many of them changed the visible top levels (bench, metrics). */
  readonly deltaCounts = { seen: 0, visible: 0 };

  /** When the current private-channel gap was noticed (engine clock), or null: no gap. */
  private gapSinceMs: number | null = null;
  /** Bumped by every gap: a backfill that finishes after a newer gap began does not bring the feed up. */
  private epoch = 0;
  private everUp = false;

  constructor(
    private readonly ws: KalshiWsFeed,
    private readonly clock: Clock,
    /** Book levels per side handed to the quoter. */
    private readonly depth = 10,
    private readonly gaps: PrivateGapOptions = {},
  ) {
    ws.on((e) => {
      switch (e.type) {
        case 'book': {
          const d = e.delta;
          if (d) {
            this.deltaCounts.seen++;
            if (d.delta === 0 || !this.visible(e.ticker, d.side, d.price)) return;
            this.deltaCounts.visible++;
          }
          this.emit({ type: 'book', ticker: e.ticker });
          return;
        }
        case 'fill': {
          const f = e.fill;
          this.emit({
            type: 'fill',
            tradeId: f.trade_id,
            orderId: f.order_id,
            clientOrderId: f.client_order_id,
            ticker: f.market_ticker,
            side: f.book_side,
            price: f.yes_price_dollars,
            count: f.count_fp,
            tsMs: f.ts_ms ?? (f.ts !== undefined ? f.ts * 1000 : this.clock.now()),
            fee: f.fee_cost,
            isTaker: f.is_taker,
          });
          return;
        }
        case 'state':
          // Up is decided by `reconnected` (private channels acknowledged); 'degraded' = socket alive,
          // some books awaiting snapshots: their own validity flags cover that.
          if (e.state === 'disconnected' || e.state === 'connecting') this.gap();
          return;
        case 'private_gap':
          this.gap();
          return;
        case 'reconnected':
          void this.resume();
          return;
        case 'message': {
          const m = e.msg;
          if (m.type === 'user_order') {
            const o = m.msg;
            this.emit({
              type: 'order',
              orderId: o.order_id,
              clientOrderId: o.client_order_id,
              ticker: o.ticker,
              side: o.book_side,
              price: o.yes_price_dollars,
              remaining: o.remaining_count_fp,
              filled: o.fill_count_fp,
              status: o.status,
              // Orders an update against our own acks: a snapshot older than the last ack is stale.
              ...(o.last_updated_ts_ms === undefined ? {} : { tsMs: o.last_updated_ts_ms }),
            });
          } else if (m.type === 'order_group_updates') {
            this.emit({
              type: 'order_group',
              orderGroupId: m.msg.order_group_id,
              eventType: m.msg.event_type,
            });
          } else if (m.type === 'trade') {
            this.emitTrade(m.msg);
          } else if (m.type === 'market_lifecycle_v2') {
            const l = m.msg;
            const kind =
              l.event_type === 'deactivated'
                ? 'paused'
                : l.event_type === 'activated'
                  ? 'resumed'
                  : l.event_type === 'determined' || l.event_type === 'settled'
                    ? l.event_type
                    : l.event_type === 'close_date_updated' || l.event_type === 'metadata_updated'
                      ? 'dates' // the game's start may have moved: only a listing tells the new one
                      : 'other';
            this.emit({ type: 'lifecycle', ticker: l.market_ticker, kind });
          }
          return;
        }
        default:
          return;
      }
    });
  }

  /** The socket or a private subscription went down: fills may be missed from now on. */
  private gap(): void {
    // Before the first acknowledgement there is nothing to backfill: start-up loads positions itself.
    if (this.everUp) this.gapSinceMs ??= this.clock.now();
    this.epoch++;
    if (this.up) {
      this.up = false;
      this.emit({ type: 'connection', state: 'down' });
    }
  }

  /** Private channels acknowledged: backfill the gap's fills, then report the feed up (→ trusted reconcile). */
  private async resume(): Promise<void> {
    const epoch = this.epoch;
    const since = this.gapSinceMs;
    const backfill = this.gaps.backfill;
    if (since !== null && backfill) {
      try {
        const fills = await backfill(since - (this.gaps.backfillMarginMs ?? BACKFILL_MARGIN_MS));
        let applied = 0;
        const now = this.clock.now();
        // Oldest first, as they happened; ids already seen (on the socket or a previous backfill) are skipped.
        for (const f of [...fills].sort((a, b) => (a.created_time ?? 0) - (b.created_time ?? 0))) {
          if (!this.ws.rememberFill(fillIdOf(f))) continue;
          applied++;
          this.emit(fillEventOfRest(f, now));
        }
        this.gaps.onBackfill?.({ listed: fills.length, applied });
      } catch (err) {
        // The reconciliation still corrects positions (as drift); the fills' records are what is lost.
        this.gaps.onBackfill?.({
          listed: 0,
          applied: 0,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
    if (epoch !== this.epoch) return; // a newer gap began meanwhile: its own acknowledgement resumes
    this.gapSinceMs = null;
    this.everUp = true;
    if (!this.up) {
      this.up = true;
      this.emit({ type: 'connection', state: 'up' });
    }
  }

  onEvent(handler: (e: FeedEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  track(tickers: readonly string[]): void {
    this.ws.setMarkets(tickers);
  }

  /** Whether an accepted delta at (side, price) shows in the top `depth` levels handed to the engine. */
  private visible(ticker: string, side: 'bid' | 'ask', price: number): boolean {
    try {
      const b = this.ws.book(ticker);
      // A book that is not live is read as invalid whatever its levels: the validity change itself emits.
      return !b.live || b.withinTop(side, price, this.depth);
    } catch {
      return true;
    }
  }

  /**
   * The top `depth` levels per side. Built once per book version and shared
   * until the book changes: callers must not mutate it (the port's types are readonly).
   */
  book(ticker: string): MarketBook | undefined {
    let b: OrderBook;
    try {
      b = this.ws.book(ticker);
    } catch {
      return undefined;
    }
    const hit = this.cache.get(ticker);
    if (hit && hit.book === b && hit.version === b.version) return hit.view;
    // Frozen: one view is shared by every reader until the book changes.
    const view: MarketBook = Object.freeze({
      ticker,
      bids: Object.freeze(b.levels('bid', { depth: this.depth })),
      asks: Object.freeze(b.levels('ask', { depth: this.depth })),
      valid: b.live,
      updatedMs: b.updatedAt ?? 0,
    });
    this.cache.set(ticker, { book: b, version: b.version, view });
    return view;
  }

  /**
   * A public trade (the liquidity tape); a print without the taker's side tells no direction and is dropped.
   * A block trade is negotiated off the book: it took no resting price, so it is no arrival there either.
   */
  private emitTrade(t: Trade['msg']): void {
    if (t.is_block_trade === true) {
      this.tradeCounts.block++;
      return;
    }
    const side =
      t.taker_book_side ??
      (t.taker_outcome_side === 'yes' ? 'bid' : t.taker_outcome_side === 'no' ? 'ask' : undefined);
    if (side === undefined) {
      this.tradeCounts.noSide++;
      return;
    }
    this.tradeCounts.seen++;
    this.emit({
      type: 'trade',
      ticker: t.market_ticker,
      price: t.yes_price_dollars,
      count: t.count_fp,
      takerSide: side,
      tsMs: t.ts_ms ?? (t.ts !== undefined ? t.ts * 1000 : this.clock.now()),
    });
  }

  /** Public trades handed on, dropped for want of a taker side, and block trades dropped (bad frames are the ws client's `frames.rejected`). */
  readonly tradeCounts = { seen: 0, noSide: 0, block: 0 };

  private emit(e: FeedEvent): void {
    for (const h of this.handlers) h(e);
  }
}
