/**
 * Inventory skew scaled by evidence of informed flow (pure; issue #14, docs/PRICING.md
 * "Skew from evidence").
 *
 * The reservation skew r = p − qγV prices inventory as risk. Against flow whose fills mark out
 * around zero, holding inventory costs nothing in expectation (the truth is a martingale), so a
 * risk-neutral mark scores the skew as pure cost: it walks the adding side out and sells the
 * reducing side back inside the edge (docs/STRATEGY-RESULTS.md §8, §15: nba-quiet-evening). Against
 * informed flow the inventory is what the takers left us holding before the theo moved, and the skew
 * is what unloads it. So γ carries the same weight as the size taper (toxicity.ts `taperWeight`): the
 * game's worst side's expected adverse markout over the minimum edge, at least the lot floor — and
 * all of it while a news hold stands on the game (a sweep is evidence two minutes before its
 * markouts are).
 */
import { taperWeight } from './toxicity.ts';

export interface SkewEvidence {
  /** Per market: expected adverse markout per contract of a fill on each side (probability). */
  toxicity: readonly ({ bid: number; ask: number } | undefined)[];
  /** A news hold stands on some market of the game. */
  newsHold: boolean;
  /** Adverse markout per contract that carries the whole skew (the minimum edge, probability). */
  fullAt: number;
  /** The least weight (lotTaperFloor with toxicityTaperFloor 'lot', else 0). */
  floor: number;
}

/** Share of γ the game's quotes carry, in [0, 1]. */
export function skewWeight(e: SkewEvidence): number {
  if (e.newsHold) return 1;
  let worst = Number.NEGATIVE_INFINITY;
  for (const t of e.toxicity) {
    if (!t) continue;
    worst = Math.max(worst, t.bid, t.ask);
  }
  return taperWeight(worst, e.fullAt, e.floor);
}

/** γ scaled by the weight (clamped to [0, 1]); γ itself when the weight is not a number. */
export function evidenceGamma(gamma: number, weight: number): number {
  if (!Number.isFinite(weight)) return gamma;
  return gamma * Math.min(1, Math.max(0, weight));
}
