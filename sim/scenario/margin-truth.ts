/**
 * The simulator's hidden truth for a game's final margin (home − away) and
 * total, consistent with the winner truth: P(margin > 0) equals the truth
 * path's home probability at any instant, and the drawn final margin has the
 * sign of the drawn winner.
 *
 * Deliberately NOT the theo's model (shared/pricing/margin-model.ts fits an
 * integer normal): here the margin is a discretised logistic (heavier tails)
 * reweighted by empirical key-number multipliers in football (3, 7, 10, 14,
 * 6, 4, 17 …: scores come in field goals and touchdowns), and the total a
 * discretised logistic about a per-game mean. A strategy that profits in the
 * simulator therefore cannot be profiting from the theo and the truth sharing
 * one assumption.
 */

import { hash32, Rng } from './rng.ts';
import type { Outcome } from './truth.ts';

export interface SportTruthShape {
  /** standard deviation of the margin about its mean (logistic scale = sd·√3/π) */
  marginSd: number;
  totalMean: number;
  totalSd: number;
  /** football: margins pile up on key numbers */
  keyNumbers: boolean;
}

export const SPORT_TRUTH_SHAPES: Readonly<Record<string, SportTruthShape>> = {
  americanfootball_nfl: { marginSd: 13.5, totalMean: 44.5, totalSd: 13.5, keyNumbers: true },
  americanfootball_ncaaf: { marginSd: 16.5, totalMean: 55, totalSd: 16, keyNumbers: true },
  basketball_nba: { marginSd: 12.5, totalMean: 226, totalSd: 19, keyNumbers: false },
  basketball_wnba: { marginSd: 11, totalMean: 162, totalSd: 15, keyNumbers: false },
  basketball_ncaab: { marginSd: 10.5, totalMean: 142, totalSd: 15, keyNumbers: false },
  baseball_mlb: { marginSd: 4.3, totalMean: 8.7, totalSd: 4.4, keyNumbers: false },
  icehockey_nhl: { marginSd: 2.4, totalMean: 6.1, totalSd: 2.3, keyNumbers: false },
};

/**
 * Multipliers on the smooth density at |margin| = k, in the spirit of the NFL's
 * historical margin frequencies (3 about 15 % of games, 7 about 9 %, …).
 */
const FOOTBALL_KEYS: Readonly<Record<number, number>> = {
  1: 0.85,
  2: 0.75,
  3: 2.4,
  4: 1.1,
  5: 0.85,
  6: 1.25,
  7: 1.9,
  8: 0.9,
  9: 0.8,
  10: 1.35,
  11: 0.85,
  12: 0.8,
  13: 1.05,
  14: 1.3,
  15: 0.8,
  16: 0.85,
  17: 1.2,
  18: 0.9,
  19: 0.8,
  20: 1.05,
  21: 1.15,
  24: 1.1,
  28: 1.1,
};

function logisticCdf(x: number, scale: number): number {
  return 1 / (1 + Math.exp(-x / scale));
}

/** A probability mass function on the integers [lo, lo + mass.length). */
export interface IntegerPmf {
  lo: number;
  mass: Float64Array;
}

export function pmfAt(d: IntegerPmf, k: number): number {
  const i = k - d.lo;
  return i >= 0 && i < d.mass.length ? d.mass[i]! : 0;
}

/** P(X > s) for any real s. */
export function pmfOver(d: IntegerPmf, s: number): number {
  let p = 0;
  for (let i = d.mass.length - 1; i >= 0 && d.lo + i > s; i--) p += d.mass[i]!;
  return Math.min(1, p);
}

function shapedMargin(shape: SportTruthShape, mean: number): IntegerPmf {
  const scale = (shape.marginSd * Math.sqrt(3)) / Math.PI;
  const span = Math.ceil(8 * shape.marginSd) + Math.ceil(Math.abs(mean));
  const lo = -span;
  const mass = new Float64Array(2 * span + 1);
  let sum = 0;
  for (let i = 0; i < mass.length; i++) {
    const k = lo + i;
    if (k === 0) continue; // overtime decides: no tie
    const smooth = logisticCdf(k + 0.5 - mean, scale) - logisticCdf(k - 0.5 - mean, scale);
    const key = shape.keyNumbers ? (FOOTBALL_KEYS[Math.abs(k)] ?? 1) : 1;
    mass[i] = smooth * key;
    sum += mass[i]!;
  }
  for (let i = 0; i < mass.length; i++) mass[i]! /= sum;
  return { lo, mass };
}

/** The margin distribution with P(margin > 0) = pHome (location by bisection). */
export function marginTruth(shape: SportTruthShape, pHome: number): IntegerPmf {
  const p = Math.min(0.995, Math.max(0.005, pHome));
  let lo = -6 * shape.marginSd;
  let hi = 6 * shape.marginSd;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (pmfOver(shapedMargin(shape, mid), 0) < p) lo = mid;
    else hi = mid;
  }
  return shapedMargin(shape, (lo + hi) / 2);
}

/** The game's expected total: the sport's mean moved by a per-game offset (±15 % of σ·3). */
export function gameTotalMean(shape: SportTruthShape, seed: number, gameId: string): number {
  const u = Rng.derive(seed, `total/${gameId}`).next();
  return shape.totalMean + (u - 0.5) * 0.9 * shape.totalSd;
}

export function totalTruth(shape: SportTruthShape, mean: number): IntegerPmf {
  const scale = (shape.totalSd * Math.sqrt(3)) / Math.PI;
  const hiK = Math.ceil(mean + 10 * shape.totalSd);
  const mass = new Float64Array(hiK + 1);
  let sum = 0;
  for (let k = 0; k <= hiK; k++) {
    mass[k] = logisticCdf(k + 0.5 - mean, scale) - logisticCdf(k - 0.5 - mean, scale);
    sum += mass[k]!;
  }
  for (let k = 0; k <= hiK; k++) mass[k]! /= sum;
  return { lo: 0, mass };
}

function sample(d: IntegerPmf, u: number, accept: (k: number) => boolean): number | null {
  let total = 0;
  for (let i = 0; i < d.mass.length; i++) if (accept(d.lo + i)) total += d.mass[i]!;
  if (total <= 0) return null;
  let acc = 0;
  for (let i = 0; i < d.mass.length; i++) {
    const k = d.lo + i;
    if (!accept(k)) continue;
    acc += d.mass[i]!;
    if (u * total <= acc) return k;
  }
  return null;
}

export interface FinalScore {
  margin: number;
  total: number;
  home: number;
  away: number;
}

/**
 * The final score of a two-way game whose winner was drawn as `outcome` from
 * the final truth `pHome`: the margin from the margin truth on the winner's
 * side, the total from the total truth given it (total ≥ |margin|, same parity).
 */
export function drawFinalScore(
  shape: SportTruthShape,
  pHome: number,
  outcome: Exclude<Outcome, 'draw'>,
  totalMean: number,
  seed: number,
  gameId: string,
): FinalScore {
  const rng = Rng.derive(seed, `final-score/${gameId}/${hash32(outcome)}`);
  const margin =
    sample(marginTruth(shape, pHome), rng.next(), (k) => (outcome === 'home' ? k > 0 : k < 0)) ??
    (outcome === 'home' ? 1 : -1);
  const m = Math.abs(margin);
  const total = sample(totalTruth(shape, totalMean), rng.next(), (k) => k >= m && (k - m) % 2 === 0) ?? m;
  return { margin, total, home: (total + margin) / 2, away: (total - margin) / 2 };
}
