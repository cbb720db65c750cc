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
    params: QuotingParamsSchema.parse({ taperAddingSide, breakEvenShare: 1 }),
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
      params: QuotingParamsSchema.parse({ toxicityTaper: true, breakEvenShare: 1 }),
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
