/**
 * Simulation speed (issue item 7) and REST efficiency in a shipped scenario
 * (item 4): the `npm run simulate --speed max` path (scripts/paper/headless.ts,
 * lockstep clock, whole system in one process) on a shipped scenario, our
 * strategy only. Exchange events are counted at the simulated exchange's
 * event emitter (book deltas, orders, fills, trades, lifecycle); the quoter
 * port is wrapped to count what a naive cancel-and-replace of every changed
 * side would have written.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { runHeadless } from '../scripts/paper/headless.ts';
import { startPaperWorker } from '../scripts/paper/worker.ts';
import { parseEngineConfig } from '../shared/config/engine-config.ts';
import { KalshiEngine } from '../sim/kalshi/index.ts';
import { gameQuoter } from '../worker/engine/adapters/quoter.ts';
import { countingQuoter } from './engine-harness.ts';
import { type Figure, figure } from './figures.ts';
import { benchWriteEfficiency } from './write-efficiency.ts';

export const SCENARIO = 'nba-quiet-evening';

export async function benchSimulation(): Promise<Figure[]> {
  const proto = KalshiEngine.prototype as unknown as { emit: (e: unknown) => void };
  const original = proto.emit;
  let events = 0;
  proto.emit = function (this: KalshiEngine, e: unknown) {
    events++;
    original.call(this, e);
  };
  const config = parseEngineConfig({});
  const counts = { requotes: 0, naiveWrites: 0, changedSides: 0 };
  try {
    const r = await runHeadless({
      strategy: 'ours',
      scenario: join(import.meta.dirname, '..', 'sim', 'scenarios', `${SCENARIO}.json`),
      config,
      quoter: countingQuoter(gameQuoter({ params: config.quoting }), counts),
      speed: 'max',
      startWorker: startPaperWorker,
    });
    const secs = r.wallMs / 1000;
    const scenarioMin = (r.record.endTime - r.record.startTime) / 60_000;
    const writes = r.record.writes;
    const load = `load average ${loadavg()[0]!.toFixed(1)} on 2 cores`;
    return [
      figure(
        'simulation_events_per_sec',
        events / secs,
        'events/s',
        null,
        'higher',
        events,
        `${SCENARIO} at --speed max: ${events} exchange events in ${secs.toFixed(1)} s wall; ${load}`,
      ),
      figure(
        'simulation_wall_time_full_scenario',
        secs,
        's',
        null,
        'lower',
        1,
        `${SCENARIO}: ${scenarioMin.toFixed(0)} scenario minutes, ${((scenarioMin * 60) / secs).toFixed(0)}× real time`,
      ),
      figure(
        'rest_writes_per_requote_scenario',
        writes / Math.max(1, r.record.requotes),
        'writes',
        null,
        'lower',
        r.record.requotes,
        `${SCENARIO}, ${r.record.requotes} requotes`,
      ),
      figure(
        'rest_writes_per_changed_side_scenario',
        writes / Math.max(1, counts.changedSides),
        'writes',
        null,
        'lower',
        counts.changedSides,
      ),
      figure(
        'rest_writes_vs_naive_scenario',
        writes / Math.max(1, counts.naiveWrites),
        'ratio',
        0.5,
        'lower',
        r.record.requotes,
        `${writes} writes vs ${counts.naiveWrites} for cancel-and-replace of every changed side (${counts.changedSides} changed sides)`,
      ),
    ];
  } finally {
    proto.emit = original;
  }
}

/** The socket-path figures, then the same write ratio through the deterministic backtest (write-efficiency.ts). */
export async function benchSimulationAndWrites(): Promise<Figure[]> {
  const socket = await benchSimulation();
  return [...socket, ...(await benchWriteEfficiency(SCENARIO))];
}
