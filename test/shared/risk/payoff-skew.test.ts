import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Contract, type Holding, payoffRisk } from '../../../shared/risk/payoff.ts';
import { limitUse, payoffVector, sideSkews, worstLossAfter } from '../../../shared/risk/payoff-skew.ts';

const NO_TIES = { ties: false };
const c = (n: number) => n * 100;
const cents = (n: number) => n * 10_000;
const dollars = (n: number) => n * 1_000_000;

const homeWins: Contract = { kind: 'winner', side: 'home' };
const awayWins: Contract = { kind: 'winner', side: 'away' };
const homeBy7: Contract = { kind: 'spread', direction: 'over', threshold: 6.5 };
const over220: Contract = { kind: 'total', direction: 'over', threshold: 220.5 };
const LISTED = [homeWins, awayWins, homeBy7, over220];

const contract: fc.Arbitrary<Contract> = fc.oneof(
  fc.constantFrom<'home' | 'away'>('home', 'away').map((side) => ({ kind: 'winner' as const, side })),
  fc.record({
    kind: fc.constant('spread' as const),
    direction: fc.constantFrom<'over' | 'under'>('over', 'under'),
    threshold: fc.integer({ min: -15, max: 15 }).map((k) => k + 0.5),
  }),
  fc.record({
    kind: fc.constant('total' as const),
    direction: fc.constantFrom<'over' | 'under'>('over', 'under'),
    threshold: fc.integer({ min: 210, max: 230 }).map((k) => k + 0.5),
  }),
);
const holding: fc.Arbitrary<Holding> = fc.record({
  ticker: fc.constant('T'),
  contract,
  position: fc.integer({ min: -3_000, max: 3_000 }),
  price: fc.integer({ min: 1, max: 99 }).map(cents),
});
const holdings = fc.array(holding, { minLength: 1, maxLength: 6 });
const lossOf = (hs: readonly Holding[]) => payoffVector(hs, [], NO_TIES).worstCaseLoss;

describe('the payoff vector', () => {
  it('reads the worst case payoffRisk reads, whatever else the game lists', () => {
    fc.assert(
      fc.property(holdings, fc.array(contract, { maxLength: 4 }), (hs, listed) => {
        expect(payoffVector(hs, listed, NO_TIES).worstCaseLoss).toBe(
          payoffRisk({ holdings: hs, pending: [] }, NO_TIES).worstCaseLoss,
        );
      }),
      { numRuns: 150 },
    );
  });

  it('positions use no more of the limit together than their sum, and never more than all of them losing at once', () => {
    fc.assert(
      fc.property(holdings, holdings, fc.integer({ min: 1, max: 50 }).map(dollars), (a, b, limit) => {
        const together = payoffVector([...a, ...b], [], NO_TIES);
        const sum =
          limitUse(payoffVector(a, [], NO_TIES), limit) + limitUse(payoffVector(b, [], NO_TIES), limit);
        expect(limitUse(together, limit)).toBeLessThanOrEqual(sum + 1e-12);
        // Each holding's own worst case, summed: every one of them losing at the same outcome.
        const allLose = [...a, ...b].reduce((s, h) => s + lossOf([h]), 0);
        expect(together.worstCaseLoss).toBeLessThanOrEqual(allLose);
      }),
      { numRuns: 150 },
    );
  });

  it('a hedge (long the winner, short "wins by 7+") uses strictly less of the limit than its legs', () => {
    const winner: Holding = { ticker: 'W', contract: homeWins, position: c(10), price: cents(70) };
    const spread: Holding = { ticker: 'S', contract: homeBy7, position: c(-10), price: cents(45) };
    const limit = dollars(10);
    const apart =
      limitUse(payoffVector([winner], [], NO_TIES), limit) +
      limitUse(payoffVector([spread], [], NO_TIES), limit);
    const together = limitUse(payoffVector([winner, spread], [], NO_TIES), limit);
    expect(apart).toBeCloseTo(1.25, 9); // $7 + $5.50 of $10
    expect(together).toBeCloseTo(0.25, 9); // $2.50
  });
});

describe('skew on the payoff vector', () => {
  const params = { skewAtLimit: cents(2), limit: dollars(15), lot: c(1) };

  it('a flat game has no skew on any side', () => {
    const v = payoffVector([], LISTED, NO_TIES);
    for (const k of LISTED) {
      const s = sideSkews(v, k, cents(50), params);
      expect([s.bid.edge, s.ask.edge]).toEqual([0, 0]);
    }
  });

  it('long a strike: selling it reduces the worst case and gets the better price, buying more the worse', () => {
    const v = payoffVector(
      [{ ticker: 'S', contract: homeBy7, position: c(15), price: cents(40) }],
      LISTED,
      NO_TIES,
    );
    expect(v.worstCaseLoss).toBe(dollars(6));
    const s = sideSkews(v, homeBy7, cents(40), params);
    expect(s.ask).toEqual({ effect: 'reduces', edge: -cents(0.8) }); // 2¢ × $6/$15
    expect(s.bid).toEqual({ effect: 'adds', edge: cents(0.8) });
    // A total pays on another axis: a total's YES cannot cover every losing (margin, total) cell.
    expect(sideSkews(v, over220, cents(50), params).bid.effect).toBe('adds');
  });

  it('long the home winner: the strike that pays where it loses is skewed across markets', () => {
    const v = payoffVector(
      [{ ticker: 'W', contract: homeWins, position: c(15), price: cents(40) }],
      LISTED,
      NO_TIES,
    );
    expect(v.worstCaseLoss).toBe(dollars(6)); // at an away win
    // Selling "home by 7+" (buying its NO) pays on an away win: the better price; buying it the worse.
    expect(sideSkews(v, homeBy7, cents(30), params)).toEqual({
      bid: { effect: 'adds', edge: cents(0.8) },
      ask: { effect: 'reduces', edge: -cents(0.8) },
    });
    expect(sideSkews(v, awayWins, cents(60), params).bid.effect).toBe('reduces');
  });

  it('the side marked reducing lowers the worst case when a lot fills at theo; the adding side raises it', () => {
    fc.assert(
      fc.property(holdings, contract, fc.integer({ min: 2, max: 98 }).map(cents), (hs, k, theo) => {
        const v = payoffVector(hs, [...LISTED, k], NO_TIES);
        const s = sideSkews(v, k, theo, params);
        for (const side of ['bid', 'ask'] as const) {
          const after = worstLossAfter(v, k, side, params.lot, theo);
          // The same verdict as the full scan over every outcome.
          expect(s[side].effect).toBe(
            after < v.worstCaseLoss ? 'reduces' : after > v.worstCaseLoss ? 'adds' : 'neither',
          );
          if (s[side].effect === 'reduces') {
            expect(after).toBeLessThan(v.worstCaseLoss);
            expect(s[side].edge).toBeLessThanOrEqual(0);
          } else if (s[side].effect === 'adds') {
            expect(after).toBeGreaterThan(v.worstCaseLoss);
            expect(s[side].edge).toBeGreaterThanOrEqual(0);
          } else expect(s[side].edge).toBe(0);
          // Never more than the skew at the limit.
          expect(Math.abs(s[side].edge)).toBeLessThanOrEqual(params.skewAtLimit);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('a 3-way game: the TIE market pays on margin 0', () => {
  const TIES = { ties: true };
  const draw: Contract = { kind: 'draw' };
  const hold = (contract: Contract, position: number, price: number): Holding => ({
    ticker: 'T',
    contract,
    position,
    price,
  });

  it('YES on home, away and draw at prices summing to $1 is riskless; a draw alone loses at every other margin', () => {
    const all = [
      hold(homeWins, c(10), cents(45)),
      hold(awayWins, c(10), cents(30)),
      hold(draw, c(10), cents(25)),
    ];
    expect(payoffRisk({ holdings: all, pending: [] }, TIES).worstCaseLoss).toBe(0);
    const r = payoffRisk({ holdings: [hold(draw, c(10), cents(25))], pending: [] }, TIES);
    expect(r.worstCaseLoss).toBe(dollars(2.5));
    expect(r.worstOutcome.margin).not.toBe(0);
    // Short the draw: the loss is at margin 0 — on the grid with the strikes around it.
    const short = payoffRisk(
      { holdings: [hold(draw, -c(10), cents(25)), hold(homeBy7, c(1), cents(20))], pending: [] },
      TIES,
    );
    expect(short.worstOutcome.margin).toBe(0);
    expect(short.worstCaseLoss).toBe(dollars(7.5 + 0.2));
  });

  it('the exact grid equals a dense brute force with the draw among the contracts', () => {
    const withDraw = fc.array(
      fc.record({
        ticker: fc.constant('T'),
        contract: fc.oneof(contract, fc.constant(draw)),
        position: fc.integer({ min: -3_000, max: 3_000 }),
        price: fc.integer({ min: 1, max: 99 }).map(cents),
      }),
      { minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(withDraw, (hs) => {
        let worst = 0;
        for (let margin = -30; margin <= 30; margin++)
          for (let total = 190; total <= 250; total++) {
            let pnl = 0;
            for (const h of hs) {
              const k = h.contract;
              const pays =
                k.kind === 'draw'
                  ? margin === 0
                  : k.kind === 'winner'
                    ? k.side === 'home'
                      ? margin > 0
                      : margin < 0
                    : k.kind === 'spread'
                      ? k.direction === 'over'
                        ? margin > k.threshold
                        : margin < k.threshold
                      : k.direction === 'over'
                        ? total > k.threshold
                        : total < k.threshold;
              pnl += h.position * ((pays ? 1_000_000 : 0) - h.price);
            }
            worst = Math.min(worst, pnl);
          }
        expect(payoffRisk({ holdings: hs, pending: [] }, TIES).worstCaseLoss).toBe(
          Math.max(0, Math.ceil(-worst / 100)),
        );
      }),
      { numRuns: 100 },
    );
  });
});
