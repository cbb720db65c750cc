/**
 * Holds a shard lease for a worker: waits to acquire it, renews it on a
 * heartbeat, and answers "may I write orders now?" locally and cheaply.
 *
 * `valid(now)` is true only while the last confirmed expiry is more than
 * `safetyMarginMs` away: the margin absorbs clock skew between tasks and the
 * time an order spends in flight. A renewal refused by the store (someone else
 * holds a newer token) marks the lease lost for good; a renewal that merely
 * failed (network) keeps retrying while validity runs down on its own.
 * For the strongest check before an order write, use `LeaseStore.assertFence`.
 *
 * Structurally matches the engine's `Lease` port: token(), valid(now), release().
 */
import type { Clock, TimerHandle } from '../clock.ts';
import { FenceError, type Lease, type LeaseStore } from './leases.ts';

export interface LeaseKeeperOptions {
  store: Pick<LeaseStore, 'acquire' | 'renew' | 'release'>;
  shardId: string;
  /** Unique per task (e.g. the ECS task id). */
  owner: string;
  clock: Clock;
  /** Lease length per acquisition/renewal. Default 15 s. */
  ttlMs?: number;
  /** Heartbeat period. Default ttl / 3. */
  renewEveryMs?: number;
  /** Local validity ends this long before the stored expiry. Default 3 s. */
  safetyMarginMs?: number;
  /** Wait between acquisition attempts while another task holds the shard. Default 2 s. */
  retryAcquireMs?: number;
  onLost?: (reason: string) => void;
  onRenewError?: (err: unknown) => void;
}

export class LeaseKeeper {
  private lease: Lease | null = null;
  private lost = false;
  private stopped = false;
  private timer: TimerHandle | null = null;
  private readonly ttlMs: number;
  private readonly renewEveryMs: number;
  private readonly marginMs: number;
  private readonly retryMs: number;

  constructor(private readonly o: LeaseKeeperOptions) {
    this.ttlMs = o.ttlMs ?? 15_000;
    this.renewEveryMs = o.renewEveryMs ?? Math.floor(this.ttlMs / 3);
    this.marginMs = o.safetyMarginMs ?? 3_000;
    this.retryMs = o.retryAcquireMs ?? 2_000;
    if (this.renewEveryMs + this.marginMs >= this.ttlMs) {
      throw new RangeError('lease: renewEveryMs + safetyMarginMs must be shorter than ttlMs');
    }
  }

  /** Resolves once the shard is ours (waits while another task holds it); rejects if stopped first. */
  async acquire(): Promise<Lease> {
    for (;;) {
      if (this.stopped) throw new Error(`lease ${this.o.shardId}: stopped before it was acquired`);
      const r = await this.o.store.acquire(this.o.shardId, this.o.owner, this.o.clock.now(), this.ttlMs);
      if (r.acquired) {
        this.lease = r.lease;
        this.lost = false;
        this.schedule();
        return r.lease;
      }
      await new Promise<void>((resolve) => {
        this.o.clock.setTimeout(resolve, this.retryMs);
      });
    }
  }

  /** The fencing token to stamp on order writes, or null if not held. */
  token(): number | null {
    return this.lease && !this.lost ? this.lease.token : null;
  }

  valid(now: number): boolean {
    return this.lease !== null && !this.lost && !this.stopped && now + this.marginMs < this.lease.expiresAt;
  }

  /** Stops the heartbeat and gives the shard up at once (SIGTERM path). */
  async release(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
    const held = this.lease;
    if (held && !this.lost) await this.o.store.release(held, this.o.clock.now());
  }

  private schedule(): void {
    if (this.stopped || this.lost) return;
    this.timer = this.o.clock.setTimeout(() => void this.heartbeat(), this.renewEveryMs);
  }

  private async heartbeat(): Promise<void> {
    const held = this.lease;
    if (!held || this.stopped || this.lost) return;
    try {
      this.lease = await this.o.store.renew(held, this.o.clock.now(), this.ttlMs);
    } catch (err) {
      if (err instanceof FenceError) {
        this.lost = true;
        this.o.onLost?.(err.reason);
        return;
      }
      this.o.onRenewError?.(err);
    }
    this.schedule();
  }
}
