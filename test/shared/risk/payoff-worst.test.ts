import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Contract,
  type GameBook,
  type Holding,
  type PendingOrder,
  payoffRisk,
} from '../../../shared/risk/payoff.ts';
import {
  PayoffAxes,
  payoffWorst,
  splitOnAxes,
  splitPnl,
  worstOfSplit,
} from '../../../shared/risk/payoff-worst.ts';

const cents = (n: number) => n * 10_000;

// Strikes on halves and on integers (a push at the strike), margins on both sides of 0, totals near 0 too.
const contract: fc.Arbitrary<Contract> = fc.oneof(
  fc.constantFrom<'home' | 'away'>('home', 'away').map((side) => ({ kind: 'winner' as const, side })),
  fc
    .record({
      direction: fc.constantFrom<'over' | 'under'>('over', 'under'),
      threshold: fc.integer({ min: -60, max: 60 }).map((k) => k / 2),
    })
    .map((r) => ({ kind: 'spread' as const, ...r })),
  fc
    .record({
      direction: fc.constantFrom<'over' | 'under'>('over', 'under'),
      threshold: fc
        .oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 400, max: 480 }))
        .map((k) => k / 2),
    })
    .map((r) => ({ kind: 'total' as const, ...r })),
);
const holding: fc.Arbitrary<Holding> = fc.record({
  ticker: fc.constant('X'),
  contract,
  position: fc.integer({ min: -50_000, max: 50_000 }),
  price: fc.integer({ min: 0, max: 100 }).map(cents),
});
const order: fc.Arbitrary<PendingOrder> = fc.record({
  ticker: fc.constant('X'),
  contract,
  side: fc.constantFrom<'bid' | 'ask'>('bid', 'ask'),
  count: fc.integer({ min: 0, max: 50_000 }),
  price: fc.integer({ min: 1, max: 99 }).map(cents),
});
const book: fc.Arbitrary<GameBook> = fc.record({
  holdings: fc.array(holding, { maxLength: 12 }),
  pending: fc.array(order, { maxLength: 16 }),
});

describe('the worst case by axis equals the whole grid', () => {
  it('same loss, same worst outcome, same outcome count as payoffRisk on random books', () => {
    fc.assert(
      fc.property(book, fc.boolean(), (bk, ties) => {
        expect(payoffWorst(bk, { ties })).toEqual(payoffRisk(bk, { ties }));
      }),
      { numRuns: 400 },
    );
  });

  it('extra breakpoints on the axes (an order about to be probed) never change the worst case', () => {
    fc.assert(
      fc.property(book, fc.array(contract, { maxLength: 4 }), fc.boolean(), (bk, extra, ties) => {
        expect(worstOfSplit(splitPnl(bk, { ties }, extra)).worstCaseLoss).toBe(
          payoffRisk(bk, { ties }).worstCaseLoss,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('bad input throws as payoffRisk does', () => {
    const c: Contract = { kind: 'winner', side: 'home' };
    expect(() =>
      payoffWorst(
        { holdings: [{ ticker: 'X', contract: c, position: 1.5, price: 0 }], pending: [] },
        { ties: false },
      ),
    ).toThrow(RangeError);
    expect(() =>
      payoffWorst(
        { holdings: [], pending: [{ ticker: 'X', contract: c, side: 'bid', count: -1, price: 0 }] },
        { ties: false },
      ),
    ).toThrow(RangeError);
    expect(() =>
      payoffWorst(
        {
          holdings: [
            {
              ticker: 'X',
              contract: { kind: 'total', direction: 'over', threshold: Number.NaN },
              position: 1,
              price: 0,
            },
          ],
          pending: [],
        },
        { ties: false },
      ),
    ).toThrow(RangeError);
  });
});

describe("a game's axes built once from every contract it lists (PayoffAxes)", () => {
  it("a book split on axes of a superset of its contracts has the whole grid's worst case", () => {
    fc.assert(
      fc.property(book, fc.array(contract, { maxLength: 6 }), fc.boolean(), (bk, listed, ties) => {
        const all = [...bk.holdings.map((h) => h.contract), ...bk.pending.map((p) => p.contract), ...listed];
        const axes = new PayoffAxes(all, { ties });
        // Twice on the same axes: the per-contract payouts it keeps change nothing.
        for (let i = 0; i < 2; i++)
          expect(worstOfSplit(splitOnAxes(bk, axes)).worstCaseLoss).toBe(
            payoffRisk(bk, { ties }).worstCaseLoss,
          );
      }),
      { numRuns: 300 },
    );
  });

  it('a contract whose strike the axes were not built around is refused, never judged on a coarse grid', () => {
    const axes = new PayoffAxes([{ kind: 'total', direction: 'over', threshold: 220.5 }], { ties: false });
    const off: Contract = { kind: 'total', direction: 'over', threshold: 230.5 };
    expect(() =>
      splitOnAxes({ holdings: [{ ticker: 'X', contract: off, position: 100, price: 0 }], pending: [] }, axes),
    ).toThrow(RangeError);
    // Winners and the draw pay on margin 0, always on the axes.
    expect(() =>
      splitOnAxes(
        {
          holdings: [{ ticker: 'W', contract: { kind: 'winner', side: 'home' }, position: 100, price: 0 }],
          pending: [],
        },
        axes,
      ),
    ).not.toThrow();
  });
});
