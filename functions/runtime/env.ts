/**
 * Lambda environment contracts, parsed once at cold start. The CDK app sets
 * these variables (infra/constructs/*.ts); test/infra checks that what it
 * synthesises parses here.
 */
import * as z from 'zod';

const csv = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(z.string().regex(/^[a-z0-9_]+$/))
      .min(1)
      .max(10),
  );

export const sportPollSchema = z.object({
  sportKey: z.string().regex(/^[a-z0-9_]+$/),
  priority: z.number().int().min(1).max(9),
  minCredits: z.number().int().nonnegative(),
});
export type SportPoll = z.infer<typeof sportPollSchema>;

const jsonSports = z.string().transform((s, ctx) => {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'ODDS_SPORTS is not JSON' });
    return z.NEVER;
  }
});

/** Built on first use (`z.lazy` memoises it): by the first invocation of the handler that parses it, not at import. */
export const oddsEnvSchema = z.lazy(() =>
  z.object({
    TABLE_NAME: z.string().min(1),
    ODDS_API_KEY_SECRET_ARN: z.string().min(1),
    ODDS_API_BASE_URL: z.url().default('https://api.the-odds-api.com'),
    ODDS_BOOKMAKERS: csv,
    ODDS_SPORTS: jsonSports.pipe(z.array(sportPollSchema).min(1)),
    ODDS_HORIZON_HOURS: z.coerce.number().int().min(1).max(168).default(36),
    REFRESH_DEBOUNCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    /** odds-refresh spends nothing while the last known credits left are at or below this (kept for the polls). */
    REFRESH_CREDIT_RESERVE: z.coerce.number().int().min(0).default(0),
    /** At most this many refreshes of one event per hour. */
    REFRESH_MAX_PER_EVENT_HOUR: z.coerce.number().int().min(1).max(60).default(4),
    /**
     * Sports whose spreads/totals odds-poll and odds-refresh request (3 credits a call instead of 1):
     * unset or `none` = no sport (the worker does not quote strikes yet: no credits spent on them),
     * `all` = every sport with a Kalshi ladder series, else a list of sport keys.
     */
    ODDS_LADDER_SPORTS: z
      .string()
      .default('none')
      .transform((s) =>
        s.trim() === 'none'
          ? []
          : s.trim() === 'all'
            ? undefined
            : s
                .split(',')
                .map((x) => x.trim())
                .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^[a-z0-9_]+$/)).optional()),
  }),
);
export type OddsEnv = z.infer<typeof oddsEnvSchema>;

export const killEnvSchema = z.lazy(() =>
  z.object({
    TABLE_NAME: z.string().min(1),
    KALSHI_SECRET_ARN: z.string().min(1),
    KALSHI_REST_URL: z.url(),
    KILL_DEADLINE_MS: z.coerce.number().int().min(1_000).max(600_000).default(60_000),
  }),
);
export type KillEnv = z.infer<typeof killEnvSchema>;

/** Parses an environment; the error names every bad variable (never echoes values). */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid Lambda environment: ${fields}`);
  }
  return parsed.data;
}
