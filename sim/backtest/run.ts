/**
 * One backtest run of one strategy: the simulator's matching engine, traders,
 * odds world and faults and the worker's real `TradingSession` in one process,
 * joined by in-memory ports (gateway.ts, feed.ts, serverless.ts) on one
 * virtual clock (clock.ts). Nothing reads the wall clock, draws from
 * Math.random or waits on a real timer: the same scenario, seed, config and
 * latency give the same run, event for event.
 *
 * The loop: whichever comes first — the scenario's next trader action or the
 * clock's next timer (a feed delivery, a write's answer, a session timer) —
 * runs; after anything that may wake the session, the event loop is drained
 * (microtasks and the session's setImmediate requote) before time moves on.
 *
 * The result is the lockstep run's (scripts/paper/headless.ts): the same
 * RunRecorder, RulerRecorder and ScenarioUptime, so the scoreboard is the same.
 */

import type { ChartLineSet } from '../../scripts/paper/charts.ts';
import { effectSample, livenessSamples } from '../../scripts/paper/liveness.ts';
import { RunRecorder } from '../../scripts/paper/recorder.ts';
import type { RunRecord } from '../../scripts/paper/scoreboard.ts';
import { PAPER_BOOKMAKERS } from '../../scripts/paper/serverless.ts';
import { withScenarioSports } from '../../scripts/paper/stack.ts';
import type { EngineConfig } from '../../shared/config/engine-config.ts';
import { mappingConfigWith } from '../../shared/mapping/match.ts';
import type { Micros } from '../../shared/units.ts';
import { type FlattenOptions, gatewayFlattener } from '../../worker/engine/adapters/flatten.ts';
import { gameQuoter } from '../../worker/engine/adapters/quoter.ts';
import { StoreGameMapper, storeStrikeTheoSource } from '../../worker/engine/adapters/store.ts';
import type { EngineLogger, EngineMetrics, EnginePorts, Quoter } from '../../worker/engine/ports.ts';
import { TradingSession } from '../../worker/engine/session.ts';
import { KalshiEngine } from '../kalshi/engine.ts';
import { Faults } from '../kalshi/faults.ts';
import { resolveScenarioPath } from '../main.ts';
import { kalshiFaultSwitch, unknownKalshiFaults } from '../scenario/kalshi-faults.ts';
import type { RulerScore } from '../scenario/ruler.ts';
import { RulerRecorder } from '../scenario/ruler-recorder.ts';
import { ScenarioRunner } from '../scenario/runner.ts';
import { ScenarioUptime } from '../scenario/scenario-uptime.ts';
import { loadScenario, type Scenario, ScenarioError } from '../scenario/schema.ts';
import type { UptimeReport } from '../scenario/uptime.ts';
import { buildWorld, type World } from '../scenario/world.ts';
import { VirtualClock } from './clock.ts';
import { InMemoryFeed } from './feed.ts';
import { InMemoryGateway } from './gateway.ts';
import { DEFAULT_LATENCY, type LatencyConfig, LatencySampler } from './latency.ts';
import { recorderView } from './recorder-view.ts';
import { latestStopMs, RETIRE_AFTER_STOP_MS, retireAtMs } from './retire.ts';
import { startBacktestServerless } from './serverless.ts';
import { backtestTheoSource } from './theo-source.ts';

/** The maker account (as sim/main.ts names it). */
export const BACKTEST_USER = 'maker';
/** The reason the run gives the kill switch when the scenario is over (as the lockstep run). */
export const END_OF_RUN = 'end of simulation';
/** Scenario start when the scenario fixes none: a constant, so a run never depends on today's date. */
export const DEFAULT_START_MS = Date.parse('2026-01-01T00:00:00Z');
/** How long (backtest ms) the kill switch may take at the end before the run gives up on it. */
const STOP_BUDGET_MS = 5 * 60_000;
/** Sample cadence once every game is past its stop: only settlement is left to see. */
const COARSE_SAMPLE_MS = 60_000;

export interface BacktestOptions {
  strategy: string;
  /** Scenario file path, shipped name, or the scenario itself. */
  scenario: string | Scenario;
  seed?: number;
  config: EngineConfig;
  /** Another strategy instead of ours (baselines, oracle). */
  quoter?: Quoter;
  latency?: LatencyConfig;
  /** Scenario ms between scoreboard samples (default 5 s) and liveness samples (default 1 s). */
  sampleMs?: number;
  livenessMs?: number;
  /** Called once the world exists, before anything runs (the oracle binds the truth here). */
  onWorld?: (world: World) => void;
  onProgress?: (doneMs: number, totalMs: number) => void;
  /** Warnings and errors of the worker and the serverless side. */
  log?: (entry: Record<string, unknown>) => void;
  /** Journals the session (worker/journal/journal-ports.ts): wraps its ports, marks its start and stop. */
  journal?: (ports: EnginePorts) => { ports: EnginePorts; mark(m: 'start' | 'stop', reason?: string): void };
}

export interface BacktestStats {
  /** Timers fired on the virtual clock (deliveries, answers, session timers, samples). */
  timers: number;
  /** Engine events the exchange emitted (book deltas, fills, order updates, lifecycle …). */
  exchangeEvents: number;
  /** Feed deliveries and the events in them. */
  feedDeliveries: number;
  feedEvents: number;
  /** Order writes and listings that crossed the in-memory gateway. */
  writes: number;
  reads: number;
  traderActions: number;
  /** Event-loop drains (setImmediate rounds) the loop waited for. */
  drainRounds: number;
  /** When our session was stopped: the last game's stop plus two minutes, or the scenario's end. */
  retiredAtMs: number;
  /** When the exchange last served a request of ours (-1: never). */
  lastRequestMs: number;
}

export interface BacktestResult {
  record: RunRecord;
  lines: ChartLineSet;
  /** Wall time of the run (reported; never part of the scoreboard). */
  wallMs: number;
  flat: boolean;
  feedStatsMeasured: boolean;
  ruler: RulerScore;
  uptime: UptimeReport;
  stats: BacktestStats;
}

const noMetrics: EngineMetrics = { count: () => {}, gauge: () => {}, timing: () => {} };

function loggerOf(sink: (e: Record<string, unknown>) => void): EngineLogger {
  return {
    info: () => {},
    warn: (event, fields) => sink({ level: 'warn', event, ...(fields ?? {}) }),
    error: (event, fields) => sink({ level: 'error', event, ...(fields ?? {}) }),
  };
}

function pollSportsOf(config: EngineConfig) {
  return Object.values(config.sports).map((s, i) => ({
    sportKey: s.oddsSportKey,
    priority: Math.min(9, i + 1),
    minCredits: 0,
  }));
}

const immediate = () => new Promise<void>((r) => setImmediate(r));
/**
 * Resolves once every microtask queued so far, and every one those queue, has run: Node runs a
 * nextTick scheduled from a microtask only after the microtask queue is empty. Unlike
 * `immediate` it never goes back to the event loop (no poll, no yield to the OS scheduler),
 * which on a loaded machine cost more wall time than the whole simulation.
 */
const microtasksSettled = () => new Promise<void>((r) => process.nextTick(r));

export async function runBacktest(opts: BacktestOptions): Promise<BacktestResult> {
  const wallStart = performance.now();
  const log = opts.log ?? (() => {});
  const scenario =
    typeof opts.scenario === 'string' ? loadScenario(resolveScenarioPath(opts.scenario)) : opts.scenario;
  const unknown = unknownKalshiFaults(
    scenario.faults.filter((f) => f.target === 'kalshi').map((f) => f.name),
  );
  if (unknown.length > 0)
    throw new ScenarioError(`scenario ${scenario.name} names unknown Kalshi faults: ${unknown.join(', ')}`);
  const seed = opts.seed ?? scenario.seed;
  const startMs = scenario.start ? Date.parse(scenario.start) : DEFAULT_START_MS;
  const latency = opts.latency ?? DEFAULT_LATENCY;

  // ---- the exchange and the world, on the one clock
  const clock = new VirtualClock(startMs);
  const world = buildWorld(scenario, { seed, startMs });
  opts.onWorld?.(world);
  const engine = new KalshiEngine({ clock, seed });
  let exchangeEvents = 0;
  const offCount = engine.subscribe(() => exchangeEvents++);
  const faults = new Faults(undefined, seed);
  const serverlessLog = (e: Record<string, unknown>) => log(e);
  const config = withScenarioSports(opts.config, world);
  const serverless = startBacktestServerless({
    clock,
    world,
    sports: pollSportsOf(config),
    bookmakers: PAPER_BOOKMAKERS,
    pollEveryMs: 60_000,
    log: serverlessLog,
    // Only a scenario that lists ladders fits strike theos: a winner-only run is exactly as before.
    strikeTheos: world.games.some((g) => g.ladders !== undefined),
  });
  const runner = new ScenarioRunner({
    world,
    exchange: engine,
    clock,
    oddsFaults: serverless.odds.faults,
    kalshiFaults: kalshiFaultSwitch(faults, engine),
  });
  runner.setup();
  engine.deposit(BACKTEST_USER, (10_000 * 1_000_000) as Micros);

  // ---- the worker: the real session on in-memory ports (worker/main.ts's wiring without sockets)
  let session: TradingSession | null = null;
  const orderLatency = new LatencySampler(latency.orderEntry, (seed ^ 0x5eed0001) >>> 0);
  const gateway = new InMemoryGateway({
    engine,
    userId: BACKTEST_USER,
    clock,
    latency: orderLatency,
    faults,
    writeFence: () => session?.writeFence() ?? null,
  });
  // The kill switch's own client never queues behind our token buckets.
  const killGateway = new InMemoryGateway({
    engine,
    userId: BACKTEST_USER,
    clock,
    latency: orderLatency,
    faults,
    limited: false,
  });
  const feed = new InMemoryFeed({
    engine,
    userId: BACKTEST_USER,
    clock,
    latency: new LatencySampler(latency.feed, (seed ^ 0x5eed0002) >>> 0),
    faults,
    depth: config.depthLevels,
    trades: config.quoting.liquidityEstimate,
  });
  const engineLog = loggerOf(log);
  const flattenOptions: FlattenOptions = {
    clock,
    deadlineMs: config.kill.flattenTimeoutMs,
    pauseMs: config.kill.flattenIntervalMs,
    floodMs: config.kill.floodMs,
    writesInFlight: () => session?.writesInFlight() ?? 0,
  };
  const ports: EnginePorts = {
    clock,
    gateway,
    feed,
    books: feed,
    theos: backtestTheoSource(serverless.theos),
    mapper: new StoreGameMapper(
      serverless.theos,
      () => clock.now(),
      mappingConfigWith(config.sportCatalogue),
      undefined,
      serverless.activeKeys,
    ),
    quoter:
      opts.quoter ??
      gameQuoter({
        params: config.quoting,
        tradeFeed: feed,
        onBadGrid: (t, e) => engineLog.warn('bad_tick_grid', { ticker: t, error: e }),
      }),
    flatten: gatewayFlattener(killGateway, flattenOptions),
    pauseFlatten: gatewayFlattener(killGateway, { ...flattenOptions, floodMs: 0, deleteGroups: false }),
    log: engineLog,
    metrics: noMetrics,
    refresh: { publish: (r) => serverless.publishRefresh(r) },
    ...(serverless.strikeTheos ? { strikeTheos: storeStrikeTheoSource(serverless.strikeTheos) } : {}),
  };
  const journal = opts.journal?.(ports);
  const s = new TradingSession(config, journal?.ports ?? ports);
  session = s;
  let sessionEvents = 0;
  const offSession = s.onEvent(() => sessionEvents++);

  // ---- draining: everything the last event set off runs before time moves
  let drainRounds = 0;
  /** Worker and port timers fired (harness samples excluded): nothing of the session's runs but after one. */
  let workTimers = 0;
  const activity = () =>
    clock.created + clock.deferrals + sessionEvents + gateway.stats.writes + gateway.stats.reads;
  // A session that defers through the clock (Clock.defer) has nothing on the event loop but
  // promise continuations: one quiet round (deferred queue empty, nothing new) ends the drain,
  // and a round need only wait for the microtask queue to empty. One that defers with the
  // global setImmediate may have queued a flush behind our round: two event-loop rounds.
  // One drain is rounds until quiet: `drainFrom()` notes where activity stands, then `await
  // drainRound()` until `drained()`. The per-timer drain is written out in `advance` rather than
  // awaited as an async function: that wrapper's own promise was one more per timer fired.
  let drainLast = 0;
  let drainQuiet = 0;
  let drainLeft = 0;
  const drainFrom = () => {
    drainLast = activity();
    drainQuiet = 0;
    drainLeft = 10_000;
  };
  const drainRound = () => {
    clock.drain();
    return clock.deferrals > 0 ? microtasksSettled() : immediate();
  };
  const drained = () => {
    drainRounds++;
    const a = activity();
    if (a !== drainLast || clock.deferredCount() > 0) {
      drainQuiet = 0;
      drainLast = a;
    } else if (++drainQuiet >= (clock.deferrals > 0 ? 1 : 2)) return true;
    return --drainLeft <= 0;
  };
  const drain = async () => {
    drainFrom();
    do {
      await drainRound();
    } while (!drained());
  };
  /** Advances time (trader actions and timers in order) until `done()` or time `untilMs`. */
  const advance = async (untilMs: number, done: () => boolean = () => false) => {
    await drain();
    while (!done()) {
      const tTimer = clock.nextDue() ?? Number.POSITIVE_INFINITY;
      const tAction = runner.nextActionAt() ?? Number.POSITIVE_INFINITY;
      const t = Math.min(tTimer, tAction);
      if (t > untilMs) {
        if (Number.isFinite(untilMs) && untilMs > clock.now()) clock.set(untilMs);
        return;
      }
      // Trader actions and the harness's own timers only touch the exchange (the feed delivers
      // later, on a timer of its own): nothing of the session's can be waiting to run after them.
      if (tAction <= tTimer) runner.step(tAction);
      else if (clock.fireNext() === 'timer') {
        workTimers++;
        drainFrom();
        do {
          await drainRound();
        } while (!drained());
      }
    }
  };

  // ---- the run
  const recorderKalshi = { admin: engine };
  const recorder = new RunRecorder({
    strategy: opts.strategy,
    kalshi: recorderKalshi,
    userId: BACKTEST_USER,
    world,
    stopMarginMs: opts.config.stopMarginMs,
    books: feed,
    // Only what the recorder reads of the dashboard's state, by the dashboard's rules (recorder-view.ts).
    view: () => recorderView({ games: s.quotes() }, feed),
    counters: () => s.snapshot().counters,
    feedStats: () => ({ reconnects: feed.stats.reconnects, bookResyncs: feed.stats.bookResyncs }),
  });
  const ruler = new RulerRecorder({
    exchange: engine,
    world,
    userId: BACKTEST_USER,
    stopMarginMs: opts.config.stopMarginMs,
    // The dashboard's `modes` column is the session's quoting modes (projection.ts): read them alone.
    modeOf: (ticker, side) => {
      for (const g of s.quotingModes())
        for (const m of g.markets)
          if (m.ticker === ticker) return (side === 'bid' ? m.modeBid : m.modeAsk) ?? null;
      return null;
    },
  });
  // Fault windows by chaos's rule: injection + direct effect (the feed's reconnect), capped at 10 s.
  const uptime = new ScenarioUptime(scenario.faults, world.startMs);
  const end = world.endMs;
  const sampleMs = opts.sampleMs ?? 5_000;
  const livenessMs = opts.livenessMs ?? 1_000;

  const cleanup = () => {
    offSession();
    offCount();
    feed.close();
  };
  try {
    // Theos exist before the worker's first quote (paper mode awaits the first poll too).
    let polled = false;
    void serverless.schedule.runNow().then(() => {
      polled = true;
    });
    await advance(Number.POSITIVE_INFINITY, () => polled);
    let started = false;
    let startError: unknown = null;
    journal?.mark('start');
    void s.start().then(
      () => {
        started = true;
      },
      (err: unknown) => {
        startError = err;
        started = true;
      },
    );
    await advance(end, () => started);
    if (startError) throw startError;

    // Samples on scenario time, as the lockstep loop takes them; plus the exchange's own tick
    // each second (expiries, openings), as the stepped simulator's runner gives it.
    // Once every game is past its stop (plus time to see the cancels land) nothing of ours may
    // trade: samples go coarse, as the lockstep loop's steps do.
    // The latest stop the session may hold (a start moved earlier is quoted on its old start until announced).
    const lastStop = Math.max(
      ...world.games.map((g) => latestStopMs(g, world.startMs, opts.config.stopMarginMs)),
    );
    const coarseFrom = lastStop + RETIRE_AFTER_STOP_MS;
    let nextSample = clock.now();
    /** Our session is stopped (its last game past its stop): the harness only watches the world. */
    let retired = false;
    // The session's quoting modes change only when its code runs (after a worker or port timer, or a
    // deferral) and our resting orders only with an exchange event: a second with neither (most of a
    // quiet evening's) has the last sample's games exactly, so they are not built again.
    let games: { stamp: number; samples: ReturnType<typeof livenessSamples> } | null = null;
    const sample = () => {
      const t = clock.now();
      if (retired) {
        // Our session is stopped: the world plays on to settlement, seen by the exchange's side only.
        recorder.sample(t, false);
        opts.onProgress?.(t - world.startMs, end - world.startMs);
        runner.step(t);
        if (t < end) clock.setHarnessTimeout(sample, Math.min(COARSE_SAMPLE_MS, end - t));
        return;
      }
      const stamp = workTimers + clock.deferrals + exchangeEvents + sessionEvents;
      if (games?.stamp !== stamp)
        games = { stamp, samples: livenessSamples(s.quotingModes(), engine.restingOrders(BACKTEST_USER)) };
      uptime.observe(t, games.samples, () => effectSample(s.snapshot().connection, faults.current));
      if (t >= nextSample) {
        // A book is compared with the exchange's only when nothing is on the wire to it: a feed
        // delivery in flight is latency, not a wrong book (lockstep samples once everything landed).
        recorder.sample(t, feed.inFlight === 0);
        nextSample = t + sampleMs;
      }
      opts.onProgress?.(t - world.startMs, end - world.startMs);
      runner.step(t);
      const every = t >= coarseFrom ? COARSE_SAMPLE_MS : livenessMs;
      if (t < end) clock.setHarnessTimeout(sample, Math.min(every, end - t));
    };
    clock.setHarnessTimeout(sample, livenessMs - ((clock.now() - world.startMs) % livenessMs));
    // Our part ends when the last game's stop is two minutes past (or at the scenario's end, if
    // sooner): nothing of ours may rest or trade after it, so a trader would stop the bot there.
    // Running the idle session's timers, reconciliations and odds polls over the rest of play was
    // 45 % of a quiet evening's CPU and changed no fill, position or mark (docs/BENCHMARKS.md).
    const retireAt = retireAtMs(world, opts.config.stopMarginMs);
    await advance(retireAt);

    // The end: the kill switch cancels until flat while scenario time keeps moving.
    let stopped: { flat: boolean; remaining: number } | null = null;
    journal?.mark('stop', END_OF_RUN);
    void s
      .stop('sigterm', END_OF_RUN)
      .then((r) => {
        stopped = { flat: r.flat, remaining: r.remaining };
      })
      .catch(() => {
        stopped = { flat: false, remaining: -1 };
      });
    await advance(clock.now() + STOP_BUDGET_MS, () => stopped !== null);
    await serverless.stop().catch(() => {});
    const resting = engine.restingOrders(BACKTEST_USER).length;
    const flat = (stopped as { flat: boolean } | null)?.flat === true && resting === 0;
    retired = true;
    // The rest of the scenario: the games play to settlement on the exchange, without us.
    await advance(end);
    cleanup();
    return {
      record: recorder.finish(end),
      lines: recorder.lines,
      wallMs: performance.now() - wallStart,
      flat,
      feedStatsMeasured: true,
      ruler: ruler.finish(),
      uptime: uptime.report(),
      stats: {
        timers: clock.fired,
        exchangeEvents,
        feedDeliveries: feed.stats.deliveries,
        feedEvents: feed.stats.events,
        writes: gateway.stats.writes + killGateway.stats.writes,
        reads: gateway.stats.reads + killGateway.stats.reads,
        traderActions: runner.actions.length + runner.droppedActions,
        drainRounds,
        retiredAtMs: retireAt,
        lastRequestMs: Math.max(gateway.stats.lastRequestMs, killGateway.stats.lastRequestMs),
      },
    };
  } catch (err) {
    s.dispose();
    ruler.finish();
    cleanup();
    throw err;
  }
}
