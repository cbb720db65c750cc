/**
 * Per-game hard limits and quote sizes.
 *
 * Limit = min(sport cap, max(sport floor, liquidityShare × visible depth)):
 * thin books get small limits (what we can get out of), never below a floor
 * that keeps quoting meaningful, never above what the sport tolerates. Niche or
 * manipulable sports (esports, college baseball, boxing) have tighter constants.
 * Limits are in contracts (Centis) of the game's exposure spread.
 *
 * The limit binds the WORST CASE: every order in flight (sent, unacknowledged,
 * or uncertain) and every quote filling. A side's quote is the total its one
 * order will hold, so a side whose order is in flight counts the larger of the
 * two. With exposure vector e (see inventory.ts), a bid on outcome i raises e_i
 * and an ask on k lowers e_k, so for all i ≠ k:
 *
 *   (e_i + max(pendingBid_i, bid_i)) − (e_k − max(pendingAsk_k, ask_k)) ≤ limit
 *
 * Two-way game with q = pos_A − pos_B: long side  q + bid_A + ask_B ≤ limit,
 *                                      short side −q + bid_B + ask_A ≤ limit.
 * The adding side shrinks, then vanishes; the reducing side keeps its size.
 */
import * as z from 'zod';
import type { Centis } from '../units.ts';

const zCentis = z.number().int().min(0);

export const SportLimitSchema = z
  .object({
    /** Hard cap, Centis. */
    cap: zCentis,
    /** Minimum limit whatever the depth, Centis. */
    floor: zCentis,
    /** Share of the visible depth we may hold. */
    liquidityShare: z.number().finite().min(0).max(100),
  })
  .refine((s) => s.floor <= s.cap, { message: 'floor must not exceed cap', path: ['floor'] });
export type SportLimit = z.infer<typeof SportLimitSchema>;

/**
 * Per-sport constants, in the design's order (docs/GUARDS.md "Limits by sport"). Keys are the
 * sport ids of the catalogue (shared/mapping/sports.ts), which are the engine's `sports` keys.
 * - major leagues: deep books, public information, loosest;
 * - second tier (WNBA, colleges' big sports, top soccer leagues, tour-level tennis): thinner
 *   books, more team news that moves before the books do;
 * - third tier (smaller leagues, UFC): thin books, late line-up and weigh-in news;
 * - boxing: missed weight, disqualifications, voided fights;
 * - niche and insider-prone (esports, college baseball, challenger/ITF tennis): tightest.
 */
const MAJOR: SportLimit = { cap: 50_000, floor: 2_000, liquidityShare: 0.5 };
const SECOND: SportLimit = { cap: 25_000, floor: 1_000, liquidityShare: 0.4 };
const THIRD: SportLimit = { cap: 15_000, floor: 1_000, liquidityShare: 0.35 };
const BOXING: SportLimit = { cap: 5_000, floor: 500, liquidityShare: 0.25 };
const NICHE: SportLimit = { cap: 5_000, floor: 500, liquidityShare: 0.25 };
const LOWER_TENNIS: SportLimit = { cap: 3_000, floor: 300, liquidityShare: 0.2 };

export const DEFAULT_SPORT_LIMITS: Readonly<Record<string, SportLimit>> = {
  nba: MAJOR,
  nfl: MAJOR,
  mlb: MAJOR,
  nhl: MAJOR,
  epl: MAJOR,
  wnba: SECOND,
  ncaaf: SECOND,
  ncaamb: SECOND,
  ucl: SECOND,
  laliga: SECOND,
  seriea: SECOND,
  bundesliga: SECOND,
  ligue1: SECOND,
  atp: SECOND,
  wta: SECOND,
  ncaawb: THIRD,
  mls: THIRD,
  ligamx: THIRD,
  euroleague: THIRD,
  ahl: THIRD,
  khl: THIRD,
  afl: THIRD,
  cricket_t20: THIRD,
  ufc: THIRD,
  mma: THIRD,
  boxing: BOXING,
  esports: NICHE,
  college_baseball: NICHE,
  tennis_challenger: LOWER_TENNIS,
};

export const LimitsConfigSchema = z.object({
  /**
   * A sport with no entry of its own (a new sport, or a config whose `sports` map replaces the
   * defaults): the third tier, never the majors' — an unknown sport is not a deep one.
   */
  default: SportLimitSchema.default({ ...THIRD }),
  sports: z.record(z.string(), SportLimitSchema).default({ ...DEFAULT_SPORT_LIMITS }),
});
export type LimitsConfig = z.infer<typeof LimitsConfigSchema>;

export const DEFAULT_LIMITS: LimitsConfig = LimitsConfigSchema.parse({});

export function sportLimit(config: LimitsConfig, sport: string): SportLimit {
  return config.sports[sport] ?? config.default;
}

/**
 * Hard per-game limit, Centis. `visibleDepth` = contracts resting on the game's
 * books near the top (the engine decides the window), Centis; bad input → floor.
 */
export function gameLimit(config: LimitsConfig, sport: string, visibleDepth: Centis): Centis {
  const s = sportLimit(config, sport);
  const depth = Number.isFinite(visibleDepth) && visibleDepth > 0 ? visibleDepth : 0;
  const fromLiquidity = Math.floor(s.liquidityShare * depth);
  return Math.min(s.cap, Math.max(s.floor, fromLiquidity));
}

export interface SideSizes {
  bid: Centis;
  ask: Centis;
}

/**
 * Size of a side given directional inventory q (Centis) of its market: the side
 * that adds exposure (bid when long, ask when short) shrinks linearly to 0 at
 * the limit; the reducing side keeps the base size.
 */
export function taperedSizes(base: Centis, q: number, limit: Centis): SideSizes {
  if (limit <= 0) return { bid: 0, ask: 0 };
  const shrink = (x: number) => Math.max(0, Math.floor(base * (1 - Math.min(1, x / limit))));
  return { bid: q > 0 ? shrink(q) : base, ask: q < 0 ? shrink(-q) : base };
}

/** max over i ≠ k of (e_i + max(pendingBid_i, bid_i)) − (e_k − max(pendingAsk_k, ask_k)): the worst-case exposure spread. */
export function worstCaseSpread(
  exposure: readonly Centis[],
  pending: readonly SideSizes[],
  sizes: readonly SideSizes[],
): Centis {
  let worst = Number.NEGATIVE_INFINITY;
  const up = exposure.map((e, i) => e + Math.max(pending[i]?.bid ?? 0, sizes[i]?.bid ?? 0));
  const down = exposure.map((e, k) => e - Math.max(pending[k]?.ask ?? 0, sizes[k]?.ask ?? 0));
  for (let i = 0; i < exposure.length; i += 1) {
    for (let k = 0; k < exposure.length; k += 1) {
      if (i !== k) worst = Math.max(worst, (up[i] as number) - (down[k] as number));
    }
  }
  return worst === Number.NEGATIVE_INFINITY ? 0 : worst;
}

/**
 * Cuts desired sizes until the worst case fits the limit. `exposure` may be
 * longer than `desired` (an implicit outcome without a market). Only ever
 * reduces; sizes are rounded down to `step`.
 *
 * `pending` is the size of each side's own order in flight (sent, not yet
 * acknowledged, or uncertain): it may already be filled, so it counts against
 * the limit. The side's desired size is a TOTAL that will be written to that
 * same order once it settles, so the side's worst case is max(pending, size),
 * not their sum: adding them made every side shrink while its own write was
 * in flight and grow back once it landed, one write after another.
 */
export function fitSizesToLimit(
  exposure: readonly Centis[],
  pending: readonly SideSizes[],
  desired: readonly SideSizes[],
  limit: Centis,
  step: Centis,
): SideSizes[] {
  const n = exposure.length;
  const down = (x: number) => Math.floor(x / step) * step;
  const upStep = (x: number) => Math.ceil(x / step) * step;
  const sizes: SideSizes[] = exposure.map((_, i) => ({
    bid: down(Math.max(0, desired[i]?.bid ?? 0)),
    ask: down(Math.max(0, desired[i]?.ask ?? 0)),
  }));
  const pb = exposure.map((_, i) => Math.max(0, pending[i]?.bid ?? 0));
  const pa = exposure.map((_, k) => Math.max(0, pending[k]?.ask ?? 0));
  // One pass suffices: every cut only lowers other pairs' totals. Cuts are whole
  // steps, so sizes stay on the step and no room is lost to a final rounding.
  for (let i = 0; i < n; i += 1) {
    for (let k = 0; k < n; k += 1) {
      if (i === k) continue;
      const si = sizes[i] as SideSizes;
      const sk = sizes[k] as SideSizes;
      const excess = () =>
        (exposure[i] as number) +
        Math.max(pb[i] as number, si.bid) -
        (exposure[k] as number) +
        Math.max(pa[k] as number, sk.ask) -
        limit;
      // A cut helps only down to the side's pending size (below it the order in flight is the worst case).
      const roomBid = () => Math.max(0, si.bid - (pb[i] as number));
      const roomAsk = () => Math.max(0, sk.ask - (pa[k] as number));
      let x = excess();
      if (x <= 0) continue;
      si.bid -= Math.min(si.bid, upStep(Math.min(roomBid(), x / 2)));
      x = excess();
      if (x <= 0) continue;
      sk.ask -= Math.min(sk.ask, upStep(Math.min(roomAsk(), x)));
      x = excess();
      if (x > 0) si.bid -= Math.min(si.bid, upStep(Math.min(roomBid(), x)));
    }
  }
  return sizes.slice(0, desired.length);
}
