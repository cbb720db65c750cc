/**
 * The backtest's one clock: scenario time that moves only when the driver
 * fires the next timer. It is the worker's `Clock` (session timers, the REST
 * token buckets, the kill switch's pauses), the simulator's `SimClock` (the
 * matching engine's timestamps, fault timers) and the latency model's wire, so
 * every part of the run reads the same instant. Timers fire in time order, then
 * in the order they were set: the same inputs give the same sequence.
 */
import type { Clock, TimerHandle } from '../../shared/clock.ts';
import type { SimClock } from '../clock.ts';
import { TimeQueue } from '../scenario/scheduler.ts';

/** A timer is its own handle: clearing it marks it dead (no id → timer map to keep per timer). */
interface Timer extends TimerHandle {
  at: number;
  fn: () => void;
  /** Fired or cleared: a cleared one is dropped when it reaches the top of the queue. */
  dead: boolean;
  /** A harness timer (sampling): firing it cannot wake the worker. */
  harness: boolean;
  /** Which clock set it (a number, not the clock: a handle stays plain data): another clock's is ignored. */
  owner: number;
}

let clocks = 0;

export class VirtualClock implements Clock, SimClock {
  readonly speed = Number.POSITIVE_INFINITY;
  private current: number;
  /** Due time, then the order set: the same inputs fire in the same order. */
  private readonly queue = new TimeQueue<Timer>();
  /** Timers not yet fired or cleared. */
  private live = 0;
  private readonly serial = ++clocks;
  private nextId = 1;
  /** Timers fired so far (the run's event count). */
  fired = 0;
  /** Timers set so far (a drain watches it to see whether anything is still happening). */
  created = 0;
  /** Deferrals so far (`defer`): the engine defers through this clock, not the event loop. */
  deferrals = 0;
  private readonly deferred: (() => void)[] = [];

  constructor(startMs: number) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.schedule(fn, ms, false);
  }

  /** A timer of the harness itself (samples, progress): `fireNext` says it needs no drain after it. */
  setHarnessTimeout(fn: () => void, ms: number): TimerHandle {
    return this.schedule(fn, ms, true);
  }

  private schedule(fn: () => void, ms: number, harness: boolean): TimerHandle {
    const id = this.nextId++;
    this.created++;
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const t: Timer = { at: this.current + delay, id, fn, dead: false, harness, owner: this.serial };
    this.live++;
    this.queue.push(t.at, t);
    return t;
  }

  clearTimeout(handle: TimerHandle): void {
    const t = handle as Partial<Timer>;
    if (t.owner !== this.serial || t.dead !== false) return;
    t.dead = true;
    this.live--;
  }

  /**
   * Runs `fn` at the current time on the driver's next `drain()` (the engine's deferral, e.g. the
   * session's coalesced requote, once it defers through the Clock rather than `setImmediate`).
   */
  defer(fn: () => void): void {
    this.deferred.push(fn);
    this.deferrals++;
  }

  /** Runs every deferred task now (those deferred while draining too); how many ran. */
  drain(): number {
    let ran = 0;
    for (let fn = this.deferred.shift(); fn; fn = this.deferred.shift()) {
      ran++;
      fn();
    }
    return ran;
  }

  /** Deferred tasks waiting for the driver. */
  deferredCount(): number {
    return this.deferred.length;
  }

  /** SimClock's form of a timer. */
  after(fn: () => void, ms: number): () => void {
    const h = this.setTimeout(fn, ms);
    return () => this.clearTimeout(h);
  }

  /**
   * Moves time forward without firing anything (the scenario runner's stepped clock). The driver
   * never moves it past a pending timer; doing so would reorder events, so it is refused.
   */
  set(ms: number): void {
    if (ms < this.current) throw new RangeError('backtest time cannot go backwards');
    const next = this.nextDue();
    if (next !== undefined && ms > next)
      throw new RangeError('backtest time cannot jump past a pending timer');
    this.current = ms;
  }

  /** When the earliest live timer is due, or undefined when none is pending. */
  nextDue(): number | undefined {
    this.dropCancelled();
    return this.queue.peekAt();
  }

  /**
   * Fires the earliest live timer (time moves to its due time): `'timer'` for a worker's or a
   * port's timer (the event loop should be drained after it), `'harness'` for the harness's own,
   * null when none is pending.
   */
  fireNext(): 'timer' | 'harness' | null {
    this.dropCancelled();
    const top = this.queue.pop()?.item;
    if (!top) return null;
    top.dead = true;
    this.live--;
    if (top.at > this.current) this.current = top.at;
    this.fired++;
    top.fn();
    return top.harness ? 'harness' : 'timer';
  }

  /** Pending timers (cancelled ones excluded). */
  get pending(): number {
    return this.live;
  }

  private dropCancelled(): void {
    while (this.queue.peek()?.dead) this.queue.pop();
  }
}
