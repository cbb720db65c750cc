import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUOTING_PARAMS } from '../../../shared/pricing/params.ts';
import {
  EMPTY_THEO_VOL,
  gameTheoAgeMinEdge,
  MAX_STEP,
  stepTheoVol,
  type TheoVol,
  type TheoVolRule,
  theoAgeMinEdge,
  theoSigma,
} from '../../../shared/pricing/theo-age.ts';

const RULE: TheoVolRule = { halfLifeMs: 1_800_000, priorSigma: 0.0003, priorSeconds: 600 };

/** The theo path `theos`, one update every `everyMs`. */
function history(theos: readonly number[], everyMs = 60_000, rule = RULE): TheoVol {
  let v = EMPTY_THEO_VOL;
  theos.forEach((p, i) => {
    v = stepTheoVol(v, p, i * everyMs, rule);
  });
  return v;
}

describe('theo volatility σ̂ (online, from the theo alone)', () => {
  it('is the prior before any update, and after a theo that never moves it falls below it', () => {
    expect(theoSigma(EMPTY_THEO_VOL, RULE)).toBeCloseTo(0.0003, 10);
    // an hour of polls: the prior's 600 s against ≈ 1 900 s of decayed evidence at 0
    const flat = history(Array.from({ length: 60 }, () => 0.55));
    expect(theoSigma(flat, RULE)).toBeLessThan(0.0003 * 0.6);
  });

  it('a drifting theo learns its realised variance rate: 2¢ a minute → ≈ 0.02/√60 per √s', () => {
    const path = Array.from({ length: 120 }, (_, i) => 0.5 + (i % 2 === 0 ? 0.01 : -0.01));
    expect(theoSigma(history(path), RULE)).toBeCloseTo(0.02 / Math.sqrt(60), 3);
  });

  it('the same snapshot seen again changes nothing; an older or unusable theo is ignored', () => {
    const v = history([0.5, 0.52]);
    expect(stepTheoVol(v, 0.6, v.theoMs, RULE)).toBe(v);
    expect(stepTheoVol(v, 0.6, v.theoMs - 1, RULE)).toBe(v);
    for (const bad of [null, Number.NaN, 0, 1, 1.2])
      expect(stepTheoVol(v, bad, v.theoMs + 60_000, RULE)).toBe(v);
  });

  it('non-negative and finite; one step counts at most MAX_STEP; a larger move never lowers σ̂', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 0.99, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        (path, last, m1, m2) => {
          const v = history(path);
          const s = theoSigma(v, RULE);
          expect(Number.isFinite(s) && s >= 0).toBe(true);
          const [lo, hi] = m1 <= m2 ? [m1, m2] : [m2, m1];
          const t = v.theoMs + 60_000;
          const up = (d: number) => theoSigma(stepTheoVol(v, Math.min(0.999, v.theo + d), t, RULE), RULE);
          if (v.theo + hi < 0.999) expect(up(lo)).toBeLessThanOrEqual(up(hi) + 1e-15);
          const once = stepTheoVol(v, last, t, RULE);
          expect(once.sumSq - v.sumSq * 0.5 ** (60_000 / RULE.halfLifeMs)).toBeLessThanOrEqual(
            MAX_STEP * MAX_STEP + 1e-12,
          );
        },
      ),
    );
  });
});

describe('theoAgeMinEdge: minEdge + weight × σ√L', () => {
  it('σ 0.002/√s, a 36 s old theo, weight 1: 1.2¢ over a 2¢ floor; capped; off, unknown σ or a fresh theo: the floor', () => {
    expect(theoAgeMinEdge(20_000, 60_000, 1, 0.002, 36_000)).toBe(32_000);
    expect(theoAgeMinEdge(20_000, 60_000, 1, 0.02, 36_000)).toBe(60_000);
    expect(theoAgeMinEdge(80_000, 60_000, 1, 0.02, 36_000)).toBe(80_000);
    expect(theoAgeMinEdge(20_000, 60_000, 0, 0.002, 36_000)).toBe(20_000);
    expect(theoAgeMinEdge(20_000, 60_000, 1, Number.NaN, 36_000)).toBe(20_000);
    expect(theoAgeMinEdge(20_000, 60_000, 1, 0.002, 0)).toBe(20_000);
    expect(theoAgeMinEdge(20_000, 60_000, 1, 0.002, -5_000)).toBe(20_000);
  });

  it('only ever widens: non-decreasing in age, σ and weight, within [minEdge, max(minEdge, cap)], integer Micros', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 200_000 }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: 0, max: 0.01, noNaN: true }),
        fc.integer({ min: 0, max: 900_000 }),
        fc.integer({ min: 0, max: 900_000 }),
        (minEdge, cap, w, sigma, a1, a2) => {
          const [young, old] = a1 <= a2 ? [a1, a2] : [a2, a1];
          const x = theoAgeMinEdge(minEdge, cap, w, sigma, young);
          const y = theoAgeMinEdge(minEdge, cap, w, sigma, old);
          expect(x).toBeLessThanOrEqual(y);
          expect(y).toBeLessThanOrEqual(theoAgeMinEdge(minEdge, cap, w * 2, sigma * 2, old));
          expect(x).toBeGreaterThanOrEqual(minEdge);
          expect(y).toBeLessThanOrEqual(Math.max(minEdge, cap));
          expect(Number.isSafeInteger(y)).toBe(true);
        },
      ),
    );
  });

  it("a game takes its most volatile market's σ̂; off by default", () => {
    const calm = history([0.5, 0.5, 0.5]);
    const jumpy = history([0.5, 0.55, 0.5]);
    const p = { ...DEFAULT_QUOTING_PARAMS, theoAgeEdge: 1 };
    const both = gameTheoAgeMinEdge(20_000, p, [calm, jumpy], 200_000, 120_000);
    expect(both).toBe(gameTheoAgeMinEdge(20_000, p, [jumpy], 200_000, 120_000));
    expect(both).toBeGreaterThan(gameTheoAgeMinEdge(20_000, p, [calm], 200_000, 120_000));
    expect(gameTheoAgeMinEdge(20_000, DEFAULT_QUOTING_PARAMS, [jumpy], 200_000, 120_000)).toBe(20_000);
  });
});
