/**
 * Which creates the write budget pays first when it cannot pay them all
 * (issue #17 liveness). The gate used to spend a game's tokens on its amends
 * first and then on its creates in plan order: once its resting orders
 * repriced on every requote, what was left went to the first markets of the
 * plan, and the last one — the top strike of a total ladder, last in plan
 * order — waited for ever with nothing logged (the NFL ladder paper run on a
 * loaded machine; reproduced in the backtest at 1.5 writes/s: amends took
 * 83 % of the writes and four to seven total strikes a game never got an
 * order). A busy game, requoting on every book change, also took the tokens
 * before a quieter game's retry timer came round.
 *
 * So each market side that wants a create waits from the first plan that
 * wanted it, and:
 * - a game's creates go oldest waiting first (every side reaches the front);
 * - a create that has waited `STARVED_AFTER_MS` goes before the game's amends
 *   that improve a price (a side with no order at all comes before a resting
 *   one a cent off) — never before one that pulls a price back, nor before a
 *   decrease (order-gate.ts); and not at all if the risk gate refused it last
 *   time (the limit's allocation is the gate's and the quote sizes', not the
 *   budget's: ladder-size.ts);
 * - a game whose starved create found no tokens holds one create's tokens
 *   back from every other game's price-improving amends and newer creates
 *   (never from a write that takes risk down) until it takes them
 *   (its retry timer comes when they are there), oldest such game first.
 * Cancels and decreases never wait; the budget, the create cap and the risk
 * gate still decide every write. Plain data, no timers: time is the caller's.
 *
 * A side waits from when it first could have been quoted: its game quoting
 * (a game that cannot quote — warming — has no side waiting: `cannotQuote`)
 * and the risk gate passing it (a side refused, at its limit or its market
 * closed, starts waiting afresh when the gate first passes it). Otherwise a
 * side that had waited through a warm-up or a paused market showed as starved
 * (CreatesStarved, and first in the game's order) the moment it could quote.
 */
import type { BookSide } from './ports.ts';

/** A side that has wanted a create this long without one goes first (before the game's price-improving amends). */
export const STARVED_AFTER_MS = 5_000;

/**
 * The `CreatesStarved` gauge counts sides that have wanted a create this long (and were not refused by the
 * risk gate at their last judgement): a market that should have an order and has none.
 */
export const CREATE_STARVED_GAUGE_MS = 30_000;

/** A game's hold on the budget lapses when it has not asked again for this long (it went away, or its retry was lost). */
export const HOLD_LAPSES_MS = 10_000;

const key = (ticker: string, side: BookSide) => `${ticker}|${side}`;

interface Side {
  since: number;
  refused: boolean;
}

export class CreateQueue {
  /** game → its sides wanting a create → since when, and whether the risk gate refused it last. */
  private readonly waiting = new Map<string, Map<string, Side>>();
  private sides = 0;
  /** The time of the last gate pass (`wanted`): a side's `judged` comes in that same pass. */
  private passAt = 0;
  /** Games whose starved create the budget could not pay → when they last asked (insertion order: oldest first). */
  private readonly holds = new Map<string, number>();

  constructor(readonly starvedAfterMs: number = STARVED_AFTER_MS) {}

  /**
   * The game's plan wants these creates now: each side waits from the first plan that wanted it, and the
   * game's sides this plan does not want (placed, or dropped by the quoter) leave the queue.
   */
  wanted(game: string, creates: readonly { ticker: string; side: BookSide }[], now: number): void {
    this.passAt = now;
    const prev = this.waiting.get(game);
    if (creates.length === 0) {
      if (prev) {
        this.sides -= prev.size;
        this.waiting.delete(game);
      }
      return;
    }
    const next = new Map<string, Side>();
    for (const c of creates) {
      const k = key(c.ticker, c.side);
      next.set(k, prev?.get(k) ?? next.get(k) ?? { since: now, refused: false });
    }
    this.sides += next.size - (prev?.size ?? 0);
    this.waiting.set(game, next);
  }

  /** The side's create was admitted: it waits no more. */
  sent(game: string, ticker: string, side: BookSide): void {
    const sides = this.waiting.get(game);
    if (!sides?.delete(key(ticker, side))) return;
    this.sides--;
    if (sides.size === 0) this.waiting.delete(game);
  }

  /**
   * The risk gate refused this side's create (true) or passed it (false): a refused side is not starved by the
   * budget, and one passed after a refusal waits from now (default: the time of this gate pass's `wanted`).
   */
  judged(game: string, ticker: string, side: BookSide, refused: boolean, now: number = this.passAt): void {
    const s = this.waiting.get(game)?.get(key(ticker, side));
    if (!s) return;
    if (s.refused && !refused) s.since = now;
    s.refused = refused;
  }

  /**
   * The game cannot quote now (warming: its books or positions not yet vouched for): no side of it waits and
   * it holds no tokens. When it quotes again its sides wait from that plan.
   */
  cannotQuote(game: string): void {
    this.forget(game);
  }

  /** The game's creates oldest waiting first (stable), split at `starvedAfterMs` (risk-gate refusals never starved). */
  ordered<C extends { ticker: string; side: BookSide }>(
    game: string,
    creates: readonly C[],
    now: number,
  ): { starved: C[]; rest: C[] } {
    const sides = this.waiting.get(game);
    const sorted = creates
      .map((c, i) => {
        const s = sides?.get(key(c.ticker, c.side));
        return { c, i, t: s?.since ?? now, refused: s?.refused === true };
      })
      .sort((a, b) => a.t - b.t || a.i - b.i);
    const starved: C[] = [];
    const rest: C[] = [];
    // A side the risk gate refused last time is not the budget's to hurry: judged first, it would take the
    // room of a resting order's amend (refused, so cancelled) and rotate the game's orders at its limit.
    for (const s of sorted) (!s.refused && now - s.t >= this.starvedAfterMs ? starved : rest).push(s.c);
    return { starved, rest };
  }

  /** The game's starved create found no tokens (true) or it has none waiting for them (false). */
  holdFor(game: string, starvedUnpaid: boolean, now: number): void {
    // Map.set on a held game refreshes it in place: it keeps its turn.
    if (starvedUnpaid) this.holds.set(game, now);
    else this.holds.delete(game);
  }

  /** The game another game's amends and newer creates keep one create's tokens for, or null. */
  heldFor(game: string, now: number): string | null {
    for (const [g, at] of this.holds) {
      if (now - at > HOLD_LAPSES_MS) {
        this.holds.delete(g);
        continue;
      }
      return g === game ? null : g;
    }
    return null;
  }

  /** A game gone (finished, dropped): its sides and its hold leave. */
  forget(game: string): void {
    this.wanted(game, [], 0);
    this.holds.delete(game);
  }

  /** Market sides waiting for a create (the CreatesQueued gauge). */
  queued(): number {
    return this.sides;
  }

  /**
   * Market sides that have wanted a create for `afterMs` or longer without one, the risk gate's refusals
   * left out (the CreatesStarved gauge: waiting on the budget, a create slot, the order group or a backoff).
   */
  starved(now: number, afterMs: number = this.starvedAfterMs): number {
    let n = 0;
    for (const sides of this.waiting.values())
      for (const s of sides.values()) if (!s.refused && now - s.since >= afterMs) n++;
    return n;
  }
}
