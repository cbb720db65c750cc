import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evidenceGamma, type SkewEvidence, skewWeight } from '../../../shared/pricing/evidence-skew.ts';
import { taperWeight } from '../../../shared/pricing/toxicity.ts';

const tox = fc.double({ min: -0.2, max: 0.2, noNaN: true });
const side = fc.record({ bid: tox, ask: tox });
const evidence = fc.record({
  toxicity: fc.array(fc.option(side, { nil: undefined }), { maxLength: 3 }),
  newsHold: fc.boolean(),
  fullAt: fc.double({ min: 0.0001, max: 0.1, noNaN: true }),
  floor: fc.double({ min: 0, max: 1, noNaN: true }),
});

describe('skew from evidence (evidence-skew.ts)', () => {
  it('the weight is in [floor, 1]: never below the taper floor, never more than the whole skew', () => {
    fc.assert(
      fc.property(evidence, (e) => {
        const w = skewWeight(e);
        expect(w).toBeGreaterThanOrEqual(Math.min(1, e.floor) - 1e-12);
        expect(w).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('is the size taper’s weight of the worst side of the game (one rule for size and skew)', () => {
    fc.assert(
      fc.property(evidence, (e) => {
        fc.pre(!e.newsHold);
        const worst = Math.max(
          Number.NEGATIVE_INFINITY,
          ...e.toxicity.flatMap((t) => (t ? [t.bid, t.ask] : [])),
        );
        expect(skewWeight(e)).toBe(taperWeight(worst, e.fullAt, e.floor));
      }),
    );
  });

  it('is monotone: more adverse markout on any side never lowers the weight', () => {
    fc.assert(
      fc.property(evidence, fc.nat(), fc.double({ min: 0, max: 0.2, noNaN: true }), (e, i, more) => {
        fc.pre(e.toxicity.length > 0);
        const j = i % e.toxicity.length;
        const t = e.toxicity[j] ?? { bid: 0, ask: 0 };
        const worse: SkewEvidence = {
          ...e,
          toxicity: e.toxicity.map((x, k) => (k === j ? { bid: t.bid + more, ask: t.ask } : x)),
        };
        expect(skewWeight(worse)).toBeGreaterThanOrEqual(skewWeight(e));
      }),
    );
  });

  it('a standing news hold carries the whole skew, whatever the markouts say', () => {
    fc.assert(
      fc.property(evidence, (e) => {
        expect(skewWeight({ ...e, newsHold: true })).toBe(1);
      }),
    );
  });

  it('benign flow and no floor: no skew; adverse markout of the minimum edge: the whole skew', () => {
    const base = { newsHold: false, fullAt: 0.02, floor: 0 };
    expect(skewWeight({ ...base, toxicity: [{ bid: -0.01, ask: 0 }] })).toBe(0);
    expect(skewWeight({ ...base, toxicity: [{ bid: 0.005, ask: 0 }] })).toBeCloseTo(0.25, 12);
    expect(skewWeight({ ...base, toxicity: [{ bid: 0.03, ask: 0 }, undefined] })).toBe(1);
    // no market carries toxicity (the taper off): the floor alone
    expect(skewWeight({ ...base, floor: 0.2, toxicity: [undefined, undefined] })).toBe(0.2);
  });

  it('γ scaled by the weight: never above γ, never negative, γ at weight 1', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ noNaN: true }), (g, w) => {
        const x = evidenceGamma(g, w);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(g);
      }),
    );
    expect(evidenceGamma(0.004, 1)).toBe(0.004);
    expect(evidenceGamma(0.004, 0.25)).toBeCloseTo(0.001, 15);
    expect(evidenceGamma(0.004, Number.NaN)).toBe(0.004);
  });
});
