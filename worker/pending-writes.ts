/**
 * Store writes made off the session's own `persist` (decision samples): tracked so the worker's
 * close can wait for them, and the paper stack never closes its store under one still in flight.
 */
export interface PendingWrites {
  /** Tracks a write; returns it unchanged (its caller still handles its failure). */
  track<T>(write: Promise<T>): Promise<T>;
  /** Writes in flight. */
  size(): number;
  /** Resolves once every tracked write has settled, including any started meanwhile. */
  settled(): Promise<void>;
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
  };
}
