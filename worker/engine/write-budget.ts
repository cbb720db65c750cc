/**
 * The engine's view of the one write budget: the REST rate limiter's write
 * bucket (shared/kalshi/rate-limiter.ts), sized from `GET /account/limits`,
 * so the engine spends the exchange's tokens deliberately instead of
 * discovering the limit through 429s — and never from a second mirror that
 * drifts from the bucket the requests actually wait on. A token the engine
 * takes here is credit the request's own acquire then spends.
 *
 * Cancels are never refused (they only remove risk) but they still spend
 * tokens, which may push the balance below zero and delay the next create.
 *
 * Without a REST client (tests, the in-process backtest) the budget owns a
 * limiter of its own with the configured bucket.
 */
import type { Clock } from '../../shared/clock.ts';
import { BASIC_TIER, KalshiRateLimiter } from '../../shared/kalshi/rate-limiter.ts';

/** An order write, as the budget prices it. */
export type OrderWriteKind = 'create' | 'amend' | 'decrease' | 'cancel';

/**
 * The REST calls each write may go out as (single or batched: the gateway picks), priced by the
 * dearer: a reservation short of what the request costs would make it queue for the rest.
 */
const CALLS: Record<OrderWriteKind, [method: string, path: string][]> = {
  create: [
    ['POST', '/portfolio/events/orders'],
    ['POST', '/portfolio/events/orders/batched'],
  ],
  amend: [['POST', '/portfolio/events/orders/_/amend']],
  decrease: [['POST', '/portfolio/events/orders/_/decrease']],
  cancel: [
    ['DELETE', '/portfolio/events/orders/_'],
    ['DELETE', '/portfolio/events/orders/batched'],
  ],
};

export class WriteBudget {
  private readonly limiter: KalshiRateLimiter;
  /** Whether the costs come from the REST client's table (the exchange's, once configured). */
  private readonly priced: boolean;

  /** A budget over the REST client's limiter (production), or a standalone bucket of this size. */
  constructor(limiter: KalshiRateLimiter);
  constructor(clock: Clock, tokensPerSec: number, capacity: number);
  constructor(source: KalshiRateLimiter | Clock, tokensPerSec = 0, capacity = 0) {
    this.priced = source instanceof KalshiRateLimiter;
    this.limiter =
      source instanceof KalshiRateLimiter
        ? source
        : new KalshiRateLimiter(source, {
            read: BASIC_TIER.read,
            write: { refillPerSec: tokensPerSec, capacity },
          });
  }

  /**
   * Tokens one order write costs by the REST client's table (`/account/endpoint_costs`), so a
   * reservation is what its request will spend; undefined for a standalone budget (the caller's
   * configured costs apply).
   */
  costOf(kind: OrderWriteKind): number | undefined {
    if (!this.priced) return undefined;
    return Math.max(...CALLS[kind].map(([method, path]) => this.limiter.costOf(method, path)));
  }

  /** Takes `cost` tokens if available; false (nothing taken) otherwise. */
  tryTake(cost: number): boolean {
    return this.limiter.reserve('write', cost);
  }

  /** Takes `cost` tokens unconditionally (cancels). */
  force(cost: number): void {
    this.limiter.reserve('write', cost, true);
  }

  /** Milliseconds until `cost` tokens are available. */
  waitMs(cost: number): number {
    return this.limiter.waitMs('write', cost);
  }

  available(): number {
    return this.limiter.snapshot().write.tokens;
  }
}
