import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  quoteStrikesBySize,
  strikeQuoteSize,
  strikeWeight,
  weightedQuoteSizes,
} from '../../../worker/engine/ladder-size.ts';

describe('strike quote size: the game limit shared over its quoted markets', () => {
  it('a 50-contract limit over 2 winners and 14 strikes: 3 contracts a side, not the base 10', () => {
    expect(strikeQuoteSize(5_000, 16, 1_000, 100)).toBe(300);
  });

  it('a roomy limit keeps the base size; no limit, nothing', () => {
    expect(strikeQuoteSize(100_000, 16, 1_000, 100)).toBe(1_000);
    expect(strikeQuoteSize(0, 16, 1_000, 100)).toBe(0);
  });

  it('property: whole lots, never above the base size, and the ladder at that size stays within the limit (or is one lot)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 100 }),
        fc.constantFrom(1, 100, 500),
        (limit, markets, baseLots, lot) => {
          const baseSize = baseLots * lot; // the base size is in whole lots (engine config)
          const size = strikeQuoteSize(limit, markets, baseSize, lot);
          expect(size % lot).toBe(0);
          expect(size).toBeLessThanOrEqual(baseSize);
          if (limit === 0) expect(size).toBe(0);
          else if (size > lot) expect(size * markets).toBeLessThanOrEqual(limit);
        },
      ),
    );
  });
});

describe('strike weight: a wide strike claims less of the limit, in proportion to its widened edge', () => {
  it('a strike with no extra edge weighs 1; 2¢ normal + 2¢ extra weighs ½; 2¢ + 5¢ weighs 2/7', () => {
    expect(strikeWeight(20_000, 0)).toBe(1);
    expect(strikeWeight(20_000, 0.02)).toBeCloseTo(0.5, 12);
    expect(strikeWeight(20_000, 0.05)).toBeCloseTo(2 / 7, 12);
  });

  it('property: in (0, 1], and more extra edge never weighs more', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500_000 }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        (minEdge, a, b) => {
          const [narrow, wide] = a <= b ? [a, b] : [b, a];
          const wn = strikeWeight(minEdge, narrow);
          const ww = strikeWeight(minEdge, wide);
          expect(wn).toBeGreaterThan(0);
          expect(wn).toBeLessThanOrEqual(1);
          expect(ww).toBeGreaterThan(0);
          expect(ww).toBeLessThanOrEqual(wn);
        },
      ),
    );
  });
});

describe('weighted quote sizes: the game limit shared by weight, the whole ladder within it', () => {
  it('NFL-like: 2 winners, 10 good strikes, 9 wide ones at ⅓ — the good strikes keep more than an equal share', () => {
    const weights = [...Array(12).fill(1), ...Array(9).fill(1 / 3)];
    const sizes = weightedQuoteSizes(5_000, weights, 1_000, 100);
    // equal share: 50 contracts ÷ 21 markets → 2 a side; by weight 50 ÷ 15 → 3 for the good ones
    expect(strikeQuoteSize(5_000, 21, 1_000, 100)).toBe(200);
    expect(sizes.slice(0, 12)).toEqual(Array(12).fill(300));
    expect(sizes.slice(12)).toEqual(Array(9).fill(100));
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5_000);
  });

  it('a share under a lot is held at one lot and the rest re-shared, so rounding up cannot overrun the limit', () => {
    // 2 good markets and 5 tiny-weight ones over a 7-lot limit: rounding each tiny share up to a lot
    // on top of the good ones' 3 lots each would ask for 11 lots.
    const sizes = weightedQuoteSizes(700, [1, 1, 0.01, 0.01, 0.01, 0.01, 0.01], 1_000, 100);
    expect(sizes).toEqual([100, 100, 100, 100, 100, 100, 100]);
  });

  it('property: whole lots, one lot to base size, Σ ≤ limit when it allows a lot each, a wider strike never larger', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 100 }),
        fc.constantFrom(1, 100, 500),
        (limit, weights, baseLots, lot) => {
          const baseSize = baseLots * lot;
          const sizes = weightedQuoteSizes(limit, weights, baseSize, lot);
          expect(sizes).toHaveLength(weights.length);
          for (const s of sizes) {
            expect(s % lot).toBe(0);
            expect(s).toBeGreaterThanOrEqual(Math.min(lot, baseSize));
            expect(s).toBeLessThanOrEqual(baseSize);
          }
          if (limit >= weights.length * lot)
            expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(limit);
          for (let i = 0; i < weights.length; i++)
            for (let j = 0; j < weights.length; j++)
              if (weights[i]! < weights[j]!) expect(sizes[i]).toBeLessThanOrEqual(sizes[j]!);
        },
      ),
    );
  });

  it('property: equal weights reproduce the equal share (strikeQuoteSize) for every market', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 100 }),
        fc.constantFrom(1, 100, 500),
        (limit, markets, baseLots, lot) => {
          const baseSize = baseLots * lot;
          const sizes = weightedQuoteSizes(limit, Array(markets).fill(1), baseSize, lot);
          expect(sizes).toEqual(Array(markets).fill(strikeQuoteSize(limit, markets, baseSize, lot)));
        },
      ),
    );
  });
});

describe('quoteStrikesBySize: each strike quoted at its weighted size, in the strikes’ order', () => {
  it('a good and a wide strike over a tight limit: the good one larger, one quote call per size, order kept', () => {
    const priced = [
      { ticker: 'WIDE-A', extraEdge: 0.04 },
      { ticker: 'GOOD', extraEdge: 0 },
      { ticker: 'WIDE-B', extraEdge: 0.04 },
    ];
    const calls: { tickers: string[]; size: number }[] = [];
    const quotes = quoteStrikesBySize(
      priced,
      { limit: 1_500, winners: 2, minEdge: 20_000, baseSize: 1_000, lot: 100 },
      (group, size) => {
        calls.push({ tickers: group.map((p) => p.ticker), size });
        return group.map((p) => ({ ticker: p.ticker, size }));
      },
    );
    // weights 1, 1 (winners), ⅓, 1, ⅓: Σ 11/3; the good strike 15 × 3/11 → 4 contracts, a wide one 1
    expect(quotes).toEqual([
      { ticker: 'WIDE-A', size: 100 },
      { ticker: 'GOOD', size: 400 },
      { ticker: 'WIDE-B', size: 100 },
    ]);
    expect(calls).toHaveLength(2);
  });
});
