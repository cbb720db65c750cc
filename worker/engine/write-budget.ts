/**
 * A local mirror of Kalshi's write token bucket, so the engine spends its
 * budget deliberately instead of discovering the limit through 429s. Cancels
 * are never refused (they only remove risk) but they still spend tokens, which
 * may push the balance below zero and delay the next create.
 */
import type { Clock } from '../../shared/clock.ts';

export class WriteBudget {
  private tokens: number;
  private at: number;

  constructor(
    private readonly clock: Clock,
    private readonly tokensPerSec: number,
    private readonly capacity: number,
  ) {
    this.tokens = capacity;
    this.at = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) * this.tokensPerSec) / 1000);
    this.at = now;
  }

  /** Takes `cost` tokens if available; false (nothing taken) otherwise. */
  tryTake(cost: number): boolean {
    this.refill();
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /** Takes `cost` tokens unconditionally (cancels). */
  force(cost: number): void {
    this.refill();
    this.tokens -= cost;
  }

  /** Milliseconds until `cost` tokens are available. */
  waitMs(cost: number): number {
    this.refill();
    return this.tokens >= cost ? 0 : Math.ceil(((cost - this.tokens) * 1000) / this.tokensPerSec);
  }

  available(): number {
    this.refill();
    return this.tokens;
  }
}
