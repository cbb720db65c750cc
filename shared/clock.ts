/**
 * Time is injected everywhere: pure code takes `now` as an argument, and
 * components that schedule work take a Clock, so tests and simulations can
 * drive time faster than the wall clock.
 *
 * The Clock is the engine's only scheduler: every timer and every deferral
 * goes through it, never through the global `setTimeout` / `setImmediate`.
 * Two kinds implement it:
 * - wall clocks: timers on the event loop; `systemClock` defers on a
 *   microtask (the current turn), paper mode's scaled clock on `setImmediate`;
 * - driven clocks (`ManualClock` and its subclasses, a backtest's virtual
 *   clock): time moves only when the driver says so. Deferred work waits in a
 *   FIFO queue and runs at the current time when the driver calls `drain()`
 *   or `advance()` (which drains before and after every timer it fires), so
 *   nothing runs behind the driver's back and the same inputs give the same
 *   decisions.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /**
   * Runs `fn` at the current time, after the work already queued (the rest
   * of the socket read that asked, settled promises): how the session
   * coalesces a burst of feed events into one requote. Not cancellable; `fn`
   * checks its own state.
   */
  defer(fn: () => void): void;
  /**
   * Runs `fn` on a later turn of the event loop, after the I/O already pending: the requote loop's
   * boundary between two games of one flush, so the first game's writes reach the socket (undici
   * writes them on a later tick of this turn) before the next game is requoted. Optional: a clock
   * without it (every driven clock) uses `defer`, so a backtest decides exactly as before.
   */
  yieldTurn?(fn: () => void): void;
  /**
   * Driven clocks only: runs every deferred task now (tasks deferred while
   * draining included) and returns how many ran. A wall clock has none: its
   * deferrals run by themselves.
   */
  drain?(): number;
}

export interface TimerHandle {
  readonly id: number;
}

class SystemClock implements Clock {
  private next = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.next++;
    const t = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, ms);
    t.unref?.();
    this.timers.set(id, t);
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    const t = this.timers.get(handle.id);
    if (t) clearTimeout(t);
    this.timers.delete(handle.id);
  }

  /**
   * A microtask: the frame's own turn. Every message of the socket read that deferred it is applied first
   * (a burst in one read is one requote), but the requote no longer waits for the check phase behind every
   * other I/O callback of the loop turn — that hop was most of the median frame → sign() (issue #16).
   */
  defer(fn: () => void): void {
    queueMicrotask(fn);
  }

  /** The check phase: after this turn's microtasks and ticks, where undici puts a request on its socket. */
  yieldTurn(fn: () => void): void {
    setImmediate(fn);
  }
}

export const systemClock: Clock = new SystemClock();

/** A clock whose time only moves when told to: for tests of time-driven behaviour, and lockstep runs. */
export class ManualClock implements Clock {
  private nextId = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  private readonly deferred: (() => void)[] = [];

  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.pending.set(id, { at: this.current + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.pending.delete(handle.id);
  }

  /** Queued: runs at the current time on the next `drain()` or `advance()`. */
  defer(fn: () => void): void {
    this.deferred.push(fn);
  }

  /** Deferred tasks waiting for the driver. */
  deferredCount(): number {
    return this.deferred.length;
  }

  drain(): number {
    let ran = 0;
    for (let fn = this.deferred.shift(); fn; fn = this.deferred.shift()) {
      ran++;
      fn();
    }
    return ran;
  }

  /**
   * Moves time forward, firing due timers in time order (timers set while firing included).
   * Deferred work runs at the time it was deferred: before the first timer, and after each one.
   */
  advance(ms: number): void {
    const target = this.current + ms;
    this.drain();
    for (;;) {
      let dueId: number | undefined;
      let dueAt = Number.POSITIVE_INFINITY;
      for (const [id, t] of this.pending) {
        if (t.at <= target && t.at < dueAt) {
          dueAt = t.at;
          dueId = id;
        }
      }
      if (dueId === undefined) break;
      const timer = this.pending.get(dueId)!;
      this.pending.delete(dueId);
      this.current = Math.max(this.current, timer.at);
      timer.fn();
      this.drain();
    }
    this.current = target;
  }
}
