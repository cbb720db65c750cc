/**
 * The worker's ExchangeGateway straight onto the simulator's matching engine,
 * in the same process: no HTTP, no signatures, no JSON. What the wire would do
 * is kept where it changes decisions:
 *
 * - latency: a write reaches the engine one order-entry draw after it is sent
 *   and its answer comes back one draw later, on the backtest clock; listings
 *   are taken when the request arrives;
 * - the REST client's token buckets (shared/kalshi/rate-limiter.ts, the very
 *   class the worker uses) pace writes on scenario time, with the client's
 *   priorities (cancels first);
 * - the write fence: a create or amend decided before the kill switch tripped
 *   is refused before it leaves, as KalshiRestClient does;
 * - the exchange's refusals (ExchangeError) come back as `rejected` with
 *   Kalshi's code; the simulator's REST faults that do not need a socket
 *   (429 and 5xx bursts, applied-but-504 writes, lying cancels, slow answers)
 *   act here as they do in sim/kalshi/index.ts.
 *
 * Listings of events go through the production KalshiGateway over the
 * simulator's own REST handlers (the same JSON, parsed by the same schemas),
 * so discovery, fee schedules and milestones read exactly as in paper mode.
 */
import type { Clock } from '../../shared/clock.ts';
import { KalshiRateLimiter, PRIORITY, type Priority } from '../../shared/kalshi/rate-limiter.ts';
import type { KalshiRestClient } from '../../shared/kalshi/rest-client.ts';
import { GetEventsResponseSchema, GetSeriesResponseSchema } from '../../shared/kalshi/schemas/rest.ts';
import type { Centis } from '../../shared/units.ts';
import { KalshiGateway } from '../../worker/engine/adapters/kalshi-gateway.ts';
import type {
  AmendOrderRequest,
  CancelAck,
  CancelOrderRequest,
  CreateOrderRequest,
  DecreaseOrderRequest,
  ExchangeGateway,
  ExchangeOrder,
  ExchangePosition,
  ListedEvent,
  OrderAck,
  WriteOutcome,
} from '../../worker/engine/ports.ts';
import { ExchangeError, type KalshiEngine } from '../kalshi/engine.ts';
import type { Faults } from '../kalshi/faults.ts';
import { RateLimiter, TIERS } from '../kalshi/ratelimit.ts';
import { handleRest } from '../kalshi/rest.ts';
import type { LatencySampler } from './latency.ts';

type Failure = Extract<WriteOutcome<never>, { ok: false }>;

export interface InMemoryGatewayOptions {
  engine: KalshiEngine;
  userId: string;
  clock: Clock;
  /** One-way order-entry latency. */
  latency: LatencySampler;
  faults: Faults;
  /** The session's write fence (creates and amends are refused while it is closed). */
  writeFence?: () => string | null;
  /** Pace writes with the REST client's token buckets (default true); the kill switch's own client does not. */
  limited?: boolean;
}

/** Counts of what crossed the in-memory wire (the run's summary). */
export interface GatewayStats {
  writes: number;
  reads: number;
  rejected: number;
  rateLimited: number;
  /** When the exchange last served a request of ours (-1: never). */
  lastRequestMs: number;
}

function rejected(e: unknown): Failure {
  if (e instanceof ExchangeError) {
    if (e.status === 429) return { ok: false, kind: 'rate_limited', code: '429', message: e.message };
    if (e.status >= 500) return { ok: false, kind: 'unknown', code: String(e.status), message: e.message };
    return { ok: false, kind: 'rejected', code: e.code, message: e.message };
  }
  throw e;
}

export class InMemoryGateway implements ExchangeGateway {
  readonly stats: GatewayStats = { writes: 0, reads: 0, rejected: 0, rateLimited: 0, lastRequestMs: -1 };
  private readonly limiter: KalshiRateLimiter | null;
  private readonly listing: KalshiGateway;

  constructor(private readonly o: InMemoryGatewayOptions) {
    // The simulator's Basic tier, as the worker reads it from /account/limits at start-up.
    const tier = TIERS.basic;
    this.limiter =
      o.limited === false
        ? null
        : new KalshiRateLimiter(o.clock, {
            read: { refillPerSec: tier.read.refillRate, capacity: tier.read.capacity },
            write: { refillPerSec: tier.write.refillRate, capacity: tier.write.capacity },
          });
    const ctx = {
      engine: o.engine,
      faults: o.faults,
      limiter: new RateLimiter({ enabled: false }),
      later: (fn: () => void, ms: number) => o.clock.setTimeout(fn, ms),
    };
    const get = (path: string, query: Record<string, string | undefined>) => {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, v);
      const r = handleRest(ctx, { method: 'GET', path, query: q, body: undefined, userId: o.userId });
      if (r.status !== 200) throw new Error(`GET ${path}: ${r.status}`);
      return r.body;
    };
    // A listing is mostly the same bytes as the last one of its series: the schema's answer for those
    // bytes is the last parse's (zod's decoding was most of a listing's cost; the text is compared whole).
    const lastParse = new Map<string, { text: string; parsed: unknown }>();
    const parsed = <T>(key: string, body: unknown, parse: (b: unknown) => T): T => {
      const text = JSON.stringify(body);
      const last = lastParse.get(key);
      if (last?.text === text) return last.parsed as T;
      const out = parse(body);
      lastParse.set(key, { text, parsed: out });
      return out;
    };
    // Only the two reads KalshiGateway.listEvents makes.
    const client = {
      getSeries: async (ticker: string) =>
        parsed(`series ${ticker}`, get(`/series/${encodeURIComponent(ticker)}`, {}), (b) =>
          GetSeriesResponseSchema.parse(b),
        ).series,
      getEvents: async (q: Record<string, unknown>) => {
        const query = {
          series_ticker: q.series_ticker as string | undefined,
          status: q.status as string | undefined,
          with_nested_markets: q.with_nested_markets ? 'true' : undefined,
          with_milestones: q.with_milestones ? 'true' : undefined,
          limit: q.limit === undefined ? undefined : String(q.limit),
          cursor: q.cursor as string | undefined,
        };
        return parsed(`events ${JSON.stringify(query)}`, get('/events', query), (b) =>
          GetEventsResponseSchema.parse(b),
        );
      },
    };
    this.listing = new KalshiGateway(client as unknown as KalshiRestClient, { now: () => o.clock.now() });
  }

  /** Resolves after `ms` of backtest time. */
  private wait(ms: number): Promise<void> {
    return new Promise((r) => this.o.clock.setTimeout(r, ms));
  }

  /** One request: tokens, then the trip there (plus a slow-response fault), the action, the trip back. */
  private async request<T>(
    bucket: 'read' | 'write',
    cost: number,
    priority: Priority,
    apply: () => T,
    fenced = false,
  ): Promise<T | Failure> {
    if (this.limiter && cost > 0) await this.limiter.acquire(bucket, cost, priority);
    if (fenced) {
      const closed = this.o.writeFence?.() ?? null;
      if (closed !== null)
        return {
          ok: false,
          kind: 'rejected',
          code: 'fenced',
          message: `not sent, writes are fenced (${closed})`,
        };
    }
    const f = this.o.faults;
    await this.wait(this.o.latency.sample() + f.current.slowResponseMs);
    if (bucket === 'write') this.stats.writes++;
    else this.stats.reads++;
    this.stats.lastRequestMs = this.o.clock.now();
    if (f.take429()) {
      this.stats.rateLimited++;
      await this.wait(this.o.latency.sample());
      return { ok: false, kind: 'rate_limited', code: '429', message: 'too many requests' };
    }
    const fivexx = f.take5xx();
    if (fivexx !== null) {
      await this.wait(this.o.latency.sample());
      return { ok: false, kind: 'unknown', code: String(fivexx), message: 'simulated outage' };
    }
    const value = apply();
    const appliedError = bucket === 'write' && f.takeAppliedError();
    await this.wait(this.o.latency.sample());
    if (appliedError)
      return { ok: false, kind: 'unknown', code: '504', message: 'upstream request timed out' };
    return value;
  }

  private async read<T>(apply: () => T): Promise<T> {
    const r = await this.request('read', 10, PRIORITY.read, apply);
    if (r && typeof r === 'object' && 'ok' in r && r.ok === false && 'kind' in r)
      throw new Error(`listing failed: ${(r as Failure).message}`);
    return r as T;
  }

  async listEvents(seriesTicker: string): Promise<ListedEvent[]> {
    // Two reads (series, events) as the REST gateway makes them.
    if (this.limiter) await this.limiter.acquire('read', 20, PRIORITY.read);
    await this.wait(this.o.latency.sample());
    this.stats.reads += 2;
    this.stats.lastRequestMs = this.o.clock.now();
    const events = await this.listing.listEvents(seriesTicker);
    await this.wait(this.o.latency.sample());
    return events;
  }

  async createOrders(orders: readonly CreateOrderRequest[]): Promise<WriteOutcome<OrderAck>[]> {
    if (orders.length === 0) return [];
    const r = await this.request(
      'write',
      10 * orders.length,
      PRIORITY.create,
      () =>
        orders.map((req): WriteOutcome<OrderAck> => {
          try {
            const p = this.o.engine.placeOrder(this.o.userId, {
              ticker: req.ticker,
              side: req.side,
              price: req.price,
              count: req.count,
              timeInForce: 'good_till_canceled',
              selfTradePrevention: 'taker_at_cross',
              clientOrderId: req.clientOrderId,
              postOnly: req.postOnly,
              cancelOrderOnPause: req.cancelOnPause,
              ...(req.orderGroupId === undefined ? {} : { orderGroupId: req.orderGroupId }),
              ...(req.expirationTime === undefined ? {} : { expirationTime: req.expirationTime }),
              ...(req.exchangeIndex === undefined ? {} : { exchangeIndex: req.exchangeIndex }),
            });
            return this.acked(p.order, p.order.filled);
          } catch (e) {
            this.stats.rejected++;
            return rejected(e);
          }
        }),
      true,
    );
    return Array.isArray(r) ? r : orders.map(() => r);
  }

  async amendOrder(req: AmendOrderRequest): Promise<WriteOutcome<OrderAck>> {
    return this.request(
      'write',
      10,
      PRIORITY.write,
      (): WriteOutcome<OrderAck> => {
        try {
          const p = this.o.engine.amendOrder(this.o.userId, req.orderId, {
            ticker: req.ticker,
            side: req.side,
            price: req.price,
            count: req.count,
          });
          return this.acked(p.order, p.order.filled);
        } catch (e) {
          this.stats.rejected++;
          return rejected(e);
        }
      },
      true,
    );
  }

  async decreaseOrder(req: DecreaseOrderRequest): Promise<WriteOutcome<OrderAck>> {
    return this.request('write', 10, PRIORITY.write, (): WriteOutcome<OrderAck> => {
      try {
        const o = this.o.engine.decreaseOrder(this.o.userId, req.orderId, { reduceTo: req.reduceTo });
        // Kalshi's decrease response carries no fill count.
        return this.acked(o, null);
      } catch (e) {
        this.stats.rejected++;
        return rejected(e);
      }
    });
  }

  async cancelOrders(reqs: readonly CancelOrderRequest[]): Promise<WriteOutcome<CancelAck>[]> {
    if (reqs.length === 0) return [];
    const r = await this.request('write', 2 * reqs.length, PRIORITY.cancel, () =>
      reqs.map((req): WriteOutcome<CancelAck> => this.cancelOne(req)),
    );
    return Array.isArray(r) ? r : reqs.map(() => r);
  }

  /** A write's answer as the REST adapter gives it: the order's state now, on the exchange's clock. */
  private acked(
    o: { orderId: string; clientOrderId: string; remaining: Centis },
    filled: Centis | null,
  ): WriteOutcome<OrderAck> {
    return {
      ok: true,
      value: {
        orderId: o.orderId,
        clientOrderId: o.clientOrderId || null,
        remaining: o.remaining,
        filled,
        tsMs: this.o.engine.now(),
      },
    };
  }

  private cancelOne(req: CancelOrderRequest): WriteOutcome<CancelAck> {
    const engine = this.o.engine;
    const target = engine.order(req.orderId);
    if (!target || target.userId !== this.o.userId) {
      this.stats.rejected++;
      return { ok: false, kind: 'rejected', code: 'not_found', message: 'order not found' };
    }
    const lie = this.o.faults.current.lyingCancelMs;
    try {
      if (lie > 0 && target.status === 'resting') {
        // Success now; the order keeps resting (and can still trade) for `lie` ms.
        this.o.faults.counts.lyingCancels++;
        const reducedBy = target.remaining;
        this.o.clock.setTimeout(() => {
          try {
            engine.cancelOrder(this.o.userId, req.orderId);
          } catch {
            // the market may have closed meanwhile; nothing left to cancel
          }
        }, lie);
        return { ok: true, value: { orderId: req.orderId, reducedBy } };
      }
      const c = engine.cancelOrder(this.o.userId, req.orderId);
      return { ok: true, value: { orderId: req.orderId, reducedBy: c.reducedBy } };
    } catch (e) {
      this.stats.rejected++;
      return rejected(e);
    }
  }

  async listRestingOrders(): Promise<ExchangeOrder[]> {
    return this.read(() =>
      this.o.engine.restingOrders(this.o.userId).map((o) => ({
        orderId: o.orderId,
        clientOrderId: o.clientOrderId || null,
        ticker: o.ticker,
        exchangeIndex: o.exchangeIndex,
        side: o.side,
        price: o.price,
        remaining: o.remaining,
        filled: o.filled,
        ...(o.orderGroupId ? { orderGroupId: o.orderGroupId } : {}),
      })),
    );
  }

  async listPositions(): Promise<ExchangePosition[]> {
    return this.read(() => {
      const lag = this.o.faults.current.positionLagMs;
      const cutoff = this.o.engine.now() - lag;
      const recent = lag > 0 ? this.o.engine.fills(this.o.userId).filter((f) => f.createdMs > cutoff) : [];
      return this.o.engine
        .positions(this.o.userId)
        .map((p) => {
          // Under the position-lag fault, fills younger than the lag are not in the position yet.
          const signed = recent
            .filter((f) => f.ticker === p.ticker)
            .reduce((s, f) => s + (f.side === 'bid' ? f.count : -f.count), 0);
          return { ticker: p.ticker, position: p.position - signed };
        })
        .filter((p) => p.position !== 0);
    });
  }

  private async groupWrite<T>(apply: () => T): Promise<T> {
    const r = await this.request('write', 10, PRIORITY.write, apply);
    if (r && typeof r === 'object' && 'ok' in r && (r as Failure).ok === false && 'kind' in r)
      throw new Error(`order group request failed: ${(r as Failure).message}`);
    return r as T;
  }

  async createOrderGroup(contractsLimit: Centis, exchangeIndex?: number): Promise<string> {
    return this.groupWrite(
      () => this.o.engine.createOrderGroup(this.o.userId, contractsLimit, exchangeIndex ?? 0).orderGroupId,
    );
  }

  async resetOrderGroup(orderGroupId: string): Promise<void> {
    await this.groupWrite(() => this.o.engine.resetOrderGroup(this.o.userId, orderGroupId));
  }

  async deleteOrderGroup(orderGroupId: string): Promise<void> {
    await this.groupWrite(() => this.o.engine.deleteOrderGroup(this.o.userId, orderGroupId));
  }

  async setOrderGroupLimit(orderGroupId: string, contractsLimit: Centis): Promise<void> {
    await this.groupWrite(() =>
      this.o.engine.setOrderGroupLimit(this.o.userId, orderGroupId, contractsLimit),
    );
  }

  async listOrderGroups(): Promise<string[]> {
    return this.read(() => this.o.engine.orderGroups(this.o.userId).map((g) => g.orderGroupId));
  }

  async cancelAll(): Promise<void> {
    await this.groupWrite(() => this.o.engine.cancelAll(this.o.userId));
  }
}
