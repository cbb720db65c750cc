import { describe, expect, it } from 'vitest';
import { FeeScheduleSchema } from '../../../shared/pricing/fees.ts';
import { DEFAULT_QUOTING_PARAMS as P } from '../../../shared/pricing/params.ts';
import type { Contract } from '../../../shared/risk/payoff.ts';
import { type ModelStrikeQuoteInput, modelStrikeQuotes } from '../../../worker/engine/ladder-quotes.ts';
import { othersBest } from '../../../worker/engine/own-book.ts';
import type { LiveOrder, MarketBook } from '../../../worker/engine/ports.ts';

const cents = (n: number) => n * 10_000;
const homeBy5: Contract = { kind: 'spread', direction: 'over', threshold: 4.5 };
const over220: Contract = { kind: 'total', direction: 'over', threshold: 220.5 };
const contracts = new Map<string, Contract>([
  ['HOME', { kind: 'winner', side: 'home' }],
  ['AWAY', { kind: 'winner', side: 'away' }],
  ['SP5', homeBy5],
  ['TO220', over220],
]);
const wide = (ticker: string): MarketBook => ({
  ticker,
  bids: [{ price: cents(3), size: 1_000 }],
  asks: [{ price: cents(97), size: 1_000 }],
  valid: true,
  updatedMs: 0,
});
const base = (over: Partial<ModelStrikeQuoteInput> = {}): ModelStrikeQuoteInput => ({
  priced: [
    { ticker: 'SP5', probability: 0.5, extraEdge: 0, fittedFrom: [] },
    { ticker: 'TO220', probability: 0.5, extraEdge: 0, fittedFrom: [] },
  ],
  markets: new Map([
    ['SP5', { contract: homeBy5 }],
    ['TO220', { contract: over220 }],
  ]),
  books: new Map([
    ['SP5', wide('SP5')],
    ['TO220', wide('TO220')],
  ]),
  own: [],
  payoff: { contracts, entryPrices: new Map(), limit: 15_000_000, ties: false },
  positions: new Map(),
  params: P,
  size: 500,
  ...over,
});
const priceOf = (qs: ReturnType<typeof modelStrikeQuotes>, ticker: string, side: 'bid' | 'ask') =>
  qs.find((q) => q.ticker === ticker && q.side === side)?.price;

describe('the engine prices a game strikes on its payoff', () => {
  it('flat: every strike symmetric around theo at the model spread', () => {
    const qs = modelStrikeQuotes(base());
    expect(qs).toHaveLength(4);
    expect([priceOf(qs, 'SP5', 'bid'), priceOf(qs, 'SP5', 'ask')]).toEqual([cents(47), cents(53)]);
  });

  it('long the home winner: the strike side that pays on an away win is the better price, its other side worse', () => {
    // 30 YES home at 40¢: $12 of a $15 limit at risk on an away win.
    const qs = modelStrikeQuotes(
      base({
        positions: new Map([['HOME', 3_000]]),
        payoff: { contracts, entryPrices: new Map([['HOME', cents(40)]]), limit: 15_000_000, ties: false },
      }),
    );
    // Selling "home by 5+" pays on an away win: 2¢ × 12/15 = 1.6¢ nearer theo; buying it 1.6¢ further.
    // Model half-spread ≈ 2.55¢: ask 52.55 − 1.6 → 51 (the ceiling, 2¢ − 1.6¢ of edge, allows it); bid
    // 47.45 − 1.6 → 45.
    expect(priceOf(qs, 'SP5', 'ask')).toBe(cents(51));
    expect(priceOf(qs, 'SP5', 'bid')).toBe(cents(45));
    // The total pays on another axis: neither of its sides covers the away-win cells; both are adding.
    expect(priceOf(qs, 'TO220', 'bid')).toBe(cents(45));
    expect(priceOf(qs, 'TO220', 'ask')).toBe(cents(55));
  });

  it('the others’ book without our own orders: our resting bid is not a competitor to improve on', () => {
    const own: LiveOrder[] = [
      {
        orderId: 'o',
        clientOrderId: null,
        ticker: 'SP5',
        side: 'bid',
        price: cents(47),
        remaining: 500,
        filled: 0,
        state: 'resting',
        sinceMs: 0,
      },
    ];
    const book: MarketBook = { ...wide('SP5'), bids: [{ price: cents(47), size: 500 }, ...wide('SP5').bids] };
    expect(othersBest(book.bids, own, 'SP5', 'bid')).toEqual({ price: cents(3), size: 1_000 });
    const qs = modelStrikeQuotes(base({ own, books: new Map([['SP5', book]]) }));
    expect(priceOf(qs, 'SP5', 'bid')).toBe(cents(47)); // not 48: we would have outbid ourselves
  });

  it('the series maker fee is charged: a fee-paying strike quotes wider', () => {
    const fees = FeeScheduleSchema.parse({ feeType: 'quadratic_with_combo_maker_fees' });
    const qs = modelStrikeQuotes(base({ markets: new Map([['SP5', { contract: homeBy5, fees }]]) }));
    expect(priceOf(qs, 'SP5', 'bid')).toBeLessThan(cents(47));
    expect(priceOf(qs, 'SP5', 'ask')).toBeGreaterThan(cents(53));
  });
});
