/**
 * Removing a bookmaker's margin ("vig") from one market's prices.
 *
 * Inputs are the raw implied probabilities r_i = 1/decimal_i of n mutually
 * exclusive outcomes (n = 2 moneyline, n = 3 soccer with the draw). Booksum
 * B = Σ r_i, overround M = B − 1. Every method returns fair p_i in (0, 1)
 * with Σ p_i = 1, or a typed failure: never NaN, never a throw.
 *
 * - multiplicative: p_i = r_i / B. Keeps the favourite–longshot bias.
 * - power:          p_i = r_i^k, k solved so Σ r_i^k = 1 (k > 1 when B > 1).
 * - shin:           p_i = (√(z² + 4(1−z)·r_i²/B) − z) / (2(1−z)), z ∈ [0, 1)
 *                   the insider share solved so Σ p_i = 1 (Shin 1992/93).
 *                   For n = 2 this equals the additive method r_i − M/2.
 *
 * Solvers are bracketed (bisection for power, Newton kept inside its bracket
 * for Shin: neither can diverge) with an absolute tolerance and an iteration
 * cap; the last step renormalises by the (tiny)
 * residual so the outputs sum to 1 to machine precision.
 */

export const DEVIG_METHODS = ['multiplicative', 'power', 'shin'] as const;
export type DevigMethod = (typeof DEVIG_METHODS)[number];

export type DevigFailure = 'too-few-outcomes' | 'invalid-probability' | 'no-convergence';

export type DevigResult =
  | {
      ok: true;
      method: DevigMethod;
      /** fair probabilities, same order as the input, each in (0, 1), summing to 1 */
      probabilities: number[];
      /** B − 1 of the raw implied probabilities */
      overround: number;
      /** the solved parameter: k for power, z for shin, 1/B for multiplicative */
      parameter: number;
      iterations: number;
    }
  | { ok: false; method: DevigMethod; reason: DevigFailure; detail: string };

/** Solver limits. The defaults reach ~1e-15 on Σp in ≤ 60 steps for any realistic book. */
export interface SolverOptions {
  tolerance?: number;
  maxIterations?: number;
}

const DEFAULT_TOLERANCE = 1e-14;
const DEFAULT_MAX_ITERATIONS = 200;

// ---------------------------------------------------------------------------
// Odds format conversion (exact where the arithmetic allows)
// ---------------------------------------------------------------------------

/** Is this a valid American price? Integers or not, |a| ≥ 100 (±100 = evens). */
export function isAmericanPrice(a: number): boolean {
  return Number.isFinite(a) && Math.abs(a) >= 100;
}

/** American → decimal: +a → 1 + a/100, −a → 1 + 100/a. null when not a valid American price. */
export function americanToDecimal(a: number): number | null {
  if (!isAmericanPrice(a)) return null;
  return a > 0 ? 1 + a / 100 : 1 + 100 / -a;
}

/**
 * American → raw implied probability, computed directly (−110 → 110/210) rather
 * than through the rounded decimal, so no conversion error enters the de-vig.
 */
export function americanToImplied(a: number): number | null {
  if (!isAmericanPrice(a)) return null;
  return a > 0 ? 100 / (a + 100) : -a / (-a + 100);
}

/** Decimal → American: ≥ 2.0 → +(d−1)·100, < 2.0 → −100/(d−1). Not rounded (the wire uses integers). */
export function decimalToAmerican(d: number): number | null {
  if (!Number.isFinite(d) || d <= 1) return null;
  return d >= 2 ? (d - 1) * 100 : -100 / (d - 1);
}

/** Decimal → raw implied probability 1/d. null when d ≤ 1 or not finite. */
export function decimalToImplied(d: number): number | null {
  if (!Number.isFinite(d) || d <= 1) return null;
  return 1 / d;
}

// ---------------------------------------------------------------------------
// De-vig
// ---------------------------------------------------------------------------

/** The booksum, or the failure: a number rather than an `{ ok, booksum }` object per book line (issue #16). */
function validate(
  method: DevigMethod,
  implied: readonly number[],
): number | { ok: false; method: DevigMethod; reason: DevigFailure; detail: string } {
  if (implied.length < 2) {
    return {
      ok: false,
      method,
      reason: 'too-few-outcomes',
      detail: `${implied.length} outcome(s), need ≥ 2`,
    };
  }
  let booksum = 0;
  // Indexed: an entries() iterator and a destructured pair per outcome, 2,000 book lines a poll.
  for (let i = 0; i < implied.length; i++) {
    const r = implied[i]!;
    if (!Number.isFinite(r) || r <= 0 || r >= 1) {
      return {
        ok: false,
        method,
        reason: 'invalid-probability',
        detail: `implied probability [${i}] = ${r} not in (0, 1)`,
      };
    }
    booksum += r;
  }
  return booksum;
}

function normalised(ps: readonly number[]): number[] {
  const s = ps.reduce((a, b) => a + b, 0);
  return ps.map((p) => p / s);
}

/** `normalised` into the same array (a fresh one the caller owns): the same sum in the same order, the same quotients. */
function normaliseInPlace(ps: number[]): number[] {
  let s = 0;
  for (let i = 0; i < ps.length; i++) s += ps[i]!;
  for (let i = 0; i < ps.length; i++) ps[i] = ps[i]! / s;
  return ps;
}

function inOpenUnit(ps: readonly number[]): boolean {
  return ps.every((p) => Number.isFinite(p) && p > 0 && p < 1);
}

/**
 * Bisection for a root of a function that is positive at `lo` and negative at
 * `hi` (both our targets decrease monotonically in their parameter).
 */
function bisect(
  f: (x: number) => number,
  lo: number,
  hi: number,
  tolerance: number,
  maxIterations: number,
): { x: number; iterations: number; converged: boolean } {
  let a = lo;
  let b = hi;
  for (let i = 1; i <= maxIterations; i++) {
    const mid = (a + b) / 2;
    const v = f(mid);
    if (Math.abs(v) <= tolerance || mid === a || mid === b) return { x: mid, iterations: i, converged: true };
    if (v > 0) a = mid;
    else b = mid;
  }
  const x = (a + b) / 2;
  return { x, iterations: maxIterations, converged: Math.abs(f(x)) <= Math.max(tolerance, 1e-9) };
}

export function devigMultiplicative(implied: readonly number[]): DevigResult {
  const booksum = validate('multiplicative', implied);
  if (typeof booksum !== 'number') return booksum;
  const probabilities = implied.map((r) => r / booksum);
  return {
    ok: true,
    method: 'multiplicative',
    probabilities,
    overround: booksum - 1,
    parameter: 1 / booksum,
    iterations: 0,
  };
}

/** Power method: Σ r_i^k = 1. k ∈ (0, 1) for a negative margin, k > 1 for a positive one. */
export function devigPower(implied: readonly number[], options?: SolverOptions): DevigResult {
  const booksum = validate('power', implied);
  if (typeof booksum !== 'number') return booksum;
  const tol = options?.tolerance ?? DEFAULT_TOLERANCE;
  const cap = options?.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const logs = implied.map((r) => Math.log(r));
  const excess = (k: number) => {
    let sum = 0;
    for (const l of logs) sum += Math.exp(k * l);
    return sum - 1;
  };
  if (Math.abs(booksum - 1) <= tol) {
    return {
      ok: true,
      method: 'power',
      probabilities: normalised(implied),
      overround: booksum - 1,
      parameter: 1,
      iterations: 0,
    };
  }
  let lo: number;
  let hi: number;
  if (booksum > 1) {
    // excess(1) > 0; grow the bracket until excess(hi) < 0 (each r < 1, so r^k → 0).
    lo = 1;
    hi = 2;
    while (excess(hi) > 0 && hi < 1e6) {
      lo = hi;
      hi *= 2;
    }
  } else {
    // excess(0) = n − 1 > 0, excess(1) = B − 1 < 0.
    lo = 0;
    hi = 1;
  }
  const root = bisect(excess, lo, hi, tol, cap);
  const probabilities = normalised(logs.map((l) => Math.exp(root.x * l)));
  if (!root.converged || !inOpenUnit(probabilities)) {
    return {
      ok: false,
      method: 'power',
      reason: 'no-convergence',
      detail: `power k did not converge (k≈${root.x})`,
    };
  }
  return {
    ok: true,
    method: 'power',
    probabilities,
    overround: booksum - 1,
    parameter: root.x,
    iterations: root.iterations,
  };
}

function shinProbabilities(implied: readonly number[], booksum: number, z: number): number[] {
  return implied.map((r) => (Math.sqrt(z * z + (4 * (1 - z) * r * r) / booksum) - z) / (2 * (1 - z)));
}

/**
 * Shin's method. Σp(z) = √B at z = 0 and → Σr²/B < max r < 1 as z → 1, so for
 * B > 1 a root z ∈ (0, 1) exists. A book with no margin (B ≤ 1: only possible
 * with stale or erroneous prices) has no insider share to solve for; it is
 * normalised multiplicatively and reported with z = 0.
 *
 * Two outcomes (every moneyline but soccer's) need no solver: Shin's p_i is
 * r_i − M/2 there (closed form below). Otherwise z is found by Newton's
 * method kept inside a bracket [a, b] with excess(a) > 0 > excess(b): a step
 * that leaves the bracket is replaced by its midpoint, so it cannot diverge,
 * and converges in ~5 steps where plain bisection took ~45 (issue #16). The
 * bisection is kept as the reference in test/shared/odds/reference-devig.ts;
 * both agree within 1e-12 (test/shared/odds/aggregate-reference.test.ts).
 */
function shinRoot(
  implied: readonly number[],
  booksum: number,
  tolerance: number,
  maxIterations: number,
): { x: number; iterations: number; converged: boolean } {
  const n = implied.length;
  let a = 0;
  let b = 1 - 1e-12;
  let z = 0;
  let e = 0;
  for (let i = 1; i <= maxIterations; i++) {
    // excess(z) = S / (2(1 − z)) − 1 with S = Σ(q_j − z), q_j = √(z² + 4(1 − z)·r_j²/B); and its slope.
    let s = 0;
    let ds = 0;
    for (let j = 0; j < n; j++) {
      const r = implied[j]!;
      const c = (4 * r * r) / booksum;
      const q = Math.sqrt(z * z + c * (1 - z));
      s += q - z;
      ds += (2 * z - c) / (2 * q) - 1;
    }
    const w = 1 - z;
    e = s / (2 * w) - 1;
    if (Math.abs(e) <= tolerance) return { x: z, iterations: i, converged: true };
    if (e > 0) a = z;
    else b = z;
    const slope = ds / (2 * w) + s / (2 * w * w);
    let next = z - e / slope;
    if (!(next > a && next < b)) next = (a + b) / 2;
    // No representable step left: z is the root to rounding, as bisection's mid === a || mid === b.
    if (next === z) return { x: z, iterations: i, converged: true };
    z = next;
  }
  return {
    x: z,
    iterations: maxIterations,
    converged: Math.abs(shinExcess(implied, booksum, z)) <= Math.max(tolerance, 1e-9),
  };
}

function shinExcess(implied: readonly number[], booksum: number, z: number): number {
  let sum = 0;
  for (let j = 0; j < implied.length; j++) {
    const r = implied[j]!;
    sum += Math.sqrt(z * z + (4 * (1 - z) * r * r) / booksum) - z;
  }
  return sum / (2 * (1 - z)) - 1;
}

/**
 * Two outcomes: Shin's p_i equals r_i − M/2 (M = B − 1), and solving
 * p(z) = p_1 for z gives z = (r_1²/B − p_1²) / (p_1 (1 − p_1)). NaN when the
 * additive p leaves (0, 1) (a longshot under half the margin) or z leaves
 * (0, 1): Newton decides those.
 */
function shinTwoWay(implied: readonly number[], booksum: number): number {
  if (implied.length !== 2) return Number.NaN;
  const half = (booksum - 1) / 2;
  const p0 = implied[0]! - half;
  const p1 = implied[1]! - half;
  if (!(p0 > 0 && p0 < 1 && p1 > 0 && p1 < 1)) return Number.NaN;
  const r = implied[0]!;
  const z = ((r * r) / booksum - p0 * p0) / (p0 * (1 - p0));
  if (!(z > 0 && z < 1)) return Number.NaN;
  return z;
}

/** The two-way probabilities for a z from `shinTwoWay` (the additive p, normalised). */
function shinTwoWayProbabilities(implied: readonly number[], booksum: number): number[] {
  const half = (booksum - 1) / 2;
  return normaliseInPlace([implied[0]! - half, implied[1]! - half]);
}

export function devigShin(implied: readonly number[], options?: SolverOptions): DevigResult {
  const booksum = validate('shin', implied);
  if (typeof booksum !== 'number') return booksum;
  const tol = options?.tolerance ?? DEFAULT_TOLERANCE;
  const cap = options?.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  if (booksum <= 1 + tol) {
    return {
      ok: true,
      method: 'shin',
      probabilities: normalised(implied),
      overround: booksum - 1,
      parameter: 0,
      iterations: 0,
    };
  }
  // z alone (NaN: not solved here), then the probabilities: no `{ z, p }` pair per book line (issue #16).
  const closedZ = shinTwoWay(implied, booksum);
  if (!Number.isNaN(closedZ)) {
    return {
      ok: true,
      method: 'shin',
      probabilities: shinTwoWayProbabilities(implied, booksum),
      overround: booksum - 1,
      parameter: closedZ,
      iterations: 0,
    };
  }
  const root = shinRoot(implied, booksum, tol, cap);
  const probabilities = normaliseInPlace(shinProbabilities(implied, booksum, root.x));
  if (!root.converged || !inOpenUnit(probabilities)) {
    return {
      ok: false,
      method: 'shin',
      reason: 'no-convergence',
      detail: `shin z did not converge (z≈${root.x})`,
    };
  }
  return {
    ok: true,
    method: 'shin',
    probabilities,
    overround: booksum - 1,
    parameter: root.x,
    iterations: root.iterations,
  };
}

/** De-vig raw implied probabilities with the named method. */
export function devig(implied: readonly number[], method: DevigMethod, options?: SolverOptions): DevigResult {
  switch (method) {
    case 'multiplicative':
      return devigMultiplicative(implied);
    case 'power':
      return devigPower(implied, options);
    case 'shin':
      return devigShin(implied, options);
  }
}

/** De-vig decimal prices. A price ≤ 1 or non-finite fails as 'invalid-probability' naming its index. */
export function devigDecimal(
  prices: readonly number[],
  method: DevigMethod,
  options: SolverOptions = {},
): DevigResult {
  const implied: number[] = [];
  for (const [i, d] of prices.entries()) {
    const r = decimalToImplied(d);
    if (r === null) {
      return {
        ok: false,
        method,
        reason: 'invalid-probability',
        detail: `decimal price [${i}] = ${d} is not > 1`,
      };
    }
    implied.push(r);
  }
  return devig(implied, method, options);
}
