/**
 * Inventory skew on a game's payoff vector (issue #17): with strike markets a
 * game's inventory is not one signed number but a PnL per (margin, total)
 * outcome. A side of a market "reduces" the game's risk when a fill on it
 * (one lot at theo) lowers the worst-case loss, and "adds" when it raises it.
 * The reducing side gets the better price and the adding side the worse one,
 * by `skewAtLimit` × the share of the limit the worst case already uses:
 *
 *   u = min(1, worstCaseLoss / limit),   s = skewAtLimit · u
 *   required edge of a side += s (adds), −= s (reduces), unchanged (neither)
 *
 * A flat book has no skew (u = 0); at the limit the reducing side gives up
 * `skewAtLimit` of its edge and the adding side asks that much more. The
 * payoff vector is evaluated once on the grid of every contract the game
 * lists (payoff.ts `outcomeGrid`), then each side is one pass over it.
 *
 * Pure; positions Centis, prices Micros, losses Micros.
 */
import type { Side } from '../pricing/competitive.ts';
import { MICROS_PER_DOLLAR, type Micros } from '../units.ts';
import {
  type Contract,
  type Holding,
  type Outcome,
  outcomeGrid,
  type PayoffOptions,
  paysYes,
  worstPnlAt,
} from './payoff.ts';

export interface PayoffVector {
  outcomes: Outcome[];
  /** PnL per outcome, Micro-Centis (payoff.ts `worstPnlAt` of the holdings) */
  pnl: number[];
  /** the worst-case loss, Micros (≥ 0, rounded up) */
  worstCaseLoss: Micros;
}

/** Loss in Micros from a PnL in Micro-Centis (rounded up, never negative), as payoff.ts rounds it. */
const lossOf = (minPnl: number): Micros => Math.max(0, Math.ceil(-minPnl / 100));

/** The holdings' PnL on the grid of every listed contract (so any of them can be added without a new cell). */
export function payoffVector(
  holdings: readonly Holding[],
  listed: readonly Contract[],
  options: PayoffOptions,
): PayoffVector {
  const book = {
    holdings,
    pending: listed.map((contract) => ({ ticker: '', contract, side: 'bid' as const, count: 0, price: 0 })),
  };
  const outcomes = outcomeGrid(book, options);
  const pnl = outcomes.map((o) => worstPnlAt({ holdings, pending: [] }, o));
  return { outcomes, pnl, worstCaseLoss: lossOf(Math.min(...pnl)) };
}

/** The worst-case loss (Micros) if `lot` of `contract` is bought (bid) or sold (ask) at `price`. */
export function worstLossAfter(
  v: PayoffVector,
  contract: Contract,
  side: Side,
  lot: number,
  price: Micros,
): Micros {
  const q = side === 'bid' ? lot : -lot;
  let worst = Number.POSITIVE_INFINITY;
  v.outcomes.forEach((o, i) => {
    const pnl = v.pnl[i]! + q * ((paysYes(contract, o) ? MICROS_PER_DOLLAR : 0) - price);
    if (pnl < worst) worst = pnl;
  });
  return lossOf(worst);
}

export type SideEffect = 'reduces' | 'adds' | 'neither';

export interface SideSkew {
  /** what a fill on the side does to the game's worst case */
  effect: SideEffect;
  /** added to the side's required edge, Micros: + worse price, − better */
  edge: Micros;
}

export interface SkewParams {
  /** the edge moved at a worst case at the limit, Micros */
  skewAtLimit: Micros;
  /** the game's worst-case loss limit, Micros */
  limit: Micros;
  /** the lot judged, Centis */
  lot: number;
}

/** Share of the limit the worst case uses, in [0, 1] (1 with no limit to use). */
export function limitUse(v: PayoffVector, limit: Micros): number {
  if (limit <= 0) return 1;
  return Math.min(1, v.worstCaseLoss / limit);
}

/** Outcomes within 2 lots of dollars of the worst: only they can be the worst after one lot (|Δ| ≤ lot × $1). */
const nearWorst = new WeakMap<PayoffVector, Map<number, number[]>>();
function candidates(v: PayoffVector, lot: number): number[] {
  let byLot = nearWorst.get(v);
  if (!byLot) {
    byLot = new Map();
    nearWorst.set(v, byLot);
  }
  let out = byLot.get(lot);
  if (!out) {
    let min = Number.POSITIVE_INFINITY;
    for (const x of v.pnl) if (x < min) min = x;
    const window = 2 * Math.abs(lot) * MICROS_PER_DOLLAR;
    out = [];
    for (let i = 0; i < v.pnl.length; i++) if (v.pnl[i]! <= min + window) out.push(i);
    byLot.set(lot, out);
  }
  return out;
}

/** Each side's effect on the game's worst case and its edge adjustment, for one market at its theo. */
export function sideSkews(
  v: PayoffVector,
  contract: Contract,
  theo: Micros,
  params: SkewParams,
): Record<Side, SideSkew> {
  const s = Math.round(params.skewAtLimit * limitUse(v, params.limit));
  const price = Math.round(theo);
  // One pass for both sides over the outcomes that can still be the worst (exact: see `candidates`).
  let bidWorst = Number.POSITIVE_INFINITY;
  let askWorst = Number.POSITIVE_INFINITY;
  for (const i of candidates(v, params.lot)) {
    const d = params.lot * ((paysYes(contract, v.outcomes[i]!) ? MICROS_PER_DOLLAR : 0) - price);
    const pnl = v.pnl[i]!;
    if (pnl + d < bidWorst) bidWorst = pnl + d;
    if (pnl - d < askWorst) askWorst = pnl - d;
  }
  const one = (after: Micros): SideSkew => {
    const effect: SideEffect =
      after < v.worstCaseLoss ? 'reduces' : after > v.worstCaseLoss ? 'adds' : 'neither';
    return { effect, edge: effect === 'reduces' ? -s : effect === 'adds' ? s : 0 };
  };
  return { bid: one(lossOf(bidWorst)), ask: one(lossOf(askWorst)) };
}
