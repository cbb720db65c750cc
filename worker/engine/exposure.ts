/**
 * Game exposure: the spread of the game's payoff over its outcomes, the one
 * measure of the quoter (shared/risk/inventory.ts `exposureVector`), this
 * gate and the run recorder (scripts/paper/safety.ts).
 *
 * Exactly one outcome pays, so YES of market i pays $1 per contract in
 * outcome i alone: the book pays p_i (its YES position) in outcome i, and the
 * worst-case loss in contracts is the spread max_i p_i − min_k p_k (prices
 * summing to about $1 bound the dollar loss by it). A YES on every outcome
 * is flat; a YES on two of three risks one contract, not two. A single market
 * has an implicit second outcome "not this one" that pays 0.
 *
 * The signed exposure to outcome i is its payoff above the worst other one,
 *   e_i = p_i − min_{k≠i} p_k,
 * so max_i |e_i| is the spread. Two-way game: e_A = pos_A − pos_B = −e_B, the
 * one signed inventory of the design ("long YES on A, long NO on B: both are
 * long A"), exactly as before. (The former e_i = pos_i − Σ_{j≠i} pos_j agreed
 * on two-way games but was not a payoff on three-way ones: it counted a YES
 * on both teams as two contracts of exposure to the draw.)
 *
 * Worst case: every order that could widen a pair (i, k) is assumed filled in
 * full — bids on i, asks on k. Pending orders count as if resting. Pure
 * functions, integer Centis.
 */
import { exposureVector } from '../../shared/risk/inventory.ts';
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

/**
 * Payoff per outcome (Centis, up to a constant), the quoter's vector. A single market, or markets that
 * are not exhaustive (a 3-way game listed without its TIE market), get one more outcome, "none of
 * these", which pays 0: a YES on both teams loses on a draw.
 */
function payoffs(
  tickers: readonly string[],
  positions: ReadonlyMap<string, Centis>,
  exhaustive = tickers.length >= 2,
): Centis[] {
  return exposureVector(
    tickers.map((t) => positions.get(t) ?? 0),
    exhaustive && tickers.length >= 2,
  );
}

/** e_i per outcome (keyed by the outcome's market ticker): its payoff above the worst other outcome. */
export function exposures(
  tickers: readonly string[],
  positions: ReadonlyMap<string, Centis>,
  exhaustive?: boolean,
): Map<string, Centis> {
  const p = payoffs(tickers, positions, exhaustive);
  const out = new Map<string, Centis>();
  tickers.forEach((t, i) => {
    let worstOther = Number.POSITIVE_INFINITY;
    p.forEach((v, k) => {
      if (k !== i) worstOther = Math.min(worstOther, v);
    });
    out.set(t, (p[i] as number) - worstOther);
  });
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

/** Per outcome: its payoff if every bid on it fills (`high`) and if every ask on it fills (`low`). */
function payoffRange(
  tickers: readonly string[],
  positions: ReadonlyMap<string, Centis>,
  orders: readonly ExposureOrder[],
  exhaustive?: boolean,
): { high: Centis[]; low: Centis[] } {
  const high = payoffs(tickers, positions, exhaustive);
  const low = [...high];
  for (const o of orders) {
    const i = tickers.indexOf(o.ticker);
    if (i < 0) continue;
    if (o.side === 'bid') high[i]! += o.remaining;
    else low[i]! -= o.remaining;
  }
  return { high, low };
}

/** Worst payoff spread over every fill path: max over outcomes i ≠ k of high_i − low_k. */
export function worstSpread(
  tickers: readonly string[],
  positions: ReadonlyMap<string, Centis>,
  orders: readonly ExposureOrder[],
  exhaustive?: boolean,
): Centis {
  const { high, low } = payoffRange(tickers, positions, orders, exhaustive);
  let worst = 0;
  high.forEach((h, i) => {
    low.forEach((l, k) => {
      if (i !== k) worst = Math.max(worst, h - l);
    });
  });
  return worst;
}

/**
 * Largest size of a new order on (ticker, side) that keeps every pair of
 * outcomes it widens within the limit over every fill path: a bid on i widens
 * (i, k) for every k ≠ i, an ask on k widens (i, k) for every i ≠ k. Pairs it
 * does not widen are not its problem, even when already past the limit (the
 * reducing side always quotes).
 */
export function maxAdditionalSize(
  tickers: readonly string[],
  positions: ReadonlyMap<string, Centis>,
  orders: readonly ExposureOrder[],
  ticker: string,
  side: BookSide,
  limit: Centis,
  exhaustive?: boolean,
): Centis {
  const j = tickers.indexOf(ticker);
  if (j < 0) return 0;
  const { high, low } = payoffRange(tickers, positions, orders, exhaustive);
  let widest = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < high.length; k++) {
    if (k === j) continue;
    widest = Math.max(widest, side === 'bid' ? high[j]! - low[k]! : high[k]! - low[j]!);
  }
  return widest === Number.NEGATIVE_INFINITY ? 0 : Math.max(0, limit - widest);
}
