/**
 * Start-time uncertainty per game. Kalshi announces that a market's dates changed on the lifecycle
 * channel (`metadata_updated` with a new expected expiration, `close_date_updated`), but the new start
 * itself is known only from the next listing (the event's milestone). Between the two the game may
 * already be past its new stop: a start moved 40 s before the old stop left orders resting into the
 * game until the next discovery listing (34 s later in a compressed chaos run).
 *
 * So a professional's rule: from the message until a listing begun after it answers, the start is
 * uncertain and the game is treated as past its stop (no quotes; what rests is cancelled). The listing
 * is asked for at once; one that fails is asked for again on a backoff floor (1 s doubling, capped),
 * through the injected clock, not left to the discovery period.
 */
import type { Clock, TimerHandle } from '../../shared/clock.ts';

export interface StartWatchOptions {
  /** First wait before a failed listing is asked for again. Default 1 s. */
  retryMs?: number;
  /** Longest wait between attempts. Default 15 s. */
  maxRetryMs?: number;
}

export class StartWatch {
  /** Game → when its dates were last announced changed (engine clock). */
  private readonly since = new Map<string, number>();
  private readonly retries = new Map<string, { timer: TimerHandle | null; attempts: number }>();
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly o: StartWatchOptions = {},
  ) {}

  /** A lifecycle message said the game's dates (or structure) changed at `atMs`. */
  changed(eventTicker: string, atMs: number): void {
    this.since.set(eventTicker, Math.max(atMs, this.since.get(eventTicker) ?? atMs));
  }

  /** True while no listing begun after the last announced change has answered. */
  uncertain(eventTicker: string): boolean {
    return this.since.has(eventTicker);
  }

  /**
   * A listing begun at `listingStartedMs` answered for these games; returns those it settled (their
   * start is known again: requote them).
   */
  listed(events: Iterable<{ readonly eventTicker: string }>, listingStartedMs: number): string[] {
    const settled: string[] = [];
    for (const { eventTicker: t } of events) {
      const at = this.since.get(t);
      if (at === undefined || listingStartedMs < at) continue;
      this.since.delete(t);
      const r = this.retries.get(t);
      if (r?.timer) this.clock.clearTimeout(r.timer);
      this.retries.delete(t);
      settled.push(t);
    }
    return settled;
  }

  /** The listing for an uncertain game failed: ask for it again after the backoff floor. */
  retry(eventTicker: string, relist: () => void): void {
    if (this.closed || !this.since.has(eventTicker)) return;
    const r = this.retries.get(eventTicker) ?? { timer: null, attempts: 0 };
    if (r.timer) return; // one retry pending per game
    const wait = Math.min(
      this.o.maxRetryMs ?? 15_000,
      (this.o.retryMs ?? 1_000) * 2 ** Math.min(10, r.attempts),
    );
    r.attempts++;
    r.timer = this.clock.setTimeout(() => {
      r.timer = null;
      if (!this.closed && this.since.has(eventTicker)) relist();
    }, wait);
    this.retries.set(eventTicker, r);
  }

  /** Stops every pending retry (session stop). */
  close(): void {
    this.closed = true;
    for (const r of this.retries.values()) if (r.timer) this.clock.clearTimeout(r.timer);
    this.retries.clear();
  }
}
