import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixedSpreadQuoter, othersLevels, topOfBookQuoter } from '../../../scripts/paper/baselines.ts';
import type { LiveOrder, MarketBook, QuoteContext } from '../../../worker/engine/ports.ts';

function ctx(
  p: number,
  book: Partial<MarketBook> = {},
  ownOrders: LiveOrder[] = [],
  inventory = 0,
): QuoteContext {
  const b: MarketBook = { ticker: 'A', bids: [], asks: [], valid: true, updatedMs: 0, ...book };
  return {
    game: {
      eventTicker: 'E',
      seriesTicker: 'S',
      sport: 'nba',
      title: 't',
      oddsEventId: 'o',
      markets: [{ ticker: 'A', outcome: 'Home' }],
      kalshiStartMs: null,
      oddsCommenceMs: 0,
    },
    theo: { oddsEventId: 'o', probabilities: { Home: p }, updatedMs: 0, books: 3 },
    books: new Map([['A', b]]),
    positions: new Map([['A', inventory]]),
    entryPrices: new Map(),
    ownOrders,
    limit: 5_000,
    stopAtMs: null,
    now: 0,
  };
}

describe('baseline: fixed-spread symmetric quoter', () => {
  it('quotes theo ± 3¢ on the cent grid whatever the inventory (no skew)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.integer({ min: -5_000, max: 5_000 }),
        (p, inv) => {
          const q = fixedSpreadQuoter()(ctx(p, {}, [], inv));
          const bid = q.quotes.find((x) => x.side === 'bid')!;
          const ask = q.quotes.find((x) => x.side === 'ask')!;
          expect(bid.price % 10_000).toBe(0);
          expect(ask.price % 10_000).toBe(0);
          expect(bid.price).toBeLessThanOrEqual(p * 1e6 - 30_000);
          expect(ask.price).toBeGreaterThanOrEqual(p * 1e6 + 30_000);
          expect(ask.price - bid.price).toBeLessThanOrEqual(80_000);
          expect(q).toEqual(fixedSpreadQuoter()(ctx(p, {}, [], 0)));
        },
      ),
    );
  });
});

describe('baseline: top-of-book joiner', () => {
  it('joins the best price of others, ignoring theo (no ceiling)', () => {
    const q = topOfBookQuoter()(
      ctx(0.5, { bids: [{ price: 700_000, size: 500 }], asks: [{ price: 750_000, size: 500 }] }),
    );
    expect(q.quotes).toEqual([
      { ticker: 'A', side: 'bid', price: 700_000, size: 1_000 },
      { ticker: 'A', side: 'ask', price: 750_000, size: 1_000 },
    ]);
  });

  it('looks through its own resting size and does not quote an empty or invalid book', () => {
    const own: LiveOrder = {
      orderId: '1',
      clientOrderId: 'c',
      ticker: 'A',
      side: 'bid',
      price: 600_000,
      remaining: 1_000,
      filled: 0,
      state: 'resting',
      sinceMs: 0,
    };
    expect(
      othersLevels(
        [
          { price: 600_000, size: 1_000 },
          { price: 590_000, size: 200 },
        ],
        [own],
      ),
    ).toEqual([{ price: 590_000, size: 200 }]);
    expect(topOfBookQuoter()(ctx(0.5)).quotes).toEqual([]);
    expect(topOfBookQuoter()(ctx(0.5, { bids: [{ price: 1, size: 1 }], valid: false })).quotes).toEqual([]);
  });
});
