/**
 * A game's final margin (home − away) or total as an integer-valued
 * distribution, fitted to the books' no-vig lines. Pure math, no odds parsing.
 *
 * Shape: a normal discretised on the integers (P(X = k) = Φ((k+½−μ)/σ) −
 * Φ((k−½−μ)/σ)), so a half-point strike reads the normal exactly and an
 * integer strike has a push probability. In a sport without ties (`noTies`,
 * overtime decides) the margin is conditioned on X ≠ 0. The scale σ has a
 * per-sport prior (docs/PRICING.md) and is fitted per game when the lines
 * identify it.
 *
 * Margin fit: μ is solved so that P(margin > 0) equals the winner theo
 * exactly, for every σ tried; σ minimises the weighted squared error on the
 * lines plus a weak pull towards the prior. Total fit: μ and σ both by
 * weighted least squares (no moneyline to anchor it). A fit that misses the
 * lines is refused with a reason rather than priced.
 *
 * Key numbers (football, key-margin.ts): the integer normal's mass at |X| = k
 * may be multiplied by a weight w_k (then renormalised), so a margin piles up
 * on 3, 7, 10 … as field goals and touchdowns make it. Without `keys` the
 * model is the plain integer normal.
 */

/** A key number's weight: P(X = ±at) ∝ the normal's mass there × weight. */
export interface KeyWeight {
  at: number;
  weight: number;
}

export interface IntegerNormal {
  mean: number;
  sd: number;
  /** condition on X ≠ 0 (a margin in a sport where overtime breaks ties) */
  noTies: boolean;
  /** key-number weights on |X| (positive integers, each once); absent: the plain integer normal */
  keys?: readonly KeyWeight[];
}

/** erfc with relative error < 1.2e-7 (Numerical Recipes' Chebyshev fit). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** The plain integer normal's P(X = k). */
function normalMassAt(d: IntegerNormal, k: number): number {
  return normalCdf((k + 0.5 - d.mean) / d.sd) - normalCdf((k - 0.5 - d.mean) / d.sd);
}

/**
 * Each key's share of the normal's mass, (w − 1)·n(at) and (w − 1)·n(−at), and their sum: a fit asks
 * one distribution for many strikes (and every strike for the same normaliser), so they are computed
 * once per distribution object — the same figures in the same order as computing them per call. A
 * distribution is never mutated once built (a fit builds a new one per step), so the object is the key.
 */
interface KeyMass {
  up: Float64Array;
  down: Float64Array;
  all: number;
  /** P(X = 0) unconditioned, once asked (the tie a no-ties margin conditions away). */
  tie?: number;
}
const keyMasses = new WeakMap<IntegerNormal, KeyMass>();

function keyMassOf(d: IntegerNormal, keys: readonly KeyWeight[]): KeyMass {
  let m = keyMasses.get(d);
  if (m && m.up.length === keys.length) return m;
  const up = new Float64Array(keys.length);
  const down = new Float64Array(keys.length);
  let all = 0;
  for (let i = 0; i < keys.length; i++) {
    const { at, weight } = keys[i]!;
    up[i] = (weight - 1) * normalMassAt(d, at);
    down[i] = (weight - 1) * normalMassAt(d, -at);
    all += up[i]! + down[i]!;
  }
  m = { up, down, all };
  keyMasses.set(d, m);
  return m;
}

/**
 * What the key weights add to the normal's mass: Σ (w − 1)·n(±at) over all
 * keys (`all`, the normaliser is 1 + all) and over those at or above `from`.
 */
function keyExcess(
  d: IntegerNormal,
  keys: readonly KeyWeight[],
  from: number,
): { all: number; above: number } {
  const m = keyMassOf(d, keys);
  let above = 0;
  for (let i = 0; i < keys.length; i++) {
    const at = keys[i]!.at;
    if (at >= from) above += m.up[i]!;
    if (-at >= from) above += m.down[i]!;
  }
  return { all: m.all, above };
}

/** Unconditioned P(X ≥ k) for integer k. */
function atLeast(d: IntegerNormal, k: number): number {
  const tail = 1 - normalCdf((k - 0.5 - d.mean) / d.sd);
  if (!d.keys?.length) return tail;
  const e = keyExcess(d, d.keys, k);
  return (tail + e.above) / (1 + e.all);
}

/** Unconditioned P(X = k). */
function massAt(d: IntegerNormal, k: number): number {
  const keys = d.keys;
  if (!keys?.length) return normalMassAt(d, k);
  const m = keyMassOf(d, keys);
  if (k === 0 && m.tie !== undefined) return m.tie;
  const n = normalMassAt(d, k);
  const key = keys.find((w) => w.at === Math.abs(k));
  const p = (n * (key ? key.weight : 1)) / (1 + m.all);
  if (k === 0) m.tie = p;
  return p;
}

/** P(X = k) under the model (0 at k = 0 when noTies). */
export function probabilityAt(d: IntegerNormal, k: number): number {
  if (!Number.isInteger(k)) return 0;
  if (!d.noTies) return massAt(d, k);
  if (k === 0) return 0;
  return massAt(d, k) / (1 - massAt(d, 0));
}

/** P(X > s) for any real strike s: what a Kalshi "over s" market pays on. Non-increasing in s. */
export function probabilityOver(d: IntegerNormal, strike: number): number {
  let k = Math.floor(strike) + 1; // X > s ⇔ X ≥ ⌊s⌋ + 1
  if (d.noTies && k === 0) k = 1; // X ≥ 0 and X ≠ 0 ⇔ X ≥ 1, read the same way as X > 0.5
  let p = atLeast(d, k);
  if (d.noTies) {
    const tie = massAt(d, 0);
    if (k < 0) p -= tie;
    p /= 1 - tie;
  }
  return Math.min(1, Math.max(0, p));
}

/**
 * What a book's no-vig price of "over s" should be under the model: P(X > s)
 * on a half-point line, P(X > s | X ≠ s) on an integer line (a push is refunded).
 */
export function lineProbability(d: IntegerNormal, strike: number): number {
  const over = probabilityOver(d, strike);
  if (!Number.isInteger(strike)) return over;
  const push = probabilityAt(d, strike);
  return push >= 1 ? 0.5 : over / (1 - push);
}

/**
 * The mean that puts P(X > 0) at p for this σ (bisection; P(X > 0) increases
 * with μ, with or without key weights: each is a fixed tilt of a shifted normal).
 */
export function meanForWinProbability(
  p: number,
  sd: number,
  noTies: boolean,
  keys?: readonly KeyWeight[],
): number {
  let lo = -12 * sd;
  let hi = 12 * sd;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (probabilityOver({ mean: mid, sd, noTies, ...(keys ? { keys } : {}) }, 0) < p) lo = mid;
    else hi = mid;
    if (hi - lo < 1e-9) break;
  }
  return (lo + hi) / 2;
}

/** One book line as the fit sees it. */
export interface FitLine {
  book: string;
  marketKey: string;
  strike: number;
  /** the book's no-vig P(value > strike | no push) */
  probability: number;
  impliedOver: number;
  impliedUnder: number;
  /** relative weight (book weight × age decay), > 0 */
  weight: number;
}

export interface FitConfig {
  priorSd: number;
  /** σ is searched in [priorSd·minSdFactor, priorSd·maxSdFactor] */
  minSdFactor: number;
  maxSdFactor: number;
  /** weight of (ln σ − ln prior)² against the mean squared probability error */
  priorStrength: number;
  /** refuse when the weighted RMS error on the lines exceeds this (probability) */
  maxRmsError: number;
  /** refuse when any line's model price lies this far outside its book's vig band */
  maxOutsideVig: number;
}

export interface LineResidual {
  book: string;
  marketKey: string;
  strike: number;
  bookProbability: number;
  modelProbability: number;
  /** model − book */
  error: number;
  /** the model price lies in the book's band [1 − impliedUnder, impliedOver]: no side has an edge at the book */
  withinVig: boolean;
  /** how far outside the band (0 when within) */
  outsideVig: number;
  weight: number;
}

export interface FitDiagnostics {
  lines: LineResidual[];
  /** weighted RMS of model − book over the lines (0 with no lines) */
  rmsError: number;
  maxAbsError: number;
  withinVig: number;
  outsideVig: number;
  /** distinct strikes among the lines */
  strikes: number;
}

export const FIT_REFUSALS = ['no-lines', 'invalid-input', 'poor-fit', 'sd-at-bound'] as const;
export type FitRefusal = (typeof FIT_REFUSALS)[number];

export type FitResult =
  | {
      ok: true;
      distribution: IntegerNormal;
      /** 'prior': σ is the sport prior (no line identified it) */
      sdSource: 'fitted' | 'prior';
      diagnostics: FitDiagnostics;
    }
  | {
      ok: false;
      reason: FitRefusal;
      detail: string;
      diagnostics: FitDiagnostics | null;
      /** the refused fit itself (poor-fit, sd-at-bound): never priced from alone */
      distribution?: IntegerNormal;
    };

export function diagnose(d: IntegerNormal, lines: readonly FitLine[]): FitDiagnostics {
  let sw = 0;
  let se = 0;
  let maxAbs = 0;
  let within = 0;
  const residuals: LineResidual[] = lines.map((l) => {
    const model = lineProbability(d, l.strike);
    // The band is stated for the push-free price, so an integer line's band is
    // judged on the same conditional probability the book quotes.
    const lo = 1 - l.impliedUnder;
    const hi = l.impliedOver;
    const outside = model < lo ? lo - model : model > hi ? model - hi : 0;
    const error = model - l.probability;
    sw += l.weight;
    se += l.weight * error * error;
    maxAbs = Math.max(maxAbs, Math.abs(error));
    if (outside === 0) within++;
    return {
      book: l.book,
      marketKey: l.marketKey,
      strike: l.strike,
      bookProbability: l.probability,
      modelProbability: model,
      error,
      withinVig: outside === 0,
      outsideVig: outside,
      weight: l.weight,
    };
  });
  return {
    lines: residuals,
    rmsError: sw > 0 ? Math.sqrt(se / sw) : 0,
    maxAbsError: maxAbs,
    withinVig: within,
    outsideVig: lines.length - within,
    strikes: new Set(lines.map((l) => l.strike)).size,
  };
}

export function weightedSquaredError(
  d: IntegerNormal,
  lines: readonly FitLine[],
  totalWeight: number,
): number {
  let s = 0;
  for (const l of lines) {
    const e = lineProbability(d, l.strike) - l.probability;
    s += l.weight * e * e;
  }
  return s / totalWeight;
}

/** Minimum of a function on [lo, hi]: a coarse grid (against local minima) then golden section. */
export function minimise(
  f: (x: number) => number,
  lo: number,
  hi: number,
  gridPoints = 16,
  iterations = 50,
): number {
  let best = lo;
  let bestV = Number.POSITIVE_INFINITY;
  const step = (hi - lo) / gridPoints;
  for (let i = 0; i <= gridPoints; i++) {
    const x = lo + i * step;
    const v = f(x);
    if (v < bestV) {
      bestV = v;
      best = x;
    }
  }
  let a = Math.max(lo, best - step);
  let b = Math.min(hi, best + step);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let e = a + g * (b - a);
  let fc = f(c);
  let fe = f(e);
  for (let i = 0; i < iterations; i++) {
    if (fc < fe) {
      b = e;
      e = c;
      fe = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = e;
      fc = fe;
      e = a + g * (b - a);
      fe = f(e);
    }
  }
  const x = (a + b) / 2;
  return f(x) <= bestV ? x : best;
}

export function validLines(lines: readonly FitLine[]): string | null {
  for (const l of lines) {
    if (!Number.isFinite(l.strike)) return `${l.book} ${l.marketKey}: strike ${l.strike}`;
    if (!(l.probability > 0 && l.probability < 1))
      return `${l.book} ${l.marketKey} ${l.strike}: p ${l.probability}`;
    if (!(l.weight > 0) || !Number.isFinite(l.weight))
      return `${l.book} ${l.marketKey} ${l.strike}: weight ${l.weight}`;
  }
  return null;
}

export function judge(
  distribution: IntegerNormal,
  lines: readonly FitLine[],
  config: FitConfig,
  sdSource: 'fitted' | 'prior',
): FitResult {
  const diagnostics = diagnose(distribution, lines);
  const lo = config.priorSd * config.minSdFactor;
  const hi = config.priorSd * config.maxSdFactor;
  if (sdSource === 'fitted' && (distribution.sd <= lo * 1.001 || distribution.sd >= hi * 0.999)) {
    return {
      ok: false,
      reason: 'sd-at-bound',
      distribution,
      detail: `fitted σ ${distribution.sd.toFixed(2)} at the edge of [${lo.toFixed(2)}, ${hi.toFixed(2)}]: the lines want a shape this sport does not have`,
      diagnostics,
    };
  }
  if (diagnostics.rmsError > config.maxRmsError) {
    return {
      ok: false,
      reason: 'poor-fit',
      distribution,
      detail: `weighted RMS error ${(diagnostics.rmsError * 100).toFixed(2)}¢ > ${(config.maxRmsError * 100).toFixed(2)}¢`,
      diagnostics,
    };
  }
  const worst = diagnostics.lines.reduce<LineResidual | null>(
    (w, r) => (w === null || r.outsideVig > w.outsideVig ? r : w),
    null,
  );
  if (worst && worst.outsideVig > config.maxOutsideVig) {
    return {
      ok: false,
      reason: 'poor-fit',
      distribution,
      detail: `${worst.book} ${worst.marketKey} ${worst.strike}: model ${(worst.modelProbability * 100).toFixed(2)}¢ is ${(worst.outsideVig * 100).toFixed(2)}¢ outside the book's vig (max ${(config.maxOutsideVig * 100).toFixed(2)}¢)`,
      diagnostics,
    };
  }
  return { ok: true, distribution, sdSource, diagnostics };
}

/**
 * The margin distribution that reproduces the winner theo exactly and the
 * spread lines as closely as one σ allows. With no line, σ is the prior.
 */
export function fitMargin(input: {
  winProbability: number;
  noTies: boolean;
  lines: readonly FitLine[];
  config: FitConfig;
}): FitResult {
  const { winProbability: p, noTies, lines, config } = input;
  if (!(p > 0 && p < 1))
    return { ok: false, reason: 'invalid-input', detail: `win probability ${p}`, diagnostics: null };
  const bad = validLines(lines);
  if (bad) return { ok: false, reason: 'invalid-input', detail: bad, diagnostics: null };
  const at = (sd: number): IntegerNormal => ({ mean: meanForWinProbability(p, sd, noTies), sd, noTies });
  // A line at the strike 0 says no more than the moneyline: σ stays the prior.
  const informative = lines.filter((l) => l.strike !== 0 && l.strike !== 0);
  if (informative.length === 0) return judge(at(config.priorSd), lines, config, 'prior');
  const totalWeight = lines.reduce((s, l) => s + l.weight, 0);
  const logPrior = Math.log(config.priorSd);
  const objective = (logSd: number) =>
    weightedSquaredError(at(Math.exp(logSd)), lines, totalWeight) +
    config.priorStrength * (logSd - logPrior) ** 2;
  const logSd = minimise(
    objective,
    Math.log(config.priorSd * config.minSdFactor),
    Math.log(config.priorSd * config.maxSdFactor),
  );
  return judge(at(Math.exp(logSd)), lines, config, 'fitted');
}

/**
 * The total distribution: μ and σ by weighted least squares on the total
 * lines. One distinct strike cannot identify σ: it stays the prior and only μ
 * is fitted. No line: refused (no moneyline says anything about the total).
 */
export function fitTotal(input: { lines: readonly FitLine[]; config: FitConfig }): FitResult {
  const { lines, config } = input;
  if (lines.length === 0)
    return { ok: false, reason: 'no-lines', detail: 'no total line from any book', diagnostics: null };
  const bad = validLines(lines);
  if (bad) return { ok: false, reason: 'invalid-input', detail: bad, diagnostics: null };
  const totalWeight = lines.reduce((s, l) => s + l.weight, 0);
  const strikes = lines.map((l) => l.strike);
  const loStrike = Math.min(...strikes);
  const hiStrike = Math.max(...strikes);
  const bestMean = (sd: number) =>
    minimise(
      (mean) => weightedSquaredError({ mean, sd, noTies: false }, lines, totalWeight),
      loStrike - 2 * sd,
      hiStrike + 2 * sd,
      24,
      50,
    );
  if (new Set(strikes).size < 2) {
    const sd = config.priorSd;
    return judge({ mean: bestMean(sd), sd, noTies: false }, lines, config, 'prior');
  }
  const logPrior = Math.log(config.priorSd);
  const objective = (logSd: number) => {
    const sd = Math.exp(logSd);
    return (
      weightedSquaredError({ mean: bestMean(sd), sd, noTies: false }, lines, totalWeight) +
      config.priorStrength * (logSd - logPrior) ** 2
    );
  };
  const logSd = minimise(
    objective,
    Math.log(config.priorSd * config.minSdFactor),
    Math.log(config.priorSd * config.maxSdFactor),
    12,
    30,
  );
  const sd = Math.exp(logSd);
  return judge({ mean: bestMean(sd), sd, noTies: false }, lines, config, 'fitted');
}
