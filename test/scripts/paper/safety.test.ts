/**
 * The safety invariants both monitors (chaos, the simulation recorder) judge the exchange's truth by.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crossedOwnQuotes, limitBreach, restingAfterStop } from '../../../scripts/paper/safety.ts';

const TICKERS = ['G-A', 'G-B'];

describe('safety invariants', () => {
  it('the limit: a breach is the net inventory past the cap in either direction, none at the cap', () => {
    // Long YES on A is short the game's other outcome: the two markets net against each other.
    expect(limitBreach(TICKERS, new Map([['G-A', 300]]), 300)).toBeNull();
    expect(limitBreach(TICKERS, new Map([['G-A', 301]]), 300)).toBe(301);
    expect(limitBreach(TICKERS, new Map([['G-B', 301]]), 300)).toBe(-301);
    expect(
      limitBreach(
        TICKERS,
        new Map([
          ['G-A', 400],
          ['G-B', 400],
        ]),
        300,
      ),
    ).toBeNull();
    expect(limitBreach(TICKERS, new Map([['OTHER-A', 10_000]]), 300)).toBeNull();
  });

  it('the stop time: nothing of ours in the game rests at or after it; before it, nothing is late', () => {
    const resting = [
      { orderId: 'a', ticker: 'G-A', side: 'bid' as const },
      { orderId: 'x', ticker: 'OTHER-A', side: 'ask' as const },
      { orderId: 'b', ticker: 'G-B', side: 'ask' as const },
    ];
    expect(restingAfterStop(TICKERS, resting, 999, 1_000)).toEqual([]);
    expect(restingAfterStop(TICKERS, resting, 1_000, 1_000).map((o) => o.orderId)).toEqual(['a', 'b']);
    expect(restingAfterStop(TICKERS, [], 5_000, 1_000)).toEqual([]);
  });

  it('our own quotes: a market is crossed exactly when one of our bids reaches one of our asks', () => {
    const order = fc.record({
      ticker: fc.constantFrom('G-A', 'G-B', 'OTHER-A'),
      side: fc.constantFrom('bid' as const, 'ask' as const),
      price: fc.integer({ min: 1, max: 99 }).map((c) => c * 10_000),
    });
    fc.assert(
      fc.property(fc.array(order, { maxLength: 12 }), (resting) => {
        const crossed = crossedOwnQuotes(TICKERS, resting);
        for (const t of TICKERS) {
          const mine = resting.filter((o) => o.ticker === t);
          const expected = mine.some(
            (b) => b.side === 'bid' && mine.some((a) => a.side === 'ask' && b.price >= a.price),
          );
          expect(crossed.includes(t)).toBe(expected);
        }
        expect(crossed.every((t) => TICKERS.includes(t))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
