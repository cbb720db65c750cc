/**
 * Kalshi's rate limits: a read and a write token bucket per user, refilled per
 * tier; each endpoint costs tokens (default 10, V2 cancel 2, batches per item).
 * A request that cannot pay is refused whole (429) and consumes nothing.
 */

export type UsageTier = 'basic' | 'advanced' | 'premier' | 'paragon' | 'prime';

export interface Bucket {
  refillRate: number;
  capacity: number;
}

/** Tokens per second; Basic holds one second of budget, write buckets above Basic hold two. */
export const TIERS: Record<UsageTier, { read: Bucket; write: Bucket }> = {
  basic: { read: { refillRate: 200, capacity: 200 }, write: { refillRate: 100, capacity: 100 } },
  advanced: { read: { refillRate: 300, capacity: 300 }, write: { refillRate: 300, capacity: 600 } },
  premier: { read: { refillRate: 1000, capacity: 1000 }, write: { refillRate: 1000, capacity: 2000 } },
  paragon: { read: { refillRate: 2000, capacity: 2000 }, write: { refillRate: 2000, capacity: 4000 } },
  prime: { read: { refillRate: 4000, capacity: 4000 }, write: { refillRate: 4000, capacity: 8000 } },
};

export const DEFAULT_COST = 10;

/** Endpoints whose cost differs from the default (paths relative to /trade-api/v2, `{id}` = any segment). */
export const ENDPOINT_COSTS: { method: string; path: string; cost: number }[] = [
  { method: 'DELETE', path: '/portfolio/events/orders/{order_id}', cost: 2 },
  { method: 'DELETE', path: '/portfolio/events/orders', cost: 2 },
  { method: 'GET', path: '/portfolio/orders/{order_id}', cost: 2 },
];

/** Per-item costs of batch endpoints. */
export const BATCH_ITEM_COST: Record<string, number> = {
  'POST /portfolio/events/orders/batched': 10,
  'DELETE /portfolio/events/orders/batched': 2,
};

export interface RateLimitOptions {
  tier?: UsageTier;
  /** Overrides of the tier's buckets. */
  read?: Bucket;
  write?: Bucket;
  /** Wall clock (ms). */
  now?: () => number;
  /** Off = unlimited (for load tests). */
  enabled?: boolean;
}

function matches(template: string, path: string): boolean {
  const a = template.split('/');
  const b = path.split('/');
  return a.length === b.length && a.every((seg, i) => seg.startsWith('{') || seg === b[i]);
}

/** Tokens a request costs, and which bucket pays. */
export function requestCost(
  method: string,
  path: string,
  batchItems: number,
): { bucket: 'read' | 'write'; cost: number } {
  const m = method.toUpperCase();
  const bucket: 'read' | 'write' = m !== 'GET' && path.startsWith('/portfolio/') ? 'write' : 'read';
  const perItem = BATCH_ITEM_COST[`${m} ${path}`];
  if (perItem !== undefined) return { bucket, cost: perItem * Math.max(1, batchItems) };
  const special = ENDPOINT_COSTS.find((e) => e.method === m && matches(e.path, path));
  return { bucket, cost: special?.cost ?? DEFAULT_COST };
}

export class RateLimiter {
  private readonly state = new Map<string, { tokens: number; at: number }>();
  readonly tier: UsageTier;
  readonly read: Bucket;
  readonly write: Bucket;
  private readonly now: () => number;
  enabled: boolean;

  constructor(options: RateLimitOptions = {}) {
    this.tier = options.tier ?? 'basic';
    this.read = options.read ?? TIERS[this.tier].read;
    this.write = options.write ?? TIERS[this.tier].write;
    this.now = options.now ?? Date.now;
    this.enabled = options.enabled ?? true;
  }

  /** Takes `cost` tokens from the user's bucket if it holds them; false = 429. */
  take(userKey: string, bucket: 'read' | 'write', cost: number): boolean {
    if (!this.enabled) return true;
    const limits = bucket === 'read' ? this.read : this.write;
    const key = `${userKey}|${bucket}`;
    const now = this.now();
    const s = this.state.get(key) ?? { tokens: limits.capacity, at: now };
    s.tokens = Math.min(limits.capacity, s.tokens + ((now - s.at) / 1000) * limits.refillRate);
    s.at = now;
    this.state.set(key, s);
    if (s.tokens < cost) return false;
    s.tokens -= cost;
    return true;
  }

  /** Tokens left (for tests and the dashboard). */
  tokens(userKey: string, bucket: 'read' | 'write'): number {
    const limits = bucket === 'read' ? this.read : this.write;
    const s = this.state.get(`${userKey}|${bucket}`);
    if (!s) return limits.capacity;
    return Math.min(limits.capacity, s.tokens + ((this.now() - s.at) / 1000) * limits.refillRate);
  }
}
