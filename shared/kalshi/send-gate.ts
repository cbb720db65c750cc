/**
 * Admits at most as many REST attempts to be signed and on the wire at once as
 * the transport has connections. Kalshi refuses a signature older than its
 * window: an attempt signed and then parked in the HTTP pool's queue (a burst
 * larger than the pool, a slow exchange) reaches the exchange stale and is
 * refused 401. Behind this gate an attempt waits *unsigned* and is signed only
 * once a connection is free for it.
 *
 * Waiters are served by the rate limiter's priority (cancels first, then other
 * writes and reads, creates last; FIFO within a priority), so a kill switch's
 * cancel never waits behind a slate of creates. Plain data, no timers: a slot
 * passes straight from the attempt that leaves to the next waiter.
 */
import type { Priority } from './rate-limiter.ts';

interface Waiter {
  priority: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class SendGateClosedError extends Error {
  override name = 'SendGateClosedError';
}

export class SendGate {
  private held = 0;
  private closed = false;
  /** Sorted: lowest priority first, then arrival order. */
  private readonly queue: Waiter[] = [];

  constructor(readonly slots: number) {
    if (!Number.isInteger(slots) || slots < 1) {
      throw new RangeError(`send gate needs a positive whole number of slots, got ${slots}`);
    }
  }

  /** Attempts holding a slot (signing, on the wire, or reading the answer). */
  get inFlight(): number {
    return this.held;
  }

  /** Attempts waiting, unsigned, for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Takes a slot: null when one was free and is now held (no promise turn, so a
   * write with a free connection is signed in its caller's turn); otherwise a
   * promise that resolves once a slot is handed over. Every taken slot must be
   * given back with `leave()`.
   */
  enter(priority: Priority): Promise<void> | null {
    if (this.closed) return Promise.reject(new SendGateClosedError('REST client closed'));
    if (this.held < this.slots && this.queue.length === 0) {
      this.held++;
      return null;
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { priority, resolve, reject };
      let i = this.queue.length;
      while (i > 0 && this.queue[i - 1]!.priority > priority) i--;
      this.queue.splice(i, 0, w);
    });
  }

  /** Gives a slot back; the best waiter, if any, takes it at once. */
  leave(): void {
    const next = this.queue.shift();
    if (next) {
      next.resolve();
      return;
    }
    if (this.held === 0) throw new Error('send gate: leave() without a held slot');
    this.held--;
  }

  /** Refuses every waiter and any later `enter`. */
  close(): void {
    this.closed = true;
    for (const w of this.queue.splice(0)) w.reject(new SendGateClosedError('REST client closed'));
  }
}
