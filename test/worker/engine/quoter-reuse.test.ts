import { describe, expect, it } from 'vitest';
import { DEFAULT_QUOTING_PARAMS } from '../../../shared/pricing/params.ts';
import {
  EMPTY_GAME_MEMORY,
  quoterSettings,
  quoteWithMemory,
} from '../../../worker/engine/adapters/quoter.ts';
import type { QuoteContext } from '../../../worker/engine/ports.ts';

const T0 = Date.UTC(2026, 11, 7, 18, 0, 0);
const A = 'KXEPLGAME-26DEC07ARSCHE-ARS';
const B = 'KXEPLGAME-26DEC07ARSCHE-CHE';
const c = (cents: number) => cents * 10_000;
const markets = [
  { ticker: A, outcome: 'Arsenal' },
  { ticker: B, outcome: 'Chelsea' },
];

function ctx(now: number, probabilities: Record<string, number>, position: number): QuoteContext {
  const book = (ticker: string) => ({
    ticker,
    bids: [{ price: c(30), size: 1_000 }],
    asks: [{ price: c(70), size: 1_000 }],
    valid: true,
    updatedMs: now,
  });
  return {
    // The same markets list on every decision, as the session hands it until a listing changes it.
    game: {
      eventTicker: 'KXEPLGAME-26DEC07ARSCHE',
      seriesTicker: 'KXEPLGAME',
      sport: 'epl',
      title: 'Arsenal v Chelsea',
      oddsEventId: 'odds-epl',
      markets,
      kalshiStartMs: T0 + 3_600_000,
      oddsCommenceMs: T0 + 3_600_000,
    },
    theo: { oddsEventId: 'odds-epl', probabilities, updatedMs: now, books: 5 },
    books: new Map([
      [A, book(A)],
      [B, book(B)],
    ]),
    positions: new Map([[A, position]]),
    entryPrices: new Map(),
    ownOrders: [],
    limit: 3_000,
    stopAtMs: T0 + 3_300_000,
    now,
  };
}

describe('the quoter reuses what it read per game only while it still holds', () => {
  it('a theo that gains or loses the draw changes the decision exactly as a fresh quoter sees it', () => {
    const twoWay = { Arsenal: 0.5, Chelsea: 0.5 };
    const threeWay = { Arsenal: 0.45, Chelsea: 0.3, Draw: 0.25 };
    // Long Arsenal: whether Chelsea's YES hedges it depends on the draw being covered (exhaustive).
    const steps = [
      ctx(T0, twoWay, 1_000),
      ctx(T0 + 1_000, threeWay, 1_000),
      ctx(T0 + 2_000, { ...twoWay }, 1_000),
      ctx(T0 + 3_000, threeWay, 1_000),
    ];
    const shared = quoterSettings({ params: DEFAULT_QUOTING_PARAMS });
    let memory = EMPTY_GAME_MEMORY;
    let freshMemory = EMPTY_GAME_MEMORY;
    const seen = new Set<string>();
    for (const step of steps) {
      const reused = quoteWithMemory(step, memory, shared);
      const fresh = quoteWithMemory(step, freshMemory, quoterSettings({ params: DEFAULT_QUOTING_PARAMS }));
      expect(reused.quotes).toStrictEqual(fresh.quotes);
      memory = reused.memory;
      freshMemory = fresh.memory;
      seen.add(JSON.stringify(reused.quotes.quotes));
    }
    // Not vacuous: the two theos quote differently.
    expect(seen.size).toBeGreaterThan(1);
  });
});
