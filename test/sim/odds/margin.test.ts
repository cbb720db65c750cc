/**
 * The simulated books' margin model is a switch (sim/odds/margin.ts): the
 * proportional mark-up the simulator always used, or Shin's, which the theo's
 * Shin de-vig inverts exactly (no favourite lean left in the theo).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { devig } from '../../../shared/odds/devig.ts';
import { applyMargin } from '../../../sim/odds/margin.ts';

const fair = fc
  .array(fc.double({ min: 0.03, max: 1, noNaN: true }), { minLength: 2, maxLength: 3 })
  .map((w) => {
    const t = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / t);
  });
const vig = fc.double({ min: 0.005, max: 0.1, noNaN: true });

describe('applyMargin', () => {
  it('marks every model up to an overround of exactly 1 + vig', () => {
    fc.assert(
      fc.property(fair, vig, fc.constantFrom('proportional' as const, 'shin' as const), (p, v, model) => {
        const implied = applyMargin(p, v, model);
        expect(implied.reduce((a, b) => a + b, 0)).toBeCloseTo(1 + v, 9);
        for (const [i, x] of implied.entries()) expect(x).toBeGreaterThan(p[i] as number);
      }),
    );
  });

  it('shin: the Shin de-vig recovers the fair probabilities', () => {
    fc.assert(
      fc.property(fair, vig, (p, v) => {
        const implied = applyMargin(p, v, 'shin');
        // A book cannot price an outcome at or past certainty (decimal odds ≤ 1).
        fc.pre(implied.every((x) => x < 0.99));
        const back = devig(implied, 'shin');
        expect(back.ok).toBe(true);
        if (back.ok)
          for (const [i, x] of back.probabilities.entries()) expect(x).toBeCloseTo(p[i] as number, 6);
      }),
    );
  });

  it('proportional: the Shin de-vig leans towards the favourite (the bias issue #14 measured)', () => {
    const back = devig(applyMargin([0.85, 0.15], 0.045, 'proportional'), 'shin');
    expect(back.ok).toBe(true);
    if (back.ok) expect((back.probabilities[0] as number) - 0.85).toBeGreaterThan(0.005);
  });

  it('shin puts more of the margin on the longshot than proportional does', () => {
    const [favS, dogS] = applyMargin([0.8, 0.2], 0.05, 'shin') as [number, number];
    const [favP, dogP] = applyMargin([0.8, 0.2], 0.05, 'proportional') as [number, number];
    expect(dogS).toBeGreaterThan(dogP);
    expect(favS).toBeLessThan(favP);
  });
});
