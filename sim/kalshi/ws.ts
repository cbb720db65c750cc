/**
 * The WebSocket side of the simulated exchange: per-connection subscriptions
 * (one sid per channel), orderbook snapshots then deltas with a `seq` per sid
 * across its markets, private channels for the connection's user, lifecycle
 * for all markets, Kalshi's command replies and error codes, a `heartbeat`
 * ping every 10 s, and the WS faults (drops, half-open, gaps, duplicate/late
 * fills, numbers for strings).
 */
import type { WebSocket } from 'ws';
import { WS_CHANNELS, WS_ERROR } from '../../shared/kalshi/schemas/ws.ts';
import type { KalshiEngine } from './engine.ts';
import { type Faults, numbersForStrings } from './faults.ts';
import {
  count,
  price,
  wsFillMsg,
  wsLifecycleMsg,
  wsPositionMsg,
  wsTickerMsg,
  wsTradeMsg,
  wsUserOrderMsg,
} from './present.ts';
import type { EngineEvent } from './types.ts';

const ONE = 1_000_000;
/** Channels that carry `seq` (the others never do). */
const SEQUENCED = new Set(['orderbook_delta', 'trade', 'market_lifecycle_v2', 'order_group_updates']);
const KNOWN = new Set<string>(WS_CHANNELS);

interface Subscription {
  sid: number;
  channel: string;
  /** null = every market. */
  tickers: Set<string> | null;
  useYesPrice: boolean;
  seq: number;
}

export interface WsHubOptions {
  pingIntervalMs?: number;
  /** Scenario-time scheduler for late fills and heartbeat pings; returns a cancel. */
  later: (fn: () => void, ms: number) => () => void;
}

class Session {
  readonly subs = new Map<number, Subscription>();
  nextSid = 1;
  silent = false;
  private cancelPing: () => void = () => {};
  private disposed = false;

  constructor(
    readonly ws: WebSocket,
    readonly userId: string,
    private readonly hub: WsHub,
    pingIntervalMs: number,
  ) {
    // Heartbeats run on scenario time, like everything else the exchange does later.
    const beat = () => {
      if (this.disposed) return;
      if (!this.silent && !this.hub.faults.current.halfOpen && ws.readyState === ws.OPEN)
        ws.ping('heartbeat');
      this.cancelPing = hub.later(beat, pingIntervalMs);
    };
    this.cancelPing = hub.later(beat, pingIntervalMs);
    ws.on('ping', (data) => {
      if (!this.silent && !this.hub.faults.current.halfOpen) ws.pong(data);
    });
    ws.on('message', (data, isBinary) => {
      if (this.silent) return;
      this.hub.command(this, isBinary ? '' : data.toString('utf8'));
    });
    ws.on('close', () => this.dispose());
    ws.on('error', () => this.dispose());
  }

  dispose(): void {
    this.disposed = true;
    this.cancelPing();
    this.hub.remove(this);
  }

  /** Sends one frame, applying the connection faults. */
  send(frame: Record<string, unknown>): void {
    if (this.silent || this.hub.faults.current.halfOpen || this.ws.readyState !== this.ws.OPEN) return;
    const faults = this.hub.faults;
    if (frame.type !== 'subscribed' && faults.chance(faults.current.wsDropRate)) {
      faults.counts.wsDrops++;
      this.ws.terminate();
      return;
    }
    const out =
      frame.msg !== undefined && faults.chance(faults.current.numbersAsNumbersRate)
        ? { ...frame, msg: numbersForStrings(frame.msg) }
        : frame;
    this.ws.send(JSON.stringify(out));
  }

  /** Sends a sequenced channel message (or loses it, consuming its seq, under the gap fault). */
  sendSeq(sub: Subscription, type: string, msg: unknown, extra: Record<string, unknown> = {}): void {
    sub.seq++;
    if (this.hub.faults.chance(this.hub.faults.current.seqGapRate)) {
      this.hub.faults.counts.seqGaps++;
      return;
    }
    this.send({ type, sid: sub.sid, seq: sub.seq, ...extra, msg });
  }
}

export class WsHub {
  private readonly sessions = new Set<Session>();
  private readonly pingIntervalMs: number;
  readonly later: (fn: () => void, ms: number) => () => void;
  private readonly unsubscribeEngine: () => void;
  private readonly unsubscribeFaults: () => void;

  constructor(
    private readonly engine: KalshiEngine,
    readonly faults: Faults,
    options: WsHubOptions,
  ) {
    this.pingIntervalMs = options.pingIntervalMs ?? 10_000;
    this.later = options.later;
    this.unsubscribeEngine = engine.subscribe((e) => this.onEngineEvent(e));
    this.unsubscribeFaults = faults.onWsAction((action) => {
      for (const s of [...this.sessions]) {
        if (action === 'drop') {
          faults.counts.wsDrops++;
          s.ws.terminate();
        } else if (action === 'half_open') s.silent = true;
        else for (const sub of s.subs.values()) if (SEQUENCED.has(sub.channel)) sub.seq++;
      }
    });
  }

  attach(ws: WebSocket, userId: string): void {
    this.sessions.add(new Session(ws, userId, this, this.pingIntervalMs));
  }

  remove(s: Session): void {
    this.sessions.delete(s);
  }

  /** Open connections, of one user or of everyone. */
  connectionCount(userId?: string): number {
    if (userId === undefined) return this.sessions.size;
    let n = 0;
    for (const s of this.sessions) if (s.userId === userId) n++;
    return n;
  }

  close(): void {
    this.unsubscribeEngine();
    this.unsubscribeFaults();
    for (const s of [...this.sessions]) {
      s.dispose();
      s.ws.terminate();
    }
  }

  // ---------------------------------------------------------------- commands

  private error(
    s: Session,
    id: number | undefined,
    code: number,
    msg: string,
    extra: Record<string, unknown> = {},
  ): undefined {
    s.send({ ...(id === undefined ? {} : { id }), type: 'error', msg: { code, msg, ...extra } });
    return undefined;
  }

  command(s: Session, text: string): undefined {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.error(s, undefined, WS_ERROR.unableToProcess, 'Unable to process message');
      return;
    }
    if (typeof raw !== 'object' || raw === null) {
      this.error(s, undefined, WS_ERROR.unableToProcess, 'Unable to process message');
      return;
    }
    const cmd = raw as { id?: unknown; cmd?: unknown; params?: unknown };
    const id = typeof cmd.id === 'number' && Number.isInteger(cmd.id) ? cmd.id : undefined;
    const params = (typeof cmd.params === 'object' && cmd.params !== null ? cmd.params : undefined) as
      | Record<string, unknown>
      | undefined;
    switch (cmd.cmd) {
      case 'subscribe':
        return this.subscribe(s, id, params);
      case 'unsubscribe':
        return this.unsubscribe(s, id, params);
      case 'update_subscription':
        return this.update(s, id, params);
      case 'list_subscriptions':
        s.send({
          ...(id === undefined ? {} : { id }),
          type: 'ok',
          msg: [...s.subs.values()].map((x) => ({ channel: x.channel, sid: x.sid })),
        });
        return;
      default:
        this.error(s, id, WS_ERROR.unknownCommand, 'Unknown command');
    }
  }

  private tickersOf(params: Record<string, unknown>): string[] | undefined {
    const list = params.market_tickers;
    if (Array.isArray(list)) return list.filter((t): t is string => typeof t === 'string');
    return typeof params.market_ticker === 'string' ? [params.market_ticker] : undefined;
  }

  private subscribe(
    s: Session,
    id: number | undefined,
    params: Record<string, unknown> | undefined,
  ): undefined {
    if (!params) return this.error(s, id, WS_ERROR.paramsRequired, 'Params required');
    const channels = params.channels;
    if (!Array.isArray(channels) || channels.length === 0)
      return this.error(s, id, WS_ERROR.channelsRequired, 'Channels required');
    const tickers = this.tickersOf(params);
    for (const ch of channels) {
      if (typeof ch !== 'string' || !KNOWN.has(ch)) {
        this.error(s, id, WS_ERROR.unknownChannel, 'Unknown channel name');
        continue;
      }
      if (ch === 'orderbook_delta' && (!tickers || tickers.length === 0)) {
        this.error(s, id, WS_ERROR.marketTickerRequired, 'Market ticker required');
        continue;
      }
      const sub: Subscription = {
        sid: s.nextSid++,
        channel: ch,
        tickers: ch === 'market_lifecycle_v2' || !tickers ? null : new Set(tickers),
        useYesPrice: params.use_yes_price === true,
        seq: 0,
      };
      s.subs.set(sub.sid, sub);
      s.send({ ...(id === undefined ? {} : { id }), type: 'subscribed', msg: { channel: ch, sid: sub.sid } });
      if (ch === 'orderbook_delta') for (const t of sub.tickers ?? []) this.snapshot(s, sub, t, undefined);
      if (ch === 'ticker' && params.send_initial_snapshot === true)
        for (const t of sub.tickers ?? this.engine.markets().map((m) => m.ticker))
          this.sendTicker(s, sub, t, 0);
    }
  }

  private unsubscribe(
    s: Session,
    id: number | undefined,
    params: Record<string, unknown> | undefined,
  ): undefined {
    const sids = params?.sids;
    if (!Array.isArray(sids) || sids.length === 0)
      return this.error(s, id, WS_ERROR.sidsRequired, 'Sids required');
    for (const sid of sids) {
      const sub = typeof sid === 'number' ? s.subs.get(sid) : undefined;
      if (!sub) {
        this.error(s, id, WS_ERROR.unknownSid, 'Unknown subscription ID');
        continue;
      }
      s.subs.delete(sub.sid);
      s.send({ ...(id === undefined ? {} : { id }), sid: sub.sid, seq: sub.seq, type: 'unsubscribed' });
    }
  }

  private update(s: Session, id: number | undefined, params: Record<string, unknown> | undefined): undefined {
    if (!params) return this.error(s, id, WS_ERROR.paramsRequired, 'Params required');
    const sids = Array.isArray(params.sids) ? params.sids : params.sid !== undefined ? [params.sid] : [];
    if (sids.length !== 1 || (params.sid !== undefined && params.sids !== undefined))
      return this.error(s, id, WS_ERROR.exactlyOneSid, 'Exactly one subscription ID is required');
    const sub = typeof sids[0] === 'number' ? s.subs.get(sids[0]) : undefined;
    if (!sub) return this.error(s, id, WS_ERROR.unknownSid, 'Unknown subscription ID');
    const action = params.action;
    if (action === undefined) return this.error(s, id, WS_ERROR.actionRequired, 'Action required');
    if (action !== 'add_markets' && action !== 'delete_markets' && action !== 'get_snapshot')
      return this.error(s, id, WS_ERROR.unsupportedAction, 'Unsupported action');
    const tickers = this.tickersOf(params);
    if (!tickers || tickers.length === 0)
      return this.error(s, id, WS_ERROR.marketTickerRequired, 'Market ticker required');
    if (action === 'get_snapshot') {
      if (sub.channel !== 'orderbook_delta')
        return this.error(s, id, WS_ERROR.unsupportedAction, 'Unsupported action');
      for (const t of tickers) this.snapshot(s, sub, t, id);
      return;
    }
    if (sub.tickers === null) return this.error(s, id, WS_ERROR.unsupportedAction, 'Unsupported action');
    for (const t of tickers) {
      if (action === 'add_markets') {
        if (sub.tickers.has(t)) continue;
        sub.tickers.add(t);
        if (sub.channel === 'orderbook_delta') this.snapshot(s, sub, t, undefined);
      } else sub.tickers.delete(t);
    }
    s.send({
      ...(id === undefined ? {} : { id }),
      sid: sub.sid,
      seq: sub.seq,
      type: 'ok',
      msg: { market_tickers: [...sub.tickers] },
    });
  }

  private snapshot(s: Session, sub: Subscription, ticker: string, id: number | undefined): void {
    const m = this.engine.market(ticker);
    if (!m) {
      this.error(s, id, WS_ERROR.invalidParameter, 'Market not found', { market_ticker: ticker });
      return;
    }
    const { bids, asks } = this.engine.book(ticker);
    const yes = [...bids].reverse().map(([p, c]) => [price(p), count(c)]);
    const no = [...asks]
      .map(([p, c]) => [sub.useYesPrice ? p : ONE - p, c] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([p, c]) => [price(p), count(c)]);
    sub.seq++;
    // A snapshot is never lost to the gap fault: it is the recovery path.
    s.send({
      type: 'orderbook_snapshot',
      sid: sub.sid,
      seq: sub.seq,
      ...(id === undefined ? {} : { id }),
      msg: {
        market_ticker: ticker,
        market_id: m.marketId,
        ...(yes.length > 0 ? { yes_dollars_fp: yes } : {}),
        ...(no.length > 0 ? { no_dollars_fp: no } : {}),
      },
    });
  }

  private sendTicker(s: Session, sub: Subscription, ticker: string, lastSize: number): void {
    const m = this.engine.market(ticker);
    if (m)
      s.send({ type: 'ticker', sid: sub.sid, msg: wsTickerMsg(this.engine, m, lastSize, this.engine.now()) });
  }

  // ---------------------------------------------------------------- engine events → frames

  private *subsFor(channel: string, ticker: string | undefined, userId?: string) {
    for (const s of this.sessions) {
      if (userId !== undefined && s.userId !== userId) continue;
      for (const sub of s.subs.values())
        if (
          sub.channel === channel &&
          (sub.tickers === null || ticker === undefined || sub.tickers.has(ticker))
        )
          yield [s, sub] as const;
    }
  }

  private onEngineEvent(e: EngineEvent): void {
    switch (e.type) {
      case 'book_delta': {
        for (const [s, sub] of this.subsFor('orderbook_delta', e.ticker)) {
          const m = this.engine.market(e.ticker);
          const noSide = e.side === 'ask';
          s.sendSeq(sub, 'orderbook_delta', {
            market_ticker: e.ticker,
            market_id: m?.marketId,
            price_dollars: price(noSide && !sub.useYesPrice ? ONE - e.price : e.price),
            delta_fp: count(e.delta),
            side: noSide ? 'no' : 'yes',
            ...(e.causeUserId === s.userId && e.causeClientOrderId !== undefined
              ? { client_order_id: e.causeClientOrderId }
              : {}),
            ts: new Date(e.ms).toISOString(),
            ts_ms: e.ms,
          });
        }
        for (const [s, sub] of this.subsFor('ticker', e.ticker)) this.sendTicker(s, sub, e.ticker, 0);
        return;
      }
      case 'trade':
        for (const [s, sub] of this.subsFor('trade', e.trade.ticker))
          s.sendSeq(sub, 'trade', wsTradeMsg(e.trade));
        for (const [s, sub] of this.subsFor('ticker', e.trade.ticker))
          this.sendTicker(s, sub, e.trade.ticker, e.trade.count);
        return;
      case 'fill': {
        const frameOf = (sid: number) => ({ type: 'fill', sid, msg: wsFillMsg(e.fill) });
        for (const [s, sub] of this.subsFor('fill', e.fill.ticker, e.fill.userId)) {
          const deliver = () => {
            s.send(frameOf(sub.sid));
            if (this.faults.chance(this.faults.current.duplicateFillRate)) {
              this.faults.counts.duplicateFills++;
              s.send(frameOf(sub.sid));
            }
          };
          const late = this.faults.current.lateFillMs;
          if (late > 0) this.later(deliver, late);
          else deliver();
        }
        return;
      }
      case 'order':
        for (const [s, sub] of this.subsFor('user_orders', e.order.ticker, e.order.userId))
          s.send({ type: 'user_order', sid: sub.sid, msg: wsUserOrderMsg(e.order) });
        return;
      case 'position':
        for (const [s, sub] of this.subsFor('market_positions', e.position.ticker, e.position.userId))
          s.send({ type: 'market_position', sid: sub.sid, msg: wsPositionMsg(e.position) });
        return;
      case 'lifecycle':
        for (const [s, sub] of this.subsFor('market_lifecycle_v2', undefined))
          s.sendSeq(sub, 'market_lifecycle_v2', wsLifecycleMsg(e.market, e.eventType, e.ms, e.isDeactivated));
        return;
      case 'event_created':
        for (const [s, sub] of this.subsFor('market_lifecycle_v2', undefined))
          s.sendSeq(sub, 'event_lifecycle', {
            event_ticker: e.event.eventTicker,
            series_ticker: e.event.seriesTicker,
            title: e.event.title,
            sub_title: e.event.subTitle,
            exchange_index: e.event.exchangeIndex,
            collateral_return_type: '',
          });
        return;
      case 'event_fee_update':
        for (const [s, sub] of this.subsFor('market_lifecycle_v2', undefined))
          s.sendSeq(sub, 'event_fee_update', {
            event_ticker: e.event.eventTicker,
            series_ticker: e.event.seriesTicker,
            ...(e.event.feeTypeOverride === undefined ? {} : { fee_type_override: e.event.feeTypeOverride }),
            ...(e.event.feeMultiplierOverride === undefined
              ? {}
              : { fee_multiplier_override: e.event.feeMultiplierOverride }),
          });
        return;
      case 'order_group':
        for (const [s, sub] of this.subsFor('order_group_updates', undefined, e.userId))
          s.sendSeq(sub, 'order_group_updates', {
            event_type: e.eventType,
            order_group_id: e.orderGroupId,
            contracts_limit_fp: count(e.contractsLimit),
          });
        return;
      case 'exchange_status':
        return;
    }
  }
}
