import { describe, expect, it } from 'vitest';
import { QUADRATIC_FEES } from '../../../shared/pricing/fees.ts';
import { QuotingParamsSchema } from '../../../shared/pricing/params.ts';
import { type MarketQuoteInput, quoteGame } from '../../../shared/pricing/quote-game.ts';
import { LINEAR_CENT_GRID } from '../../../shared/pricing/tick-grid.ts';

// toxicityEdge: a side's expected adverse markout is a cost per contract, like the maker fee — the
// monopsony price moves out by it and the ceiling demands the minimum edge on top of it.
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 25, 0, 0, 0);
const c = (cents: number) => cents * 10_000;

function market(ticker: string, theo: number, toxicity?: { bid: number; ask: number }): MarketQuoteInput {
  return {
    ticker,
    outcome: ticker,
    grid: LINEAR_CENT_GRID,
    theo,
    fees: QUADRATIC_FEES,
    book: { bestBid: { price: c(40), size: 1_000 }, bestAsk: { price: c(60), size: 1_000 } },
    competition: { bid: false, ask: false },
    position: 0,
    avgEntry: null,
    pending: { bid: 0, ask: 0 },
    ...(toxicity ? { toxicity } : {}),
  };
}

const decide = (toxicityEdge: boolean, tox?: { bid: number; ask: number }, competition = false) =>
  quoteGame({
    now: NOW,
    stopTime: NOW + 3 * HOUR,
    params: QuotingParamsSchema.parse({ toxicityEdge, gamma: 0 }),
    limit: 5_000,
    markets: [{ ...market('A', 0.5, tox), competition: { bid: competition, ask: competition } }],
    exhaustive: false,
  });

const price = (d: ReturnType<typeof quoteGame>, side: 'bid' | 'ask') =>
  d.quotes.find((q) => q.side === side)?.price;

describe('toxicityEdge', () => {
  it('alone in the book: the toxic side quotes its adverse markout further out, the other side does not move', () => {
    const plain = decide(true);
    const toxic = decide(true, { bid: 0.02, ask: -0.01 });
    expect(price(toxic, 'bid')).toBe((price(plain, 'bid') as number) - c(2));
    expect(price(toxic, 'ask')).toBe(price(plain, 'ask'));
  });

  it('competing with rivals at 47/53: the ceiling keeps the minimum edge after the adverse markout', () => {
    const rivals = (d: MarketQuoteInput): MarketQuoteInput => ({
      ...d,
      book: { bestBid: { price: c(47), size: 1_000 }, bestAsk: { price: c(53), size: 1_000 } },
      competition: { bid: true, ask: true },
    });
    const at = (tox?: { bid: number; ask: number }) =>
      quoteGame({
        now: NOW,
        stopTime: NOW + 3 * HOUR,
        params: QuotingParamsSchema.parse({ toxicityEdge: true, gamma: 0 }),
        limit: 5_000,
        markets: [rivals(market('A', 0.5, tox))],
        exhaustive: false,
      });
    // benign: improve both rivals to the 2¢ ceilings, 48/52
    expect([price(at(), 'bid'), price(at(), 'ask')]).toEqual([c(48), c(52)]);
    // buying marks out 1¢ adverse: the bid ceiling is theo − 2¢ − 1¢ = 47, so it joins the rival
    const d = at({ bid: 0.01, ask: 0 });
    expect([price(d, 'bid'), price(d, 'ask')]).toEqual([c(47), c(52)]);
  });

  it('off: the markouts move no price', () => {
    expect(decide(false, { bid: 0.02, ask: 0.02 }).quotes).toEqual(decide(false).quotes);
  });
});
