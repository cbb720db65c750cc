import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Contract,
  checkGameRisk,
  type GameBook,
  type Holding,
  type PendingOrder,
  payoffRisk,
  worstPnlAt,
} from '../../../shared/risk/payoff.ts';

const NO_TIES = { ties: false };
const c = (n: number) => n * 100; // contracts → Centis
const cents = (n: number) => n * 10_000; // cents → Micros
const dollars = (n: number) => n * 1_000_000;

const hold = (ticker: string, contract: Contract, position: number, price: number): Holding => ({
  ticker,
  contract,
  position,
  price,
});
const homeWins: Contract = { kind: 'winner', side: 'home' };
const awayWins: Contract = { kind: 'winner', side: 'away' };
const homeBy7: Contract = { kind: 'spread', direction: 'over', threshold: 6.5 };
const over220: Contract = { kind: 'total', direction: 'over', threshold: 220.5 };

/** Brute force over a dense grid of outcomes: the reference the exact grid must equal. */
function bruteWorstLoss(book: GameBook, ties: boolean): number {
  let worst = 0;
  for (let margin = -60; margin <= 60; margin++) {
    if (!ties && margin === 0) continue;
    for (let total = 0; total <= 300; total += 1)
      worst = Math.min(worst, worstPnlAt(book, { margin, total }));
  }
  return Math.max(0, Math.ceil(-worst / 100));
}

describe('payoff of a game book', () => {
  it('a single long YES loses its price at worst', () => {
    const r = payoffRisk({ holdings: [hold('W', homeWins, c(10), cents(60))], pending: [] }, NO_TIES);
    expect(r.worstCaseLoss).toBe(dollars(6));
    expect(r.worstOutcome.margin).toBeLessThan(0);
  });

  it('long the winner, short "wins by 7+": worst case is far below the sum (the spread hedges it)', () => {
    const book: GameBook = {
      holdings: [hold('W', homeWins, c(10), cents(70)), hold('S', homeBy7, c(-10), cents(45))],
      pending: [],
    };
    const alone = [book.holdings[0]!, book.holdings[1]!].map(
      (h) => payoffRisk({ holdings: [h], pending: [] }, NO_TIES).worstCaseLoss,
    );
    expect(alone).toEqual([dollars(7), dollars(5.5)]);
    // home by 7+: +3 − 5.5 = −2.5; home by 1–6: +3 + 4.5; away: −7 + 4.5 = −2.5
    expect(payoffRisk(book, NO_TIES).worstCaseLoss).toBe(dollars(2.5));
  });

  it('a total position and a margin position are risked on the joint grid', () => {
    const book: GameBook = {
      holdings: [hold('W', homeWins, c(10), cents(50)), hold('T', over220, c(10), cents(50))],
      pending: [],
    };
    const r = payoffRisk(book, NO_TIES);
    expect(r.worstCaseLoss).toBe(dollars(10));
    expect(r.worstOutcome.margin).toBeLessThan(0);
    expect(r.worstOutcome.total).toBeLessThanOrEqual(220);
  });

  it('pending orders count where they lose, not where they win', () => {
    const bidHome: PendingOrder = {
      ticker: 'W',
      contract: homeWins,
      side: 'bid',
      count: c(10),
      price: cents(60),
    };
    const bidAway: PendingOrder = {
      ticker: 'A',
      contract: awayWins,
      side: 'bid',
      count: c(10),
      price: cents(38),
    };
    const askAway: PendingOrder = {
      ticker: 'A',
      contract: awayWins,
      side: 'ask',
      count: c(10),
      price: cents(38),
    };
    expect(payoffRisk({ holdings: [], pending: [bidHome] }, NO_TIES).worstCaseLoss).toBe(dollars(6));
    // both sides bid: whichever team wins, only the losing bid is assumed filled
    expect(payoffRisk({ holdings: [], pending: [bidHome, bidAway] }, NO_TIES).worstCaseLoss).toBe(dollars(6));
    // selling away YES at 38 is another bet on home: both lose 6 + 6.2 if away wins
    expect(payoffRisk({ holdings: [], pending: [bidHome, askAway] }, NO_TIES).worstCaseLoss).toBe(
      dollars(12.2),
    );
  });

  it('the gate refuses an order that would take the worst case past the limit, and says where', () => {
    const book: GameBook = { holdings: [hold('W', homeWins, c(10), cents(60))], pending: [] };
    const more: PendingOrder = {
      ticker: 'W',
      contract: homeWins,
      side: 'bid',
      count: c(10),
      price: cents(60),
    };
    const hedge: PendingOrder = {
      ticker: 'A',
      contract: awayWins,
      side: 'bid',
      count: c(10),
      price: cents(38),
    };
    const refused = checkGameRisk(book, [more], dollars(10), NO_TIES);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.detail).toMatch(/worst-case loss \$12\.00 .* > limit \$10\.00/);
    // the hedge would only fill where it loses too, but its loss lands where the position wins
    expect(checkGameRisk(book, [hedge], dollars(10), NO_TIES)).toMatchObject({
      ok: true,
      worstCaseLoss: dollars(6),
    });
  });

  it('bad input throws (a programming error, not market data)', () => {
    expect(() =>
      payoffRisk({ holdings: [hold('W', homeWins, 1.5, cents(60))], pending: [] }, NO_TIES),
    ).toThrow(RangeError);
    expect(() =>
      payoffRisk(
        {
          holdings: [hold('S', { kind: 'spread', direction: 'over', threshold: Number.NaN }, c(1), 1)],
          pending: [],
        },
        NO_TIES,
      ),
    ).toThrow(RangeError);
  });
});

const contract: fc.Arbitrary<Contract> = fc.oneof(
  fc.constantFrom<'home' | 'away'>('home', 'away').map((side) => ({ kind: 'winner' as const, side })),
  fc
    .record({
      direction: fc.constantFrom<'over' | 'under'>('over', 'under'),
      threshold: fc.integer({ min: -25, max: 25 }).map((k) => k + 0.5),
    })
    .map((r) => ({ kind: 'spread' as const, ...r })),
  fc
    .record({
      direction: fc.constantFrom<'over' | 'under'>('over', 'under'),
      threshold: fc.integer({ min: 200, max: 240 }).map((k) => k + (k % 2 === 0 ? 0.5 : 0)),
    })
    .map((r) => ({ kind: 'total' as const, ...r })),
);
const holding: fc.Arbitrary<Holding> = fc.record({
  ticker: fc.constant('X'),
  contract,
  position: fc.integer({ min: -5_000, max: 5_000 }),
  price: fc.integer({ min: 1, max: 99 }).map(cents),
});
const order: fc.Arbitrary<PendingOrder> = fc.record({
  ticker: fc.constant('X'),
  contract,
  side: fc.constantFrom<'bid' | 'ask'>('bid', 'ask'),
  count: fc.integer({ min: 0, max: 5_000 }),
  price: fc.integer({ min: 1, max: 99 }).map(cents),
});
const book: fc.Arbitrary<GameBook> = fc.record({
  holdings: fc.array(holding, { maxLength: 6 }),
  pending: fc.array(order, { maxLength: 4 }),
});

describe('payoff risk properties', () => {
  it('positions that hedge each other use less of the limit than their sum, never more', () => {
    fc.assert(
      fc.property(book, book, fc.boolean(), (a, b, ties) => {
        const opts = { ties };
        const joint = payoffRisk(
          { holdings: [...a.holdings, ...b.holdings], pending: [...a.pending, ...b.pending] },
          opts,
        ).worstCaseLoss;
        const sum = payoffRisk(a, opts).worstCaseLoss + payoffRisk(b, opts).worstCaseLoss;
        // +1: each part is rounded up to a whole Micro separately
        expect(joint).toBeLessThanOrEqual(sum + 1);
      }),
      { numRuns: 300 },
    );
  });

  it('and never less than the true worst case: the exact grid equals a dense brute-force grid', () => {
    fc.assert(
      fc.property(book, fc.boolean(), (bk, ties) => {
        expect(payoffRisk(bk, { ties }).worstCaseLoss).toBe(bruteWorstLoss(bk, ties));
      }),
      { numRuns: 60 },
    );
  });

  it('each holding alone: its worst case is its entry cost (long) or its NO cost (short)', () => {
    fc.assert(
      fc.property(holding, fc.boolean(), (h, ties) => {
        const r = payoffRisk({ holdings: [h], pending: [] }, { ties });
        const perContract = h.position >= 0 ? h.price : 1_000_000 - h.price;
        expect(r.worstCaseLoss).toBe(Math.ceil((Math.abs(h.position) * perContract) / 100));
      }),
      { numRuns: 200 },
    );
  });

  it('adding a pending order never lowers the worst case', () => {
    fc.assert(
      fc.property(book, order, fc.boolean(), (bk, o, ties) => {
        const before = payoffRisk(bk, { ties }).worstCaseLoss;
        const after = payoffRisk(
          { holdings: bk.holdings, pending: [...bk.pending, o] },
          { ties },
        ).worstCaseLoss;
        expect(after).toBeGreaterThanOrEqual(before);
      }),
      { numRuns: 200 },
    );
  });
});
