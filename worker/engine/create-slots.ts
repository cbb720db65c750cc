/**
 * A cap on create requests in flight, with the games waiting for one in a
 * first-come queue of plain data (their event tickers).
 *
 * The write budget paces what the engine *admits*; it does not see how fast
 * the exchange *answers*. During the opening (10,000 markets: 20,000 creates
 * at the Prime budget's 400 writes/s) an exchange answering slower than the
 * budget left every admitted create materialised at once — a signed request,
 * its body, headers, deadline timer and promise chain waiting in the HTTP
 * pool (≈ 2,000 create calls in flight at 4,000 markets) — the start-up heap
 * peak that V8 then kept as the worker's RSS (issue #16), and signatures
 * aging in the pool. A game whose creates find no free slot keeps its
 * desired quotes as they are (nothing is built for it) and is woken, oldest
 * first, when a create request settles.
 *
 * Only creates wait: cancels, decreases and amends never do (they take risk
 * down or move a resting order). Bounded so it binds only when the exchange
 * falls behind: 64 calls in flight over the 16 keep-alive sockets creates may use is
 * 4 requests per socket; at a 100 ms round trip that is 640 create calls/s,
 * each up to a game's whole batch, above the Prime budget.
 *
 * One backstop timer, not one per game: a woken game may not come to take
 * its slot (its requote wanted no create after all), so while games wait and
 * slots sit free the backstop wakes as many as there are free slots.
 */
import type { Clock, TimerHandle } from '../../shared/clock.ts';

/** Create requests (one per game batch) in flight at most. */
export const MAX_CREATES_IN_FLIGHT = 64;

/** While games wait, free slots are handed out at least this often (wakes lost to a requote that wanted nothing). */
export const SLOT_BACKSTOP_MS = 2_000;

export class CreateSlots {
  private inFlight = 0;
  /** Games refused a slot, in the order they asked (a Set keeps insertion order). */
  private readonly waiting = new Set<string>();
  private backstop: TimerHandle | null = null;

  /** `wake` makes a waiting game requote (the session marks it dirty). */
  constructor(
    private readonly clock: Clock,
    private readonly wake: (eventTicker: string) => void,
    readonly max: number = MAX_CREATES_IN_FLIGHT,
  ) {
    if (!(max >= 1)) throw new Error(`CreateSlots: max must be at least 1, got ${max}`);
  }

  /** Takes a slot for the game's create request; false (and the game queued) when all are taken. */
  tryTake(eventTicker: string): boolean {
    if (this.inFlight >= this.max) {
      this.waiting.add(eventTicker);
      this.arm();
      return false;
    }
    this.inFlight++;
    this.waiting.delete(eventTicker);
    return true;
  }

  /**
   * Gives a slot back (its request settled, or the game sent no create after all) and wakes the game
   * that has waited longest. Woken before it takes the slot, a game can lose it to another one's requote:
   * it is queued again (at the back).
   */
  release(): void {
    if (this.inFlight === 0) throw new Error('CreateSlots: release without a slot taken');
    this.inFlight--;
    this.wakeNext(1);
  }

  /** Create requests in flight. */
  taken(): number {
    return this.inFlight;
  }

  /** Games waiting for a slot. */
  queued(): number {
    return this.waiting.size;
  }

  /** Stops the backstop (session shutdown); waiting games are forgotten. */
  dispose(): void {
    if (this.backstop) this.clock.clearTimeout(this.backstop);
    this.backstop = null;
    this.waiting.clear();
  }

  private wakeNext(n: number): void {
    for (let i = 0; i < n; i++) {
      const next = this.waiting.values().next();
      if (next.done) return;
      this.waiting.delete(next.value);
      this.wake(next.value);
    }
  }

  private arm(): void {
    if (this.backstop) return;
    this.backstop = this.clock.setTimeout(() => {
      this.backstop = null;
      this.wakeNext(this.max - this.inFlight);
      if (this.waiting.size > 0) this.arm();
    }, SLOT_BACKSTOP_MS);
  }
}
