/**
 * The two-way game the quoter's guard tests decide on: Boston at Milwaukee, one hour before the start,
 * a wide book on both legs, positions given per leg, the theo computed at a given instant.
 */
import type { MarketBook, QuoteContext } from '../../../worker/engine/ports.ts';

export const T0 = Date.UTC(2026, 10, 25, 18, 0, 0);
export const A = 'KXNBAGAME-26NOV25BOSMIL-BOS';
export const B = 'KXNBAGAME-26NOV25BOSMIL-MIL';
export const c = (cents: number) => cents * 10_000;
export const book = (ticker: string): MarketBook => ({
  ticker,
  bids: [{ price: c(3), size: 1_000 }],
  asks: [{ price: c(97), size: 1_000 }],
  valid: true,
  updatedMs: T0,
});

/** Boston at `boston`; positions on both legs; the theo computed at `theoMs`; optional sharp lean on Boston. */
export function at(
  now: number,
  a: number,
  b: number,
  theoMs: number,
  boston = 0.5,
  lean?: number,
): QuoteContext {
  return {
    game: {
      eventTicker: 'KXNBAGAME-26NOV25BOSMIL',
      seriesTicker: 'KXNBAGAME',
      sport: 'nba',
      title: 'Boston at Milwaukee',
      oddsEventId: 'odds-1',
      markets: [
        { ticker: A, outcome: 'Boston' },
        { ticker: B, outcome: 'Milwaukee' },
      ],
      kalshiStartMs: T0 + 3_600_000,
      oddsCommenceMs: T0 + 3_600_000,
    },
    theo: {
      oddsEventId: 'odds-1',
      probabilities: { Boston: boston, Milwaukee: 1 - boston },
      updatedMs: theoMs,
      books: 5,
      ...(lean === undefined ? {} : { sharpLean: { Boston: lean, Milwaukee: -lean } }),
    },
    books: new Map([
      [A, book(A)],
      [B, book(B)],
    ]),
    positions: new Map([
      [A, a],
      [B, b],
    ]),
    entryPrices: new Map(),
    ownOrders: [],
    limit: 5_000,
    stopAtMs: T0 + 3_300_000,
    now,
  };
}
