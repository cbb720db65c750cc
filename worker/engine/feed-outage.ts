/**
 * A Kalshi WebSocket outage pauses quoting instead of latching the global
 * kill (exchange maintenance is routine; a kill needs a human to clear).
 *
 * Down at all: the session pulls its quotes at once (status `ws-down`).
 * Down past `feedDownPauseMs`: `pause()` — every resting order of ours is
 * cancelled through the flattener (cancel-until-flat, verified by listing,
 * so orders whose cancels were lost with the socket go too), and the games
 * stay `feed-down` (session status `ws-down`) while the feed is away.
 * Back: quoting resumes once the feed is up and a reconciliation (the
 * reconnect's trusted pass, or the next periodic one if it fails) that started
 * after both the reconnect and the flatten has completed (books
 * resnapshotted, missed fills backfilled, orders and positions taken from the
 * exchange). `kill.wsDownMs`, when configured, still trips the kill switch
 * for an outage that long (off by default).
 */
import type { Clock, TimerHandle } from '../../shared/clock.ts';
import { WorkerMetric } from '../../shared/metrics/names.ts';
import type { EngineLogger, EngineMetrics, Flattener } from './ports.ts';

export interface FeedOutageDeps {
  clock: Clock;
  flatten: Flattener;
  log: EngineLogger;
  metrics: EngineMetrics;
  /** Runs a trusted reconciliation (the session's `reconcile(true)`). */
  resync: () => void;
  /** The pause began or ended: requote every game. */
  onChange: () => void;
  /** Global kill after this much outage in all (ms); undefined = never. */
  killAfterMs?: number;
  kill?: (reason: string) => void;
}

export type FeedOutageState = 'normal' | 'flattening' | 'paused';

export class FeedOutage {
  private state: FeedOutageState = 'normal';
  private pausedAtMs: number | null = null;
  private flattenedAtMs = Number.NEGATIVE_INFINITY;
  /** When the feed last came up (null while down). */
  private upSinceMs: number | null = null;
  private downSinceMs: number | null = null;
  private killTimer: TimerHandle | null = null;
  /** Pauses taken since start (dashboard, tests). */
  pauses = 0;

  constructor(private readonly deps: FeedOutageDeps) {}

  /** Orders flattened or being flattened, quoting held until the feed is back and resynced. */
  get paused(): boolean {
    return this.state !== 'normal';
  }

  view(): { state: FeedOutageState; sinceMs: number | null } {
    return { state: this.state, sinceMs: this.pausedAtMs };
  }

  down(): void {
    this.upSinceMs = null;
    this.downSinceMs ??= this.deps.clock.now();
  }

  up(): void {
    this.upSinceMs = this.deps.clock.now();
    this.downSinceMs = null;
    if (this.killTimer) this.deps.clock.clearTimeout(this.killTimer);
    this.killTimer = null;
  }

  /** The feed has been down past the bound: cancel everything of ours and hold quoting. */
  pause(reason: string): void {
    if (this.state !== 'normal') {
      // A new outage while still paused (the last one never resynced): the kill backstop bounds it too.
      if (!this.killTimer) this.armKill(reason);
      return;
    }
    const { clock, log, metrics } = this.deps;
    this.state = 'flattening';
    this.pausedAtMs = clock.now();
    this.pauses++;
    metrics.count(WorkerMetric.FeedDownPauses, 1);
    log.warn('feed_down_pause', { reason });
    this.armKill(reason);
    this.deps.onChange();
    void this.deps
      .flatten(`feed down: ${reason}`)
      .then(
        (r) => log.warn('feed_down_flattened', { ...r }),
        (err) =>
          log.error('feed_down_flatten_failed', { error: err instanceof Error ? err.message : String(err) }),
      )
      .finally(() => {
        if (this.state !== 'flattening') return;
        this.state = 'paused';
        this.flattenedAtMs = clock.now();
        // Up already while we flattened: the reconnect's pass may predate the flatten; take another.
        if (this.upSinceMs !== null) this.deps.resync();
      });
  }

  /** A reconciliation that started at `startedMs` completed successfully. */
  resynced(startedMs: number): void {
    if (this.state !== 'paused' || this.upSinceMs === null) return;
    if (startedMs < this.upSinceMs || startedMs < this.flattenedAtMs) return;
    this.deps.log.info('feed_down_resumed', { pausedMs: this.deps.clock.now() - (this.pausedAtMs ?? 0) });
    this.state = 'normal';
    this.pausedAtMs = null;
    this.deps.onChange();
  }

  dispose(): void {
    if (this.killTimer) this.deps.clock.clearTimeout(this.killTimer);
    this.killTimer = null;
  }

  private armKill(reason: string): void {
    const { killAfterMs, kill } = this.deps;
    if (killAfterMs === undefined || !kill || this.downSinceMs === null) return;
    const wait = Math.max(0, this.downSinceMs + killAfterMs - this.deps.clock.now());
    this.killTimer = this.deps.clock.setTimeout(() => {
      this.killTimer = null;
      if (this.upSinceMs === null) kill(`${reason}; still down after ${killAfterMs} ms`);
    }, wait);
  }
}
