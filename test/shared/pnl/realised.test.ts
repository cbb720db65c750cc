/**
 * Realised PnL from the stored record: the drip of closing trades, the settlement wave, fees; the
 * identity with cash flows once settled; the day's split and drawdown.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayPnl } from '../../../shared/pnl/daily.ts';
import {
  cashFlow,
  type LedgerEntry,
  type LedgerFill,
  markAtTheo,
  realise,
} from '../../../shared/pnl/realised.ts';

const c = (cents: number) => cents * 10_000;
let n = 0;
const fill = (
  side: 'bid' | 'ask',
  cents: number,
  contracts: number,
  ts: number,
  extra: Partial<LedgerFill> = {},
) =>
  ({
    kind: 'fill',
    tradeId: `t${n++}`,
    ticker: 'G-BOS',
    eventTicker: 'G',
    side,
    price: c(cents),
    count: contracts * 100,
    ts,
    ...extra,
  }) satisfies LedgerFill;
const settle = (yes: boolean, ts: number, ticker = 'G-BOS') =>
  ({ kind: 'settlement', ticker, eventTicker: 'G', value: yes ? 1_000_000 : 0, ts }) as const;

describe('realised PnL', () => {
  it('buying is not a loss; selling above the average realises the difference; the rest waits for settlement', () => {
    const r = realise([fill('bid', 40, 10, 1), fill('bid', 50, 10, 2), fill('ask', 55, 5, 3)]);
    // Average 45¢; 5 sold at 55¢: +$0.50.
    expect(r.realised).toEqual([
      { ts: 3, ticker: 'G-BOS', eventTicker: 'G', source: 'trade', amount: 500_000 },
    ]);
    expect(r.open).toEqual([{ ticker: 'G-BOS', eventTicker: 'G', position: 1_500, averagePrice: c(45) }]);
    expect(markAtTheo(r.open, () => 0.6)).toEqual({ marked: 2_250_000, unpriced: [] });
    expect(markAtTheo(r.open, () => null).unpriced).toEqual(['G-BOS']);
  });

  it('the settlement wave: a short YES (long NO) at 70¢ that loses pays (1 − 0.70) per contract', () => {
    const r = realise([fill('ask', 70, 10, 1, { fee: 7_000 }), settle(true, 9)]);
    expect(r.realised.map((x) => [x.source, x.amount])).toEqual([
      ['fee', -7_000],
      ['settlement', -3_000_000],
    ]);
    expect(r.open).toEqual([]);
  });

  it('a position that flips side opens the remainder at the fill price; a fill after settlement is rejected', () => {
    const late = fill('bid', 50, 1, 20);
    const r = realise([fill('bid', 40, 2, 1), fill('ask', 60, 5, 2), settle(false, 10), late]);
    // 2 closed at +20¢ = $0.40; 3 short from 60¢ settle at 0: +$1.80.
    expect(r.realised.map((x) => x.amount)).toEqual([400_000, 1_800_000]);
    expect(r.rejected).toEqual([late]);
  });

  it('property: once every market settled, realised PnL is its cash flow (to a Micro per entry)', () => {
    const entry = fc.record({
      side: fc.constantFrom<'bid' | 'ask'>('bid', 'ask'),
      cents: fc.integer({ min: 1, max: 99 }),
      count: fc.integer({ min: 1, max: 5_000 }),
      fee: fc.integer({ min: 0, max: 20_000 }),
      ticker: fc.constantFrom('G-BOS', 'G-MIL'),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), fc.boolean(), (raw, bosWins) => {
        const fills: LedgerEntry[] = raw.map((e, i) => ({
          kind: 'fill',
          tradeId: `p${i}`,
          ticker: e.ticker,
          eventTicker: 'G',
          side: e.side,
          price: c(e.cents),
          count: e.count,
          fee: e.fee,
          ts: i,
        }));
        const all = [...fills, settle(bosWins, 1_000, 'G-BOS'), settle(!bosWins, 1_000, 'G-MIL')];
        const r = realise(all);
        const position = (t: string) =>
          fills.reduce(
            (p, f) => (f.kind === 'fill' && f.ticker === t ? p + (f.side === 'bid' ? f.count : -f.count) : p),
            0,
          );
        const cash =
          fills.reduce((s, f) => s + cashFlow(f), 0) +
          cashFlow(all[all.length - 2]!, position('G-BOS')) +
          cashFlow(all[all.length - 1]!, position('G-MIL'));
        const total = r.realised.reduce((s, x) => s + x.amount, 0);
        expect(r.open).toEqual([]);
        expect(Math.abs(total - cash)).toBeLessThanOrEqual(all.length * 2);
      }),
    );
  });
});

describe('a trading day', () => {
  const dayOf = (ms: number) => (ms < 100 ? 'D1' : 'D2');
  it('splits trades, the settlement wave and fees, per game and sport; drawdown from the running peak', () => {
    const { realised } = realise([
      fill('bid', 40, 10, 1, { eventTicker: 'A', ticker: 'A-X' }),
      fill('ask', 50, 10, 2, { eventTicker: 'A', ticker: 'A-X', fee: 10_000 }), // +$1.00, fee −$0.01
      fill('bid', 60, 10, 3, { eventTicker: 'B', ticker: 'B-Y' }),
      { kind: 'settlement', ticker: 'B-Y', eventTicker: 'B', value: 0, ts: 4 }, // −$6.00
      fill('bid', 30, 10, 5, { eventTicker: 'C', ticker: 'C-Z' }),
      { kind: 'settlement', ticker: 'C-Z', eventTicker: 'C', value: 1_000_000, ts: 6 }, // +$7.00
      fill('ask', 90, 1, 200, { eventTicker: 'D', ticker: 'D-W', fee: 5_000 }), // next day's fee
    ]);
    const d = dayPnl(realised, 'D1', dayOf, (g) => (g === 'C' ? 'nhl' : 'nba'));
    expect(d).toMatchObject({
      realised: 1_990_000,
      trades: 1_000_000,
      settlements: 1_000_000,
      fees: -10_000,
    });
    // Peak $0.99 after A, then −$5.01 after B: a $6.00 drawdown.
    expect(d.drawdown).toBe(6_000_000);
    expect(d.curve.map(([, v]) => v)).toEqual([-10_000, 990_000, -5_010_000, 1_990_000]);
    expect(d.byGame.map((g) => [g.eventTicker, g.realised])).toEqual([
      ['B', -6_000_000],
      ['A', 990_000],
      ['C', 7_000_000],
    ]);
    expect(d.bySport).toEqual([
      {
        sport: 'nba',
        games: 2,
        realised: -5_010_000,
        trades: 1_000_000,
        settlements: -6_000_000,
        fees: -10_000,
      },
      { sport: 'nhl', games: 1, realised: 7_000_000, trades: 0, settlements: 7_000_000, fees: 0 },
    ]);
    expect(dayPnl(realised, 'D2', dayOf, () => 'x')).toMatchObject({ realised: -5_000, drawdown: 5_000 });
  });
});
