import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sweepLeanedTheo } from '../../../shared/pricing/flow-lean.ts';
import type { NewsHold } from '../../../shared/pricing/news-guard.ts';

const RULE = { holdMs: 120_000, releaseMove: 0.02 };
const hold = (side: 'bid' | 'ask', theo: number, sinceMs = 0): NewsHold => ({ side, sinceMs, theo });

describe('sweepLeanedTheo', () => {
  it('leans the swept way by shift from the sweep’s theo while the hold stands; not otherwise', () => {
    expect(sweepLeanedTheo(0.5, hold('bid', 0.5), 1_000, RULE, 0.02)).toBeCloseTo(0.48, 12);
    expect(sweepLeanedTheo(0.5, hold('ask', 0.5), 1_000, RULE, 0.02)).toBeCloseTo(0.52, 12);
    // the theo already moved further the fills' way than the lean (a released hold): the theo
    expect(sweepLeanedTheo(0.47, hold('bid', 0.5), 1_000, RULE, 0.02)).toBe(0.47);
    // no hold, off, past newsHoldMs, no theo
    expect(sweepLeanedTheo(0.5, undefined, 1_000, RULE, 0.02)).toBe(0.5);
    expect(sweepLeanedTheo(0.5, hold('bid', 0.5), 1_000, RULE, 0)).toBe(0.5);
    expect(sweepLeanedTheo(0.5, hold('bid', 0.5), 120_000, RULE, 0.02)).toBe(0.5);
    expect(sweepLeanedTheo(null, hold('bid', 0.5), 1_000, RULE, 0.02)).toBeNull();
  });

  it('bounded and one-way: never against the sweep, never further than shift beyond the sweep’s theo, inside (0, 1)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.constantFrom<'bid' | 'ask'>('bid', 'ask'),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        fc.integer({ min: 0, max: 200_000 }),
        (theo, at, side, shift, now) => {
          const p = sweepLeanedTheo(theo, hold(side, at), now, RULE, shift) as number;
          expect(p).toBeGreaterThan(0);
          expect(p).toBeLessThan(1);
          if (side === 'bid') {
            expect(p).toBeLessThanOrEqual(theo);
            expect(p).toBeGreaterThanOrEqual(Math.min(theo, Math.max(0.001, at - shift)) - 1e-12);
          } else {
            expect(p).toBeGreaterThanOrEqual(theo);
            expect(p).toBeLessThanOrEqual(Math.max(theo, Math.min(0.999, at + shift)) + 1e-12);
          }
        },
      ),
    );
  });
});
