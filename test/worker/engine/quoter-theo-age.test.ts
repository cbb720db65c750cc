import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUOTING_PARAMS, type QuotingParams } from '../../../shared/pricing/params.ts';
import { gameQuoter } from '../../../worker/engine/adapters/quoter.ts';
import type { MarketBook, QuoteContext } from '../../../worker/engine/ports.ts';

const T0 = Date.UTC(2026, 10, 25, 18, 0, 0);
const A = 'KXNBAGAME-26NOV25BOSMIL-BOS';
const B = 'KXNBAGAME-26NOV25BOSMIL-MIL';
const book = (ticker: string): MarketBook => ({
  ticker,
  bids: [{ price: 30_000, size: 1_000 }],
  asks: [{ price: 970_000, size: 1_000 }],
  valid: true,
  updatedMs: T0,
});

/** Boston at `boston`, the theo computed at `theoMs`, flat. */
function at(now: number, boston: number, theoMs: number): QuoteContext {
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
      kalshiStartMs: T0 + 7_200_000,
      oddsCommenceMs: T0 + 7_200_000,
    },
    theo: {
      oddsEventId: 'odds-1',
      probabilities: { Boston: boston, Milwaukee: 1 - boston },
      updatedMs: theoMs,
      books: 5,
    },
    books: new Map([
      [A, book(A)],
      [B, book(B)],
    ]),
    positions: new Map([
      [A, 0],
      [B, 0],
    ]),
    entryPrices: new Map(),
    ownOrders: [],
    limit: 5_000,
    stopAtMs: T0 + 7_000_000,
    now,
  };
}

type Q = ReturnType<ReturnType<typeof gameQuoter>>;
const price = (q: Q, ticker: string, side: 'bid' | 'ask') =>
  q.quotes.find((x) => x.ticker === ticker && x.side === side)?.price;

/** Polls every 60 s along `path`, then one decision `ageMs` after the last poll. */
function run(params: QuotingParams, path: readonly number[], ageMs: number): Q {
  const quoter = gameQuoter({ params });
  let q: Q | undefined;
  path.forEach((p, i) => {
    q = quoter(at(T0 + i * 60_000, p, T0 + i * 60_000));
  });
  const last = (path.length - 1) * 60_000;
  return ageMs > 0 ? quoter(at(T0 + last + ageMs, path.at(-1)!, T0 + last)) : q!;
}

// Lines that drift 3¢ a poll (the nba-lines-drift world) and lines that sit still.
const DRIFT = Array.from({ length: 20 }, (_, i) => 0.5 + (i % 2 === 0 ? 0.015 : -0.015));
const QUIET = Array.from({ length: 20 }, () => 0.515);
const ON: QuotingParams = { ...DEFAULT_QUOTING_PARAMS, theoAgeEdge: 1 };

describe('gameQuoter theo-age edge (theoAgeEdge)', () => {
  it('off by default: an old theo is quoted as a fresh one', () => {
    const fresh = run(DEFAULT_QUOTING_PARAMS, DRIFT, 0);
    const old = run(DEFAULT_QUOTING_PARAMS, DRIFT, 55_000);
    expect(price(old, A, 'bid')).toBe(price(fresh, A, 'bid'));
    expect(price(old, A, 'ask')).toBe(price(fresh, A, 'ask'));
  });

  it('on: where the theo has drifted, the quotes widen as it ages; where it sat still, hardly at all', () => {
    const off = run(DEFAULT_QUOTING_PARAMS, DRIFT, 55_000);
    const drift = run(ON, DRIFT, 55_000);
    // σ̂ ≈ 0.03/√60 → σ̂√55 ≈ 2.9¢ of extra edge: past the monopsony distance (≈ 1/k + fee): the bid a cent lower or more, the ask a cent higher
    expect(price(drift, A, 'bid')!).toBeLessThanOrEqual(price(off, A, 'bid')! - 10_000);
    expect(price(drift, A, 'ask')!).toBeGreaterThanOrEqual(price(off, A, 'ask')! + 10_000);
    const quietOff = run(DEFAULT_QUOTING_PARAMS, QUIET, 55_000);
    const quiet = run(ON, QUIET, 55_000);
    expect(price(quietOff, A, 'bid')! - price(quiet, A, 'bid')!).toBeLessThanOrEqual(10_000);
  });

  it('only ever widens: on any theo path and age, no side is more aggressive than with the switch off', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.2, max: 0.8, noNaN: true }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 120_000 }),
        fc.double({ min: 0, max: 4, noNaN: true }),
        (path, age, w) => {
          const off = run(DEFAULT_QUOTING_PARAMS, path, age);
          const on = run({ ...DEFAULT_QUOTING_PARAMS, theoAgeEdge: w }, path, age);
          for (const q of on.quotes) {
            const base = price(off, q.ticker, q.side);
            expect(base).toBeDefined();
            if (q.side === 'bid') expect(q.price).toBeLessThanOrEqual(base!);
            else expect(q.price).toBeGreaterThanOrEqual(base!);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
