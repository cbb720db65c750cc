/**
 * Command-line options of `npm start` and `npm run simulate`, and the
 * environment of `--live`, validated with zod. A bad value stops the program
 * with a message naming the option (exit code 2), never a stack trace.
 */
import { z } from 'zod';
import { defineCommand, parseCommandLine, UsageError, usageOf } from '../../shared/cli.ts';
import { ladderSportsEnvSchema } from '../../shared/config/ladder-sports.ts';
import { kalshiUrls } from '../../shared/kalshi/hosts.ts';
import { ODDS_API_BASE_URL } from '../../shared/odds/client.ts';
import { DEFAULT_LATENCY, latencyText, parseLatency } from '../../sim/backtest/latency.ts';

export const DEFAULT_SCENARIO = 'sim/scenarios/nba-quiet-evening.json';
export const DEFAULT_DASHBOARD_PORT = 8787;

/** Thrown for bad options, config or environment; `field` names what to fix (one class for every command). */
export { UsageError };

const zSeed = z.coerce
  .number({ message: 'must be an integer' })
  .int('must be an integer')
  .min(0, 'must be ≥ 0')
  .max(2 ** 31 - 1, 'must be < 2^31');
const zPort = z.coerce.number().int('must be an integer').min(0).max(65_535, 'must be ≤ 65535');
const zPath = z.string().min(1, 'must not be empty');
/** Scenario seconds per wall second; `max` = as fast as the machine allows. */
const zSpeed = z.union([
  z.literal('max'),
  z.coerce
    .number({ message: 'must be a number or "max"' })
    .positive('must be > 0')
    .max(10_000, 'must be ≤ 10000'),
]);

/** A backtest latency: `12`, `5-25` or `exp:5:15` (sim/backtest/latency.ts). */
const zLatency = z.string().transform((t, ctx) => {
  try {
    return parseLatency(t);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

export const zStartOptions = z.object({
  scenario: zPath.default(DEFAULT_SCENARIO),
  speed: z.coerce
    .number({ message: 'must be a number' })
    .positive('must be > 0')
    .max(1_000, 'must be ≤ 1000')
    .default(1),
  port: zPort.default(DEFAULT_DASHBOARD_PORT),
  host: z.string().min(1).default('127.0.0.1'),
  seed: zSeed.optional(),
  config: zPath.optional(),
  live: z.boolean().default(false),
  journal: zPath.optional(),
  'no-journal': z.boolean().default(false),
  help: z.boolean().default(false),
});
export type StartOptions = z.infer<typeof zStartOptions>;

export const zSimulateOptions = z
  .object({
    scenario: zPath.default(DEFAULT_SCENARIO),
    speed: zSpeed.default('max'),
    seed: zSeed.optional(),
    report: zPath.default('reports/simulate'),
    config: zPath.optional(),
    'no-baselines': z.boolean().default(false),
    transport: z
      .enum(['backtest', 'socket'], { message: 'must be "backtest" or "socket"' })
      .default('backtest'),
    'order-latency': zLatency.optional(),
    'feed-latency': zLatency.optional(),
  })
  .superRefine((o, ctx) => {
    if (o.transport === 'backtest' && o.speed !== 'max')
      ctx.addIssue({
        code: 'custom',
        path: ['speed'],
        message: 'a backtest runs as fast as it can: use --transport socket',
      });
  })
  .transform(
    ({ 'no-baselines': noBaselines, 'order-latency': orderLatency, 'feed-latency': feedLatency, ...o }) => ({
      ...o,
      baselines: !noBaselines,
      latency: {
        orderEntry: orderLatency ?? DEFAULT_LATENCY.orderEntry,
        feed: feedLatency ?? DEFAULT_LATENCY.feed,
      },
    }),
  );
export type SimulateOptions = z.infer<typeof zSimulateOptions>;

function firstIssue(error: z.ZodError, prefix: string): UsageError {
  const issue = error.issues[0]!;
  const field = issue.path.length ? `${prefix}${issue.path.join('.')}` : prefix || '(options)';
  return new UsageError(field, issue.message);
}

/** `npm start`'s command line (shared/cli.ts). */
export const START_COMMAND = defineCommand({
  command: 'npm start --',
  summary: 'The whole system on this machine: paper trading on the simulators (default) or --live.',
  options: {
    scenario: { type: 'string', arg: 'FILE', help: `simulator scenario (default ${DEFAULT_SCENARIO})` },
    speed: { type: 'string', arg: 'X', help: 'scenario seconds per wall second (default 1)' },
    port: {
      type: 'string',
      arg: 'N',
      help: `dashboard port on 127.0.0.1 (default ${DEFAULT_DASHBOARD_PORT}; 0 = any free port)`,
    },
    host: { type: 'string', arg: 'H', help: 'dashboard bind address (default 127.0.0.1)' },
    seed: { type: 'string', arg: 'S', help: "simulator seed (default: the scenario's)" },
    config: {
      type: 'string',
      arg: 'FILE',
      help: 'engine config JSON (defaults documented in docs/PAPER-MODE.md)',
    },
    live: {
      type: 'boolean',
      help: 'trade the real Kalshi (KALSHI_ENV=demo|prod, KALSHI_KEY_ID, KALSHI_PRIVATE_KEY_FILE, ODDS_API_KEY; optional host overrides KALSHI_REST_URL, KALSHI_WS_URL, ODDS_API_BASE_URL); no simulator',
    },
    journal: {
      type: 'string',
      arg: 'DIR',
      help: 'session journal directory, replayable with npm run replay -- --journal DIR (default reports/journal/<start time>)',
    },
    'no-journal': { type: 'boolean', help: 'keep no session journal' },
  },
  schema: zStartOptions.omit({ help: true }),
});

export function parseStartOptions(argv: readonly string[]): StartOptions {
  const r = parseCommandLine(START_COMMAND, argv);
  return r.help ? { ...zStartOptions.parse({}), help: true } : { ...r.options, help: false };
}

/** `npm run simulate`'s command line (shared/cli.ts). */
export const SIMULATE_COMMAND = defineCommand({
  command: 'npm run simulate --',
  summary:
    'A scenario headless, as fast as the machine allows: ours and each baseline on the same seed; writes DIR/scoreboard.json and DIR/report.html.',
  options: {
    scenario: { type: 'string', arg: 'FILE', help: `scenario to run (default ${DEFAULT_SCENARIO})` },
    speed: {
      type: 'string',
      arg: 'max|X',
      help: 'as fast as possible (default) or X scenario seconds per wall second (with --transport socket)',
    },
    seed: { type: 'string', arg: 'S', help: "seed for the simulator (default: the scenario's)" },
    report: {
      type: 'string',
      arg: 'DIR',
      help: 'where scoreboard.json and report.html go (default reports/simulate)',
    },
    config: { type: 'string', arg: 'FILE', help: 'engine config JSON' },
    'no-baselines': { type: 'boolean', help: 'run only our strategy' },
    transport: {
      type: 'string',
      arg: 'backtest|socket',
      help: 'backtest (default): the worker and the simulator in process on one virtual clock, deterministic; socket: the paper stack over loopback sockets in lockstep',
    },
    'order-latency': {
      type: 'string',
      arg: 'MS|MIN-MAX|exp:MIN:MEAN',
      help: `backtest: one-way order-entry latency in ms (default ${latencyText(DEFAULT_LATENCY.orderEntry)})`,
    },
    'feed-latency': {
      type: 'string',
      arg: 'MS|MIN-MAX|exp:MIN:MEAN',
      help: `backtest: exchange event to worker latency in ms (default ${latencyText(DEFAULT_LATENCY.feed)})`,
    },
  },
  schema: zSimulateOptions,
  notes:
    'Exit codes: 0 done, 1 a run failed (or ours below the liveness floor), 2 bad options/config/scenario.',
});

const liveUrl = (protocols: string[]) =>
  z
    .string()
    .url('must be a URL')
    .refine((u) => protocols.some((p) => u.startsWith(p)), `must start with ${protocols.join(' or ')}`);

/** What `--live` reads from the environment. Secrets stay in files or env, never on the command line. */
export const zLiveEnv = z.object({
  KALSHI_ENV: z.enum(['demo', 'prod'], { message: 'must be "demo" or "prod"' }),
  KALSHI_KEY_ID: z.string().min(1, 'must be set (the Kalshi API key id)'),
  KALSHI_PRIVATE_KEY_FILE: z.string().min(1, 'must be set (path to the RSA private key PEM)'),
  ODDS_API_KEY: z.string().min(1, 'must be set (The Odds API key)'),
  /** Optional: a real DynamoDB endpoint/region; a local in-memory table otherwise. */
  AWS_REGION: z.string().optional(),
  DYNAMODB_TABLE: z.string().optional(),
  /** Optional host overrides, as the worker (worker/config.ts) and the odds Lambdas take them. */
  KALSHI_REST_URL: liveUrl(['https://', 'http://']).optional(),
  KALSHI_WS_URL: liveUrl(['wss://', 'ws://']).optional(),
  ODDS_API_BASE_URL: liveUrl(['https://', 'http://']).optional(),
  /** Spread/total ladders polled and quoted, as the worker's LADDER_SPORTS: none (default), all, or sport keys. */
  LADDER_SPORTS: ladderSportsEnvSchema,
});
export type LiveEnv = z.infer<typeof zLiveEnv>;

/** Where `--live` trades and reads odds: KALSHI_ENV's hosts unless overridden one by one. */
export interface LiveHosts {
  venue: 'demo' | 'prod';
  kalshiRest: string;
  kalshiWs: string;
  odds: string;
}

export function liveHosts(env: LiveEnv): LiveHosts {
  const k = kalshiUrls(env.KALSHI_ENV, { rest: env.KALSHI_REST_URL, ws: env.KALSHI_WS_URL });
  return {
    venue: env.KALSHI_ENV,
    kalshiRest: k.rest,
    kalshiWs: k.ws,
    odds: env.ODDS_API_BASE_URL ?? ODDS_API_BASE_URL,
  };
}

/** A URL as it may be printed: user, password and query values (a proxy's basic auth, a token) masked. */
export function printableUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '(unprintable URL)';
  }
  const secretive = u.username !== '' || u.password !== '' || u.search !== '';
  if (!secretive) return url; // printed as given
  if (u.username) u.username = '***';
  if (u.password) u.password = '***';
  for (const k of [...u.searchParams.keys()]) u.searchParams.set(k, '***');
  return u.toString();
}

/** The line `--live` prints before anything can trade: which hosts real orders go to. */
export function describeLiveHosts(h: LiveHosts): string {
  const overridden = (url: string, dflt: string) => (url === dflt ? '' : ' (override)');
  const k = kalshiUrls(h.venue);
  return [
    `LIVE (KALSHI_ENV=${h.venue}) — orders go to:`,
    `  Kalshi REST ${printableUrl(h.kalshiRest)}${overridden(h.kalshiRest, k.rest)}`,
    `  Kalshi WS   ${printableUrl(h.kalshiWs)}${overridden(h.kalshiWs, k.ws)}`,
    `  Odds API    ${printableUrl(h.odds)}${overridden(h.odds, ODDS_API_BASE_URL)}`,
  ].join('\n');
}

export function parseLiveEnv(env: NodeJS.ProcessEnv): LiveEnv {
  const r = zLiveEnv.safeParse(env);
  if (!r.success) throw firstIssue(r.error, 'env ');
  return r.data;
}

export const START_USAGE = usageOf(START_COMMAND);
