/**
 * Quoting parameters: one zod schema, documented defaults. Units:
 * - prices/edges in Micros (1¢ = 10_000), sizes in Centis (1 contract = 100);
 * - model parameters in dollars and seconds: k per dollar of distance, A fills
 *   per second at distance 0, σ in probability units per √second, γ per dollar
 *   per contract (CARA risk aversion on P&L in dollars, inventory in contracts).
 */
import * as z from 'zod';
import { SWEEP_RELEASES, SWEEP_SCOPES } from './sweep-guard.ts';

export const QUOTE_MODELS = ['as', 'glft', 'linear'] as const;
export type QuoteModel = (typeof QUOTE_MODELS)[number];

export const QuotingParamsSchema = z.object({
  /** 'as' finite-horizon Avellaneda–Stoikov; 'glft' Guéant asymptotic closed form; 'linear' fixed spread + linear skew. */
  model: z.enum(QUOTE_MODELS).default('as'),
  /**
   * Risk aversion γ (1/$ per contract). With holdToSettlement the variance is the binary
   * payoff's p(1−p), so the skew is γ·p(1−p) per contract: 0.004 → 0.1¢ per contract at
   * p = 0.5 (1¢ at 10 contracts, 3¢ at 30), and ½γ·p(1−p) ≈ 0.05¢ of extra half-spread.
   */
  gamma: z.number().finite().min(0).max(1_000).default(0.004),
  /**
   * 'as' risk horizon. true: the variance the inventory carries is the settlement payoff's,
   * p(1−p) — we stop quoting before the game and HOLD what we have to settlement, so the
   * risk does not shrink as the stop time nears (σ²·τ-to-stop would, and left the book
   * unskewed: 0.03¢ at 17 contracts 15 min out with the old defaults). false: σ²τ to the
   * stop, capped at p(1−p) (a maker that can unwind at the stop).
   */
  holdToSettlement: z.boolean().default(true),
  /** Arrival decay k per dollar: fills fall e-fold every 1/k. 40 → 2.5¢; the risk-neutral half-spread is ≈ 1/k. */
  k: z.number().finite().positive().max(100_000).default(40),
  /**
   * The model's half-spread is the distance it wants to EARN, so it is measured after the maker fee:
   * against fills at intensity A·e^{−kδ} that pay a fee c per contract, the edge per unit time
   * (δ − c)·e^{−kδ} peaks at δ = c + 1/k, not 1/k. true: the monopsony bid is the highest tick b
   * with b + fee(b) ≤ model bid (the ask mirrored); false: the fee is ignored there (the ceilings
   * still charge it). Without maker fees both are the same. On by default (docs/STRATEGY-RESULTS.md §8).
   */
  feeAwareSpread: z.boolean().default(true),
  /** Arrival scale A (fills per second at δ = 0); used by 'glft' only. */
  arrivalRate: z.number().finite().positive().max(1_000).default(0.005),
  /**
   * Liquidity from the market (worker/engine/liquidity-tape.ts; issue #14): k and A per game fitted online
   * from the public trade tape and the book's exposure (shared/pricing/estimation.ts estimateLiquidity),
   * shrunk to `k` and `arrivalRate` (the sport's prior). false: the config's k and A.
   */
  liquidityEstimate: z.boolean().default(false),
  /** The prior's weight, in taker arrivals: a game with fewer arrivals than this is mostly the prior. */
  liquidityPriorTrades: z.number().finite().min(0).max(100_000).default(20),
  /** Exposure and arrivals halve every this many ms. */
  liquidityHalfLifeMs: z.number().int().positive().max(86_400_000).default(3_600_000),
  /** The estimated k and A stay within [x/f, x·f] of the prior (a thin tape never makes the model quote at 0 or ∞). */
  liquidityMaxFactor: z.number().finite().min(1).max(100).default(3),
  /** σ of theo, probability units per √second (0.0003 ≈ 3.1 points over 3 h). Bounded by p(1−p) over the horizon. */
  sigma: z.number().finite().min(0).max(1).default(0.0003),
  /** GLFT lot Δ in Centis (one quote's size). */
  glftLot: z.number().int().positive().default(1_000),
  /** 'linear': half-spread around the reservation price, Micros. */
  linearHalfSpread: z.number().int().min(0).max(500_000).default(30_000),
  /** 'linear': reservation shift at the limit (|q| = limit), Micros; skew = this × q/limit. */
  linearSkewAtLimit: z.number().int().min(0).max(500_000).default(20_000),
  /**
   * Minimum edge vs theo after the maker fee, Micros (ceilings). 2¢: against takers who
   * trade with probability e^{−kδ} (k ≈ 0.35/¢ in the shipped scenarios, ≈ 0.4/¢ our default)
   * the edge per arrival δ·e^{−kδ} is 0.70 at 1¢ but 1.0 at 2¢ (optimum 1.05 at ≈ 2.9¢), and
   * the extra cent is the first thing a stale theo gives away to informed takers.
   */
  minEdge: z.number().int().min(0).max(500_000).default(20_000),
  /**
   * Extra minimum edge per unit of the theo's book dispersion (shared/pricing/theo-edge.ts):
   * minEdge + dispersionEdge × dispersion (probability → Micros). 0 = a flat minEdge.
   */
  dispersionEdge: z.number().finite().min(0).max(20).default(0),
  /** The theo-quality minimum edge never goes past this, Micros. */
  maxMinEdge: z.number().int().min(0).max(500_000).default(60_000),
  /**
   * Theo-age edge (shared/pricing/theo-age.ts; issue #14): the minimum edge grows by this × σ̂√L, L the
   * theo's age in seconds and σ̂ its own realised volatility per √s (online, per market, shrunk to
   * `sigma`); capped by maxMinEdge. 0 = off.
   */
  theoAgeEdge: z.number().finite().min(0).max(20).default(0),
  /** Half-life of a theo update's weight in σ̂, ms. */
  theoAgeHalfLifeMs: z.number().int().positive().max(86_400_000).default(1_800_000),
  /** σ̂'s prior: `sigma` worth this many seconds of theo history. */
  theoAgePriorSeconds: z.number().finite().min(0).max(86_400).default(600),
  /**
   * Stale competitor (shared/pricing/stale-competitor.ts): a side does not follow the others' best
   * once our theo moved against that unchanged level by minEdge since it was first seen.
   */
  staleCompetitor: z.boolean().default(false),
  /**
   * The others' opposite best on the wrong side of theo is the reference: an ask earns the minimum
   * edge over max(theo, their best bid), a bid over min(theo, their best ask) (stale-competitor.ts).
   */
  bookReference: z.boolean().default(false),
  /**
   * Extra edge, Micros, for buying a longshot: a bid when theo < longshotBelow, or an ask
   * (≡ buying NO on the longshot side) when theo > 1 − longshotBelow. Kalshi contracts under
   * 10¢ lose takers > 60 % on average (favourite–longshot bias, research §4.5).
   */
  longshotExtraEdge: z.number().int().min(0).max(500_000).default(10_000),
  longshotBelow: z.number().finite().min(0).max(0.5).default(0.1),
  /** Do not quote a market whose theo is outside [minTheo, 1 − minTheo] (longshot bias, tick dominance). */
  minTheo: z.number().finite().min(0).max(0.5).default(0.03),
  /** Competitive mode: improve the best price by this many ticks (0 = join). */
  improveTicks: z.number().int().min(0).max(5).default(1),
  /** Competitive mode ignores a best level smaller than this, Centis (a 0.01-contract bait order does not lead us). */
  minCompetitorSize: z.number().int().min(0).default(100),
  /** Full size of one quote, Centis. */
  baseSize: z.number().int().positive().default(1_000),
  /** Sizes are multiples of this, Centis (100 = whole contracts). */
  sizeStep: z.number().int().positive().default(100),
  /** A side smaller than this (after tapering and limits) is not quoted, Centis. */
  minSize: z.number().int().positive().default(100),
  /**
   * true: the side adding to inventory shrinks linearly to 0 at the limit (risk/limits taperedSizes);
   * false: it keeps baseSize and only the limit (fitSizesToLimit) cuts it. The taper gives up +EV
   * fills for lower variance, which a risk-neutral ruler scores as pure cost (docs/STRATEGY-RESULTS.md §8).
   */
  taperAddingSide: z.boolean().default(true),
  /**
   * With the taper on, how much of it a side carries follows the toxicity of its direction
   * (shared/pricing/toxicity.ts): none while our recent fills that way marked out benign against
   * the theo, the whole taper once their adverse markout per contract reaches the minimum edge.
   * false: the blind taper (every side carries all of it).
   */
  toxicityTaper: z.boolean().default(true),
  /**
   * A side's expected adverse markout (toxicity.ts, when positive) is a cost per contract, like the
   * maker fee: the monopsony price moves out by it (δ* = fee + adverse + 1/k) and the ceilings demand
   * the minimum edge after it. Independent of the taper.
   */
  toxicityEdge: z.boolean().default(false),
  /**
   * 'direction': a side's toxicity is its direction's alone (buying A ≡ selling B); 'game': every fill
   * of the game in either direction — informed flow on a game is evidence about the game, while the
   * direction of its next piece of news is not known in advance.
   */
  toxicityScope: z.enum(['direction', 'game']).default('game'),
  /**
   * 'lot': with `toxicityTaper`, a side carries at least baseSize / limit of the taper (the share of the
   * limit one quote takes; toxicity.ts lotTaperFloor), whatever its markouts. 'none': the markouts alone.
   */
  toxicityTaperFloor: z.enum(['none', 'lot']).default('lot'),
  /**
   * The inventory skew (γ) carries the size taper's weight (evidence-skew.ts): the game's worst
   * expected adverse markout over the minimum edge, at least the taper's floor, all of it while a news
   * hold stands. false: the whole γ always. Needs `toxicityTaper` (the markouts) to see any evidence.
   */
  skewEvidence: z.boolean().default(false),
  /** A fill is marked against the theo this long after it, ms: past one odds poll (60 s) and the books' lag behind sharp money. */
  toxicityHorizonMs: z.number().int().positive().max(3_600_000).default(120_000),
  /** Half-life of a marked fill's weight in the toxicity estimate, ms. */
  toxicityHalfLifeMs: z.number().int().positive().max(86_400_000).default(300_000),
  /** Prior of the toxicity estimate: this many contracts at an adverse markout of 0 (one base-size fill moves it half way). */
  toxicityPriorContracts: z.number().finite().min(0).max(100_000).default(10),
  /** The prior's adverse markout per contract, probability: what a game with no marked fills is presumed to be (0: benign). */
  toxicityPriorAdverse: z.number().finite().min(-0.1).max(0.1).default(0),
  /** Break-even mode starts when |inventory| ≥ this share of the limit. */
  breakEvenShare: z.number().finite().min(0).max(1).default(0.6),
  /**
   * Quoter memory (worker/engine/adapters/quoter.ts). A side stays competitive this long after
   * we last saw someone join or beat our resting price there, ms: a few of a rival's requote
   * cycles, short against a pre-game window of tens of minutes.
   */
  competitionMemoryMs: z.number().int().min(0).max(3_600_000).default(60_000),
  /** Sweep guard (shared/pricing/sweep-guard.ts): net one-way fills, Centis, that pull a side… */
  sweepSize: z.number().int().positive().default(1_000),
  /** …within this window, ms. */
  sweepWindowMs: z.number().int().positive().max(3_600_000).default(30_000),
  /** 'leg': each market's own fills; 'game': a two-way game's fills by direction (bid on A ≡ ask on B). */
  sweepScope: z.enum(SWEEP_SCOPES).default('leg'),
  /** 'theo-update': any newer theo releases the guard; 'theo-moved': only a theo that moved the fills' way by minEdge. */
  sweepRelease: z.enum(SWEEP_RELEASES).default('theo-update'),
  // ---- News guard (shared/pricing/news-guard.ts; issue #14, docs/STRATEGY-RESULTS.md §14) ----
  /**
   * Net one-way contracts, Centis, taken across a game within `newsWindowMs` that make a sweep: the
   * worker asks for the game's odds at once and the quoter holds the swept direction on every leg.
   * 0 = off. More than one full quote (baseSize) one way within seconds is more than one retail taker.
   * On by default at 15 contracts (docs/STRATEGY-RESULTS.md §14: +2.06 $ a run on injury-shock, t 5.7).
   */
  newsSweepSize: z.number().int().min(0).default(1_500),
  /** A sweep also asks for the game's odds at once (an Odds API call, debounced); false: the hold alone. */
  newsRefresh: z.boolean().default(true),
  /** The sweep's window, ms: informed takers sweep within seconds of the news. */
  newsWindowMs: z.number().int().positive().max(600_000).default(5_000),
  /** A held direction is released once the theo moved the fills' way by minEdge, or after this, ms. */
  newsHoldMs: z.number().int().positive().max(3_600_000).default(120_000),
  /**
   * Lean the theo this share of the way to the sharp book while the aggregator marks other books
   * as lagging behind it (the snapshot's `sharpLean`). 0 = the consensus as it is.
   */
  sharpLean: z.number().finite().min(0).max(1).default(0),
  /**
   * Sweep lean (shared/pricing/flow-lean.ts): while a news hold stands, the theo the game is quoted on is
   * at least this many minimum edges beyond the sweep's theo, the swept way (the held side stays pulled;
   * the other side follows the price). 0 = off.
   */
  newsLean: z.number().finite().min(0).max(5).default(0),
  // ---- Rival informedness (shared/pricing/rival-markout.ts; issue #14, docs/STRATEGY-RESULTS.md §20) ----
  /**
   * Judge the others' quote by its markouts: how far our theo went on to close the gap between their
   * middle and our theo, `rivalHorizonMs` later (β, per game). The theo leans towards their view by
   * β × the gap (at most `rivalLeanMax` minimum edges), and past β `rivalTrust` the side their view warns
   * against does not join or improve their best. false: rivals are followed on price alone.
   */
  rivalInformed: z.boolean().default(false),
  /** The rival lean's bound, in minimum edges. */
  rivalLeanMax: z.number().finite().min(0).max(5).default(1),
  /** β from which the side an informed rival's view warns against stops following the others' best (above 1: never). */
  rivalTrust: z.number().finite().min(0).max(2).default(0.25),
  /** A rival's disagreement is marked against our theo this long after it, ms (past a poll and the books' lag). */
  rivalHorizonMs: z.number().int().positive().max(3_600_000).default(120_000),
});
export type QuotingParams = z.infer<typeof QuotingParamsSchema>;

export const DEFAULT_QUOTING_PARAMS: QuotingParams = QuotingParamsSchema.parse({});

/** Parses untrusted params; the error names the field. */
export function parseQuotingParams(
  input: unknown,
): { ok: true; params: QuotingParams } | { ok: false; error: string } {
  const r = QuotingParamsSchema.safeParse(input);
  if (r.success) return { ok: true, params: r.data };
  const issue = r.error.issues[0];
  return { ok: false, error: `quoting.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
}
