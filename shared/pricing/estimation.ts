/**
 * Parameter estimation for the monopsony model, from observations only (pure).
 *
 * Arrivals: a trade that reaches distance δ from theo would have filled a quote
 * resting at δ. With intensity λ(δ) = A·e^{−kδ}, the distances of trades
 * (≥ a threshold δ0) are exponential with rate k, and trades beyond δ0 arrive
 * at λ(δ0). Two estimators:
 *  - maximum likelihood: continuous k̂ = n / Σ(δ_i − δ0), or, on a price grid of
 *    step h (distances are whole ticks), the geometric MLE
 *    ρ̂ = S / (n + S), S = Σ (δ_i − δ0)/h, k̂ = −ln(ρ̂)/h;  Â = (n/T)·e^{k̂δ0};
 *  - log-linear regression (hftbacktest style): λ̂(δ_l) = #{δ_i ≥ δ_l}/T at
 *    chosen levels, OLS of ln λ̂ on δ.
 * Distances in dollars, windows in seconds, so k is per dollar and A per second
 * (the units of params.ts).
 *
 * Volatility: σ² = Σ w_i Δx_i² / Σ w_i Δt_i over consecutive theo samples,
 * weights halving every `halfLifeMs` of age (EWMA), in probability or logit
 * space. Sportsbook theo is the main pre-game information, and Kalshi's tape is
 * thin, so theo changes are the better σ source.
 */

export interface IntensityEstimate {
  /** Fills per second at distance 0. */
  arrivalRate: number;
  /** Decay per dollar. */
  k: number;
  /** Observations used. */
  n: number;
}

export interface IntensityMleOptions {
  /** Only distances ≥ this (dollars) are used. */
  minDistance?: number;
  /** Price grid step in dollars: use the discrete (geometric) likelihood. */
  tick?: number;
}

/** MLE of (A, k); null when there are fewer than 2 usable trades or no spread of distances. */
export function estimateIntensityMle(
  distances: readonly number[],
  windowSeconds: number,
  opts: IntensityMleOptions = {},
): IntensityEstimate | null {
  const d0 = opts.minDistance ?? 0;
  if (!(windowSeconds > 0)) return null;
  const used = distances.filter((d) => Number.isFinite(d) && d >= d0);
  const n = used.length;
  if (n < 2) return null;
  const excess = used.reduce((s, d) => s + (d - d0), 0);
  if (!(excess > 0)) return null;
  let k: number;
  if (opts.tick !== undefined && opts.tick > 0) {
    const s = excess / opts.tick;
    const rho = s / (n + s);
    k = -Math.log(rho) / opts.tick;
  } else {
    k = n / excess;
  }
  return { arrivalRate: (n / windowSeconds) * Math.exp(k * d0), k, n };
}

export interface IntensityRegression extends IntensityEstimate {
  /** Coefficient of determination of the log-linear fit. */
  r2: number;
  /** The (δ, λ̂) points fitted. */
  points: { distance: number; rate: number }[];
}

/** OLS of ln λ̂(δ) on δ at the given levels (levels with no trade beyond are skipped). */
export function estimateIntensityRegression(
  distances: readonly number[],
  windowSeconds: number,
  levels: readonly number[],
): IntensityRegression | null {
  if (!(windowSeconds > 0)) return null;
  const used = distances.filter((d) => Number.isFinite(d) && d >= 0);
  const points = levels
    .filter((l) => Number.isFinite(l) && l >= 0)
    .map((l) => ({ distance: l, rate: used.filter((d) => d >= l).length / windowSeconds }))
    .filter((p) => p.rate > 0);
  if (points.length < 2) return null;
  const xs = points.map((p) => p.distance);
  const ys = points.map((p) => Math.log(p.rate));
  const mx = mean(xs);
  const my = mean(ys);
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i += 1) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const k = -slope;
  if (!(k > 0)) return null;
  const intercept = my - slope * mx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { arrivalRate: Math.exp(intercept), k, n: used.length, r2, points };
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

export interface TheoSample {
  /** Epoch ms. */
  t: number;
  /** Probability in (0, 1). */
  p: number;
}

export interface SigmaOptions {
  /** Weight halves every this many ms of age (default: no decay). */
  halfLifeMs?: number;
  /** Age reference, epoch ms (default: last sample time). */
  now?: number;
  /** 'probability' (default) or 'logit' (log-odds). */
  space?: 'probability' | 'logit';
}

const logit = (p: number) => Math.log(p / (1 - p));

/** σ per √second from consecutive theo samples; null with fewer than 2 valid samples or no elapsed time. */
export function estimateSigma(samples: readonly TheoSample[], opts: SigmaOptions = {}): number | null {
  const valid = samples
    .filter((s) => Number.isFinite(s.t) && Number.isFinite(s.p) && s.p > 0 && s.p < 1)
    .slice()
    .sort((a, b) => a.t - b.t);
  if (valid.length < 2) return null;
  const toX = opts.space === 'logit' ? logit : (p: number) => p;
  const now = opts.now ?? (valid[valid.length - 1] as TheoSample).t;
  let num = 0;
  let den = 0;
  for (let i = 1; i < valid.length; i += 1) {
    const a = valid[i - 1] as TheoSample;
    const b = valid[i] as TheoSample;
    const dt = (b.t - a.t) / 1000;
    if (dt <= 0) continue;
    const w = opts.halfLifeMs && opts.halfLifeMs > 0 ? 0.5 ** (Math.max(0, now - b.t) / opts.halfLifeMs) : 1;
    const dx = toX(b.p) - toX(a.p);
    num += w * dx * dx;
    den += w * dt;
  }
  if (!(den > 0)) return null;
  return Math.sqrt(num / den);
}

/** Local probability-space σ of a logit-space σ at p: σ_p ≈ p(1−p)·σ_x. */
export function logitSigmaToProbability(sigmaLogit: number, p: number): number {
  return p * (1 - p) * sigmaLogit;
}
