import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Contract, payoffRisk } from '../../../shared/risk/payoff.ts';
import {
  type GateOrder,
  gameBook,
  gameWorstLoss,
  type LadderRiskState,
  maxSizeByPayoff,
  type PricedOrder,
} from '../../../worker/engine/ladder-risk.ts';

const c = (n: number) => n * 100; // contracts → Centis
const cents = (n: number) => n * 10_000; // cents → Micros
const dollars = (n: number) => n * 1_000_000;

const contracts = new Map<string, Contract>([
  ['HOME', { kind: 'winner', side: 'home' }],
  ['AWAY', { kind: 'winner', side: 'away' }],
  ['HOME7', { kind: 'spread', direction: 'over', threshold: 6.5 }],
  ['AWAY4', { kind: 'spread', direction: 'under', threshold: -3.5 }],
  ['O220', { kind: 'total', direction: 'over', threshold: 220.5 }],
  ['O230', { kind: 'total', direction: 'over', threshold: 230.5 }],
]);
const TICKERS = [...contracts.keys()];

function state(overrides: Partial<LadderRiskState> = {}): LadderRiskState {
  return {
    contracts,
    positions: new Map(),
    entryPrices: new Map(),
    orders: [],
    limit: dollars(10),
    ties: false,
    ...overrides,
  };
}

describe('one risk per game: the payoff gate in engine terms', () => {
  it('an empty game admits a bid up to the limit over its price, in whole lots', () => {
    // 60¢ YES: $0.60 lost per contract at worst; $10 → 16 contracts.
    expect(
      maxSizeByPayoff(state(), { ticker: 'HOME7', side: 'bid', price: cents(60), size: c(50) }, c(1)),
    ).toBe(c(16));
    // an ask (sell YES at 60¢) loses 40¢ where it settles YES: 25 contracts
    expect(
      maxSizeByPayoff(state(), { ticker: 'HOME7', side: 'ask', price: cents(60), size: c(50) }, c(1)),
    ).toBe(c(25));
    // the requested size is never exceeded
    expect(
      maxSizeByPayoff(state(), { ticker: 'O220', side: 'bid', price: cents(50), size: c(3) }, c(1)),
    ).toBe(c(3));
  });

  it('a hedge gets room an unhedged write does not: short "home by 7+" against long home', () => {
    const longHome = state({
      positions: new Map([['HOME', c(12)]]),
      entryPrices: new Map([['HOME', cents(70)]]),
    });
    // Long 12 home at 70¢ loses $8.40 when away wins: $1.60 of room left.
    expect(gameWorstLoss(longHome)).toBe(dollars(8.4));
    const more = maxSizeByPayoff(
      longHome,
      { ticker: 'HOME', side: 'bid', price: cents(70), size: c(50) },
      c(1),
    );
    expect(more).toBe(c(2));
    // Selling "home by 7+" at 45¢ wins 45¢ where away wins (the worst outcome) and loses 55¢ only in blowouts,
    // where the long home pays: far more room than the $10 limit alone gives.
    const hedge = maxSizeByPayoff(
      longHome,
      { ticker: 'HOME7', side: 'ask', price: cents(45), size: c(50) },
      c(1),
    );
    expect(hedge).toBeGreaterThan(
      maxSizeByPayoff(state(), { ticker: 'HOME7', side: 'ask', price: cents(45), size: c(50) }, c(1)),
    );
  });

  it('past the limit (a limit lowered) only writes that do not worsen the worst case pass', () => {
    const breached = state({
      positions: new Map([['HOME', c(20)]]),
      entryPrices: new Map([['HOME', cents(70)]]),
      limit: dollars(5),
    });
    expect(gameWorstLoss(breached)).toBe(dollars(14));
    expect(
      maxSizeByPayoff(breached, { ticker: 'HOME', side: 'bid', price: cents(70), size: c(5) }, c(1)),
    ).toBe(0);
    // Selling home (the way out) loses only where home wins, where the position pays: it passes.
    expect(
      maxSizeByPayoff(breached, { ticker: 'HOME', side: 'ask', price: cents(72), size: c(5) }, c(1)),
    ).toBe(c(5));
  });

  it('an order without a price (a ghost) is booked at the price that loses most', () => {
    const ghostBid: GateOrder = { ticker: 'O230', side: 'bid', remaining: c(4) };
    const ghostAsk: GateOrder = { ticker: 'O230', side: 'ask', remaining: c(4) };
    expect(gameBook(state(), [ghostBid]).pending[0]!.price).toBe(dollars(1));
    expect(gameBook(state(), [ghostAsk]).pending[0]!.price).toBe(0);
    const write = { ticker: 'HOME', side: 'bid' as const, price: cents(50), size: c(20) };
    // $10 limit: $4 already lost at worst by either ghost leaves room for 12 bids at 50¢.
    expect(maxSizeByPayoff(state(), write, c(1), [ghostBid])).toBe(c(12));
    expect(maxSizeByPayoff(state(), write, c(1), [ghostAsk])).toBe(c(12));
  });

  it('an unknown entry is booked at the price that loses most; a market not of this game gets nothing', () => {
    expect(gameWorstLoss(state({ positions: new Map([['O230', c(5)]]) }))).toBe(dollars(5));
    expect(gameWorstLoss(state({ positions: new Map([['O230', c(-5)]]) }))).toBe(dollars(5));
    expect(
      maxSizeByPayoff(state(), { ticker: 'OTHER', side: 'bid', price: cents(10), size: c(5) }, c(1)),
    ).toBe(0);
  });

  const order: fc.Arbitrary<PricedOrder> = fc.record({
    ticker: fc.constantFrom(...TICKERS),
    side: fc.constantFrom('bid' as const, 'ask' as const),
    remaining: fc.integer({ min: 0, max: 30 }).map(c),
    price: fc.integer({ min: 1, max: 99 }).map(cents),
  });
  const world = fc.record({
    positions: fc.array(fc.tuple(fc.constantFrom(...TICKERS), fc.integer({ min: -30, max: 30 }).map(c)), {
      maxLength: 4,
    }),
    entries: fc.array(fc.tuple(fc.constantFrom(...TICKERS), fc.integer({ min: 1, max: 99 }).map(cents)), {
      maxLength: 6,
    }),
    orders: fc.array(order, { maxLength: 4 }),
    limit: fc.integer({ min: 0, max: 40 }).map(dollars),
    write: order,
    ties: fc.boolean(),
  });

  it('property: the admitted size keeps the worst case within the limit (or no worse than before), and one lot more would not', () => {
    fc.assert(
      fc.property(world, (w) => {
        const s = state({
          positions: new Map(w.positions),
          entryPrices: new Map(w.entries),
          orders: w.orders,
          limit: w.limit,
          ties: w.ties,
        });
        const write = {
          ticker: w.write.ticker,
          side: w.write.side,
          price: w.write.price,
          size: w.write.remaining,
        };
        const size = maxSizeByPayoff(s, write, c(1));
        expect(size % c(1)).toBe(0);
        expect(size).toBeGreaterThanOrEqual(0);
        expect(size).toBeLessThanOrEqual(write.size);
        const ceiling = Math.max(w.limit, gameWorstLoss(s));
        const withSize = (n: number) =>
          gameWorstLoss({ ...s, orders: [...s.orders, { ...w.write, remaining: n }] });
        expect(withSize(size)).toBeLessThanOrEqual(ceiling);
        if (size < write.size) expect(withSize(size + c(1))).toBeGreaterThan(ceiling);
      }),
      { numRuns: 300 },
    );
  });
});

/** The gate as it was: the whole grid walked per probe (payoffRisk), the reference for the axis-split one. */
function bruteMaxSize(
  s: LadderRiskState,
  write: { ticker: string; side: 'bid' | 'ask'; price: number; size: number },
  lot: number,
): number {
  if (!s.contracts.has(write.ticker)) return 0;
  const step = Math.max(1, lot);
  const worst = (orders: readonly PricedOrder[]) =>
    payoffRisk(gameBook(s, orders), { ties: s.ties }).worstCaseLoss;
  const ceiling = Math.max(s.limit, worst(s.orders));
  const fits = (units: number) =>
    worst([
      ...s.orders,
      { ticker: write.ticker, side: write.side, remaining: units * step, price: write.price },
    ]) <= ceiling;
  let lo = 0;
  let hi = Math.floor(Math.max(0, write.size) / step);
  if (hi === 0 || fits(hi)) return hi * step;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo * step;
}

describe('the payoff gate by axis decides as the whole-grid gate did', () => {
  // A full ladder: winners, eleven spread strikes (halves and whole numbers), eleven total strikes.
  const ladder = new Map<string, Contract>([
    ['HOME', { kind: 'winner', side: 'home' }],
    ['AWAY', { kind: 'winner', side: 'away' }],
    ...Array.from({ length: 11 }, (_, i): [string, Contract] => [
      `S${i}`,
      { kind: 'spread', direction: i % 2 ? 'over' : 'under', threshold: -12.5 + i * 2.5 },
    ]),
    ...Array.from({ length: 11 }, (_, i): [string, Contract] => [
      `T${i}`,
      { kind: 'total', direction: i % 3 ? 'over' : 'under', threshold: 210 + i * 2.5 },
    ]),
  ]);
  const tickers = [...ladder.keys()];
  const order: fc.Arbitrary<PricedOrder> = fc.record({
    ticker: fc.constantFrom(...tickers),
    side: fc.constantFrom('bid' as const, 'ask' as const),
    remaining: fc.integer({ min: 0, max: 5_000 }),
    price: fc.integer({ min: 1, max: 99 }).map(cents),
  });
  const world = fc.record({
    positions: fc.array(fc.tuple(fc.constantFrom(...tickers), fc.integer({ min: -5_000, max: 5_000 })), {
      maxLength: 12,
    }),
    entries: fc.array(fc.tuple(fc.constantFrom(...tickers), fc.integer({ min: 0, max: 1_000_000 })), {
      maxLength: 12,
    }),
    orders: fc.array(order, { maxLength: 30 }),
    limit: fc.integer({ min: 0, max: 200 }).map(dollars),
    write: order,
    lot: fc.constantFrom(1, 100, 500),
    ties: fc.boolean(),
  });

  it('property: the same admitted size as walking the whole grid, on random books over a full ladder', () => {
    fc.assert(
      fc.property(world, (w) => {
        const s: LadderRiskState = {
          contracts: ladder,
          positions: new Map(w.positions),
          entryPrices: new Map(w.entries),
          orders: w.orders,
          limit: w.limit,
          ties: w.ties,
        };
        const write = {
          ticker: w.write.ticker,
          side: w.write.side,
          price: w.write.price,
          size: w.write.remaining,
        };
        expect(maxSizeByPayoff(s, write, w.lot)).toBe(bruteMaxSize(s, write, w.lot));
        expect(gameWorstLoss(s)).toBe(payoffRisk(gameBook(s), { ties: s.ties }).worstCaseLoss);
      }),
      { numRuns: 200 },
    );
  });
});
