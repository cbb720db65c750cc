import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { strikeQuoteSize } from '../../../worker/engine/ladder-size.ts';

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
