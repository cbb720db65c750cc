import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { edgeCeiling } from '../../../shared/pricing/ceiling.ts';
import { atLeastAsSafe, type BookLevel, priceSide, type Side } from '../../../shared/pricing/competitive.ts';
import { QUADRATIC_FEES } from '../../../shared/pricing/fees.ts';
import { QuotingParamsSchema } from '../../../shared/pricing/params.ts';
import { quoteGame } from '../../../shared/pricing/quote-game.ts';
import {
  bookReference,
  type CompetitorAnchor,
  judgeCompetitor,
  nextAnchor,
} from '../../../shared/pricing/stale-competitor.ts';
import { LINEAR_CENT_GRID } from '../../../shared/pricing/tick-grid.ts';

const c = (cents: number) => cents * 10_000;
const side = fc.constantFrom<Side>('bid', 'ask');
const prob = fc.double({ min: 0.03, max: 0.97, noNaN: true });

describe('nextAnchor: the theo when the others’ best was first seen at its price', () => {
  it('kept while the level stays at its price, re-set when it moves, forgotten without a level or theo', () => {
    const a = nextAnchor(undefined, { price: c(45), size: 500 }, 0.55);
    expect(a).toEqual({ price: c(45), theo: 0.55 });
    // same price, theo moved, size changed: still the same level, the anchor keeps its theo
    expect(nextAnchor(a, { price: c(45), size: 1_500 }, 0.5)).toBe(a);
    expect(nextAnchor(a, { price: c(44), size: 500 }, 0.5)).toEqual({ price: c(44), theo: 0.5 });
    expect(nextAnchor(a, null, 0.5)).toBeUndefined();
    expect(nextAnchor(a, { price: c(45), size: 500 }, null)).toBeUndefined();
  });
});

describe('judgeCompetitor: a level the theo moved against is not followed', () => {
  const anchor: CompetitorAnchor = { price: c(53), theo: 0.58 };
  it('a bid level is stale once the theo fell by the move since it was set; an ask once it rose', () => {
    expect(judgeCompetitor('bid', anchor, 0.57, 0.02)).toEqual({ follow: true });
    expect(judgeCompetitor('bid', anchor, 0.56, 0.02)).toMatchObject({ follow: false, reason: 'stale' });
    // the theo rose: their bid is now further from it, nothing stale for a bid …
    expect(judgeCompetitor('bid', anchor, 0.65, 0.02)).toEqual({ follow: true });
    // … but an ask level set at 0.58 is stale once the theo is 2¢ higher
    expect(judgeCompetitor('ask', { price: c(61), theo: 0.58 }, 0.6, 0.02)).toMatchObject({
      follow: false,
    });
    expect(judgeCompetitor('ask', { price: c(61), theo: 0.58 }, 0.55, 0.02)).toEqual({ follow: true });
  });

  it('no anchor, no theo or no move: follow', () => {
    expect(judgeCompetitor('bid', undefined, 0.4, 0.02)).toEqual({ follow: true });
    expect(judgeCompetitor('bid', anchor, null, 0.02)).toEqual({ follow: true });
    expect(judgeCompetitor('bid', anchor, 0.3, 0)).toEqual({ follow: true });
  });

  it('property: stale only when the theo moved against the level by ≥ move; a larger move is never staler', () => {
    fc.assert(
      fc.property(side, prob, prob, fc.double({ min: 0.001, max: 0.2, noNaN: true }), (s, t0, t1, move) => {
        const anchor = { price: c(50), theo: t0 };
        const v = judgeCompetitor(s, anchor, t1, move);
        const against = s === 'bid' ? t0 - t1 : t1 - t0;
        if (against < move - 1e-9) expect(v.follow).toBe(true);
        if (against > move + 1e-9) expect(v.follow).toBe(false);
        if (v.follow) expect(judgeCompetitor(s, anchor, t1, move * 2).follow).toBe(true);
      }),
    );
  });

  it('not following makes the side no more aggressive than following (priceSide without competition)', () => {
    fc.assert(
      fc.property(
        side,
        fc.integer({ min: 10, max: 90 }),
        fc.integer({ min: -8, max: 8 }),
        fc.integer({ min: -8, max: 8 }),
        (s, ceil, monoOff, bestOff) => {
          const ceiling = c(ceil);
          const monopsony = c(ceil + (s === 'bid' ? -1 : 1) * Math.abs(monoOff));
          const input = {
            side: s,
            grid: LINEAR_CENT_GRID,
            ceiling,
            monopsony,
            bestSame: { price: c(ceil + bestOff), size: 500 },
            bestOpposite: null,
            improveTicks: 1,
          };
          const followed = priceSide({ ...input, competition: true });
          const ignored = priceSide({ ...input, competition: false });
          if (followed && ignored) expect(atLeastAsSafe(s, ignored.price, followed.price)).toBe(true);
        },
      ),
    );
  });
});

describe('bookReference: the others’ opposite best on the wrong side of theo becomes the reference', () => {
  it('an ask facing a bid above theo earns its edge over that bid; a bid facing an ask below theo likewise', () => {
    expect(bookReference('ask', c(80), { price: c(85), size: 500 })).toBe(c(85));
    expect(bookReference('ask', c(80), { price: c(78), size: 500 })).toBe(c(80));
    expect(bookReference('bid', c(20), { price: c(15), size: 500 })).toBe(c(15));
    expect(bookReference('bid', c(20), { price: c(22), size: 500 })).toBe(c(20));
    expect(bookReference('bid', c(20), null)).toBe(c(20));
  });

  it('property: the ceiling from the reference is never more aggressive than the theo’s, and earns the edge over both', () => {
    fc.assert(
      fc.property(
        side,
        fc.integer({ min: 5, max: 95 }),
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 0, max: 50_000 }),
        (s, theoC, oppC, required) => {
          const theo = c(theoC);
          const opposite = { price: c(oppC), size: 500 };
          const noFee = () => 0;
          const ref = bookReference(s, theo, opposite);
          const byTheo = edgeCeiling(LINEAR_CENT_GRID, s, theo, required, noFee);
          const byRef = edgeCeiling(LINEAR_CENT_GRID, s, ref, required, noFee);
          if (byRef === null) return;
          expect(byTheo).not.toBeNull();
          expect(atLeastAsSafe(s, byRef, byTheo as number)).toBe(true);
          const edgeOver = (r: number) => (s === 'bid' ? r - byRef : byRef - r);
          expect(edgeOver(theo)).toBeGreaterThanOrEqual(required);
          if (s === 'ask' ? oppC * 10_000 > theo : oppC * 10_000 < theo)
            expect(edgeOver(opposite.price)).toBeGreaterThanOrEqual(required);
        },
      ),
    );
  });
});

describe('quoteGame with bookReference (the others’ best as information)', () => {
  const market = (theo: number, book: { bestBid: BookLevel | null; bestAsk: BookLevel | null }) => ({
    ticker: 'A',
    outcome: 'A',
    grid: LINEAR_CENT_GRID,
    theo,
    fees: QUADRATIC_FEES,
    book,
    competition: { bid: false, ask: false },
    position: 0,
    avgEntry: null,
    pending: { bid: 0, ask: 0 },
  });
  const decide = (bookReferenceOn: boolean, theo: number, book: Parameters<typeof market>[1]) =>
    quoteGame({
      now: 0,
      stopTime: 3_600_000,
      params: QuotingParamsSchema.parse({ bookReference: bookReferenceOn }),
      limit: 5_000,
      exhaustive: false,
      markets: [market(theo, book)],
    });
  const priceOf = (d: ReturnType<typeof quoteGame>, s: Side) => d.quotes.find((q) => q.side === s)?.price;

  it('off (default): an ask facing a bid above theo sits one tick above that bid', () => {
    // theo 0.80 (stale: the books lag), a competitor bids 85¢: post-only puts our ask at 86¢
    expect(
      priceOf(decide(false, 0.8, { bestBid: { price: c(85), size: 1_500 }, bestAsk: null }), 'ask'),
    ).toBe(c(86));
  });

  it('on: that ask earns the minimum edge over their bid; a bid facing an ask below theo likewise', () => {
    const up = decide(true, 0.8, { bestBid: { price: c(85), size: 1_500 }, bestAsk: null });
    expect(priceOf(up, 'ask')).toBeGreaterThanOrEqual(c(87)); // 85¢ + 2¢ min edge
    const down = decide(true, 0.2, { bestBid: null, bestAsk: { price: c(15), size: 1_500 } });
    expect(priceOf(down, 'bid')).toBeLessThanOrEqual(c(13));
    // a bait level (below minCompetitorSize) is no information
    const bait = decide(true, 0.8, { bestBid: { price: c(85), size: 50 }, bestAsk: null });
    expect(priceOf(bait, 'ask')).toBe(c(86));
  });

  it('property: on never quotes a side more aggressively than off', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.option(fc.integer({ min: 1, max: 98 })),
        fc.option(fc.integer({ min: 2, max: 99 })),
        (theo, b, a) => {
          const book = {
            bestBid: b === null ? null : { price: c(b), size: 1_000 },
            bestAsk: a === null || (b !== null && a <= b) ? null : { price: c(a), size: 1_000 },
          };
          const off = decide(false, theo, book);
          const on = decide(true, theo, book);
          for (const s of ['bid', 'ask'] as const) {
            const p = priceOf(on, s);
            const q = priceOf(off, s);
            if (p !== undefined) {
              expect(q).toBeDefined();
              expect(atLeastAsSafe(s, p, q as number)).toBe(true);
            }
          }
        },
      ),
    );
  });
});
