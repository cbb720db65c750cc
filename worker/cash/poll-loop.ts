/**
 * The periodic poll the cash watchers share: a run every `everyMs` on the injected clock, re-armed
 * after each run ends (runs never overlap, however slow), one timer at most however often start()
 * is called, nothing armed after stop(). A run in flight is shared by every caller. A failing run
 * is reported to `onError` and the loop carries on: the next run is the retry.
 */
import type { Clock, TimerHandle } from '../../shared/clock.ts';

export interface PollLoopOptions {
  clock: Clock;
  everyMs: number;
  run: () => Promise<void>;
  /** Run at start() (the default), or only once the first `everyMs` has passed. */
  runAtStart?: boolean;
  /** A run that threw (the watchers catch their own errors: this is the backstop). */
  onError?: (err: unknown) => void;
}

export class PollLoop {
  private timer: TimerHandle | null = null;
  private stopped = true;
  private inFlight: Promise<void> | null = null;
  private soonTimer: TimerHandle | null = null;

  constructor(private readonly o: PollLoopOptions) {}

  start(): void {
    this.stopped = false;
    if (this.timer) return;
    if (this.o.runAtStart === false) this.arm();
    else void this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
    if (this.soonTimer) this.o.clock.clearTimeout(this.soonTimer);
    this.soonTimer = null;
  }

  /**
   * An extra run `delayMs` from now (an event says there is news: a market settled), debounced: a
   * burst of calls (every market of a game settles together) arms one run. Nothing while stopped;
   * the periodic timer carries on as before.
   */
  soon(delayMs: number): void {
    if (this.stopped || this.soonTimer) return;
    this.soonTimer = this.o.clock.setTimeout(() => {
      this.soonTimer = null;
      if (this.stopped) return;
      this.runNow().catch((err: unknown) => this.o.onError?.(err));
    }, delayMs);
  }

  /** One run now; concurrent calls (and the timer) share the one in flight. Rejects if it fails. */
  runNow(): Promise<void> {
    this.inFlight ??= this.o.run().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Waits for the run in flight, if any (tests, shutdown); never rejects. */
  async idle(): Promise<void> {
    await this.inFlight?.catch(() => {});
  }

  private async tick(): Promise<void> {
    try {
      await this.runNow();
    } catch (err) {
      this.o.onError?.(err);
    }
    this.arm();
  }

  private arm(): void {
    // One timer at most: start() while a run was in flight may have armed one already.
    if (this.stopped || this.timer) return;
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, this.o.everyMs);
  }
}
