import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMarkout,
  combine,
  EMPTY_MARKET_TOXICITY,
  EMPTY_TALLY,
  lotTaperFloor,
  MAX_MARKOUT,
  type MarketToxicity,
  stepMarketToxicity,
  type Tally,
  type ToxicityRule,
  taperWeight,
  toxicity,
  toxicTaperedSizes,
} from '../../../shared/pricing/toxicity.ts';
import { taperedSizes } from '../../../shared/risk/limits.ts';

const RULE: ToxicityRule = { horizonMs: 120_000, halfLifeMs: 300_000, priorContracts: 10 };

/** Fills marked in order, one second apart: [contracts, adverse markout]. */
const fillsArb = fc.array(
  fc.tuple(fc.integer({ min: 1, max: 50 }), fc.double({ min: -0.3, max: 0.3, noNaN: true })),
  { maxLength: 30 },
);

function tallyOf(fills: readonly (readonly [number, number])[], rule = RULE): Tally {
  let t = EMPTY_TALLY;
  fills.forEach(([c, a], i) => {
    t = addMarkout(t, i * 1_000, c, a, rule);
  });
  return t;
}

const end = (fills: readonly unknown[]) => Math.max(0, fills.length - 1) * 1_000;

describe('toxicity estimate', () => {
  it('starts at the prior (0) and one 10-contract fill 4¢ adverse moves it half way at a prior of 10 contracts', () => {
    expect(toxicity(EMPTY_TALLY, 0, RULE)).toBe(0);
    const t = addMarkout(EMPTY_TALLY, 0, 10, 0.04, RULE);
    expect(toxicity(t, 0, RULE)).toBeCloseTo(0.02, 12);
  });

  it('property: bounded by the markout cap, strictly inside it', () => {
    fc.assert(
      fc.property(fillsArb, (fills) => {
        const x = toxicity(tallyOf(fills), end(fills), RULE);
        expect(Math.abs(x)).toBeLessThan(MAX_MARKOUT);
      }),
    );
  });

  it('property: monotone — making any one fill more adverse never lowers the estimate', () => {
    fc.assert(
      fc.property(
        fillsArb.filter((f) => f.length > 0),
        fc.nat(),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        (fills, pick, more) => {
          const i = pick % fills.length;
          const worse = fills.map(([c, a], j) => [c, j === i ? a + more : a] as const);
          const now = end(fills);
          expect(toxicity(tallyOf(worse), now, RULE)).toBeGreaterThanOrEqual(
            toxicity(tallyOf(fills), now, RULE) - 1e-12,
          );
        },
      ),
    );
  });

  it('property: with no new fills it decays towards the prior, never moving away from it', () => {
    fc.assert(
      fc.property(fillsArb, fc.integer({ min: 1, max: 3_600_000 }), (fills, wait) => {
        const t = tallyOf(fills);
        const now = end(fills);
        const before = Math.abs(toxicity(t, now, RULE));
        const after = Math.abs(toxicity(t, now + wait, RULE));
        expect(after).toBeLessThanOrEqual(before + 1e-12);
        // Forty half-lives on, nothing is left of the evidence (at twenty, 2^-20 ≈ 9.5e-7 of a large tally can still read 1e-6).
        expect(Math.abs(toxicity(t, now + 40 * RULE.halfLifeMs, RULE))).toBeLessThan(1e-6);
      }),
    );
  });

  it('property: a larger prior moves the estimate less (one fill cannot swing it)', () => {
    fc.assert(
      fc.property(fillsArb, fc.integer({ min: 1, max: 100 }), (fills, extra) => {
        const now = end(fills);
        const loose = Math.abs(toxicity(tallyOf(fills), now, RULE));
        const firm = { ...RULE, priorContracts: RULE.priorContracts + extra };
        expect(Math.abs(toxicity(tallyOf(fills, firm), now, firm))).toBeLessThanOrEqual(loose + 1e-12);
      }),
    );
  });

  it('combine pools two directions as one tally (buying A ≡ selling B)', () => {
    const a = addMarkout(EMPTY_TALLY, 0, 10, 0.04, RULE);
    const b = addMarkout(EMPTY_TALLY, 60_000, 10, 0.02, RULE);
    const both = combine(a, b, 60_000, RULE.halfLifeMs);
    const f = 0.5 ** (60_000 / RULE.halfLifeMs);
    expect(toxicity(both, 60_000, RULE)).toBeCloseTo((10 * 0.04 * f + 10 * 0.02) / (10 + 10 * f + 10), 12);
  });
});

describe('stepMarketToxicity: fills are marked against the theo once the horizon has passed', () => {
  const step = (s: MarketToxicity, now: number, theo: number | null, fill: [number, number] | null = null) =>
    stepMarketToxicity(s, now, theo, fill && { t: now, contracts: fill[0], theo: fill[1] }, RULE);

  it('a buy whose theo then falls 3¢ is adverse on the buy side only, and only after the horizon', () => {
    let s = step(EMPTY_MARKET_TOXICITY, 0, 0.5, [10, 0.5]);
    s = step(s, 60_000, 0.47);
    expect(s.open).toHaveLength(1);
    expect(toxicity(s.buy, 60_000, RULE)).toBe(0);
    s = step(s, 120_000, 0.47);
    expect(s.open).toHaveLength(0);
    expect(toxicity(s.buy, 120_000, RULE)).toBeCloseTo((10 * 0.03) / 20, 12);
    expect(toxicity(s.sell, 120_000, RULE)).toBe(0);
  });

  it('a sell whose theo then falls marks out in our favour (negative toxicity on the sell side)', () => {
    let s = step(EMPTY_MARKET_TOXICITY, 0, 0.5, [-10, 0.5]);
    s = step(s, 130_000, 0.47);
    expect(toxicity(s.sell, 130_000, RULE)).toBeLessThan(0);
    expect(toxicity(s.buy, 130_000, RULE)).toBe(0);
  });

  it('without a usable theo the fill waits, and is marked when a theo returns', () => {
    let s = step(EMPTY_MARKET_TOXICITY, 0, 0.5, [10, 0.5]);
    s = step(s, 200_000, null);
    expect(s.open).toHaveLength(1);
    s = step(s, 210_000, 0.52);
    expect(s.open).toHaveLength(0);
    expect(toxicity(s.buy, 210_000, RULE)).toBeLessThan(0);
  });

  it('no fill and nothing due: the same memory object (no allocation on the hot path)', () => {
    const s = step(EMPTY_MARKET_TOXICITY, 0, 0.5, [10, 0.5]);
    expect(step(s, 1_000, 0.5)).toBe(s);
  });
});

describe('taper scaled by toxicity', () => {
  it('taperWeight: 0 when benign or unknown, linear up to the minimum edge, then 1', () => {
    expect(taperWeight(-0.01, 0.02)).toBe(0);
    expect(taperWeight(0, 0.02)).toBe(0);
    expect(taperWeight(0.01, 0.02)).toBeCloseTo(0.5, 12);
    expect(taperWeight(0.05, 0.02)).toBe(1);
  });

  it('taperWeight with a floor: never below it, still 1 at the minimum edge; lotTaperFloor is base / limit, at most 1', () => {
    expect(taperWeight(-0.01, 0.02, 0.25)).toBe(0.25);
    expect(taperWeight(0.01, 0.02, 0.25)).toBeCloseTo(0.5, 12);
    expect(taperWeight(0.001, 0.02, 0.25)).toBe(0.25);
    expect(taperWeight(0.05, 0.02, 0.25)).toBe(1);
    expect(lotTaperFloor(1_000, 5_000)).toBeCloseTo(0.2, 12);
    expect(lotTaperFloor(1_000, 1_750)).toBeCloseTo(1_000 / 1_750, 12);
    expect(lotTaperFloor(1_000, 500)).toBe(1);
    expect(lotTaperFloor(1_000, 0)).toBe(1);
  });

  it('property: weight 1 is the blind taper, weight 0 no taper, and the adding side shrinks as the weight grows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 2_000 }),
        fc.integer({ min: -8_000, max: 8_000 }),
        fc.integer({ min: 1, max: 6_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (base, q, limit, w1, w2) => {
          expect(toxicTaperedSizes(base, q, limit, { bid: 1, ask: 1 })).toEqual(taperedSizes(base, q, limit));
          expect(toxicTaperedSizes(base, q, limit, { bid: 0, ask: 0 })).toEqual({ bid: base, ask: base });
          const [lo, hi] = w1 <= w2 ? [w1, w2] : [w2, w1];
          const a = toxicTaperedSizes(base, q, limit, { bid: lo, ask: lo });
          const b = toxicTaperedSizes(base, q, limit, { bid: hi, ask: hi });
          expect(b.bid).toBeLessThanOrEqual(a.bid);
          expect(b.ask).toBeLessThanOrEqual(a.ask);
        },
      ),
    );
  });
});

describe('a prior adverse markout (priorAdverse): what a game with no marked fills is presumed to be', () => {
  const WARY: ToxicityRule = { ...RULE, priorAdverse: 0.01 };

  it('no evidence: the prior itself; one benign 10-contract fill moves it half way to 0', () => {
    expect(toxicity(EMPTY_TALLY, 0, WARY)).toBeCloseTo(0.01, 12);
    expect(toxicity(addMarkout(EMPTY_TALLY, 0, 10, 0, WARY), 0, WARY)).toBeCloseTo(0.005, 12);
  });

  it('property: with no new fills it decays back to the prior, and stays inside the cap', () => {
    fc.assert(
      fc.property(fillsArb, fc.double({ min: -0.05, max: 0.05, noNaN: true }), (fills, prior) => {
        const rule = { ...RULE, priorAdverse: prior };
        const t = tallyOf(fills, rule);
        const now = end(fills);
        expect(Math.abs(toxicity(t, now, rule))).toBeLessThan(MAX_MARKOUT);
        expect(toxicity(t, now + 40 * RULE.halfLifeMs, rule)).toBeCloseTo(prior, 6);
      }),
    );
  });
});
