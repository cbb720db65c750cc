/**
 * Monopsony quotes: where we would quote if nobody else competed.
 *
 * Fills at distance δ from theo arrive as Poisson with intensity A·e^{−kδ}.
 * Three models, selected by `params.model`:
 *
 * - 'as' (Avellaneda–Stoikov 2008, finite horizon τ = time to stop):
 *     V   = p(1−p)                      holdToSettlement (default): the payoff's variance
 *     V   = min(σ²τ, p(1−p))            otherwise: remaining variance to the stop, capped
 *     r   = p − q·γ·V                   reservation price
 *     δ   = ½γV + (1/γ)·ln(1 + γ/k)     half-spread (→ 1/k as γ → 0)
 *   The cap is the research note's §4.1: a martingale probability that settles
 *   at 0 or 1 has remaining variance exactly p(1−p), so σ²τ above that is noise.
 *
 * - 'glft' (Guéant 2017 eqs. 4.6/4.7, asymptotic, lot Δ, ξ = γ):
 *     c1 = (1/(γΔ))·ln(1 + γΔ/k)
 *     c2 = √( γ/(2AΔk) · (1 + γΔ/k)^{k/(γΔ) + 1} )
 *     half-spread = c1 + (Δ/2)·σ·c2,  skew per contract = σ·c2
 *   σ is capped so σ²τ ≤ p(1−p), the same binary bound.
 *
 * - 'linear': fixed half-spread, reservation r = p − skewAtLimit·clip(q/limit, −1, 1).
 *
 * q is the signed directional inventory of this market in contracts (long YES > 0).
 * Output prices are floats in dollars; `snapMonopsony` puts them on the grid
 * away from theo (bid down, ask up). Ceilings, fees and the book are applied by
 * the caller (quote-game).
 */
import { CENTIS_PER_CONTRACT, MICROS_PER_DOLLAR, type Micros } from '../units.ts';
import type { QuotingParams } from './params.ts';
import { ceilToGrid, floorToGrid, nextTick, prevTick, type TickGrid } from './tick-grid.ts';

export interface MonopsonyInput {
  /** Theo probability of YES, in (0, 1). */
  theo: number;
  /** Signed directional inventory, contracts (long YES > 0). */
  inventory: number;
  /** Per-game inventory limit, contracts (> 0); used by 'linear'. */
  limit: number;
  /** Seconds until the stop time (≥ 0). */
  horizonSeconds: number;
}

export interface MonopsonyQuote {
  /** Reservation (indifference) price, dollars. */
  reservation: number;
  /** Distances from theo, dollars (bid = theo − bidDistance, ask = theo + askDistance). */
  bidDistance: number;
  askDistance: number;
  bid: number;
  ask: number;
}

/** (1/γ)·ln(1 + γ/k), the liquidity term; its γ → 0 limit is 1/k. */
export function liquidityTerm(gamma: number, k: number): number {
  if (gamma < 1e-12) return 1 / k;
  return Math.log1p(gamma / k) / gamma;
}

/** Remaining variance of the probability over the horizon, capped at p(1−p). */
export function remainingVariance(theo: number, sigma: number, horizonSeconds: number): number {
  const tau = Math.max(0, horizonSeconds);
  return Math.min(sigma * sigma * tau, theo * (1 - theo));
}

export function avellanedaStoikov(input: MonopsonyInput, params: QuotingParams): MonopsonyQuote {
  const { theo, inventory } = input;
  // Held to settlement, the position's risk is the binary payoff's whole variance whatever τ is.
  const v = params.holdToSettlement
    ? theo * (1 - theo)
    : remainingVariance(theo, params.sigma, input.horizonSeconds);
  const reservation = theo - inventory * params.gamma * v;
  const half = 0.5 * params.gamma * v + liquidityTerm(params.gamma, params.k);
  const bid = reservation - half;
  const ask = reservation + half;
  return { reservation, bidDistance: theo - bid, askDistance: ask - theo, bid, ask };
}

export interface GlftCoefficients {
  c1: number;
  c2: number;
  halfSpread: number;
  skewPerContract: number;
}

export function glftCoefficients(
  theo: number,
  horizonSeconds: number,
  params: QuotingParams,
): GlftCoefficients {
  const lot = params.glftLot / CENTIS_PER_CONTRACT;
  const { gamma, k, arrivalRate: a } = params;
  const x = (gamma * lot) / k;
  const c1 = gamma * lot < 1e-12 ? 1 / k : Math.log1p(x) / (gamma * lot);
  // (1 + x)^{1/x + 1} → e as x → 0; computed in logs to stay finite.
  const power = x < 1e-12 ? Math.E : Math.exp((1 / x + 1) * Math.log1p(x));
  const c2 = Math.sqrt((gamma / (2 * a * lot * k)) * power);
  const sigmaCap = horizonSeconds > 0 ? Math.sqrt((theo * (1 - theo)) / horizonSeconds) : 0;
  const sigma = Math.min(params.sigma, sigmaCap);
  return { c1, c2, halfSpread: c1 + (lot / 2) * sigma * c2, skewPerContract: sigma * c2 };
}

export function glft(input: MonopsonyInput, params: QuotingParams): MonopsonyQuote {
  const c = glftCoefficients(input.theo, input.horizonSeconds, params);
  const reservation = input.theo - c.skewPerContract * input.inventory;
  const bid = reservation - c.halfSpread;
  const ask = reservation + c.halfSpread;
  return { reservation, bidDistance: input.theo - bid, askDistance: ask - input.theo, bid, ask };
}

export function linearSkew(input: MonopsonyInput, params: QuotingParams): MonopsonyQuote {
  const u = input.limit > 0 ? Math.max(-1, Math.min(1, input.inventory / input.limit)) : 0;
  const reservation = input.theo - (params.linearSkewAtLimit / MICROS_PER_DOLLAR) * u;
  const half = params.linearHalfSpread / MICROS_PER_DOLLAR;
  const bid = reservation - half;
  const ask = reservation + half;
  return { reservation, bidDistance: input.theo - bid, askDistance: ask - input.theo, bid, ask };
}

export function monopsonyQuote(input: MonopsonyInput, params: QuotingParams): MonopsonyQuote {
  switch (params.model) {
    case 'as':
      return avellanedaStoikov(input, params);
    case 'glft':
      return glft(input, params);
    case 'linear':
      return linearSkew(input, params);
  }
}

/** Model prices on the grid, away from theo: bid rounds down, ask rounds up; null where no tick exists. */
export function snapMonopsony(q: MonopsonyQuote, grid: TickGrid): { bid: Micros | null; ask: Micros | null } {
  // Rounding the scaled float first to 1e-3 micro keeps binary noise (0.57·1e6 = 569999.99…) from costing a tick.
  const scale = (d: number) => Math.round(d * MICROS_PER_DOLLAR * 1000) / 1000;
  return {
    bid: Number.isFinite(q.bid) ? floorToGrid(grid, scale(q.bid)) : null,
    ask: Number.isFinite(q.ask) ? ceilToGrid(grid, scale(q.ask)) : null,
  };
}

/**
 * Model prices on the grid after the maker fee: the bid is the highest tick b with b + fee(b) ≤ the
 * model bid, the ask the lowest tick a with a − fee(a) ≥ the model ask (params.feeAwareSpread). The
 * model's distances are what a fill should earn; a fee paid out of them moves the optimum out by
 * the fee (δ* = c + 1/k for intensity A·e^{−kδ} and fee c). Walking tick by tick keeps it exact
 * across the fee's cent-rounding jumps; with a zero fee it equals `snapMonopsony`.
 */
export function snapMonopsonyAfterFee(
  q: MonopsonyQuote,
  grid: TickGrid,
  feeAt: (price: Micros) => Micros,
): { bid: Micros | null; ask: Micros | null } {
  const snapped = snapMonopsony(q, grid);
  const target = {
    bid: Math.round(q.bid * MICROS_PER_DOLLAR * 1000) / 1000,
    ask: Math.round(q.ask * MICROS_PER_DOLLAR * 1000) / 1000,
  };
  let bid = snapped.bid;
  while (bid !== null && bid + feeAt(bid) > target.bid) bid = prevTick(grid, bid);
  let ask = snapped.ask;
  while (ask !== null && ask - feeAt(ask) < target.ask) ask = nextTick(grid, ask);
  return { bid, ask };
}
