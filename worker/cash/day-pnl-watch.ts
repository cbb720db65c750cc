/**
 * The trading day's PnL for the dashboard, from the stored record (the same figures as
 * `npm run report`, shared/pnl/day-report.ts): rebuilt every `refreshMs` on the worker's clock. A
 * failed rebuild keeps the last good figures, marked with the error — never zeros.
 */
import type { Clock, TimerHandle } from '../../shared/clock.ts';
import { buildDayReport, type DayReport, type PnlRecordReader } from '../../shared/pnl/day-report.ts';
import type { EngineLogger } from '../engine/ports.ts';

export interface DayPnlState {
  report: DayReport | null;
  error: { atMs: number; message: string } | null;
}

export interface DayPnlWatchOptions {
  clock: Clock;
  reader: PnlRecordReader;
  refreshMs: number;
  dayOf: (ms: number) => string;
  sportOf: (eventTicker: string) => string;
  log: EngineLogger;
  /** Rebuild only while someone listens (see onChange). */
  lazy?: boolean;
}

export class DayPnlWatch {
  private timer: TimerHandle | null = null;
  private stopped = false;
  private inFlight: Promise<void> | null = null;
  private current: DayPnlState = { report: null, error: null };
  private readonly listeners = new Set<(s: DayPnlState) => void>();

  constructor(private readonly opts: DayPnlWatchOptions) {}

  start(): void {
    this.stopped = false;
    if (!this.timer) void this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  async idle(): Promise<void> {
    await this.inFlight;
  }

  state(): DayPnlState {
    return this.current;
  }

  /**
   * Called after every rebuild. With `lazy`, the first listener starts the rebuilds and the last
   * one leaving stops them: nobody watching (a headless simulation, a deployed shard) costs no reads.
   */
  onChange(listener: (s: DayPnlState) => void): () => void {
    this.listeners.add(listener);
    if (this.opts.lazy && this.listeners.size === 1) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.opts.lazy && this.listeners.size === 0) this.stop();
    };
  }

  /** One rebuild (what the timer runs); concurrent calls share the one in flight. */
  refresh(): Promise<void> {
    this.inFlight ??= this.build().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async tick(): Promise<void> {
    await this.refresh();
    // One timer at most, however often start() was called while a rebuild was in flight.
    if (this.stopped || this.timer) return;
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, this.opts.refreshMs);
  }

  private async build(): Promise<void> {
    const { clock, reader, dayOf, sportOf } = this.opts;
    const now = clock.now();
    try {
      const report = await buildDayReport(reader, dayOf(now), { dayOf, sportOf, now });
      this.publish({ report, error: null });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.opts.log.warn('day_pnl_failed', { error: message });
      this.publish({ report: this.current.report, error: { atMs: now, message } });
    }
  }

  private publish(s: DayPnlState): void {
    this.current = s;
    for (const l of this.listeners) l(s);
  }
}
