/**
 * Client-side mirror of Kalshi's token buckets, so the exchange's 429 (which
 * carries no Retry-After) is the exception rather than the flow control.
 *
 * Two buckets, read and write, sized from `GET /account/limits`; per-endpoint
 * costs from `GET /account/endpoint_costs` (default cost otherwise); batches
 * billed per item. When a bucket is short, waiting requests are served by
 * priority: cancels first, then other writes, creates last (FIFO within a
 * priority), because a cancel that waits behind a create is risk that waits.
 *
 * The write bucket is also the engine's one write budget (worker/engine/write-budget.ts):
 * the engine `reserve`s tokens synchronously when it decides a write, and the
 * request's own `acquire` spends that credit instead of taking the tokens a
 * second time. One bucket, sized from `/account/limits`, mirrors the exchange's.
 */
import type { Clock, TimerHandle } from '../clock.ts';
import type { EndpointCost, GetAccountLimitsResponse, GetEndpointCostsResponse } from './schemas/rest.ts';

export type BucketName = 'read' | 'write';

/** Lower runs first. */
export const PRIORITY = { cancel: 0, write: 1, read: 1, create: 2 } as const;
export type Priority = (typeof PRIORITY)[keyof typeof PRIORITY];

export interface BucketConfig {
  /** Tokens added per second. */
  refillPerSec: number;
  capacity: number;
}

/** Kalshi's Basic tier (200 read / 100 write tokens per second, one second of burst), used until configured. */
export const BASIC_TIER: { read: BucketConfig; write: BucketConfig } = {
  read: { refillPerSec: 200, capacity: 200 },
  write: { refillPerSec: 100, capacity: 100 },
};

/** Published costs that differ from the default of 10, used until the exchange's table is read. */
export const DEFAULT_ENDPOINT_COSTS: EndpointCost[] = [
  { method: 'DELETE', path: '/portfolio/events/orders/{order_id}', cost: 2 },
  { method: 'DELETE', path: '/portfolio/events/orders/batched', cost: 2 },
  { method: 'DELETE', path: '/portfolio/events/orders', cost: 2 },
  { method: 'GET', path: '/portfolio/orders/{order_id}', cost: 2 },
];

export class RateLimitError extends Error {
  override name = 'RateLimitError';
}

interface Waiter {
  cost: number;
  priority: number;
  seq: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

/** Reserved tokens not yet spent by a request are forfeited after this long (never refunded: only under-use). */
export const CREDIT_TTL_MS = 1_000;

class Bucket {
  tokens: number;
  last: number;
  readonly queue: Waiter[] = [];
  /** Tokens reserved by the engine for requests about to be made, oldest first. */
  readonly credit: { cost: number; atMs: number }[] = [];
  timer: TimerHandle | null = null;

  constructor(
    public config: BucketConfig,
    now: number,
  ) {
    this.tokens = config.capacity;
    this.last = now;
  }

  refill(now: number): void {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.tokens = Math.min(this.config.capacity, this.tokens + elapsed * this.config.refillPerSec);
    this.last = now;
  }

  /** Spends up to `cost` of the unexpired credit; returns how much it covered. */
  spendCredit(cost: number, now: number): number {
    this.expireCredit(now);
    let covered = 0;
    while (covered < cost && this.credit.length > 0) {
      const c = this.credit[0]!;
      const take = Math.min(c.cost, cost - covered);
      covered += take;
      c.cost -= take;
      if (c.cost <= 0) this.credit.shift();
    }
    return covered;
  }

  expireCredit(now: number): void {
    while (this.credit.length > 0 && now - this.credit[0]!.atMs > CREDIT_TTL_MS) this.credit.shift();
  }
}

interface CostRule {
  method: string;
  pattern: RegExp;
  cost: number;
  /** [placeholders, −path length]: lower sorts first (more specific). */
  specificity: [number, number];
}

const API_PREFIX = '/trade-api/v2';

function ruleOf(c: EndpointCost): CostRule {
  const path = c.path.startsWith(API_PREFIX) ? c.path.slice(API_PREFIX.length) : c.path;
  const escaped = path
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  const placeholders = (path.match(/\{[^}]+\}/g) ?? []).length;
  return {
    method: c.method.toUpperCase(),
    pattern: new RegExp(`^${escaped}/?$`),
    cost: c.cost,
    specificity: [placeholders, -path.length],
  };
}

/**
 * Most specific rule first: `/orders/batched` must not be priced by `/orders/{order_id}`,
 * whatever order the exchange's table lists them in (fewer placeholders, then longer paths).
 */
function bySpecificity(rules: CostRule[]): CostRule[] {
  return rules.sort((a, b) => a.specificity[0] - b.specificity[0] || a.specificity[1] - b.specificity[1]);
}

export interface LimiterOptions {
  /**
   * This process's share of the account's buckets (0 < share ≤ 1): the worker's N shards trade one
   * account, whose buckets they split evenly (1/N each) rather than each spending all of it.
   */
  share?: number;
}

export class KalshiRateLimiter {
  private readonly buckets: Record<BucketName, Bucket>;
  private defaultCost = 10;
  private rules: CostRule[] = bySpecificity(DEFAULT_ENDPOINT_COSTS.map(ruleOf));
  private seq = 0;
  /** The account's buckets, before our share of them is taken. */
  private account: Record<BucketName, BucketConfig>;
  private share = 1;

  constructor(
    private readonly clock: Clock,
    config: { read: BucketConfig; write: BucketConfig } = BASIC_TIER,
    opts: LimiterOptions = {},
  ) {
    const now = clock.now();
    this.account = { read: config.read, write: config.write };
    this.buckets = { read: new Bucket(config.read, now), write: new Bucket(config.write, now) };
    if (opts.share !== undefined) this.setShare(opts.share);
  }

  /** Paces on `share` of the account's buckets from now on (see `LimiterOptions.share`). */
  setShare(share: number): void {
    if (!(share > 0 && share <= 1)) throw new RangeError(`limiter share must be in (0, 1], got ${share}`);
    this.share = share;
    this.resize();
  }

  /** Adopts the account's real limits (our share of them) and cost table (call at startup with both responses). */
  configure(limits: GetAccountLimitsResponse, costs?: GetEndpointCostsResponse): void {
    if (costs) {
      this.defaultCost = costs.default_cost;
      this.rules = bySpecificity(costs.endpoint_costs.map(ruleOf));
    }
    for (const name of ['read', 'write'] as const)
      this.account[name] = { refillPerSec: limits[name].refill_rate, capacity: limits[name].bucket_capacity };
    this.resize();
  }

  /**
   * Each bucket becomes our share of the account's. The capacity never drops below one ordinary
   * request (the default cost): a share too small to hold one would refuse every request instead of
   * pacing it.
   */
  private resize(): void {
    const now = this.clock.now();
    for (const name of ['read', 'write'] as const) {
      const b = this.buckets[name];
      const c = this.account[name];
      b.refill(now);
      b.config =
        this.share === 1
          ? c
          : {
              refillPerSec: c.refillPerSec * this.share,
              capacity: Math.min(c.capacity, Math.max(c.capacity * this.share, this.defaultCost)),
            };
      b.tokens = Math.min(b.tokens, b.config.capacity);
    }
    this.pump('read');
    this.pump('write');
  }

  /** Token cost of one call; `path` relative to /trade-api/v2, without query. Batches: multiply by items. */
  costOf(method: string, path: string): number {
    const m = method.toUpperCase();
    const p = path.startsWith(API_PREFIX) ? path.slice(API_PREFIX.length) : path;
    for (const r of this.rules) if (r.method === m && r.pattern.test(p)) return r.cost;
    return this.defaultCost;
  }

  /**
   * Takes `cost` tokens now for a request about to be made (the engine's write budget): its `acquire` then
   * spends this credit. False, nothing taken, when the tokens are not there or requests already wait for
   * them. `force` takes them even into debt (a cancel only removes risk; it delays what follows).
   */
  reserve(bucket: BucketName, cost: number, force = false): boolean {
    const b = this.buckets[bucket];
    const now = this.clock.now();
    b.refill(now);
    if (!force && (b.queue.length > 0 || b.tokens + 1e-9 < cost)) return false;
    b.tokens -= cost;
    b.expireCredit(now);
    b.credit.push({ cost, atMs: now });
    return true;
  }

  /** Milliseconds until `cost` tokens could be reserved: after every request already waiting. */
  waitMs(bucket: BucketName, cost: number): number {
    const b = this.buckets[bucket];
    b.refill(this.clock.now());
    const need = cost + b.queue.reduce((s, w) => s + w.cost, 0) - b.tokens;
    return need <= 1e-9 ? 0 : Math.ceil((need * 1000) / b.config.refillPerSec);
  }

  /**
   * Resolves when `cost` tokens were taken (reserved credit first). A cost above the bucket's capacity
   * can never pass and is refused.
   */
  acquire(bucket: BucketName, cost: number, priority: Priority): Promise<void> {
    return this.acquireNow(bucket, cost, priority) ?? Promise.resolve();
  }

  /**
   * `acquire` without a promise turn when it can: null when the tokens (or the credit) were taken now,
   * synchronously; otherwise `acquire`'s promise (a wait in the queue, or the refusal). The write path
   * calls this before `sign()`: an `await` on an already-resolved promise still costs a turn of the loop.
   */
  acquireNow(bucket: BucketName, cost: number, priority: Priority): Promise<void> | null {
    const b = this.buckets[bucket];
    const now = this.clock.now();
    if (cost > 0) cost -= b.spendCredit(cost, now);
    if (cost > b.config.capacity) {
      return Promise.reject(
        new RateLimitError(
          `request costs ${cost} tokens but the ${bucket} bucket holds ${b.config.capacity}: split the batch`,
        ),
      );
    }
    if (cost <= 0) return null;
    // Nobody waits and the tokens are there: what `pump` would do at once, without the promise.
    if (b.queue.length === 0) {
      b.refill(now);
      if (b.tokens + 1e-9 >= cost) {
        b.tokens -= cost;
        return null;
      }
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { cost, priority, seq: this.seq++, resolve, reject };
      const i = b.queue.findIndex((q) => q.priority > priority);
      if (i === -1) b.queue.push(w);
      else b.queue.splice(i, 0, w);
      this.pump(bucket);
    });
  }

  /** The exchange said 429: our mirror was optimistic, so empty the bucket and let it refill. */
  drain(bucket: BucketName): void {
    const b = this.buckets[bucket];
    b.refill(this.clock.now());
    b.tokens = 0;
  }

  snapshot(): Record<BucketName, { tokens: number; capacity: number; refillPerSec: number; queued: number }> {
    const now = this.clock.now();
    const view = (b: Bucket) => {
      b.refill(now);
      return {
        tokens: b.tokens,
        capacity: b.config.capacity,
        refillPerSec: b.config.refillPerSec,
        queued: b.queue.length,
      };
    };
    return { read: view(this.buckets.read), write: view(this.buckets.write) };
  }

  /** Rejects every waiter (shutdown). */
  close(): void {
    for (const name of ['read', 'write'] as const) {
      const b = this.buckets[name];
      if (b.timer) this.clock.clearTimeout(b.timer);
      b.timer = null;
      for (const w of b.queue.splice(0)) w.reject(new RateLimitError('rate limiter closed'));
    }
  }

  private pump(name: BucketName): void {
    const b = this.buckets[name];
    if (b.timer) {
      this.clock.clearTimeout(b.timer);
      b.timer = null;
    }
    b.refill(this.clock.now());
    for (;;) {
      const head = b.queue[0];
      if (!head) return;
      if (b.tokens + 1e-9 >= head.cost) {
        b.tokens -= head.cost;
        b.queue.shift();
        head.resolve();
        continue;
      }
      const waitMs = Math.max(1, Math.ceil(((head.cost - b.tokens) / b.config.refillPerSec) * 1000));
      b.timer = this.clock.setTimeout(() => {
        b.timer = null;
        this.pump(name);
      }, waitMs);
      return;
    }
  }
}
