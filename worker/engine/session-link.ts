/**
 * The one edge from the adapters back to the session. The session's ports are
 * made of the adapters, so the adapters are built first; yet four things they
 * need are the session's to know: the write fence (REST client), the tick grid
 * of a market (WebSocket books), our writes in flight (flattener) and the game
 * of a market (audit, a shard's flattener). Wiring creates the link first,
 * hands it to the adapters, builds the session, and binds it once. Before it is
 * bound the link is safe: no write passes the fence, no market is ours.
 */
import type { PriceRange } from '../../shared/pricing/tick-grid.ts';

/** What the adapters read from the running session. */
export interface SessionReads {
  writeFence(): string | null;
  priceRangesOf(ticker: string): PriceRange[] | undefined;
  writesInFlight(): number;
  eventOf(ticker: string): string | undefined;
}

export class SessionLink implements SessionReads {
  private session: SessionReads | null = null;

  /** Binds the session; once (a second session behind the same adapters would be a wiring bug). */
  bind(session: SessionReads): void {
    if (this.session) throw new Error('session link: already bound to a session');
    this.session = session;
  }

  /** Null lets a create or amend through; before the session exists, none may go. */
  writeFence(): string | null {
    return this.session ? this.session.writeFence() : 'session not started';
  }

  priceRangesOf(ticker: string): PriceRange[] | undefined {
    return this.session?.priceRangesOf(ticker);
  }

  writesInFlight(): number {
    return this.session?.writesInFlight() ?? 0;
  }

  eventOf(ticker: string): string | undefined {
    return this.session?.eventOf(ticker);
  }
}
