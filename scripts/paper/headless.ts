/**
 * One headless simulated run of one strategy: the paper stack without a
 * dashboard, scenario time moved in lockstep (`speed: 'max'`: the simulator
 * and the worker's timers advance together, and each step waits until the
 * exchange and the worker are quiet) or scaled real time, sampled for the
 * scoreboard by a RunRecorder.
 */
import type { EngineConfig } from '../../shared/config/engine-config.ts';
import { MAKER_USER } from '../../sim/main.ts';
import type { RulerScore } from '../../sim/scenario/ruler.ts';
import { RulerRecorder } from '../../sim/scenario/ruler-recorder.ts';
import { ScenarioUptime } from '../../sim/scenario/scenario-uptime.ts';
import type { UptimeReport } from '../../sim/scenario/uptime.ts';
import type { Quoter } from '../../worker/engine/ports.ts';
import type { ChartLineSet } from './charts.ts';
import { effectSample, livenessSamples } from './liveness.ts';
import { RunRecorder } from './recorder.ts';
import type { RunRecord } from './scoreboard.ts';
import { type PaperStack, startPaperStack } from './stack.ts';
import type { PaperWorkerStarter } from './worker-port.ts';

/** The reason a headless run gives the kill switch when the scenario is over. */
export const END_OF_RUN = 'end of simulation';

/** Step after every game's stop time: only settlement is left to see. */
const COARSE_STEP_MS = 60_000;

export interface HeadlessOptions {
  strategy: string;
  scenario: string;
  seed?: number;
  config: EngineConfig;
  quoter?: Quoter;
  startWorker: PaperWorkerStarter;
  speed: number | 'max';
  /** Scenario ms per lockstep step. */
  stepMs?: number;
  /** Scenario ms between samples. */
  sampleMs?: number;
  onProgress?: (doneMs: number, totalMs: number) => void;
  log?: (entry: Record<string, unknown>) => void;
  /** Called once the stack is up, before the first step (the oracle binds the truth here). */
  onStack?: (stack: PaperStack) => void;
}

export interface HeadlessResult {
  record: RunRecord;
  lines: ChartLineSet;
  wallMs: number;
  /** The kill switch at the end left nothing resting on the exchange. */
  flat: boolean;
  /** Whether reconnects / book resyncs came from the WebSocket feed's own counters. */
  feedStatsMeasured: boolean;
  /** Fills against the scenario's true probability (edge, markouts, truth-marked PnL). */
  ruler: RulerScore;
  /** Quoting uptime outside the scenario's fault windows, recovery after them, games by reason. */
  uptime: UptimeReport;
}

/**
 * A dropped WebSocket reconnects on the wall clock (backoff, handshake); in lockstep, scenario
 * time would race ahead meanwhile and trip the feed-down guard on what is, in scenario terms,
 * a sub-second reconnect. So time waits (up to this much wall time) for the feed to come back.
 */
const RECONNECT_WAIT_MS = 3_000;

/**
 * Waits for the worker to be idle — unless the exchange holds a request back on scenario
 * time (slow-response fault): that answer comes only when time moves, so waiting for it
 * would stop the run (it did: chaos seeds 5 and 11 sat for minutes at the fault).
 */
async function idleOrParked(stack: PaperStack): Promise<void> {
  const parked = () => stack.sim?.kalshi.parkedRequests() ?? 0;
  let done = false;
  const idle = stack.worker.idle().then(() => {
    done = true;
  });
  while (!done && parked() === 0) await Promise.race([idle, new Promise((r) => setTimeout(r, 1))]);
}

/** Waits until neither the exchange nor the worker produced anything for two rounds of the event loop. */
async function settle(stack: PaperStack, activity: () => number, waitForFeed = false): Promise<void> {
  const deadline = Date.now() + RECONNECT_WAIT_MS;
  while (
    waitForFeed &&
    stack.worker.session.snapshot().connection.state === 'down' &&
    Date.now() < deadline
  ) {
    await new Promise((r) => setTimeout(r, 20));
  }
  let quietRounds = 0;
  let last = activity();
  for (let round = 0; round < 200 && quietRounds < 2; round++) {
    await new Promise((r) => setImmediate(r));
    await idleOrParked(stack);
    await new Promise((r) => setTimeout(r, 0));
    const now = activity();
    quietRounds = now === last ? quietRounds + 1 : 0;
    last = now;
  }
}

export async function runHeadless(opts: HeadlessOptions): Promise<HeadlessResult> {
  const wallStart = Date.now();
  const stepMs = opts.stepMs ?? 1_000;
  const sampleMs = opts.sampleMs ?? 5_000;
  const stack = await startPaperStack({
    scenario: opts.scenario,
    ...(opts.seed === undefined ? {} : { seed: opts.seed }),
    speed: opts.speed,
    config: opts.config,
    dashboard: null,
    startWorker: opts.startWorker,
    ...(opts.quoter ? { quoter: opts.quoter } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  const sim = stack.sim!;
  opts.onStack?.(stack);
  let events = 0;
  const offExchange = sim.kalshi.admin.subscribe(() => events++);
  const offSession = stack.worker.session.onEvent(() => events++);
  const world = sim.world;
  const recorder = new RunRecorder({
    strategy: opts.strategy,
    kalshi: sim.kalshi,
    userId: MAKER_USER,
    world,
    stopMarginMs: opts.config.stopMarginMs,
    books: stack.worker.books,
    view: () => stack.view(),
    counters: () => stack.worker.session.snapshot().counters,
    feedStats: () => stack.worker.feedStats(),
  });
  const ruler = new RulerRecorder({
    exchange: sim.kalshi.admin,
    world,
    userId: MAKER_USER,
    stopMarginMs: opts.config.stopMarginMs,
    modeOf: (ticker, side) => {
      for (const g of stack.view().games)
        for (const m of g.markets) if (m.ticker === ticker) return m.modes[side] ?? null;
      return null;
    },
  });
  const start = world.startMs;
  const end = world.endMs;
  let endTime = end;
  // Liveness, sampled at the step cadence: the worker's reasons against what rests on the exchange.
  // Fault windows by chaos's rule: injection + direct effect (the feed's reconnect), capped at 10 s.
  const uptime = new ScenarioUptime(world.scenario.faults, start);
  const sampleLiveness = (t: number) => {
    const snap = stack.worker.session.snapshot();
    uptime.observe(t, livenessSamples(snap.games, sim.kalshi.admin.restingOrders(MAKER_USER)), () =>
      effectSample(snap.connection, sim.kalshi.faults.current),
    );
  };
  try {
    if (stack.lockstep) {
      const lockstep = stack.lockstep;
      let nextSample = start;
      // Once every game is past its stop time (plus time to see the cancels land) nothing of
      // ours may trade: the rest of the run only waits for settlement, in coarse steps.
      const lastStop = Math.max(...world.games.map((g) => g.path.times.startMs - opts.config.stopMarginMs));
      const coarseFrom = lastStop + 120_000;
      const next = (t: number) => Math.min(end, t + (t >= coarseFrom ? COARSE_STEP_MS : stepMs));
      for (let t = next(start); ; t = next(t)) {
        sim.runner.step(t);
        lockstep.moveTo(t);
        await settle(stack, () => events, t < coarseFrom);
        sampleLiveness(t);
        if (t >= nextSample) {
          recorder.sample(t, true);
          nextSample = t + sampleMs;
        }
        opts.onProgress?.(t - start, end - start);
        if (t >= end) break;
      }
    } else {
      const wallSampleMs = Math.max(50, sampleMs / (opts.speed as number));
      for (;;) {
        const t = stack.clock.now();
        recorder.sample(t, false);
        sampleLiveness(t);
        opts.onProgress?.(Math.min(t, end) - start, end - start);
        if (t >= end) break;
        await new Promise((r) => setTimeout(r, wallSampleMs));
      }
      endTime = stack.clock.now();
    }
  } catch (err) {
    await stopKeepingTime(stack, sim, () => events, 'simulation failed').catch(() => {});
    ruler.finish();
    offExchange();
    offSession();
    throw err;
  }
  const result = await stopKeepingTime(stack, sim, () => events, END_OF_RUN);
  offExchange();
  offSession();
  return {
    record: recorder.finish(endTime),
    lines: recorder.lines,
    wallMs: Date.now() - wallStart,
    flat: result.flat,
    feedStatsMeasured: stack.worker.hasFeedStats,
    ruler: ruler.finish(),
    uptime: uptime.report(),
  };
}

/** Stops the stack (kill switch first); in lockstep, scenario time keeps moving while it flattens. */
async function stopKeepingTime(
  stack: PaperStack,
  sim: NonNullable<PaperStack['sim']>,
  activity: () => number,
  reason: string,
): Promise<{ flat: boolean; remaining: number }> {
  // The kill switch's cancel-until-flat waits on the session clock: in lockstep, keep time moving.
  const stopping = stack.stop(reason);
  if (stack.lockstep) {
    const lockstep = stack.lockstep;
    let done = false;
    void stopping.finally(() => {
      done = true;
    });
    // Scenario time may not outrun the cancels on the wire: 250 ms of it per settle plus 20 ms
    // of wall time, so the 60 s deadline spans several wall seconds of real requests.
    for (let t = lockstep.now(); !done; ) {
      await settle(stack, activity);
      await new Promise((r) => setTimeout(r, 20));
      if (done) break;
      t += 250;
      sim.runner.step(t);
      lockstep.moveTo(t);
    }
  }
  return stopping;
}
