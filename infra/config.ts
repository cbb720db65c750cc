/**
 * Deploy-time configuration: defaults below, overridable with CDK context
 * (`cdk synth -c kalshiMm='{"shards":2}'` or a `kalshiMm` object in cdk.context.json).
 * Validated with zod so a typo fails the synth with the field's name.
 */
import { z } from 'zod';
import { ConfigError, type EngineConfig, parseEngineConfig } from '../shared/config/engine-config.ts';
import { ladderSportsConfigSchema } from '../shared/config/ladder-sports.ts';
import { acceptsOddsKey, DEFAULT_SPORT_CATALOGUE } from '../shared/mapping/sports.ts';
import { tournamentSportOf } from '../shared/odds/poll-keys.ts';

export const sportPollSchema = z.object({
  /** Odds API sport key. */
  sportKey: z.string().regex(/^[a-z0-9_]+$/),
  /** 1 = most important. Sports are polled in priority order. */
  priority: z.number().int().min(1).max(9),
  /** Poll this sport only while at least this many Odds API credits remain. */
  minCredits: z.number().int().nonnegative(),
});

export const deployConfigSchema = z.object({
  /** Prefix for physical names that must be known before deploy (alarms, dashboard, bus). */
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/)
    .default('prod'),
  /** Worker shards: one Fargate service (one task) each; games go to shards by a stable hash. */
  shards: z.number().int().min(1).max(16).default(1),
  /**
   * Spread/total ladders (issue #17): `none` (default, winners only), `all` (every sport with a Kalshi
   * ladder series) or Odds API sport keys. One key for both sides: the odds Lambdas request and fit
   * spreads/totals for these sports (ODDS_LADDER_SPORTS; 3 credits a call instead of 1) and the worker
   * lists and quotes their strike markets (LADDER_SPORTS).
   */
  ladderSports: ladderSportsConfigSchema,
  worker: z
    .object({
      cpu: z.union([z.literal(256), z.literal(512), z.literal(1024), z.literal(2048)]).default(512),
      memoryMiB: z.number().int().min(512).max(8192).default(1024),
      /** Kalshi environment the worker trades on. */
      kalshiEnv: z.enum(['demo', 'prod']).default('demo'),
      /**
       * Run the worker (desiredCount 1 per shard). Off by default: the first deploy creates the
       * Kalshi secret with a placeholder the worker refuses, so its tasks could only crash-loop
       * until the circuit breaker rolled the deployment back. Put the real key in, then deploy
       * again with `worker.enabled: true` (docs/DEPLOY.md). While off, the heartbeat alarm treats
       * missing data as OK, so nothing kills trading that is not running.
       */
      enabled: z.boolean().default(false),
      /**
       * The worker's engine configuration (shared/config/engine-config.ts; every field has a
       * default), passed as ENGINE_CONFIG. Validated at synth: a bad field fails the synth, not the task.
       */
      engine: z.record(z.string(), z.unknown()).optional(),
    })
    .prefault({}),
  odds: z
    .object({
      /**
       * Run the odds schedule and the refresh rule. Default: `worker.enabled`. Between the two
       * deploy steps the Odds API secret holds a random placeholder, so a poll would only get a 401
       * every interval and page. Set it true earlier to check the key before the worker starts.
       */
      enabled: z.boolean().optional(),
      /** How often odds-poll runs. */
      pollEveryMinutes: z.number().int().min(1).max(1440).default(30),
      baseUrl: z.url().default('https://api.the-odds-api.com'),
      /** At most 10 books = 1 region's worth of credits per call. */
      bookmakers: z
        .array(z.string().regex(/^[a-z0-9_]+$/))
        .min(1)
        .max(10),
      sports: z.array(sportPollSchema).min(1),
      /** Only games starting within this many hours are priced. */
      horizonHours: z.number().int().min(1).max(168).default(36),
      refreshDebounceSeconds: z.number().int().min(5).max(3600).default(60),
      /** On-demand refreshes of one event per hour, at most (each costs credits). */
      refreshMaxPerEventPerHour: z.number().int().min(1).max(60).default(4),
      /**
       * Credits odds-refresh never touches, kept for the scheduled polls. Default: a week of
       * scheduled polls (every sport, 1 credit per call).
       */
      refreshCreditReserve: z.number().int().nonnegative().optional(),
      /**
       * The worker stops quoting a game whose theo is older than this (minutes). Default: two
       * polls plus 5 minutes (one missed poll is tolerated), at most 6 h. Must exceed the poll
       * interval, or every game would be unquotable for part of each interval.
       */
      theoMaxAgeMinutes: z.number().int().min(2).max(720).optional(),
    })
    .prefault({
      bookmakers: [
        'pinnacle',
        'draftkings',
        'fanduel',
        'betmgm',
        'williamhill_us',
        'betrivers',
        'lowvig',
        'betonlineag',
      ],
      // The sports the worker trades by default (engine config `sports`): credits go where quotes do.
      sports: [
        { sportKey: 'basketball_nba', priority: 1, minCredits: 0 },
        { sportKey: 'americanfootball_nfl', priority: 1, minCredits: 0 },
      ],
    }),
  alarms: z
    .object({
      /** Optional e-mail subscribed to the alarm topic. */
      email: z.email().optional(),
      /** Minutes without a worker heartbeat before the kill switch fires. */
      heartbeatMissingMinutes: z.number().int().min(1).max(60).default(5),
      wsDisconnectedSeconds: z.number().int().min(10).default(60),
      /** Drawdown from the session's PnL peak, dollars, that kills trading. */
      drawdownDollars: z.number().positive().default(250),
      /**
       * Theo older than this (minutes) notifies; default one missed poll (poll + 5 min), at most
       * the worker's theo age limit (beyond it the game is no longer quoted).
       */
      theoStaleMinutes: z.number().int().min(1).optional(),
      oddsCreditsLow: z.number().int().nonnegative().default(100),
      /** Consecutive minutes with reconciliation drift before the kill switch fires. */
      driftMinutes: z.number().int().min(1).max(30).default(3),
      /**
       * Consecutive minutes with at least one stalled game (worker metric GamesStalled: a game that
       * should quote but has not, for no reason by design) before the liveness alarm notifies.
       */
      gamesStalledMinutes: z.number().int().min(1).max(120).default(10),
      /**
       * Consecutive minutes with at least one market side that wants an order and has had none for 30 s
       * or more, not for a risk refusal (worker metric CreatesStarved: the write budget is not reaching
       * it) before the per-shard `creates-starved` alarm notifies.
       */
      createsStarvedMinutes: z.number().int().min(1).max(120).default(5),
      /**
       * Kalshi WebSocket reconnects in 15 min (pong or silence timeouts, drops) at which the per-shard
       * `feed-unstable` alarm notifies: each reconnect cancels nothing but re-snapshots every book.
       */
      feedReconnects: z.number().int().min(1).default(4),
    })
    .prefault({}),
  /**
   * Adopt what an earlier stack of this stage left behind (`cdk destroy` retains the table and
   * both secrets) instead of creating new, empty ones: their names / complete ARNs.
   */
  adopt: z
    .object({
      tableName: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{3,255}$/)
        .optional(),
      kalshiSecretArn: z
        .string()
        .regex(
          /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/,
          "must be the secret's complete ARN",
        )
        .optional(),
      oddsSecretArn: z
        .string()
        .regex(
          /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/,
          "must be the secret's complete ARN",
        )
        .optional(),
    })
    .prefault({}),
  logRetentionDays: z
    .union([z.literal(7), z.literal(14), z.literal(30), z.literal(90), z.literal(365)])
    .default(30),
  /** The workers' session journals (worker/journal/): uploaded to S3, expired after this many days. */
  journal: z
    .object({
      enabled: z.boolean().default(true),
      expireAfterDays: z.number().int().min(1).max(3650).default(14),
    })
    .prefault({}),
});
export type DeployConfig = z.infer<typeof deployConfigSchema>;
export type SportPoll = z.infer<typeof sportPollSchema>;

export const CONTEXT_KEY = 'kalshiMm';

/** Parses the `kalshiMm` context value (object or JSON string); throws naming the bad field. */
export function loadDeployConfig(raw: unknown): DeployConfig {
  const value = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : (raw ?? {});
  const parsed = deployConfigSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid ${CONTEXT_KEY} deploy config: ${issues}`);
  }
  theoLimits(parsed.data);
  workerEngineConfig(parsed.data);
  // A running worker nobody hears about: every alarm would go to a topic with no subscriber.
  if (parsed.data.worker.enabled && !parsed.data.alarms.email)
    throw new Error(
      `invalid ${CONTEXT_KEY} deploy config: alarms.email: required once worker.enabled is true (the alarm topic needs a subscriber; confirm the subscription e-mail after the deploy)`,
    );
  return parsed.data;
}

/** Whether odds-poll's schedule and the refresh rule run (odds.enabled, else worker.enabled). */
export const oddsEnabled = (config: DeployConfig): boolean => config.odds.enabled ?? config.worker.enabled;

/**
 * The worker's engine config as the task will parse it (throws naming the field when invalid),
 * and where it and odds-poll disagree on sports: a traded sport odds-poll never prices gets no
 * theo (so it never quotes), a priced sport nobody trades spends Odds API credits for nothing.
 */
export function workerEngineConfig(config: DeployConfig): {
  engine: EngineConfig;
  unpriced: string[];
  untraded: string[];
} {
  let engine: EngineConfig;
  try {
    engine = parseEngineConfig(config.worker.engine ?? {});
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const issues = err.issues.map((i) => `worker.engine.${i.path || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid ${CONTEXT_KEY} deploy config: ${issues}`);
  }
  const polled = new Set(config.odds.sports.map((s) => s.sportKey));
  const traded = new Set(Object.values(engine.sports).map((s) => s.oddsSportKey));
  // A polled tournament sport ("atp") prices every key of its prefix (shared/odds/poll-keys.ts).
  const catalogue = engine.sportCatalogue ?? DEFAULT_SPORT_CATALOGUE;
  const tournaments = [...polled].flatMap((k) => tournamentSportOf(catalogue, k) ?? []);
  const priced = (k: string) => polled.has(k) || tournaments.some((e) => acceptsOddsKey(e, k));
  const tradedBy = (k: string) => {
    const t = tournamentSportOf(catalogue, k);
    return t ? [...traded].some((key) => acceptsOddsKey(t, key)) : traded.has(k);
  };
  return {
    engine,
    unpriced: [...traded].filter((k) => !priced(k)),
    untraded: [...polled].filter((k) => !tradedBy(k)),
  };
}

/** Days of scheduled polls whose credits odds-refresh leaves alone (unless odds.refreshCreditReserve is set). */
export const REFRESH_RESERVE_DAYS = 7;

/** Credits odds-refresh keeps for the scheduled polls: a week of them by default (1 credit per sport per poll). */
export function refreshCreditReserve(config: DeployConfig): number {
  const { odds } = config;
  if (odds.refreshCreditReserve !== undefined) return odds.refreshCreditReserve;
  const pollsPerDay = Math.ceil((24 * 60) / odds.pollEveryMinutes);
  return REFRESH_RESERVE_DAYS * pollsPerDay * odds.sports.length;
}

/** Margin over the poll interval for a poll's own run time and the worker's theo re-read. */
const THEO_MARGIN_MINUTES = 5;
const THEO_MAX_AGE_CAP_MINUTES = 360;

/**
 * The worker's theo age limit and the theo-stale alarm threshold, both derived from the poll
 * interval unless set; throws (naming the field) when they contradict the poll interval.
 */
export function theoLimits(config: DeployConfig): { maxAgeMinutes: number; staleAlarmMinutes: number } {
  const poll = config.odds.pollEveryMinutes;
  const maxAgeMinutes =
    config.odds.theoMaxAgeMinutes ?? Math.min(2 * poll + THEO_MARGIN_MINUTES, THEO_MAX_AGE_CAP_MINUTES);
  const fail = (field: string, message: string) => {
    throw new Error(`invalid ${CONTEXT_KEY} deploy config: ${field}: ${message}`);
  };
  if (maxAgeMinutes <= poll + 1)
    fail(
      config.odds.theoMaxAgeMinutes === undefined ? 'odds.pollEveryMinutes' : 'odds.theoMaxAgeMinutes',
      `theo age limit ${maxAgeMinutes} min must exceed the poll interval (${poll} min) by more than a minute, or games go unquotable between polls`,
    );
  const staleAlarmMinutes =
    config.alarms.theoStaleMinutes ?? Math.min(poll + THEO_MARGIN_MINUTES, maxAgeMinutes);
  if (staleAlarmMinutes > maxAgeMinutes)
    fail(
      'alarms.theoStaleMinutes',
      `${staleAlarmMinutes} min exceeds the worker's theo age limit (${maxAgeMinutes} min): it could never fire for a quoted game`,
    );
  return { maxAgeMinutes, staleAlarmMinutes };
}

/** Kalshi's recommended hosts (reference API.md §1). Demo uses mock money and separate keys. */
export const KALSHI_BASE_URLS = {
  demo: {
    rest: 'https://external-api.demo.kalshi.co/trade-api/v2',
    ws: 'wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2',
  },
  prod: {
    rest: 'https://external-api.kalshi.com/trade-api/v2',
    ws: 'wss://external-api-ws.kalshi.com/trade-api/ws/v2',
  },
} as const;
