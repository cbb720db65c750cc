import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  pnlOf,
  type RecordedFill,
  type RunRecord,
  scoreRun,
  theoAt,
} from '../../../scripts/paper/scoreboard.ts';

const fill = (
  time: number,
  side: 'bid' | 'ask',
  cents: number,
  contracts: number,
  ticker = 'A',
): RecordedFill => ({
  time,
  gameId: 'G',
  ticker,
  side,
  price: cents * 10_000,
  size: contracts * 100,
  fee: 0,
});

function run(partial: Partial<RunRecord>): RunRecord {
  return {
    strategy: 'ours',
    startTime: 0,
    endTime: 600_000,
    games: [{ id: 'G', tickers: ['A', 'B'], limit: 5_000, stopTime: 500_000 }],
    fills: [],
    theo: {},
    inventory: [],
    ordersCreated: 0,
    quotedContracts: 0,
    writes: 0,
    requotes: 0,
    ordersAfterStop: 0,
    invariantViolations: 0,
    reconnects: 0,
    bookResyncs: 0,
    bookMismatches: 0,
    ...partial,
  };
}

describe('PnL by average cost', () => {
  it('buy 10 at 40¢, sell 4 at 50¢: realised $0.40; marked at 45¢ adds 6 × 5¢', () => {
    const r = pnlOf([fill(1, 'bid', 40, 10), fill(2, 'ask', 50, 4)], { A: 450_000 });
    expect(r.realized).toBe(400_000);
    expect(r.marked).toBe(400_000 + 300_000);
  });

  it('a short: sell 5 at 60¢, buy 5 back at 55¢ realises $0.25; flipping opens the rest at the new price', () => {
    expect(pnlOf([fill(1, 'ask', 60, 5), fill(2, 'bid', 55, 5)], {}).realized).toBe(250_000);
    const flip = pnlOf([fill(1, 'ask', 60, 5), fill(2, 'bid', 55, 8)], { A: 550_000 });
    expect(flip.realized).toBe(250_000);
    expect(flip.open.get('A')).toEqual({ qty: 300, basis: 1_650_000 });
    expect(flip.marked).toBe(250_000);
  });

  it('property: marked PnL = cash flows + final position × mark − fees, for any fill sequence', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            side: fc.constantFrom<'bid' | 'ask'>('bid', 'ask'),
            cents: fc.integer({ min: 1, max: 99 }),
            centis: fc.integer({ min: 1, max: 5_000 }),
            fee: fc.integer({ min: 0, max: 20_000 }),
          }),
          { maxLength: 60 },
        ),
        fc.integer({ min: 1, max: 99 }),
        (fs, markCents) => {
          const fills = fs.map((f, i) => ({ ...fill(i, f.side, f.cents, 0), size: f.centis, fee: f.fee }));
          const mark = markCents * 10_000;
          let cash = 0;
          let qty = 0;
          let fees = 0;
          for (const f of fills) {
            const v = (f.price * f.size) / 100;
            cash += f.side === 'bid' ? -v : v;
            qty += f.side === 'bid' ? f.size : -f.size;
            fees += f.fee;
          }
          const r = pnlOf(fills, { A: mark });
          expect(Math.abs(r.marked - (cash + (mark * qty) / 100 - fees))).toBeLessThanOrEqual(2);
        },
      ),
    );
  });
});

describe('scoreboard', () => {
  it('theoAt returns the last point at or before t', () => {
    const path = [
      { t: 10, p: 0.4 },
      { t: 20, p: 0.5 },
      { t: 30, p: 0.6 },
    ];
    expect(theoAt(path, 5)).toBeNull();
    expect(theoAt(path, 10)).toBe(0.4);
    expect(theoAt(path, 29)).toBe(0.5);
    expect(theoAt(path, 99)).toBe(0.6);
  });

  it('measures adverse selection as the theo move against our fills over the horizon', () => {
    const theo = {
      A: [
        { t: 0, p: 0.5 },
        { t: 30_000, p: 0.45 },
      ],
    };
    // Bought 10 at 49¢ at t=1 s: theo fell 5¢ within 60 s → $0.50 adverse.
    const s = scoreRun(run({ fills: [fill(1_000, 'bid', 49, 10)], theo }));
    expect(s.adverse_selection).toBeCloseTo(0.5, 9);
    // Sold instead: the same move is in our favour (negative cost).
    expect(scoreRun(run({ fills: [fill(1_000, 'ask', 51, 10)], theo })).adverse_selection).toBeCloseTo(
      -0.5,
      9,
    );
  });

  it('settlement realises open positions; counts and shares come out in contracts and fractions', () => {
    const s = scoreRun(
      run({
        games: [
          { id: 'G', tickers: ['A', 'B'], limit: 1_000, stopTime: 500_000, settlement: { A: 1_000_000 } },
        ],
        fills: [fill(1_000, 'bid', 40, 10), fill(2_000, 'bid', 40, 5, 'B')],
        theo: { B: [{ t: 0, p: 0.3 }] },
        inventory: [
          { t: 1_000, gameId: 'G', inventory: 1_000 },
          { t: 2_000, gameId: 'G', inventory: 500 },
          { t: 400_000, gameId: 'G', inventory: 0 },
          { t: 550_000, gameId: 'G', inventory: 1_500 }, // after stop: counts for max, not for time at limit
        ],
        ordersCreated: 8,
        quotedContracts: 6_000,
        writes: 30,
        requotes: 10,
        ordersAfterStop: 1,
      }),
    );
    // A: +10 × (100 − 40)¢ = $6 realised at settlement. B: open 5 marked at 30¢ = −$0.50.
    expect(s.pnl_realized).toBe(6);
    expect(s.pnl_marked).toBe(5.5);
    expect(s).toMatchObject({
      fills: 2,
      fills_bid: 2,
      fills_ask: 0,
      contracts_traded: 15,
      fill_rate: 0.25,
      orders_created: 8,
      max_abs_inventory: 15,
      inventory_limit: 10,
      time_at_limit_share: 0.3333,
      writes_per_requote: 3,
      orders_after_stop: 1,
    });
  });
});
