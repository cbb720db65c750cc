/**
 * Clocks that keep the worker on scenario time. The simulators read a
 * SimClock (now only); the worker needs a full Clock (now + timers) that
 * agrees with it:
 *
 * - `ScaledWorkerClock`: scenario time running `speed`× the wall clock; a
 *   timer of `ms` scenario milliseconds fires after `ms / speed` wall ms.
 * - For `--speed max`, the headless loop uses shared/clock's ManualClock and
 *   the simulator's SteppedClock, moved together (see `LockstepClock`).
 */
import { type Clock, ManualClock, type TimerHandle } from '../../shared/clock.ts';
import { stallTolerantNow } from '../../sim/clock.ts';

export class ScaledWorkerClock implements Clock {
  private next = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  /** `scenarioNow` is the simulator's own clock, so both sides read the very same time. */
  constructor(
    private readonly scenarioNow: () => number,
    readonly speed: number,
  ) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError('speed must be a finite number > 0');
  }

  now(): number {
    return this.scenarioNow();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.next++;
    const t = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, Math.max(0, ms) / this.speed);
    t.unref?.();
    this.timers.set(id, t);
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    const t = this.timers.get(handle.id);
    if (t) clearTimeout(t);
    this.timers.delete(handle.id);
  }

  /** Scenario time runs on the event loop: a deferral is the next turn of it. */
  defer(fn: () => void): void {
    setImmediate(fn);
  }

  /** Cancels every pending timer (shutdown). */
  clearAll(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}

/**
 * One scenario time for a headless run: the worker's ManualClock and the
 * simulator's stepped clock move together, worker timers firing in time
 * order as they come due.
 */
export class LockstepClock extends ManualClock {
  constructor(
    start: number,
    private readonly sim: { set(ms: number): void },
  ) {
    super(start);
  }

  /**
   * Deferrals follow the event loop, not the steps: in lockstep the worker still reads the exchange
   * over loopback sockets, whose messages arrive on the wall clock, and a requote waits only for the
   * messages already read (as live). An in-process backtest's virtual clock drains them instead.
   */
  override defer(fn: () => void): void {
    setImmediate(fn);
  }

  /** Moves both clocks to `ms`, firing due worker timers. */
  moveTo(ms: number): void {
    const delta = ms - this.now();
    if (delta < 0) throw new RangeError('scenario time cannot go backwards');
    this.sim.set(ms);
    this.advance(delta);
  }
}

/**
 * Scenario time for the worker's REST token buckets in a headless run: time
 * moves with the scenario, plus wall time while the scenario stands still (the
 * worker's start-up, a step waiting on the exchange), and a timer fires at
 * whichever comes first — so buckets pace writes in scenario time as the
 * exchange simulator's do, and a wait never deadlocks a lockstep step.
 */
export class StallTolerantClock implements Clock {
  private next = 1;
  private readonly timers = new Map<number, { scenario: TimerHandle; wall: NodeJS.Timeout }>();
  private readonly nowFn: () => number;

  constructor(private readonly scenario: Clock) {
    this.nowFn = stallTolerantNow(() => scenario.now());
  }

  now(): number {
    return this.nowFn();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.next++;
    const fire = () => {
      const t = this.timers.get(id);
      if (!t) return;
      this.timers.delete(id);
      this.scenario.clearTimeout(t.scenario);
      clearTimeout(t.wall);
      fn();
    };
    const wall = setTimeout(fire, Math.max(0, ms));
    wall.unref?.();
    this.timers.set(id, { scenario: this.scenario.setTimeout(fire, ms), wall });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    const t = this.timers.get(handle.id);
    if (!t) return;
    this.timers.delete(handle.id);
    this.scenario.clearTimeout(t.scenario);
    clearTimeout(t.wall);
  }

  /** The token buckets never defer; should anything, wall time moves here too, so the event loop runs it. */
  defer(fn: () => void): void {
    setImmediate(fn);
  }
}
