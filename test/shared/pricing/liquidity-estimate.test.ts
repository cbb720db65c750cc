import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addArrival,
  advanceLiquidity,
  EMPTY_LIQUIDITY,
  estimateLiquidity,
  holdLiquidity,
  LIQUIDITY_BINS,
  type LiquidityRule,
  type LiquidityState,
  liquidityBin,
  liquidityBinDistance,
  observedArrivals,
} from '../../../shared/pricing/estimation.ts';

/** mulberry32: a seeded uniform in [0, 1). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(mean: number, u: () => number): number {
  const l = Math.exp(-mean);
  let k = 0;
  let p = u();
  while (p > l) {
    k++;
    p *= u();
  }
  return k;
}

const rule = (k: number, arrivalRate: number, priorTrades = 20, maxFactor = 3): LiquidityRule => ({
  prior: { arrivalRate, k },
  priorTrades,
  halfLifeMs: 1e12,
  maxFactor,
});

/**
 * A market side whose best price moves between −1¢ and 8¢ from theo every minute (others' quotes, the
 * theo's moves), takers arriving at A·e^{−kδ}; what the tape would record.
 */
function synthetic(a: number, k: number, seconds: number, seed: number, r: LiquidityRule): LiquidityState {
  const u = rng(seed);
  let s = advanceLiquidity(EMPTY_LIQUIDITY, 0, r);
  const dt = 60;
  for (let t = dt; t <= seconds; t += dt) {
    const d = -0.01 + u() * 0.09;
    s = holdLiquidity(s, [d]);
    s = advanceLiquidity(s, t * 1000, r);
    const arrivals = poisson(a * Math.exp(-k * d) * dt, u);
    for (let i = 0; i < arrivals; i++) s = addArrival(s, d);
  }
  return s;
}

describe('online liquidity: A·e^{−kδ} from exposure and arrivals (Poisson, with a prior)', () => {
  it('recovers A and k from synthetic exponential arrivals, from a prior off by up to 2×', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.05, noNaN: true }),
        fc.double({ min: 20, max: 60, noNaN: true }),
        fc.constantFrom(0.5, 2),
        fc.integer({ min: 1, max: 1_000_000 }),
        (a, k, off, seed) => {
          const r = rule(k * off, a * off);
          // ~2 000 arrivals: k within 15 %, the rate at 3¢ within 15 %.
          const s = synthetic(a, k, 600_000, seed, r);
          const est = estimateLiquidity(s, r);
          expect(est.n).toBeGreaterThan(1_000);
          expect(Math.abs(est.k / k - 1)).toBeLessThan(0.15);
          const at3 = (x: { arrivalRate: number; k: number }) => x.arrivalRate * Math.exp(-x.k * 0.03);
          expect(Math.abs(at3(est) / at3({ arrivalRate: a, k }) - 1)).toBeLessThan(0.15);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('a market with no trades and no exposure returns the prior exactly', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 500, noNaN: true }),
        fc.double({ min: 1e-4, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1_000, noNaN: true }),
        (k, a, n0) => {
          const est = estimateLiquidity(EMPTY_LIQUIDITY, rule(k, a, n0));
          expect(est.k).toBeCloseTo(k, 6);
          expect(est.arrivalRate / a).toBeCloseTo(1, 6);
          expect(est.n).toBe(0);
        },
      ),
    );
  });

  it('quoted at one distance only (alone in the book), the slope stays at the prior: only the level moves', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 1_000_000 }), (fills, seed) => {
        const r = rule(40, 0.005);
        // Every trade at our own quote's distance, as alone in the book.
        const at = 0.026 + rng(seed)() * 0.008;
        let s = holdLiquidity(advanceLiquidity(EMPTY_LIQUIDITY, 0, r), [at]);
        s = advanceLiquidity(s, 3_600_000, r);
        for (let i = 0; i < fills; i++) s = addArrival(s, at);
        const est = estimateLiquidity(s, r);
        // The prior expects about 0.005·e^{−1.2}·3600 ≈ 5.4 arrivals near 3¢ in the hour: the level follows the count.
        expect(Math.abs(est.k / 40 - 1)).toBeLessThan(1e-6);
        const ratio = (est.arrivalRate * Math.exp(-est.k * at)) / (0.005 * Math.exp(-40 * at));
        if (fills >= 30) expect(ratio).toBeGreaterThan(1.8);
        if (fills === 0) expect(ratio).toBeLessThan(0.9);
      }),
    );
  });

  it('the prior weighs as many arrivals as priorTrades: more data moves the estimate further from it', () => {
    const truth = { a: 0.03, k: 25 };
    const estAt = (seconds: number, n0: number) =>
      estimateLiquidity(synthetic(truth.a, truth.k, seconds, 7, rule(50, 0.01, n0)), rule(50, 0.01, n0)).k;
    const short = estAt(20_000, 20);
    const long = estAt(400_000, 20);
    expect(Math.abs(long - truth.k)).toBeLessThan(Math.abs(short - truth.k));
    // A prior worth a million arrivals does not move.
    expect(estAt(400_000, 1_000_000)).toBeCloseTo(50, 0);
  });

  it('k stays within [k₀/f, k₀·f] whatever the tape says', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -0.06, max: 0.25, noNaN: true }), fc.nat(50)), { maxLength: 20 }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        (tape, f) => {
          const r = rule(40, 0.005, 5, f);
          let s = advanceLiquidity(EMPTY_LIQUIDITY, 0, r);
          let t = 0;
          for (const [d, hits] of tape) {
            s = holdLiquidity(s, [d]);
            t += 60_000;
            s = advanceLiquidity(s, t, r);
            for (let i = 0; i < hits; i++) s = addArrival(s, d);
          }
          const est = estimateLiquidity(s, r);
          expect(est.k).toBeGreaterThanOrEqual(40 / f - 1e-9);
          expect(est.k).toBeLessThanOrEqual(40 * f + 1e-9);
          expect(Number.isFinite(est.arrivalRate) && est.arrivalRate > 0).toBe(true);
        },
      ),
    );
  });

  it('A stays within [A₀/f, A₀·f] too: prints far from any exposure do not drive it without limit', () => {
    const r = rule(40, 0.005);
    // Ten minutes shown at 3¢ from theo, then 2,000 prints at 12¢, where nothing of the book was shown.
    let s = holdLiquidity(advanceLiquidity(EMPTY_LIQUIDITY, 0, r), [0.03]);
    s = advanceLiquidity(s, 600_000, r);
    for (let i = 0; i < 2_000; i++) s = addArrival(s, 0.12);
    const est = estimateLiquidity(s, r);
    expect(est.arrivalRate).toBeLessThanOrEqual(0.005 * 3 + 1e-12);
    expect(est.arrivalRate).toBeGreaterThanOrEqual(0.005 / 3 - 1e-12);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -0.06, max: 0.25, noNaN: true }), fc.nat(200)), { maxLength: 20 }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        (tape, f) => {
          const rf = rule(40, 0.005, 5, f);
          let st = advanceLiquidity(EMPTY_LIQUIDITY, 0, rf);
          let t = 0;
          for (const [d, hits] of tape) {
            t += 60_000;
            st = advanceLiquidity(holdLiquidity(st, [d]), t, rf);
            for (let i = 0; i < hits; i++) st = addArrival(st, d + 0.05);
          }
          const a = estimateLiquidity(st, rf).arrivalRate;
          expect(a).toBeGreaterThanOrEqual(0.005 / f - 1e-12);
          expect(a).toBeLessThanOrEqual(0.005 * f + 1e-12);
        },
      ),
    );
  });

  it('bad inputs are ignored: NaN or infinite distances, out-of-range distances, time running back or NaN', () => {
    const r = rule(40, 0.005);
    const s = advanceLiquidity(EMPTY_LIQUIDITY, 1_000, r);
    for (const d of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0.2, 0.5]) {
      expect(addArrival(s, d)).toBe(s);
      expect(liquidityBin(d)).toBeNull();
      expect(holdLiquidity(s, [d]).held).toEqual([]);
    }
    const held = holdLiquidity(s, [0.03, Number.NaN]);
    expect(held.held).toEqual([liquidityBin(0.03)]);
    expect(advanceLiquidity(held, Number.NaN, r)).toBe(held);
    expect(advanceLiquidity(held, 500, r)).toBe(held);
    expect(observedArrivals(addArrival(held, 0.03))).toBe(1);
  });

  it('bins: a distance lands in the bin whose centre is within half a bin of it', () => {
    fc.assert(
      fc.property(fc.double({ min: -0.0499, max: 0.1999, noNaN: true }), (d) => {
        const b = liquidityBin(d);
        expect(b).not.toBeNull();
        expect(b!).toBeLessThan(LIQUIDITY_BINS);
        expect(Math.abs(liquidityBinDistance(b!) - d)).toBeLessThanOrEqual(0.0025 + 1e-9);
      }),
    );
  });

  it('exposure and arrivals halve every half-life', () => {
    const r = { ...rule(40, 0.005), halfLifeMs: 60_000 };
    let s = holdLiquidity(advanceLiquidity(EMPTY_LIQUIDITY, 0, r), [0.03]);
    s = addArrival(s, 0.03);
    const b = liquidityBin(0.03)!;
    s = advanceLiquidity(s, 60_000, r);
    expect(s.arrivals[b]).toBeCloseTo(0.5, 12);
    // One half-life of exposure is worth h/ln2·(1 − ½) seconds at its end.
    expect(s.exposure[b]).toBeCloseTo((60 / Math.LN2) * 0.5, 9);
  });
});
