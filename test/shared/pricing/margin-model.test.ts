import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NFL_KEY_WEIGHTS, scaleKeyWeights } from '../../../shared/pricing/key-margin.ts';
import {
  type FitConfig,
  type FitLine,
  fitMargin,
  fitTotal,
  type IntegerNormal,
  lineProbability,
  meanForWinProbability,
  normalCdf,
  probabilityAt,
  probabilityOver,
} from '../../../shared/pricing/margin-model.ts';

const config = (priorSd: number): FitConfig => ({
  priorSd,
  minSdFactor: 0.6,
  maxSdFactor: 1.8,
  priorStrength: 0.00005,
  maxRmsError: 0.02,
  maxOutsideVig: 0.02,
});

/** A synthetic book: the truth's line price marked up by half of `vig` on each side. */
function bookLine(truth: IntegerNormal, book: string, strike: number, vig: number, weight = 1): FitLine {
  const p = lineProbability(truth, strike);
  const impliedOver = p + vig / 2;
  const impliedUnder = 1 - p + vig / 2;
  return { book, marketKey: 'alternate_spreads', strike, probability: p, impliedOver, impliedUnder, weight };
}

describe('the integer normal', () => {
  it('normalCdf matches known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
  });

  it('a half-point strike reads the normal; an integer strike leaves its push out', () => {
    const d: IntegerNormal = { mean: 3, sd: 10, noTies: false };
    expect(probabilityOver(d, 6.5)).toBeCloseTo(1 - normalCdf(0.35), 7);
    // X > 6 ⇔ X ≥ 7 ⇔ X > 6.5
    expect(probabilityOver(d, 6)).toBeCloseTo(probabilityOver(d, 6.5), 12);
    const push = probabilityAt(d, 6);
    expect(lineProbability(d, 6)).toBeCloseTo(probabilityOver(d, 6) / (1 - push), 12);
  });

  it('no ties: the margin is never 0 and its pmf still sums to 1', () => {
    const d: IntegerNormal = { mean: 2, sd: 12, noTies: true };
    expect(probabilityAt(d, 0)).toBe(0);
    let s = 0;
    for (let k = -150; k <= 150; k++) s += probabilityAt(d, k);
    expect(s).toBeCloseTo(1, 6);
    expect(probabilityOver(d, 0)).toBeCloseTo(probabilityOver(d, -0.5), 12);
  });

  it('property: P(X > s) is non-increasing in the strike', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -30, max: 30, noNaN: true }),
        fc.double({ min: 1, max: 25, noNaN: true }),
        fc.boolean(),
        fc.double({ min: -60, max: 60, noNaN: true }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        (mean, sd, noTies, s, step) => {
          const d = { mean, sd, noTies };
          expect(probabilityOver(d, s + step)).toBeLessThanOrEqual(probabilityOver(d, s) + 1e-12);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: a key-number distribution asked many strikes answers each exactly as a fresh one', () => {
    // The key masses are kept per distribution object (a fit asks one for every strike): a
    // distribution already asked other strikes must give bit-for-bit what a new copy gives.
    fc.assert(
      fc.property(
        fc.double({ min: -20, max: 20, noNaN: true }),
        fc.double({ min: 3, max: 25, noNaN: true }),
        fc.boolean(),
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.array(fc.integer({ min: -40, max: 40 }), { minLength: 1, maxLength: 12 }),
        (mean, sd, noTies, strength, strikes) => {
          const d: IntegerNormal = { mean, sd, noTies, keys: scaleKeyWeights(NFL_KEY_WEIGHTS, strength) };
          for (const k of strikes) {
            const fresh = () => ({ ...d });
            expect(probabilityOver(d, k + 0.5)).toBe(probabilityOver(fresh(), k + 0.5));
            expect(probabilityAt(d, k)).toBe(probabilityAt(fresh(), k));
            expect(lineProbability(d, k)).toBe(lineProbability(fresh(), k));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('property: meanForWinProbability puts P(margin > 0) at the target', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.03, max: 0.97, noNaN: true }),
        fc.double({ min: 1, max: 25, noNaN: true }),
        fc.boolean(),
        (p, sd, noTies) => {
          const mean = meanForWinProbability(p, sd, noTies);
          expect(Math.abs(probabilityOver({ mean, sd, noTies }, 0) - p)).toBeLessThan(1e-6);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** Synthetic books priced from a known truth: three books, half-point and integer strikes. */
const syntheticGame = fc.record({
  winProbability: fc.double({ min: 0.08, max: 0.92, noNaN: true }),
  sdFactor: fc.double({ min: 0.75, max: 1.4, noNaN: true }),
  vigs: fc.array(fc.double({ min: 0.02, max: 0.06, noNaN: true }), { minLength: 1, maxLength: 4 }),
  offsets: fc.uniqueArray(fc.integer({ min: -24, max: 24 }), { minLength: 1, maxLength: 12 }),
  half: fc.boolean(),
});

type SyntheticGame = typeof syntheticGame extends fc.Arbitrary<infer T> ? T : never;

describe('fitMargin on synthetic books (property tests)', () => {
  const priorSd = 12;
  const build = (g: SyntheticGame) => {
    const sd = priorSd * g.sdFactor;
    const truth: IntegerNormal = {
      mean: meanForWinProbability(g.winProbability, sd, true),
      sd,
      noTies: true,
    };
    const centre = Math.round(truth.mean);
    // Books list lines between about 3 % and 97 % (no book prices −3000 alternates).
    const strikes = g.offsets
      .map((o) => centre + o + (g.half ? 0.5 : 0))
      .filter((s) => Math.abs(lineProbability(truth, s) - 0.5) < 0.47);
    const lines = g.vigs.flatMap((vig, b) =>
      strikes.map((s) => bookLine(truth, `book${b}`, s, vig, b === 0 ? 3 : 1)),
    );
    return { truth, lines };
  };

  it('reproduces P(margin > 0) within 0.5¢ and every line within its book’s vig', () => {
    fc.assert(
      fc.property(syntheticGame, (g) => {
        const { lines } = build(g);
        const fit = fitMargin({
          winProbability: g.winProbability,
          noTies: true,
          lines,
          config: config(priorSd),
        });
        if (!fit.ok) throw new Error(`${fit.reason}: ${fit.detail}`);
        expect(Math.abs(probabilityOver(fit.distribution, 0) - g.winProbability)).toBeLessThan(0.005);
        for (const r of fit.diagnostics.lines) expect(r.withinVig, `${r.book} ${r.strike}`).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('the fitted theo is monotone in the strike', () => {
    fc.assert(
      fc.property(syntheticGame, fc.double({ min: -40, max: 40, noNaN: true }), (g, s) => {
        const { lines } = build(g);
        const fit = fitMargin({
          winProbability: g.winProbability,
          noTies: true,
          lines,
          config: config(priorSd),
        });
        if (!fit.ok) throw new Error(fit.detail);
        expect(probabilityOver(fit.distribution, s + 0.5)).toBeLessThanOrEqual(
          probabilityOver(fit.distribution, s) + 1e-12,
        );
      }),
      { numRuns: 40 },
    );
  });

  it('without a line σ is the prior, and the winner is still exact', () => {
    const fit = fitMargin({ winProbability: 0.7, noTies: true, lines: [], config: config(priorSd) });
    expect(fit.ok && fit.sdSource).toBe('prior');
    expect(fit.ok && fit.distribution.sd).toBe(priorSd);
    expect(fit.ok && Math.abs(probabilityOver(fit.distribution, 0) - 0.7)).toBeLessThan(1e-6);
  });

  it('recovers the truth σ from alternate lines', () => {
    const truth: IntegerNormal = { mean: meanForWinProbability(0.72, 15, true), sd: 15, noTies: true };
    const lines = [-10.5, -3.5, 2.5, 6.5, 9.5, 14.5, 20.5].map((s) => bookLine(truth, 'pinnacle', s, 0.02));
    const fit = fitMargin({ winProbability: 0.72, noTies: true, lines, config: config(priorSd) });
    expect(fit.ok).toBe(true);
    if (fit.ok) expect(fit.distribution.sd).toBeCloseTo(15, 0);
  });

  it('refuses a shape the sport does not have (fat tails: σ pinned at its bound)', () => {
    const cauchy = (s: number) => 0.5 - Math.atan((s - 3) / 4) / Math.PI;
    const lines: FitLine[] = [-24.5, -15.5, -6.5, -0.5, 2.5, 5.5, 11.5, 20.5, 29.5].map((s) => ({
      book: 'pinnacle',
      marketKey: 'alternate_spreads',
      strike: s,
      probability: cauchy(s),
      impliedOver: cauchy(s) * 1.02,
      impliedUnder: (1 - cauchy(s)) * 1.02,
      weight: 1,
    }));
    const fit = fitMargin({ winProbability: cauchy(0), noTies: true, lines, config: config(priorSd) });
    expect(fit.ok).toBe(false);
    if (!fit.ok) expect(['poor-fit', 'sd-at-bound']).toContain(fit.reason);
  });

  it('refuses lines the moneyline cannot share (every line outside its vig)', () => {
    const truth: IntegerNormal = { mean: -4, sd: 12, noTies: true };
    const lines = [-6.5, -3.5, -0.5, 2.5].map((s) => bookLine(truth, 'pinnacle', s, 0.02));
    const fit = fitMargin({ winProbability: 0.8, noTies: true, lines, config: config(priorSd) });
    expect(fit.ok).toBe(false);
    if (!fit.ok) expect(fit.detail).toMatch(/RMS|outside|edge/);
  });

  it('rejects invalid input with a reason', () => {
    expect(fitMargin({ winProbability: 1, noTies: true, lines: [], config: config(12) })).toMatchObject({
      ok: false,
      reason: 'invalid-input',
    });
    const bad = { ...bookLine({ mean: 0, sd: 12, noTies: true }, 'x', 2.5, 0.02), weight: Number.NaN };
    expect(fitMargin({ winProbability: 0.5, noTies: true, lines: [bad], config: config(12) })).toMatchObject({
      ok: false,
      reason: 'invalid-input',
    });
  });
});

describe('fitTotal', () => {
  it('property: recovers μ and σ from a truth’s alternate totals, every line within vig', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 180, max: 250, noNaN: true }),
        fc.double({ min: 13, max: 28, noNaN: true }),
        (mean, sd) => {
          const truth: IntegerNormal = { mean, sd, noTies: false };
          const c = Math.round(mean);
          const lines = [-15, -9, -3, 0, 3, 9, 15].map((o) =>
            bookLine(truth, 'pinnacle', c + o + 0.5, 0.025),
          );
          const fit = fitTotal({ lines, config: config(18) });
          if (!fit.ok) throw new Error(fit.detail);
          expect(Math.abs(fit.distribution.mean - mean)).toBeLessThan(0.3);
          expect(Math.abs(fit.distribution.sd - sd) / sd).toBeLessThan(0.05);
          for (const r of fit.diagnostics.lines) expect(r.withinVig).toBe(true);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('one strike: σ stays the prior and μ sits on the line', () => {
    const truth: IntegerNormal = { mean: 220, sd: 18, noTies: false };
    const fit = fitTotal({ lines: [bookLine(truth, 'pinnacle', 220.5, 0.02)], config: config(18) });
    expect(fit.ok && fit.sdSource).toBe('prior');
    expect(fit.ok && Math.abs(fit.distribution.mean - 220)).toBeLessThan(0.05);
  });

  it('no line: refused (the moneyline says nothing about the total)', () => {
    expect(fitTotal({ lines: [], config: config(18) })).toMatchObject({ ok: false, reason: 'no-lines' });
  });
});
