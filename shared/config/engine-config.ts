/**
 * The trading engine's configuration: one zod schema, documented defaults.
 * Every field has a default so `parseEngineConfig({})` is a valid paper setup;
 * a bad value fails with an error naming the field path (e.g. `limits.nba`).
 *
 * Units: money in Micros, sizes in Centis, time in milliseconds.
 */
import * as z from 'zod';
import { CashConfigSchema } from '../account/cash.ts';
import { SportCatalogueSchema } from '../mapping/sports.ts';
import { DEFAULT_QUOTING_PARAMS, QuotingParamsSchema } from '../pricing/params.ts';
import { DEFAULT_LIMITS, LimitsConfigSchema } from '../risk/limits.ts';
import { sportNamingIssues } from './sport-names.ts';

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

/** Per-sport parameters. The key of the sport in `sports` is also its key in `limits.sports`. */
export const SportConfigSchema = z.object({
  /** Kalshi game-winner series tickers traded for this sport, e.g. ["KXNBAGAME"]. */
  series: z.array(z.string().regex(/^[A-Z0-9-]+$/, 'series ticker must be upper-case A-Z, 0-9, -')).min(1),
  /** Odds API sport key (e.g. "basketball_nba") used to map games to theos. */
  oddsSportKey: z.string().min(1),
});
export type SportConfig = z.infer<typeof SportConfigSchema>;

export const EngineConfigSchema = z
  .object({
    /** Sports to trade, keyed by a short name ("nba", "nfl", ...). */
    sports: z.record(z.string(), SportConfigSchema).default({
      nba: { series: ['KXNBAGAME'], oddsSportKey: 'basketball_nba' },
      nfl: { series: ['KXNFLGAME'], oddsSportKey: 'americanfootball_nfl' },
    }),
    /**
     * Replaces the built-in sport catalogue (shared/mapping/sports.ts: Kalshi series → Odds API
     * sport keys, side family, draw, void); absent: the built-in one.
     */
    sportCatalogue: SportCatalogueSchema.optional(),
    /** Quoting model parameters (shared/pricing/params.ts). */
    quoting: QuotingParamsSchema.default(DEFAULT_QUOTING_PARAMS),
    /** Per-game hard limits per sport (shared/risk/limits.ts): min(cap, max(floor, share × visible depth)). */
    limits: LimitsConfigSchema.default(DEFAULT_LIMITS),
    /** Book levels per side (each market, own orders excluded) counted as visible depth for the limit. */
    depthLevels: positiveInt.default(5),
    /** Prefix of every client_order_id we create: how a restart recognises its own orders. */
    clientOrderPrefix: z
      .string()
      .regex(/^[a-z0-9]{2,12}$/, 'lower-case letters/digits, 2-12 chars')
      .default('kmm'),
    /** Stop quoting a game this long before the earlier of Kalshi's and the odds feed's start time. */
    stopMarginMs: nonNegativeInt.default(5 * 60_000),
    /**
     * Our own quoting ends this long before the stop time, so cancels and their
     * retries (an acknowledged cancel may not have happened) finish before it.
     * Every order also carries the stop time as its exchange-side expiration.
     */
    stopLeadMs: nonNegativeInt.default(30_000),
    /** Theos older than this mean no quotes for the game. */
    theoMaxAgeMs: positiveInt.default(10 * 60_000),
    /** How often theos are re-read from the store. */
    theoPollMs: positiveInt.default(2_000),
    /** Reconciliation period against REST positions and resting orders. */
    reconcileMs: positiveInt.default(10_000),
    /** A position mismatch is only corrected when the market had no local fill this recently (positions lag fills ~1 s). */
    positionLagMs: nonNegativeInt.default(2_000),
    /** Market discovery refresh period. */
    discoveryMs: positiveInt.default(5 * 60_000),
    /** Kill-flag poll period. */
    killPollMs: positiveInt.default(1_000),
    /** Order groups: rolling 15-s matched-contracts limit per game, as a multiple of the game's limit. */
    orderGroupLimitFactor: z.number().positive().max(10).default(1),
    /** A tripped order group is reset this long after the trip (Kalshi counts matches over a rolling 15 s). */
    orderGroupResetMs: positiveInt.default(15_000),
    /** Use amend/decrease to reprice/resize instead of cancel + create. */
    amend: z.boolean().default(true),
    /** Skew (|inventory| / limit) at or beyond which an odds refresh is requested for that event. */
    refreshSkew: z.number().gt(0).max(1).default(0.5),
    /** Minimum interval between two refresh requests for the same event. */
    refreshDebounceMs: nonNegativeInt.default(60_000),
    /**
     * WebSocket down longer than this: cancel every resting order of ours (cancel-until-flat) and
     * pause quoting (`feed-down`) until the feed is back and resynced. Quotes are pulled at once anyway.
     */
    feedDownPauseMs: positiveInt.default(20_000),
    kill: z
      .object({
        /** Reconciliation drift (Centis, any market) that trips the kill switch. */
        maxDrift: positiveInt.default(2_000),
        /**
         * WebSocket down longer than this trips the kill switch. Off by default: an outage pauses
         * quoting (`feedDownPauseMs`) and resumes after it, since exchange maintenance is routine.
         */
        wsDownMs: positiveInt.optional(),
        /** cancel-until-flat gives up after this long. */
        flattenTimeoutMs: positiveInt.default(60_000),
        /** Pause between cancel-all and re-listing during cancel-until-flat. */
        flattenIntervalMs: positiveInt.default(1_000),
        /** Longest the kill switch waits for our in-flight writes to land before its first listing. */
        drainMs: positiveInt.default(2_000),
        /**
         * The kill switch keeps cancelling (cancel-all, by order group, by listed order, re-listing each
         * pass) this long after tripping even once listings look empty: one lying listing must not end it.
         */
        floodMs: nonNegativeInt.default(60_000),
      })
      .default({
        maxDrift: 2_000,
        flattenTimeoutMs: 60_000,
        flattenIntervalMs: 1_000,
        drainMs: 2_000,
        floodMs: 60_000,
      }),
    /**
     * Write budget (Kalshi token bucket): creates/amends/decreases wait for tokens,
     * cancels always go (they only remove risk) but still spend them.
     */
    writeBudget: z
      .object({
        tokensPerSec: positiveInt.default(100),
        capacity: positiveInt.default(100),
        writeCost: positiveInt.default(10),
        cancelCost: positiveInt.default(2),
      })
      .default({ tokensPerSec: 100, capacity: 100, writeCost: 10, cancelCost: 2 }),
    /** Heartbeat metric period. */
    heartbeatMs: positiveInt.default(10_000),
    /** Liveness guard: a game with an unexpected quoting reason and nothing resting this long counts in GamesStalled. */
    stallAfterMs: positiveInt.default(5 * 60_000),
    /** The account's cash: poll period and the buying-power floor that notifies (shared/account/cash.ts). */
    cash: CashConfigSchema.prefault({}),
  })
  .strict();

export type EngineConfig = z.infer<typeof EngineConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: readonly { path: string; message: string }[]) {
    super(`invalid engine config: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses untrusted config; throws ConfigError naming each bad field. */
export function parseEngineConfig(input: unknown): EngineConfig {
  const r = EngineConfigSchema.safeParse(input ?? {});
  if (r.success) {
    const named = sportNamingIssues(r.data.sports, r.data.sportCatalogue);
    if (named.length) throw new ConfigError(named);
    return r.data;
  }
  throw new ConfigError(r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
}
