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

// ---------------------------------------------------------------- online liquidity (issue #14)

/**
 * Arrival intensity A·e^{−kδ} per market side, fitted online as a Poisson rate with exposure:
 * the book's best resting price on a side sat at distance δ from theo for some seconds (exposure),
 * and takers arrived there (trades on the public tape). Unlike the trade-distance estimators above,
 * this stays unbiased when the only liquidity is ours (alone in the book every trade is at our own
 * distance: those distances say nothing of k, while how often each distance got hit does).
 * Distances are binned; the prior (per sport: the config's k and A) is worth `priorTrades` arrivals
 * (estimateLiquidity), so a market that has barely traded returns the prior and
 * the data's weight grows with its own arrival count. Everything decays with `halfLifeMs`.
 * Pure state as data; time comes in as arguments.
 */
export interface LiquidityRule {
  /** The prior (per sport: the quoting config's k and A). */
  prior: { arrivalRate: number; k: number };
  /** The prior's weight, in arrivals. */
  priorTrades: number;
  /** Exposure and arrivals halve every this many ms. */
  halfLifeMs: number;
  /** The estimate's k stays within [k₀/f, k₀·f], and its A within [A₀/f, A₀·f]. */
  maxFactor: number;
}

/** Bins of distance from theo, dollars: [−5¢, 20¢) in ½¢ steps (beyond: not counted, exposure nor arrivals). */
export const LIQUIDITY_BIN = 0.005;
export const LIQUIDITY_MIN_DISTANCE = -0.05;
export const LIQUIDITY_BINS = 50;

export interface LiquidityState {
  /** Last advance, epoch ms; null before the first. */
  readonly t: number | null;
  /** Bins of the best resting prices now (one per market side with a price in range): exposure accrues to them. */
  readonly held: readonly number[];
  /** Decayed seconds of exposure per bin. */
  readonly exposure: readonly number[];
  /** Decayed arrivals per bin. */
  readonly arrivals: readonly number[];
}

export const EMPTY_LIQUIDITY: LiquidityState = {
  t: null,
  held: [],
  exposure: new Array(LIQUIDITY_BINS).fill(0),
  arrivals: new Array(LIQUIDITY_BINS).fill(0),
};

/** The bin of a distance (dollars), or null when out of range or not a number. */
export function liquidityBin(distance: number): number | null {
  if (!Number.isFinite(distance)) return null;
  const b = Math.floor((distance - LIQUIDITY_MIN_DISTANCE) / LIQUIDITY_BIN + 1e-9);
  return b >= 0 && b < LIQUIDITY_BINS ? b : null;
}

/** A bin's centre, dollars. */
export function liquidityBinDistance(bin: number): number {
  return LIQUIDITY_MIN_DISTANCE + (bin + 0.5) * LIQUIDITY_BIN;
}

/** Decays to `now` and credits the held bins with the exposure since the last advance. Time never runs back. */
export function advanceLiquidity(s: LiquidityState, now: number, rule: LiquidityRule): LiquidityState {
  if (!Number.isFinite(now)) return s;
  if (s.t === null) return { ...s, t: now };
  const dt = (now - s.t) / 1000;
  if (!(dt > 0)) return s;
  const h = rule.halfLifeMs / 1000;
  const f = 0.5 ** (dt / h);
  // ∫ of the decayed weight over the interval: what `dt` seconds are worth at `now`.
  const credit = h > 0 ? (h / Math.LN2) * (1 - f) : dt;
  const exposure = s.exposure.map((e) => e * f);
  for (const b of s.held) exposure[b] = (exposure[b] as number) + credit;
  return { t: now, held: s.held, exposure, arrivals: s.arrivals.map((a) => a * f) };
}

/** Sets the distances (dollars) of the best resting prices from now on; non-numbers and out-of-range are left out. */
export function holdLiquidity(s: LiquidityState, distances: readonly number[]): LiquidityState {
  const held: number[] = [];
  for (const d of distances) {
    const b = liquidityBin(d);
    if (b !== null) held.push(b);
  }
  return { ...s, held };
}

/** One taker arrival at `distance` (dollars) from theo; a bad or out-of-range distance is ignored. */
export function addArrival(s: LiquidityState, distance: number): LiquidityState {
  const b = liquidityBin(distance);
  if (b === null) return s;
  const arrivals = s.arrivals.slice();
  arrivals[b] = (arrivals[b] as number) + 1;
  return { ...s, arrivals };
}

/** Decayed arrivals observed (the data's weight against `priorTrades`). */
export function observedArrivals(s: LiquidityState): number {
  return s.arrivals.reduce((a, b) => a + b, 0);
}

/**
 * The posterior mode of (A, k). Likelihood: arrivals per bin Poisson with mean exposure·A·e^{−kδ}. Prior,
 * worth `priorTrades` arrivals on each of two separate things, so that it pins what the data cannot tell:
 *  - the level ln λ(δr) at δr, the exposure's mean distance (3¢ with none): variance 1/N₀, as a Poisson
 *    count of N₀ would give (placed where the data speaks, the level's prior does not lean on the slope);
 *  - the slope k: variance k₀²/N₀, as N₀ exponential distances would give the MLE.
 * Exposure in one band only (alone in the book, our own quote's distance) moves the level and leaves k at
 * the prior; k moves only as far as arrivals at different distances say. With no data it is the prior.
 * Newton on (ln A, k), concave; k then bounded to [k₀/f, k₀·f] and A re-fitted at the bounded k.
 */
export const LIQUIDITY_REFERENCE_DISTANCE = 0.03;

export function estimateLiquidity(s: LiquidityState, rule: LiquidityRule): IntensityEstimate {
  const { arrivalRate: a0, k: k0 } = rule.prior;
  const n = observedArrivals(s);
  const n0 = Math.max(0, rule.priorTrades);
  // The level's prior sits where the exposure is (3¢ with none), so that it does not lean on the slope.
  let ew = 0;
  let ewd = 0;
  for (let b = 0; b < LIQUIDITY_BINS; b++) {
    ew += s.exposure[b] as number;
    ewd += (s.exposure[b] as number) * liquidityBinDistance(b);
  }
  const dr = ew > 0 ? ewd / ew : LIQUIDITY_REFERENCE_DISTANCE;
  const u0 = Math.log(a0) - k0 * dr;
  const kLo = k0 / rule.maxFactor;
  const kHi = k0 * rule.maxFactor;
  const w = s.exposure;
  const c = s.arrivals;
  const logPost = (la: number, k: number) => {
    let l = 0;
    for (let b = 0; b < LIQUIDITY_BINS; b++) {
      const wb = w[b] as number;
      const cb = c[b] as number;
      if (wb <= 0 && cb <= 0) continue;
      const x = la - k * liquidityBinDistance(b);
      l += cb * x - wb * Math.exp(x);
    }
    const u = la - k * dr - u0;
    const v = (k - k0) / k0;
    return l - 0.5 * n0 * (u * u + v * v);
  };
  let la = Math.log(a0);
  let k = k0;
  for (let it = 0; it < 50; it++) {
    const u = la - k * dr - u0;
    // The prior's gradient and Hessian.
    let ga = -n0 * u;
    let gk = n0 * u * dr - (n0 * (k - k0)) / (k0 * k0);
    let haa = -n0;
    let hak = n0 * dr;
    let hkk = -n0 * dr * dr - n0 / (k0 * k0);
    for (let b = 0; b < LIQUIDITY_BINS; b++) {
      const wb = w[b] as number;
      const cb = c[b] as number;
      if (wb <= 0 && cb <= 0) continue;
      const d = liquidityBinDistance(b);
      const mu = wb * Math.exp(la - k * d);
      ga += cb - mu;
      gk += -d * (cb - mu);
      haa -= mu;
      hak += d * mu;
      hkk -= d * d * mu;
    }
    const det = haa * hkk - hak * hak;
    if (!(det > 0) || !Number.isFinite(det)) break;
    // Newton: Δ = −H⁻¹g, halved until the posterior does not fall.
    let da = -(hkk * ga - hak * gk) / det;
    let dk = -(-hak * ga + haa * gk) / det;
    const before = logPost(la, k);
    let step = 1;
    while (step > 1e-6 && !(logPost(la + step * da, k + step * dk) >= before)) step /= 2;
    da *= step;
    dk *= step;
    la += da;
    k += dk;
    if (Math.abs(da) < 1e-10 && Math.abs(dk) < 1e-8 * Math.max(1, Math.abs(k))) break;
  }
  if (!Number.isFinite(k) || !Number.isFinite(la)) return { arrivalRate: a0, k: k0, n };
  // A bounded as k is: prints where the book showed nothing of its own (no exposure) would otherwise
  // drive it without limit (2,000 prints at 12¢ against exposure at 3¢ gave A ≈ 3·10¹⁹).
  const aOf = (x: number) => Math.min(a0 * rule.maxFactor, Math.max(a0 / rule.maxFactor, Math.exp(x)));
  if (k >= kLo && k <= kHi) return { arrivalRate: aOf(la), k, n };
  // k at its bound: the level's own optimum there (1-D Newton on ln A).
  const kb = Math.min(kHi, Math.max(kLo, k));
  for (let it = 0; it < 50; it++) {
    let g = -n0 * (la - kb * dr - u0);
    let h = -n0;
    for (let b = 0; b < LIQUIDITY_BINS; b++) {
      const mu = (w[b] as number) * Math.exp(la - kb * liquidityBinDistance(b));
      g += (c[b] as number) - mu;
      h -= mu;
    }
    if (!(h < 0)) break;
    const step = -g / h;
    la += step;
    if (Math.abs(step) < 1e-10) break;
  }
  return { arrivalRate: Number.isFinite(la) ? aOf(la) : a0, k: kb, n };
}
