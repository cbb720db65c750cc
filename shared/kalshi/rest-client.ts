/**
 * Signed Kalshi Trade API v2 REST client. Used by the worker and by the
 * kill-switch Lambda.
 *
 * - Transport (shared/kalshi/transport.ts): Node's built-in fetch by default
 *   (the Lambda: no HTTP library in its bundle); the worker passes its sized
 *   undici pool (worker/kalshi/undici-transport.ts).
 * - Every attempt is signed afresh (timestamp + METHOD + /trade-api/v2 path),
 *   and only once the transport has a connection free for it (send-gate.ts):
 *   a signature never ages in the pool's queue past Kalshi's window.
 * - Retries: exponential backoff with full jitter, Retry-After honoured; 429
 *   and connect failures are retried for every call (not processed), 5xx and
 *   mid-request network errors only for calls that are safe to repeat (reads,
 *   cancels, creates carrying a client_order_id, decrease-to); a final 4xx is
 *   never retried.
 * - Local token buckets mirror Kalshi's, cancels served first when short.
 * - Cancel/amend/decrease results say what the exchange confirmed, not what
 *   the body claims.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { type Clock, systemClock } from '../clock.ts';
import type { Centis } from '../units.ts';
import { type BackoffPolicy, fullJitterDelay, retryAfterMs } from './backoff.ts';
import { KalshiApiError, KalshiFencedError, KalshiNetworkError, KalshiResponseError } from './errors.ts';
import {
  fastAmendOrderBody,
  fastBatchCancelBody,
  fastCreateOrderBody,
  fastDecreaseOrderBody,
} from './order-body.ts';
import { type BucketName, KalshiRateLimiter, PRIORITY, type Priority } from './rate-limiter.ts';
import {
  type AmendOrderV2Request,
  AmendOrderV2RequestSchema,
  type AmendOrderV2Response,
  AmendOrderV2ResponseSchema,
  type ApiError,
  BatchCancelOrdersV2RequestSchema,
  BatchCancelOrdersV2ResponseSchema,
  BatchCreateOrdersV2RequestSchema,
  BatchCreateOrdersV2ResponseSchema,
  CancelOrderV2ResponseSchema,
  type CreateOrderGroupRequest,
  CreateOrderGroupRequestSchema,
  CreateOrderGroupResponseSchema,
  type CreateOrderV2Request,
  CreateOrderV2RequestSchema,
  type CreateOrderV2Response,
  CreateOrderV2ResponseSchema,
  type DecreaseOrderV2Request,
  DecreaseOrderV2RequestSchema,
  type DecreaseOrderV2Response,
  DecreaseOrderV2ResponseSchema,
  EmptyResponseSchema,
  type EventPosition,
  ExchangeStatusSchema,
  type Fill,
  GetAccountLimitsResponseSchema,
  GetBalanceResponseSchema,
  GetEndpointCostsResponseSchema,
  GetEventResponseSchema,
  GetEventsResponseSchema,
  GetFillsResponseSchema,
  GetMarketResponseSchema,
  GetMarketsResponseSchema,
  GetOrderbookResponseSchema,
  GetOrderGroupResponseSchema,
  GetOrderGroupsResponseSchema,
  GetOrderResponseSchema,
  GetOrdersResponseSchema,
  GetPositionsResponseSchema,
  GetSeriesResponseSchema,
  GetSettlementsResponseSchema,
  type MarketPosition,
  normalizeApiError,
  type Order,
  type OrderStatus,
  SetOrderGroupLimitRequestSchema,
  type Settlement,
} from './schemas/rest.ts';
import { describeZodError } from './schemas/wire.ts';
import { SendGate } from './send-gate.ts';
import { authHeaders, type Signer } from './signer.ts';
import { fetchTransport, type RestTransport, TransportError, type TransportResponse } from './transport.ts';

export interface RetryPolicy extends BackoffPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  /** Longest Retry-After we will sleep; beyond it the call fails instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseMs: 100,
  capMs: 2_000,
  maxRetryAfterMs: 10_000,
};

export interface RestTimeouts {
  connectMs: number;
  /** Used by the undici transport; its headers/body timers tick coarsely (~1 s), so `requestMs` is the precise per-attempt bound. */
  headersMs: number;
  bodyMs: number;
  /** Whole attempt, send to last body byte (a real-time I/O deadline, not the injected clock). */
  requestMs: number;
}
export const DEFAULT_TIMEOUTS: RestTimeouts = {
  connectMs: 3_000,
  headersMs: 5_000,
  bodyMs: 5_000,
  requestMs: 8_000,
};

export type RestEvent =
  | { type: 'response'; method: string; path: string; status: number; attempt: number; ms: number }
  | {
      type: 'retry';
      method: string;
      path: string;
      attempt: number;
      delayMs: number;
      cause: string;
    }
  | { type: 'rate_limited'; method: string; path: string; bucket: BucketName };

export interface KalshiRestClientOptions {
  /** API base including the version prefix, e.g. `https://external-api.kalshi.com/trade-api/v2`. */
  baseUrl: string;
  signer: Signer;
  clock?: Clock;
  /** [0, 1) source for jitter (inject for deterministic tests). */
  random?: () => number;
  retry?: Partial<RetryPolicy>;
  timeouts?: Partial<RestTimeouts>;
  /** Pass `false` to disable the local token buckets (e.g. the kill switch, which must never wait on them). */
  limiter?: KalshiRateLimiter | false;
  /**
   * How requests reach the wire; default Node's built-in fetch. The client
   * closes it on `close()`. The worker passes `undiciTransport` (worker/kalshi).
   */
  transport?: RestTransport;
  /** Generates client_order_ids for creates that lack one (so they are safe to retry). */
  newClientOrderId?: () => string;
  onEvent?: (e: RestEvent) => void;
  /**
   * Consulted just before a risk-adding write (create, batch create, amend) is
   * signed and sent, after any wait in the token buckets and before every
   * retry: a reason closes the fence and the write fails with KalshiFencedError
   * without reaching the exchange. A kill switch that trips while a create
   * waits in the queue thus stops it at the wire, not after it rests.
   */
  writeFence?: () => string | null;
}

type QueryValue = string | number | boolean | undefined | null | readonly string[];
type Query = Record<string, QueryValue>;

/** Whether a call may be repeated after an ambiguous failure (5xx, reset, timeout). */
type Repeatable = 'safe' | 'unsafe';

interface CallSpec<S extends z.ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
  schema: S;
  repeatable: Repeatable;
  bucket: BucketName;
  priority: Priority;
  /** Token cost; default from the limiter's table. */
  cost?: number;
  /** Accepted success statuses (default: any 2xx). */
  noContent?: boolean;
  /** Adds risk (create, amend): subject to the write fence. */
  fenced?: boolean;
}

const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

function buildQuery(q: Query | undefined): string {
  if (!q) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null) continue;
    const text = Array.isArray(v) ? v.join(',') : String(v);
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(text)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

const seg = (s: string) => encodeURIComponent(s);

/** What a create returned, or what the exchange already held when a retried create met 409. */
export interface CreatedOrder {
  order_id: string;
  client_order_id: string;
  fill_count: Centis;
  remaining_count: Centis;
  /** True when the order was found by client_order_id after a retried create hit 409. */
  recovered: boolean;
  response: CreateOrderV2Response | null;
  order: Order | null;
}

export type BatchCreateItem =
  | { ok: true; order: CreatedOrder }
  | { ok: false; client_order_id: string; error: ApiError; unconfirmed: boolean };

export type CancelOutcome =
  | {
      kind: 'cancelled';
      order_id: string;
      client_order_id: string | null;
      reduced_by: Centis;
      retried: boolean;
    }
  /** reduced_by 0 or 404: nothing rests under this id now (if `retried`, an earlier attempt may have cancelled it). */
  | { kind: 'nothing_cancelled'; order_id: string; reason: 'reduced_by_zero' | 'not_found'; retried: boolean }
  /** The body describes another order: do not trust it; confirm via orders/user_orders/fills. */
  | {
      kind: 'unconfirmed';
      order_id: string;
      reason: 'response_for_other_order' | 'no_item_in_response';
      detail: string;
    }
  | { kind: 'failed'; order_id: string; error: ApiError };

export type AmendOutcome<R> =
  | { kind: 'applied'; response: R }
  | { kind: 'unconfirmed'; order_id: string; reason: 'response_for_other_order'; response: R };

export class KalshiRestClient {
  readonly baseUrl: string;
  readonly limiter: KalshiRateLimiter | null;
  private readonly origin: string;
  private readonly prefix: string;
  private readonly transport: RestTransport;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly retry: RetryPolicy;
  private readonly timeouts: RestTimeouts;
  private readonly signer: Signer;
  private readonly newClientOrderId: () => string;
  private readonly onEvent: (e: RestEvent) => void;
  private readonly writeFence: () => string | null;
  /** Bounds signed attempts to the transport's connections; null when it has no bound. */
  private readonly gate: SendGate | null;

  constructor(opts: KalshiRestClientOptions) {
    const url = new URL(opts.baseUrl);
    this.baseUrl = opts.baseUrl;
    this.origin = url.origin;
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.signer = opts.signer;
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.newClientOrderId = opts.newClientOrderId ?? (() => `kmm-${randomUUID()}`);
    this.onEvent = opts.onEvent ?? (() => {});
    this.writeFence = opts.writeFence ?? (() => null);
    this.limiter = opts.limiter === false ? null : (opts.limiter ?? new KalshiRateLimiter(this.clock));
    this.transport = opts.transport ?? fetchTransport();
    const slots = this.transport.maxInFlight;
    this.gate =
      slots === undefined || slots === Number.POSITIVE_INFINITY
        ? null
        : new SendGate(slots, this.transport.reservedForCancels ?? 0);
  }

  async close(): Promise<void> {
    this.limiter?.close();
    this.gate?.close();
    await this.transport.close();
  }

  // ------------------------------------------------------------ core

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.clock.setTimeout(resolve, ms);
    });
  }

  /**
   * One call with its retries. Whatever ends it, an attempt that ended without
   * a verdict (5xx, a response lost after sending) is never forgotten: a final
   * 429, 4xx or never-sent network error then carries `maybeApplied`, and a
   * success says `ambiguous` (a per-item error in a batch is then no proof).
   */
  /** A risk-adding write meets a closed fence: it fails here, never reaching the exchange. */
  private checkFence(
    spec: Pick<CallSpec<z.ZodType>, 'fenced' | 'method' | 'path'>,
    ambiguous: boolean,
  ): void {
    if (!spec.fenced) return;
    const closed = this.writeFence();
    if (closed !== null) throw new KalshiFencedError(spec.method, spec.path, closed, ambiguous);
  }

  private async call<S extends z.ZodType>(
    spec: CallSpec<S>,
  ): Promise<{ data: z.output<S>; attempt: number; ambiguous: boolean }> {
    const fullPath = this.prefix + spec.path;
    const query = buildQuery(spec.query);
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const cost = spec.cost ?? this.limiter?.costOf(spec.method, spec.path) ?? 0;
    // An earlier attempt ended without a verdict (5xx, lost response): it may have been applied.
    let ambiguous = false;
    for (let attempt = 1; ; attempt++) {
      // Tokens at hand are taken synchronously: no promise turn between the decision and sign().
      const wait = this.limiter?.acquireNow(spec.bucket, cost, spec.priority);
      if (wait) await wait;
      // Wait, unsigned, for a free connection: a signature must not age in the pool's queue.
      const slot = this.gate?.enter(spec.priority);
      if (slot) await slot;
      const started = this.clock.now();
      const sent = await this.signAndSend(spec, fullPath + query, body, ambiguous, started);
      if ('code' in sent) {
        const { code } = sent;
        const neverSent = NEVER_SENT.has(code);
        if (!neverSent) ambiguous = true;
        // This attempt never left, but an earlier one may have been applied.
        const err = new KalshiNetworkError(spec.method, spec.path, code, ambiguous, attempt);
        if ((neverSent || spec.repeatable === 'safe') && attempt < this.retry.maxAttempts) {
          await this.backoff(spec, attempt, null, code);
          continue;
        }
        throw err;
      }
      const { status, retryAfter, text } = sent;
      this.onEvent({
        type: 'response',
        method: spec.method,
        path: spec.path,
        status,
        attempt,
        ms: this.clock.now() - started,
      });

      if (status >= 200 && status < 300) {
        const parsed = this.parseBody(spec, status, text);
        return { data: parsed, attempt, ambiguous };
      }
      if (status === 429) {
        this.limiter?.drain(spec.bucket);
        this.onEvent({ type: 'rate_limited', method: spec.method, path: spec.path, bucket: spec.bucket });
      }
      if (status >= 500) ambiguous = true;
      const retryable = status === 429 || (status >= 500 && spec.repeatable === 'safe');
      const error = new KalshiApiError(
        spec.method,
        spec.path,
        status,
        normalizeApiError(safeJson(text)),
        attempt,
        ambiguous,
      );
      if (!retryable || attempt >= this.retry.maxAttempts) throw error;
      const hinted = retryAfterMs(retryAfter, this.clock.now());
      if (hinted !== null && hinted > this.retry.maxRetryAfterMs) throw error;
      await this.backoff(spec, attempt, hinted, String(status));
    }
  }

  /**
   * Signs one attempt and puts it on the wire, holding the send-gate slot its
   * caller took until the answer is read (or the attempt failed); a failure
   * with no answer comes back as its code.
   */
  private async signAndSend(
    spec: CallSpec<z.ZodType>,
    pathWithQuery: string,
    body: string | undefined,
    ambiguous: boolean,
    started: number,
  ): Promise<TransportResponse | { code: string }> {
    try {
      this.checkFence(spec, ambiguous);
      const headers = await authHeaders(
        this.signer,
        started,
        spec.method,
        this.prefix + spec.path,
        spec.priority,
      );
      headers.accept = 'application/json';
      // Signing may run off the loop: a trip while it ran must still stop the write here.
      this.checkFence(spec, ambiguous);
      if (body !== undefined) headers['content-type'] = 'application/json';
      const deadline = AbortSignal.timeout(this.timeouts.requestMs);
      try {
        return await this.transport.send({
          signal: deadline,
          origin: this.origin,
          path: pathWithQuery,
          method: spec.method,
          headers,
          body,
        });
      } catch (e) {
        return {
          code: deadline.aborted
            ? 'REQUEST_TIMEOUT'
            : e instanceof TransportError
              ? e.code
              : String((e as { code?: unknown }).code ?? (e as Error).name ?? 'ERROR'),
        };
      }
    } finally {
      this.gate?.leave(spec.priority);
    }
  }

  private parseBody<S extends z.ZodType>(spec: CallSpec<S>, status: number, text: string): z.output<S> {
    const json = spec.noContent && text.trim() === '' ? {} : safeJson(text);
    if (json === undefined) throw new KalshiResponseError(spec.method, spec.path, status, 'body is not JSON');
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      throw new KalshiResponseError(spec.method, spec.path, status, describeZodError(parsed.error));
    }
    return parsed.data;
  }

  private async backoff(spec: CallSpec<z.ZodType>, attempt: number, hinted: number | null, cause: string) {
    const delayMs = hinted ?? fullJitterDelay(attempt - 1, this.retry, this.random);
    this.onEvent({ type: 'retry', method: spec.method, path: spec.path, attempt, delayMs, cause });
    await this.sleep(delayMs);
  }

  private get<S extends z.ZodType>(path: string, schema: S, query?: Query) {
    return this.call({
      method: 'GET',
      path,
      query,
      schema,
      repeatable: 'safe',
      bucket: 'read',
      priority: PRIORITY.read,
    }).then((r) => r.data);
  }

  // ------------------------------------------------------------ exchange and discovery

  getExchangeStatus() {
    return this.get('/exchange/status', ExchangeStatusSchema);
  }

  getSeries(seriesTicker: string) {
    return this.get(`/series/${seg(seriesTicker)}`, GetSeriesResponseSchema).then((r) => r.series);
  }

  getEvents(q: {
    series_ticker?: string;
    status?: 'unopened' | 'open' | 'closed' | 'settled';
    with_nested_markets?: boolean;
    with_milestones?: boolean;
    event_tickers?: readonly string[];
    min_close_ts?: number;
    limit?: number;
    cursor?: string;
  }) {
    const { event_tickers, ...rest } = q;
    return this.get('/events', GetEventsResponseSchema, { ...rest, tickers: event_tickers });
  }

  getEvent(eventTicker: string, q: { with_nested_markets?: boolean } = {}) {
    return this.get(`/events/${seg(eventTicker)}`, GetEventResponseSchema, q);
  }

  getMarkets(q: {
    series_ticker?: string;
    event_ticker?: string;
    status?: 'unopened' | 'open' | 'paused' | 'closed' | 'settled';
    tickers?: readonly string[];
    min_close_ts?: number;
    max_close_ts?: number;
    min_updated_ts?: number;
    limit?: number;
    cursor?: string;
  }) {
    return this.get('/markets', GetMarketsResponseSchema, q);
  }

  getMarket(ticker: string) {
    return this.get(`/markets/${seg(ticker)}`, GetMarketResponseSchema).then((r) => r.market);
  }

  /** Bids only: `yes_dollars` YES bids, `no_dollars` NO bids; order not guaranteed. `depth` 0 = all. */
  getOrderbook(ticker: string, depth?: number) {
    return this.get(`/markets/${seg(ticker)}/orderbook`, GetOrderbookResponseSchema, { depth }).then(
      (r) => r.orderbook_fp,
    );
  }

  // ------------------------------------------------------------ account

  getBalance(q: { exchange_index?: number; subaccount?: number } = {}) {
    return this.get('/portfolio/balance', GetBalanceResponseSchema, q);
  }

  getAccountLimits() {
    return this.get('/account/limits', GetAccountLimitsResponseSchema);
  }

  getEndpointCosts() {
    return this.get('/account/endpoint_costs', GetEndpointCostsResponseSchema);
  }

  /** Reads the account's bucket sizes and cost table and sizes the local limiter from them. */
  async configureLimiter(): Promise<void> {
    const [limits, costs] = await Promise.all([this.getAccountLimits(), this.getEndpointCosts()]);
    this.limiter?.configure(limits, costs);
  }

  // ------------------------------------------------------------ order reads

  getOrders(q: {
    status?: OrderStatus;
    ticker?: string;
    event_ticker?: string;
    min_ts?: number;
    max_ts?: number;
    limit?: number;
    cursor?: string;
    exchange_index?: number;
    subaccount?: number;
  }) {
    return this.get('/portfolio/orders', GetOrdersResponseSchema, q);
  }

  getOrder(orderId: string) {
    return this.get(`/portfolio/orders/${seg(orderId)}`, GetOrderResponseSchema).then((r) => r.order);
  }

  /** All pages of orders matching `q`. */
  async allOrders(q: Omit<Parameters<KalshiRestClient['getOrders']>[0], 'cursor'>): Promise<Order[]> {
    return collectPages((cursor) => this.getOrders({ ...q, cursor }).then((r) => [r.orders, r.cursor]));
  }

  /** The order with this client_order_id in `ticker`, any status, or null. */
  async findOrderByClientOrderId(ticker: string, clientOrderId: string): Promise<Order | null> {
    const orders = await this.allOrders({ ticker, limit: 200 });
    return orders.find((o) => o.client_order_id === clientOrderId) ?? null;
  }

  getFills(q: {
    ticker?: string;
    order_id?: string;
    min_ts?: number;
    max_ts?: number;
    limit?: number;
    cursor?: string;
    exchange_index?: number;
  }) {
    return this.get('/portfolio/fills', GetFillsResponseSchema, q);
  }

  async allFills(q: Omit<Parameters<KalshiRestClient['getFills']>[0], 'cursor'>): Promise<Fill[]> {
    return collectPages((cursor) => this.getFills({ ...q, cursor }).then((r) => [r.fills, r.cursor]));
  }

  getSettlements(q: {
    ticker?: string;
    event_ticker?: string;
    min_ts?: number;
    max_ts?: number;
    limit?: number;
    cursor?: string;
  }) {
    return this.get('/portfolio/settlements', GetSettlementsResponseSchema, q);
  }

  /** All pages of our settlements matching `q`. */
  async allSettlements(
    q: Omit<Parameters<KalshiRestClient['getSettlements']>[0], 'cursor'>,
  ): Promise<Settlement[]> {
    return collectPages((cursor) =>
      this.getSettlements({ ...q, cursor }).then((r) => [r.settlements ?? [], r.cursor]),
    );
  }

  getPositions(q: {
    ticker?: string;
    event_ticker?: string;
    count_filter?: 'position' | 'total_traded';
    limit?: number;
    cursor?: string;
    exchange_index?: number;
    subaccount?: number;
  }) {
    return this.get('/portfolio/positions', GetPositionsResponseSchema, q);
  }

  async allPositions(
    q: Omit<Parameters<KalshiRestClient['getPositions']>[0], 'cursor'>,
  ): Promise<{ market_positions: MarketPosition[]; event_positions: EventPosition[] }> {
    const events: EventPosition[] = [];
    const markets = await collectPages((cursor) =>
      this.getPositions({ ...q, cursor }).then((r) => {
        events.push(...(r.event_positions ?? []));
        return [r.market_positions ?? [], r.cursor];
      }),
    );
    return { market_positions: markets, event_positions: events };
  }

  // ------------------------------------------------------------ order writes (V2)

  /**
   * Places one order. A missing client_order_id is generated so the create is
   * safe to retry; if a retry meets 409 order_already_exists, the order is
   * looked up by client_order_id and returned with `recovered: true`.
   */
  async createOrder(req: CreateOrderV2Request): Promise<CreatedOrder> {
    const withId: CreateOrderV2Request = {
      ...req,
      client_order_id: req.client_order_id ?? this.newClientOrderId(),
    };
    const clientOrderId = withId.client_order_id!;
    try {
      const { data } = await this.call({
        method: 'POST',
        path: '/portfolio/events/orders',
        body: fastCreateOrderBody(withId) ?? encodeBody(CreateOrderV2RequestSchema, withId),
        schema: CreateOrderV2ResponseSchema,
        repeatable: 'safe',
        fenced: true,
        bucket: 'write',
        priority: PRIORITY.create,
      });
      return {
        order_id: data.order_id,
        client_order_id: data.client_order_id ?? clientOrderId,
        fill_count: data.fill_count,
        remaining_count: data.remaining_count,
        recovered: false,
        response: data,
        order: null,
      };
    } catch (e) {
      if (
        e instanceof KalshiApiError &&
        e.status === 409 &&
        e.code === 'order_already_exists' &&
        e.attempt > 1
      ) {
        const found = await this.findOrderByClientOrderId(withId.ticker, clientOrderId).catch(() => null);
        if (found) return recoveredOrder(found, clientOrderId);
        // The exchange says an earlier attempt placed it; not finding it (listing lag, a failed read) proves nothing.
        throw new KalshiApiError(e.method, e.path, e.status, e.api, e.attempt, true);
      }
      throw e;
    }
  }

  /** Places several orders in one request (billed per item). Results are in request order. */
  async batchCreateOrders(reqs: readonly CreateOrderV2Request[]): Promise<BatchCreateItem[]> {
    const items = reqs.map((r) => ({ ...r, client_order_id: r.client_order_id ?? this.newClientOrderId() }));
    const perItem = this.limiter?.costOf('POST', '/portfolio/events/orders/batched') ?? 0;
    const { data, attempt, ambiguous } = await this.call({
      method: 'POST',
      path: '/portfolio/events/orders/batched',
      body: fastBatchCreateBody(items) ?? encodeBody(BatchCreateOrdersV2RequestSchema, { orders: items }),
      schema: BatchCreateOrdersV2ResponseSchema,
      repeatable: 'safe',
      fenced: true,
      bucket: 'write',
      priority: PRIORITY.create,
      cost: perItem * items.length,
    });
    const byId = new Map<string, (typeof data.orders)[number]>();
    for (const o of data.orders) if (o.client_order_id) byId.set(o.client_order_id, o);
    const out: BatchCreateItem[] = [];
    for (const [i, req] of items.entries()) {
      const coid = req.client_order_id;
      const atIndex = data.orders[i];
      const item = byId.get(coid) ?? (atIndex && !atIndex.client_order_id ? atIndex : undefined);
      if (!item) {
        out.push({
          ok: false,
          client_order_id: coid,
          error: { code: null, message: 'no item for this order in the batch response', details: null },
          unconfirmed: true,
        });
      } else if ('error' in item) {
        const err = normalizeApiError({ error: item.error });
        const exists = err.code === 'order_already_exists' && attempt > 1;
        if (exists) {
          const found = await this.findOrderByClientOrderId(req.ticker, coid).catch(() => null);
          if (found) {
            out.push({ ok: true, order: recoveredOrder(found, coid) });
            continue;
          }
        }
        // After an ambiguous attempt this item's error is no proof it did not rest (that attempt may have
        // placed it); an "already exists" we could not look up certainly is not.
        out.push({ ok: false, client_order_id: coid, error: err, unconfirmed: exists || ambiguous });
      } else {
        out.push({
          ok: true,
          order: {
            order_id: item.order_id,
            client_order_id: coid,
            fill_count: item.fill_count,
            remaining_count: item.remaining_count,
            recovered: false,
            response: item,
            order: null,
          },
        });
      }
    }
    return out;
  }

  /** Cancels one order; says what the exchange confirmed. */
  async cancelOrder(
    orderId: string,
    q: { market_ticker?: string; exchange_index?: number; subaccount?: number } = {},
  ): Promise<CancelOutcome> {
    let attempt = 1;
    try {
      const r = await this.call({
        method: 'DELETE',
        path: `/portfolio/events/orders/${seg(orderId)}`,
        query: q,
        schema: CancelOrderV2ResponseSchema,
        repeatable: 'safe',
        bucket: 'write',
        priority: PRIORITY.cancel,
      });
      attempt = r.attempt;
      return cancelOutcome(orderId, r.data, attempt > 1);
    } catch (e) {
      if (e instanceof KalshiApiError && e.status === 404) {
        return { kind: 'nothing_cancelled', order_id: orderId, reason: 'not_found', retried: e.attempt > 1 };
      }
      throw e;
    }
  }

  /** Cancels several orders in one request (billed per item); one outcome per requested id, in order. */
  async batchCancelOrders(
    orders: readonly { order_id: string; market_ticker?: string; exchange_index?: number }[],
  ): Promise<CancelOutcome[]> {
    const perItem = this.limiter?.costOf('DELETE', '/portfolio/events/orders/batched') ?? 0;
    const { data, attempt } = await this.call({
      method: 'DELETE',
      path: '/portfolio/events/orders/batched',
      body:
        fastBatchCancelBody({ orders }) ??
        encodeBody(BatchCancelOrdersV2RequestSchema, { orders: [...orders] }),
      schema: BatchCancelOrdersV2ResponseSchema,
      repeatable: 'safe',
      bucket: 'write',
      priority: PRIORITY.cancel,
      cost: perItem * orders.length,
    });
    const requested = new Set(orders.map((o) => o.order_id));
    const byId = new Map<string, (typeof data.orders)[number]>();
    const strangers: string[] = [];
    for (const item of data.orders) {
      const id = item.order_id ?? '';
      if (requested.has(id)) byId.set(id, item);
      else strangers.push(id);
    }
    return orders.map((o): CancelOutcome => {
      const item = byId.get(o.order_id);
      if (!item) {
        return {
          kind: 'unconfirmed',
          order_id: o.order_id,
          reason: strangers.length > 0 ? 'response_for_other_order' : 'no_item_in_response',
          detail: strangers.length > 0 ? `response named ${strangers.slice(0, 3).join(', ')}` : 'missing',
        };
      }
      if ('error' in item) {
        const err = normalizeApiError({ error: item.error });
        if (err.code === 'not_found' || err.code === 'order_not_found') {
          return {
            kind: 'nothing_cancelled',
            order_id: o.order_id,
            reason: 'not_found',
            retried: attempt > 1,
          };
        }
        return { kind: 'failed', order_id: o.order_id, error: err };
      }
      return cancelOutcome(o.order_id, item, attempt > 1);
    });
  }

  /** Cancels every resting order (all shards). 204 on success. */
  async cancelAll(q: { subaccount?: number } = {}): Promise<void> {
    await this.call({
      method: 'DELETE',
      path: '/portfolio/events/orders',
      query: q,
      schema: EmptyResponseSchema,
      noContent: true,
      repeatable: 'safe',
      bucket: 'write',
      priority: PRIORITY.cancel,
    });
  }

  /**
   * Amends price and/or total count (count = filled + desired remaining).
   * Not repeated after an ambiguous failure (a KalshiNetworkError with
   * `maybeApplied`): the caller reconciles instead.
   */
  async amendOrder(orderId: string, req: AmendOrderV2Request): Promise<AmendOutcome<AmendOrderV2Response>> {
    const { data } = await this.call({
      method: 'POST',
      path: `/portfolio/events/orders/${seg(orderId)}/amend`,
      body: fastAmendOrderBody(req) ?? encodeBody(AmendOrderV2RequestSchema, req),
      schema: AmendOrderV2ResponseSchema,
      repeatable: 'unsafe',
      fenced: true,
      bucket: 'write',
      priority: PRIORITY.write,
    });
    return data.order_id === orderId
      ? { kind: 'applied', response: data }
      : { kind: 'unconfirmed', order_id: orderId, reason: 'response_for_other_order', response: data };
  }

  /** Shrinks an order keeping its queue place. `reduce_to` is repeatable; `reduce_by` is not. */
  async decreaseOrder(
    orderId: string,
    req: DecreaseOrderV2Request,
  ): Promise<AmendOutcome<DecreaseOrderV2Response>> {
    const { data } = await this.call({
      method: 'POST',
      path: `/portfolio/events/orders/${seg(orderId)}/decrease`,
      body: fastDecreaseOrderBody(req) ?? encodeBody(DecreaseOrderV2RequestSchema, req),
      schema: DecreaseOrderV2ResponseSchema,
      repeatable: req.reduce_to !== undefined ? 'safe' : 'unsafe',
      bucket: 'write',
      priority: PRIORITY.cancel,
    });
    return data.order_id === orderId
      ? { kind: 'applied', response: data }
      : { kind: 'unconfirmed', order_id: orderId, reason: 'response_for_other_order', response: data };
  }

  // ------------------------------------------------------------ order groups

  async createOrderGroup(req: CreateOrderGroupRequest) {
    const { data } = await this.call({
      method: 'POST',
      path: '/portfolio/order_groups/create',
      body: encodeBody(CreateOrderGroupRequestSchema, req),
      schema: CreateOrderGroupResponseSchema,
      repeatable: 'unsafe',
      bucket: 'write',
      priority: PRIORITY.write,
    });
    return data;
  }

  getOrderGroup(id: string) {
    return this.get(`/portfolio/order_groups/${seg(id)}`, GetOrderGroupResponseSchema);
  }

  getOrderGroups() {
    return this.get('/portfolio/order_groups', GetOrderGroupsResponseSchema);
  }

  /** Cancels every order in the group now and blocks new ones until reset. */
  async triggerOrderGroup(id: string): Promise<void> {
    await this.groupAction(id, 'trigger', PRIORITY.cancel);
  }

  async resetOrderGroup(id: string): Promise<void> {
    await this.groupAction(id, 'reset', PRIORITY.write);
  }

  /** Sets the group's rolling 15-s limit (Centis); a limit below what already matched triggers it. */
  async setOrderGroupLimit(id: string, contractsLimit: Centis): Promise<void> {
    await this.call({
      method: 'PUT',
      path: `/portfolio/order_groups/${seg(id)}/limit`,
      body: encodeBody(SetOrderGroupLimitRequestSchema, { contracts_limit_fp: contractsLimit }),
      schema: EmptyResponseSchema,
      noContent: true,
      repeatable: 'safe',
      bucket: 'write',
      priority: PRIORITY.write,
    });
  }

  /** Deletes the group; the exchange cancels whatever still rests in it. */
  async deleteOrderGroup(id: string): Promise<void> {
    await this.call({
      method: 'DELETE',
      path: `/portfolio/order_groups/${seg(id)}`,
      schema: EmptyResponseSchema,
      noContent: true,
      repeatable: 'safe',
      bucket: 'write',
      priority: PRIORITY.cancel,
    });
  }

  private async groupAction(id: string, action: 'trigger' | 'reset', priority: Priority) {
    await this.call({
      method: 'PUT',
      path: `/portfolio/order_groups/${seg(id)}/${action}`,
      schema: EmptyResponseSchema,
      noContent: true,
      repeatable: 'safe',
      bucket: 'write',
      priority,
    });
  }
}

/** Thrown before sending when a request body fails its schema (names the field; nothing was sent). */
export class KalshiRequestError extends Error {
  override name = 'KalshiRequestError';
}

/** A batch of creates by hand, as `fastCreateOrderBody` per item; null when zod must judge any of it. */
function fastBatchCreateBody(items: readonly CreateOrderV2Request[]): { orders: object[] } | null {
  if (items.length === 0) return null;
  const orders: object[] = [];
  for (const item of items) {
    const body = fastCreateOrderBody(item);
    if (body === null) return null;
    orders.push(body);
  }
  return { orders };
}

function encodeBody<S extends z.ZodType>(schema: S, value: z.output<S>): z.input<S> {
  const checked = schema.safeEncode(value);
  if (!checked.success) throw new KalshiRequestError(`invalid request: ${describeZodError(checked.error)}`);
  return checked.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text === '' ? undefined : text;
  }
}

function recoveredOrder(o: Order, clientOrderId: string): CreatedOrder {
  return {
    order_id: o.order_id,
    client_order_id: o.client_order_id ?? clientOrderId,
    fill_count: o.fill_count_fp,
    remaining_count: o.remaining_count_fp,
    recovered: true,
    response: null,
    order: o,
  };
}

function cancelOutcome(
  orderId: string,
  body: { order_id: string; client_order_id?: string | null; reduced_by: Centis },
  retried: boolean,
): CancelOutcome {
  if (body.order_id !== orderId) {
    return {
      kind: 'unconfirmed',
      order_id: orderId,
      reason: 'response_for_other_order',
      detail: `response named ${body.order_id}`,
    };
  }
  if (body.reduced_by <= 0)
    return { kind: 'nothing_cancelled', order_id: orderId, reason: 'reduced_by_zero', retried };
  return {
    kind: 'cancelled',
    order_id: orderId,
    client_order_id: body.client_order_id ?? null,
    reduced_by: body.reduced_by,
    retried,
  };
}

/** Follows `cursor` until it comes back empty (Kalshi's end-of-list) — bounded so a looping cursor cannot spin forever. */
async function collectPages<T>(
  page: (cursor: string | undefined) => Promise<[T[], string | null | undefined]>,
  maxPages = 1000,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  const seen = new Set<string>();
  for (let i = 0; i < maxPages; i++) {
    const [items, next] = await page(cursor);
    out.push(...items);
    if (!next || seen.has(next)) return out;
    seen.add(next);
    cursor = next;
  }
  throw new Error(`pagination exceeded ${maxPages} pages`);
}
