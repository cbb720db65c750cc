/**
 * Keeps local order books in step with Kalshi's `orderbook_delta` channel.
 * Pure state machine over parsed frames (no sockets, no clocks): the live
 * WebSocket client and the replay tool drive the same code.
 *
 * Rules (Kalshi publishes no recovery recipe; these follow its seq contract):
 * - `seq` counts per subscription (sid) across all its markets. The first
 *   seen value is the baseline. A duplicate (seq = last) is dropped. A jump
 *   (seq > last + 1) or a backwards seq is a gap: every book of that sid goes
 *   stale and a fresh snapshot of all its markets is requested.
 * - A snapshot is a new baseline for its market whatever its seq (the reply to
 *   get_snapshot may not consume a seq); it never counts as a duplicate.
 * - A delta that would make a level negative, lies off the tick grid or
 *   crosses the book makes that market invalid until its next snapshot.
 * - Deltas for a stale or invalid book are ignored (the snapshot replaces it).
 * - No-side levels are NO-leg prices unless the subscription sent
 *   `use_yes_price: true`; either way they become YES asks here.
 * - With `declaredSidsOnly` (the live client), a book frame on a sid we never
 *   declared (or already dropped) touches nothing and is counted; one for a
 *   market its (declared) sid does not carry for us consumes its seq only.
 *   Without it (replay of recordings, which hold no subscription replies) a
 *   frame's sid is adopted.
 * - A frame we cannot read, or whose type we do not model, that still names a
 *   declared sid and a seq consumes that seq (`consumeSeq`), so a gap is
 *   exactly a frame missing on the wire; an unreadable book frame invalidates
 *   the market it names (or every market of its sid when it names none).
 */
import type { PriceRange } from '../../shared/kalshi/schemas/rest.ts';
import {
  type OrderbookDelta,
  type OrderbookSnapshot,
  TERMINAL_WS_ERROR_CODES,
  type WsInbound,
} from '../../shared/kalshi/schemas/ws.ts';
import type { Centis, Micros } from '../../shared/units.ts';
import { type BookError, type BookSide, ONE_DOLLAR, OrderBook } from './order-book.ts';

export type ResyncRequest =
  | {
      scope: 'subscription';
      sid: number;
      markets: string[];
      reason: 'gap';
      expected_seq: number;
      seq: number;
    }
  | { scope: 'subscription'; sid: number; markets: string[]; reason: 'terminal_error'; code: number }
  /** A book frame that consumed a seq but could not be read and named no market: every market of the sid is suspect. */
  | { scope: 'subscription'; sid: number; markets: string[]; reason: 'unreadable'; seq: number }
  | { scope: 'market'; sid: number; market: string; reason: BookError | 'grid_changed' | 'unreadable' };

type GapRequest = Extract<ResyncRequest, { reason: 'gap' }>;

export type SyncOutcome = 'accepted' | 'ignored' | 'rejected';

/** Why a book frame was dropped without touching a book: its sid is not ours, or its market is not ours on that sid. */
export type DropReason = 'unknown_sid' | 'unknown_market';

export interface SyncResult {
  outcome: SyncOutcome;
  /** Why a frame was ignored or rejected. */
  detail?: string;
  /** Read-only: an accepted delta shares one empty list (`NO_RESYNC`) rather than allocating one per frame. */
  resync: readonly ResyncRequest[];
  /** An accepted delta: the level it changed, in YES terms (bid = YES bid, ask = YES ask). */
  applied?: AppliedDelta;
  /** A book frame dropped untouched (counted in `BookSync.dropped`). */
  dropped?: DropReason;
}

/** The one level an accepted delta changed; `delta` 0 changed nothing. */
export interface AppliedDelta {
  side: BookSide;
  price: Micros;
  delta: Centis;
}

export interface BookSyncOptions {
  /** What the orderbook subscription sent as `use_yes_price`. */
  useYesPrice: boolean;
  /** The market's tick grid, when known (from REST markets or lifecycle). */
  gridOf?: (ticker: string) => readonly PriceRange[] | null | undefined;
  /** Told when a book turns live or stops being live (keeps the feed's live count O(1) per frame). */
  onLiveChange?: (ticker: string, live: boolean) => void;
  /**
   * Only sids declared with `assign` carry books (the live client, which knows its subscriptions).
   * Off: a frame's sid is adopted (replaying recordings, which carry no subscription replies).
   */
  declaredSidsOnly?: boolean;
}

/** The resync list of every accepted delta: empty, shared and frozen (one array fewer per frame, issue #16). */
export const NO_RESYNC: readonly ResyncRequest[] = Object.freeze([]);

const ok = (outcome: SyncOutcome, detail?: string, resync: ResyncRequest[] = []): SyncResult =>
  detail === undefined ? { outcome, resync } : { outcome, detail, resync };

export class BookSync {
  readonly books = new Map<string, OrderBook>();
  private readonly lastSeq = new Map<number, number>();
  private readonly sidMarkets = new Map<number, Set<string>>();
  /** Book frames dropped untouched, by reason (reported by the heartbeat). */
  readonly dropped: Record<DropReason, number> = { unknown_sid: 0, unknown_market: 0 };

  constructor(private readonly opts: BookSyncOptions) {}

  get useYesPrice(): boolean {
    return this.opts.useYesPrice;
  }

  /** The book of a market (created stale on first use). */
  book(ticker: string): OrderBook {
    let b = this.books.get(ticker);
    if (!b) {
      b = new OrderBook(ticker, this.opts.gridOf?.(ticker) ?? null);
      const onLive = this.opts.onLiveChange;
      if (onLive) b.onLiveChange = (book, live) => onLive(book.ticker, live);
      this.books.set(ticker, b);
    }
    return b;
  }

  /** Markets known to belong to a subscription. */
  marketsOf(sid: number): string[] {
    return [...(this.sidMarkets.get(sid) ?? [])];
  }

  /** Declares markets of a subscription (after subscribe / add_markets). */
  assign(sid: number, tickers: readonly string[]): void {
    let set = this.sidMarkets.get(sid);
    if (!set) {
      set = new Set();
      this.sidMarkets.set(sid, set);
    }
    for (const t of tickers) {
      for (const [other, s] of this.sidMarkets) if (other !== sid) s.delete(t);
      set.add(t);
      this.book(t);
    }
  }

  /** Removes markets from a subscription (delete_markets): their books go stale and are dropped. */
  unassign(sid: number, tickers: readonly string[]): void {
    const set = this.sidMarkets.get(sid);
    for (const t of tickers) {
      set?.delete(t);
      this.books.get(t)?.markStale('unsubscribed');
    }
  }

  /** Forgets a subscription (unsubscribed / dead): its books go stale. */
  dropSid(sid: number, reason: string): void {
    for (const t of this.sidMarkets.get(sid) ?? []) this.books.get(t)?.markStale(reason);
    this.sidMarkets.delete(sid);
    this.lastSeq.delete(sid);
  }

  /** After a reconnect sids are renumbered: forget every baseline and mark every book stale. */
  resetAll(reason: string): void {
    for (const b of this.books.values()) {
      b.markStale(reason);
      if (b.state === 'invalid') b.reason = `${b.reason}; ${reason}`;
    }
    this.lastSeq.clear();
    this.sidMarkets.clear();
  }

  /** A new tick grid for a market: its book is rebuilt stale and needs a snapshot. */
  setGrid(ticker: string, ranges: readonly PriceRange[] | null): ResyncRequest[] {
    const b = this.book(ticker);
    b.setGrid(ranges);
    const sid = this.sidOf(ticker);
    return sid === undefined ? [] : [{ scope: 'market', sid, market: ticker, reason: 'grid_changed' }];
  }

  private sidOf(ticker: string): number | undefined {
    for (const [sid, set] of this.sidMarkets) if (set.has(ticker)) return sid;
    return undefined;
  }

  /** Applies one parsed inbound frame; `receivedAt` (epoch ms) stamps books when the frame has no ts. */
  handle(msg: WsInbound, receivedAt?: number): SyncResult {
    switch (msg.type) {
      case 'orderbook_snapshot':
        return this.onSnapshot(msg, receivedAt);
      case 'orderbook_delta':
        return this.onDelta(msg, receivedAt);
      case 'unsubscribed':
        this.dropSid(msg.sid, 'unsubscribed');
        return ok('ignored', 'unsubscribed');
      case 'error': {
        if (msg.sid !== undefined && TERMINAL_WS_ERROR_CODES.has(msg.msg.code)) {
          const markets = this.marketsOf(msg.sid);
          if (markets.length === 0) return ok('ignored', `error ${msg.msg.code} on unknown sid ${msg.sid}`);
          this.dropSid(msg.sid, `subscription error ${msg.msg.code}`);
          return ok('ignored', `terminal error ${msg.msg.code}`, [
            { scope: 'subscription', sid: msg.sid, markets, reason: 'terminal_error', code: msg.msg.code },
          ]);
        }
        return ok('ignored', `error ${msg.msg.code}`);
      }
      case 'market_lifecycle_v2': {
        const m = msg.msg;
        if (
          m.event_type === 'price_level_structure_updated' &&
          m.price_ranges &&
          this.books.has(m.market_ticker)
        ) {
          return ok('ignored', 'tick grid changed', this.setGrid(m.market_ticker, m.price_ranges));
        }
        return ok('ignored', msg.type);
      }
      default:
        return ok('ignored', msg.type);
    }
  }

  /** Seq bookkeeping shared by snapshots and deltas; returns a gap request when one is detected. */
  private checkSeq(sid: number, seq: number, ticker: string, isSnapshot: boolean): 'dup' | GapRequest | null {
    const last = this.lastSeq.get(sid);
    if (last === undefined) {
      this.lastSeq.set(sid, seq);
      return null;
    }
    if (seq === last + 1) {
      this.lastSeq.set(sid, seq);
      return null;
    }
    if (isSnapshot && seq <= last) return null; // a fresh full state, not a repeat
    if (seq === last) return 'dup';
    this.lastSeq.set(sid, seq);
    const markets = this.marketsOf(sid);
    for (const t of markets)
      if (!(isSnapshot && t === ticker)) this.books.get(t)?.markStale(`seq gap ${last}→${seq}`);
    const others = isSnapshot ? markets.filter((t) => t !== ticker) : markets;
    return { scope: 'subscription', sid, markets: others, reason: 'gap', expected_seq: last + 1, seq };
  }

  private noToYesAsk(price: Micros): Micros {
    return this.opts.useYesPrice ? price : ONE_DOLLAR - price;
  }

  /**
   * A book frame on a sid or market that is not ours (declared-sids mode): counted, no book touched.
   * A foreign market on one of our sids still consumes the sid's seq (Kalshi counts seq per sid).
   */
  private undeclared(sid: number, seq: number, ticker: string, isSnapshot: boolean): SyncResult | null {
    if (!this.opts.declaredSidsOnly) return null;
    const set = this.sidMarkets.get(sid);
    if (set === undefined) {
      this.dropped.unknown_sid++;
      return { outcome: 'ignored', detail: `unknown sid ${sid}`, resync: [], dropped: 'unknown_sid' };
    }
    if (set.has(ticker)) return null;
    this.dropped.unknown_market++;
    const gap = this.checkSeq(sid, seq, ticker, isSnapshot);
    const resync = gap && gap !== 'dup' ? [gap] : [];
    return {
      outcome: 'ignored',
      detail: `market ${ticker} not subscribed on sid ${sid}`,
      resync,
      dropped: 'unknown_market',
    };
  }

  /**
   * A frame we could not read, or whose type we do not model, that names a sid
   * and a seq: the seq is consumed (so the next frame is not taken for a gap),
   * and an unreadable book frame invalidates its market (or, naming none, every
   * market of the sid) until a snapshot. Sids that are not ours are left alone.
   */
  consumeSeq(sid: number, seq: number, frame: { market?: string; unreadableBook: boolean }): SyncResult {
    const markets = this.sidMarkets.get(sid);
    if (markets === undefined) return ok('ignored', `seq ${seq} on unknown sid ${sid}`);
    const gap = this.checkSeq(sid, seq, '', false);
    if (gap === 'dup') return ok('ignored', 'duplicate seq');
    const resync: ResyncRequest[] = gap ? [gap] : [];
    if (!frame.unreadableBook || gap) return ok('ignored', 'seq consumed', resync); // a gap resyncs every market anyway
    const market = frame.market;
    if (market !== undefined && markets.has(market)) {
      this.books.get(market)?.markInvalid(`unreadable frame at seq ${seq}`);
      resync.push({ scope: 'market', sid, market, reason: 'unreadable' });
    } else if (market === undefined) {
      for (const t of markets) this.books.get(t)?.markInvalid(`unreadable frame at seq ${seq}`);
      resync.push({ scope: 'subscription', sid, markets: [...markets], reason: 'unreadable', seq });
    }
    return ok('ignored', 'seq consumed', resync);
  }

  private onSnapshot(msg: OrderbookSnapshot, receivedAt: number | undefined): SyncResult {
    const { market_ticker: ticker } = msg.msg;
    const foreign = this.undeclared(msg.sid, msg.seq, ticker, true);
    if (foreign) return foreign;
    this.assign(msg.sid, [ticker]);
    const gap = this.checkSeq(msg.sid, msg.seq, ticker, true);
    const resync: ResyncRequest[] = gap && gap !== 'dup' && gap.markets.length > 0 ? [gap] : [];
    const bids = msg.msg.yes_dollars_fp ?? [];
    const asks = (msg.msg.no_dollars_fp ?? []).map(([p, s]): [Micros, Centis] => [this.noToYesAsk(p), s]);
    const err = this.book(ticker).applySnapshot(bids, asks, receivedAt);
    if (err) {
      resync.push({ scope: 'market', sid: msg.sid, market: ticker, reason: err });
      return ok('rejected', `snapshot ${err}`, resync);
    }
    return ok('accepted', undefined, resync);
  }

  private onDelta(msg: OrderbookDelta, receivedAt: number | undefined): SyncResult {
    const m = msg.msg;
    const ticker = m.market_ticker;
    const foreign = this.undeclared(msg.sid, msg.seq, ticker, false);
    if (foreign) return foreign;
    if (!this.sidMarkets.get(msg.sid)?.has(ticker)) this.assign(msg.sid, [ticker]);
    const gap = this.checkSeq(msg.sid, msg.seq, ticker, false);
    if (gap === 'dup') return ok('ignored', 'duplicate seq');
    if (gap) return ok('ignored', 'seq gap', [gap]);
    const book = this.book(ticker);
    if (!book.live) return ok('ignored', `book ${book.state}`);
    const side: BookSide = m.side === 'yes' ? 'bid' : 'ask';
    const price = m.side === 'yes' ? m.price_dollars : this.noToYesAsk(m.price_dollars);
    const err = book.applyDelta(side, price, m.delta_fp, m.ts_ms ?? receivedAt);
    if (err)
      return ok('rejected', `delta ${err}`, [{ scope: 'market', sid: msg.sid, market: ticker, reason: err }]);
    return { outcome: 'accepted', resync: NO_RESYNC, applied: { side, price, delta: m.delta_fp } };
  }
}
