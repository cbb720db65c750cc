/**
 * The trading day's PnL for the dashboard, from the stored record (the same figures as
 * `npm run report`, shared/pnl/day-report.ts): rebuilt every `refreshMs` on the worker's clock. A
 * failed rebuild keeps the last good figures, marked with the error — never zeros.
 */
import type { Clock } from '../../shared/clock.ts';
import { buildDayReport, type DayReport, type PnlRecordReader } from '../../shared/pnl/day-report.ts';
import type { EngineLogger } from '../engine/ports.ts';
import { PollLoop } from './poll-loop.ts';

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
  private readonly loop: PollLoop;
  private current: DayPnlState = { report: null, error: null };
  private readonly listeners = new Set<(s: DayPnlState) => void>();

  constructor(private readonly opts: DayPnlWatchOptions) {
    this.loop = new PollLoop({
      clock: opts.clock,
      everyMs: opts.refreshMs,
      run: () => this.build(),
      onError: (err) => opts.log.warn('day_pnl_failed', { error: String(err) }),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  idle(): Promise<void> {
    return this.loop.idle();
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
    return this.loop.runNow();
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
