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

  it('two-way worst case: q + max(pending, bid_A) + ask_B ≤ limit (a side in flight counts its order once)', () => {
    // long A 30 contracts, limit 50: room 20 contracts. Bid A's own order is in flight at 5: the quote
    // of 10 is the total that order will hold, so the side counts 10, not 15 — nothing is cut.
    const sized = (pendingBidA: number) =>
      fitSizesToLimit(
        [3_000, 0],
        [
          { bid: pendingBidA, ask: 0 },
          { bid: 0, ask: 0 },
        ],
        [
          { bid: 1_000, ask: 1_000 },
          { bid: 1_000, ask: 1_000 },
        ],
        5_000,
        100,
      );
    const small = sized(500);
    expect((small[0] as SideSizes).bid + (small[1] as SideSizes).ask).toBe(2_000);
    // In flight at 15: that order may fill in full whatever we quote now, so ask B gets 5.
    const large = sized(1_500);
    expect((large[1] as SideSizes).ask).toBe(500);
    expect((large[0] as SideSizes).ask).toBe(1_000);
    expect((large[1] as SideSizes).bid).toBe(1_000);
  });

  it('property: a side whose order is in flight at the size fitted before changes no other side (no re-sizing while writes land)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }).chain((n) =>
          fc.record({
            positions: fc.array(fc.integer({ min: -10_000, max: 10_000 }), { minLength: n, maxLength: n }),
            desired: fc.array(fc.record({ bid: fc.nat(5_000), ask: fc.nat(5_000) }), {
              minLength: n,
              maxLength: n,
            }),
            inFlight: fc.array(fc.record({ bid: fc.boolean(), ask: fc.boolean() }), {
              minLength: n,
              maxLength: n,
            }),
            limit: fc.integer({ min: 0, max: 20_000 }),
            step: fc.constantFrom(1, 100),
          }),
        ),
        ({ positions, desired, inFlight, limit, step }) => {
          const total = positions.reduce((s, p) => s + p, 0);
          const e = positions.map((p) => p - (total - p));
          const settled = fitSizesToLimit(
            e,
            e.map(() => ({ bid: 0, ask: 0 })),
            desired,
            limit,
            step,
          );
          // The plan wrote `settled`; some of those writes are still in flight when the game requotes.
          const pending = settled.map((s, i) => ({
            bid: inFlight[i]!.bid ? s.bid : 0,
            ask: inFlight[i]!.ask ? s.ask : 0,
          }));
          const again = fitSizesToLimit(e, pending, desired, limit, step);
          again.forEach((s, i) => {
            if (!inFlight[i]!.bid) expect(s.bid).toBe((settled[i] as SideSizes).bid);
            if (!inFlight[i]!.ask) expect(s.ask).toBe((settled[i] as SideSizes).ask);
          });
        },
      ),
      { numRuns: 500 },
    );
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
              const pb = (pending[i] as SideSizes).bid;
              const pa = (pending[k] as SideSizes).ask;
              if (b <= pb && a <= pa) continue; // nothing beyond the orders already in flight
              const total = (e[i] as number) + Math.max(pb, b) - (e[k] as number) + Math.max(pa, a);
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
