/**
 * `npm run chaos -- [--scenario FILE] [--minutes M] [--seed S] [--json FILE]`
 *
 * A chaos run of the whole system on loopback: local DynamoDB (dynalite), the
 * Kalshi and Odds API simulators on a scenario in real time, the odds-poll
 * handler on a local schedule, and the worker in a CHILD PROCESS (so it can be
 * SIGKILLed and restarted). At random (seeded) times it switches on every
 * simulator fault, restarts DynamoDB and kills the worker; near the end it
 * fires the kill-switch Lambda handler. Meanwhile it checks, every second,
 * against the simulator's own ledger:
 *
 * - limit:     |signed game inventory| at the exchange never above the sport's hard cap;
 * - stop-time: no order of ours resting at the exchange after a game's stop time;
 * - restart:   after each worker restart, within RESTART_SETTLE_MS, no duplicate
 *              resting order per market side, every resting order of ours known
 *              to the new worker, and its positions equal the exchange's;
 * - fills:     the worker's position per market equals the exchange's (a fill lost
 *              or counted twice shows as a lasting difference);
 * - kill:      after the kill switch fires, zero resting orders within 60 s, and it stays so
 *              until the flag is cleared (then the worker is restarted and quotes again);
 * - secrets:   no log line of the run contains the private key, the key id or the Odds API key.
 *
 * Prints a table (faults injected by kind, recoveries and their times,
 * invariant checks and violations) and exits 1 if any invariant was violated.
 *
 * The scenario is time-compressed (every minute-valued field × a factor) so
 * the first game's stop time falls at about 60 % of the run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { makeHandler as makeKillHandler } from '../functions/kill-switch.ts';
import {
  type CommandIo,
  defineCommand,
  parseCommandLine,
  readCommandLine,
  runIfEntry,
} from '../shared/cli.ts';
import { systemClock } from '../shared/clock.ts';
import { type EngineConfig, parseEngineConfig } from '../shared/config/engine-config.ts';
import { KalshiRestClient } from '../shared/kalshi/rest-client.ts';
import { createRsaSigner } from '../shared/kalshi/signer.ts';
import { kalshiCancelPort } from '../shared/kill/kalshi-cancel-port.ts';
import type { QuotingReason } from '../shared/liveness/quoting-state.ts';
import { sportLimit } from '../shared/risk/limits.ts';
import { makeDocumentClient } from '../shared/store/client.ts';
import { createStore, type Store } from '../shared/store/index.ts';
import { createTableInput, TABLE_SPEC } from '../shared/store/table.ts';
import type { Centis } from '../shared/units.ts';
import { MAKER_USER, resolveScenarioPath, type Simulation, startSimulation } from '../sim/main.ts';
import { KALSHI_FAULT_ACTIONS, KALSHI_FAULT_SETTINGS } from '../sim/scenario/kalshi-faults.ts';
import { loadScenario, ODDS_FAULTS, type Scenario } from '../sim/scenario/schema.ts';
import {
  effectEnd,
  eligibleSides,
  type FeedSample,
  feedEffectEnd,
  type GameSample,
  isQuotable,
  livenessViolations,
  type UptimeCi,
  type UptimeReport,
  UptimeTracker,
} from '../sim/scenario/uptime.ts';
import { type Worker, main as workerMain } from '../worker/main.ts';
import { limitBreach, restingAfterStop } from './paper/safety.ts';
import { type LocalServerless, PAPER_BOOKMAKERS, startLocalServerless } from './paper/serverless.ts';

// ---------------------------------------------------------------- options

export interface ChaosOptions {
  scenario: string;
  minutes: number;
  seed: number;
  /** Engine config overrides (JSON object, as ENGINE_CONFIG). */
  engineConfig?: Record<string, unknown>;
  /** Lease TTL of the worker child (default 15 s, as deployed; shorter in the test). */
  leaseTtlMs?: number;
  /** Worker SIGKILLs (default: one per 5 minutes, at least 1). */
  workerKills?: number;
  /** Where in the run the first game's stop time falls (default 0.65, after the kill drill at 0.45). */
  stopAtFraction?: number;
  /** Every log line of the worker child and the harness goes here (default: dropped). */
  onLog?: (line: string) => void;
  /** Progress lines (default: stderr). */
  onProgress?: (line: string) => void;
}

/** `npm run chaos`'s command line (shared/cli.ts). */
export const CHAOS_COMMAND = defineCommand({
  command: 'npm run chaos --',
  summary:
    'The deployed worker against the simulators under a schedule of faults: safety and liveness invariants, a table; exit 1 on a violation.',
  options: {
    scenario: { type: 'string', arg: 'FILE|NAME', help: 'scenario file or shipped name (default chaos)' },
    minutes: { type: 'string', arg: 'M', help: 'run length in wall minutes, (0, 1440] (default 30)' },
    seed: { type: 'string', arg: 'S', help: 'seed, an integer in [0, 2^32-1] (default 1)' },
    json: { type: 'string', arg: 'FILE', help: 'also write the report as JSON there' },
    'lease-ttl-ms': {
      type: 'string',
      arg: 'N',
      help: "the worker's lease TTL, ≥ 4000 (default 15000, as deployed)",
    },
  },
  schema: z
    .object({
      scenario: z.string().min(1, 'must not be empty').default('chaos'),
      minutes: z.coerce
        .number({ message: 'must be a number' })
        .gt(0, 'must be > 0')
        .max(24 * 60, 'must be ≤ 1440')
        .default(30),
      seed: z.coerce
        .number({ message: 'must be an integer' })
        .int('must be an integer')
        .min(0, 'must be ≥ 0')
        .max(2 ** 32 - 1, 'must be ≤ 2^32-1')
        .default(1),
      json: z.string().min(1, 'must not be empty').optional(),
      'lease-ttl-ms': z.coerce
        .number({ message: 'must be an integer' })
        .int('must be an integer')
        .min(4000, 'must be ≥ 4000')
        .optional(),
    })
    .transform(({ 'lease-ttl-ms': ttl, json, ...o }) => ({
      ...o,
      ...(json === undefined ? {} : { json }),
      ...(ttl === undefined ? {} : { leaseTtlMs: ttl }),
    })),
});

/** The command line as options (throws UsageError on a bad flag or value). */
export function parseChaosArgs(argv: readonly string[]): ChaosOptions & { json?: string } {
  const r = parseCommandLine(CHAOS_COMMAND, argv);
  if (r.help) throw new Error('--help is answered by main');
  return r.options;
}

// ---------------------------------------------------------------- scenario compression

const MINUTE_KEY = /(Minute|Minutes)$/;

/** Multiplies every minute-valued field (atMinute, startMinute, durationMinutes, byMinutes, …) by `factor`; rates per minute are left alone. */
export function scaleScenarioTime(scenario: Scenario, factor: number): Scenario {
  const walk = (v: unknown, key: string): unknown => {
    if (typeof v === 'number') return MINUTE_KEY.test(key) && !key.includes('Per') ? v * factor : v;
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, k);
      return out;
    }
    return v;
  };
  const scaled = walk(scenario, '') as Scenario;
  const { start: _fixedStart, ...rest } = scaled;
  return rest as Scenario;
}

/** The factor that puts the first game's stop time (real start − margin) at `stopAtFraction` of the run. */
export function timeFactor(
  scenario: Scenario,
  minutes: number,
  stopMarginMs: number,
  stopAtFraction = 0.6,
): number {
  const realStarts = scenario.games.map(
    (g) => g.startMinute + g.startDelays.reduce((t, d) => t + d.byMinutes, 0),
  );
  const first = Math.min(...realStarts);
  return (stopAtFraction * minutes + stopMarginMs / 60_000) / first;
}

// ---------------------------------------------------------------- seeded randomness

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------- restartable local DynamoDB

type DynaliteFactory = (o: {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

/**
 * dynalite on LevelDB files (`path`), so a restart is real: the process-side
 * server and database close, and a new one opens the same files on the same port.
 */
class RestartableDynamo {
  private server: Server;
  up = true;
  private constructor(
    server: Server,
    readonly port: number,
    private readonly path: string,
  ) {
    this.server = server;
  }

  private static create(path: string): Server {
    const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;
    return dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  }

  private static listen(server: Server, port: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  static async start(path: string): Promise<RestartableDynamo> {
    const server = RestartableDynamo.create(path);
    await RestartableDynamo.listen(server, 0);
    return new RestartableDynamo(server, (server.address() as AddressInfo).port, path);
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async down(): Promise<void> {
    if (!this.up) return;
    this.up = false;
    const s = this.server;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  async restore(): Promise<void> {
    if (this.up) return;
    const server = RestartableDynamo.create(this.path);
    await RestartableDynamo.listen(server, this.port);
    this.server = server;
    this.up = true;
  }

  async close(): Promise<void> {
    await this.down();
  }
}

function localDynamoClient(endpoint: string, maxAttempts = 3): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts,
  });
}

// ---------------------------------------------------------------- the worker child

/** What the worker child reports over IPC. */
export type ChildMessage =
  | { type: 'acquiring'; at: number }
  | { type: 'ready'; at: number }
  | {
      type: 'snap';
      at: number;
      connection: { state: 'up' | 'down'; sinceMs: number };
      killPhase: string;
      positions: Record<string, Centis>;
      orders: { orderId: string | null; ticker: string; side: string; state: string; remaining: Centis }[];
      /** Each game's quoting reason and the sides it wants quoted (liveness). */
      games?: { eventTicker: string; reason: QuotingReason; eligible: string[] }[];
    }
  | { type: 'stopped'; flat: boolean; remaining: number };

/**
 * The worker as deployed: the production `main` of worker/main.ts (worker/config.ts environment, a
 * LeaseKeeper on the shard, `startWorker`, SIGTERM → kill switch → lease release; a lost lease stops
 * the worker and exits non-zero, and the parent restarts it as ECS would), against the loopback
 * simulator and local DynamoDB with short leases, plus a snapshot sent to the parent twice a second.
 */
async function runWorkerChild(): Promise<void> {
  const send = (m: ChildMessage) => {
    if (process.connected) process.send?.(m);
  };
  const out = (entry: Record<string, unknown>) =>
    process.stdout.write(`${JSON.stringify({ t: new Date().toISOString(), pid: process.pid, ...entry })}\n`);
  let dynamo: DynamoDBClient | null = null;
  // The parent's stop request is a SIGTERM, served by main's own handler (as ECS stops a task).
  process.on('message', (m) => {
    if ((m as { type?: string }).type === 'stop') process.kill(process.pid, 'SIGTERM');
  });
  const code = await workerMain(process.env, {
    log: out,
    dynamo: (endpoint) => {
      dynamo = localDynamoClient(endpoint ?? 'http://127.0.0.1:1');
      return dynamo;
    },
    lease: {
      ttlMs: Number(process.env.CHAOS_LEASE_TTL_MS ?? 15_000),
      // Short leases against a loopback simulator: the production margin (8-s REST timeout + 2-s
      // skew) would not fit a 5-s lease; this keeps the 3-s margin the chaos runs were tuned with.
      maxWriteMs: 2_000,
      clockSkewMs: 0,
    },
    metrics: null,
    onAcquiring: () => send({ type: 'acquiring', at: Date.now() }),
    onWorker: (worker) => {
      send({ type: 'ready', at: Date.now() });
      const timer = setInterval(() => send(snapOf(worker)), 500);
      send(snapOf(worker));
      return () => clearInterval(timer);
    },
    onStopped: (r) => send({ type: 'stopped', flat: r.flat, remaining: r.remaining }),
  });
  (dynamo as DynamoDBClient | null)?.destroy();
  setTimeout(() => process.exit(code), 50);
}

/** The child's report: positions, orders and each game's quoting reason and eligible sides. */
function snapOf(worker: Worker): ChildMessage {
  const s = worker.session.snapshot();
  const positions: Record<string, Centis> = {};
  for (const g of s.games) for (const m of g.markets) positions[m.ticker] = m.position;
  // Eligible sides: those the quoter priced and did not turn off by design (sim/scenario/uptime.ts).
  const games = s.games.map((g) => ({
    eventTicker: g.eventTicker,
    reason: g.status,
    eligible: eligibleSides(g.status, g.markets),
  }));
  return {
    type: 'snap',
    games,
    at: Date.now(),
    connection: s.connection,
    killPhase: String(s.kill.phase),
    positions,
    orders: worker.session.liveOrders().map((o) => ({
      orderId: o.orderId,
      ticker: o.ticker,
      side: o.side,
      state: String(o.state),
      remaining: o.remaining,
    })),
  };
}

// ---------------------------------------------------------------- the run

export const RESTART_SETTLE_MS = 20_000;
export const FILL_AGREEMENT_MS = 15_000;
export const KILL_FLAT_WITHIN_MS = 60_000;

type LocalFault = 'workerKill' | 'dynamoRestart';
export type FaultKind = `kalshi.${string}` | `odds.${(typeof ODDS_FAULTS)[number]}` | `local.${LocalFault}`;

interface PlannedFault {
  atMs: number;
  kind: FaultKind;
  durationMs: number;
  params?: Record<string, number>;
}

interface Episode {
  kind: FaultKind;
  startMs: number;
  endMs: number;
  /** The worker must have reconnected its WebSocket after the start. */
  needsReconnect: boolean;
  /** Worker kills: the worker incarnation that must be healthy. */
  incarnation?: number;
  recoveredMs?: number;
}

export interface InvariantTally {
  checks: number;
  violations: number;
}

export interface ChaosReport {
  scenario: string;
  seed: number;
  minutes: number;
  timeFactor: number;
  faults: Record<string, number>;
  recoveries: Record<
    string,
    { episodes: number; recovered: number; medianMs: number | null; maxMs: number | null }
  >;
  invariants: Record<
    'limit' | 'stop-time' | 'restart' | 'fills' | 'kill' | 'secrets' | 'liveness',
    InvariantTally
  >;
  violations: string[];
  workerStarts: number;
  killSwitch: { firedAtMs: number | null; flatAfterMs: number | null; restingAtTrigger: number };
  exchangeFills: number;
  makerOrdersPlaced: number;
  /** Slowest time from a worker SIGKILL to the next incarnation's positions agreeing with the exchange. */
  restartRecoveryMaxMs: number | null;
  /** Liveness: quoting uptime outside fault windows, recovery after them, games by reason (sim/scenario/uptime.ts). */
  liveness?: UptimeReport;
  /** Σ over faults of their effect past the injection (socket faults until reconnected, bursts until served): left out of the uptime. */
  livenessEffectMs?: number;
}

const KALSHI_KINDS: FaultKind[] = [
  ...KALSHI_FAULT_SETTINGS.map((n) => `kalshi.${n}` as FaultKind),
  ...KALSHI_FAULT_ACTIONS.map((n) => `kalshi.${n}` as FaultKind),
  'kalshi.exchangePaused',
];
const ODDS_KINDS: FaultKind[] = ODDS_FAULTS.map((n) => `odds.${n}` as FaultKind);
export const ALL_FAULT_KINDS: FaultKind[] = [
  ...KALSHI_KINDS,
  ...ODDS_KINDS,
  'local.dynamoRestart',
  'local.workerKill',
];
const RECONNECT_KINDS = new Set<string>([
  'kalshi.dropWebSockets',
  'kalshi.halfOpenWebSockets',
  'kalshi.halfOpen',
]);
/**
 * Socket faults whose effect outlasts the injection: the socket they broke stays down until the worker
 * has a new connection, and that is part of the fault's window for the uptime (`feedEffectEnd`); the
 * recovery is still timed from the injection's end.
 */
const FEED_EFFECT_KINDS = new Set<string>([...RECONNECT_KINDS, 'kalshi.wsDropRate']);
/** One-shot bursts of REST errors: the exchange keeps answering with them until it has served the last. */
const BURST_LEFT: Record<string, 'rest429Remaining' | 'rest5xxRemaining'> = {
  'kalshi.burst429': 'rest429Remaining',
  'kalshi.burst5xx': 'rest5xxRemaining',
};
const isOneShot = (kind: string) =>
  kind.startsWith('kalshi.') &&
  (KALSHI_FAULT_ACTIONS as readonly string[]).includes(kind.slice('kalshi.'.length));

/**
 * When a worker was ready again after a kill: the first ready of that incarnation or a later one (an
 * incarnation that crashed before it was ready is succeeded by the next; its kill's window is not the
 * rest of the run).
 */
export function readyAfter(readyAt: ReadonlyMap<number, number>, incarnation: number): number | undefined {
  let first: number | undefined;
  for (const [n, at] of readyAt) if (n >= incarnation && (first === undefined || at < first)) first = at;
  return first;
}

/** Strength of a Kalshi fault when switched on by the chaos plan. */
function kalshiParams(name: string, rnd: () => number): Record<string, number> {
  switch (name) {
    case 'wsDropRate':
      return { value: 0.01 + 0.04 * rnd() };
    case 'seqGapRate':
      return { value: 0.02 + 0.08 * rnd() };
    case 'duplicateFillRate':
      return { value: 0.2 + 0.6 * rnd() };
    case 'lateFillMs':
      return { value: Math.round(500 + 2500 * rnd()) };
    case 'rest429Remaining':
      return { value: Math.round(3 + 10 * rnd()) };
    case 'rest5xxRate':
      return { value: 0.05 + 0.2 * rnd() };
    case 'rest5xxRemaining':
      return { value: Math.round(2 + 6 * rnd()) };
    case 'appliedErrorRemaining':
      return { value: Math.round(1 + 4 * rnd()) };
    case 'slowResponseMs':
      return { value: Math.round(300 + 1700 * rnd()) };
    case 'lyingCancelMs':
      return { value: Math.round(1000 + 4000 * rnd()) };
    case 'wrongOrderResponseRate':
      return { value: 0.1 + 0.4 * rnd() };
    case 'numbersAsNumbersRate':
      return { value: 0.05 + 0.3 * rnd() };
    case 'burst429':
    case 'burst5xx':
      return { count: Math.round(3 + 8 * rnd()) };
    default:
      return {};
  }
}

/**
 * The fault plan: every kind at least once in [5 %, 75 %] of the run, then extra
 * random ones (about one every 20 s), worker kills spread out and kept away
 * from stop times (a worker dead across a stop time leaves its orders resting:
 * see docs/RELIABILITY.md).
 */
export function planFaults(o: {
  runMs: number;
  seed: number;
  workerKills: number;
  stopTimesMs: number[];
  leaseTtlMs: number;
}): PlannedFault[] {
  const rnd = mulberry32(o.seed ^ 0xc4a05);
  const lo = 0.05 * o.runMs;
  const hi = 0.75 * o.runMs;
  const scale = Math.min(1, o.runMs / 600_000); // short runs get short faults
  const dur = (min: number, max: number) => Math.round((min + (max - min) * rnd()) * Math.max(0.25, scale));
  const out: PlannedFault[] = [];
  const add = (kind: FaultKind, atMs: number) => {
    const name = kind.slice(kind.indexOf('.') + 1);
    let durationMs = dur(8_000, 30_000);
    if (kind === 'local.dynamoRestart') durationMs = Math.round(2_000 + 6_000 * rnd());
    if (kind === 'kalshi.exchangePaused') durationMs = dur(10_000, 30_000);
    if (kind === 'kalshi.halfOpen') durationMs = dur(5_000, 15_000);
    if (kind === 'odds.slow')
      out.push({ atMs, kind, durationMs, params: { delayMs: Math.round(1000 + 3000 * rnd()) } });
    else if (kind.startsWith('kalshi.'))
      out.push({ atMs, kind, durationMs, params: kalshiParams(name, rnd) });
    else out.push({ atMs, kind, durationMs });
  };
  const kinds = ALL_FAULT_KINDS.filter((k) => k !== 'local.workerKill');
  // Shuffle, then spread evenly over [lo, hi] with jitter.
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const slot = (hi - lo) / kinds.length;
  for (const [i, k] of kinds.entries()) add(k, Math.round(lo + slot * (i + rnd() * 0.8)));
  const extra = Math.floor(o.runMs / 20_000) - kinds.length;
  for (let i = 0; i < extra; i++)
    add(kinds[Math.floor(rnd() * kinds.length)]!, Math.round(lo + (hi - lo) * rnd()));

  // Worker kills: evenly spread, outside [stop − lease TTL − 15 s, stop + 10 s] (the new worker must be up before the stop time).
  const bad = (t: number) => o.stopTimesMs.some((s) => t > s - o.leaseTtlMs - 15_000 && t < s + 10_000);
  for (let i = 0; i < o.workerKills; i++) {
    let t = Math.round(lo + ((hi - lo) * (i + 0.5)) / o.workerKills);
    for (let tries = 0; bad(t) && tries < 200; tries++) t = Math.round(lo + (hi - lo) * rnd());
    if (!bad(t)) out.push({ atMs: t, kind: 'local.workerKill', durationMs: 0 });
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

interface ExchangeView {
  positions: Map<string, Centis>;
  resting: { orderId: string; ticker: string; side: string }[];
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const progress = opts.onProgress ?? ((l: string) => process.stderr.write(`${l}\n`));
  const sink = opts.onLog ?? (() => {});
  // Every line (worker at all levels, serverless side, harness) is scanned for the secrets.
  const secretValues: { name: string; value: string }[] = [];
  const logLine = (line: string) => {
    if (secretValues.length > 0) {
      inv.secrets.checks++;
      for (const sv of secretValues)
        if (line.includes(sv.value)) violate('secrets', `${sv.name} appears in a log line`);
    }
    sink(line);
  };
  const harnessLog = (entry: Record<string, unknown>) =>
    logLine(JSON.stringify({ t: new Date().toISOString(), src: 'chaos', ...entry }));
  const runMs = Math.round(opts.minutes * 60_000);
  const leaseTtlMs = opts.leaseTtlMs ?? 15_000;
  const engineJson = opts.engineConfig ?? {};
  const config: EngineConfig = parseEngineConfig(engineJson);
  const raw = loadScenario(resolveScenarioPath(opts.scenario));
  const factor = timeFactor(raw, opts.minutes, config.stopMarginMs, opts.stopAtFraction ?? 0.65);
  const scenario = scaleScenarioTime(raw, factor);

  const closers: (() => Promise<unknown>)[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'kalshi-mm-chaos-'));
  closers.push(async () => rmSync(tmp, { recursive: true, force: true }));
  const faultCounts: Record<string, number> = {};
  const count = (kind: string) => {
    faultCounts[kind] = (faultCounts[kind] ?? 0) + 1;
  };
  const inv: ChaosReport['invariants'] = {
    limit: { checks: 0, violations: 0 },
    'stop-time': { checks: 0, violations: 0 },
    restart: { checks: 0, violations: 0 },
    fills: { checks: 0, violations: 0 },
    kill: { checks: 0, violations: 0 },
    secrets: { checks: 0, violations: 0 },
    liveness: { checks: 0, violations: 0 },
  };
  const violations: string[] = [];
  const violate = (name: keyof typeof inv, detail: string) => {
    inv[name].violations++;
    if (violations.length < 200) violations.push(`${name}: ${detail}`);
    harnessLog({ level: 'error', event: 'invariant_violation', invariant: name, detail });
  };

  try {
    // 1. local DynamoDB
    const dynamo = await RestartableDynamo.start(join(tmp, 'dynamodb'));
    closers.push(() => dynamo.close());
    const ddb = localDynamoClient(dynamo.endpoint);
    closers.push(async () => ddb.destroy());
    await ddb.send(new CreateTableCommand(createTableInput(TABLE_SPEC.defaultTableName)));
    const store: Store = createStore(makeDocumentClient(ddb), TABLE_SPEC.defaultTableName);

    // 2. simulators, real time, scenario time = wall time
    const t0 = Date.now();
    const sim: Simulation = await startSimulation({
      scenario,
      seed: opts.seed,
      speed: 1,
      startMs: t0,
      onEvent: (e) => {
        if (e.type === 'fault' && (e as { on?: boolean }).on) {
          const f = e as unknown as { target: string; name: string };
          count(`${f.target}.${f.name}`);
        }
        harnessLog({ event: 'sim', ...(e as object) });
      },
    });
    closers.push(() => sim.close());
    if (!sim.privateKeyPem) throw new Error('the simulation did not generate a key pair');
    secretValues.push(
      ...sim.privateKeyPem
        .split('\n')
        .filter((l) => l.length >= 40 && !l.startsWith('-----'))
        .map((value, i) => ({ name: `private key line ${i + 1}`, value })),
      { name: 'the Kalshi key id', value: sim.keyId },
      { name: 'the Odds API key', value: sim.oddsApiKey },
    );
    const keyFile = join(tmp, 'kalshi-key.pem');
    writeFileSync(keyFile, sim.privateKeyPem, { mode: 0o600 });

    // 3. odds poll on a local schedule (theos before the worker starts)
    const serverless: LocalServerless = startLocalServerless({
      clock: systemClock,
      store,
      odds: { baseUrl: sim.odds.baseUrl, apiKey: sim.oddsApiKey },
      sports: Object.values(config.sports).map((s, i) => ({
        sportKey: s.oddsSportKey,
        priority: Math.min(9, i + 1),
        minCredits: 0,
      })),
      bookmakers: PAPER_BOOKMAKERS,
      pollEveryMs: 60_000,
      log: (e) => harnessLog({ src: 'serverless', ...e }),
    });
    closers.push(() => serverless.stop());
    await serverless.schedule.runNow();

    // 4. the worker child
    const games = sim.world.games.map((g) => {
      const sportKey = Object.entries(config.sports).find(
        ([, s]) => s.oddsSportKey === g.game.oddsSportKey,
      )?.[0];
      return {
        eventTicker: g.eventTicker,
        tickers: g.markets.map((m) => m.ticker),
        cap: sportLimit(config.limits, sportKey ?? 'default').cap,
        plannedStartMs: g.path.times.startMs,
      };
    });
    const startOf = (g: (typeof games)[number]) =>
      sim.kalshi.admin.event(g.eventTicker)?.startTimeMs ?? g.plannedStartMs;
    const stopOf = (g: (typeof games)[number]) => startOf(g) - config.stopMarginMs;

    let incarnation = 0;
    let runOver = false;
    const episodes: Episode[] = [];
    let child: ChildProcess | null = null;
    let lastSnap: Extract<ChildMessage, { type: 'snap' }> | null = null;
    let snapIncarnation = 0;
    const readyAt = new Map<number, number>();
    const childEnv = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmp,
      CHAOS_WORKER_CHILD: '1',
      CHAOS_LEASE_TTL_MS: String(leaseTtlMs),
      KALSHI_ENV: 'demo',
      KALSHI_REST_URL: sim.kalshi.restBaseUrl,
      KALSHI_WS_URL: sim.kalshi.wsUrl,
      KALSHI_KEY_ID: sim.keyId,
      KALSHI_PRIVATE_KEY_FILE: keyFile,
      TABLE_NAME: TABLE_SPEC.defaultTableName,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      SHARD_ID: 'chaos',
      ENGINE_CONFIG: JSON.stringify(engineJson),
    };
    const self = fileURLToPath(import.meta.url);
    const spawnWorker = () => {
      incarnation++;
      const n = incarnation;
      const c = spawn(process.execPath, ['--import', 'tsx', self], {
        env: { ...childEnv, TASK_ID: `chaos-worker-${n}` },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      const lines = (src: NodeJS.ReadableStream) => {
        let buf = '';
        src.on('data', (d: Buffer) => {
          buf += d.toString('utf8');
          let i = buf.indexOf('\n');
          while (i >= 0) {
            logLine(buf.slice(0, i));
            buf = buf.slice(i + 1);
            i = buf.indexOf('\n');
          }
        });
      };
      if (c.stdout) lines(c.stdout);
      if (c.stderr) lines(c.stderr);
      c.on('message', (m: ChildMessage) => {
        if (child !== c) return;
        if (m.type === 'ready') readyAt.set(n, Date.now());
        if (m.type === 'snap') {
          lastSnap = m;
          snapIncarnation = n;
        }
      });
      c.on('exit', (code, signal) => {
        harnessLog({ event: 'worker_exit', incarnation: n, code, signal });
        // A task that crashed by itself (say its lease read hit DynamoDB while it was down) is restarted,
        // as ECS would; its downtime is a fault window until the successor is ready.
        if (child === c && signal === null && code !== 0 && !runOver) {
          const now = Date.now();
          episodes.push({
            kind: 'local.workerKill',
            startMs: now,
            endMs: now,
            needsReconnect: true,
            incarnation: incarnation + 1,
          });
          setTimeout(() => {
            if (child === c && !runOver) spawnWorker();
          }, 1_000);
        }
      });
      child = c;
      harnessLog({ event: 'worker_spawned', incarnation: n, pid: c.pid });
    };
    const killChild = async (signal: NodeJS.Signals) => {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill(signal);
      await exited;
    };
    closers.push(() => killChild('SIGKILL'));
    spawnWorker();

    // 5. the plan
    const workerKills = opts.workerKills ?? Math.max(1, Math.floor(opts.minutes / 5));
    const plan = planFaults({
      runMs,
      seed: opts.seed,
      workerKills,
      stopTimesMs: games.map((g) => stopOf(g) - t0),
      leaseTtlMs,
    });
    // The kill drill comes before the stop time (orders are resting then); afterwards the flag is
    // cleared and the worker restarted (a killed session stays down until then), so quoting
    // resumes and the stop time is exercised too.
    const killSwitchAt = Math.round(0.45 * runMs);
    progress(
      `chaos: scenario ${scenario.name} ×${factor.toFixed(3)} time, ${opts.minutes} min, seed ${opts.seed}, ` +
        `${plan.length} faults planned, kill switch at ${(killSwitchAt / 1000).toFixed(0)} s`,
    );

    const timers = new Set<NodeJS.Timeout>();
    const at = (ms: number, fn: () => void | Promise<void>) => {
      const t = setTimeout(
        () => {
          timers.delete(t);
          Promise.resolve()
            .then(fn)
            .catch((err: unknown) =>
              harnessLog({ level: 'error', event: 'chaos_action_failed', error: String(err) }),
            );
        },
        Math.max(0, t0 + ms - Date.now()),
      );
      timers.add(t);
    };
    closers.push(async () => {
      for (const t of timers) clearTimeout(t);
    });

    for (const f of plan) {
      at(f.atMs, async () => {
        const now = Date.now();
        if (f.kind === 'local.workerKill' && killFiredAt !== null && killClearedAt === null) return;
        const [target, name] = [f.kind.slice(0, f.kind.indexOf('.')), f.kind.slice(f.kind.indexOf('.') + 1)];
        harnessLog({ event: 'fault_on', kind: f.kind, durationMs: f.durationMs, params: f.params });
        if (target === 'local') {
          count(f.kind);
          if (name === 'workerKill') {
            await killChild('SIGKILL');
            episodes.push({
              kind: f.kind,
              startMs: now,
              endMs: now,
              needsReconnect: true,
              incarnation: incarnation + 1,
            });
            spawnWorker();
          } else {
            await dynamo.down();
            episodes.push({ kind: f.kind, startMs: now, endMs: now + f.durationMs, needsReconnect: false });
            at(now - t0 + f.durationMs, () => dynamo.restore());
          }
          return;
        }
        sim.runner.setFault({ target, name, on: true, params: f.params ?? {} } as Parameters<
          Simulation['runner']['setFault']
        >[0]);
        const oneShot = (KALSHI_FAULT_ACTIONS as readonly string[]).includes(name);
        episodes.push({
          kind: f.kind,
          startMs: now,
          endMs: oneShot ? now : now + f.durationMs,
          needsReconnect: RECONNECT_KINDS.has(f.kind),
        });
        if (!oneShot)
          at(now - t0 + f.durationMs, () =>
            sim.runner.setFault({ target, name, on: false, params: {} } as Parameters<
              Simulation['runner']['setFault']
            >[0]),
          );
      });
    }

    // Kill switch: the kill-switch Lambda's handler, in-process, against the simulator.
    let killFiredAt: number | null = null;
    let killClearedAt: number | null = null;
    let restingAtKill = 0;
    let flatAt: number | null = null;
    let killHandler: ((e: unknown) => Promise<unknown>) | null = null;
    at(killSwitchAt, async () => {
      const signer = createRsaSigner({ keyId: sim.keyId, privateKeyPem: sim.privateKeyPem! });
      const rest = new KalshiRestClient({
        baseUrl: sim.kalshi.restBaseUrl,
        signer,
        clock: systemClock,
        limiter: false,
      });
      const log = {
        info: (m: string, e?: Record<string, unknown>) =>
          harnessLog({ src: 'kill-switch', level: 'info', msg: m, ...e }),
        warn: (m: string, e?: Record<string, unknown>) =>
          harnessLog({ src: 'kill-switch', level: 'warn', msg: m, ...e }),
        error: (m: string, e?: Record<string, unknown>) =>
          harnessLog({ src: 'kill-switch', level: 'error', msg: m, ...e }),
      };
      restingAtKill = sim.kalshi.admin.restingOrders(MAKER_USER).length;
      killFiredAt = Date.now();
      const handler = makeKillHandler({
        kill: store.kill,
        exchange: async () => kalshiCancelPort(rest),
        clock: systemClock,
        deadlineMs: KILL_FLAT_WITHIN_MS,
        log,
        metrics: { add: () => {}, flush: () => {} },
      });
      killHandler = handler;
      try {
        // Retried like EventBridge would if DynamoDB or the exchange is down at that moment.
        for (let attempt = 0; attempt < 3; attempt++) {
          try {
            await handler({ action: 'kill', reason: 'chaos kill-switch drill', requestedBy: 'chaos' });
            break;
          } catch (err) {
            harnessLog({ level: 'warn', event: 'kill_switch_attempt_failed', attempt, error: String(err) });
            await new Promise((r) => setTimeout(r, 2_000));
          }
        }
      } finally {
        // The clear (below) needs no exchange; close the client once the drill is over.
        setTimeout(() => void rest.close(), KILL_FLAT_WITHIN_MS + 5_000).unref();
      }
    });

    /** A human resumes: the flag is cleared, and the worker restarted (SIGKILL + new task). */
    const clearKill = async () => {
      if (!killHandler || killClearedAt !== null) return;
      killClearedAt = Date.now();
      harnessLog({ event: 'kill_switch_clear' });
      const cleared = await killHandler({
        action: 'clear',
        requestedBy: 'chaos',
        confirm: 'RESUME-TRADING',
      }).then(
        () => true,
        (err: unknown) => {
          harnessLog({ level: 'warn', event: 'kill_clear_failed', error: String(err) });
          return false;
        },
      );
      // A clear lost to a DynamoDB restart left the flag set for the rest of the run (every later worker
      // read it and stayed killed); the next check tries again, as an operator would.
      if (!cleared) {
        killClearedAt = null;
        return;
      }
      const now = Date.now();
      count('local.workerKill');
      await killChild('SIGKILL');
      episodes.push({
        kind: 'local.workerKill',
        startMs: now,
        endMs: now,
        needsReconnect: true,
        incarnation: incarnation + 1,
      });
      spawnWorker();
    };

    // 6. invariant checks, once a second
    const exchangeView = (): ExchangeView => {
      const positions = new Map<string, Centis>();
      for (const p of sim.kalshi.admin.positions(MAKER_USER))
        positions.set(p.ticker, (positions.get(p.ticker) ?? 0) + p.position);
      const resting = sim.kalshi.admin
        .restingOrders(MAKER_USER)
        .map((o) => ({ orderId: o.orderId, ticker: o.ticker, side: o.side }));
      return { positions, resting };
    };
    const positionsAgree = (ex: ExchangeView, snap: NonNullable<typeof lastSnap>): string | null => {
      for (const g of games)
        for (const t of g.tickers) {
          const w = snap.positions[t];
          const e = ex.positions.get(t) ?? 0;
          if (w === undefined && e === 0) continue;
          if (w !== e) return `${t}: worker ${w ?? 'untracked'} vs exchange ${e}`;
        }
      return null;
    };
    const mismatchSince = new Map<string, number>();
    const restartChecked = new Set<number>();
    const restartRecoveries: number[] = [];
    const killMs = new Map<number, number>(); // incarnation -> SIGKILL time
    let killStillResting = false;

    // Liveness samples: the worker's reason (last known; feed-down while no fresh snapshot: the worker is
    // down, the game quotable) and the sides resting at the exchange (its truth, not the worker's word).
    const livenessSamples: { at: number; samples: GameSample[] }[] = [];
    // The gap lines again, to name at the end those outside every fault window (the misses that count).
    const livenessGaps: { at: number; entry: Record<string, unknown> & { worker: string[] } }[] = [];
    // The worker's feed at each check (fresh snapshots only): where a socket fault's effect ends.
    const feedSamples: FeedSample[] = [];
    // The REST errors still queued at the exchange at each check: where a burst's effect ends.
    const burstSamples: { atMs: number; rest429Remaining: number; rest5xxRemaining: number }[] = [];
    const lastReason = new Map<string, { reason: QuotingReason; eligible: string[] }>();
    // The incarnation whose reasons lastReason holds: a new worker that does not know a game yet (say its
    // discovery failed) says `warming` for it, not what its predecessor said.
    let reasonsOf = 0;
    let everSampled = false;
    const sampleLiveness = (now: number, ex: ExchangeView, snap: typeof lastSnap, fresh: boolean) => {
      if (fresh && snap?.games) {
        if (snapIncarnation !== reasonsOf) lastReason.clear();
        reasonsOf = snapIncarnation;
        for (const g of snap.games) lastReason.set(g.eventTicker, g);
      }
      everSampled ||= lastReason.size > 0;
      if (!everSampled) return; // not started yet
      const resting = new Set(ex.resting.map((o) => `${o.ticker}|${o.side}`));
      const samples = games.map((g): GameSample => {
        const known = lastReason.get(g.eventTicker);
        const all = g.tickers.flatMap((t) => [`${t}|bid`, `${t}|ask`]);
        const reason: QuotingReason = fresh ? (known?.reason ?? 'warming') : 'feed-down';
        const eligible = fresh && known ? known.eligible : all;
        const missing = eligible.filter((k) => !resting.has(k));
        // The log says which sides a quotable game missed, to tell a slow requote from a measurement gap.
        // With the worker's own view of each missing slot (its order's state, or none), to tell a create it
        // never sent from one the exchange has not shown.
        if (isQuotable(reason) && missing.length > 0) {
          const entry = {
            game: g.eventTicker,
            reason,
            fresh,
            // The worker's word is this old, and its feed was in this state (a miss right after a socket fault).
            snapAgeMs: snap ? now - snap.at : null,
            feed: snap
              ? `${snap.connection.state} ${((now - snap.connection.sinceMs) / 1000).toFixed(1)} s`
              : null,
            missing,
            worker: missing.map((k) => {
              const o = snap?.orders.find((x) => `${x.ticker}|${x.side}` === k);
              return o ? `${o.state} ${o.remaining}` : 'none';
            }),
          };
          harnessLog({ event: 'liveness_gap', ...entry });
          livenessGaps.push({ at: now, entry });
        }
        return {
          game: g.eventTicker,
          reason,
          eligibleSides: eligible.length,
          restingSides: eligible.filter((k) => resting.has(k)).length,
        };
      });
      livenessSamples.push({ at: now, samples });
    };

    const check = () => {
      const now = Date.now();
      const ex = exchangeView();
      // limit
      for (const g of games) {
        inv.limit.checks++;
        const inventory = limitBreach(g.tickers, ex.positions, g.cap);
        if (inventory !== null) violate('limit', `${g.eventTicker}: inventory ${inventory} > cap ${g.cap}`);
      }
      // stop-time
      for (const g of games) {
        inv['stop-time'].checks++;
        const late = restingAfterStop(g.tickers, ex.resting, now, stopOf(g));
        if (late.length > 0)
          violate(
            'stop-time',
            `${g.eventTicker}: ${late.length} order(s) resting ${((now - stopOf(g)) / 1000).toFixed(1)} s after the stop time`,
          );
      }
      const snap = lastSnap;
      const fresh = snap !== null && now - snap.at < 2_000 && snapIncarnation === incarnation;
      sampleLiveness(now, ex, snap, fresh);
      if (fresh && snap)
        feedSamples.push({ atMs: now, up: snap.connection.state === 'up', sinceMs: snap.connection.sinceMs });
      const { rest429Remaining, rest5xxRemaining } = sim.kalshi.faults.current;
      burstSamples.push({ atMs: now, rest429Remaining, rest5xxRemaining });
      // restart: the newest incarnation (after a kill) must settle within RESTART_SETTLE_MS of ready
      for (const [n, readyMs] of readyAt) {
        if (n === 1 || restartChecked.has(n) || n !== incarnation) continue;
        if (!fresh || !snap) {
          if (now - readyMs > RESTART_SETTLE_MS) {
            restartChecked.add(n);
            inv.restart.checks++;
            violate('restart', `worker #${n} sent no snapshot within ${RESTART_SETTLE_MS / 1000} s of ready`);
          }
          continue;
        }
        const known = new Set(snap.orders.map((o) => o.orderId));
        const slots = new Map<string, number>();
        for (const o of ex.resting)
          slots.set(`${o.ticker}|${o.side}`, (slots.get(`${o.ticker}|${o.side}`) ?? 0) + 1);
        const dup = [...slots].find(([, c]) => c > 1);
        const orphan = ex.resting.find((o) => !known.has(o.orderId));
        const diff = positionsAgree(ex, snap);
        const ok = !dup && !orphan && !diff;
        if (ok) {
          restartChecked.add(n);
          inv.restart.checks++;
          const k = killMs.get(n);
          if (k !== undefined) restartRecoveries.push(now - k);
        } else if (now - readyMs > RESTART_SETTLE_MS) {
          restartChecked.add(n);
          inv.restart.checks++;
          violate(
            'restart',
            `worker #${n} ${RESTART_SETTLE_MS / 1000} s after ready: ${
              dup
                ? `duplicate orders on ${dup[0]} (${dup[1]})`
                : orphan
                  ? `order ${orphan.orderId} unknown to the worker`
                  : diff
            }`,
          );
        }
      }
      // fills: positions agree while the worker is up and connected
      if (fresh && snap && snap.connection.state === 'up') {
        for (const g of games)
          for (const t of g.tickers) {
            inv.fills.checks++;
            const w = snap.positions[t];
            const e = ex.positions.get(t) ?? 0;
            if (w === undefined || w === e) {
              mismatchSince.delete(t);
              continue;
            }
            const since = mismatchSince.get(t) ?? now;
            mismatchSince.set(t, since);
            if (now - since > FILL_AGREEMENT_MS && since !== -1) {
              violate(
                'fills',
                `${t}: worker ${w} vs exchange ${e} for ${((now - since) / 1000).toFixed(0)} s`,
              );
              mismatchSince.set(t, now); // one violation per FILL_AGREEMENT_MS of disagreement
            }
          }
      } else mismatchSince.clear();
      // kill: flat within 60 s of the trigger, and stays flat until the flag is cleared
      if (killFiredAt !== null && killClearedAt === null) {
        inv.kill.checks++;
        if (flatAt !== null && (now - flatAt >= 5_000 || now - killFiredAt >= KILL_FLAT_WITHIN_MS))
          void clearKill();
        if (ex.resting.length === 0) {
          flatAt ??= now;
          if (killStillResting) killStillResting = false;
        } else if (flatAt !== null) {
          violate('kill', `${ex.resting.length} order(s) resting again after the kill switch went flat`);
          flatAt = null;
        } else if (now - killFiredAt > KILL_FLAT_WITHIN_MS && !killStillResting) {
          killStillResting = true;
          violate(
            'kill',
            `${ex.resting.length} order(s) still resting ${KILL_FLAT_WITHIN_MS / 1000} s after the kill switch`,
          );
        }
      }
      // recoveries
      for (const ep of episodes) {
        if (ep.recoveredMs !== undefined || now < ep.endMs) continue;
        if (!fresh || !snap || snap.connection.state !== 'up') continue;
        if (ep.incarnation !== undefined && snapIncarnation < ep.incarnation) continue;
        if (ep.needsReconnect && snap.connection.sinceMs < ep.startMs) continue;
        if (positionsAgree(ex, snap) !== null) continue;
        ep.recoveredMs = now - ep.endMs;
      }
    };
    // Track kill times for restart recovery: wrap via episodes (incarnation → SIGKILL time).
    const monitor = setInterval(() => {
      for (const ep of episodes)
        if (ep.kind === 'local.workerKill' && ep.incarnation !== undefined)
          killMs.set(ep.incarnation, ep.startMs);
      try {
        check();
      } catch (err) {
        harnessLog({ level: 'error', event: 'check_failed', error: String(err) });
      }
    }, 1_000);
    closers.push(async () => clearInterval(monitor));

    let lastProgress = 0;
    while (Date.now() - t0 < runMs) {
      await new Promise((r) => setTimeout(r, 1_000));
      if (Date.now() - lastProgress >= 30_000) {
        lastProgress = Date.now();
        const total = Object.values(inv).reduce((s, x) => s + x.violations, 0);
        progress(
          `chaos: ${((Date.now() - t0) / 1000).toFixed(0)}/${runMs / 1000} s, faults ${Object.values(faultCounts).reduce((a, b) => a + b, 0)}, ` +
            `worker #${incarnation}, fills ${sim.kalshi.admin.fills(MAKER_USER).length}, resting ${sim.kalshi.admin.restingOrders(MAKER_USER).length}, violations ${total}`,
        );
      }
    }
    clearInterval(monitor);
    runOver = true;
    check();
    for (const t of timers) clearTimeout(t);
    if (!dynamo.up) await dynamo.restore();
    sim.kalshi.faults.clear();

    // Orderly stop of the last worker (SIGTERM path: kill switch, lease release).
    const c = child as ChildProcess | null;
    if (c && c.exitCode === null && c.signalCode === null) {
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      c.send({ type: 'stop' });
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000).unref());
      if ((await Promise.race([exited, timeout])) === 'timeout') await killChild('SIGKILL');
    }

    // Liveness: fault windows are the durational faults, a worker kill until its successor is ready, and
    // the kill-switch drill from the flag until it is cleared (an operator's stop: the Lambda cancels at
    // once, the worker says `killed` only at its next flag poll, and that lag is no failure of quoting).
    // A socket fault's window lasts, for the uptime, until the worker's feed is up again on a new
    // connection, and a burst of REST errors until the exchange has served the last (each at most
    // FEED_EFFECT_MAX_MS past the injection): the fault is still acting until then. What the worker does
    // after it (resnapshot, requote, settling an uncertain write) counts against the uptime; the recovery
    // is timed from the injection.
    const tracker = new UptimeTracker();
    const windows: { kind: string; start: number; end: number; effectEnd: number }[] = episodes.map((ep) => {
      const end = Math.max(
        ep.startMs,
        ep.kind === 'local.workerKill' && ep.incarnation !== undefined
          ? (readyAfter(readyAt, ep.incarnation) ?? Date.now())
          : ep.endMs,
      );
      const burst = BURST_LEFT[ep.kind];
      const effect = FEED_EFFECT_KINDS.has(ep.kind)
        ? feedEffectEnd({ startMs: ep.startMs, endMs: end, oneShot: isOneShot(ep.kind) }, feedSamples)
        : burst
          ? effectEnd(end, burstSamples, (b) => b[burst] === 0)
          : end;
      return { kind: ep.kind, start: ep.startMs, end, effectEnd: effect };
    });
    if (killFiredAt !== null) {
      const end = killClearedAt ?? Date.now();
      windows.push({ kind: 'kill-switch drill', start: killFiredAt, end, effectEnd: end });
    }
    for (const w of windows) tracker.fault(w.start, w.end, w.effectEnd);
    for (const s of livenessSamples) tracker.observe(s.at, s.samples);
    const liveness = tracker.report();
    // The gaps that count against the uptime (outside every fault window), tallied by the worker's view of
    // each missing side: `resting` = it believes the order rests, `pending`/`uncertain` = a write blocks the
    // slot, `none` = it wants the side but has no order.
    const byView: Record<string, number> = {};
    for (const { at, entry } of livenessGaps) {
      if (windows.some((w) => w.start <= at && at < w.effectEnd)) continue;
      harnessLog({ event: 'liveness_miss', atS: Math.round((at - t0) / 100) / 10, ...entry });
      for (const v of entry.worker) {
        const k = v.split(' ')[0]!;
        byView[k] = (byView[k] ?? 0) + 1;
      }
    }
    harnessLog({ event: 'liveness_miss_summary', sideSamplesByWorkerView: byView });
    // Recoveries come in order of fault end: name the fault of each, for diagnosis.
    const ends = windows.sort((a, b) => a.end - b.end);
    for (const [i, ms] of liveness.recoveriesMs.entries())
      harnessLog({ event: 'liveness_recovery', kind: ends[i]?.kind, endMs: (ends[i]?.end ?? t0) - t0, ms });
    inv.liveness.checks += liveness.games.length + 1;
    for (const v of livenessViolations(liveness)) violate('liveness', v);

    const recoveries: ChaosReport['recoveries'] = {};
    for (const ep of episodes) {
      const r = recoveries[ep.kind] ?? { episodes: 0, recovered: 0, medianMs: null, maxMs: null };
      recoveries[ep.kind] = r;
      r.episodes++;
      if (ep.recoveredMs !== undefined) r.recovered++;
    }
    for (const [kind, r] of Object.entries(recoveries)) {
      const times = episodes
        .filter((e) => e.kind === kind && e.recoveredMs !== undefined)
        .map((e) => e.recoveredMs!)
        .sort((a, b) => a - b);
      r.medianMs = times.length ? times[Math.floor(times.length / 2)]! : null;
      r.maxMs = times.length ? times[times.length - 1]! : null;
    }
    return {
      scenario: scenario.name,
      seed: opts.seed,
      minutes: opts.minutes,
      timeFactor: factor,
      faults: faultCounts,
      recoveries,
      invariants: inv,
      violations,
      workerStarts: incarnation,
      killSwitch: {
        firedAtMs: killFiredAt === null ? null : killFiredAt - t0,
        flatAfterMs: killFiredAt === null || flatAt === null ? null : flatAt - killFiredAt,
        restingAtTrigger: restingAtKill,
      },
      exchangeFills: sim.kalshi.admin.fills(MAKER_USER).length,
      makerOrdersPlaced: sim.kalshi.admin.orders(MAKER_USER).length,
      restartRecoveryMaxMs: restartRecoveries.length ? Math.max(...restartRecoveries) : null,
      liveness,
      livenessEffectMs: windows.reduce((sum, w) => sum + (w.effectEnd - w.end), 0),
    };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
  }
}

// ---------------------------------------------------------------- the table

const fmtS = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);
/** An uptime's 95 % interval and its sample count (sim/scenario/uptime.ts, batch means). */
const fmtCi = (ci: UptimeCi | null) =>
  ci === null
    ? '(95 % CI: too few samples)'
    : `(95 % CI ${(ci.lo * 100).toFixed(1)}–${(ci.hi * 100).toFixed(1)} %, ${ci.blocks} blocks)`;

export function chaosTable(r: ChaosReport): string {
  const lines: string[] = [];
  const total = Object.values(r.invariants).reduce((s, x) => s + x.violations, 0);
  lines.push(
    `chaos run: scenario ${r.scenario}, ${r.minutes} min, seed ${r.seed}, scenario time ×${r.timeFactor.toFixed(3)}`,
  );
  lines.push(
    `worker starts ${r.workerStarts}, maker orders placed ${r.makerOrdersPlaced}, maker fills ${r.exchangeFills}, ` +
      `kill switch at ${fmtS(r.killSwitch.firedAtMs)} with ${r.killSwitch.restingAtTrigger} resting → flat after ${fmtS(r.killSwitch.flatAfterMs)}, ` +
      `slowest restart (SIGKILL → positions agree) ${fmtS(r.restartRecoveryMaxMs)}`,
  );
  lines.push('');
  lines.push('| fault | injected | episodes tracked | recovered | median recovery | max recovery |');
  lines.push('| ----- | -------: | ---------------: | --------: | --------------: | -----------: |');
  const kinds = [...new Set([...Object.keys(r.faults), ...Object.keys(r.recoveries)])].sort();
  for (const k of kinds) {
    const rec = r.recoveries[k];
    lines.push(
      `| ${k} | ${r.faults[k] ?? 0} | ${rec?.episodes ?? 0} | ${rec?.recovered ?? 0} | ${fmtS(rec?.medianMs ?? null)} | ${fmtS(rec?.maxMs ?? null)} |`,
    );
  }
  if (r.liveness) {
    const l = r.liveness;
    lines.push('');
    lines.push(
      `liveness: quoting uptime outside fault windows ${(l.uptime * 100).toFixed(1)} % ${fmtCi(l.uptimeCi)} (worst game ${(l.minGameUptime * 100).toFixed(1)} %), ` +
        `recovery after a fault p99 ${fmtS(l.recoveryP99Ms)} over ${l.recoveriesMs.length} fault end(s), ${l.unrecovered} unrecovered` +
        (r.livenessEffectMs
          ? `; fault effects past their injection (left out of the uptime): ${fmtS(r.livenessEffectMs)}`
          : ''),
    );
    lines.push('');
    lines.push('| game | quotable | all sides resting | uptime | 95 % interval (10-s blocks) |');
    lines.push('| ---- | -------: | ----------------: | -----: | --------------------------: |');
    for (const g of l.games)
      lines.push(
        `| ${g.game} | ${fmtS(g.quotableMs)} | ${fmtS(g.restingMs)} | ${(g.uptime * 100).toFixed(1)} % | ${fmtCi(g.ci)} |`,
      );
    lines.push('');
    lines.push('| reason | game-time outside faults | games at the end |');
    lines.push('| ------ | -----------------------: | ---------------: |');
    const reasons = [...new Set([...Object.keys(l.msByReason), ...Object.keys(l.lastByReason)])].sort();
    for (const k of reasons)
      lines.push(
        `| ${k} | ${fmtS(l.msByReason[k as QuotingReason] ?? 0)} | ${l.lastByReason[k as QuotingReason] ?? 0} |`,
      );
  }
  lines.push('');
  lines.push('| invariant | checks | violations |');
  lines.push('| --------- | -----: | ---------: |');
  for (const [k, v] of Object.entries(r.invariants)) lines.push(`| ${k} | ${v.checks} | ${v.violations} |`);
  lines.push(`| **total** | ${Object.values(r.invariants).reduce((s, x) => s + x.checks, 0)} | ${total} |`);
  if (r.violations.length > 0) {
    lines.push('');
    for (const v of r.violations.slice(0, 30)) lines.push(`violation: ${v}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- entry

/** `npm run chaos -- …`: the run, its table on stdout; exit 1 on any violation, 2 on a bad flag. */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const opts = readCommandLine(CHAOS_COMMAND, argv, io);
  if (typeof opts === 'number') return opts;
  const logFile = join(tmpdir(), `kalshi-mm-chaos-${process.pid}.log`);
  const { appendFileSync } = await import('node:fs');
  const report = await runChaos({ ...opts, onLog: (l) => appendFileSync(logFile, `${l}\n`) });
  const table = chaosTable(report);
  io.out.write(`${table}\n`);
  io.err.write(`log: ${logFile}\n`);
  if (opts.json) writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);
  const total = Object.values(report.invariants).reduce((s, x) => s + x.violations, 0);
  return total === 0 ? 0 : 1;
}

if (process.env.CHAOS_WORKER_CHILD === '1' && process.send) {
  runWorkerChild().catch((err: unknown) => {
    process.stderr.write(
      `${JSON.stringify({ level: 'error', event: 'chaos_worker_crashed', error: err instanceof Error ? err.message : String(err) })}\n`,
    );
    process.exit(1);
  });
} else {
  runIfEntry(import.meta.url, main);
}
