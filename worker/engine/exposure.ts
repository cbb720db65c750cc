/**
 * Game exposure: one signed number per outcome, from per-market YES positions.
 *
 * Holding YES of market m pays if outcome m happens and is, relative to every
 * other outcome, a bet on m; so the exposure to outcome i is
 *   e_i = pos_i − Σ_{j≠i} pos_j.
 * For a two-way game e_A = −e_B: the one signed inventory of the design
 * ("long YES on A, long NO on B: both are long A"). For a three-way game the
 * vector is checked outcome by outcome.
 *
 * Worst case: every order that could move e_i up is assumed filled in full,
 * and separately every order that could move it down. Pending orders count as
 * if resting. Pure functions, integer Centis.
 */
import type { Centis, Micros } from '../../shared/units.ts';
import type { BookSide } from './ports.ts';

export interface ExposureOrder {
  ticker: string;
  side: BookSide;
  remaining: Centis;
  /** YES price (Micros) when known: a game with strike markets is limited by its payoff (ladder-risk.ts) */
  price?: Micros;
}

/** Signed YES position change of one market if `count` of an order on `side` fills. */
export const positionDelta = (side: BookSide, count: Centis): Centis => (side === 'bid' ? count : -count);

/** Change of exposure to outcome `outcomeTicker` when market `ticker` moves by `delta`. */
export const exposureDelta = (outcomeTicker: string, ticker: string, delta: Centis): Centis =>
  outcomeTicker === ticker ? delta : -delta;

/** e_i per outcome (keyed by the outcome's market ticker). */
export function exposures(
  tickers: readonly string[],
  positions: ReadonlyMap<string, Centis>,
): Map<string, Centis> {
  const total = tickers.reduce((s, t) => s + (positions.get(t) ?? 0), 0);
  const out = new Map<string, Centis>();
  for (const t of tickers) {
    const own = positions.get(t) ?? 0;
    out.set(t, own - (total - own));
  }
  return out;
}

/** The game's signed inventory: exposure to its first outcome (two-way), or the largest |e_i| with sign. */
export function signedInventory(tickers: readonly string[], positions: ReadonlyMap<string, Centis>): Centis {
  const e = exposures(tickers, positions);
  if (tickers.length === 2) return e.get(tickers[0]!) ?? 0;
  let worst = 0;
  for (const v of e.values()) if (Math.abs(v) > Math.abs(worst)) worst = v;
  return worst;
}

export interface ExposureBounds {
  /** Highest e_i reachable if every order pushing it up fills. */
  upper: Centis;
  /** Lowest e_i reachable if every order pushing it down fills. */
  lower: Centis;
}

/** Worst-case bounds per outcome given positions and all live/pending orders of the game. */
export function worstCase(
  tickers: readonly string[],
  positions: ReadonlyMap<string, Centis>,
  orders: readonly ExposureOrder[],
): Map<string, ExposureBounds> {
  const base = exposures(tickers, positions);
  const out = new Map<string, ExposureBounds>();
  for (const i of tickers) {
    let upper = base.get(i) ?? 0;
    let lower = upper;
    for (const o of orders) {
      if (!tickers.includes(o.ticker)) continue;
      const d = exposureDelta(i, o.ticker, positionDelta(o.side, o.remaining));
      if (d > 0) upper += d;
      else lower += d;
    }
    out.set(i, { upper, lower });
  }
  return out;
}

/**
 * Largest size of a new order on (ticker, side) that keeps every outcome's
 * worst case within ±limit, ignoring outcomes the order moves toward zero.
 * Already-breached directions the order does not push further are not its problem.
 */
export function maxAdditionalSize(
  tickers: readonly string[],
  positions: ReadonlyMap<string, Centis>,
  orders: readonly ExposureOrder[],
  ticker: string,
  side: BookSide,
  limit: Centis,
): Centis {
  const bounds = worstCase(tickers, positions, orders);
  let slack = Number.POSITIVE_INFINITY;
  for (const i of tickers) {
    const b = bounds.get(i)!;
    const unit = exposureDelta(i, ticker, positionDelta(side, 1));
    if (unit > 0) slack = Math.min(slack, limit - b.upper);
    else if (unit < 0) slack = Math.min(slack, b.lower + limit);
  }
  return Math.max(0, slack === Number.POSITIVE_INFINITY ? 0 : slack);
}
