import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  fitSizesToLimit,
  gameLimit,
  LimitsConfigSchema,
  type SideSizes,
  taperedSizes,
  worstCaseSpread,
} from '../../../shared/risk/limits.ts';

describe('per-game limit = min(cap, max(floor, share × depth))', () => {
  it('scales with liquidity between the floor and the cap', () => {
    // default: cap 500, floor 20 contracts, share 0.5
    expect(gameLimit(DEFAULT_LIMITS, 'nba', 10_000)).toBe(5_000); // 0.5 × 100 contracts
    expect(gameLimit(DEFAULT_LIMITS, 'nba', 1_000)).toBe(2_000); // floor
    expect(gameLimit(DEFAULT_LIMITS, 'nba', 10_000_000)).toBe(50_000); // cap
    expect(gameLimit(DEFAULT_LIMITS, 'nba', Number.NaN)).toBe(2_000);
  });

  it('esports, college baseball and boxing are tighter', () => {
    for (const sport of ['esports', 'college_baseball', 'boxing']) {
      expect(gameLimit(DEFAULT_LIMITS, sport, 10_000_000)).toBeLessThan(
        gameLimit(DEFAULT_LIMITS, 'nba', 10_000_000),
      );
      expect(gameLimit(DEFAULT_LIMITS, sport, 10_000)).toBeLessThan(gameLimit(DEFAULT_LIMITS, 'nba', 10_000));
    }
  });

  it('config is validated with the field named', () => {
    const r = LimitsConfigSchema.safeParse({ default: { cap: 100, floor: 500, liquidityShare: 0.5 } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path.join('.')).toBe('default.floor');
  });
});

describe('sizes', () => {
  it('the adding side shrinks linearly and vanishes at the limit; the reducing side stays', () => {
    expect(taperedSizes(1_000, 0, 5_000)).toEqual({ bid: 1_000, ask: 1_000 });
    expect(taperedSizes(1_000, 2_500, 5_000)).toEqual({ bid: 500, ask: 1_000 });
    expect(taperedSizes(1_000, 5_000, 5_000)).toEqual({ bid: 0, ask: 1_000 });
    expect(taperedSizes(1_000, -6_000, 5_000)).toEqual({ bid: 1_000, ask: 0 });
  });

  it('two-way worst case: q + bid_A + ask_B ≤ limit, pending counted as filled', () => {
    // long A 30 contracts, limit 50, pending bid A 5: room = 50 − 30 − 5 = 15 contracts to share
    const sizes = fitSizesToLimit(
      [3_000, 0],
      [
        { bid: 500, ask: 0 },
        { bid: 0, ask: 0 },
      ],
      [
        { bid: 1_000, ask: 1_000 },
        { bid: 1_000, ask: 1_000 },
      ],
      5_000,
      100,
    );
    expect((sizes[0] as SideSizes).bid + (sizes[1] as SideSizes).ask).toBe(1_500);
    expect((sizes[0] as SideSizes).ask).toBe(1_000);
    expect((sizes[1] as SideSizes).bid).toBe(1_000);
  });

  it('property: after fitting, every pair with a new size fits the limit; sizes only shrink', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }).chain((n) =>
          fc.record({
            positions: fc.array(fc.integer({ min: -10_000, max: 10_000 }), { minLength: n, maxLength: n }),
            pending: fc.array(fc.record({ bid: fc.nat(3_000), ask: fc.nat(3_000) }), {
              minLength: n,
              maxLength: n,
            }),
            desired: fc.array(fc.record({ bid: fc.nat(5_000), ask: fc.nat(5_000) }), {
              minLength: n,
              maxLength: n,
            }),
            limit: fc.integer({ min: 0, max: 20_000 }),
            step: fc.constantFrom(1, 100),
          }),
        ),
        ({ positions, pending, desired, limit, step }) => {
          const neg = positions.reduce((s, p) => s + Math.max(0, -p), 0);
          const e0 = positions.map((p) => Math.max(0, p) + neg - Math.max(0, -p));
          const m = Math.min(...e0);
          const e = e0.map((x) => x - m);
          const sizes = fitSizesToLimit(e, pending, desired, limit, step);
          sizes.forEach((s, i) => {
            expect(s.bid).toBeLessThanOrEqual((desired[i] as SideSizes).bid);
            expect(s.ask).toBeLessThanOrEqual((desired[i] as SideSizes).ask);
            expect(s.bid % step).toBe(0);
          });
          for (let i = 0; i < e.length; i += 1) {
            for (let k = 0; k < e.length; k += 1) {
              if (i === k) continue;
              const b = (sizes[i] as SideSizes).bid;
              const a = (sizes[k] as SideSizes).ask;
              if (b + a === 0) continue;
              const total =
                (e[i] as number) +
                (pending[i] as SideSizes).bid +
                b -
                (e[k] as number) +
                (pending[k] as SideSizes).ask +
                a;
              expect(total).toBeLessThanOrEqual(limit);
            }
          }
          const before = worstCaseSpread(e, pending, []);
          expect(worstCaseSpread(e, pending, sizes)).toBeLessThanOrEqual(Math.max(limit, before));
        },
      ),
    );
  });
});
