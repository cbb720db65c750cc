/**
 * Kalshi WebSocket feed: one signed connection carrying the orderbook
 * subscription for a changing set of markets plus the private channels
 * (fill, user_orders), kept honest by the book state machine.
 *
 * - Upgrade signed with `ts + "GET" + "/trade-api/ws/v2"`, afresh per connect.
 * - `use_yes_price` always sent explicitly; books parse according to it.
 * - Seq gaps → get_snapshot for every market of the sid; an invalid market →
 *   get_snapshot for it; terminal errors (10, 25) → resubscribe; a snapshot
 *   that does not come back in time → resubscribe.
 * - Liveness: we ping every `pingIntervalMs`; any inbound frame, ping or pong
 *   counts as life; a ping with nothing heard `pongTimeoutMs` after it, or
 *   silence past `silenceMs`, means a dead (maybe half-open) socket: it is
 *   terminated and we reconnect.
 * - Reconnect with capped exponential backoff and full jitter; on reconnect
 *   every book goes stale, everything is resubscribed, and a `reconnected`
 *   event tells the owner to reconcile fills, orders and positions over REST
 *   (private channels have no seq).
 * - Every frame goes through the schemas; bad frames are counted and
 *   reported truncated, never thrown.
 */
import WebSocket from 'ws';
import { type Clock, systemClock, type TimerHandle } from '../../shared/clock.ts';
import { type BackoffPolicy, fullJitterDelay } from '../../shared/kalshi/backoff.ts';
import type { PriceRange } from '../../shared/kalshi/schemas/rest.ts';
import {
  TERMINAL_WS_ERROR_CODES,
  type WsCommand,
  type WsFill,
  type WsInbound,
} from '../../shared/kalshi/schemas/ws.ts';
import { authHeaders, type Signer } from '../../shared/kalshi/signer.ts';
import { type AppliedDelta, BookSync, type ResyncRequest } from '../book/book-sync.ts';
import type { OrderBook } from '../book/order-book.ts';
import { FrameHandler } from './frame-handler.ts';

export type ConnectionState = 'disconnected' | 'connecting' | 'degraded' | 'connected';
export type PrivateChannel = 'fill' | 'user_orders' | 'market_positions' | 'order_group_updates';

export type FeedEvent =
  | { type: 'state'; state: ConnectionState; reason: string }
  /** A new connection is subscribed: reconcile fills/orders/positions over REST now. */
  | { type: 'reconnected'; connection: number }
  /**
   * A book changed (snapshot or delta accepted) or changed state. `delta`: the
   * frame was an accepted delta and this is the only level it changed (readers
   * that see only the top levels can skip it, see `OrderBook.withinTop`).
   */
  | { type: 'book'; ticker: string; delta?: AppliedDelta }
  /** Every parsed message (fills are de-duplicated by trade_id first). */
  | { type: 'message'; msg: WsInbound }
  | { type: 'fill'; fill: WsFill['msg'] }
  /**
   * A private subscription (fill, user_orders) died while the socket stayed up: what it carried
   * until its re-subscription is acknowledged (then `reconnected`) is lost and must come from REST.
   */
  | { type: 'private_gap'; channel: string }
  | { type: 'bad_frame'; detail: string }
  | { type: 'resync'; request: ResyncRequest }
  | { type: 'command_error'; code: number; message: string; cmd: string | null }
  | { type: 'error'; message: string };

export interface FeedStats {
  connections: number;
  reconnects: number;
  frames: { accepted: number; rejected: number; ignored: number };
  gaps: number;
  invalidBooks: number;
  snapshotRequests: number;
  resubscribes: number;
  silenceTimeouts: number;
  /** Connections dropped because nothing (no pong, no frame) came back within `pongTimeoutMs` of a ping. */
  pongTimeouts: number;
  duplicateFills: number;
  /** Book frames dropped untouched: on a sid that is not ours, or for a market not ours on our sid. */
  dropped: { unknown_sid: number; unknown_market: number };
}

export interface KalshiWsOptions {
  /** e.g. `wss://external-api-ws.kalshi.com/trade-api/ws/v2`. */
  url: string;
  signer: Signer;
  clock?: Clock;
  random?: () => number;
  /** Sent on the orderbook subscription; default true (Kalshi's announced future default). */
  useYesPrice?: boolean;
  /** Default: fill and user_orders for all markets. */
  privateChannels?: readonly PrivateChannel[];
  /** Also subscribe market_lifecycle_v2 (all markets; tick-grid changes reach the books). */
  lifecycle?: boolean;
  /** Also subscribe the public `trade` channel (all markets; the liquidity estimate, quoting.liquidityEstimate). */
  trades?: boolean;
  pingIntervalMs?: number;
  /** Silence (no frame, ping or pong) after which the socket is presumed dead. */
  silenceMs?: number;
  /** Nothing heard (no pong, no frame) this long after one of our pings: the socket is presumed dead. */
  pongTimeoutMs?: number;
  /** How long a requested snapshot may take before the subscription is rebuilt. */
  snapshotTimeoutMs?: number;
  /**
   * How long a private subscription may wait for its acknowledgement before the connection starts over.
   * Default 3 s (never more than snapshotTimeoutMs): a subscribe sent while the exchange was silent is
   * lost for good once it speaks again, and the feed stays down (quoting paused) until this runs out.
   */
  subscribeAckTimeoutMs?: number;
  reconnect?: BackoffPolicy & { minMs?: number };
  gridOf?: (ticker: string) => readonly PriceRange[] | null | undefined;
  /** Upgrade handshake timeout. */
  handshakeTimeoutMs?: number;
}

/**
 * Liveness: we ping every 2.5 s (Kalshi pings every 10 s and answers ours with
 * a pong); a ping with nothing heard 3 s after it means a dead socket, so a
 * half-open connection is replaced within ~5.5 s (it took 12–17 s of silence,
 * with fills and order updates lost meanwhile and orders believed resting that
 * had filled). A socket that has produced nothing for 12 s is dead in any
 * case. Books on a silent socket may be missing deltas without any seq hint,
 * so these bounds are also the worst-case staleness of a "live" book on a
 * half-open connection; use `quietForMs()` to demand fresher data for quoting.
 */
const DEFAULTS = {
  pingIntervalMs: 2_500,
  pongTimeoutMs: 3_000,
  silenceMs: 12_000,
  snapshotTimeoutMs: 10_000,
  subscribeAckTimeoutMs: 3_000,
  reconnect: { baseMs: 500, capMs: 30_000, minMs: 100 },
  handshakeTimeoutMs: 10_000,
};

const MAX_REMEMBERED_FILLS = 100_000;

interface Pending {
  cmd: WsCommand;
  /** For a subscribe: the tickers it asked for. */
  tickers: string[];
  /** Replies still expected (a subscribe gets one per channel). */
  replies: number;
}

export class KalshiWsFeed {
  readonly sync: BookSync;
  private readonly frames: FrameHandler;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly opts: Required<Omit<KalshiWsOptions, 'gridOf' | 'clock' | 'random'>> & {
    reconnect: BackoffPolicy & { minMs: number };
  };
  private readonly listeners = new Set<(e: FeedEvent) => void>();

  private ws: WebSocket | null = null;
  private connection = 0;
  private attempt = 0;
  private stopped = true;
  private state: ConnectionState = 'disconnected';
  private lastHeard = 0;
  private heartbeat: TimerHandle | null = null;
  /** Counts everything heard (frame, ping, pong): a ping's deadline compares it, not a timestamp. */
  private heardCount = 0;
  private pongCheck: TimerHandle | null = null;
  private ackCheck: TimerHandle | null = null;
  private reconnectTimer: TimerHandle | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** Markets we want books for. */
  private readonly desired = new Set<string>();
  /** How many of `desired` have a live book (kept by the books' live-change hook: a frame costs O(1)). */
  private desiredLive = 0;
  /** Markets the server confirmed on our orderbook sid. */
  private subscribed = new Set<string>();
  private obSid: number | null = null;
  private obSubscribing = false;
  private readonly privateSids = new Map<number, string>();
  /** Since when a private subscription is awaited (sent, not yet acknowledged), or null. */
  private privateAwaitedSince: number | null = null;
  /** Markets with a requested snapshot outstanding → deadline. */
  private readonly awaitingSnapshot = new Map<string, number>();
  private readonly seenFills = new Set<string>();
  private everConnected = false;

  readonly stats: FeedStats = {
    connections: 0,
    reconnects: 0,
    frames: { accepted: 0, rejected: 0, ignored: 0 },
    gaps: 0,
    invalidBooks: 0,
    snapshotRequests: 0,
    resubscribes: 0,
    silenceTimeouts: 0,
    pongTimeouts: 0,
    duplicateFills: 0,
    dropped: { unknown_sid: 0, unknown_market: 0 },
  };

  constructor(options: KalshiWsOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.opts = {
      url: options.url,
      signer: options.signer,
      useYesPrice: options.useYesPrice ?? true,
      privateChannels: options.privateChannels ?? ['fill', 'user_orders'],
      lifecycle: options.lifecycle ?? false,
      trades: options.trades ?? false,
      pingIntervalMs: options.pingIntervalMs ?? DEFAULTS.pingIntervalMs,
      silenceMs: options.silenceMs ?? DEFAULTS.silenceMs,
      pongTimeoutMs: options.pongTimeoutMs ?? DEFAULTS.pongTimeoutMs,
      snapshotTimeoutMs: options.snapshotTimeoutMs ?? DEFAULTS.snapshotTimeoutMs,
      subscribeAckTimeoutMs:
        options.subscribeAckTimeoutMs ??
        Math.min(DEFAULTS.subscribeAckTimeoutMs, options.snapshotTimeoutMs ?? DEFAULTS.snapshotTimeoutMs),
      reconnect: { ...DEFAULTS.reconnect, ...options.reconnect },
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? DEFAULTS.handshakeTimeoutMs,
    };
    this.sync = new BookSync({
      useYesPrice: this.opts.useYesPrice,
      ...(options.gridOf ? { gridOf: options.gridOf } : {}),
      onLiveChange: (ticker, live) => {
        if (this.desired.has(ticker)) this.desiredLive += live ? 1 : -1;
      },
      // We know every sid we hold: a book frame on any other never touches a book.
      declaredSidsOnly: true,
    });
    this.frames = new FrameHandler(this.sync);
    this.stats.frames = this.frames.counts;
    this.stats.dropped = this.sync.dropped;
  }

  on(listener: (e: FeedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  /** Milliseconds since the socket last produced anything (frame, ping or pong); Infinity when not connected. */
  quietForMs(): number {
    return this.ws ? this.clock.now() - this.lastHeard : Number.POSITIVE_INFINITY;
  }

  /** The market's book (stale until its snapshot arrives). */
  book(ticker: string): OrderBook {
    return this.sync.book(ticker);
  }

  /** Starts connecting (and keeps reconnecting until `stop`). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  /** Closes the socket and stops reconnecting. */
  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer) this.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopHeartbeat();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
    }
    this.setState('disconnected', 'stopped');
  }

  /** Sets the markets to keep books for; subscription changes are sent without reconnecting. */
  setMarkets(tickers: readonly string[]): void {
    this.desired.clear();
    for (const t of tickers) this.desired.add(t);
    for (const [t, b] of this.sync.books) if (!this.desired.has(t)) b.markStale('not subscribed');
    this.desiredLive = 0;
    for (const t of this.desired) if (this.sync.books.get(t)?.live === true) this.desiredLive++;
    this.converge();
  }

  /**
   * Tells the books a market's tick grid (from REST `price_ranges`), so off-grid
   * deltas are caught. Unchanged grids are a no-op; a change rebuilds the book
   * stale and asks for its snapshot.
   */
  setGrid(ticker: string, ranges: readonly PriceRange[] | null): void {
    const current = this.sync.book(ticker).grid;
    if (JSON.stringify(current ?? null) === JSON.stringify(ranges ?? null)) return;
    for (const r of this.sync.setGrid(ticker, ranges)) this.onResync(r);
    this.emit({ type: 'book', ticker });
    this.refreshState();
  }

  addMarkets(tickers: readonly string[]): void {
    this.setMarkets([...this.desired, ...tickers]);
  }

  removeMarkets(tickers: readonly string[]): void {
    const drop = new Set(tickers);
    this.setMarkets([...this.desired].filter((t) => !drop.has(t)));
  }

  /**
   * Records a fill id as seen; false when it was already (a duplicate). Fills
   * backfilled over REST after a gap go through here too, so the same fill
   * arriving late on the socket is not counted twice.
   */
  rememberFill(tradeId: string): boolean {
    if (this.seenFills.has(tradeId)) return false;
    this.seenFills.add(tradeId);
    if (this.seenFills.size > MAX_REMEMBERED_FILLS) {
      const oldest = this.seenFills.values().next().value;
      if (oldest !== undefined) this.seenFills.delete(oldest);
    }
    return true;
  }

  // ---------------------------------------------------------------- connection

  private emit(e: FeedEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A listener's bug must not break the feed.
      }
    }
  }

  private setState(state: ConnectionState, reason: string): void {
    if (this.state === state) return;
    this.state = state;
    this.emit({ type: 'state', state, reason });
  }

  private connect(): void {
    if (this.stopped) return;
    this.connection++;
    const connection = this.connection;
    this.setState('connecting', `connection ${connection}`);
    const path = new URL(this.opts.url).pathname;
    void authHeaders(this.opts.signer, this.clock.now(), 'GET', path).then(
      (headers) => {
        if (this.stopped || connection !== this.connection) return;
        const ws = new WebSocket(this.opts.url, {
          headers,
          handshakeTimeout: this.opts.handshakeTimeoutMs,
          perMessageDeflate: false,
          maxPayload: 64 * 1024 * 1024,
        });
        this.ws = ws;
        ws.on('open', () => this.onOpen(ws));
        ws.on('message', (data, isBinary) => this.onData(ws, data, isBinary));
        ws.on('ping', () => this.heard(ws));
        ws.on('pong', () => this.heard(ws));
        ws.on('unexpected-response', (_req, res) => {
          this.emit({ type: 'error', message: `upgrade refused: HTTP ${res.statusCode}` });
          res.resume();
          this.drop(ws, `upgrade refused (${res.statusCode})`);
        });
        ws.on('error', (err) =>
          this.drop(ws, `socket error: ${(err as { code?: string }).code ?? err.message}`),
        );
        ws.on('close', (code) => this.drop(ws, `closed (${code})`));
      },
      () => this.scheduleReconnect('signing failed'),
    );
  }

  private onOpen(ws: WebSocket): void {
    if (ws !== this.ws) return;
    this.stats.connections++;
    if (this.everConnected) this.stats.reconnects++;
    this.everConnected = true;
    this.lastHeard = this.clock.now();
    this.startHeartbeat(ws);
    // sids are per connection: forget all of them.
    this.sync.resetAll('reconnect');
    this.pending.clear();
    this.privateSids.clear();
    this.awaitingSnapshot.clear();
    this.subscribed = new Set();
    this.obSid = null;
    this.obSubscribing = false;
    this.nextId = 1;
    this.setState('degraded', 'subscribing');
    if (this.opts.privateChannels.length > 0) {
      this.awaitPrivateAck(ws);
      this.send({
        id: this.nextId++,
        cmd: 'subscribe',
        params: { channels: [...this.opts.privateChannels] },
      });
    }
    if (this.opts.lifecycle) {
      this.send({ id: this.nextId++, cmd: 'subscribe', params: { channels: ['market_lifecycle_v2'] } });
    }
    if (this.opts.trades) this.send({ id: this.nextId++, cmd: 'subscribe', params: { channels: ['trade'] } });
    this.converge();
    if (this.opts.privateChannels.length === 0)
      this.emit({ type: 'reconnected', connection: this.connection });
  }

  /** Tears down a connection (once) and schedules the next. */
  private drop(ws: WebSocket, reason: string): void {
    if (ws !== this.ws) return;
    this.ws = null;
    this.stopHeartbeat();
    ws.removeAllListeners();
    ws.on('error', () => {});
    ws.terminate();
    this.sync.resetAll(reason);
    for (const t of this.sync.books.keys()) this.emit({ type: 'book', ticker: t });
    this.scheduleReconnect(reason);
  }

  private scheduleReconnect(reason: string): void {
    if (this.stopped) return;
    this.setState('disconnected', reason);
    const policy = this.opts.reconnect;
    const delay = Math.max(policy.minMs, fullJitterDelay(this.attempt, policy, this.random));
    this.attempt++;
    if (this.reconnectTimer) this.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = this.clock.setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private heard(ws: WebSocket): void {
    if (ws !== this.ws) return;
    this.lastHeard = this.clock.now();
    this.heardCount++;
  }

  private startHeartbeat(ws: WebSocket): void {
    this.stopHeartbeat();
    const beat = () => {
      this.heartbeat = null;
      if (ws !== this.ws) return;
      const now = this.clock.now();
      if (now - this.lastHeard > this.opts.silenceMs) {
        this.stats.silenceTimeouts++;
        this.drop(ws, `silent for ${now - this.lastHeard} ms`);
        return;
      }
      if (
        this.privateAwaitedSince !== null &&
        now - this.privateAwaitedSince > this.opts.subscribeAckTimeoutMs
      ) {
        // An unanswered private subscription would hold the feed down (quoting paused) for good: start over.
        this.drop(ws, `private subscription unanswered for ${now - this.privateAwaitedSince} ms`);
        return;
      }
      try {
        ws.ping();
        this.awaitPong(ws);
      } catch {
        // A failing ping surfaces as an error/close event.
      }
      this.checkSnapshotDeadlines(now);
      this.heartbeat = this.clock.setTimeout(beat, this.opts.pingIntervalMs);
    };
    this.heartbeat = this.clock.setTimeout(beat, this.opts.pingIntervalMs);
  }

  /**
   * Arms the ping's deadline (one at a time: a pending one already covers this ping). A deadline that
   * fires late (our own event loop stalled) looks once more after pending I/O is read, so a pong that
   * sat unread behind the stall does not condemn a healthy socket.
   */
  private awaitPong(ws: WebSocket): void {
    if (this.pongCheck) return;
    const heardAtPing = this.heardCount;
    const due = this.clock.now() + this.opts.pongTimeoutMs;
    const check = (late: boolean) => {
      this.pongCheck = null;
      if (ws !== this.ws || this.heardCount !== heardAtPing) return;
      if (!late && this.clock.now() - due > this.opts.pongTimeoutMs / 2) {
        this.pongCheck = this.clock.setTimeout(() => check(true), 0);
        return;
      }
      this.stats.pongTimeouts++;
      this.drop(ws, `ping unanswered for ${this.clock.now() - due + this.opts.pongTimeoutMs} ms`);
    };
    this.pongCheck = this.clock.setTimeout(() => check(false), this.opts.pongTimeoutMs);
  }

  /**
   * A private subscription is sent: its acknowledgement is due within `subscribeAckTimeoutMs`, judged at
   * that instant (the heartbeat's check alone came up to a ping interval later).
   */
  private awaitPrivateAck(ws: WebSocket): void {
    const since = this.clock.now();
    this.privateAwaitedSince = since;
    if (this.ackCheck) this.clock.clearTimeout(this.ackCheck);
    this.ackCheck = this.clock.setTimeout(() => {
      this.ackCheck = null;
      if (ws !== this.ws || this.privateAwaitedSince !== since) return;
      this.drop(ws, `private subscription unanswered for ${this.clock.now() - since} ms`);
    }, this.opts.subscribeAckTimeoutMs);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) this.clock.clearTimeout(this.heartbeat);
    this.heartbeat = null;
    if (this.ackCheck) this.clock.clearTimeout(this.ackCheck);
    this.ackCheck = null;
    if (this.pongCheck) this.clock.clearTimeout(this.pongCheck);
    this.pongCheck = null;
  }

  private send(cmd: WsCommand, tickers: string[] = []): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const replies =
      cmd.cmd === 'subscribe'
        ? cmd.params.channels.length
        : cmd.cmd === 'update_subscription' && cmd.params.action === 'get_snapshot'
          ? tickers.length
          : 1;
    this.pending.set(cmd.id, { cmd, tickers, replies });
    ws.send(JSON.stringify(cmd));
  }

  // ---------------------------------------------------------------- subscriptions

  /** Moves the server's orderbook subscription toward the desired market set. */
  private converge(): void {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN || this.obSubscribing) return;
    const want = [...this.desired];
    if (this.obSid === null) {
      if (want.length === 0) return;
      this.obSubscribing = true;
      this.send(
        {
          id: this.nextId++,
          cmd: 'subscribe',
          params: {
            channels: ['orderbook_delta'],
            market_tickers: want,
            use_yes_price: this.opts.useYesPrice,
          },
        },
        want,
      );
      return;
    }
    const add = want.filter((t) => !this.subscribed.has(t));
    const del = [...this.subscribed].filter((t) => !this.desired.has(t));
    if (want.length === 0) {
      this.send({ id: this.nextId++, cmd: 'unsubscribe', params: { sids: [this.obSid] } });
      this.sync.dropSid(this.obSid, 'unsubscribed');
      this.obSid = null;
      this.subscribed = new Set();
      return;
    }
    if (add.length > 0) {
      this.send(
        {
          id: this.nextId++,
          cmd: 'update_subscription',
          params: { sid: this.obSid, market_tickers: add, action: 'add_markets' },
        },
        add,
      );
      for (const t of add) this.subscribed.add(t);
      this.sync.assign(this.obSid, add);
    }
    if (del.length > 0) {
      this.send(
        {
          id: this.nextId++,
          cmd: 'update_subscription',
          params: { sid: this.obSid, market_tickers: del, action: 'delete_markets' },
        },
        del,
      );
      for (const t of del) this.subscribed.delete(t);
      this.sync.unassign(this.obSid, del);
    }
    this.refreshState();
  }

  /** Drops the orderbook subscription and subscribes again (a dead sid or a lost snapshot). */
  private resubscribeBooks(reason: string): void {
    this.stats.resubscribes++;
    if (this.obSid !== null) {
      this.send({ id: this.nextId++, cmd: 'unsubscribe', params: { sids: [this.obSid] } });
      this.sync.dropSid(this.obSid, reason);
    }
    this.obSid = null;
    this.obSubscribing = false;
    this.subscribed = new Set();
    this.awaitingSnapshot.clear();
    this.converge();
  }

  private requestSnapshots(tickers: string[]): void {
    if (this.obSid === null || tickers.length === 0) return;
    const now = this.clock.now();
    const fresh = tickers.filter((t) => this.desired.has(t) && !this.awaitingSnapshot.has(t));
    if (fresh.length === 0) return;
    for (const t of fresh) this.awaitingSnapshot.set(t, now + this.opts.snapshotTimeoutMs);
    this.stats.snapshotRequests++;
    this.send(
      {
        id: this.nextId++,
        cmd: 'update_subscription',
        params: { sid: this.obSid, market_tickers: fresh, action: 'get_snapshot' },
      },
      fresh,
    );
  }

  private checkSnapshotDeadlines(now: number): void {
    for (const deadline of this.awaitingSnapshot.values()) {
      if (deadline <= now) {
        this.resubscribeBooks('snapshot timed out');
        return;
      }
    }
  }

  private onResync(r: ResyncRequest): void {
    this.emit({ type: 'resync', request: r });
    if (r.scope === 'market') {
      if (r.reason !== 'grid_changed') this.stats.invalidBooks++;
      if (r.sid === this.obSid) this.requestSnapshots([r.market]);
      return;
    }
    if (r.reason === 'gap' || r.reason === 'unreadable') {
      if (r.reason === 'gap') this.stats.gaps++;
      if (r.sid === this.obSid) this.requestSnapshots(r.markets);
      return;
    }
    if (r.sid === this.obSid) this.resubscribeBooks(`terminal error ${r.code}`);
  }

  // ---------------------------------------------------------------- inbound

  private onData(ws: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
    if (ws !== this.ws) return;
    this.heard(ws);
    const text = isBinary ? '' : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString();
    const handled = this.frames.handleText(text, this.clock.now());
    if (handled.msg === null) {
      if (handled.outcome === 'rejected')
        this.emit({ type: 'bad_frame', detail: handled.detail ?? 'bad frame' });
      // An unreadable frame that consumed a seq may still have cost a book (or revealed a gap).
      for (const r of handled.resync) this.onResync(r);
      if (handled.resync.length > 0) this.refreshState();
      return;
    }
    const msg = handled.msg;
    if (handled.outcome === 'rejected' && handled.detail)
      this.emit({ type: 'bad_frame', detail: handled.detail });
    if (handled.dropped) {
      // Not ours (an old or foreign sid): no book, no snapshot bookkeeping, no book event.
      if (msg.type === 'orderbook_snapshot') this.replied(msg.id);
      for (const r of handled.resync) this.onResync(r);
      return;
    }
    this.onMessage(msg);
    for (const r of handled.resync) this.onResync(r);
    if (msg.type === 'orderbook_snapshot' || msg.type === 'orderbook_delta') {
      this.emit(
        handled.applied
          ? { type: 'book', ticker: msg.msg.market_ticker, delta: handled.applied }
          : { type: 'book', ticker: msg.msg.market_ticker },
      );
    }
    this.refreshState();
  }

  /** Marks one reply to command `id` received; forgets the command once all replies are in. */
  private replied(id: number | undefined): void {
    if (id === undefined) return;
    const p = this.pending.get(id);
    if (p && --p.replies <= 0) this.pending.delete(id);
  }

  private onMessage(msg: WsInbound): void {
    this.onMessageKind(msg);
    if (
      msg.type === 'subscribed' ||
      msg.type === 'unsubscribed' ||
      msg.type === 'ok' ||
      msg.type === 'orderbook_snapshot'
    ) {
      this.replied(msg.id);
    }
  }

  private onMessageKind(msg: WsInbound): void {
    switch (msg.type) {
      case 'subscribed': {
        const p = msg.id !== undefined ? this.pending.get(msg.id) : undefined;
        if (msg.msg.channel === 'orderbook_delta') {
          this.obSid = msg.msg.sid;
          this.obSubscribing = false;
          const tickers = p?.tickers ?? [];
          this.subscribed = new Set(tickers);
          this.sync.assign(msg.msg.sid, tickers);
          this.converge();
        } else if ((this.opts.privateChannels as readonly string[]).includes(msg.msg.channel)) {
          this.privateSids.set(msg.msg.sid, msg.msg.channel);
          // Private channels carry no seq: once all are live again, the owner reconciles over REST.
          if (this.privateSids.size === this.opts.privateChannels.length) {
            this.privateAwaitedSince = null;
            this.emit({ type: 'reconnected', connection: this.connection });
          }
        }
        break;
      }
      case 'ok': {
        if (msg.sid !== undefined && msg.sid === this.obSid && msg.msg && !Array.isArray(msg.msg)) {
          const server = msg.msg.market_tickers;
          if (server) {
            this.subscribed = new Set(server);
            this.converge();
          }
        }
        break;
      }
      case 'orderbook_snapshot':
        this.awaitingSnapshot.delete(msg.msg.market_ticker);
        break;
      case 'error': {
        const p = msg.id !== undefined ? this.pending.get(msg.id) : undefined;
        if (p) this.pending.delete(msg.id!);
        this.emit({
          type: 'command_error',
          code: msg.msg.code,
          message: msg.msg.msg,
          cmd: p?.cmd.cmd ?? null,
        });
        if (p?.cmd.cmd === 'subscribe' && p.tickers.length > 0 && this.obSid === null)
          this.obSubscribing = false;
        if (
          p?.cmd.cmd === 'subscribe' &&
          p.cmd.params.channels.some((c) => (this.opts.privateChannels as readonly string[]).includes(c)) &&
          this.ws
        ) {
          // A refused private subscription would leave the feed down (quoting paused) for good while the
          // socket lives: start over on a fresh connection (backoff, every channel resubscribed, gap backfilled).
          this.drop(this.ws, `private subscription refused (${msg.msg.code})`);
          return;
        }
        if (msg.sid !== undefined && TERMINAL_WS_ERROR_CODES.has(msg.msg.code)) {
          const channel = this.privateSids.get(msg.sid);
          if (channel) {
            // A dead private subscription lost fills/orders we cannot replay: resubscribe; its
            // acknowledgement emits `reconnected`, and the owner backfills and reconciles then.
            this.privateSids.delete(msg.sid);
            this.stats.resubscribes++;
            this.emit({ type: 'private_gap', channel });
            if (this.ws) this.awaitPrivateAck(this.ws);
            this.send({ id: this.nextId++, cmd: 'subscribe', params: { channels: [channel] } });
          }
        }
        break;
      }
      case 'fill': {
        if (!this.rememberFill(msg.msg.trade_id)) {
          this.stats.duplicateFills++;
          return;
        }
        this.emit({ type: 'fill', fill: msg.msg });
        break;
      }
      default:
        break;
    }
    this.emit({ type: 'message', msg });
  }

  private refreshState(): void {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    const allLive = this.desiredLive === this.desired.size;
    const subscribedAll = this.obSid !== null || this.desired.size === 0;
    if (allLive && subscribedAll) {
      this.attempt = 0;
      this.setState('connected', 'all books live');
    } else {
      this.setState('degraded', subscribedAll ? 'books awaiting snapshots' : 'subscribing');
    }
  }
}
