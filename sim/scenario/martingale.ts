/**
 * The maths that keeps a game's truth a probability: a martingale in
 * probability, so that P(home wins | truth p at any time) = p.
 *
 * A driftless walk in log-odds is NOT one: the logistic function is concave
 * above ½, so a favourite's expected future probability sinks toward ½ (over
 * 1,000 seeds a 0.72 favourite won 63.8 %). Two corrections make it one:
 *
 * - Diffusion: the log-odds carry the Itô drift that cancels the logistic
 *   curvature (2-way: μ = (p − ½)·v²; 3-way: the 2×2 solve below), so the
 *   scenario's volatility keeps its meaning (log-odds per √hour).
 * - News: a scheduled jump cannot go one way for sure (everyone would price it
 *   in). It moves the home log-odds against the field by ±|Δ|, the labelled way
 *   with probability π = (p − p₋)/(p₊ − p₋), which keeps E[p after] = p before;
 *   the other outcomes keep their ratio, so every outcome's probability stays a
 *   martingale.
 */

/** Logistic function. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function logit(p: number): number {
  return Math.log(p / (1 - p));
}

/**
 * Drift per hour of the home log-odds against away, 2-way, that makes
 * p = σ(h) driftless under a log-odds diffusion of `vol` per √hour.
 */
export function itoDrift2(h: number, vol: number): number {
  return (sigmoid(h) - 0.5) * vol * vol;
}

/**
 * Drifts per hour of the home and draw log-odds (both against away), 3-way,
 * under independent diffusions `volHome` and `volDraw` per √hour, that make the
 * three softmax probabilities driftless.
 */
export function itoDrift3(h: number, d: number, volHome: number, volDraw: number): [number, number] {
  const eh = Math.exp(h);
  const ed = Math.exp(d);
  const z = 1 + eh + ed;
  const ph = eh / z;
  const pd = ed / z;
  const pa = 1 / z;
  const v2 = [volHome * volHome, volDraw * volDraw];
  const p = [ph, pd];
  // Half the curvature term of outcome i: ½ Σ_j v_j² p_i ((δ_ij − p_j)² − p_j(1 − p_j)).
  const curvature = (i: number) =>
    0.5 *
    p[i]! *
    [0, 1].reduce((s, j) => {
      const dij = i === j ? 1 : 0;
      return s + v2[j]! * ((dij - p[j]!) ** 2 - p[j]! * (1 - p[j]!));
    }, 0);
  const bh = curvature(0);
  const bd = curvature(1);
  // Jacobian of (p_h, p_d) in (h, d): [[a, c], [c, e]], determinant p_h p_d p_a.
  const a = ph * (1 - ph);
  const c = -ph * pd;
  const e = pd * (1 - pd);
  const det = ph * pd * pa;
  if (!(det > 0)) return [0, 0];
  return [(-bh * e + bd * c) / det, (-bd * a + bh * c) / det];
}

/**
 * A news jump on the home probability `pHome` of size `deltaLogit` in the
 * home-vs-field log-odds: the probability it goes the labelled way, and the
 * home probability after each way.
 */
export function newsJump(
  pHome: number,
  deltaLogit: number,
): { labelledChance: number; labelled: number; reversed: number } {
  const l = logit(pHome);
  const labelled = sigmoid(l + deltaLogit);
  const reversed = sigmoid(l - deltaLogit);
  if (labelled === reversed) return { labelledChance: 1, labelled, reversed };
  const chance = (pHome - reversed) / (labelled - reversed);
  return { labelledChance: Math.min(1, Math.max(0, chance)), labelled, reversed };
}

/**
 * Log-odds (home, draw, both against away) after the home probability moves
 * to `newHome`, the draw and away keeping their ratio.
 */
export function moveHome(h: number, d: number, newHome: number): [number, number] {
  const eh = Math.exp(h);
  const ed = Math.exp(d);
  const z = 1 + eh + ed;
  const pa = 1 / z;
  const ph = eh / z;
  const paAfter = (pa * (1 - newHome)) / (1 - ph);
  return [Math.log(newHome / paAfter), d];
}
