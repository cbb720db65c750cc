import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  avellanedaStoikov,
  glft,
  glftCoefficients,
  linearSkew,
  liquidityTerm,
  monopsonyQuote,
  remainingVariance,
  snapMonopsony,
} from '../../../shared/pricing/monopsony.ts';
import {
  DEFAULT_QUOTING_PARAMS,
  type QuotingParams,
  QuotingParamsSchema,
} from '../../../shared/pricing/params.ts';
import {
  LINEAR_CENT_GRID,
  makeTickGrid,
  TAPERED_DECI_CENT_RANGES,
} from '../../../shared/pricing/tick-grid.ts';

const params = (p: Partial<QuotingParams>): QuotingParams => QuotingParamsSchema.parse(p);

describe('Avellaneda–Stoikov (hand-computed)', () => {
  it('reservation and half-spread', () => {
    // p = 0.5, γ = 0.1, k = 50, σ = 0.001/√s, τ = 100 s, q = +10 contracts
    // V = min(σ²τ, p(1−p)) = min(1e-6·100, 0.25) = 1e-4
    // r = p − qγV = 0.5 − 10·0.1·1e-4 = 0.4999
    // δ = ½γV + (1/γ)ln(1 + γ/k) = 5e-6 + 10·ln(1.002) = 5e-6 + 0.01998003 = 0.01998503
    // bid = 0.4999 − 0.01998503 = 0.47991497 → 47¢ (down); ask = 0.51988503 → 52¢ (up)
    const q = avellanedaStoikov(
      { theo: 0.5, inventory: 10, limit: 100, horizonSeconds: 100 },
      params({ gamma: 0.1, k: 50, sigma: 0.001, holdToSettlement: false }),
    );
    expect(q.reservation).toBeCloseTo(0.4999, 12);
    expect(q.ask - q.reservation).toBeCloseTo(0.01998503, 8);
    expect(q.bid).toBeCloseTo(0.47991497, 8);
    expect(q.ask).toBeCloseTo(0.51988503, 8);
    expect(snapMonopsony(q, LINEAR_CENT_GRID)).toEqual({ bid: 470_000, ask: 520_000 });
  });

  it('held to settlement the variance is p(1−p) whatever the horizon: skew does not vanish near the stop', () => {
    // p = 0.6, γ = 0.004, k = 40, q = +20 contracts: V = 0.24, r = 0.6 − 20·0.004·0.24 = 0.5808
    // δ = ½·0.004·0.24 + 250·ln(1.0001) = 0.00048 + 0.0249988 = 0.0254788
    for (const horizonSeconds of [0, 60, 3 * 3600]) {
      const q = avellanedaStoikov(
        { theo: 0.6, inventory: 20, limit: 30, horizonSeconds },
        params({ gamma: 0.004, k: 40 }),
      );
      expect(q.reservation).toBeCloseTo(0.5808, 12);
      expect(q.ask - q.reservation).toBeCloseTo(0.00048 + Math.log1p(0.004 / 40) / 0.004, 12);
    }
  });

  it('default skew is ≈ 1¢ at 10 contracts and 3¢ at 30 contracts for p = 0.5', () => {
    const skew = (inventory: number) =>
      0.5 -
      avellanedaStoikov({ theo: 0.5, inventory, limit: 30, horizonSeconds: 600 }, DEFAULT_QUOTING_PARAMS)
        .reservation;
    expect(skew(10)).toBeCloseTo(0.01, 9);
    expect(skew(30)).toBeCloseTo(0.03, 9);
  });

  it('caps remaining variance at p(1−p) for a binary', () => {
    // σ²τ = 1e-4 · 1e6 = 100, far above p(1−p) = 0.2·0.8 = 0.16
    expect(remainingVariance(0.2, 0.01, 1_000_000)).toBeCloseTo(0.16, 12);
    expect(remainingVariance(0.2, 0.01, 100)).toBeCloseTo(0.01, 12);
    expect(remainingVariance(0.2, 0.01, -5)).toBe(0);
  });

  it('γ → 0 gives the risk-neutral monopolist half-spread 1/k and no skew', () => {
    expect(liquidityTerm(0, 40)).toBe(1 / 40);
    expect(liquidityTerm(1e-9, 40)).toBeCloseTo(1 / 40, 9);
    const q = avellanedaStoikov(
      { theo: 0.3, inventory: 50, limit: 100, horizonSeconds: 3600 },
      params({ gamma: 0, k: 40 }),
    );
    expect(q.reservation).toBe(0.3);
    expect(q.bidDistance).toBeCloseTo(0.025, 12);
  });
});

describe('GLFT asymptotic (hand-computed)', () => {
  it('c1, c2, half-spread and skew', () => {
    // γ = 0.1, k = 50, A = 0.5/s, Δ = 1 contract, σ = 0.001, τ = 100 s (σ cap √(0.25/100) = 0.05 not binding)
    // x = γΔ/k = 0.002; c1 = ln(1.002)/0.1 = 0.0199800266
    // (1+x)^{1/x+1} = exp(501·ln 1.002) = exp(1.00099933) = 2.72099966
    // c2 = √(0.1/(2·0.5·1·50) · 2.72099966) = √(0.002·2.72099966) = 0.0737699079
    // half = c1 + ½·σ·c2 = 0.0199800266 + 0.0000368850 = 0.0200169116; skew = σ·c2 = 7.37699e-5
    const p = params({ model: 'glft', gamma: 0.1, k: 50, arrivalRate: 0.5, glftLot: 100, sigma: 0.001 });
    const c = glftCoefficients(0.5, 100, p);
    expect(c.c1).toBeCloseTo(0.0199800266, 9);
    expect(c.c2).toBeCloseTo(0.0737699079, 9);
    expect(c.halfSpread).toBeCloseTo(0.0200169116, 9);
    expect(c.skewPerContract).toBeCloseTo(7.37699e-5, 9);
    // q = 10: bid = 0.5 − 0.0200169 − 0.000737699 = 0.4792454 → 47¢; ask = 0.5192792 → 52¢
    const q = glft({ theo: 0.5, inventory: 10, limit: 100, horizonSeconds: 100 }, p);
    expect(q.bid).toBeCloseTo(0.4792453893, 9);
    expect(q.ask).toBeCloseTo(0.5192792125, 9);
    expect(snapMonopsony(q, LINEAR_CENT_GRID)).toEqual({ bid: 470_000, ask: 520_000 });
  });

  it('binary σ cap: a long horizon cannot inflate σ beyond √(p(1−p)/τ)', () => {
    const p = params({ model: 'glft', sigma: 1 });
    const capped = glftCoefficients(0.5, 10_000, p);
    const expected = glftCoefficients(
      0.5,
      10_000,
      params({ model: 'glft', sigma: Math.sqrt(0.25 / 10_000) }),
    );
    expect(capped.skewPerContract).toBeCloseTo(expected.skewPerContract, 12);
  });
});

describe('linear skew', () => {
  it('r = theo − skewAtLimit·q/limit, fixed half-spread', () => {
    // q/limit = 25/50 = 0.5; r = 0.5 − 0.02·0.5 = 0.49; bid = 0.46, ask = 0.52
    const q = linearSkew(
      { theo: 0.5, inventory: 25, limit: 50, horizonSeconds: 10 },
      params({ model: 'linear', linearHalfSpread: 30_000, linearSkewAtLimit: 20_000 }),
    );
    expect(q.reservation).toBeCloseTo(0.49, 12);
    expect(q.bid).toBeCloseTo(0.46, 12);
    expect(q.ask).toBeCloseTo(0.52, 12);
    expect(snapMonopsony(q, LINEAR_CENT_GRID)).toEqual({ bid: 460_000, ask: 520_000 });
  });
});

const arbParams = fc
  .record({
    model: fc.constantFrom('as' as const, 'glft' as const, 'linear' as const),
    gamma: fc.double({ min: 0.001, max: 5, noNaN: true }),
    k: fc.double({ min: 5, max: 500, noNaN: true }),
    sigma: fc.double({ min: 1e-6, max: 0.01, noNaN: true }),
  })
  .map((p) => QuotingParamsSchema.parse(p));

describe('monopsony properties', () => {
  it('more long → lower (or equal) bid and ask, for every model, before and after snapping', () => {
    const tapered = makeTickGrid(TAPERED_DECI_CENT_RANGES);
    fc.assert(
      fc.property(
        arbParams,
        fc.double({ min: 0.02, max: 0.98, noNaN: true }),
        fc.integer({ min: -200, max: 200 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 86_400 }),
        (p, theo, q, more, tau) => {
          const a = monopsonyQuote({ theo, inventory: q, limit: 200, horizonSeconds: tau }, p);
          const b = monopsonyQuote({ theo, inventory: q + more, limit: 200, horizonSeconds: tau }, p);
          expect(b.bid).toBeLessThanOrEqual(a.bid + 1e-12);
          expect(b.ask).toBeLessThanOrEqual(a.ask + 1e-12);
          expect(a.ask).toBeGreaterThan(a.bid);
          for (const grid of [LINEAR_CENT_GRID, tapered]) {
            const sa = snapMonopsony(a, grid);
            const sb = snapMonopsony(b, grid);
            if (sa.bid !== null && sb.bid !== null) expect(sb.bid).toBeLessThanOrEqual(sa.bid);
            if (sa.ask !== null && sb.ask !== null) expect(sb.ask).toBeLessThanOrEqual(sa.ask);
            if (sa.bid !== null) expect(sa.bid).toBeLessThanOrEqual(a.bid * 1e6 + 1e-3);
            if (sa.ask !== null) expect(sa.ask).toBeGreaterThanOrEqual(a.ask * 1e6 - 1e-3);
          }
        },
      ),
    );
  });

  it('flat inventory quotes symmetric around theo', () => {
    fc.assert(
      fc.property(arbParams, fc.double({ min: 0.02, max: 0.98, noNaN: true }), (p, theo) => {
        const q = monopsonyQuote({ theo, inventory: 0, limit: 100, horizonSeconds: 3600 }, p);
        expect(q.bidDistance).toBeGreaterThan(0);
        expect(q.bidDistance).toBeCloseTo(q.askDistance, 9);
      }),
    );
  });

  it('defaults give a sensible pre-game half-spread (2–4¢)', () => {
    const q = monopsonyQuote(
      { theo: 0.5, inventory: 0, limit: 100, horizonSeconds: 3 * 3600 },
      DEFAULT_QUOTING_PARAMS,
    );
    expect(q.askDistance).toBeGreaterThan(0.02);
    expect(q.askDistance).toBeLessThan(0.04);
  });
});
