import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeeScheduleSchema, feeBoundPerContract, QUADRATIC_FEES } from '../../../shared/pricing/fees.ts';
import { DEFAULT_QUOTING_PARAMS as P } from '../../../shared/pricing/params.ts';
import { priceStrike, type StrikePriceInput } from '../../../shared/pricing/strike-quote.ts';
import { LINEAR_CENT_GRID } from '../../../shared/pricing/tick-grid.ts';

const cents = (n: number) => Math.round(n * 10_000);
const MAKER_FEES = FeeScheduleSchema.parse({ feeType: 'quadratic_with_maker_fees' });
const input = (over: Partial<StrikePriceInput> = {}): StrikePriceInput => ({
  theo: 0.5,
  extraEdge: 0,
  grid: LINEAR_CENT_GRID,
  fees: QUADRATIC_FEES,
  book: { bestBid: null, bestAsk: null },
  skew: { bid: 0, ask: 0 },
  position: 0,
  avgEntry: null,
  breakEven: { bid: false, ask: false },
  size: 500,
  ...over,
});
const edgeOf = (side: 'bid' | 'ask', theo: number, price: number) =>
  side === 'bid' ? theo * 1e6 - price : price - theo * 1e6;

describe('a strike priced like a winner side', () => {
  it('flat and alone: the model half-spread ≈ 1/k around theo, not the minimum edge', () => {
    const q = priceStrike(input(), P);
    // ½γ·p(1−p) + (1/γ)ln(1+γ/k) ≈ 2.5¢ at k 40: bid 47¢, ask 53¢ (away from theo).
    expect(q.bid).toEqual({ price: cents(47), mode: 'monopsony' });
    expect(q.ask).toEqual({ price: cents(53), mode: 'monopsony' });
  });

  it('a maker fee moves both sides out by the fee (δ* = fee + 1/k)', () => {
    const free = priceStrike(input(), P);
    const paid = priceStrike(input({ fees: MAKER_FEES }), P);
    expect(paid.bid!.price).toBeLessThan(free.bid!.price);
    expect(paid.ask!.price).toBeGreaterThan(free.ask!.price);
  });

  it('the extra edge of a strike far from every quoted line widens both sides', () => {
    const near = priceStrike(input(), P);
    const far = priceStrike(input({ extraEdge: 0.03 }), P);
    expect(near.bid!.price - far.bid!.price).toBe(cents(3));
    expect(far.ask!.price - near.ask!.price).toBe(cents(3));
  });

  it('the payoff skew: the side that lowers the game worst case quotes nearer theo, the other further', () => {
    const q = priceStrike(input({ skew: { bid: cents(1), ask: -cents(1) } }), P);
    expect(edgeOf('ask', 0.5, q.ask!.price)).toBeLessThan(edgeOf('bid', 0.5, q.bid!.price));
    expect(q.ask!.price).toBe(cents(52));
    expect(q.bid!.price).toBe(cents(46));
  });

  it('a competitor is improved by a tick, never past the ceiling (minEdge after the fee)', () => {
    const q = priceStrike(input({ book: { bestBid: { price: cents(47), size: 1_000 }, bestAsk: null } }), P);
    expect(q.bid).toEqual({ price: cents(48), mode: 'competitive' });
    const deep = priceStrike(
      input({ book: { bestBid: { price: cents(49), size: 1_000 }, bestAsk: null } }),
      P,
    );
    // Past our ceiling (49¢ is 1¢ from theo): no bidding war, the model price stays.
    expect(deep.bid).toEqual({ price: cents(47), mode: 'monopsony' });
  });

  it('break-even: long the strike with the game over-exposed, the ask may compete down to the entry net of the fee', () => {
    // Someone offers at 47¢ on a 50¢ theo: past the normal ceiling (52¢), within break-even on a 45¢ entry.
    const over = input({
      position: 1_500,
      avgEntry: cents(45),
      breakEven: { bid: false, ask: true },
      book: { bestBid: null, bestAsk: { price: cents(47), size: 1_000 } },
    });
    const q = priceStrike(over, P);
    expect(q.ask).toEqual({ price: cents(46), mode: 'break-even' });
    expect(q.bid).toBeNull(); // it would meet our own ask: the side getting the game flat keeps the book
    // Not allowed (the ask would not lower the game's worst case): no bidding war past the ceiling.
    expect(priceStrike({ ...over, breakEven: { bid: false, ask: false } }, P).ask).toEqual({
      price: cents(53),
      mode: 'monopsony',
    });
  });

  it('every quote clears its edge after the fee (break-even aside), stays inside the book and bid < ask', () => {
    const level = fc.option(
      fc.record({
        price: fc.integer({ min: 1, max: 99 }).map(cents),
        size: fc.integer({ min: 1, max: 5_000 }),
      }),
      { nil: null },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 98 }).map((p) => p / 100),
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        fc.boolean(),
        level,
        level,
        fc.integer({ min: -cents(2), max: cents(2) }),
        (theo, extraEdge, paid, bestBid, bestAsk, skew) => {
          if (bestBid && bestAsk && bestBid.price >= bestAsk.price) return;
          const fees = paid ? MAKER_FEES : QUADRATIC_FEES;
          const i = input({
            theo,
            extraEdge,
            fees,
            book: { bestBid, bestAsk },
            skew: { bid: skew, ask: -skew },
          });
          const q = priceStrike(i, P);
          for (const side of ['bid', 'ask'] as const) {
            const s = q[side];
            if (!s) continue;
            const fee = feeBoundPerContract(fees, 'maker', s.price, i.size);
            const required =
              P.minEdge +
              Math.round(extraEdge * 1e6) +
              i.skew[side] +
              ((side === 'bid' ? theo < P.longshotBelow : theo > 1 - P.longshotBelow)
                ? P.longshotExtraEdge
                : 0);
            expect(edgeOf(side, theo, s.price) - fee).toBeGreaterThanOrEqual(Math.max(1, required) - 1);
            if (side === 'bid' && bestAsk) expect(s.price).toBeLessThan(bestAsk.price);
            if (side === 'ask' && bestBid) expect(s.price).toBeGreaterThan(bestBid.price);
          }
          if (q.bid && q.ask) expect(q.bid.price).toBeLessThan(q.ask.price);
        },
      ),
      { numRuns: 300 },
    );
  });
});
