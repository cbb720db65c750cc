/**
 * The truth of a spread or total strike (issue #17), shared by the exchange's
 * ladders (ladders.ts: what the ruler marks against and settles) and the
 * books' lines (sim/odds/spread-total-lines.ts), so both are views of one law.
 *
 * The final score is drawn from the margin truth at the game's opening winner
 * truth p₀, on the side of the drawn winner (margin > 0 ⇔ home won), the
 * total given the margin. A strike's chance is then linear in the winner
 * truth: P(YES | now) = p·P(YES | home wins) + (1 − p)·P(YES | away wins),
 * a martingale because p is one, and before kick-off as wide as the sport's
 * margin σ. (Drawing the score at the end's winner truth instead, as before,
 * made the settlement law a mixture far wider than the sport's σ — NBA
 * P(margin > 20.5) 0.35 at p = 0.72 against 0.12 — which no book posts and
 * which the theo rightly refuses as contradicting the moneyline.)
 */
import { type IntegerPmf, marginTruth, type SportTruthShape, totalTruth } from './margin-truth.ts';

export type StrikeKind = 'spread' | 'total';

/** P(YES) given each winner. */
export interface StrikeSides {
  ifHome: number;
  ifAway: number;
}

export class StrikeTruth {
  /** The margin law at the opening winner truth (the final score's law before the winner is known). */
  readonly margin: IntegerPmf;
  readonly total: IntegerPmf;
  private readonly homeMass: number;
  private readonly awayMass: number;
  /** Suffix sums of the total's mass over one parity: suffix[q][k] = Σ_{j ≥ k, j ≡ q (mod 2)} mass[j]. */
  private readonly suffix: [Float64Array, Float64Array];
  private readonly cache = new Map<string, StrikeSides>();

  constructor(shape: SportTruthShape, pOpen: number, totalMean: number) {
    this.margin = marginTruth(shape, pOpen);
    this.total = totalTruth(shape, totalMean);
    let home = 0;
    let away = 0;
    this.margin.mass.forEach((w, i) => {
      if (this.margin.lo + i > 0) home += w;
      else if (this.margin.lo + i < 0) away += w;
    });
    this.homeMass = home;
    this.awayMass = away;
    const n = this.total.mass.length;
    const even = new Float64Array(n + 2);
    const odd = new Float64Array(n + 2);
    for (let k = n - 1; k >= 0; k--) {
      even[k] = (even[k + 2] ?? 0) + (k % 2 === 0 ? this.total.mass[k]! : 0);
      odd[k] = (odd[k + 2] ?? 0) + (k % 2 === 1 ? this.total.mass[k]! : 0);
    }
    // Fill the other parity's slot at each k so a lookup at any k sums its parity from k up.
    for (let k = n - 1; k >= 0; k--) {
      if (k % 2 === 0) odd[k] = odd[k + 1] ?? 0;
      else even[k] = even[k + 1] ?? 0;
    }
    this.suffix = [even, odd];
  }

  /** P(YES | each winner) for "home margin > s" (spread) or "total > s" (total). */
  sides(kind: StrikeKind, s: number): StrikeSides {
    const key = `${kind}/${s}`;
    let out = this.cache.get(key);
    if (out) return out;
    let home = 0;
    let away = 0;
    const { lo, mass } = this.margin;
    for (let i = 0; i < mass.length; i++) {
      const w = mass[i]!;
      const k = lo + i;
      if (w === 0 || k === 0) continue;
      const yes = kind === 'spread' ? (k > s ? 1 : 0) : this.totalOver(Math.abs(k), s);
      if (k > 0) home += w * yes;
      else away += w * yes;
    }
    out = {
      ifHome: this.homeMass > 0 ? Math.min(1, home / this.homeMass) : 0,
      ifAway: this.awayMass > 0 ? Math.min(1, away / this.awayMass) : 0,
    };
    this.cache.set(key, out);
    return out;
  }

  /** P(YES) at winner truth pHome. */
  at(kind: StrikeKind, s: number, pHome: number): number {
    const { ifHome, ifAway } = this.sides(kind, s);
    return Math.min(1, Math.max(0, pHome * ifHome + (1 - pHome) * ifAway));
  }

  /** P(total > s | |margin| = a) under the final-score draw: the total truth given total ≥ a, same parity. */
  private totalOver(a: number, s: number): number {
    const n = this.total.mass.length;
    const par = this.suffix[a % 2]!;
    const all = a < n ? par[a]! : 0;
    if (all <= 0) return a > s ? 1 : 0;
    const k = Math.max(a, Math.floor(s) + 1);
    return (k < n ? par[k]! : 0) / all;
  }
}
