/**
 * Drawdown per trading day, durable across restarts. The kill alarm on `PnlDrawdownDollars` must see a bad
 * day even when it spans a deploy, a crash or a SIGKILL, so the day's realised PnL and its peak of
 * realised + marked PnL live in the store (PNLDAY#<shardId>, shared/store/pnl-day.ts), written at most
 * once per heartbeat and read at start-up. A restarted process's inventory starts with zero realised PnL,
 * so the day's realised total is the stored one plus what this process realised since.
 *
 * The trading day starts at 10:00 UTC, not midnight: US evening games run from ≈ 23:00 to 07:00 UTC, and a
 * midnight boundary would reset the peak in the middle of the slate, exactly when losses accrue. 10:00 UTC
 * (05:00 ET) is when no US game is live.
 */
import type { Micros } from '../../shared/units.ts';
import type { DayPnlPort, DayPnlRecord, EngineLogger, EngineMetrics } from './ports.ts';

export type { DayPnlPort, DayPnlRecord };

export const TRADING_DAY_START_UTC_HOUR = 10;

/** The trading day (yyyy-mm-dd of its start) that `nowMs` falls in. */
export function tradingDay(nowMs: number, startUtcHour: number = TRADING_DAY_START_UTC_HOUR): string {
  return new Date(nowMs - startUtcHour * 3_600_000).toISOString().slice(0, 10);
}

export interface DayDrawdownState {
  day: string;
  /** Session realised PnL that is not this day's: day realised = session realised − offset. */
  offset: Micros;
  /** Peak of the day's realised + marked PnL; null before the day's first observation. */
  peak: Micros | null;
  /** Session realised PnL at the last observation: what a new day starts from. */
  last: Micros;
}

export interface DayObservation {
  state: DayDrawdownState;
  /** Peak − current day PnL, Micros, ≥ 0. */
  drawdown: Micros;
  record: DayPnlRecord;
}

/**
 * The state of a process starting on `day` (its own realised PnL all this day's), from the stored record.
 * A record of another day is ignored: the peak resets at the boundary.
 */
export function resumeDay(stored: DayPnlRecord | null, day: string): DayDrawdownState {
  if (stored && stored.day === day) return { day, offset: -stored.realised, peak: stored.peak, last: 0 };
  return { day, offset: 0, peak: null, last: 0 };
}

/**
 * One heartbeat: the day's PnL against its peak. Crossing into a new day resets the realised total and peak;
 * what was realised since the previous heartbeat counts for the new day.
 */
export function observeDay(
  state: DayDrawdownState,
  day: string,
  sessionRealised: Micros,
  marked: Micros,
): DayObservation {
  const s: DayDrawdownState =
    day === state.day ? state : { day, offset: state.last, peak: null, last: state.last };
  const realised = sessionRealised - s.offset;
  const total = realised + marked;
  const peak = s.peak === null ? total : Math.max(s.peak, total);
  return {
    state: { ...s, peak, last: sessionRealised },
    drawdown: peak - total,
    record: { day, realised, peak },
  };
}

/**
 * The session's day-drawdown bookkeeping: `observe` at each heartbeat (pure maths), then `sync` for the one
 * store call of that heartbeat. Until the stored record has been read, nothing is written (a write would
 * overwrite the day's earlier peak) and the drawdown counts from this process's own peak, as before.
 */
export class DayDrawdownTracker {
  private state: DayDrawdownState | null = null;
  private loaded: boolean;
  private pending: DayPnlRecord | null = null;
  private busy = false;
  private saving: Promise<void> | null = null;

  constructor(
    private readonly port: DayPnlPort | undefined,
    private readonly log: EngineLogger,
    private readonly metrics: EngineMetrics,
    private readonly dayOf: (nowMs: number) => string = tradingDay,
  ) {
    this.loaded = port === undefined;
  }

  /** Reads the day's stored record (start-up; retried by `sync` until it succeeds). Never throws. */
  async load(nowMs: number): Promise<void> {
    if (this.loaded || !this.port || this.busy) return;
    const day = this.dayOf(nowMs);
    this.busy = true;
    try {
      const stored = await this.port.load(day);
      this.loaded = true;
      // The session so far has counted only its own realised PnL (offset 0): the stored day's is added, and a
      // peak it saw before a late read (start-up read failed) is kept, lifted by the same amount.
      if (stored && (!this.state || this.state.day === day)) {
        const seen = this.state?.peak ?? null;
        const resumed = resumeDay(stored, day);
        this.state = {
          ...resumed,
          peak: seen === null ? resumed.peak : Math.max(stored.peak, seen + stored.realised),
          last: this.state?.last ?? 0,
        };
      }
      this.log.info('pnl_day_loaded', {
        day,
        realised: stored?.realised ?? null,
        peak: stored?.peak ?? null,
      });
    } catch (err) {
      this.metrics.count('PnlDayStoreErrors', 1, { what: 'load' });
      this.log.warn('pnl_day_load_failed', { day, error: err instanceof Error ? err.message : String(err) });
    } finally {
      this.busy = false;
    }
  }

  /** The drawdown (Micros) at this heartbeat; remembers the record to store. */
  observe(nowMs: number, sessionRealised: Micros, marked: Micros): Micros {
    const day = this.dayOf(nowMs);
    const o = observeDay(this.state ?? { day, offset: 0, peak: null, last: 0 }, day, sessionRealised, marked);
    this.state = o.state;
    if (this.loaded) this.pending = o.record;
    return o.drawdown;
  }

  /** The heartbeat's one store call (load until it has succeeded, then the latest record), or nothing. */
  sync(nowMs: number): Promise<void> | undefined {
    if (!this.port || this.busy) return undefined;
    if (!this.loaded) return this.load(nowMs);
    const record = this.pending;
    if (!record) return undefined;
    this.pending = null;
    this.busy = true;
    this.saving = this.port.save(record).finally(() => {
      this.busy = false;
      this.saving = null;
    });
    return this.saving;
  }

  /** Shutdown: the last observation stored after any write in flight (fills of the flatten count for the day). */
  async flush(nowMs: number, sessionRealised: Micros, marked: Micros): Promise<void> {
    this.observe(nowMs, sessionRealised, marked);
    await this.saving?.catch(() => undefined);
    await this.sync(nowMs);
  }
}
