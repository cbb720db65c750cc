/**
 * The theo-age edge (issue #14), pure. A theo computed L seconds ago, in a market whose fair
 * probability moves with volatility σ (probability per √second), is off by about σ√L by now: the
 * informed taker knows where it went, we do not. So the minimum edge grows with the theo's age:
 *
 *   required = minEdge + theoAgeEdge × σ̂ × √L   (probability → Micros; at most maxMinEdge)
 *
 * σ̂ is estimated online from the theo's own history, per market, never configured per scenario:
 * the realised variance rate of its updates, Σ w·(Δθ)² / Σ w·Δt, decayed with `halfLifeMs`, shrunk
 * towards the model's prior σ (params.sigma) by `priorSeconds` pseudo-seconds. A market whose lines
 * drift all evening learns a large σ̂ and widens as its theo ages between polls; a quiet market keeps
 * the prior's small one. The edge only ever widens: it never goes below minEdge.
 */

/** Decayed sums of one market's theo updates. */
export interface TheoVol {
  /** The last theo seen and its updatedMs (NaN / −∞ before the first). */
  readonly theo: number;
  readonly theoMs: number;
  /** Σ w·(Δθ)², probability². */
  readonly sumSq: number;
  /** Σ w·Δt, seconds. */
  readonly sumDt: number;
}

export const EMPTY_THEO_VOL: TheoVol = {
  theo: Number.NaN,
  theoMs: Number.NEGATIVE_INFINITY,
  sumSq: 0,
  sumDt: 0,
};

export interface TheoVolRule {
  /** Half-life of an update's weight, ms. */
  halfLifeMs: number;
  /** The prior: σ (probability per √s) worth this many seconds of evidence. */
  priorSigma: number;
  priorSeconds: number;
}

/**
 * One update's squared move is clipped to (10¢)²: a larger jump between two polls is news the news
 * guard handles, and one such step must not set the volatility of the next hour.
 */
export const MAX_STEP = 0.1;

/** A gap between updates longer than this counts as this long (an outage is not quiet evidence), s. */
export const MAX_GAP_SECONDS = 600;

const usable = (theo: number) => Number.isFinite(theo) && theo > 0 && theo < 1;

/**
 * The state after seeing `theo` computed at `theoMs`. Only a newer theo is an update; the same
 * snapshot seen again (every decision between polls) changes nothing.
 */
export function stepTheoVol(state: TheoVol, theo: number | null, theoMs: number, rule: TheoVolRule): TheoVol {
  if (theo === null || !usable(theo) || !Number.isFinite(theoMs) || !(theoMs > state.theoMs)) return state;
  if (!usable(state.theo)) return { theo, theoMs, sumSq: state.sumSq, sumDt: state.sumDt };
  const dt = Math.min((theoMs - state.theoMs) / 1_000, MAX_GAP_SECONDS);
  const step = Math.min(Math.abs(theo - state.theo), MAX_STEP);
  const f = 0.5 ** ((theoMs - state.theoMs) / rule.halfLifeMs);
  return { theo, theoMs, sumSq: state.sumSq * f + step * step, sumDt: state.sumDt * f + dt };
}

/** σ̂, probability per √second: the decayed realised variance rate shrunk towards the prior. */
export function theoSigma(state: TheoVol, rule: TheoVolRule): number {
  const prior = Math.max(0, rule.priorSigma);
  const w = Math.max(0, rule.priorSeconds);
  const denom = w + state.sumDt;
  if (!(denom > 0)) return prior;
  return Math.sqrt((w * prior * prior + state.sumSq) / denom);
}

/**
 * The minimum edge, Micros, for a theo `ageMs` old in a market of volatility `sigma`:
 * minEdge + weight × σ√L, never below minEdge, never above max(minEdge, maxMinEdge). Weight 0 (off),
 * an unknown σ or a negative age: minEdge.
 */
export function theoAgeMinEdge(
  minEdge: number,
  maxMinEdge: number,
  weight: number,
  sigma: number,
  ageMs: number,
): number {
  if (!(weight > 0) || !(sigma > 0) || !(ageMs > 0)) return minEdge;
  const seconds = Math.min(ageMs / 1_000, MAX_GAP_SECONDS);
  const extra = Math.round(weight * sigma * Math.sqrt(seconds) * 1_000_000);
  return Math.max(minEdge, Math.min(minEdge + extra, maxMinEdge));
}

/** The quoting params the theo-age edge reads (params.ts). */
export interface TheoAgeParams {
  minEdge: number;
  maxMinEdge: number;
  sigma: number;
  theoAgeEdge: number;
  theoAgeHalfLifeMs: number;
  theoAgePriorSeconds: number;
}

export function theoVolRule(p: TheoAgeParams): TheoVolRule {
  return { halfLifeMs: p.theoAgeHalfLifeMs, priorSigma: p.sigma, priorSeconds: p.theoAgePriorSeconds };
}

/**
 * A game's minimum edge from its theo's age: the largest σ̂ of its markets (the legs of a two-way
 * game mirror each other; a 3-way game's draw moves least) over `minEdge`, which may already carry
 * the dispersion edge (theo-edge.ts).
 */
export function gameTheoAgeMinEdge(
  minEdge: number,
  p: TheoAgeParams,
  vols: readonly (TheoVol | undefined)[],
  now: number,
  theoMs: number,
): number {
  if (!(p.theoAgeEdge > 0)) return minEdge;
  const rule = theoVolRule(p);
  let sigma = 0;
  for (const v of vols) sigma = Math.max(sigma, theoSigma(v ?? EMPTY_THEO_VOL, rule));
  return theoAgeMinEdge(minEdge, Math.max(minEdge, p.maxMinEdge), p.theoAgeEdge, sigma, now - theoMs);
}
