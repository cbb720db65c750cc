/**
 * The whole system in one process, on loopback: local DynamoDB, the Kalshi
 * and Odds API simulators on a scenario, the odds-poll handler on a local
 * schedule, the local event bus feeding the refresh handler, the worker, and
 * the dashboard. `npm start` runs it at a chosen speed; `npm run simulate`
 * runs it headless in lockstep (`speed: 'max'`).
 *
 * Shutdown order matters for money: the kill switch first (stop quoting,
 * cancel until flat), then the parts in reverse start order.
 */
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Clock, systemClock } from '../../shared/clock.ts';
import type { EngineConfig } from '../../shared/config/engine-config.ts';
import type { LadderSports } from '../../shared/config/ladder-sports.ts';
import { DEFAULT_SPORT_CATALOGUE, sportOfSeries } from '../../shared/mapping/sports.ts';
import { makeDocumentClient } from '../../shared/store/client.ts';
import { createStore, type Store } from '../../shared/store/index.ts';
import { MAKER_USER, type Simulation, startSimulation } from '../../sim/main.ts';
import { withCashPanel } from '../../worker/dashboard/cash-panel.ts';
import { withEdgePanel } from '../../worker/dashboard/edge-panel.ts';
import { withDayPnlPanel } from '../../worker/dashboard/pnl-panel.ts';
import { type DashboardServer, newDashboardToken, startDashboard } from '../../worker/dashboard/server.ts';
import { sessionDashboard } from '../../worker/dashboard/session-adapter.ts';
import type { DashboardState } from '../../worker/dashboard/view-model.ts';
import type { Quoter } from '../../worker/engine/ports.ts';
import { LockstepClock, ScaledWorkerClock, StallTolerantClock } from './clocks.ts';
import { type PaperDynamo, startPaperDynamo } from './dynamo.ts';
import { type LiveEnv, liveHosts, UsageError } from './options.ts';
import { type LocalServerless, PAPER_BOOKMAKERS, startLocalServerless } from './serverless.ts';
import type { PaperWorker, PaperWorkerStarter } from './worker-port.ts';

export interface PaperStackOptions {
  /** Scenario file path or shipped scenario name. */
  scenario: string;
  seed?: number;
  /** Scenario seconds per wall second, or 'max' (lockstep: the caller steps time). */
  speed: number | 'max';
  config: EngineConfig;
  /** null: no dashboard (headless). */
  dashboard: { host: string; port: number } | null;
  /** Another strategy instead of ours (baselines). */
  quoter?: Quoter;
  /** Starts the worker (the real one in `npm start`/`simulate`; injectable for tests). */
  startWorker: PaperWorkerStarter;
  /** Scenario ms between two odds polls. */
  pollEveryMs?: number;
  onProgress?: (step: string) => void;
  log?: (entry: Record<string, unknown>) => void;
  /** The session journal's directory (worker/journal/); absent: none. */
  journalDir?: string;
  /** Spread/total ladders polled and quoted; default: all when the scenario lists ladders, else none. */
  ladderSports?: LadderSports;
}

export interface PaperStack {
  /** The simulators (null in live mode). */
  sim: Simulation | null;
  store: Store;
  worker: PaperWorker;
  serverless: LocalServerless;
  clock: Clock;
  /** Present when speed is 'max': moves scenario time for both sides. */
  lockstep: LockstepClock | null;
  dashboard: DashboardServer | null;
  token: string | null;
  /** The paper stack's local DynamoDB: what `npm run dashboard -- --stage local --endpoint …` reads. */
  localDynamo?: { endpoint: string; tableName: string };
  /** The dashboard's view of the state (also used for the status line). */
  view(): DashboardState;
  /** Kill switch first, then everything down; idempotent. */
  stop(reason?: string): Promise<{ flat: boolean; remaining: number }>;
}

/**
 * Paper mode trades what the scenario lists: a game whose Kalshi series no
 * configured sport covers gets a sport entry, named by the catalogue's sport id
 * (so `limits.sports` applies: a challenger match gets the niche limits) or,
 * for a series the catalogue lacks, after its league; `--scenario
 * epl-draw.json` quotes soccer without a config file.
 */
export function withScenarioSports(config: EngineConfig, world: Simulation['world']): EngineConfig {
  const covered = new Set(Object.values(config.sports).flatMap((s) => s.series));
  const sports = { ...config.sports };
  for (const g of world.games) {
    const series = g.game.seriesTicker;
    if (covered.has(series)) continue;
    covered.add(series);
    const name =
      sportOfSeries(config.sportCatalogue ?? DEFAULT_SPORT_CATALOGUE, series)?.id ??
      g.game.league.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    const existing = sports[name];
    sports[name] = existing
      ? { ...existing, series: [...existing.series, series] }
      : { series: [series], oddsSportKey: g.game.oddsSportKey };
  }
  return { ...config, sports };
}

export const PAPER_STEPS = ['local DynamoDB', 'simulators', 'odds poll', 'worker', 'dashboard'] as const;

export async function startPaperStack(opts: PaperStackOptions): Promise<PaperStack> {
  const log = opts.log ?? (() => {});
  const progress = opts.onProgress ?? (() => {});
  const closers: (() => Promise<unknown>)[] = [];
  const unwind = async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
  };
  try {
    progress(PAPER_STEPS[0]);
    const dynamo: PaperDynamo = await startPaperDynamo(undefined, log);
    closers.push(() => dynamo.close());
    const store = createStore(dynamo.doc, dynamo.tableName);

    progress(PAPER_STEPS[1]);
    const sim = await startSimulation({
      scenario: opts.scenario,
      ...(opts.seed === undefined ? {} : { seed: opts.seed }),
      speed: opts.speed === 'max' ? 'stepped' : opts.speed,
    });
    closers.push(() => sim.close());
    const simClock = sim.clock as unknown as { set?(ms: number): void; now(): number; speed: number };
    let lockstep: LockstepClock | null = null;
    let clock: Clock;
    if (opts.speed === 'max') {
      if (typeof simClock.set !== 'function') throw new Error('stepped simulation clock expected');
      lockstep = new LockstepClock(sim.clock.now(), simClock as { set(ms: number): void });
      clock = lockstep;
    } else {
      const scaled = new ScaledWorkerClock(() => sim.clock.now(), opts.speed);
      closers.push(async () => scaled.clearAll());
      clock = scaled;
    }
    if (!sim.privateKeyPem) throw new Error('the simulation did not generate a paper key pair');
    const config = withScenarioSports(opts.config, sim.world);
    // A scenario that lists spread/total ladders is quoted on them (issue #17), as the backtest does.
    const ladderSports =
      opts.ladderSports ?? (sim.world.games.some((g) => g.ladders !== undefined) ? 'all' : []);

    progress(PAPER_STEPS[2]);
    const serverless = startLocalServerless({
      clock,
      store,
      odds: { baseUrl: sim.odds.baseUrl, apiKey: sim.oddsApiKey },
      sports: pollSportsOf(config),
      bookmakers: PAPER_BOOKMAKERS,
      pollEveryMs: opts.pollEveryMs ?? 60_000,
      ladderSports,
      log,
    });
    closers.push(() => serverless.stop());
    await serverless.schedule.runNow(); // theos exist before the worker's first quote

    progress(PAPER_STEPS[3]);
    const worker = await opts.startWorker({
      clock,
      config: config,
      kalshi: {
        restBaseUrl: sim.kalshi.restBaseUrl,
        wsUrl: sim.kalshi.wsUrl,
        keyId: sim.keyId,
        privateKeyPem: sim.privateKeyPem,
      },
      store,
      publishRefresh: (r) => serverless.publishRefresh(r),
      ...(opts.quoter ? { quoter: opts.quoter } : {}),
      // Lockstep: the worker's REST buckets pace on scenario time, like the simulator's.
      ...(lockstep ? { restLimiterClock: new StallTolerantClock(lockstep) } : {}),
      ...(opts.journalDir ? { journal: { dir: opts.journalDir } } : {}),
      ladderSports,
      log,
    });
    closers.push(() => worker.close());

    return await assemble({
      parts: {
        sim,
        store,
        worker,
        serverless,
        clock,
        lockstep,
        localDynamo: { endpoint: dynamo.endpoint, tableName: dynamo.tableName },
      },
      mode: 'paper',
      venue: 'simulator',
      dashboard: opts.dashboard,
      // The simulator's own ledger, not the worker's word, says whether anything still rests.
      restingOnExchange: () => sim.kalshi.admin.restingOrders(MAKER_USER).length,
      unwind,
      closers,
      progress,
      log,
    });
  } catch (err) {
    await unwind();
    throw err;
  }
}

export interface LiveStackOptions {
  env: LiveEnv;
  config: EngineConfig;
  dashboard: { host: string; port: number };
  startWorker: PaperWorkerStarter;
  /** Wall ms between two odds polls (default 30 min, as deployed). */
  pollEveryMs?: number;
  onProgress?: (step: string) => void;
  log?: (entry: Record<string, unknown>) => void;
  /** The session journal's directory (worker/journal/); absent: none. */
  journalDir?: string;
}

/**
 * `npm start -- --live`: the same worker, odds poll, refresh bus and dashboard,
 * against real Kalshi (demo or prod) and The Odds API. DynamoDB is the real
 * table when DYNAMODB_TABLE is set, else a local in-memory one.
 */
export async function startLiveStack(opts: LiveStackOptions): Promise<PaperStack> {
  const log = opts.log ?? (() => {});
  const progress = opts.onProgress ?? (() => {});
  const closers: (() => Promise<unknown>)[] = [];
  const unwind = async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
  };
  // The same resolution the worker does (KALSHI_ENV's hosts unless KALSHI_REST_URL / KALSHI_WS_URL say otherwise).
  const hosts = liveHosts(opts.env);
  let privateKeyPem: string;
  try {
    privateKeyPem = readFileSync(opts.env.KALSHI_PRIVATE_KEY_FILE, 'utf8');
  } catch (err) {
    throw new UsageError(
      'env KALSHI_PRIVATE_KEY_FILE',
      `cannot read the key file (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(privateKeyPem)) {
    throw new UsageError('env KALSHI_PRIVATE_KEY_FILE', 'not a PEM private key');
  }
  try {
    progress(PAPER_STEPS[0]);
    let store: Store;
    if (opts.env.DYNAMODB_TABLE) {
      const client = new DynamoDBClient(opts.env.AWS_REGION ? { region: opts.env.AWS_REGION } : {});
      closers.push(async () => client.destroy());
      store = createStore(makeDocumentClient(client), opts.env.DYNAMODB_TABLE);
    } else {
      const dynamo = await startPaperDynamo(undefined, log);
      closers.push(() => dynamo.close());
      store = createStore(dynamo.doc, dynamo.tableName);
    }
    const clock = systemClock;

    progress(PAPER_STEPS[2]);
    const serverless = startLocalServerless({
      clock,
      store,
      odds: { baseUrl: hosts.odds, apiKey: opts.env.ODDS_API_KEY },
      sports: pollSportsOf(opts.config),
      bookmakers: PAPER_BOOKMAKERS,
      pollEveryMs: opts.pollEveryMs ?? 30 * 60_000,
      ladderSports: opts.env.LADDER_SPORTS,
      log,
    });
    closers.push(() => serverless.stop());
    await serverless.schedule.runNow();

    progress(PAPER_STEPS[3]);
    const worker = await opts.startWorker({
      clock,
      config: opts.config,
      kalshi: {
        restBaseUrl: hosts.kalshiRest,
        wsUrl: hosts.kalshiWs,
        keyId: opts.env.KALSHI_KEY_ID,
        privateKeyPem,
      },
      store,
      publishRefresh: (r) => serverless.publishRefresh(r),
      ...(opts.journalDir ? { journal: { dir: opts.journalDir } } : {}),
      ladderSports: opts.env.LADDER_SPORTS,
      log,
    });
    closers.push(() => worker.close());
    return await assemble({
      parts: { sim: null, store, worker, serverless, clock, lockstep: null },
      mode: 'live',
      venue: opts.env.KALSHI_ENV,
      dashboard: opts.dashboard,
      unwind,
      closers,
      progress,
      log,
    });
  } catch (err) {
    await unwind();
    throw err;
  }
}

/** One odds-poll entry per configured sport, in config order (earlier = higher priority). */
function pollSportsOf(config: EngineConfig) {
  return Object.values(config.sports).map((s, i) => ({
    sportKey: s.oddsSportKey,
    priority: Math.min(9, i + 1),
    minCredits: 0,
  }));
}

interface AssembleOptions {
  parts: Pick<PaperStack, 'sim' | 'store' | 'worker' | 'serverless' | 'clock' | 'lockstep' | 'localDynamo'>;
  mode: 'paper' | 'live';
  venue: string;
  dashboard: { host: string; port: number } | null;
  /** Where the exchange can be asked directly (the simulator); live mode trusts the kill switch's listings. */
  restingOnExchange?: () => number;
  unwind: () => Promise<void>;
  closers: (() => Promise<unknown>)[];
  progress: (step: string) => void;
  log: (entry: Record<string, unknown>) => void;
}

/** The dashboard over the running worker, and the stop that puts money first. Paper and live alike. */
async function assemble(o: AssembleOptions): Promise<PaperStack> {
  const { worker, store, clock } = o.parts;
  const actions = sessionDashboard({
    session: worker.session,
    books: worker.books,
    feedStats: () => worker.feedStats(),
    flags: store.kill,
    now: () => clock.now(),
    mode: o.mode,
    venue: o.venue,
    log: o.log,
  });
  const withCash = worker.cash ? withCashPanel(actions, worker.cash) : actions;
  const withEdge = worker.edge ? withEdgePanel(withCash, worker.edge) : withCash;
  const source = worker.pnlDay ? withDayPnlPanel(withEdge, worker.pnlDay) : withEdge;

  let dashboard: DashboardServer | null = null;
  let token: string | null = null;
  if (o.dashboard) {
    o.progress(PAPER_STEPS[4]);
    token = newDashboardToken();
    const d = await startDashboard({ source, actions, token, ...o.dashboard, log: o.log });
    dashboard = d;
    o.closers.push(() => d.close());
  }

  let stopping: Promise<{ flat: boolean; remaining: number }> | null = null;
  return {
    ...o.parts,
    dashboard,
    token,
    view: () => source.snapshot(),
    stop(reason = 'shutdown') {
      stopping ??= (async () => {
        // Money first: stop quoting and cancel until flat; then everything else down.
        const result = await worker.stop(reason).catch((err: unknown) => {
          o.log({ level: 'error', msg: 'kill switch failed at shutdown', error: String(err) });
          return null;
        });
        const onExchange = o.restingOnExchange?.();
        await o.unwind();
        const flat = (result?.flat ?? false) && (onExchange === undefined || onExchange === 0);
        return { flat, remaining: onExchange ?? result?.remaining ?? -1 };
      })();
      return stopping;
    },
  };
}
