/**
 * The REST surface of the simulated exchange (paths relative to
 * /trade-api/v2). Requests are parsed with the shared Kalshi wire schemas, so
 * the simulator accepts exactly what the real client is built to send;
 * responses carry Kalshi's field names, status codes and error shapes.
 */
import type { z } from 'zod';
import {
  AmendOrderV2RequestSchema,
  BatchCancelOrdersV2RequestSchema,
  BatchCreateOrdersV2RequestSchema,
  CreateOrderGroupRequestSchema,
  type CreateOrderV2Request,
  CreateOrderV2RequestSchema,
  DecreaseOrderV2RequestSchema,
} from '../../shared/kalshi/schemas/rest.ts';
import { describeZodError } from '../../shared/kalshi/schemas/wire.ts';
import { countToCentis } from '../../shared/units.ts';
import { ExchangeError, type KalshiEngine } from './engine.ts';
import type { Faults } from './faults.ts';
import {
  count,
  eventJson,
  eventPositionsJson,
  fillJson,
  marketJson,
  milestoneJson,
  money,
  orderJson,
  positionJson,
  price,
  settlementJson,
} from './present.ts';
import { DEFAULT_COST, ENDPOINT_COSTS, type RateLimiter } from './ratelimit.ts';
import type { OrderRequest, Placement, SimMarket, SimOrder, SimPosition } from './types.ts';

export interface RestRequest {
  method: string;
  /** Path relative to /trade-api/v2, no query. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  /** Authenticated user, if the request was signed. */
  userId: string | undefined;
}

export interface RestResponse {
  status: number;
  body?: unknown;
}

export interface RestContext {
  engine: KalshiEngine;
  faults: Faults;
  limiter: RateLimiter;
  /** Schedules work on scenario time (lying cancels). */
  later: (fn: () => void, ms: number) => unknown;
}

export function errorBody(code: string, message: string, details?: string) {
  return { error: { code, message, ...(details === undefined ? {} : { details }), service: 'exchange' } };
}

const err = (status: number, code: string, message: string, details?: string): RestResponse => ({
  status,
  body: errorBody(code, message, details),
});

class BadRequest extends Error {}

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw new BadRequest(describeZodError(r.error));
  return r.data;
}

function intParam(q: URLSearchParams, name: string, def: number, max: number): number {
  const raw = q.get(name);
  if (raw === null || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new BadRequest(`${name}: must be an integer in [0, ${max}]`);
  return n === 0 ? def : n;
}

function optionalInt(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new BadRequest(`${name}: must be an integer`);
  return n;
}

function bool(q: URLSearchParams, name: string): boolean {
  return q.get(name) === 'true';
}

/** Cursor = opaque base64 of the next offset; "" means no further page. */
function page<T>(
  items: T[],
  q: URLSearchParams,
  maxLimit: number,
  defLimit = 100,
): { items: T[]; cursor: string } {
  const limit = intParam(q, 'limit', defLimit, maxLimit);
  const raw = q.get('cursor');
  let offset = 0;
  if (raw) {
    const decoded = Number(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!Number.isInteger(decoded) || decoded < 0) throw new BadRequest('cursor: invalid');
    offset = decoded;
  }
  const slice = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? Buffer.from(String(offset + limit)).toString('base64url') : '';
  return { items: slice, cursor: next };
}

function toOrderRequest(b: CreateOrderV2Request): OrderRequest {
  return {
    ticker: b.ticker,
    side: b.side,
    price: b.price,
    count: b.count,
    timeInForce: b.time_in_force,
    selfTradePrevention: b.self_trade_prevention_type,
    ...(b.client_order_id === undefined ? {} : { clientOrderId: b.client_order_id }),
    ...(b.post_only === undefined ? {} : { postOnly: b.post_only }),
    ...(b.reduce_only === undefined ? {} : { reduceOnly: b.reduce_only }),
    ...(b.cancel_order_on_pause === undefined ? {} : { cancelOrderOnPause: b.cancel_order_on_pause }),
    ...(b.order_group_id === undefined ? {} : { orderGroupId: b.order_group_id }),
    ...(b.expiration_time === undefined ? {} : { expirationTime: b.expiration_time }),
    ...(b.exchange_index === undefined ? {} : { exchangeIndex: b.exchange_index }),
    ...(b.subaccount === undefined ? {} : { subaccount: b.subaccount }),
  };
}

function placementJson(p: Placement, ts: number) {
  return {
    order_id: p.order.orderId,
    client_order_id: p.order.clientOrderId,
    fill_count: count(p.order.filled),
    remaining_count: count(p.order.remaining),
    ...(p.averageFillPrice === undefined ? {} : { average_fill_price: price(p.averageFillPrice) }),
    ...(p.averageFeePaid === undefined ? {} : { average_fee_paid: money(p.averageFeePaid) }),
    ts_ms: ts,
  };
}

const MARKET_STATUS_FILTER: Record<string, SimMarket['status'][]> = {
  unopened: ['initialized'],
  open: ['active'],
  paused: ['inactive'],
  closed: ['closed', 'determined'],
  settled: ['finalized'],
};

function eventStatus(markets: SimMarket[]): string {
  if (markets.some((m) => m.status === 'active' || m.status === 'inactive')) return 'open';
  if (markets.length > 0 && markets.every((m) => m.status === 'finalized')) return 'settled';
  if (markets.length === 0 || markets.every((m) => m.status === 'initialized')) return 'unopened';
  return 'closed';
}

/** Routes one request. Throws nothing: every failure becomes a Kalshi-shaped error response. */
export function handleRest(ctx: RestContext, req: RestRequest): RestResponse {
  try {
    return route(ctx, req);
  } catch (e) {
    if (e instanceof ExchangeError) return err(e.status, e.code, e.message, e.details);
    if (e instanceof BadRequest) return err(400, 'invalid_parameters', e.message);
    return err(500, 'internal_server_error', 'internal error');
  }
}

type Handler = (ctx: RestContext, req: RestRequest, params: string[]) => RestResponse;
interface Route {
  method: string;
  pattern: RegExp;
  auth: boolean;
  handler: Handler;
}

const SEG = '([^/]+)';
const routes: Route[] = [];
function on(method: string, path: string, auth: boolean, handler: Handler) {
  routes.push({ method, pattern: new RegExp(`^${path.replaceAll('{}', SEG)}$`), auth, handler });
}

/** Whether a path needs a signed request (portfolio and account endpoints). */
export function needsAuth(method: string, path: string): boolean {
  const r = routes.find((x) => x.method === method && x.pattern.test(path));
  return r ? r.auth : path.startsWith('/portfolio') || path.startsWith('/account');
}

function route(ctx: RestContext, req: RestRequest): RestResponse {
  let pathMatched = false;
  for (const r of routes) {
    const m = r.pattern.exec(req.path);
    if (!m) continue;
    pathMatched = true;
    if (r.method !== req.method) continue;
    if (r.auth && req.userId === undefined) return err(401, 'missing_parameters', 'authentication required');
    return r.handler(ctx, req, m.slice(1).map(decodeURIComponent));
  }
  return pathMatched
    ? err(405, 'method_not_allowed', 'method not allowed')
    : err(404, 'not_found', 'not found');
}

const user = (req: RestRequest): string => req.userId ?? '';

// ---------------------------------------------------------------- exchange

on('GET', '/exchange/status', false, (ctx) => {
  const active = ctx.engine.isTradingActive();
  const exchangeActive = ctx.engine.isExchangeActive();
  const shards = new Set([0, ...ctx.engine.markets().map((m) => m.exchangeIndex)]);
  return {
    status: 200,
    body: {
      exchange_active: exchangeActive,
      trading_active: active,
      intra_exchange_transfers_active: exchangeActive,
      exchange_index_statuses: [...shards]
        .sort((a, b) => a - b)
        .map((i) => ({
          exchange_index: i,
          description: i === 0 ? 'default' : `shard ${i}`,
          exchange_active: exchangeActive,
          trading_active: active,
          intra_exchange_transfers_active: true,
        })),
    },
  };
});

on('GET', '/exchange/schedule', false, (ctx) => {
  const days = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
  const open = [{ open_time: '00:00', close_time: '23:59' }];
  return {
    status: 200,
    body: {
      schedule: {
        standard_hours: [
          {
            start_time: '2020-01-01T00:00:00Z',
            end_time: '2100-01-01T00:00:00Z',
            ...Object.fromEntries(days.map((d) => [d, open])),
          },
        ],
        maintenance_windows: ctx.engine.maintenanceWindows().map((w) => ({
          start_datetime: new Date(w.startMs).toISOString(),
          end_datetime: new Date(w.endMs).toISOString(),
        })),
      },
    },
  };
});

on('GET', '/exchange/user_data_timestamp', false, (ctx) => ({
  status: 200,
  body: { as_of_time: new Date(ctx.engine.now()).toISOString() },
}));

// ---------------------------------------------------------------- series, events, markets

function seriesJson(s: ReturnType<KalshiEngine['allSeries']>[number]) {
  return {
    ticker: s.ticker,
    frequency: 'custom',
    title: s.title,
    category: s.category,
    categories: [s.category],
    tags: s.tags,
    settlement_sources: [],
    contract_url: '',
    contract_terms_url: '',
    fee_type: s.feeType,
    fee_multiplier: s.feeMultiplier,
    additional_prohibitions: [],
    last_updated_ts: new Date(0).toISOString(),
    exchange_index: 0,
  };
}

on('GET', '/series', false, (ctx, req) => {
  const category = req.query.get('category');
  const list = ctx.engine.allSeries().filter((s) => !category || s.category === category);
  return { status: 200, body: { series: list.map(seriesJson) } };
});

on('GET', '/series/{}', false, (ctx, _req, [ticker]) => {
  const s = ctx.engine.series(ticker ?? '');
  if (!s) return err(404, 'not_found', 'series not found');
  return { status: 200, body: { series: seriesJson(s) } };
});

on('GET', '/events', false, (ctx, req) => {
  const q = req.query;
  const series = q.get('series_ticker');
  const status = q.get('status');
  if (status && !['unopened', 'open', 'closed', 'settled'].includes(status))
    throw new BadRequest('status: must be one of unopened, open, closed, settled');
  const minClose = optionalInt(q, 'min_close_ts');
  const tickers = q.get('tickers')?.split(',').filter(Boolean);
  // Grouped once: a filter of every market per event made a page O(events × markets) (5,000 games: 50 M
  // comparisons a page, past the client's headers timeout on a loaded machine).
  const byEvent = new Map<string, ReturnType<typeof ctx.engine.markets>>();
  for (const m of ctx.engine.markets()) {
    const list = byEvent.get(m.eventTicker);
    if (list) list.push(m);
    else byEvent.set(m.eventTicker, [m]);
  }
  const events = ctx.engine.events().filter((ev) => {
    const ms = byEvent.get(ev.eventTicker) ?? [];
    if (series && ev.seriesTicker !== series) return false;
    if (tickers && !tickers.includes(ev.eventTicker)) return false;
    if (status && eventStatus(ms) !== status) return false;
    if (minClose !== undefined && !ms.some((m) => m.closeTimeMs >= minClose * 1000)) return false;
    return true;
  });
  const p = page(events, q, 200, 200);
  const withMarkets = bool(q, 'with_nested_markets');
  return {
    status: 200,
    body: {
      events: p.items.map((ev) => eventJson(ctx.engine, ev, withMarkets)),
      ...(bool(q, 'with_milestones')
        ? { milestones: p.items.filter((ev) => ev.startTimeMs !== undefined).map(milestoneJson) }
        : {}),
      cursor: p.cursor,
    },
  };
});

on('GET', '/events/{}', false, (ctx, req, [ticker]) => {
  const ev = ctx.engine.event(ticker ?? '');
  if (!ev) return err(404, 'not_found', 'event not found');
  const nested = bool(req.query, 'with_nested_markets');
  const markets = ctx.engine
    .markets()
    .filter((m) => m.eventTicker === ev.eventTicker)
    .map((m) => marketJson(ctx.engine, m));
  return { status: 200, body: { event: eventJson(ctx.engine, ev, nested), markets: nested ? [] : markets } };
});

on('GET', '/milestones', false, (ctx, req) => {
  const q = req.query;
  const related = q.get('related_event_ticker');
  const minStart = q.get('minimum_start_date');
  const minMs = minStart ? Date.parse(minStart) : undefined;
  const list = ctx.engine
    .events()
    .filter((ev) => ev.startTimeMs !== undefined)
    .filter((ev) => !related || ev.eventTicker === related)
    .filter((ev) => minMs === undefined || Number.isNaN(minMs) || (ev.startTimeMs ?? 0) >= minMs);
  const p = page(list, q, 500);
  return { status: 200, body: { milestones: p.items.map(milestoneJson), cursor: p.cursor } };
});

on('GET', '/markets', false, (ctx, req) => {
  const q = req.query;
  const status = q.get('status');
  if (status && !(status in MARKET_STATUS_FILTER))
    throw new BadRequest('status: must be one of unopened, open, paused, closed, settled');
  const series = q.get('series_ticker');
  const event = q.get('event_ticker');
  const tickers = q.get('tickers')?.split(',').filter(Boolean);
  const minClose = optionalInt(q, 'min_close_ts');
  const maxClose = optionalInt(q, 'max_close_ts');
  const list = ctx.engine.markets().filter((m) => {
    if (event && m.eventTicker !== event) return false;
    if (series && ctx.engine.event(m.eventTicker)?.seriesTicker !== series) return false;
    if (tickers && !tickers.includes(m.ticker)) return false;
    if (status && !MARKET_STATUS_FILTER[status]?.includes(m.status)) return false;
    if (minClose !== undefined && m.closeTimeMs < minClose * 1000) return false;
    if (maxClose !== undefined && m.closeTimeMs > maxClose * 1000) return false;
    return true;
  });
  const p = page(list, q, 1000);
  return { status: 200, body: { markets: p.items.map((m) => marketJson(ctx.engine, m)), cursor: p.cursor } };
});

function orderbookFp(ctx: RestContext, ticker: string, depth: number) {
  const { bids, asks } = ctx.engine.book(ticker);
  const take = <T>(xs: T[]) => (depth > 0 ? xs.slice(0, depth) : xs);
  // Bids only, ascending (best bid last): YES bids, and NO bids priced on the NO leg.
  return {
    yes_dollars: take(bids)
      .reverse()
      .map(([p, s]) => [price(p), count(s)]),
    no_dollars: take(asks)
      .reverse()
      .map(([p, s]) => [price(1_000_000 - p), count(s)]),
  };
}

on('GET', '/markets/orderbooks', false, (ctx, req) => {
  const tickers = req.query.get('tickers')?.split(',').filter(Boolean) ?? [];
  if (tickers.length === 0) throw new BadRequest('tickers: required');
  return {
    status: 200,
    body: { orderbooks: tickers.map((t) => ({ ticker: t, orderbook_fp: orderbookFp(ctx, t, 0) })) },
  };
});

on('GET', '/markets/trades', false, (ctx, req) => {
  const ticker = req.query.get('ticker') ?? undefined;
  const trades = ctx.engine.trades(ticker).reverse();
  const p = page(trades, req.query, 1000);
  return {
    status: 200,
    body: {
      trades: p.items.map((t) => ({
        trade_id: t.tradeId,
        ticker: t.ticker,
        count_fp: count(t.count),
        yes_price_dollars: price(t.price),
        no_price_dollars: price(1_000_000 - t.price),
        taker_side: t.takerSide === 'bid' ? 'yes' : 'no',
        created_time: new Date(t.createdMs).toISOString(),
      })),
      cursor: p.cursor,
    },
  };
});

on('GET', '/markets/{}/orderbook', false, (ctx, req, [ticker]) => {
  const depth = intParam(req.query, 'depth', 0, 100);
  return { status: 200, body: { orderbook_fp: orderbookFp(ctx, ticker ?? '', depth) } };
});

on('GET', '/markets/{}', false, (ctx, _req, [ticker]) => {
  const m = ctx.engine.market(ticker ?? '');
  if (!m) return err(404, 'not_found', 'market not found');
  return { status: 200, body: { market: marketJson(ctx.engine, m) } };
});

// ---------------------------------------------------------------- V2 order writes

function placeOne(ctx: RestContext, userId: string, body: CreateOrderV2Request) {
  return placementJson(ctx.engine.placeOrder(userId, toOrderRequest(body)), ctx.engine.now());
}

on('POST', '/portfolio/events/orders', true, (ctx, req) => {
  const body = parseBody(CreateOrderV2RequestSchema, req.body);
  return { status: 201, body: placeOne(ctx, user(req), body) };
});

on('POST', '/portfolio/events/orders/batched', true, (ctx, req) => {
  const body = parseBody(BatchCreateOrdersV2RequestSchema, req.body);
  const orders = body.orders.map((o) => {
    try {
      return placeOne(ctx, user(req), o);
    } catch (e) {
      if (!(e instanceof ExchangeError)) throw e;
      return {
        ...(o.client_order_id === undefined ? {} : { client_order_id: o.client_order_id }),
        error: errorBody(e.code, e.message, e.details).error,
      };
    }
  });
  return { status: 201, body: { orders } };
});

/** The cancel/amend-body fault: describe another of the user's orders. */
function maybeWrongOrder(ctx: RestContext, userId: string, o: SimOrder): SimOrder {
  if (!ctx.faults.chance(ctx.faults.current.wrongOrderResponseRate)) return o;
  const others = ctx.engine.orders(userId).filter((x) => x.orderId !== o.orderId);
  const other = others[ctx.faults.rng.int(0, Math.max(0, others.length - 1))];
  if (!other) return o;
  ctx.faults.counts.wrongOrder++;
  return other;
}

/**
 * Shard routing of a cancel: `exchange_index` names the shard, else `market_ticker`
 * auto-routes, else the request goes to shard 0. An order on another shard is not
 * found there (modelled conservatively: the reference documents the routing
 * parameters, not what a mis-routed cancel answers).
 */
interface CancelRouting {
  marketTicker?: string | undefined;
  exchangeIndex?: number | undefined;
}

function routedShard(ctx: RestContext, route: CancelRouting): number {
  if (route.exchangeIndex !== undefined && route.exchangeIndex >= 0) return route.exchangeIndex;
  if (route.marketTicker !== undefined) return ctx.engine.market(route.marketTicker)?.exchangeIndex ?? 0;
  return 0;
}

function cancelOne(ctx: RestContext, userId: string, orderId: string, route: CancelRouting) {
  const lie = ctx.faults.current.lyingCancelMs;
  const target = ctx.engine.order(orderId);
  if (!target || target.userId !== userId || target.exchangeIndex !== routedShard(ctx, route))
    throw new ExchangeError(404, 'not_found', 'order not found');
  let reducedBy: number;
  if (lie > 0 && target.status === 'resting') {
    // Success now, the order keeps resting (and can still trade) for `lie` ms.
    reducedBy = target.remaining;
    ctx.faults.counts.lyingCancels++;
    ctx.later(() => {
      try {
        ctx.engine.cancelOrder(userId, orderId);
      } catch {
        // the market may have closed meanwhile; nothing left to cancel
      }
    }, lie);
  } else reducedBy = ctx.engine.cancelOrder(userId, orderId).reducedBy;
  const shown = maybeWrongOrder(ctx, userId, target);
  return {
    order_id: shown.orderId,
    client_order_id: shown.clientOrderId,
    reduced_by: count(shown === target ? reducedBy : shown.remaining),
    ts_ms: ctx.engine.now(),
  };
}

on('DELETE', '/portfolio/events/orders/batched', true, (ctx, req) => {
  const body = parseBody(BatchCancelOrdersV2RequestSchema, req.body);
  const orders = body.orders.map((o) => {
    try {
      return cancelOne(ctx, user(req), o.order_id, {
        marketTicker: o.market_ticker,
        exchangeIndex: o.exchange_index,
      });
    } catch (e) {
      if (!(e instanceof ExchangeError)) throw e;
      return {
        order_id: o.order_id,
        reduced_by: '0.00',
        error: errorBody(e.code, e.message, e.details).error,
      };
    }
  });
  return { status: 200, body: { orders } };
});

on('DELETE', '/portfolio/events/orders', true, (ctx, req) => {
  ctx.engine.cancelAll(user(req));
  return { status: 204 };
});

on('DELETE', '/portfolio/events/orders/{}', true, (ctx, req, [id]) => ({
  status: 200,
  body: cancelOne(ctx, user(req), id ?? '', {
    marketTicker: req.query.get('market_ticker') ?? undefined,
    exchangeIndex: optionalInt(req.query, 'exchange_index'),
  }),
}));

on('POST', '/portfolio/events/orders/{}/amend', true, (ctx, req, [id]) => {
  const b = parseBody(AmendOrderV2RequestSchema, req.body);
  const p = ctx.engine.amendOrder(user(req), id ?? '', {
    ticker: b.ticker,
    side: b.side,
    price: b.price,
    count: b.count,
    ...(b.updated_client_order_id === undefined ? {} : { updatedClientOrderId: b.updated_client_order_id }),
  });
  const shown = maybeWrongOrder(ctx, user(req), p.order);
  const body =
    shown === p.order
      ? placementJson(p, ctx.engine.now())
      : {
          order_id: shown.orderId,
          client_order_id: shown.clientOrderId,
          remaining_count: count(shown.remaining),
          fill_count: count(shown.filled),
          ts_ms: ctx.engine.now(),
        };
  return { status: 200, body };
});

on('POST', '/portfolio/events/orders/{}/decrease', true, (ctx, req, [id]) => {
  const b = parseBody(DecreaseOrderV2RequestSchema, req.body);
  const o = ctx.engine.decreaseOrder(user(req), id ?? '', {
    ...(b.reduce_by === undefined ? {} : { reduceBy: b.reduce_by }),
    ...(b.reduce_to === undefined ? {} : { reduceTo: b.reduce_to }),
  });
  return {
    status: 200,
    body: {
      order_id: o.orderId,
      client_order_id: o.clientOrderId,
      remaining_count: count(o.remaining),
      ts_ms: ctx.engine.now(),
    },
  };
});

// ---------------------------------------------------------------- order and portfolio reads

on('GET', '/portfolio/orders', true, (ctx, req) => {
  const q = req.query;
  const status = q.get('status');
  if (status && !['resting', 'canceled', 'executed'].includes(status))
    throw new BadRequest('status: must be one of resting, canceled, executed');
  const ticker = q.get('ticker');
  const events = q.get('event_ticker')?.split(',').filter(Boolean);
  const minTs = optionalInt(q, 'min_ts');
  const maxTs = optionalInt(q, 'max_ts');
  const list = ctx.engine
    .orders(user(req))
    .filter((o) => !status || o.status === status)
    .filter((o) => !ticker || o.ticker === ticker)
    .filter((o) => !events || events.includes(ctx.engine.market(o.ticker)?.eventTicker ?? ''))
    .filter((o) => minTs === undefined || o.createdMs >= minTs * 1000)
    .filter((o) => maxTs === undefined || o.createdMs <= maxTs * 1000)
    .reverse();
  const p = page(list, q, 1000);
  return { status: 200, body: { orders: p.items.map(orderJson), cursor: p.cursor } };
});

on('GET', '/portfolio/orders/queue_positions', true, (ctx, req) => {
  const tickers = req.query.get('market_tickers')?.split(',').filter(Boolean);
  const list = ctx.engine.restingOrders(user(req)).filter((o) => !tickers || tickers.includes(o.ticker));
  return {
    status: 200,
    body: {
      queue_positions: list.map((o) => ({
        order_id: o.orderId,
        market_ticker: o.ticker,
        queue_position_fp: count(ctx.engine.queuePosition(o.orderId)),
      })),
    },
  };
});

on('GET', '/portfolio/orders/{}/queue_position', true, (ctx, req, [id]) => {
  const o = ctx.engine.order(id ?? '');
  if (!o || o.userId !== user(req)) return err(404, 'not_found', 'order not found');
  return { status: 200, body: { queue_position_fp: count(ctx.engine.queuePosition(o.orderId)) } };
});

on('GET', '/portfolio/orders/{}', true, (ctx, req, [id]) => {
  const o = ctx.engine.order(id ?? '');
  if (!o || o.userId !== user(req)) return err(404, 'not_found', 'order not found');
  return { status: 200, body: { order: orderJson(o) } };
});

on('GET', '/portfolio/fills', true, (ctx, req) => {
  const q = req.query;
  const ticker = q.get('ticker');
  const orderId = q.get('order_id');
  const minTs = optionalInt(q, 'min_ts');
  const maxTs = optionalInt(q, 'max_ts');
  const list = ctx.engine
    .fills(user(req))
    .filter((f) => !ticker || f.ticker === ticker)
    .filter((f) => !orderId || f.orderId === orderId)
    .filter((f) => minTs === undefined || f.createdMs >= minTs * 1000)
    .filter((f) => maxTs === undefined || f.createdMs <= maxTs * 1000)
    .reverse();
  const p = page(list, q, 1000);
  return { status: 200, body: { fills: p.items.map(fillJson), cursor: p.cursor } };
});

/**
 * Positions as REST shows them: under the `positionLagMs` fault, fills younger
 * than the lag (scenario time) are not yet reflected in `position_fp`,
 * `total_traded` or fees, as Kalshi's positions can trail its fills.
 */
function laggedPositions(ctx: RestContext, userId: string): SimPosition[] {
  const lag = ctx.faults.current.positionLagMs;
  const positions = ctx.engine.positions(userId);
  if (lag <= 0) return positions;
  const cutoff = ctx.engine.now() - lag;
  const recent = ctx.engine.fills(userId).filter((f) => f.createdMs > cutoff);
  if (recent.length === 0) return positions;
  return positions.map((p) => {
    const mine = recent.filter((f) => f.ticker === p.ticker);
    if (mine.length === 0) return p;
    const signed = mine.reduce((s, f) => s + (f.side === 'bid' ? f.count : -f.count), 0);
    return {
      ...p,
      position: p.position - signed,
      volume: p.volume - mine.reduce((s, f) => s + f.count, 0),
      totalTraded: p.totalTraded - mine.reduce((s, f) => s + (f.price * f.count) / 100, 0),
      feesPaid: p.feesPaid - mine.reduce((s, f) => s + f.fee, 0),
    };
  });
}

on('GET', '/portfolio/positions', true, (ctx, req) => {
  const q = req.query;
  const ticker = q.get('ticker');
  const event = q.get('event_ticker');
  const filter = q.get('count_filter')?.split(',') ?? [];
  const list = laggedPositions(ctx, user(req))
    .filter((p) => !ticker || p.ticker === ticker)
    .filter((p) => !event || p.eventTicker === event)
    .filter((p) => !filter.includes('position') || p.position !== 0)
    .filter((p) => !filter.includes('total_traded') || p.totalTraded !== 0);
  const p = page(list, q, 1000);
  return {
    status: 200,
    body: {
      market_positions: p.items.map(positionJson),
      event_positions: eventPositionsJson(p.items),
      cursor: p.cursor,
    },
  };
});

on('GET', '/portfolio/balance', true, (ctx, req) => {
  const shards = ctx.engine.balance(user(req));
  if (!shards.has(0)) shards.set(0, 0);
  const total = ctx.engine.totalBalance(user(req));
  const value = ctx.engine.positions(user(req)).reduce((s, p) => s + p.costBasis, 0);
  return {
    status: 200,
    body: {
      balance: Math.trunc(total / 10_000),
      balance_dollars: money(total),
      portfolio_value: Math.trunc(value / 10_000),
      updated_ts: Math.floor(ctx.engine.now() / 1000),
      balance_breakdown: [...shards]
        .sort(([a], [b]) => a - b)
        .map(([i, b]) => ({ exchange_index: i, balance: money(b) })),
    },
  };
});

on('GET', '/portfolio/settlements', true, (ctx, req) => {
  const ticker = req.query.get('ticker');
  const minTs = optionalInt(req.query, 'min_ts');
  const list = ctx.engine
    .settlements(user(req))
    .filter((s) => !ticker || s.ticker === ticker)
    .filter((s) => minTs === undefined || s.settledMs >= minTs * 1000)
    .reverse();
  const p = page(list, req.query, 1000);
  return { status: 200, body: { settlements: p.items.map(settlementJson), cursor: p.cursor } };
});

/** Moves collateral between shards: `amount` in centi-cents ($0.0001), shards default 0. */
on('POST', '/portfolio/intra_exchange_instance_transfer', true, (ctx, req) => {
  const b = (req.body ?? {}) as Record<string, unknown>;
  const from = b.source_exchange_shard ?? 0;
  const to = b.destination_exchange_shard ?? 0;
  if (b.source !== 'event_contract' || b.destination !== 'event_contract')
    throw new BadRequest('source and destination must be event_contract');
  if (typeof b.amount !== 'number' || !Number.isInteger(b.amount) || b.amount <= 0)
    throw new BadRequest('amount: a positive integer of centi-cents is required');
  if (typeof from !== 'number' || typeof to !== 'number' || !Number.isInteger(from) || !Number.isInteger(to))
    throw new BadRequest('source_exchange_shard and destination_exchange_shard must be integers');
  ctx.engine.transfer(user(req), from, to, b.amount * 100);
  return { status: 200, body: { transfer_id: ctx.engine.newId() } };
});

// ---------------------------------------------------------------- account

on('GET', '/account/limits', true, (ctx) => ({
  status: 200,
  body: {
    usage_tier: ctx.limiter.tier,
    read: { refill_rate: ctx.limiter.read.refillRate, bucket_capacity: ctx.limiter.read.capacity },
    write: { refill_rate: ctx.limiter.write.refillRate, bucket_capacity: ctx.limiter.write.capacity },
    grants: [],
  },
}));

on('GET', '/account/endpoint_costs', true, () => ({
  status: 200,
  body: {
    default_cost: DEFAULT_COST,
    endpoint_costs: ENDPOINT_COSTS.map((e) => ({
      method: e.method,
      path: `/trade-api/v2${e.path}`,
      cost: e.cost,
    })),
  },
}));

// ---------------------------------------------------------------- order groups

on('POST', '/portfolio/order_groups/create', true, (ctx, req) => {
  const b = parseBody(CreateOrderGroupRequestSchema, req.body);
  const limit =
    b.contracts_limit_fp ?? (b.contracts_limit === undefined ? undefined : b.contracts_limit * 100);
  if (limit === undefined) throw new BadRequest('contracts_limit or contracts_limit_fp is required');
  const g = ctx.engine.createOrderGroup(user(req), limit, b.exchange_index ?? 0);
  return { status: 201, body: { order_group_id: g.orderGroupId, exchange_index: g.exchangeIndex } };
});

on('GET', '/portfolio/order_groups', true, (ctx, req) => ({
  status: 200,
  body: {
    order_groups: ctx.engine.orderGroups(user(req)).map((g) => ({
      id: g.orderGroupId,
      contracts_limit_fp: count(g.contractsLimit),
      is_auto_cancel_enabled: true,
      exchange_index: g.exchangeIndex,
    })),
  },
}));

on('GET', '/portfolio/order_groups/{}', true, (ctx, req, [id]) => {
  const g = ctx.engine.orderGroup(user(req), id ?? '');
  return {
    status: 200,
    body: {
      is_auto_cancel_enabled: true,
      contracts_limit_fp: count(g.contractsLimit),
      orders: ctx.engine.groupOrders(g.orderGroupId).map((o) => o.orderId),
      exchange_index: g.exchangeIndex,
    },
  };
});

on('DELETE', '/portfolio/order_groups/{}', true, (ctx, req, [id]) => {
  ctx.engine.deleteOrderGroup(user(req), id ?? '');
  return { status: 200, body: {} };
});

on('PUT', '/portfolio/order_groups/{}/trigger', true, (ctx, req, [id]) => {
  ctx.engine.triggerOrderGroup(user(req), id ?? '');
  return { status: 200, body: {} };
});

on('PUT', '/portfolio/order_groups/{}/reset', true, (ctx, req, [id]) => {
  ctx.engine.resetOrderGroup(user(req), id ?? '');
  return { status: 200, body: {} };
});

on('PUT', '/portfolio/order_groups/{}/limit', true, (ctx, req, [id]) => {
  const b = (req.body ?? {}) as Record<string, unknown>;
  const raw =
    b.contracts_limit_fp ?? (typeof b.contracts_limit === 'number' ? String(b.contracts_limit) : undefined);
  const limit = typeof raw === 'string' || typeof raw === 'number' ? countToCentis(raw) : null;
  if (limit === null || limit <= 0)
    throw new BadRequest('contracts_limit_fp: a positive contract count is required');
  ctx.engine.setOrderGroupLimit(user(req), id ?? '', limit);
  return { status: 200, body: {} };
});

/** Number of items a batch request carries (rate limits bill per item). */
export function batchItems(body: unknown): number {
  const orders = (body as { orders?: unknown } | null)?.orders;
  return Array.isArray(orders) ? orders.length : 1;
}
