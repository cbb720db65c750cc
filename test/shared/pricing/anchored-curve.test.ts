import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildAnchoredCurve,
  curveOver,
  curveUnder,
  knotOfLine,
} from '../../../shared/pricing/anchored-curve.ts';
import { type IntegerNormal, probabilityAt, probabilityOver } from '../../../shared/pricing/margin-model.ts';

const model: IntegerNormal = { mean: 5, sd: 12, noTies: true };

describe('the anchored curve', () => {
  it('equals the books at their strikes, the fixed winner at ½, and the model’s shape between', () => {
    const curve = buildAnchoredCurve(
      model,
      [
        { at: 3.5, value: 0.5, weight: 1 },
        { at: 3.5, value: 0.46, weight: 3 },
        { at: 9.5, value: 0.3, weight: 1 },
      ],
      { at: 0.5, value: 0.62 },
    );
    expect(curveOver(curve, 3.5)).toBeCloseTo(0.47, 12); // weighted consensus
    expect(curveOver(curve, 9.5)).toBeCloseTo(0.3, 12);
    expect(curveOver(curve, 0)).toBe(0.62); // P(X > 0) = P(X > ½) without ties
    const mid = curveOver(curve, 6.5);
    expect(mid).toBeLessThan(0.47);
    expect(mid).toBeGreaterThan(0.3);
    // tails follow the model, scaled to meet the outermost knots
    expect(curveOver(curve, 30.5)).toBeCloseTo(
      0.3 * (probabilityOver(model, 30.5) / probabilityOver(model, 9.5)),
      12,
    );
    expect(curveUnder(curve, 3.5)).toBeCloseTo(1 - 0.47, 12);
  });

  it('an integer line becomes a knot at s + ½ with the model’s push taken out', () => {
    const k = knotOfLine(model, 7, 0.45, 2);
    expect(k.at).toBe(7.5);
    expect(k.value).toBeCloseTo(0.45 * (1 - probabilityAt(model, 7)), 12);
  });

  it('books that invert are pooled, never passed on inverted; the fixed knot clamps its sides', () => {
    const curve = buildAnchoredCurve(
      model,
      [
        { at: -2.5, value: 0.6, weight: 1 }, // below the winner 0.62: clamped up to it
        { at: 4.5, value: 0.4, weight: 1 },
        { at: 5.5, value: 0.44, weight: 1 }, // above 4.5's: pooled to 0.42
      ],
      { at: 0.5, value: 0.62 },
    );
    expect(curve.knots.map((k) => k.at)).toEqual([-2.5, 0.5, 4.5, 5.5]);
    const values = curve.knots.map((k) => k.value);
    for (const [i, v] of [0.62, 0.62, 0.42, 0.42].entries()) expect(values[i]).toBeCloseTo(v, 12);
  });

  it('property: monotone in the strike for any knots and model', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -20, max: 20, noNaN: true }),
        fc.double({ min: 2, max: 25, noNaN: true }),
        fc.array(
          fc.record({
            at: fc.integer({ min: -30, max: 30 }).map((k) => k + 0.5),
            value: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
            weight: fc.double({ min: 0.1, max: 3, noNaN: true }),
          }),
          { maxLength: 12 },
        ),
        fc.option(fc.double({ min: 0.05, max: 0.95, noNaN: true }), { nil: null }),
        fc.double({ min: -45, max: 45, noNaN: true }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        (mean, sd, knots, win, s, step) => {
          const m = { mean, sd, noTies: true };
          const curve = buildAnchoredCurve(m, knots, win === null ? null : { at: 0.5, value: win });
          const a = curveOver(curve, s);
          const b = curveOver(curve, s + step);
          expect(b).toBeLessThanOrEqual(a + 1e-12);
          expect(a).toBeGreaterThanOrEqual(0);
          expect(a).toBeLessThanOrEqual(1);
          if (win !== null) expect(curveOver(curve, 0)).toBe(win);
        },
      ),
      { numRuns: 500 },
    );
  });
});
