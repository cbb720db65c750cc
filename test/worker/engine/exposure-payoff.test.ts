/**
 * The game's exposure is the spread of its payoff over outcomes (exactly one
 * outcome pays), the measure the quoter sizes by (shared/risk/inventory.ts):
 * one measure for the quoter, the risk gate and the run recorder.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { limitBreach } from '../../../scripts/paper/safety.ts';
import { exposureVector } from '../../../shared/risk/inventory.ts';
import {
  type ExposureOrder,
  exposures,
  maxAdditionalSize,
  positionDelta,
  signedInventory,
  worstSpread as worstSpreadOf,
} from '../../../worker/engine/exposure.ts';
import type { BookSide } from '../../../worker/engine/ports.ts';
import { gate, type RiskState } from '../../../worker/engine/risk-gate.ts';

const TWO = ['G-A', 'G-B'];
const THREE = ['S-H', 'S-A', 'S-TIE'];
const SIDES: BookSide[] = ['bid', 'ask'];

/** Payoff spread (max − min over outcomes) of a position vector: the real worst case in $1 contracts. */
function payoffSpread(
  tickers: readonly string[],
  positions: ReadonlyMap<string, number>,
  exhaustive = tickers.length >= 2,
): number {
  const e = exposureVector(
    tickers.map((t) => positions.get(t) ?? 0),
    exhaustive,
  );
  return Math.max(...e) - Math.min(...e);
}

/** The worst payoff spread over every subset of the orders filling (brute force). */
function worstSpread(
  tickers: readonly string[],
  positions: ReadonlyMap<string, number>,
  orders: readonly ExposureOrder[],
  exhaustive?: boolean,
): number {
  let worst = 0;
  for (let mask = 0; mask < 1 << orders.length; mask++) {
    const p = new Map(positions);
    orders.forEach((o, i) => {
      if (mask & (1 << i)) p.set(o.ticker, (p.get(o.ticker) ?? 0) + positionDelta(o.side, o.remaining));
    });
    worst = Math.max(worst, payoffSpread(tickers, p, exhaustive));
  }
  return worst;
}

function state(tickers: string[], limit: number, positions: Map<string, number>, orders: ExposureOrder[]) {
  const s: RiskState = {
    now: 1_000,
    killed: false,
    lease: null,
    stopAtMs: 10_000,
    pausedTickers: new Set(),
    tickers,
    positions,
    orders,
    limit,
    lot: 100,
  };
  return s;
}

describe('exposure of a three-way game: the payoff spread, exactly one outcome pays', () => {
  it('a YES on each of the three outcomes is flat; YES on two of them risks one contract, not two', () => {
    const all = new Map([
      ['S-H', 1_000],
      ['S-A', 1_000],
      ['S-TIE', 1_000],
    ]);
    expect(signedInventory(THREE, all)).toBe(0);
    expect([...exposures(THREE, all).values()]).toEqual([0, 0, 0]);
    const two = new Map([
      ['S-H', 1_000],
      ['S-A', 1_000],
    ]);
    expect(Math.abs(signedInventory(THREE, two))).toBe(1_000);
  });

  it('the laliga-sunday seed 6 book (−9, +6, +11) is 20 contracts of exposure, within a limit of 24', () => {
    const p = new Map([
      ['S-H', -900],
      ['S-A', 600],
      ['S-TIE', 1_100],
    ]);
    expect(Math.abs(signedInventory(THREE, p))).toBe(2_000);
    expect(limitBreach(THREE, p, 2_400)).toBeNull();
    expect(limitBreach(THREE, p, 1_900)).toBe(2_000);
  });

  it('max |e_i| is the payoff spread for any book of two or three outcomes; two-way stays pos_A − pos_B', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5_000, max: 5_000 }), { minLength: 3, maxLength: 3 }), (ps) => {
        const p3 = new Map(THREE.map((t, i) => [t, ps[i]!]));
        const e3 = [...exposures(THREE, p3).values()];
        expect(Math.max(...e3.map(Math.abs))).toBe(payoffSpread(THREE, p3));
        const p2 = new Map(TWO.map((t, i) => [t, ps[i]!]));
        expect(signedInventory(TWO, p2)).toBe(ps[0]! - ps[1]!);
        expect(exposures(TWO, p2).get('G-B')).toBe(ps[1]! - ps[0]!);
      }),
    );
  });
});

describe('risk gate on the payoff spread', () => {
  it('YES on home and on away is one contract of risk each, not two: the gate admits the second leg', () => {
    const s = state(THREE, 1_000, new Map(), [{ ticker: 'S-H', side: 'bid', remaining: 1_000 }]);
    expect(gate(s, { kind: 'create', ticker: 'S-A', side: 'bid', size: 1_000 })).toMatchObject({
      allow: true,
      size: 1_000,
    });
    // … but not a contract more on either, and a sale of the draw (YES on both teams again) is refused.
    const full = { ...s, orders: [...s.orders, { ticker: 'S-A', side: 'bid' as const, remaining: 1_000 }] };
    expect(gate(full, { kind: 'create', ticker: 'S-H', side: 'bid', size: 100 })).toMatchObject({
      allow: false,
      reason: 'limit',
    });
    expect(gate(full, { kind: 'create', ticker: 'S-TIE', side: 'ask', size: 100 })).toMatchObject({
      allow: false,
      reason: 'limit',
    });
  });

  it('two winner markets without their TIE market: a YES on both teams loses on the draw, so it counts', () => {
    const both = state(TWO, 1_000, new Map([['G-A', 1_000]]), []);
    // Exhaustive (the default for two markets): YES B nets long A down, so the whole size is room.
    expect(gate(both, { kind: 'create', ticker: 'G-B', side: 'bid', size: 2_000 })).toMatchObject({
      allow: true,
      size: 2_000,
    });
    // Not exhaustive: YES on both teams pays 1 000 unless it is a draw, then 0: only 1 000 of room.
    const draw = { ...both, exhaustive: false };
    expect(gate(draw, { kind: 'create', ticker: 'G-B', side: 'bid', size: 2_000 })).toMatchObject({
      allow: true,
      size: 1_000,
      clipped: true,
    });
    // Selling YES A (back toward the draw's payoff) is still free.
    expect(gate(draw, { kind: 'create', ticker: 'G-A', side: 'ask', size: 1_000 })).toMatchObject({
      allow: true,
      size: 1_000,
    });
    expect(
      worstSpreadOf(TWO, new Map([['G-A', 1_000]]), [{ ticker: 'G-B', side: 'bid', remaining: 500 }], false),
    ).toBe(1_000);
  });

  const games: [string[], boolean | undefined][] = [
    [['S-ONE'], undefined],
    [TWO, undefined],
    [TWO, false],
    [THREE, undefined],
  ];
  for (const [tickers, exhaustive] of games) {
    it(`${tickers.length} market(s)${exhaustive === false ? ' without their TIE market' : ''}: admits exactly the room the worst fill path leaves, never more`, () => {
      const order = fc.record({
        slot: fc.nat(5),
        remaining: fc.integer({ min: 0, max: 20 }).map((c) => c * 100),
      });
      fc.assert(
        fc.property(
          fc.array(
            fc.integer({ min: -20, max: 20 }).map((c) => c * 100),
            {
              minLength: tickers.length,
              maxLength: tickers.length,
            },
          ),
          fc.array(order, { maxLength: 5 }),
          fc.integer({ min: 1, max: 30 }).map((c) => c * 100),
          fc.nat(5),
          fc.integer({ min: 1, max: 40 }).map((c) => c * 100),
          (ps, os, limit, slot, size) => {
            const positions = new Map(tickers.map((t, i) => [t, ps[i]!]));
            const at = (k: number) => ({
              ticker: tickers[k % tickers.length]!,
              side: SIDES[Math.floor(k / tickers.length) % 2]!,
            });
            const orders: ExposureOrder[] = os.map((o) => ({ ...at(o.slot), remaining: o.remaining }));
            const w = at(slot);
            const room = maxAdditionalSize(tickers, positions, orders, w.ticker, w.side, limit, exhaustive);
            const withSize = (n: number) =>
              worstSpread(tickers, positions, [...orders, { ...w, remaining: n }], exhaustive);
            const before = worstSpread(tickers, positions, orders, exhaustive);
            // Whatever it admits keeps the worst case where it was (or within the limit) …
            if (room > 0) expect(withSize(room)).toBeLessThanOrEqual(Math.max(limit, before));
            // … and one contract more would pass the limit: the gate is not stricter than the payoff.
            if (before <= limit) expect(withSize(room + 1)).toBeGreaterThan(limit);
            const d = gate(
              {
                ...state(tickers, limit, positions, orders),
                ...(exhaustive === undefined ? {} : { exhaustive }),
              },
              { kind: 'create', ...w, size },
            );
            if (d.allow) expect(withSize(d.size)).toBeLessThanOrEqual(Math.max(limit, before));
          },
        ),
        { numRuns: 400 },
      );
    });
  }
});
