/**
 * Configuration of the strike theo (strike-theo.ts): per-sport shape priors,
 * fit bounds and refusal thresholds, the book checks, wider-edge and
 * key-number rules. Every field has a default (`StrikeTheoConfigSchema.parse({})`).
 *
 * The schemas are built on first use (`z.lazy`, which memoises what it builds):
 * only the ladder path reads them, and building them at import was part of every
 * odds Lambda's cold start (issue #16). The default is a plain literal, not a parse
 * at import; test/shared/default-configs.test.ts keeps it equal to
 * `StrikeTheoConfigSchema.parse({})`.
 */
import * as z from 'zod';

/** Per-sport priors of the shape (points/runs/goals). Sources in docs/PRICING.md. */
const sportShapeSchema = () =>
  z.object({
    /** prior σ of the final margin about its mean */
    marginSd: z.number().positive(),
    /** prior σ of the combined score about its mean */
    totalSd: z.number().positive(),
    /** overtime/extra innings decide: the margin is never 0 */
    noTies: z.boolean(),
  });
export const SportShapeSchema = z.lazy(sportShapeSchema);
export type SportShape = z.infer<typeof SportShapeSchema>;

const strikeTheoConfigSchema = () =>
  z.object({
    sports: z.record(z.string(), sportShapeSchema()).default({
      americanfootball_nfl: { marginSd: 13.86, totalSd: 13.5, noTies: true },
      americanfootball_ncaaf: { marginSd: 16, totalSd: 16, noTies: true },
      basketball_nba: { marginSd: 12, totalSd: 18, noTies: true },
      basketball_wnba: { marginSd: 11, totalSd: 15, noTies: true },
      basketball_ncaab: { marginSd: 10, totalSd: 15, noTies: true },
      baseball_mlb: { marginSd: 4.4, totalSd: 4.4, noTies: true },
      icehockey_nhl: { marginSd: 2.3, totalSd: 2.3, noTies: true },
    }),
    /** σ is searched within [prior·min, prior·max] */
    minSdFactor: z.number().positive().default(0.6),
    maxSdFactor: z.number().positive().default(1.8),
    priorStrength: z.number().nonnegative().default(0.00005),
    /** refuse a fit whose weighted RMS error on the lines exceeds this (probability) */
    maxRmsError: z.number().positive().default(0.02),
    /** refuse a fit that prices any line this far outside its book's vig band */
    maxOutsideVig: z.number().positive().default(0.02),
    /** under a poor fit, books with lines beyond maxOutsideVig are dropped and the fit redone if they hold at most this share of the weight */
    maxOffConsensusWeight: z.number().min(0).max(1).default(0.34),
    /** a book's spread lines may imply a mean at most this many prior σ from its own moneyline's */
    contradictionSd: z.number().positive().default(0.3),
    /** a book's main total may be at most this many prior σ from the median of the books' */
    totalOutlierSd: z.number().positive().default(0.3),
    /** a book's lines of one kind may rise with the strike by at most this much (rounding and noise; in a no-tie sport the ±0.5 lines are the same bet) */
    monotoneTolerance: z.number().nonnegative().default(0.02),
    /** a strike within this many σ of a line the fit used is priced by the books */
    nearLineSd: z.number().nonnegative().default(0.25),
    /** beyond nearLineSd: this much extra edge (probability) per σ of distance, capped */
    extraEdgePerSd: z.number().nonnegative().default(0.02),
    maxExtraEdge: z.number().nonnegative().default(0.05),
    /** margins that pile up (football): a strike across one of these from its nearest line is wide */
    keyNumbers: z.record(z.string(), z.array(z.number().int().positive())).default({
      americanfootball_nfl: [3, 7, 10, 14],
      americanfootball_ncaaf: [3, 7, 10, 14],
    }),
    /** extra edge (probability) per key number crossed */
    keyNumberEdge: z.number().nonnegative().default(0.02),
    /** a margin without key masses (no `keyMargins` entry for its sport): more key numbers than this between a strike and its nearest line, no theo for the strike */
    maxKeyNumbersCrossed: z.number().int().nonnegative().default(0),
    /**
     * Sports whose margin is the key-number model (key-margin.ts: the historical
     * NFL key weights at prior strength κ, fitted to the spread lines): it prices
     * strikes across key numbers. NCAAF at half strength (its margins pile up on
     * the same numbers, less: wider spreads, more two-point tries).
     */
    keyMargins: z
      .record(z.string(), z.object({ strength: z.number().min(0).max(2) }))
      .default({ americanfootball_nfl: { strength: 1 }, americanfootball_ncaaf: { strength: 0.5 } }),
    /** κ is searched in [0, maxKeyStrength] */
    maxKeyStrength: z.number().min(0).max(4).default(2),
    /** weight of (κ − prior)² against the mean squared probability error (1e-4: moving κ by 1 costs as much as a 1¢ RMS miss) */
    keyStrengthPrior: z.number().nonnegative().default(0.0001),
    /** price a strike from the books' consensus where they quote it, the model only between and beyond (anchored-curve.ts) */
    anchorToBooks: z.boolean().default(true),
    /** a poor model fit is overruled when the books quote at least 5 strikes no further apart than this many σ and their consensus reproduces every line within vig */
    denseGapSd: z.number().nonnegative().default(0.1),
    /** no spread line from any book: refuse the margin rather than price it from the moneyline and a prior σ alone */
    requireSpreadLines: z.boolean().default(true),
  });
export const StrikeTheoConfigSchema = z.lazy(strikeTheoConfigSchema);
export type StrikeTheoConfig = z.infer<typeof StrikeTheoConfigSchema>;

/** `StrikeTheoConfigSchema.parse({})`, written out. */
export const DEFAULT_STRIKE_THEO_CONFIG: StrikeTheoConfig = {
  sports: {
    americanfootball_nfl: { marginSd: 13.86, totalSd: 13.5, noTies: true },
    americanfootball_ncaaf: { marginSd: 16, totalSd: 16, noTies: true },
    basketball_nba: { marginSd: 12, totalSd: 18, noTies: true },
    basketball_wnba: { marginSd: 11, totalSd: 15, noTies: true },
    basketball_ncaab: { marginSd: 10, totalSd: 15, noTies: true },
    baseball_mlb: { marginSd: 4.4, totalSd: 4.4, noTies: true },
    icehockey_nhl: { marginSd: 2.3, totalSd: 2.3, noTies: true },
  },
  minSdFactor: 0.6,
  maxSdFactor: 1.8,
  priorStrength: 0.00005,
  maxRmsError: 0.02,
  maxOutsideVig: 0.02,
  maxOffConsensusWeight: 0.34,
  contradictionSd: 0.3,
  totalOutlierSd: 0.3,
  monotoneTolerance: 0.02,
  nearLineSd: 0.25,
  extraEdgePerSd: 0.02,
  maxExtraEdge: 0.05,
  keyNumbers: {
    americanfootball_nfl: [3, 7, 10, 14],
    americanfootball_ncaaf: [3, 7, 10, 14],
  },
  keyNumberEdge: 0.02,
  maxKeyNumbersCrossed: 0,
  keyMargins: { americanfootball_nfl: { strength: 1 }, americanfootball_ncaaf: { strength: 0.5 } },
  maxKeyStrength: 2,
  keyStrengthPrior: 0.0001,
  anchorToBooks: true,
  denseGapSd: 0.1,
  requireSpreadLines: true,
};
