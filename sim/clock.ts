/**
 * The simulator's clock: scenario time that can run faster than the wall
 * clock (`speed` scenario-ms per wall-ms). The simulator keeps its own copy
 * of this (it shares only wire schemas with the rest of the system).
 */
import { Scheduler } from './scenario/scheduler.ts';

export interface SimClock {
  /** Scenario time, epoch milliseconds. */
  now(): number;
  readonly speed: number;
  /**
   * Runs `fn` after `ms` of scenario time (latencies, pings, delayed
   * responses); returns a cancel. Everything the simulator does later runs
   * on this, never on a wall-clock timer, so a stepped run is exact.
   */
  after(fn: () => void, ms: number): () => void;
}

export class ScaledClock implements SimClock {
  private readonly wallStart = Date.now();
  constructor(
    private readonly startMs: number,
    readonly speed = 1,
  ) {}
  now(): number {
    return this.startMs + Math.floor((Date.now() - this.wallStart) * this.speed);
  }
  after(fn: () => void, ms: number): () => void {
    const t = setTimeout(fn, Math.max(0, ms) / this.speed);
    t.unref?.();
    return () => clearTimeout(t);
  }
}

/**
 * A simulator clock moved only by the test or the headless simulation loop.
 * Its timers fire, in time order (then in the order they were set), as `set`
 * moves time past them, with the clock reading each timer's own due time.
 */
export class SteppedClock implements SimClock {
  readonly speed = Number.POSITIVE_INFINITY;
  private readonly timers = new Scheduler();
  private firing = false;
  /** Timer callbacks that threw (one bad timer must not stop scenario time). */
  timerErrors = 0;
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  set(ms: number): void {
    if (ms < this.current) throw new RangeError('simulated time cannot go backwards');
    if (!this.firing) {
      this.firing = true;
      try {
        for (let due = this.timers.popDue(ms); due; due = this.timers.popDue(ms)) {
          if (due.at > this.current) this.current = due.at;
          try {
            due.task();
          } catch {
            this.timerErrors++;
          }
        }
      } finally {
        this.firing = false;
      }
    }
    if (ms > this.current) this.current = ms;
  }
  after(fn: () => void, ms: number): () => void {
    let live = true;
    this.timers.schedule(this.current + Math.max(0, ms), () => {
      if (live) fn();
    });
    return () => {
      live = false;
    };
  }
  /** Timers not yet fired (cancelled ones included until their time passes). */
  get pendingTimers(): number {
    return this.timers.size;
  }
  advance(ms: number): void {
    this.set(this.current + ms);
  }
}

/**
 * Time for the exchange's rate-limit buckets: scenario time, plus the wall
 * time that passes while scenario time stands still (a stepped run's start-up,
 * or a step waiting on a client that waits on the wall clock). While the
 * scenario moves, buckets refill on it alone (a stepped run is never throttled
 * by how fast the machine steps it); when it stalls they still refill, as the
 * real exchange would, so a client retrying on the wall clock cannot deadlock.
 * Monotone: scenario time plus the wall time spent stalled so far.
 */
export function stallTolerantNow(scenarioNow: () => number, wallNow: () => number = Date.now): () => number {
  let lastScenario = scenarioNow();
  let lastWall = wallNow();
  /** Wall time spent while the scenario stood still, so far. */
  let stalled = 0;
  return () => {
    const s = scenarioNow();
    const w = wallNow();
    if (s === lastScenario) stalled += Math.max(0, w - lastWall);
    lastScenario = s;
    lastWall = w;
    return s + stalled;
  };
}
