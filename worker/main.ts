/**
 * The worker process. `startWorker(opts)` wires the real adapters around one
 * TradingSession (paper mode calls it in-process with simulator URLs and a
 * local store; production calls it from `main()` below with the environment).
 * Paper and live differ only in URLs, keys and the store, never in code paths.
 *
 * SIGTERM → kill switch (stop quoting, cancel until flat) → release the lease → exit.
 */
import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type Clock, systemClock } from '../shared/clock.ts';
import type { EngineConfig } from '../shared/config/engine-config.ts';
import type { LadderSports } from '../shared/config/ladder-sports.ts';
import type { RefreshRequestInput } from '../shared/events/refresh-request.ts';
import { KalshiRateLimiter } from '../shared/kalshi/rate-limiter.ts';
import { DEFAULT_TIMEOUTS, KalshiRestClient } from '../shared/kalshi/rest-client.ts';
import { withSignQueue } from '../shared/kalshi/sign-queue.ts';
import { createRsaSigner, type Signer } from '../shared/kalshi/signer.ts';
import {
  createThreadPoolSigner,
  createThreadSigner,
  type FallbackSigner,
  withFallback,
} from '../shared/kalshi/thread-signer.ts';
import type { RoundReport } from '../shared/kill/cancel-until-flat.ts';
import { mappingConfigWith } from '../shared/mapping/match.ts';
import { WorkerMetric } from '../shared/metrics/names.ts';
import { makeDocumentClient } from '../shared/store/client.ts';
import { createStore, type Store } from '../shared/store/index.ts';
import { LeaseKeeper, type LeaseKeeperOptions } from '../shared/store/lease-keeper.ts';
import { otherLayoutLease } from '../shared/store/shard-layout.ts';
import { CashWatch } from './cash/cash-watch.ts';
import type { DayPnlWatch } from './cash/day-pnl-watch.ts';
import { FillEdgeTracker } from './cash/fill-edge.ts';
import { type PnlRecorder, startPnlRecorder } from './cash/pnl-recorder.ts';
import { restAccountReader } from './cash/rest-account.ts';
import type { TheoStopRecorder } from './cash/theo-stops.ts';
import { parseWorkerEnv, WorkerEnvError } from './config.ts';
import { startSessionLivePublisher } from './dashboard/live-publisher.ts';
import { decisionLoggingQuoter } from './engine/adapters/decision-log.ts';
import { type FlattenOptions, gatewayFlattener } from './engine/adapters/flatten.ts';
import { KalshiFeedAdapter } from './engine/adapters/kalshi-feed.ts';
import { KalshiGateway } from './engine/adapters/kalshi-gateway.ts';
import { ladderPort } from './engine/adapters/ladder-port.ts';
import { type MetricsTarget, powertoolsLogger, WorkerMetrics } from './engine/adapters/observability.ts';
import { gameQuoter } from './engine/adapters/quoter.ts';
import { eventBridgeRefresh } from './engine/adapters/refresh.ts';
import { StoreGameMapper, storeAudit, storeKillFlags, storeTheoSource } from './engine/adapters/store.ts';
import type {
  BookReader,
  DayPnlPort,
  EngineLogger,
  EnginePorts,
  FlattenResult,
  Lease,
  Quoter,
  RefreshPublisher,
} from './engine/ports.ts';
import { TradingSession } from './engine/session.ts';
import { SessionLink } from './engine/session-link.ts';
import { WriteBudget } from './engine/write-budget.ts';
import { healthBeat } from './health.ts';
import { journalFromEnv } from './journal/journal-env.ts';
import { openWorkerJournal, type SessionJournalOptions } from './journal/session-journal.ts';
import { feedStatsReporter } from './kalshi/feed-metrics.ts';
import { restFillBackfill } from './kalshi/fill-backfill.ts';
import { undiciTransport } from './kalshi/undici-transport.ts';
import { KalshiWsFeed } from './kalshi/ws-client.ts';
import { boundedWait, pendingWrites } from './pending-writes.ts';

/** How long close waits for store writes in flight (live snapshot, decision samples) before it moves on. */
const CLOSE_WAIT_MS = 5_000;
export interface WorkerOptions {
  clock: Clock;
  config: EngineConfig;
  kalshi: { restBaseUrl: string; wsUrl: string; keyId: string; privateKeyPem: string };
  store: Store;
  /** Where skew-triggered odds-refresh requests go (EventBridge in production, a local handler in paper mode). */
  publishRefresh?: (request: RefreshRequestInput) => void | Promise<void>;
  refresh?: RefreshPublisher;
  /** Replaces the quoteGame quoter (baselines in simulations). */
  quoter?: Quoter;
  /** Structured log sink; Powertools JSON lines on stdout when absent. */
  log?: (entry: Record<string, unknown>) => void;
  /** EMF metrics on stdout (Powertools), with this namespace and stage; dropped when absent (paper mode). */
  metrics?: MetricsTarget;
  /** Called on every metrics flush (each heartbeat): the container health check's evidence (worker/health.ts). */
  onHeartbeat?: () => void;
  shardId?: string;
  /** Games are split over shards by a stable hash of the event ticker; with more than one, `shardId` is the shard number. */
  shardCount?: number;
  /** A held lease (production): writes are refused unless it is valid. */
  lease?: Lease;
  /**
   * Where the trading REST client's RSA signatures are computed: libuv's thread pool (default),
   * a dedicated worker thread, or in-process on the event loop. Off-loop signers fall back to
   * in-process signing if they fail, and sit behind the sign queue (one signature per core,
   * cancels first; the first signature of a turn in process while nothing else signs). The WebSocket handshake and the kill switch's client always
   * sign in-process (rare, and the kill path depends on nothing extra).
   */
  signing?: SigningMode;
  /** Period of the live snapshot the operator's dashboard reads (default 5 s; 0 = none). */
  liveSnapshotMs?: number;
  /**
   * Clock of the trading REST client's token buckets (default: the wall clock, as REST runs).
   * A headless simulation passes scenario time, so writes pace on the exchange's scenario-time
   * buckets rather than 10 writes per wall second.
   */
  restLimiterClock?: Clock;
  /**
   * The session journal (worker/journal/): what the session received and decided, replayable with
   * `npm run replay -- --journal DIR`. Absent: none.
   */
  journal?: SessionJournalOptions;
  /** Spread/total ladders listed and quoted (`LADDER_SPORTS`, paper on a ladder scenario); absent or none: winners only. */
  ladderSports?: LadderSports;
}

export type SigningMode = 'thread-pool' | 'worker-thread' | 'in-process';

export interface Worker {
  session: TradingSession;
  books: BookReader;
  /** The WebSocket feed's own counters: reconnects and book resyncs (snapshot requests + resubscribes). */
  feedStats(): { reconnects: number; bookResyncs: number };
  /** The account's cash and buying power, polled through REST (worker/cash/cash-watch.ts). */
  cash: CashWatch;
  /** Settlements and the day's games for the PnL report (worker/cash/pnl-recorder.ts); null without those stores. */
  pnl: { recorder: PnlRecorder; day: DayPnlWatch | null; stops: TheoStopRecorder | null } | null;
  /** Edge and markouts of the fills, rolling (worker/cash/fill-edge.ts). */
  edge: FillEdgeTracker;
  idle(): Promise<void>;
  /** Kill switch (stop quoting, cancel until flat), then stop timers and the feed. */
  stop(reason: string): Promise<FlattenResult>;
  /** Closes sockets, pools and the signing thread; after `stop`. */
  close(): Promise<void>;
  /** How trading writes are signed, and how often the off-loop signer failed over to in-process signing. */
  signing(): { mode: SigningMode; fallbacks: number; open: boolean };
}

/** The shard's stored trading-day PnL; absent from stores without it (drawdown from this process's peak). */
function dayPnlPort(store: Store, shardId: string, now: () => number): DayPnlPort | undefined {
  const days = store.pnlDay;
  if (!days) return undefined;
  return {
    load: (day) => days.load(shardId, day),
    save: (record) => days.save(shardId, { ...record, at: now() }),
  };
}

function loggerFrom(sink: ((entry: Record<string, unknown>) => void) | undefined): EngineLogger {
  if (!sink) return powertoolsLogger();
  const at = (level: string) => (event: string, fields?: Record<string, unknown>) =>
    sink({ level, event, ...(fields ?? {}) });
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

export async function startWorker(opts: WorkerOptions): Promise<Worker> {
  const { clock } = opts;
  const shardId = opts.shardId ?? '0';
  const shardCount = opts.shardCount ?? 1;
  // Shards share one Kalshi account: each names its orders with its own prefix (kmms1-…), so a
  // shard's reconciliation and kill switch recognise, and cancel, only its own orders.
  const config: EngineConfig =
    shardCount > 1
      ? { ...opts.config, clientOrderPrefix: `${opts.config.clientOrderPrefix}s${shardId}` }
      : opts.config;
  const log = loggerFrom(opts.log);
  const metrics = new WorkerMetrics(shardId, opts.metrics ?? null);
  const signer = createRsaSigner({ keyId: opts.kalshi.keyId, privateKeyPem: opts.kalshi.privateKeyPem });
  const signingMode = opts.signing ?? 'thread-pool';
  // Signing costs ≈ 0.25–0.9 ms of CPU per write: off the event loop it no longer delays the next frame.
  const offLoop: FallbackSigner | null =
    signingMode === 'in-process'
      ? null
      : withFallback(
          signingMode === 'worker-thread'
            ? await createThreadSigner({ keyId: opts.kalshi.keyId, privateKeyPem: opts.kalshi.privateKeyPem })
            : createThreadPoolSigner({ keyId: opts.kalshi.keyId, privateKeyPem: opts.kalshi.privateKeyPem }),
          signer,
          (reason) => {
            metrics.count('SignerFallbacks');
            // A dead signing thread fails every write over: log the first and then every 1000th, not each.
            const n = offLoop?.fallbacks ?? 1;
            if (n === 1 || n % 1_000 === 0)
              log.warn('signer_fallback', { mode: signingMode, reason, fallbacks: n });
          },
        );
  // One signature per core at a time, cancels first: a requote's leading write no longer shares the
  // cores with the writes behind it, nor a kill-path cancel with a slate of creates. The first
  // signature of a turn is computed in process when nothing else is signing (≤ 50/s, ≈ 0.25 ms
  // each): it goes out without the round trip through the pool and a busy loop — at the default
  // 0.5 vCPU there is no spare core for the pool to sign on (sign-queue.ts, BENCHMARKS.md
  // "Issue #16, wire pass").
  const tradingSigner: Signer = offLoop ? withSignQueue(offLoop, { inline: signer }) : signer;
  // Construction runs one way: adapters (reading the session only through this link) → ports → session → bind.
  const link = new SessionLink();
  // REST and WebSocket run on the wall clock even when the session runs on scenario time:
  // signatures are checked against the exchange's wall clock, and socket liveness is wall time.
  const rest = new KalshiRestClient({
    baseUrl: opts.kalshi.restBaseUrl,
    signer: tradingSigner,
    clock: systemClock,
    transport: undiciTransport(opts.kalshi.restBaseUrl),
    ...(opts.restLimiterClock ? { limiter: new KalshiRateLimiter(opts.restLimiterClock) } : {}),
    // A create or amend decided before the kill switch tripped, still queued for tokens, is stopped here.
    writeFence: () => link.writeFence(),
    onEvent: (e) => {
      if (e.type === 'rate_limited') metrics.count('RateLimited', 1, { bucket: e.bucket });
      else if (e.type === 'retry') metrics.count('RestRetries');
    },
  });
  // The kill switch must never queue behind our own token buckets.
  const killRest = new KalshiRestClient({
    baseUrl: opts.kalshi.restBaseUrl,
    signer,
    clock: systemClock,
    // Its own pool: cancels never wait for a socket behind the trading client's writes.
    transport: undiciTransport(opts.kalshi.restBaseUrl),
    limiter: false,
  });
  try {
    await rest.configureLimiter();
  } catch (err) {
    log.warn('limiter_config_failed', { error: err instanceof Error ? err.message : String(err) });
  }
  // The shards trade one account: each paces on its share of the account's buckets (so does the write budget).
  rest.limiter?.setShare(1 / shardCount);
  // Books take each market's tick grid from discovery: exact off-grid checks, and a book sized to
  // the grid's ticks rather than the 0.0001 $ fallback (about 320 KB per market).
  const ws = new KalshiWsFeed({
    url: opts.kalshi.wsUrl,
    signer,
    clock: systemClock,
    lifecycle: true,
    trades: config.quoting.liquidityEstimate,
    // order_group_updates: a tripped group holds the game's creates at once and its reset releases them.
    privateChannels: ['fill', 'user_orders', 'order_group_updates'],
    gridOf: (ticker) => link.priceRangesOf(ticker),
  });
  const feed = new KalshiFeedAdapter(ws, clock, config.depthLevels, {
    // Fills missed while the private channels were down come back from REST, with their records and PnL.
    backfill: restFillBackfill(rest),
    onBackfill: (r) => {
      if (r.error !== undefined) {
        metrics.count('FillBackfillErrors');
        log.warn('fill_backfill_failed', { error: r.error });
      } else if (r.applied > 0) {
        metrics.count(WorkerMetric.FillsBackfilled, r.applied);
        log.warn('fills_backfilled', { listed: r.listed, applied: r.applied });
      }
    },
  });
  const gateway = new KalshiGateway(rest, {
    onListingWarning: (w) => {
      log.warn('listing_warning', { ...w });
      metrics.count('ListingWarnings');
    },
  });
  const killGateway = new KalshiGateway(killRest);

  const refresh: RefreshPublisher | undefined =
    opts.refresh ??
    (opts.publishRefresh
      ? {
          publish: async (r) => {
            await opts.publishRefresh!(r);
          },
        }
      : undefined);
  const flattenOptions: FlattenOptions = {
    clock,
    deadlineMs: config.kill.flattenTimeoutMs,
    pauseMs: config.kill.flattenIntervalMs,
    floodMs: config.kill.floodMs,
    onRound: (r: RoundReport) => log.warn('kill_round', { ...r }),
    writesInFlight: () => link.writesInFlight(),
    // Alone on the account the kill switch sweeps it all; one shard of several sweeps only its own.
    ...(shardCount > 1
      ? {
          owns: (o: { ticker: string; clientOrderId: string | null }) =>
            o.clientOrderId?.startsWith(`${config.clientOrderPrefix}-`) === true ||
            link.eventOf(o.ticker) !== undefined,
        }
      : {}),
  };
  // Decision samples are written off the session's persist: close waits for them before the store goes.
  const decisionWrites = pendingWrites();
  const ports: EnginePorts = {
    clock,
    gateway,
    feed,
    books: feed,
    theos: storeTheoSource(opts.store.theos),
    mapper: new StoreGameMapper(
      opts.store.theos,
      () => clock.now(),
      mappingConfigWith(config.sportCatalogue),
      undefined,
      opts.store.activeOddsKeys,
    ),
    quoter: decisionLoggingQuoter(
      opts.quoter ??
        gameQuoter({
          params: config.quoting,
          tradeFeed: feed,
          onBadGrid: (t, e) => log.warn('bad_tick_grid', { ticker: t, error: e }),
        }),
      {
        shouldSample: (eventTicker, now) => opts.store.decisions.shouldSample(eventTicker, now),
        record: (d) => decisionWrites.track(opts.store.decisions.record({ ...d, shardId })),
      },
      (error) => {
        metrics.count('DecisionLogErrors');
        log.warn('decision_log_failed', { error });
      },
    ),
    flatten: gatewayFlattener(killGateway, flattenOptions),
    // A feed-down pause cancels until flat: no minute-long flood past the resume, no group deleted.
    pauseFlatten: gatewayFlattener(killGateway, { ...flattenOptions, floodMs: 0, deleteGroups: false }),
    log,
    metrics,
    killFlag: storeKillFlags(opts.store.kill),
    lease: opts.lease,
    refresh,
    audit: storeAudit({
      fills: opts.store.fills,
      orders: opts.store.orders,
      mapping: opts.store.mapping,
      positions: opts.store.positions,
      shardId,
      fenceToken: () => opts.lease?.token() ?? 0,
      eventOf: (t) => link.eventOf(t),
    }),
    dayPnl: dayPnlPort(opts.store, shardId, () => clock.now()),
    // One write budget: the engine spends the REST limiter's write bucket (sized from /account/limits).
    ...(rest.limiter ? { writeBudget: new WriteBudget(rest.limiter) } : {}),
    ...ladderPort(opts.ladderSports, opts.store, log),
  };
  const shard = { index: shardCount > 1 ? Number(opts.shardId) : 0, count: shardCount };
  // The journal wraps the ports (a decorator): the session is the same with or without it.
  const journal = opts.journal
    ? openWorkerJournal(opts.journal, { now: () => clock.now(), metrics, log })
    : null;
  const journaled = journal?.record(ports, { config, shard, quoter: opts.quoter ? 'custom' : 'engine' });
  const s = new TradingSession(config, journaled?.ports ?? ports, shard);
  link.bind(s);
  // Metrics leave in one EMF batch per heartbeat.
  const reportFeed = feedStatsReporter(ws, metrics);
  let flushTimer = clock.setTimeout(function flush() {
    reportFeed();
    journal?.tick();
    metrics.flush();
    opts.onHeartbeat?.();
    flushTimer = clock.setTimeout(flush, config.heartbeatMs);
  }, config.heartbeatMs);

  ws.start();
  journaled?.mark('start');
  await s.start();
  // The account's cash: balance, what positions and resting orders tie up, buying power vs the floor.
  const cash = new CashWatch({ clock, reader: restAccountReader(rest), config: config.cash, metrics, log });
  cash.start();
  // Edge and markouts of every fill against theo and mid (docs/TRADER-NUMBERS.md).
  const edge = new FillEdgeTracker({ clock, session: s, metrics });
  // The PnL record: settlements (one shard polls the account) and the day's games (docs/TRADER-NUMBERS.md).
  const pnl = startPnlRecorder({
    session: s,
    store: opts.store,
    rest,
    clock,
    metrics,
    log,
    pollMs: config.cash.settlementPollMs,
    dayPnlRefreshMs: config.cash.dayPnlRefreshMs,
    pollSettlements: shardCount <= 1 || Number(shardId) === 0,
  });
  // The operator's dashboard for the deployed system (npm run dashboard) reads this; wall-paced I/O.
  const live =
    opts.store.liveSnapshots && opts.liveSnapshotMs !== 0
      ? startSessionLivePublisher({
          session: s,
          books: feed,
          feedStats: () => ({
            reconnects: ws.stats.reconnects,
            bookResyncs: ws.stats.snapshotRequests + ws.stats.resubscribes,
          }),
          store: opts.store.liveSnapshots,
          shardId,
          restBaseUrl: opts.kalshi.restBaseUrl,
          timers: systemClock,
          cash,
          edge,
          ...(opts.liveSnapshotMs === undefined ? {} : { intervalMs: opts.liveSnapshotMs }),
          log: (e) =>
            log.warn('live_snapshot_failed', {
              kind: String(e.kind),
              id: String(e.id),
              error: String(e.error),
            }),
        })
      : null;

  let closed = false;
  let signerOpen = true;
  return {
    session: s,
    books: feed,
    feedStats: () => ({
      reconnects: ws.stats.reconnects,
      bookResyncs: ws.stats.snapshotRequests + ws.stats.resubscribes,
    }),
    cash,
    pnl,
    edge,
    idle: () => s.idle(),
    stop: async (reason) => {
      journaled?.mark('stop', reason);
      const r = await s.stop('sigterm', reason);
      // The flood (cancel-all account-wide) must end before the lease is released: the next task
      // on the shard would have its first orders cancelled. A kill while the worker lives floods on.
      s.killSwitch.abortFlood();
      // A pass on the wire when aborted ends first (bounded by the call timeout): only then is the lease released.
      await s.killSwitch.flooded();
      metrics.flush();
      return r;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      clock.clearTimeout(flushTimer);
      cash.stop();
      await cash.idle();
      await pnl?.close();
      edge.close();
      // A store that never answers must not hold the exit until ECS kills the task: bounded waits.
      if (live && !(await boundedWait(live.close(), CLOSE_WAIT_MS, systemClock)))
        log.warn('close_wait_expired', { what: 'live_snapshot', waitedMs: CLOSE_WAIT_MS });
      s.dispose();
      await s.quiesce();
      // No write of ours may land after close: the paper stack closes its store next.
      if (!(await decisionWrites.settledWithin(CLOSE_WAIT_MS, systemClock)))
        log.warn('close_wait_expired', { what: 'decision_samples', waitedMs: CLOSE_WAIT_MS });
      await journal?.close();
      ws.stop();
      await Promise.allSettled([rest.close(), killRest.close()]);
      await offLoop?.close();
      signerOpen = false;
    },
    signing: () => ({ mode: signingMode, fallbacks: offLoop?.fallbacks ?? 0, open: signerOpen }),
  };
}

/**
 * What `main` takes from its caller besides the environment: nothing in production. The chaos run's
 * worker child runs this same `main` against a loopback simulator and a local DynamoDB, with short
 * leases, its own log sink, and observers to report to its parent.
 */
export interface MainDeps {
  /** Log lines (default: Powertools JSON on stdout). */
  log?: (entry: Record<string, unknown>) => void;
  /** The DynamoDB client for the environment's endpoint (default: the AWS SDK's credential chain). */
  dynamo?: (endpoint: string | undefined) => DynamoDBClient;
  /** Lease timing (default: as deployed). */
  lease?: Pick<LeaseKeeperOptions, 'ttlMs' | 'maxWriteMs' | 'clockSkewMs'>;
  /** EMF metrics; null drops them (default: the environment's namespace and stage). */
  metrics?: MetricsTarget | null;
  /** The lease is being acquired. */
  onAcquiring?: () => void;
  /** The worker runs; the returned function (if any) is called when it starts to stop. */
  onWorker?: (worker: Worker) => (() => void) | undefined;
  /** The worker stopped: flat or not (before `main` resolves). */
  onStopped?: (result: FlattenResult) => void;
}

/**
 * Production entry: environment → adapters → session; SIGTERM → kill switch → release lease → exit.
 *
 * The SIGTERM/SIGINT handlers are installed first: as PID 1 (without an init) Node ignores a
 * signal it has no handler for, and ECS would SIGKILL the task after the stop timeout with orders
 * resting and the lease held. A signal while waiting for the lease exits cleanly (0); one during
 * start-up stops the worker as soon as it exists.
 */
export async function main(env: NodeJS.ProcessEnv = process.env, deps: MainDeps = {}): Promise<number> {
  const clock = systemClock;
  const log = loggerFrom(deps.log);
  let stopSignal: string | null = null;
  let onStopRequest: (signal: string) => void = () => {};
  const requestStop = (signal: string) => {
    if (stopSignal !== null) return;
    stopSignal = signal;
    log.warn('worker_stop_requested', { signal });
    onStopRequest(signal);
  };
  // `on`, not `once`: a second signal must not fall back to the default action mid-flatten.
  const onTerm = () => requestStop('SIGTERM');
  const onInt = () => requestStop('SIGINT');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  // The injected clock's timers are unref'd: hold the process open ourselves, or a
  // worker waiting for a lease (no socket yet) would exit 0 and look healthy to ECS.
  const keepAlive = setInterval(() => {}, 60_000);
  try {
    return await run();
  } finally {
    clearInterval(keepAlive);
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
  }

  async function run(): Promise<number> {
    let parsed: ReturnType<typeof parseWorkerEnv>;
    let journal: SessionJournalOptions | undefined;
    try {
      parsed = parseWorkerEnv(env);
      journal = journalFromEnv(env, clock.now());
    } catch (err) {
      if (err instanceof WorkerEnvError) {
        log.error('bad_environment', { field: err.field, message: err.message });
        return 2;
      }
      throw err;
    }
    const privateKeyPem =
      'pem' in parsed.privateKey
        ? parsed.privateKey.pem
        : 'file' in parsed.privateKey
          ? await readFile(parsed.privateKey.file, 'utf8')
          : await new SecretsManagerClient({})
              .send(new GetSecretValueCommand({ SecretId: parsed.privateKey.secretArn }))
              .then((r) => {
                if (!r.SecretString) throw new Error('the private key secret has no string value');
                return r.SecretString;
              });
    if (stopSignal !== null) {
      log.warn('worker_stopped', { phase: 'before lease', signal: stopSignal });
      return 0;
    }
    // The container health check reads this file's age: touched while we wait for the lease and
    // start up, then on every heartbeat of the running worker.
    const beat = parsed.healthFile
      ? healthBeat(parsed.healthFile, (err) => log.warn('health_file_failed', { error: String(err) }))
      : () => {};
    beat();
    const startingBeat = setInterval(beat, 10_000);
    try {
      return await serve(parsed, privateKeyPem, beat, () => clearInterval(startingBeat), journal);
    } finally {
      clearInterval(startingBeat);
    }
  }

  async function serve(
    parsed: ReturnType<typeof parseWorkerEnv>,
    privateKeyPem: string,
    beat: () => void,
    onStarted: () => void,
    journal: SessionJournalOptions | undefined,
  ): Promise<number> {
    const dynamo =
      deps.dynamo?.(parsed.dynamoEndpoint) ??
      new DynamoDBClient(parsed.dynamoEndpoint ? { endpoint: parsed.dynamoEndpoint } : {});
    const store = createStore(makeDocumentClient(dynamo), parsed.tableName);
    let lostReason: string | null = null;
    let onLeaseLost: (reason: string) => void = () => {};
    const lease = new LeaseKeeper({
      store: store.leases,
      shardId: parsed.shardId,
      owner: parsed.owner,
      clock,
      // Validity ends before the stored expiry by more than a write can spend in flight + skew.
      maxWriteMs: DEFAULT_TIMEOUTS.requestMs,
      ...deps.lease,
      // Re-sharding: no trading while a worker of another shard count still holds a lease.
      shardCount: parsed.shardCount,
      layoutCheck: () => otherLayoutLease(store.leases, parsed.shardCount, parsed.shardId, clock.now()),
      onLayoutWait: (holder) =>
        log.warn('lease_waiting_for_other_layout', {
          shardId: parsed.shardId,
          shardCount: parsed.shardCount,
          otherShard: holder.shardId,
          otherShardCount: holder.shardCount ?? null,
          otherExpiresAt: holder.expiresAt,
        }),
      // A failed renewal is not yet a lost lease, but validity is running down: say so.
      onRenewError: (err) =>
        log.warn('lease_renew_failed', {
          shardId: parsed.shardId,
          error: err instanceof Error ? err.message : String(err),
        }),
      onLost: (reason) => {
        log.error('lease_lost', { reason });
        lostReason = reason;
        onLeaseLost(reason);
      },
    });
    const releaseLease = () =>
      lease.release().catch((err: unknown) => log.error('lease_release_failed', { error: String(err) }));

    log.info('lease_acquiring', { shardId: parsed.shardId });
    deps.onAcquiring?.();
    // A stop while waiting: the keeper gives up at its next attempt (or releases what it just got).
    onStopRequest = () => void releaseLease();
    try {
      await lease.acquire();
    } catch (err) {
      if (stopSignal === null) throw err;
    }
    if (stopSignal !== null) {
      await releaseLease();
      log.warn('worker_stopped', { phase: 'waiting for lease', signal: stopSignal });
      return 0;
    }
    log.info('lease_acquired', { shardId: parsed.shardId, token: lease.token() });
    // A stop during start-up is served as soon as the worker exists (below).
    onStopRequest = () => {};

    const refresh = parsed.eventBusName
      ? eventBridgeRefresh(new EventBridgeClient({}), parsed.eventBusName)
      : undefined;
    let worker: Worker;
    try {
      worker = await startWorker({
        clock,
        config: parsed.config,
        kalshi: { restBaseUrl: parsed.restBaseUrl, wsUrl: parsed.wsUrl, keyId: parsed.keyId, privateKeyPem },
        store,
        refresh,
        ...(deps.log ? { log: deps.log } : {}),
        ...(deps.metrics === null
          ? {}
          : { metrics: deps.metrics ?? { namespace: parsed.metricsNamespace, stage: parsed.stage } }),
        onHeartbeat: beat,
        shardId: parsed.shardId,
        shardCount: parsed.shardCount,
        lease,
        ...(journal ? { journal } : {}),
        ladderSports: parsed.ladderSports,
      });
    } catch (err) {
      await releaseLease();
      throw err;
    }
    log.info('worker_started', { shardId: parsed.shardId });
    // From here only the running worker's heartbeats keep the container healthy.
    onStarted();
    const started = worker;
    const detach = deps.onWorker?.(started);
    return new Promise<number>((resolve) => {
      let stopping = false;
      const stop = async (signal: string, failed = false) => {
        if (stopping) return;
        stopping = true;
        log.warn('worker_stopping', { signal });
        detach?.();
        const r = await started.stop(signal);
        await releaseLease();
        await started.close();
        log.warn('worker_stopped', { flat: r.flat, remaining: r.remaining });
        deps.onStopped?.(r);
        resolve(r.flat && !failed ? 0 : 1);
      };
      onStopRequest = (signal) => void stop(signal);
      // A lost lease never comes back to this task: stop quoting, flatten, and exit non-zero so
      // ECS starts a fresh task that waits for the shard (a worker that idles forever helps nobody).
      onLeaseLost = (reason) => void stop(`lease lost: ${reason}`, true);
      if (lostReason !== null) void stop(`lease lost: ${lostReason}`, true);
      else if (stopSignal !== null) void stop(stopSignal);
    });
  }
}

const isEntry = (() => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
})();
if (isEntry) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      powertoolsLogger().error('worker_crashed', { error: err instanceof Error ? err.message : String(err) });
      process.exit(1);
    },
  );
}
