/**
 * A football margin with key numbers (issue #17): the integer normal of
 * margin-model.ts with extra mass at |margin| = 3, 7, 10, 6, 4, 14 — field
 * goals and touchdowns make those margins far more common than a smooth curve
 * says, so a strike across one of them cannot be read off a normal.
 *
 * The key weights' prior comes from public historical NFL margin frequencies
 * (NFL_MARGIN_FREQUENCIES, sources in docs/PRICING.md), turned into weights on
 * the normal (keyWeightsFromFrequencies); one strength κ scales them all
 * (w^κ: 0 is the plain normal, 1 the historical piles). Per game, μ is solved
 * so P(margin > 0) is the winner theo exactly; σ and, where the books quote
 * two or more spread strikes, κ are fitted to the lines by weighted least
 * squares with weak pulls to their priors; a fit that misses the lines is
 * refused as for the normal (margin-model.ts `judge`).
 *
 * Deliberately not the simulator's truth (sim/scenario/margin-truth.ts: a
 * logistic with its own multipliers): the theo's shape is a normal tilted by
 * published frequencies, fitted to the books.
 */
import {
  type FitConfig,
  type FitLine,
  type FitResult,
  type IntegerNormal,
  judge,
  type KeyWeight,
  meanForWinProbability,
  minimise,
  normalCdf,
  validLines,
  weightedSquaredError,
} from './margin-model.ts';

/**
 * Share of NFL games decided by exactly k points (either side), 2003–2013
 * regular and post season: Sports Insights via Business Insider (2013), "NFL
 * margin of victory chart". The nflverse log 1999–2025 (7,276 games) agrees
 * within about a point: 3 15.1 %, 7 9.0 %, 6 6.0 %, 10 5.5 %, 14 4.9 %.
 */
export const NFL_MARGIN_FREQUENCIES: Readonly<Record<number, number>> = {
  3: 0.1539,
  7: 0.0955,
  10: 0.0614,
  6: 0.0558,
  4: 0.0532,
  14: 0.0479,
};

/**
 * σ of the league-wide margin the frequencies were counted over: a game's
 * σ (13.86, Stern 1991) widened by the spread of the games' means (the
 * closing spreads' σ of about 6 points): √(13.86² + 6²) ≈ 15.
 */
export const NFL_POPULATION_MARGIN_SD = 15;

/**
 * Weights w_k on the integer normal such that a margin drawn over the whole
 * league (μ = 0, σ = populationSd, no ties) lands on |k| with the historical
 * frequency f_k: the other margins keep the normal's relative shape, so with
 * F = Σ f_k and S = Σ s_k (s_k the normal's share at |k|) the non-key share
 * 1 − F is the normal's 1 − S scaled by 1/Z, and w_k = f_k·Z / s_k.
 */
export function keyWeightsFromFrequencies(
  frequencies: Readonly<Record<number, number>>,
  populationSd: number,
): KeyWeight[] {
  const n = (k: number) => normalCdf((k + 0.5) / populationSd) - normalCdf((k - 0.5) / populationSd);
  const share = (k: number) => (2 * n(k)) / (1 - n(0));
  const entries = Object.entries(frequencies).map(([k, f]) => ({ at: Number(k), f }));
  for (const e of entries)
    if (!(Number.isInteger(e.at) && e.at > 0 && e.f > 0 && e.f < 1))
      throw new Error(`key frequency ${e.at}: ${e.f}`);
  const F = entries.reduce((a, e) => a + e.f, 0);
  const S = entries.reduce((a, e) => a + share(e.at), 0);
  if (!(F < 1 && S < 1)) throw new Error(`key frequencies sum to ${F}`);
  const Z = (1 - S) / (1 - F);
  return entries.map((e) => ({ at: e.at, weight: (e.f * Z) / share(e.at) })).sort((a, b) => a.at - b.at);
}

/** The historical NFL weights (about 4.0 at 3, 2.7 at 7, 1.9 at 10 …). */
export const NFL_KEY_WEIGHTS: readonly KeyWeight[] = keyWeightsFromFrequencies(
  NFL_MARGIN_FREQUENCIES,
  NFL_POPULATION_MARGIN_SD,
);

/** The weights at strength κ: w^κ (κ = 0: the plain normal). */
export function scaleKeyWeights(base: readonly KeyWeight[], strength: number): KeyWeight[] {
  return base.map((k) => ({ at: k.at, weight: k.weight ** strength }));
}

export interface KeyFitConfig {
  /** the key weights at strength 1 */
  base: readonly KeyWeight[];
  /** prior κ (1: the historical frequencies) */
  strength: number;
  /** κ is searched in [0, maxStrength] */
  maxStrength: number;
  /** weight of (κ − prior)² against the mean squared probability error */
  strengthPrior: number;
}

export type KeyFitResult = FitResult & {
  /** κ and whether the lines fitted it ('prior': fewer than two spread strikes) */
  keyStrength?: { value: number; source: 'fitted' | 'prior' };
};

/**
 * The key-number margin that reproduces the winner theo exactly and the
 * spread lines as closely as σ and κ allow. No informative line: σ and κ are
 * the priors. One distinct strike: only σ is fitted (one line cannot tell a
 * wider curve from heavier keys).
 */
export function fitKeyMargin(input: {
  winProbability: number;
  noTies: boolean;
  lines: readonly FitLine[];
  config: FitConfig;
  keys: KeyFitConfig;
}): KeyFitResult {
  const { winProbability: p, noTies, lines, config, keys } = input;
  if (!(p > 0 && p < 1))
    return { ok: false, reason: 'invalid-input', detail: `win probability ${p}`, diagnostics: null };
  const bad = validLines(lines);
  if (bad) return { ok: false, reason: 'invalid-input', detail: bad, diagnostics: null };
  if (!(keys.strength >= 0 && keys.maxStrength >= keys.strength))
    return {
      ok: false,
      reason: 'invalid-input',
      detail: `key strength ${keys.strength} not in [0, ${keys.maxStrength}]`,
      diagnostics: null,
    };
  const at = (sd: number, strength: number): IntegerNormal => {
    const weights = scaleKeyWeights(keys.base, strength);
    return { mean: meanForWinProbability(p, sd, noTies, weights), sd, noTies, keys: weights };
  };
  const withStrength = (r: FitResult, value: number, source: 'fitted' | 'prior'): KeyFitResult =>
    r.ok ? { ...r, keyStrength: { value, source } } : r;
  const informative = lines.filter((l) => l.strike !== 0);
  if (informative.length === 0)
    return withStrength(
      judge(at(config.priorSd, keys.strength), lines, config, 'prior'),
      keys.strength,
      'prior',
    );
  const totalWeight = lines.reduce((s, l) => s + l.weight, 0);
  const logPrior = Math.log(config.priorSd);
  const logLo = Math.log(config.priorSd * config.minSdFactor);
  const logHi = Math.log(config.priorSd * config.maxSdFactor);
  const cost = (logSd: number, strength: number) =>
    weightedSquaredError(at(Math.exp(logSd), strength), lines, totalWeight) +
    config.priorStrength * (logSd - logPrior) ** 2 +
    keys.strengthPrior * (strength - keys.strength) ** 2;
  let strength = keys.strength;
  let logSd = minimise((x) => cost(x, strength), logLo, logHi, 12, 40);
  const fitStrength = new Set(informative.map((l) => l.strike)).size >= 2 && keys.maxStrength > 0;
  if (fitStrength) {
    // σ and κ trade off along a ridge (κ moves mass onto the keys, σ between
    // the centre and the tails), so coordinate descent crawls: a bounded
    // Nelder–Mead from the σ-only fit.
    const best = nelderMead(
      (x) => cost(x[0]!, x[1]!),
      [logSd, strength],
      [0.08, 0.25],
      [
        [logLo, logHi],
        [0, keys.maxStrength],
      ],
    );
    logSd = best[0]!;
    strength = best[1]!;
  }
  return withStrength(
    judge(at(Math.exp(logSd), strength), lines, config, 'fitted'),
    strength,
    fitStrength ? 'fitted' : 'prior',
  );
}

/** Nelder–Mead minimum of f on a box (points clamped into it); 2-D here, so a few dozen evaluations. */
function nelderMead(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  steps: readonly number[],
  bounds: readonly (readonly [number, number])[],
  maxIterations = 200,
  tolerance = 1e-13,
): number[] {
  const clamp = (x: readonly number[]) =>
    x.map((v, i) => Math.min(bounds[i]![1], Math.max(bounds[i]![0], v)));
  const n = start.length;
  let simplex = [clamp(start)];
  for (let i = 0; i < n; i++) {
    const v = [...start];
    // Step away from a bound the start sits on.
    v[i] = v[i]! + steps[i]! <= bounds[i]![1] ? v[i]! + steps[i]! : v[i]! - steps[i]!;
    simplex.push(clamp(v));
  }
  let values = simplex.map(f);
  const toward = (a: readonly number[], b: readonly number[], t: number) =>
    clamp(a.map((v, i) => v + t * (b[i]! - v)));
  for (let it = 0; it < maxIterations; it++) {
    const order = values.map((_v, i) => i).sort((a, b) => values[a]! - values[b]!);
    simplex = order.map((i) => simplex[i]!);
    values = order.map((i) => values[i]!);
    if (values[n]! - values[0]! < tolerance) break;
    const centroid = simplex
      .slice(0, n)
      .reduce((c, p) => c.map((v, i) => v + p[i]! / n), new Array<number>(n).fill(0));
    const worst = simplex[n]!;
    const reflected = toward(centroid, worst, -1);
    const fr = f(reflected);
    if (fr < values[0]!) {
      const expanded = toward(centroid, worst, -2);
      const fe = f(expanded);
      [simplex[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < values[n - 1]!) {
      [simplex[n], values[n]] = [reflected, fr];
    } else {
      const contracted = toward(centroid, worst, 0.5);
      const fc = f(contracted);
      if (fc < values[n]!) [simplex[n], values[n]] = [contracted, fc];
      else {
        for (let i = 1; i <= n; i++) {
          simplex[i] = toward(simplex[0]!, simplex[i]!, 0.5);
          values[i] = f(simplex[i]!);
        }
      }
    }
  }
  const best = values.indexOf(Math.min(...values));
  return simplex[best]!;
}
