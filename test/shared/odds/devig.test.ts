import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  americanToDecimal,
  americanToImplied,
  DEVIG_METHODS,
  decimalToAmerican,
  decimalToImplied,
  devig,
  devigDecimal,
  devigMultiplicative,
  devigPower,
  devigShin,
} from '../../../shared/odds/devig.ts';

const probsOf = (r: ReturnType<typeof devig>): number[] => {
  if (!r.ok) throw new Error(`de-vig failed: ${r.reason} ${r.detail}`);
  return r.probabilities;
};

describe('odds format conversion', () => {
  it('American → decimal and implied, by hand', () => {
    // +150 → 1 + 150/100 = 2.5;  −200 → 1 + 100/200 = 1.5;  ±100 → 2.0 (evens)
    expect(americanToDecimal(150)).toBe(2.5);
    expect(americanToDecimal(-200)).toBe(1.5);
    expect(americanToDecimal(100)).toBe(2);
    expect(americanToDecimal(-100)).toBe(2);
    // −110 → 110/210 = 0.5238095…;  +240 → 100/340 = 0.2941176…
    expect(americanToImplied(-110)).toBeCloseTo(110 / 210, 15);
    expect(americanToImplied(240)).toBeCloseTo(100 / 340, 15);
  });

  it('decimal → American, by hand', () => {
    // 2.5 → +(1.5·100) = +150;  1.5 → −100/0.5 = −200;  1.91 → −100/0.91 = −109.89…
    expect(decimalToAmerican(2.5)).toBe(150);
    expect(decimalToAmerican(1.5)).toBe(-200);
    expect(decimalToAmerican(1.91)).toBeCloseTo(-109.89011, 4);
  });

  it('rejects invalid prices with null, never NaN', () => {
    for (const a of [0, 50, -99.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(americanToDecimal(a)).toBeNull();
      expect(americanToImplied(a)).toBeNull();
    }
    for (const d of [1, 0.5, -2, Number.NaN, Number.NEGATIVE_INFINITY]) {
      expect(decimalToAmerican(d)).toBeNull();
      expect(decimalToImplied(d)).toBeNull();
    }
  });

  it('round-trips American ↔ decimal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 100_000 }), fc.boolean(), (abs, neg) => {
        const a = neg ? -abs : abs;
        const d = americanToDecimal(a)!;
        const back = decimalToAmerican(d)!;
        // −100 and +100 are the same price (evens); the conversion returns +100.
        expect(Math.abs(back - (a === -100 ? 100 : a))).toBeLessThan(1e-9 * abs);
        expect(americanToImplied(a)!).toBeCloseTo(1 / d, 12);
      }),
    );
  });
});

describe('de-vig: hand-computed examples', () => {
  // Heavy favourite 1.25 / 4.20 (the research note's example).
  // r = (1/1.25, 1/4.2) = (0.8, 0.2380952381); B = 1.0380952381; M = 0.0380952381.
  const fav = [1.25, 4.2];

  it('multiplicative: p = r/B', () => {
    // p2 = (1/4.2) / (0.8 + 1/4.2) = 1 / (3.36 + 1) = 1/4.36 = 0.2293577982
    const p = probsOf(devigDecimal(fav, 'multiplicative'));
    expect(p[1]).toBeCloseTo(1 / 4.36, 14);
    expect(p[0]).toBeCloseTo(3.36 / 4.36, 14);
  });

  it('shin (2-way) equals additive: p2 = r2 − M/2', () => {
    // p2 = (r2 − r1 + 1)/2 = (0.2380952381 + 0.2)/2 = 0.2190476190 = 23/105
    const r = devigDecimal(fav, 'shin');
    const p = probsOf(r);
    expect(p[1]).toBeCloseTo(23 / 105, 12);
    expect(p[0]).toBeCloseTo(82 / 105, 12);
    // z must satisfy the Shin equation: plug it back in by hand.
    if (!r.ok) return;
    const z = r.parameter;
    const B = 0.8 + 1 / 4.2;
    const shin = (ri: number) => (Math.sqrt(z * z + (4 * (1 - z) * ri * ri) / B) - z) / (2 * (1 - z));
    expect(shin(0.8) + shin(1 / 4.2)).toBeCloseTo(1, 12);
    expect(z).toBeGreaterThan(0);
    expect(z).toBeLessThan(0.1);
  });

  it('power: 0.8^k + (1/4.2)^k = 1 → k ≈ 1.07608, p2 ≈ 0.21347', () => {
    // k = 1.0760837: 0.8^k = e^(1.0760837·ln 0.8) = e^(−0.2401196) = 0.7865326;
    // (1/4.2)^k = e^(−1.0760837·1.4350845) = e^(−1.5442696) = 0.2134674; sum = 1.0000000.
    const r = devigDecimal(fav, 'power');
    const p = probsOf(r);
    expect(r.ok && r.parameter).toBeCloseTo(1.0760837, 6);
    expect(p[1]).toBeCloseTo(0.2134674, 6);
    expect(p[0]).toBeCloseTo(0.7865326, 6);
  });

  it('the three methods order the longshot as the research note says: power < shin < multiplicative', () => {
    const [m, s, pw] = (['multiplicative', 'shin', 'power'] as const).map(
      (k) => probsOf(devigDecimal(fav, k))[1]!,
    );
    expect(pw).toBeLessThan(s!);
    expect(s).toBeLessThan(m!);
  });

  // Soccer 3-way: Arsenal 1.58, Brighton 6.12, Draw 4.33 (Pinnacle in the EPL fixture).
  // r = (0.6329114, 0.1633987, 0.2309469); B = 1.0272570; M = 0.0272570.
  const epl = [1.58, 6.12, 4.33];

  it('multiplicative 3-way by hand', () => {
    // p = r/B = (0.6329114/1.027257, 0.1633987/1.027257, 0.2309469/1.027257) = (0.6161179, 0.1590631, 0.2248190)
    const p = probsOf(devigDecimal(epl, 'multiplicative'));
    expect(p[0]).toBeCloseTo(0.6161179, 6);
    expect(p[1]).toBeCloseTo(0.1590631, 6);
    expect(p[2]).toBeCloseTo(0.224819, 6);
  });

  it('shin 3-way by hand (z ≈ 0.0137084)', () => {
    // With z = 0.0137084: for Arsenal r²/B = 0.4005768/1.027257 = 0.3899480;
    // 4(1−z)·0.3899480 = 1.5384131; + z² (0.0001879) = 1.5386010; √ = 1.2403995;
    // − z = 1.2266911; ÷ 2(1−z) = 1.9725832 → 0.6218705.
    // Likewise Brighton → 0.1555320, Draw → 0.2225962; the three sum to 1.0000.
    const r = devigDecimal(epl, 'shin');
    const p = probsOf(r);
    expect(r.ok && r.parameter).toBeCloseTo(0.0137084, 6);
    expect(p[0]).toBeCloseTo(0.6218718, 5);
    expect(p[1]).toBeCloseTo(0.155532, 5);
    expect(p[2]).toBeCloseTo(0.2225962, 5);
  });

  it('power 3-way by hand (k ≈ 1.03006)', () => {
    // k = 1.0300604: 0.6329114^k = 0.6242682, 0.1633987^k = 0.1547386, 0.2309469^k = 0.2209933; sum 1.0000001.
    const r = devigDecimal(epl, 'power');
    const p = probsOf(r);
    expect(r.ok && r.parameter).toBeCloseTo(1.0300604, 6);
    expect(p[0]).toBeCloseTo(0.6242682, 6);
    expect(p[1]).toBeCloseTo(0.1547386, 6);
    expect(p[2]).toBeCloseTo(0.2209933, 6);
  });

  it('a book without margin is returned unchanged by every method', () => {
    for (const m of DEVIG_METHODS) expect(probsOf(devigDecimal([2, 2], m))).toEqual([0.5, 0.5]);
  });
});

describe('de-vig: failures are typed, never NaN', () => {
  it.each(DEVIG_METHODS)('%s rejects bad input naming the index', (m) => {
    expect(devig([0.5], m)).toMatchObject({ ok: false, reason: 'too-few-outcomes' });
    expect(devig([0.5, Number.NaN], m)).toMatchObject({ ok: false, reason: 'invalid-probability' });
    expect(devig([0.5, 0], m)).toMatchObject({ ok: false, reason: 'invalid-probability' });
    expect(devig([1, 0.1], m)).toMatchObject({ ok: false, reason: 'invalid-probability' });
    const r = devigDecimal([1.9, 1.0], m);
    expect(r).toMatchObject({ ok: false, reason: 'invalid-probability' });
    if (!r.ok) expect(r.detail).toMatch(/\[1\]/);
  });

  it('an iteration cap that is too small reports no-convergence instead of a wrong answer', () => {
    expect(devigPower([0.8, 1 / 4.2], { maxIterations: 2, tolerance: 1e-15 })).toMatchObject({
      ok: false,
      reason: 'no-convergence',
    });
    // Two-way Shin is a closed form (no iterations to cap): the cap is for three outcomes and more.
    expect(devigShin([1 / 1.58, 1 / 6.12, 1 / 4.33], { maxIterations: 2, tolerance: 1e-15 })).toMatchObject({
      ok: false,
      reason: 'no-convergence',
    });
  });
});

// Raw implied probabilities of a realistic book: n outcomes with fair p, then a margin applied.
const arbBook = fc
  .record({
    weights: fc.array(fc.double({ min: 0.02, max: 1, noNaN: true }), { minLength: 2, maxLength: 3 }),
    margin: fc.double({ min: -0.03, max: 0.25, noNaN: true }),
  })
  .map(({ weights, margin }) => {
    const s = weights.reduce((a, b) => a + b, 0);
    return weights.map((w) => Math.min(0.995, (w / s) * (1 + margin)));
  });

describe('de-vig: properties', () => {
  it.each(DEVIG_METHODS)('%s: probabilities lie in (0,1) and sum to 1', (m) => {
    fc.assert(
      fc.property(arbBook, (implied) => {
        const r = devig(implied, m);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.probabilities).toHaveLength(implied.length);
        for (const p of r.probabilities) {
          expect(p).toBeGreaterThan(0);
          expect(p).toBeLessThan(1);
        }
        expect(Math.abs(r.probabilities.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      }),
      { numRuns: 300 },
    );
  });

  it.each(DEVIG_METHODS)('%s: preserves the order of outcomes (favourite stays favourite)', (m) => {
    fc.assert(
      fc.property(arbBook, (implied) => {
        const p = probsOf(devig(implied, m));
        for (let i = 0; i < implied.length; i++) {
          for (let j = 0; j < implied.length; j++) {
            if (implied[i]! > implied[j]! + 1e-12) expect(p[i]!).toBeGreaterThanOrEqual(p[j]! - 1e-12);
          }
        }
      }),
    );
  });

  it.each(DEVIG_METHODS)('%s: permuting the outcomes permutes the result', (m) => {
    fc.assert(
      fc.property(arbBook, (implied) => {
        const rev = [...implied].reverse();
        const a = probsOf(devig(implied, m));
        const b = probsOf(devig(rev, m)).reverse();
        a.forEach((p, i) => {
          expect(Math.abs(p - b[i]!)).toBeLessThan(1e-12);
        });
      }),
    );
  });

  it('with a positive margin, shin and power shift probability from the longshot to the favourite vs multiplicative', () => {
    fc.assert(
      fc.property(arbBook, (implied) => {
        const B = implied.reduce((a, b) => a + b, 0);
        fc.pre(B > 1.001);
        const longshot = implied.indexOf(Math.min(...implied));
        const favourite = implied.indexOf(Math.max(...implied));
        fc.pre(implied[favourite]! - implied[longshot]! > 1e-6);
        const mult = probsOf(devigMultiplicative(implied));
        for (const m of ['shin', 'power'] as const) {
          const p = probsOf(devig(implied, m));
          expect(p[longshot]!).toBeLessThanOrEqual(mult[longshot]! + 1e-12);
          expect(p[favourite]!).toBeGreaterThanOrEqual(mult[favourite]! - 1e-12);
        }
      }),
    );
  });

  it('shin equals additive for two outcomes', () => {
    fc.assert(
      fc.property(arbBook, (implied) => {
        fc.pre(implied.length === 2);
        const B = implied[0]! + implied[1]!;
        const additive = implied[0]! - (B - 1) / 2;
        fc.pre(B > 1 && additive > 0.001 && additive < 0.999);
        expect(probsOf(devigShin(implied))[0]).toBeCloseTo(additive, 10);
      }),
    );
  });
});

describe('de-vig: Shin solved directly (issue #16)', () => {
  // A margin of 0.5–25 % on a fair book of n outcomes, each fair p ≥ 1 %.
  const book = (n: number) =>
    fc
      .record({
        weights: fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
        margin: fc.double({ min: 0.005, max: 0.25, noNaN: true }),
      })
      .map(({ weights, margin }) => {
        const s = weights.reduce((a, b) => a + b, 0);
        return weights.map((w) => Math.min(0.99, Math.max(0.01, w / s) * (1 + margin)));
      });

  it('two outcomes: the closed form, no iterations', () => {
    fc.assert(
      fc.property(book(2), (implied) => {
        const B = implied[0]! + implied[1]!;
        fc.pre(B > 1 && implied[0]! - (B - 1) / 2 > 0 && implied[1]! - (B - 1) / 2 > 0);
        const r = devigShin(implied);
        expect(r).toMatchObject({ ok: true, iterations: 0 });
      }),
      { numRuns: 500 },
    );
  });

  it('three to five outcomes: Newton, a handful of steps where bisection took ~45', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 5 }).chain(book), (implied) => {
        fc.pre(implied.reduce((a, b) => a + b, 0) > 1.001);
        const r = devigShin(implied);
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.iterations).toBeLessThanOrEqual(10);
      }),
      { numRuns: 500 },
    );
  });
});
