/**
 * The strike truth shared by the ladders and the books (sim/scenario/strike-truth.ts):
 * linear in the winner truth, the winner itself at the zero strike, the margin truth
 * at the opening winner truth before anything moves, monotone in the strike.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { marginTruth, pmfOver, SPORT_TRUTH_SHAPES } from '../../../sim/scenario/margin-truth.ts';
import { StrikeTruth } from '../../../sim/scenario/strike-truth.ts';

const sports = Object.keys(SPORT_TRUTH_SHAPES);

describe('strike truth', () => {
  it('property: "home margin > −0.5" is the winner truth itself, at any p', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...sports),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (sport, pOpen, p) => {
          const shape = SPORT_TRUTH_SHAPES[sport]!;
          const t = new StrikeTruth(shape, pOpen, shape.totalMean);
          expect(t.at('spread', -0.5, p)).toBeCloseTo(p, 9);
          expect(t.at('spread', 0.5, p)).toBeCloseTo(p, 9);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('property: at the opening winner truth a spread strike is the margin truth there', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...sports),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.integer({ min: -25, max: 25 }),
        (sport, pOpen, k) => {
          const shape = SPORT_TRUTH_SHAPES[sport]!;
          const d = marginTruth(shape, pOpen);
          const t = new StrikeTruth(shape, pOpen, shape.totalMean);
          const p0 = pmfOver(d, 0);
          expect(Math.abs(t.at('spread', k + 0.5, p0) - pmfOver(d, k + 0.5))).toBeLessThan(1e-9);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('property: monotone non-increasing in the strike, in [0, 1], for spreads and totals', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...sports),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (sport, pOpen, p) => {
          const shape = SPORT_TRUTH_SHAPES[sport]!;
          const t = new StrikeTruth(shape, pOpen, shape.totalMean);
          for (const kind of ['spread', 'total'] as const) {
            const around = kind === 'spread' ? 0 : Math.round(shape.totalMean);
            let prev = 1;
            for (let s = around - 30.5; s <= around + 30.5; s += 1) {
              const v = t.at(kind, s, p);
              expect(v).toBeGreaterThanOrEqual(0);
              expect(v).toBeLessThanOrEqual(prev + 1e-12);
              prev = v;
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('is linear in the winner truth (a martingale whenever the winner truth is one)', () => {
    const shape = SPORT_TRUTH_SHAPES['americanfootball_nfl']!;
    const t = new StrikeTruth(shape, 0.6, shape.totalMean);
    for (const [kind, s] of [
      ['spread', 6.5],
      ['spread', -3.5],
      ['total', 44.5],
    ] as const) {
      const mid = t.at(kind, s, 0.5);
      expect(mid).toBeCloseTo((t.at(kind, s, 0.2) + t.at(kind, s, 0.8)) / 2, 12);
    }
  });
});
