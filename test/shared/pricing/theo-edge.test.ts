import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUOTING_PARAMS } from '../../../shared/pricing/params.ts';
import { theoQualityMinEdge } from '../../../shared/pricing/theo-edge.ts';

const p = (minEdge: number, dispersionEdge: number, maxMinEdge = 60_000) => ({
  minEdge,
  dispersionEdge,
  maxMinEdge,
});

describe('theoQualityMinEdge', () => {
  it('off by default: the flat minimum edge whatever the dispersion', () => {
    expect(theoQualityMinEdge(DEFAULT_QUOTING_PARAMS, 0.05)).toBe(DEFAULT_QUOTING_PARAMS.minEdge);
  });

  it('minEdge + dispersionEdge × dispersion, capped; unknown or bad dispersion is no extra', () => {
    expect(theoQualityMinEdge(p(10_000, 1), 0.015)).toBe(25_000); // 1¢ + 1.5¢ of book disagreement
    expect(theoQualityMinEdge(p(10_000, 2), 0.015)).toBe(40_000);
    expect(theoQualityMinEdge(p(10_000, 1), 0.2)).toBe(60_000); // the cap
    expect(theoQualityMinEdge(p(80_000, 1), 0.2)).toBe(80_000); // never below minEdge, even past the cap
    for (const d of [undefined, 0, -0.01, Number.NaN])
      expect(theoQualityMinEdge(p(10_000, 1), d)).toBe(10_000);
  });

  it('non-decreasing in dispersion, between minEdge and max(minEdge, maxMinEdge), integer Micros', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        fc.integer({ min: 0, max: 200_000 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (minEdge, k, cap, d1, d2) => {
          const [lo, hi] = d1 <= d2 ? [d1, d2] : [d2, d1];
          const a = theoQualityMinEdge(p(minEdge, k, cap), lo);
          const b = theoQualityMinEdge(p(minEdge, k, cap), hi);
          expect(a).toBeLessThanOrEqual(b);
          expect(Number.isSafeInteger(b)).toBe(true);
          expect(a).toBeGreaterThanOrEqual(minEdge);
          expect(b).toBeLessThanOrEqual(Math.max(minEdge, cap));
        },
      ),
    );
  });
});
