/**
 * The ruler's maths: edge, markouts and truth-marked PnL per fill, their
 * attribution (by counterparty, mode and side adds up to the whole), and
 * settlement luck reported apart (truth-marked + luck = settled PnL).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { counterpartyOf, type RulerFill, rulerScore } from '../../../sim/scenario/ruler.ts';
import { calibrationTable, meanSe, pairedDifference, parseSeedList } from '../../../sim/scenario/stats.ts';

const fillArb = fc.record({
  time: fc.integer({ min: 0, max: 3_600_000 }),
  ticker: fc.constantFrom('A', 'B'),
  side: fc.constantFrom('bid' as const, 'ask' as const),
  price: fc.integer({ min: 1, max: 99 }).map((c) => c / 100),
  contracts: fc.integer({ min: 1, max: 50 }),
  fee: fc.integer({ min: 0, max: 20 }).map((c) => c / 100),
  counterparty: fc.constantFrom(
    'retail' as const,
    'informed' as const,
    'competitor' as const,
    'other' as const,
  ),
  mode: fc.constantFrom('competitive', 'monopsony', 'guard', null),
});

/** A smooth deterministic truth per market. */
const truth = (ticker: string, t: number) => 0.5 + 0.3 * Math.sin(t / 600_000 + (ticker === 'A' ? 0 : 1));

describe('ruler', () => {
  it('attributions add up to the whole, by counterparty, by mode and by side', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { maxLength: 40 }), (fills: RulerFill[]) => {
        const r = rulerScore({ fills, truth, markAt: () => 2_000_000 });
        for (const split of [r.byCounterparty, r.byMode, r.bySide]) {
          const parts = Object.values(split);
          const sum = (k: 'edge' | 'truthMarked' | 'contracts' | 'fees') =>
            parts.reduce((s, a) => s + (a?.[k] ?? 0), 0);
          expect(sum('edge')).toBeCloseTo(r.edge, 4);
          expect(sum('truthMarked')).toBeCloseTo(r.truthMarked, 4);
          expect(sum('contracts')).toBeCloseTo(r.contracts, 6);
          expect(parts.reduce((s, a) => s + (a?.fills ?? 0), 0)).toBe(r.fills);
          expect(parts.reduce((s, a) => s + (a?.markout['60s'] ?? 0), 0)).toBeCloseTo(r.markout['60s'], 4);
        }
      }),
    );
  });

  it('truth-marked PnL plus settlement luck is the settled PnL', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { maxLength: 40 }), fc.boolean(), (fills: RulerFill[], aWins) => {
        const settle = (t: string) => (t === 'A' ? (aWins ? 1 : 0) : aWins ? 0 : 1);
        const r = rulerScore({ fills, truth, markAt: () => 1_800_000, settlement: settle });
        const settled = fills.reduce(
          (s, f) => s + (f.side === 'bid' ? 1 : -1) * f.contracts * (settle(f.ticker) - f.price) - f.fee,
          0,
        );
        expect(r.truthMarked + (r.settlementLuck ?? 0)).toBeCloseTo(settled, 4);
      }),
    );
  });

  it('at a constant truth, edge = every markout, and truth-marked = edge − fees', () => {
    const fills: RulerFill[] = [
      {
        time: 0,
        ticker: 'A',
        side: 'bid',
        price: 0.55,
        contracts: 10,
        fee: 0.02,
        counterparty: 'retail',
        mode: 'competitive',
      },
      {
        time: 5_000,
        ticker: 'A',
        side: 'ask',
        price: 0.62,
        contracts: 4,
        fee: 0.01,
        counterparty: 'informed',
        mode: 'guard',
      },
    ];
    const r = rulerScore({ fills, truth: () => 0.6, markAt: () => 60_000 });
    // bought 10 at 55 (worth 60): +0.50; sold 4 at 62: +0.08.
    expect(r.edge).toBeCloseTo(0.58, 9);
    expect(r.markout).toEqual({ '10s': r.edge, '60s': r.edge, '5m': r.edge });
    expect(r.truthMarked).toBeCloseTo(0.55, 9);
    expect(r.edgePerContract).toBeCloseTo(0.58 / 14, 5);
    expect(r.byCounterparty.informed?.edge).toBeCloseTo(0.08, 9);
    expect(r.byMode.guard?.fills).toBe(1);
    expect(r.settlementLuck).toBeNull();
  });

  it('markouts see the truth move after an informed fill', () => {
    const fills: RulerFill[] = [
      {
        time: 0,
        ticker: 'A',
        side: 'ask',
        price: 0.5,
        contracts: 10,
        fee: 0,
        counterparty: 'informed',
        mode: null,
      },
    ];
    const jump = (_: string, t: number) => (t < 30_000 ? 0.5 : 0.7);
    const r = rulerScore({ fills, truth: jump, markAt: () => 600_000 });
    expect(r.edge).toBe(0);
    expect(r.markout['10s']).toBe(0);
    expect(r.markout['60s']).toBeCloseTo(-2, 9);
    expect(r.truthMarked).toBeCloseTo(-2, 9);
    expect(r.byMode.unknown?.fills).toBe(1);
  });

  it('names the counterparty type from the scenario trader lists', () => {
    const traders = { noise: ['retail'], informed: ['sharp'], competitors: ['mm-a'] };
    expect(counterpartyOf('sim-retail', traders)).toBe('retail');
    expect(counterpartyOf('sim-sharp', traders)).toBe('informed');
    expect(counterpartyOf('sim-mm-a', traders)).toBe('competitor');
    expect(counterpartyOf('sim-starting-book', traders)).toBe('other');
  });
});

describe('statistics over seeds', () => {
  it('mean ± s.e., and a paired difference over the shared seeds with its t', () => {
    expect(meanSe([1, 2, 3, 4])).toEqual({ n: 4, mean: 2.5, se: Math.sqrt(5 / 3 / 4) });
    expect(meanSe([7]).se).toBeNull();
    const a = new Map([
      [1, 10],
      [2, 12],
      [3, 11],
      [4, 99],
    ]);
    const b = new Map([
      [1, 9],
      [2, 10],
      [3, 10],
    ]);
    const d = pairedDifference(a, b);
    expect(d.n).toBe(3); // seed 4 has no pair
    expect(d.mean).toBeCloseTo(4 / 3, 12);
    expect(d.t).toBeCloseTo(d.mean / d.se!, 12);
  });

  it('the paired t is invariant to a shared per-seed world effect', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true })),
          {
            minLength: 3,
            maxLength: 30,
          },
        ),
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 30, maxLength: 30 }),
        (pairs, world) => {
          const a = new Map(pairs.map(([x], i) => [i, x]));
          const b = new Map(pairs.map(([, y], i) => [i, y]));
          const a2 = new Map(pairs.map(([x], i) => [i, x + world[i]!]));
          const b2 = new Map(pairs.map(([, y], i) => [i, y + world[i]!]));
          expect(pairedDifference(a2, b2).mean).toBeCloseTo(pairedDifference(a, b).mean, 6);
        },
      ),
    );
  });

  it('calibration buckets: counts, win rates and z', () => {
    const rows = calibrationTable([
      { p: 0.05, won: false },
      { p: 0.72, won: true },
      { p: 0.75, won: false },
      { p: 1, won: true },
    ]);
    expect(rows.map((r) => [r.lo, r.n])).toEqual([
      [0, 1],
      [0.7, 2],
      [0.9, 1],
    ]);
    expect(rows[1]!.winRate).toBe(0.5);
    expect(rows[1]!.meanP).toBeCloseTo(0.735, 12);
  });

  it('parses seed lists', () => {
    expect(parseSeedList('1-3,7,2')).toEqual([1, 2, 3, 7]);
    expect(() => parseSeedList('3-1')).toThrow(/bad seed range/);
    expect(() => parseSeedList('a')).toThrow(/bad seed list/);
  });
});
