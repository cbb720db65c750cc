/**
 * The truth of a ladder strike as a martingale: V(t, h) = E[f(σ(h_end)) | h_t = h],
 * f(p) the strike's probability under the margin truth at final winner truth p
 * (the final score is drawn there). Solved once per game by backward induction
 * on a grid of the home log-odds h, under the very dynamics of the truth path
 * (truth.ts): the diffusion with its Itô drift (p − ½)·v², the pre-game and
 * in-game volatilities, and each scheduled news jump as the martingale coin of
 * martingale.ts (labelled way with probability π, else reversed).
 *
 * Reading f at today's p instead is biased: over 400 seeds the pre-game truth of
 * NFL strikes sat 5–18¢ off their settlement frequency (a wide end law of p
 * widens the margin's mixture).
 */
import { itoDrift2, logit, newsJump, sigmoid } from './martingale.ts';
import type { TruthPath } from './truth.ts';

const H_MIN = -12;
const H_MAX = 12;
const H_POINTS = 161;
const DH = (H_MAX - H_MIN) / (H_POINTS - 1);
/** At most this many backward steps per game (a step is at least five minutes). */
const MAX_STEPS = 200;
const MIN_STEP_MS = 300_000;
/** Nodes of the one-step shock (±3σ, weights ∝ density). */
const Z = Float64Array.from({ length: 13 }, (_, i) => -3 + i * 0.5);
const ZW = (() => {
  const w = Z.map((z) => Math.exp(-0.5 * z * z));
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
})();

function interp(row: Float64Array, h: number, markets: number, m: number): number {
  const x = (Math.min(H_MAX, Math.max(H_MIN, h)) - H_MIN) / DH;
  const i = Math.min(H_POINTS - 2, Math.floor(x));
  const w = x - i;
  return row[i * markets + m]! * (1 - w) + row[(i + 1) * markets + m]! * w;
}

export class StrikeMartingale {
  /** values[k][i·markets + m]: V at knot k, grid point i, market m */
  private readonly values: Float64Array[];
  private readonly knots: number[];

  /**
   * @param terminal f per market at a winner truth p, all markets at once.
   */
  constructor(
    private readonly path: TruthPath,
    private readonly markets: number,
    terminal: (p: number) => Float64Array,
  ) {
    const { openMs, startMs, endMs } = path.times;
    const span = Math.max(1, endMs - openMs);
    const stepMs = Math.max(MIN_STEP_MS, Math.ceil(span / MAX_STEPS));
    const knots: number[] = [];
    for (let t = endMs; t > openMs; t -= stepMs) knots.push(t);
    knots.push(openMs);
    knots.reverse();
    this.knots = knots;
    const t = path.game.truth;
    // Scheduled jumps in their labelled direction (the path records which way each went).
    const jumps = path.jumps.map((j) => ({ atMs: j.atMs, delta: j.labelled ? j.deltaLogit : -j.deltaLogit }));
    const values: Float64Array[] = new Array(knots.length);
    let next: Float64Array = new Float64Array(H_POINTS * markets);
    for (let i = 0; i < H_POINTS; i++) next.set(terminal(sigmoid(H_MIN + i * DH)), i * markets);
    values[knots.length - 1] = next;
    for (let k = knots.length - 2; k >= 0; k--) {
      const from = knots[k]!;
      const to = knots[k + 1]!;
      // News inside (from, to] happens at the end of the step: V(to−) from V(to).
      for (const j of jumps) if (j.atMs > from && j.atMs <= to) next = this.jump(next, j.delta);
      const mid = (from + to) / 2;
      const vol = mid > startMs ? t.inGameVolatility : t.volatility;
      const dtH = (to - from) / 3_600_000;
      const sd = vol * Math.sqrt(dtH);
      const cur = new Float64Array(H_POINTS * markets);
      for (let i = 0; i < H_POINTS; i++) {
        const h = H_MIN + i * DH;
        const drift = itoDrift2(h, vol) * dtH;
        for (let m = 0; m < markets; m++) {
          let v = 0;
          for (let z = 0; z < Z.length; z++) v += ZW[z]! * interp(next, h + drift + sd * Z[z]!, markets, m);
          cur[i * markets + m] = v;
        }
      }
      values[k] = cur;
      next = cur;
    }
    this.values = values;
  }

  /** V before a jump of `delta` (labelled way with the martingale chance, else reversed). */
  private jump(after: Float64Array, delta: number): Float64Array {
    const out = new Float64Array(after.length);
    for (let i = 0; i < H_POINTS; i++) {
      const p = sigmoid(H_MIN + i * DH);
      const j = newsJump(p, delta);
      const up = logit(j.labelled);
      const down = logit(j.reversed);
      for (let m = 0; m < this.markets; m++)
        out[i * this.markets + m] =
          j.labelledChance * interp(after, up, this.markets, m) +
          (1 - j.labelledChance) * interp(after, down, this.markets, m);
    }
    return out;
  }

  /** V(ms, h of the truth at ms) for market `m`, linear in time between knots. */
  value(m: number, ms: number): number {
    const p = this.path.at(ms).home;
    const h = logit(Math.min(1 - 1e-12, Math.max(1e-12, p)));
    const knots = this.knots;
    if (ms <= knots[0]!) return interp(this.values[0]!, h, this.markets, m);
    if (ms >= knots[knots.length - 1]!) return interp(this.values[knots.length - 1]!, h, this.markets, m);
    let lo = 0;
    let hi = knots.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (knots[mid]! <= ms) lo = mid;
      else hi = mid;
    }
    const w = (ms - knots[lo]!) / (knots[hi]! - knots[lo]!);
    return (
      interp(this.values[lo]!, h, this.markets, m) * (1 - w) +
      interp(this.values[hi]!, h, this.markets, m) * w
    );
  }
}
