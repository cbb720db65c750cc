/**
 * Competitive quoting: once someone competes on a side, join or improve the
 * best price (of the book WITHOUT our own orders) — but never past the ceiling.
 * A competitor behind our monopsony price changes nothing (we already lead).
 * When the top of book is already past the ceiling we fall back to the safer
 * (further from theo) of the ceiling and the monopsony quote: a bidding war ends
 * at a ceiling.
 *
 * Prices are on the YES scale. For a bid, "safer" = lower and the ceiling is a
 * maximum; for an ask, "safer" = higher and the ceiling is a minimum (floor).
 * Every result is post-only safe: a bid stays strictly below the best ask of
 * others, an ask strictly above their best bid.
 */
import type { Centis, Micros } from '../units.ts';
import { nextTick, prevTick, type TickGrid } from './tick-grid.ts';

export type Side = 'bid' | 'ask';

export interface BookLevel {
  price: Micros;
  size: Centis;
}

export type PriceMode = 'monopsony' | 'competitive' | 'ceiling';

export interface SidePriceInput {
  side: Side;
  grid: TickGrid;
  /** Bid: the highest price we accept. Ask: the lowest. On the grid. */
  ceiling: Micros;
  /** Our monopsony price on the grid, or null if the model gave none. */
  monopsony: Micros | null;
  /** Best level of others on our side (best bid for a bid). */
  bestSame: BookLevel | null;
  /** Best level of others on the opposite side (best ask for a bid). */
  bestOpposite: BookLevel | null;
  /** Have we been outbid / seen a competitor on this side? */
  competition: boolean;
  /** 0 = join the best price, 1 = improve by one tick, ... */
  improveTicks: number;
}

export interface SidePrice {
  price: Micros;
  mode: PriceMode;
}

/** `a` is at least as safe as `b` (at least as far from theo) for this side. */
export function atLeastAsSafe(side: Side, a: Micros, b: Micros): boolean {
  return side === 'bid' ? a <= b : a >= b;
}

function improve(grid: TickGrid, side: Side, price: Micros, ticks: number): Micros | null {
  let p: Micros | null = price;
  for (let i = 0; i < ticks && p !== null; i += 1) p = side === 'bid' ? nextTick(grid, p) : prevTick(grid, p);
  return p;
}

/**
 * The price for one side, or null when there is none: the model gives no price
 * and nobody to compete with, or no post-only-safe tick exists.
 */
export function priceSide(input: SidePriceInput): SidePrice | null {
  const { side, grid, ceiling, monopsony } = input;
  const within = (p: Micros) => atLeastAsSafe(side, p, ceiling);

  // Fallback: the safer of ceiling and monopsony. A model price off the grid
  // (further than the last tick) means the model wants no quote on this side.
  let chosen: SidePrice | null =
    monopsony === null
      ? null
      : within(monopsony)
        ? { price: monopsony, mode: 'monopsony' }
        : { price: ceiling, mode: 'ceiling' };

  if (input.competition && input.bestSame) {
    const improved = improve(grid, side, input.bestSame.price, input.improveTicks);
    const contest =
      improved !== null && within(improved)
        ? improved
        : within(input.bestSame.price)
          ? input.bestSame.price
          : null;
    // Competing only ever makes us MORE aggressive: a competitor resting behind our model
    // price does not drag us back (a backing-off rival would otherwise walk us away from
    // the fills the model prices for; the monopsony price already leads it).
    if (contest !== null && (chosen === null || !atLeastAsSafe(side, contest, chosen.price))) {
      chosen = { price: contest, mode: 'competitive' };
    }
  }
  if (chosen === null) return null;

  // Post-only: never cross (or lock) the others' opposite best.
  if (input.bestOpposite) {
    const limit =
      side === 'bid' ? prevTick(grid, input.bestOpposite.price) : nextTick(grid, input.bestOpposite.price);
    if (limit === null) return null;
    if (!atLeastAsSafe(side, chosen.price, limit)) chosen = { price: limit, mode: chosen.mode };
  }
  return chosen;
}
