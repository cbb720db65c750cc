/**
 * The production trading path, wired for measurement: KalshiWsFeed (real
 * socket) → BookSync → TradingSession (setImmediate batching, gameQuoter,
 * OrderManager, risk gate, write budget) → KalshiRestClient (signer, undici).
 *
 * The adapters below are the bench's own thin glue between the engine ports
 * and the Kalshi clients (worker/main.ts is not wired yet). Instrumentation is
 * only at the seams, never inside production code:
 * - frame receipt: `WebSocket.prototype.emit('message')` is timestamped;
 * - decision: the quoter port is wrapped to claim the earliest unclaimed
 *   frame of the game, and the Signer is wrapped: the first sign() of a write
 *   records decision = sign call − frame receipt (request ready to sign);
 * - to the wire: undici's `undici:client:sendHeaders` diagnostics channel,
 *   published right before the request bytes are written to the socket,
 *   matched by the request's signature header.
 * A write carries its frame through AsyncLocalStorage, so concurrent writes
 * of different games never borrow each other's timestamps.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import WebSocket from 'ws';
import { systemClock } from '../shared/clock.ts';
import { type EngineConfig, parseEngineConfig } from '../shared/config/engine-config.ts';
import { KalshiApiError, KalshiNetworkError } from '../shared/kalshi/errors.ts';
import { KalshiRestClient } from '../shared/kalshi/rest-client.ts';
import type { Signer } from '../shared/kalshi/signer.ts';
import { DEFAULT_QUOTING_PARAMS } from '../shared/pricing/params.ts';
import type { PriceRange } from '../shared/pricing/tick-grid.ts';
import { gameQuoter } from '../worker/engine/adapters/quoter.ts';
import type {
  EnginePorts,
  ExchangeGateway,
  FeedEvent,
  GameQuotes,
  ListedEvent,
  MarketBook,
  Quoter,
  SlotId,
  WriteOutcome,
} from '../worker/engine/ports.ts';
import { slotId } from '../worker/engine/ports.ts';
import { TradingSession } from '../worker/engine/session.ts';
import { KalshiWsFeed } from '../worker/kalshi/ws-client.ts';
import { Latency } from './figures.ts';
import { type GameDef, games, SERIES } from './fixture.ts';

export interface Probe {
  decision: Latency;
  wire: Latency;
  /** Writes sent (batch items count once), requotes, naive cancel-replace writes, changed sides. */
  writes: number;
  requotes: number;
  naiveWrites: number;
  changedSides: number;
  framesStamped: number;
  reset(): void;
}

function newProbe(): Probe {
  const p: Probe = {
    decision: new Latency(),
    wire: new Latency(),
    writes: 0,
    requotes: 0,
    naiveWrites: 0,
    changedSides: 0,
    framesStamped: 0,
    reset() {
      p.decision = new Latency();
      p.wire = new Latency();
      p.writes = 0;
      p.requotes = 0;
      p.naiveWrites = 0;
      p.changedSides = 0;
      p.framesStamped = 0;
    },
  };
  return p;
}

// ------------------------------------------------------------- frame receipt seam

let lastFrameNs = 0n;
let patched = false;
function patchFrameReceipt(): void {
  if (patched) return;
  patched = true;
  const emit = WebSocket.prototype.emit;
  WebSocket.prototype.emit = function (this: WebSocket, event: string | symbol, ...args: unknown[]) {
    if (event === 'message') lastFrameNs = process.hrtime.bigint();
    return emit.call(this, event, ...args);
  } as typeof emit;
}

interface WriteContext {
  frameNs: bigint;
  signed: boolean;
}
const writeContext = new AsyncLocalStorage<WriteContext>();

function instrumentedSigner(inner: Signer, probe: Probe, bySignature: Map<string, bigint>): Signer {
  return {
    keyId: inner.keyId,
    async sign(ts, method, path) {
      const ctx = writeContext.getStore();
      if (ctx && !ctx.signed) {
        ctx.signed = true;
        probe.decision.recordNs(process.hrtime.bigint() - ctx.frameNs);
      }
      const sig = await inner.sign(ts, method, path);
      if (ctx) bySignature.set(sig, ctx.frameNs);
      return sig;
    },
  };
}

function watchWire(probe: Probe, bySignature: Map<string, bigint>): () => void {
  const onHeaders = (m: unknown) => {
    const headers = (m as { headers?: unknown }).headers;
    if (typeof headers !== 'string') return;
    const at = process.hrtime.bigint();
    const match = /kalshi-access-signature: ([^\r\n]+)/i.exec(headers);
    if (!match) return;
    const frameNs = bySignature.get(match[1]!);
    if (frameNs === undefined) return;
    bySignature.delete(match[1]!);
    probe.wire.recordNs(at - frameNs);
  };
  subscribe('undici:client:sendHeaders', onHeaders);
  return () => {};
}

// ------------------------------------------------------------- adapters

function outcomeOf(e: unknown): Extract<WriteOutcome<never>, { ok: false }> {
  if (e instanceof KalshiApiError) {
    const kind = e.status === 429 ? 'rate_limited' : e.status >= 500 ? 'unknown' : 'rejected';
    return { ok: false, kind, ...(e.code ? { code: e.code } : {}), message: e.message };
  }
  if (e instanceof KalshiNetworkError) return { ok: false, kind: 'unknown', message: e.message };
  return { ok: false, kind: 'unknown', message: e instanceof Error ? e.message : String(e) };
}

function gatewayOf(
  rest: KalshiRestClient,
  catalogue: GameDef[],
  startMs: number,
  probe: Probe,
  frameOf: (ticker: string) => bigint | undefined,
): ExchangeGateway {
  /** Runs one write with its triggering frame (if any) in scope for the signer seam. */
  const traced = <T>(ticker: string, fn: () => Promise<T>): Promise<T> => {
    probe.writes++;
    const frameNs = frameOf(ticker);
    return frameNs === undefined ? fn() : writeContext.run({ frameNs, signed: false }, fn);
  };
  return {
    async listEvents(series) {
      if (series !== SERIES) return [];
      return catalogue.map(
        (g): ListedEvent => ({
          eventTicker: g.eventTicker,
          seriesTicker: SERIES,
          title: `${g.away} at ${g.home}`,
          startMs,
          markets: g.markets.map((t, i) => ({
            ticker: t,
            yesSubTitle: i === 0 ? g.home : g.away,
            status: 'active',
            priceRanges: LINEAR_CENT,
          })),
        }),
      );
    },
    async createOrders(orders) {
      return Promise.all(
        orders.map((o) =>
          traced(o.ticker, async (): Promise<WriteOutcome<import('../worker/engine/ports.ts').OrderAck>> => {
            try {
              const r = await rest.createOrder({
                ticker: o.ticker,
                side: o.side,
                price: o.price,
                count: o.count,
                client_order_id: o.clientOrderId,
                time_in_force: 'good_till_canceled',
                self_trade_prevention_type: 'maker',
                post_only: o.postOnly,
                cancel_order_on_pause: o.cancelOnPause,
                ...(o.orderGroupId ? { order_group_id: o.orderGroupId } : {}),
              });
              return {
                ok: true,
                value: {
                  orderId: r.order_id,
                  clientOrderId: r.client_order_id,
                  remaining: r.remaining_count,
                  filled: r.fill_count,
                },
              };
            } catch (e) {
              return outcomeOf(e);
            }
          }),
        ),
      );
    },
    amendOrder(req) {
      return traced(req.ticker, async () => {
        try {
          const r = await rest.amendOrder(req.orderId, {
            ticker: req.ticker,
            side: req.side,
            price: req.price,
            count: req.count,
          });
          const b = r.response;
          return {
            ok: true,
            value: {
              orderId: req.orderId,
              clientOrderId: b.client_order_id ?? null,
              remaining: b.remaining_count ?? req.count,
              filled: b.fill_count ?? null,
            },
          };
        } catch (e) {
          return outcomeOf(e);
        }
      });
    },
    decreaseOrder(req) {
      return traced(req.ticker, async () => {
        try {
          const r = await rest.decreaseOrder(req.orderId, {
            reduce_to: req.reduceTo,
            market_ticker: req.ticker,
          });
          return {
            ok: true,
            value: {
              orderId: req.orderId,
              clientOrderId: r.response.client_order_id ?? null,
              remaining: r.response.remaining_count,
              filled: null,
            },
          };
        } catch (e) {
          return outcomeOf(e);
        }
      });
    },
    async cancelOrders(reqs) {
      return Promise.all(
        reqs.map((c) =>
          traced(c.ticker, async () => {
            try {
              const r = await rest.cancelOrder(c.orderId, { market_ticker: c.ticker });
              if (r.kind === 'cancelled')
                return { ok: true as const, value: { orderId: c.orderId, reducedBy: r.reduced_by } };
              if (r.kind === 'nothing_cancelled')
                return { ok: true as const, value: { orderId: c.orderId, reducedBy: 0 } };
              return { ok: false as const, kind: 'unknown' as const, message: r.kind };
            } catch (e) {
              return outcomeOf(e);
            }
          }),
        ),
      );
    },
    async listRestingOrders() {
      const orders = await rest.allOrders({ status: 'resting', limit: 1000 });
      return orders.map((o) => ({
        orderId: o.order_id,
        clientOrderId: o.client_order_id ?? null,
        ticker: o.ticker,
        side: o.book_side,
        price: o.yes_price_dollars,
        remaining: o.remaining_count_fp,
        filled: o.fill_count_fp,
      }));
    },
    async listPositions() {
      const r = await rest.allPositions({ limit: 1000 });
      return r.market_positions.map((p) => ({ ticker: p.ticker, position: p.position_fp }));
    },
    async createOrderGroup(limit) {
      const r = await rest.createOrderGroup({ contracts_limit_fp: limit });
      return r.order_group_id;
    },
    cancelAll: () => rest.cancelAll(),
  };
}

function bookOf(feed: KalshiWsFeed, ticker: string): MarketBook | undefined {
  const b = feed.book(ticker);
  return {
    ticker,
    bids: b.levels('bid'),
    asks: b.levels('ask'),
    valid: b.live,
    updatedMs: b.updatedAt ?? 0,
  };
}

/** Counts what a naive cancel-and-replace of every changed side would write. */
function countingQuoter(inner: Quoter, probe: Probe, claim: (eventTicker: string) => void): Quoter {
  const last = new Map<string, Map<SlotId, string>>();
  return (ctx) => {
    claim(ctx.game.eventTicker);
    probe.requotes++;
    const out: GameQuotes = inner(ctx);
    const prev = last.get(ctx.game.eventTicker) ?? new Map<SlotId, string>();
    const next = new Map<SlotId, string>();
    for (const q of out.quotes) next.set(slotId(q.ticker, q.side), `${q.price}/${q.size}`);
    for (const [slot, v] of next) {
      const before = prev.get(slot);
      if (before === undefined) {
        probe.naiveWrites += 1; // create
        probe.changedSides++;
      } else if (before !== v) {
        probe.naiveWrites += 2; // cancel + create
        probe.changedSides++;
      }
    }
    for (const slot of prev.keys())
      if (!next.has(slot)) {
        probe.naiveWrites += 1; // cancel
        probe.changedSides++;
      }
    last.set(ctx.game.eventTicker, next);
    return out;
  };
}

export interface Harness {
  session: TradingSession;
  feed: KalshiWsFeed;
  rest: KalshiRestClient;
  probe: Probe;
  tickers: string[];
  /** Resolves once every book is live and no requote or write is in flight. */
  settle(timeoutMs: number): Promise<{ live: number }>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  restBaseUrl: string;
  wsUrl: string;
  signer: Signer;
  games: number;
  /** Engine write budget (tokens/s, capacity) matching the simulator's tier. */
  writeBudget: { tokensPerSec: number; capacity: number };
  /** false: books are created without their grid (the feed's fallback 0.0001 $ slots). */
  knownGrids?: boolean;
}

const LINEAR_CENT: PriceRange[] = [{ start: 0, end: 1_000_000, step: 10_000 }];

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  patchFrameReceipt();
  const probe = newProbe();
  const bySignature = new Map<string, bigint>();
  watchWire(probe, bySignature);
  const signer = instrumentedSigner(opts.signer, probe, bySignature);
  const catalogue = games(opts.games);
  const gameOfTicker = new Map<string, string>();
  for (const g of catalogue) for (const t of g.markets) gameOfTicker.set(t, g.eventTicker);
  const startMs = Date.now() + 6 * 3_600_000;

  // Earliest frame not yet seen by a requote, per game; claimed by the quoter, read by the writes.
  const unclaimed = new Map<string, bigint>();
  const claimed = new Map<string, bigint>();
  const claim = (g: string) => {
    const f = unclaimed.get(g);
    unclaimed.delete(g);
    if (f === undefined) claimed.delete(g);
    else claimed.set(g, f);
  };

  // The engine's write budget stands in for the client's buckets (one budget, not two).
  const rest = new KalshiRestClient({ baseUrl: opts.restBaseUrl, signer, limiter: false });
  // Discovery knows every market's price ranges; the books are sized from them (see gridOf in ws-client).
  const feed = new KalshiWsFeed({
    url: opts.wsUrl,
    signer: opts.signer,
    pingIntervalMs: 60_000,
    silenceMs: 120_000,
    ...(opts.knownGrids === false ? {} : { gridOf: () => LINEAR_CENT }),
  });
  const handlers = new Set<(e: FeedEvent) => void>();
  const send = (e: FeedEvent) => {
    for (const h of handlers) h(e);
  };
  feed.on((e) => {
    switch (e.type) {
      case 'book': {
        const g = gameOfTicker.get(e.ticker);
        if (g !== undefined && !unclaimed.has(g)) {
          unclaimed.set(g, lastFrameNs);
          probe.framesStamped++;
        }
        send({ type: 'book', ticker: e.ticker });
        return;
      }
      case 'fill':
        send({
          type: 'fill',
          tradeId: e.fill.trade_id,
          orderId: e.fill.order_id,
          ...(e.fill.client_order_id ? { clientOrderId: e.fill.client_order_id } : {}),
          ticker: e.fill.market_ticker,
          side: e.fill.book_side,
          price: e.fill.yes_price_dollars,
          count: e.fill.count_fp,
          tsMs: e.fill.ts_ms ?? Date.now(),
        });
        return;
      case 'message':
        if (e.msg.type === 'user_order') {
          const o = e.msg.msg;
          send({
            type: 'order',
            orderId: o.order_id,
            ...(o.client_order_id ? { clientOrderId: o.client_order_id } : {}),
            ticker: o.ticker,
            side: o.book_side,
            price: o.yes_price_dollars,
            remaining: o.remaining_count_fp,
            filled: o.fill_count_fp,
            status: o.status,
          });
        }
        return;
      case 'state':
        send({ type: 'connection', state: e.state === 'connected' ? 'up' : 'down' });
        return;
      default:
        return;
    }
  });

  const config: EngineConfig = parseEngineConfig({
    sports: { nba: { series: [SERIES], oddsSportKey: 'basketball_nba' } },
    // Reconciliation and discovery are not what this bench measures: keep them out of the window.
    reconcileMs: 3_600_000,
    discoveryMs: 3_600_000,
    theoPollMs: 60_000,
    heartbeatMs: 3_600_000,
    writeBudget: { ...opts.writeBudget, writeCost: 10, cancelCost: 2 },
  });
  const outcomes = new Map<string, string>();
  for (const g of catalogue) {
    outcomes.set(g.markets[0], g.home);
    outcomes.set(g.markets[1], g.away);
  }
  const quoter = countingQuoter(gameQuoter({ params: DEFAULT_QUOTING_PARAMS }), probe, claim);
  const ports: EnginePorts = {
    clock: systemClock,
    gateway: gatewayOf(rest, catalogue, startMs, probe, (t) => {
      const g = gameOfTicker.get(t);
      return g === undefined ? undefined : claimed.get(g);
    }),
    feed: {
      onEvent(h) {
        handlers.add(h);
        return () => handlers.delete(h);
      },
      track(tickers) {
        feed.setMarkets(tickers);
      },
    },
    books: { book: (t) => bookOf(feed, t) },
    theos: {
      async read(ids) {
        const now = Date.now();
        return ids.map((id) => {
          const g = catalogue.find((x) => x.eventTicker === id);
          return {
            oddsEventId: id,
            probabilities: g ? { [g.home]: 0.5, [g.away]: 0.5 } : {},
            updatedMs: now,
            books: 20,
          };
        });
      },
    },
    mapper: {
      match(_sport, ev) {
        const byTicker: Record<string, string> = {};
        for (const m of ev.markets) byTicker[m.ticker] = outcomes.get(m.ticker) ?? m.yesSubTitle;
        const g = catalogue.find((x) => x.eventTicker === ev.eventTicker);
        return {
          ok: true,
          oddsEventId: ev.eventTicker,
          commenceMs: startMs,
          outcomeByTicker: byTicker,
          ...(g ? { homeTeam: g.home, awayTeam: g.away } : {}),
        };
      },
    },
    quoter,
    flatten: async () => {
      await rest.cancelAll();
      return { flat: true, attempts: 1, elapsedMs: 0, remaining: 0 };
    },
    log: { info() {}, warn() {}, error() {} },
    metrics: { count() {}, gauge() {}, timing() {} },
  };
  const session = new TradingSession(config, ports);
  feed.start();
  await session.start();
  const tickers = catalogue.flatMap((g) => g.markets);

  return {
    session,
    feed,
    rest,
    probe,
    tickers,
    async settle(timeoutMs) {
      const until = Date.now() + timeoutMs;
      let live = 0;
      for (;;) {
        live = tickers.filter((t) => feed.book(t).live).length;
        if (live === tickers.length) {
          await session.idle();
          // The opening quotes go out at the write budget's pace: wait until writes stop.
          for (let w = -1; w !== probe.writes && Date.now() < until; ) {
            w = probe.writes;
            await new Promise((r) => setTimeout(r, 1_500));
          }
          return { live };
        }
        if (Date.now() > until) return { live };
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      await session.stop('sigterm', 'bench done').catch(() => undefined);
      feed.stop();
      await rest.close();
    },
  };
}
