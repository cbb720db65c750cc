/**
 * The strategies ours is scored against in `npm run simulate`, as engine
 * Quoters so they run through the very same session, order manager and risk
 * gate (limits, stop time, kill) and differ only in where they price:
 *
 * - `fixed-spread`: symmetric quotes a fixed distance around theo, no
 *   inventory skew, no reaction to the book.
 * - `top-of-book`: joins the best bid and best ask of everyone else, no
 *   ceilings (it will sit at a price with negative edge against theo).
 */
import { ceilToGrid, floorToGrid, LINEAR_CENT_GRID, type TickGrid } from '../../shared/pricing/tick-grid.ts';
import type { Centis, Micros } from '../../shared/units.ts';
import type {
  BookLevel,
  DesiredQuote,
  GameQuotes,
  LiveOrder,
  QuoteContext,
  Quoter,
  SlotId,
} from '../../worker/engine/ports.ts';

export const FIXED_HALF_SPREAD: Micros = 30_000; // 3¢
/** Quote size per side when none is given: the engine's default (10 contracts). */
export const BASELINE_SIZE: Centis = 1_000;

export function fixedSpreadQuoter(
  size: Centis = BASELINE_SIZE,
  halfSpread: Micros = FIXED_HALF_SPREAD,
  grid: TickGrid = LINEAR_CENT_GRID,
): Quoter {
  return (ctx: QuoteContext): GameQuotes => {
    const quotes: DesiredQuote[] = [];
    const modes: Partial<Record<SlotId, string>> = {};
    for (const m of ctx.game.markets) {
      const p = ctx.theo.probabilities[m.outcome];
      if (p === undefined || !(p > 0 && p < 1)) continue;
      const theo = p * 1_000_000;
      const bid = floorToGrid(grid, theo - halfSpread);
      const ask = ceilToGrid(grid, theo + halfSpread);
      if (bid !== null) {
        quotes.push({ ticker: m.ticker, side: 'bid', price: bid, size });
        modes[`${m.ticker}|bid`] = 'fixed-spread';
      }
      if (ask !== null) {
        quotes.push({ ticker: m.ticker, side: 'ask', price: ask, size });
        modes[`${m.ticker}|ask`] = 'fixed-spread';
      }
    }
    return { quotes, modes, reasons: [] };
  };
}

/** The book without our own resting size: who else is there. */
export function othersLevels(levels: readonly BookLevel[], own: readonly LiveOrder[]): BookLevel[] {
  return levels
    .map((l) => ({
      price: l.price,
      size: l.size - own.filter((o) => o.price === l.price).reduce((n, o) => n + o.remaining, 0),
    }))
    .filter((l) => l.size > 0);
}

export function topOfBookQuoter(size: Centis = BASELINE_SIZE): Quoter {
  return (ctx: QuoteContext): GameQuotes => {
    const quotes: DesiredQuote[] = [];
    const modes: Partial<Record<SlotId, string>> = {};
    for (const m of ctx.game.markets) {
      const book = ctx.books.get(m.ticker);
      if (!book?.valid) continue;
      const own = ctx.ownOrders.filter((o) => o.ticker === m.ticker && o.state !== 'uncertain');
      const bestBid = othersLevels(
        book.bids,
        own.filter((o) => o.side === 'bid'),
      )[0];
      const bestAsk = othersLevels(
        book.asks,
        own.filter((o) => o.side === 'ask'),
      )[0];
      if (bestBid && (!bestAsk || bestBid.price < bestAsk.price)) {
        quotes.push({ ticker: m.ticker, side: 'bid', price: bestBid.price, size });
        modes[`${m.ticker}|bid`] = 'join';
      }
      if (bestAsk && (!bestBid || bestAsk.price > bestBid.price)) {
        quotes.push({ ticker: m.ticker, side: 'ask', price: bestAsk.price, size });
        modes[`${m.ticker}|ask`] = 'join';
      }
    }
    return { quotes, modes, reasons: [] };
  };
}

export const BASELINES: Readonly<Record<string, (size: Centis) => Quoter>> = {
  'fixed-spread': (size) => fixedSpreadQuoter(size),
  'top-of-book': (size) => topOfBookQuoter(size),
};
