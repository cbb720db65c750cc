import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holdStands, leanedTheo, type NewsHold, sweepOf } from '../../../shared/pricing/news-guard.ts';

const rule = { sweepSize: 1_500, windowMs: 5_000, holdMs: 120_000, releaseMove: 0.02 };

describe('news guard', () => {
  it('a sweep is more than the size one way within the window; off at size 0', () => {
    const moves = [
      { t: 0, delta: 1_000 },
      { t: 800, delta: 1_000 },
    ];
    expect(sweepOf(moves, 1_000, rule)).toBe('bid');
    expect(sweepOf(moves.slice(0, 1), 1_000, rule)).toBeNull(); // one full quote: a retail taker
    expect(sweepOf(moves, 5_000, rule)).toBeNull(); // the first fill left the window
    expect(sweepOf([...moves, { t: 900, delta: -1_000 }], 1_000, rule)).toBeNull(); // both ways: no news
    expect(sweepOf(moves, 1_000, { ...rule, sweepSize: 0 })).toBeNull();
  });

  it('is symmetric: the same fills the other way sweep the other side (property)', () => {
    const move = fc.record({
      t: fc.integer({ min: 0, max: 10_000 }),
      delta: fc.integer({ min: -2_000, max: 2_000 }),
    });
    fc.assert(
      fc.property(fc.array(move, { maxLength: 8 }), fc.integer({ min: 0, max: 12_000 }), (moves, now) => {
        const side = sweepOf(moves, now, rule);
        const mirrored = sweepOf(
          moves.map((m) => ({ t: m.t, delta: -m.delta })),
          now,
          rule,
        );
        expect(mirrored).toBe(side === null ? null : side === 'bid' ? 'ask' : 'bid');
      }),
    );
  });

  it("a hold stands until the theo moved the fills' way by the release move, or the hold time passed", () => {
    const hit: NewsHold = { side: 'bid', sinceMs: 0, theo: 0.6 }; // our bids were hit at 0.60
    expect(holdStands(hit, 10_000, 0.6, rule)).toBe(true); // a refresh at the same theo: still stale
    expect(holdStands(hit, 10_000, 0.63, rule)).toBe(true); // moved the other way: still stale
    expect(holdStands(hit, 10_000, 0.585, rule)).toBe(true); // part of the way
    expect(holdStands(hit, 10_000, 0.58, rule)).toBe(false); // down by the minimum edge: answered
    expect(holdStands(hit, 120_000, 0.6, rule)).toBe(false); // bounded
    const lifted: NewsHold = { side: 'ask', sinceMs: 0, theo: 0.6 };
    expect(holdStands(lifted, 10_000, 0.61, rule)).toBe(true);
    expect(holdStands(lifted, 10_000, 0.62, rule)).toBe(false);
    expect(holdStands(hit, 10_000, null, rule)).toBe(true); // no theo to judge: held (bounded)
  });

  it('leans the theo its weight of the way to the sharp book, inside (0, 1) (property)', () => {
    expect(leanedTheo(0.8, 0.06, 1)).toBeCloseTo(0.86, 12);
    expect(leanedTheo(0.8, 0.06, 0.5)).toBeCloseTo(0.83, 12);
    expect(leanedTheo(0.8, undefined, 1)).toBe(0.8);
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (p, lean, w) => {
          const q = leanedTheo(p, lean, w);
          expect(q).toBeGreaterThan(0);
          expect(q).toBeLessThan(1);
          expect(leanedTheo(p, lean, 0)).toBe(p);
          // never past the sharp book, and on its side of the consensus
          if (p + lean > 0.001 && p + lean < 0.999)
            expect(Math.abs(q - p)).toBeLessThanOrEqual(Math.abs(lean) + 1e-12);
          expect(Math.sign(q - p) * Math.sign(lean)).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});
