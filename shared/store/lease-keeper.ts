/**
 * Holds a shard lease for a worker: waits to acquire it, renews it on a
 * heartbeat, and answers "may I write orders now?" locally and cheaply.
 *
 * `valid(now)` is true only while the last confirmed expiry is more than
 * `safetyMarginMs` away. The margin must exceed the longest an order write can
 * spend in flight (`maxWriteMs`, the REST client's per-attempt request timeout,
 * re-checked before every attempt) plus the clock skew between tasks: a write
 * let through at the last valid instant has then reached the exchange before
 * the stored expiry, when another task may take the shard. The constructor
 * refuses a smaller margin. A renewal refused by the store (someone else holds
 * a newer token) marks the lease lost for good; a renewal that merely failed
 * (network, a DynamoDB blip) is reported (`onRenewError`) and retried promptly
 * on a backoff floor (`retryRenewMs` doubling up to `maxRetryRenewMs`), not a
 * whole period later: validity runs down meanwhile, and a blip that outlasts it
 * should cost no more than the floor once the store answers again. Renewals are
 * never concurrent (a late conditional write must not shorten a newer expiry).
 * With `layoutCheck`, a freshly taken lease is given back (and the keeper waits)
 * while a worker of another shard layout still runs (shard-layout.ts).
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
  /** Lease length per acquisition/renewal. Default 30 s. */
  ttlMs?: number;
  /** Heartbeat period. Default ttl / 6 (5 s). */
  renewEveryMs?: number;
  /** First wait after a failed renewal, doubling up to maxRetryRenewMs. Default 250 ms. */
  retryRenewMs?: number;
  /** Longest wait between renewal attempts while they fail. Default 1 s (never more than renewEveryMs). */
  maxRetryRenewMs?: number;
  /** Longest an order write spends in flight (the REST per-attempt timeout). Default 8 s. */
  maxWriteMs?: number;
  /** Clock skew allowed between tasks. Default 2 s. */
  clockSkewMs?: number;
  /** Local validity ends this long before the stored expiry. Default maxWriteMs + clockSkewMs + 1 s; never less than maxWriteMs + clockSkewMs. */
  safetyMarginMs?: number;
  /** Recorded on the lease: this worker's SHARD_COUNT (shard-layout.ts). */
  shardCount?: number;
  /** After taking the lease: a live lease of another layout, or null. Non-null: give it back and wait. */
  layoutCheck?: () => Promise<Lease | null>;
  onLayoutWait?: (holder: Lease) => void;
  /** Wait between acquisition attempts while another task holds the shard. Default 2 s. */
  retryAcquireMs?: number;
  onLost?: (reason: string) => void;
  onRenewError?: (err: unknown) => void;
}

/** The REST client's per-attempt request timeout (shared/kalshi/rest-client.ts DEFAULT_TIMEOUTS.requestMs). */
export const DEFAULT_MAX_WRITE_MS = 8_000;
export const DEFAULT_CLOCK_SKEW_MS = 2_000;
export const DEFAULT_LEASE_TTL_MS = 30_000;

export class LeaseKeeper {
  private lease: Lease | null = null;
  private lost = false;
  private stopped = false;
  private timer: TimerHandle | null = null;
  private readonly ttlMs: number;
  private readonly renewEveryMs: number;
  private readonly marginMs: number;
  private readonly retryMs: number;
  private readonly retryRenewMs: number;
  private readonly maxRetryRenewMs: number;
  /** Consecutive failed renewals (network), for the retry floor. */
  private renewFailures = 0;

  constructor(private readonly o: LeaseKeeperOptions) {
    this.ttlMs = o.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    this.renewEveryMs = o.renewEveryMs ?? Math.floor(this.ttlMs / 6);
    const inFlight = (o.maxWriteMs ?? DEFAULT_MAX_WRITE_MS) + (o.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS);
    this.marginMs = o.safetyMarginMs ?? inFlight + 1_000;
    this.retryMs = o.retryAcquireMs ?? 2_000;
    this.maxRetryRenewMs = Math.max(1, Math.min(o.maxRetryRenewMs ?? 1_000, this.renewEveryMs));
    this.retryRenewMs = Math.max(1, Math.min(o.retryRenewMs ?? 250, this.maxRetryRenewMs));
    if (this.marginMs < inFlight) {
      throw new RangeError(
        `lease: safetyMarginMs (${this.marginMs}) must cover maxWriteMs + clockSkewMs (${inFlight}): a write could still be in flight when another task takes the shard`,
      );
    }
    if (this.renewEveryMs + this.marginMs >= this.ttlMs) {
      throw new RangeError('lease: renewEveryMs + safetyMarginMs must be shorter than ttlMs');
    }
  }

  /** Resolves once the shard is ours (waits while another task holds it); rejects if stopped first. */
  async acquire(): Promise<Lease> {
    for (;;) {
      if (this.stopped) throw new Error(`lease ${this.o.shardId}: stopped before it was acquired`);
      const r = await this.o.store.acquire(
        this.o.shardId,
        this.o.owner,
        this.o.clock.now(),
        this.ttlMs,
        this.o.shardCount,
      );
      if (r.acquired) {
        const other = this.o.layoutCheck ? await this.o.layoutCheck() : null;
        if (other === null) {
          this.lease = r.lease;
          this.lost = false;
          this.schedule();
          return r.lease;
        }
        // A worker of another layout still trades (a re-shard in progress): not ours to trade yet.
        this.o.onLayoutWait?.(other);
        await this.o.store.release(r.lease, this.o.clock.now());
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

  private schedule(waitMs = this.renewEveryMs): void {
    if (this.stopped || this.lost) return;
    this.timer = this.o.clock.setTimeout(() => void this.heartbeat(), waitMs);
  }

  private async heartbeat(): Promise<void> {
    const held = this.lease;
    if (!held || this.stopped || this.lost) return;
    try {
      this.lease = await this.o.store.renew(held, this.o.clock.now(), this.ttlMs);
      this.renewFailures = 0;
    } catch (err) {
      if (err instanceof FenceError) {
        this.lost = true;
        this.o.onLost?.(err.reason);
        return;
      }
      this.o.onRenewError?.(err);
      this.schedule(
        Math.min(this.maxRetryRenewMs, this.retryRenewMs * 2 ** Math.min(20, this.renewFailures++)),
      );
      return;
    }
    this.schedule();
  }
}
