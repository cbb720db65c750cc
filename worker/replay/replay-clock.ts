/**
 * The replay's clock: time is the journal's, and the session's timers and
 * deferred tasks run only when the journal says they ran (`tick n`, `run n`),
 * numbered as the recorder numbered them (the n-th `setTimeout` / `defer`).
 * A timer the replayed session no longer has (it diverged) falls back to its
 * earliest due one, and the miss is counted.
 */
import type { Clock, TimerHandle } from '../../shared/clock.ts';

export class ReplayClock implements Clock {
  private current: number;
  private timerSeq = 0;
  private deferSeq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  private readonly deferred = new Map<number, () => void>();
  readonly misses = { timers: 0, deferrals: 0 };

  /**
   * Present when the recording clock had turns (the journal head's `clockTurns`): the recorder numbered
   * the requote loop's turns with its deferrals, so they replay as deferrals, at their `run`.
   */
  readonly yieldTurn?: (fn: () => void) => void;

  constructor(startMs: number, turns = false) {
    this.current = startMs;
    if (turns) this.yieldTurn = (fn) => this.defer(fn);
  }

  now(): number {
    return this.current;
  }

  /** Moves to the journal's time; never backwards. */
  moveTo(ms: number): void {
    if (ms > this.current) this.current = ms;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.timerSeq;
    this.timers.set(id, { at: this.current + (Number.isFinite(ms) && ms > 0 ? ms : 0), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  defer(fn: () => void): void {
    this.deferred.set(++this.deferSeq, fn);
  }

  /** Fires timer `n` as the journal's `tick` (or, diverged, the earliest one due by now). */
  fire(n: number): boolean {
    let id: number | undefined = this.timers.has(n) ? n : undefined;
    if (id === undefined) {
      this.misses.timers++;
      let best: { id: number; at: number } | null = null;
      for (const [k, t] of this.timers)
        if (t.at <= this.current && (!best || t.at < best.at)) best = { id: k, at: t.at };
      id = best?.id;
    }
    if (id === undefined) return false;
    const t = this.timers.get(id)!;
    this.timers.delete(id);
    t.fn();
    return true;
  }

  /** Runs deferred task `n` as the journal's `run` (or, diverged, the oldest one waiting). */
  run(n: number): boolean {
    let id: number | undefined = this.deferred.has(n) ? n : undefined;
    if (id === undefined) {
      this.misses.deferrals++;
      id = this.deferred.keys().next().value;
    }
    if (id === undefined) return false;
    const fn = this.deferred.get(id)!;
    this.deferred.delete(id);
    fn();
    return true;
  }

  /** Timers and deferred tasks the session still had when the journal ended. */
  get waiting(): { timers: number; deferrals: number } {
    return { timers: this.timers.size, deferrals: this.deferred.size };
  }
}
