/**
 * Store writes made off the session's own `persist` (decision samples): tracked so the worker's
 * close can wait for them, and the paper stack never closes its store under one still in flight.
 */
import type { Clock } from '../shared/clock.ts';

export interface PendingWrites {
  /** Tracks a write; returns it unchanged (its caller still handles its failure). */
  track<T>(write: Promise<T>): Promise<T>;
  /** Writes in flight. */
  size(): number;
  /** Resolves once every tracked write has settled, including any started meanwhile. */
  settled(): Promise<void>;
  /**
   * `settled()` with a deadline: true once settled, false when `ms` passed first (a store put that
   * never answers must not hold the worker's exit until ECS kills it).
   */
  settledWithin(ms: number, clock: Clock): Promise<boolean>;
}

export function pendingWrites(): PendingWrites {
  const inFlight = new Set<Promise<unknown>>();
  return {
    track(write) {
      const done = () => {
        inFlight.delete(write);
      };
      write.then(done, done);
      inFlight.add(write);
      return write;
    },
    size: () => inFlight.size,
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    settledWithin(ms, clock) {
      return boundedWait(this.settled(), ms, clock);
    },
  };
}

/** True once `work` has settled, false when `ms` of `clock` passed first (the timer is then cleared either way). */
export function boundedWait(work: Promise<unknown>, ms: number, clock: Clock): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = clock.setTimeout(() => resolve(false), ms);
    const done = () => {
      clock.clearTimeout(timer);
      resolve(true);
    };
    work.then(done, done);
  });
}
