import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeeScheduleSchema, feePerContract, QUADRATIC_FEES } from '../../../shared/pricing/fees.ts';
import {
  type MonopsonyQuote,
  snapMonopsony,
  snapMonopsonyAfterFee,
} from '../../../shared/pricing/monopsony.ts';
import { QuotingParamsSchema } from '../../../shared/pricing/params.ts';
import { type MarketQuoteInput, quoteGame } from '../../../shared/pricing/quote-game.ts';
import { LINEAR_CENT_GRID, nextTick, prevTick } from '../../../shared/pricing/tick-grid.ts';

// The monopsony half-spread is what a fill should EARN: a maker fee paid out of it moves the
// optimum out by the fee (δ* = c + 1/k for intensity A·e^{−kδ}), issue #14's nba-quiet-evening gap.
const c = (cents: number) => cents * 10_000;
const MAKER = FeeScheduleSchema.parse({ feeType: 'quadratic_with_maker_fees' });
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 25, 0, 0, 0);

const quote = (bid: number, ask: number): MonopsonyQuote => ({
  reservation: (bid + ask) / 2,
  bid,
  ask,
  bidDistance: 0,
  askDistance: 0,
});

function market(ticker: string, theo: number): MarketQuoteInput {
  return {
    ticker,
    outcome: ticker,
    grid: LINEAR_CENT_GRID,
    theo,
    fees: MAKER,
    book: { bestBid: null, bestAsk: null },
    competition: { bid: false, ask: false },
    position: 0,
    avgEntry: null,
    pending: { bid: 0, ask: 0 },
  };
}

describe('snapMonopsonyAfterFee', () => {
  const feeAt10 = (price: number) => feePerContract(MAKER, 'maker', price, 1_000);

  it('hand example: model 47.45¢ / 52.55¢ at a 0.5¢ maker fee → 46¢ / 54¢ (fee-free: 47¢ / 53¢)', () => {
    // 10 contracts at 47¢: 0.0175·10·0.47·0.53 = $0.0436 → $0.05 → 0.5¢; 47 + 0.5 > 47.45, 46 + 0.5 ≤ 47.45.
    const q = quote(0.4745, 0.5255);
    expect(snapMonopsony(q, LINEAR_CENT_GRID)).toEqual({ bid: c(47), ask: c(53) });
    expect(snapMonopsonyAfterFee(q, LINEAR_CENT_GRID, feeAt10)).toEqual({ bid: c(46), ask: c(54) });
  });

  it('with no maker fee it is the fee-free snap', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.02, max: 0.98, noNaN: true }),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        (m, h) => {
          const q = quote(m - h, m + h);
          const free = (price: number) => feePerContract(QUADRATIC_FEES, 'maker', price, 1_000);
          expect(snapMonopsonyAfterFee(q, LINEAR_CENT_GRID, free)).toEqual(
            snapMonopsony(q, LINEAR_CENT_GRID),
          );
        },
      ),
    );
  });

  it('property: the most aggressive tick whose price net of the fee still reaches the model price', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        (m, h) => {
          const q = quote(m - h, m + h);
          const { bid, ask } = snapMonopsonyAfterFee(q, LINEAR_CENT_GRID, feeAt10);
          const free = snapMonopsony(q, LINEAR_CENT_GRID);
          if (bid !== null) {
            expect(bid + feeAt10(bid)).toBeLessThanOrEqual(q.bid * 1e6 + 1e-3);
            const up = nextTick(LINEAR_CENT_GRID, bid);
            if (up !== null) expect(up + feeAt10(up)).toBeGreaterThan(q.bid * 1e6);
            expect(bid).toBeLessThanOrEqual(free.bid as number);
          }
          if (ask !== null) {
            expect(ask - feeAt10(ask)).toBeGreaterThanOrEqual(q.ask * 1e6 - 1e-3);
            const down = prevTick(LINEAR_CENT_GRID, ask);
            if (down !== null) expect(down - feeAt10(down)).toBeLessThan(q.ask * 1e6);
            expect(ask).toBeGreaterThanOrEqual(free.ask as number);
          }
        },
      ),
    );
  });
});

describe('quoteGame with feeAwareSpread', () => {
  it('alone in a 50/50 book with maker fees: 47/53 without, 46/54 with (each side earns ≥ the model half-spread after the fee)', () => {
    // Defaults: δ = ½·0.004·0.25 + 250·ln(1.0001) = 0.0255 → model 47.45¢ / 52.55¢.
    const input = (feeAwareSpread: boolean) => ({
      now: NOW,
      stopTime: NOW + 3 * HOUR,
      params: QuotingParamsSchema.parse({ feeAwareSpread }),
      limit: 5_000,
      markets: [market('A', 0.5), market('B', 0.5)],
    });
    const before = quoteGame(input(false)).quotes.filter((q) => q.ticker === 'A');
    const after = quoteGame(input(true)).quotes.filter((q) => q.ticker === 'A');
    expect(before.map((q) => [q.side, q.price, q.mode])).toEqual([
      ['bid', c(47), 'monopsony'],
      ['ask', c(53), 'monopsony'],
    ]);
    expect(after.map((q) => [q.side, q.price, q.mode, q.edge])).toEqual([
      ['bid', c(46), 'monopsony', c(3.5)],
      ['ask', c(54), 'monopsony', c(3.5)],
    ]);
  });
});
