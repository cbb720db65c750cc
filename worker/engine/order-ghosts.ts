/**
 * Ghosts: size that left the book as fills whose messages have not arrived yet
 * (a cancel that reduced less than we thought rested, an order gone from a
 * listing or reported canceled with fills we have not seen). The risk gate
 * counts them, the planner does not see them; fill messages consume them.
 *
 * A ghost is dropped only when the exchange's position can be trusted to
 * count it: after a listing begun late enough for the positions snapshot to
 * include it, and not in a market whose position drift is still deferred (the
 * inventory does not carry that size yet) — #12 finding 9.
 */
import type { Centis } from '../../shared/units.ts';
import type { ExposureOrder } from './exposure.ts';
import type { BookSide } from './ports.ts';

export interface Ghost {
  eventTicker: string;
  ticker: string;
  side: BookSide;
  remaining: Centis;
  sinceMs: number;
}

/** Ghost key of an order known only by our client id (prefixed: kept apart from exchange order ids). */
export const clientGhostKey = (clientOrderId: string): string => `client:${clientOrderId}`;

export class GhostBook {
  private readonly ghosts = new Map<string, Ghost>();

  get size(): number {
    return this.ghosts.size;
  }

  /**
   * Keeps `remaining` of an order counted. A create whose outcome was unknown
   * and that a listing did not show may still land (a timed-out request the
   * exchange processes late): without an order id its ghost is kept under its
   * client id, so the gate counts it until the next listing (which adopts it
   * if it landed) or its fill messages.
   */
  add(
    o: {
      orderId: string | null;
      clientOrderId: string | null;
      eventTicker: string;
      ticker: string;
      side: BookSide;
    },
    remaining: Centis,
    nowMs: number,
  ): void {
    if (remaining <= 0) return;
    const key = o.orderId ?? (o.clientOrderId === null ? null : clientGhostKey(o.clientOrderId));
    if (key === null) return;
    this.ghosts.set(key, {
      eventTicker: o.eventTicker,
      ticker: o.ticker,
      side: o.side,
      remaining,
      sinceMs: nowMs,
    });
  }

  /** A fill of an order we no longer track: consumes its ghost, if any (by order id, else by client id). */
  onFill(fill: { orderId: string; clientOrderId?: string | null; count: Centis }): void {
    const key = this.ghosts.has(fill.orderId)
      ? fill.orderId
      : fill.clientOrderId
        ? clientGhostKey(fill.clientOrderId)
        : undefined;
    const g = key === undefined ? undefined : this.ghosts.get(key);
    if (key === undefined || !g) return;
    g.remaining -= fill.count;
    if (g.remaining <= 0) this.ghosts.delete(key);
  }

  /**
   * Forgets ghosts created before a listing that started at `beforeMs`: that listing is the truth for them
   * (except in `keep`, markets whose position drift was not corrected yet).
   */
  drop(beforeMs: number, keep: ReadonlySet<string> = new Set()): void {
    for (const [id, g] of this.ghosts)
      if (g.sinceMs < beforeMs && !keep.has(g.ticker)) this.ghosts.delete(id);
  }

  /** The ghosts of these markets, as the risk gate counts them. */
  of(tickers: readonly string[]): ExposureOrder[] {
    const out: ExposureOrder[] = [];
    for (const g of this.ghosts.values())
      if (tickers.includes(g.ticker)) out.push({ ticker: g.ticker, side: g.side, remaining: g.remaining });
    return out;
  }
}
