import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QUADRATIC_FEES } from '../../../shared/pricing/fees.ts';
import { QuotingParamsSchema } from '../../../shared/pricing/params.ts';
import { type MarketQuoteInput, quoteGame } from '../../../shared/pricing/quote-game.ts';
import { LINEAR_CENT_GRID } from '../../../shared/pricing/tick-grid.ts';

// taperAddingSide: the adding side's size shrinks with inventory (default) or keeps the base size and is
// cut by the limit alone. Either way no side's worst case passes the limit.
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 25, 0, 0, 0);

function market(ticker: string, theo: number, position = 0): MarketQuoteInput {
  return {
    ticker,
    outcome: ticker,
    grid: LINEAR_CENT_GRID,
    theo,
    fees: QUADRATIC_FEES,
    book: { bestBid: null, bestAsk: null },
    competition: { bid: false, ask: false },
    position,
    avgEntry: null,
    pending: { bid: 0, ask: 0 },
  };
}

const decide = (taperAddingSide: boolean, position: number, limit = 5_000) =>
  quoteGame({
    now: NOW,
    stopTime: NOW + 3 * HOUR,
    params: QuotingParamsSchema.parse({ taperAddingSide, toxicityTaper: false, breakEvenShare: 1 }),
    limit,
    markets: [market('A', 0.5, position), market('B', 0.5)],
  });

const size = (d: ReturnType<typeof quoteGame>, ticker: string, side: 'bid' | 'ask') =>
  d.quotes.find((q) => q.ticker === ticker && q.side === side)?.size ?? 0;

describe('taperAddingSide', () => {
  it('long A 20 of 50: tapered the adding sides quote 6 each (10 × (1 − 20/50)); untapered 10 and 10, within the room of 30', () => {
    const tapered = decide(true, 2_000);
    expect([size(tapered, 'A', 'bid'), size(tapered, 'B', 'ask')]).toEqual([600, 600]);
    const flat = decide(false, 2_000);
    expect([size(flat, 'A', 'bid'), size(flat, 'B', 'ask')]).toEqual([1_000, 1_000]);
    expect([size(flat, 'A', 'ask'), size(flat, 'B', 'bid')]).toEqual([1_000, 1_000]);
  });

  it('long A 45 of 50: untapered, the limit still cuts the adding sides to the room left (5 between them)', () => {
    const flat = decide(false, 4_500);
    expect(size(flat, 'A', 'bid') + size(flat, 'B', 'ask')).toBeLessThanOrEqual(500);
  });

  it('property: without the taper, position + every adding order filled never passes the limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -6_000, max: 6_000 }),
        fc.integer({ min: 100, max: 8_000 }),
        (pos, limit) => {
          const d = decide(false, pos, limit);
          const longA = pos + size(d, 'A', 'bid') + size(d, 'B', 'ask');
          const shortA = -pos + size(d, 'A', 'ask') + size(d, 'B', 'bid');
          expect(longA).toBeLessThanOrEqual(Math.max(limit, pos));
          expect(shortA).toBeLessThanOrEqual(Math.max(limit, -pos));
        },
      ),
    );
  });
});

describe('toxicityTaper: the taper a side carries follows its direction\u2019s toxicity', () => {
  const withTox = (position: number, toxicity: { bid: number; ask: number } | undefined) =>
    quoteGame({
      now: NOW,
      stopTime: NOW + 3 * HOUR,
      params: QuotingParamsSchema.parse({
        toxicityTaper: true,
        toxicityTaperFloor: 'none',
        breakEvenShare: 1,
      }),
      limit: 5_000,
      markets: [
        { ...market('A', 0.5, position), toxicity },
        { ...market('B', 0.5), toxicity: toxicity && { bid: toxicity.ask, ask: toxicity.bid } },
      ],
    });

  it('long A 20 of 50, benign flow (no evidence): the adding sides keep the base size, 10 each', () => {
    const d = withTox(2_000, undefined);
    expect([size(d, 'A', 'bid'), size(d, 'B', 'ask')]).toEqual([1_000, 1_000]);
  });

  it('long A 20 of 50, buying A marked out 2¢ adverse (= min edge): the whole taper, 6 each', () => {
    const d = withTox(2_000, { bid: 0.02, ask: 0 });
    expect([size(d, 'A', 'bid'), size(d, 'B', 'ask')]).toEqual([600, 600]);
  });

  it('long A 20 of 50, 1¢ adverse: half the taper, 8 each; the reducing sides keep 10', () => {
    const d = withTox(2_000, { bid: 0.01, ask: 0 });
    expect([size(d, 'A', 'bid'), size(d, 'B', 'ask')]).toEqual([800, 800]);
    expect([size(d, 'A', 'ask'), size(d, 'B', 'bid')]).toEqual([1_000, 1_000]);
  });
});

describe('toxicityTaperFloor: lot — a limit of few quotes keeps a taper whatever the markouts', () => {
  // A thin 3-way bout (fight-card): limit 17.5 contracts against 10-contract quotes, short the TIE 10.
  // The TIE ask adds to that; an untapered one takes the worst-case room the fighters' bids need.
  const bout = (p: Record<string, unknown>) =>
    quoteGame({
      now: NOW,
      stopTime: NOW + HOUR,
      params: QuotingParamsSchema.parse({ ...p, breakEvenShare: 1 }),
      limit: 1_750,
      exhaustive: true,
      markets: [
        { ...market('CAN', 0.44), toxicity: { bid: 0, ask: 0 } },
        { ...market('CRA', 0.51), toxicity: { bid: 0, ask: 0 } },
        { ...market('TIE', 0.05, -1_000), toxicity: { bid: 0, ask: 0 } },
      ],
    });
  const fighterBids = (d: ReturnType<typeof quoteGame>) => size(d, 'CAN', 'bid') + size(d, 'CRA', 'bid');

  it('benign markouts, no floor: the TIE ask grows and the fighters’ bids are cut for it (7 against 11 blind)', () => {
    const blind = bout({ toxicityTaper: false });
    expect(fighterBids(blind)).toBe(1_100);
    const benign = bout({ toxicityTaper: true, toxicityTaperFloor: 'none' });
    expect(size(benign, 'TIE', 'ask')).toBeGreaterThan(size(blind, 'TIE', 'ask'));
    expect(fighterBids(benign)).toBe(700);
  });

  it('the lot floor (10 / 17.5 of the taper) gives the room back to the fighters’ bids', () => {
    const lot = bout({ toxicityTaper: true, toxicityTaperFloor: 'lot' });
    expect(fighterBids(lot)).toBe(1_000);
    expect(size(lot, 'TIE', 'ask')).toBe(100);
  });

  it('with a limit of many quotes the floor is small and benign flow keeps (almost) the base size', () => {
    const base = (floor: 'none' | 'lot') =>
      quoteGame({
        now: NOW,
        stopTime: NOW + 3 * HOUR,
        params: QuotingParamsSchema.parse({
          toxicityTaper: true,
          toxicityTaperFloor: floor,
          breakEvenShare: 1,
        }),
        limit: 5_000,
        markets: [
          { ...market('A', 0.5, 2_000), toxicity: { bid: 0, ask: 0 } },
          { ...market('B', 0.5), toxicity: { bid: 0, ask: 0 } },
        ],
      });
    // 10 × (1 − 0.2 × 20/50) = 9.2 → 9 contracts (the blind taper: 6)
    expect(size(base('lot'), 'A', 'bid')).toBe(900);
    expect(size(base('none'), 'A', 'bid')).toBe(1_000);
  });
});
