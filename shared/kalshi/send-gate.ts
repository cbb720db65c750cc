/**
 * Admits at most as many REST attempts to be signed and on the wire at once as
 * the transport has connections. Kalshi refuses a signature older than its
 * window: an attempt signed and then parked in the HTTP pool's queue (a burst
 * larger than the pool, a slow exchange) reaches the exchange stale and is
 * refused 401. Behind this gate an attempt waits *unsigned* and is signed only
 * once a connection is free for it.
 *
 * Waiters are served by the rate limiter's priority (cancels first, then other
 * writes and reads, creates last; FIFO within a priority). Ordering alone is not
 * enough: slots are held until the answer is read, so with every slot held by
 * creates a cancel first in line still waits a round trip. `reservedForCancels`
 * of the slots are therefore never taken by anything but a cancel-priority
 * attempt (cancels, decreases, group triggers): a hard stop, a pullback or a
 * stale-quote cancel always finds a connection at once, unless cancels
 * themselves fill every slot. Amends stay with the others: the gate cannot tell
 * one that reduces risk from one that moves a price. Plain data, no timers.
 */
import { PRIORITY, type Priority } from './rate-limiter.ts';

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
  /** Slots held by attempts that are not cancels: at most `slots − reservedForCancels`. */
  private heldByOthers = 0;
  private closed = false;
  /** Sorted: lowest priority first, then arrival order. */
  private readonly queue: Waiter[] = [];

  constructor(
    readonly slots: number,
    readonly reservedForCancels = 0,
  ) {
    if (!Number.isInteger(slots) || slots < 1) {
      throw new RangeError(`send gate needs a positive whole number of slots, got ${slots}`);
    }
    if (!Number.isInteger(reservedForCancels) || reservedForCancels < 0 || reservedForCancels >= slots) {
      throw new RangeError(
        `send gate: slots reserved for cancels must be a whole number in [0, ${slots}), got ${reservedForCancels}`,
      );
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

  /** A slot this priority may take now: any free one for a cancel, an unreserved one for the rest. */
  private canTake(priority: number): boolean {
    if (this.held >= this.slots) return false;
    return priority === PRIORITY.cancel || this.heldByOthers < this.slots - this.reservedForCancels;
  }

  private take(priority: number): void {
    this.held++;
    if (priority !== PRIORITY.cancel) this.heldByOthers++;
  }

  /**
   * Takes a slot: null when one was free and is now held (no promise turn, so a
   * write with a free connection is signed in its caller's turn); otherwise a
   * promise that resolves once a slot is handed over. Every taken slot must be
   * given back with `leave(priority)`, the same priority.
   */
  enter(priority: Priority): Promise<void> | null {
    if (this.closed) return Promise.reject(new SendGateClosedError('REST client closed'));
    // Nobody of the same or a better priority waits (FIFO within one) and a slot is free for it.
    const ahead = this.queue.length > 0 && this.queue[0]!.priority <= priority;
    if (!ahead && this.canTake(priority)) {
      this.take(priority);
      return null;
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { priority, resolve, reject };
      let i = this.queue.length;
      while (i > 0 && this.queue[i - 1]!.priority > priority) i--;
      this.queue.splice(i, 0, w);
    });
  }

  /** Gives back a slot taken at `priority`; the best waiter that may take it does so at once. */
  leave(priority: Priority): void {
    const other = priority !== PRIORITY.cancel;
    if (other ? this.heldByOthers === 0 : this.held === this.heldByOthers)
      throw new Error('send gate: leave() without a held slot');
    this.held--;
    if (other) this.heldByOthers--;
    // Sorted: if the head cannot take a slot, nobody behind it can (all of the same kind).
    while (this.queue.length > 0 && this.canTake(this.queue[0]!.priority)) {
      const next = this.queue.shift()!;
      this.take(next.priority);
      next.resolve();
    }
  }

  /** Refuses every waiter and any later `enter`. */
  close(): void {
    this.closed = true;
    for (const w of this.queue.splice(0)) w.reject(new SendGateClosedError('REST client closed'));
  }
}
