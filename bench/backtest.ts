/**
 * The in-process backtest's speed (issue #20 §2): wall time of one strategy
 * run of nba-quiet-evening (172 scenario minutes, ours) on sim/backtest, with
 * the lockstep run over loopback sockets (scripts/paper/headless.ts) of the
 * same scenario, seed and config beside it in the same process and load. The
 * first run in the process pays the JIT (≈ 3× a warm run's CPU here): it is
 * reported alone (`backtest_cpu_first_run`), and the per-run figures are the
 * median of RUNS runs after WARMUP runs in all (what a pool child or a long
 * evaluation pays per run). CPU time is given too, since the shared machine's
 * load stretches wall time.
 *
 * Then what `npm run evaluate` pays per (scenario, seed) job — `simulate`, four
 * strategies — in its pool: the child's CPU per job in the bundled child (plain
 * JavaScript on bare node, scripts/evaluate-bundle.ts) against the tsx child
 * (the same-run baseline), alternating, one warm-up job each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleChild } from '../scripts/evaluate-bundle.ts';
import { SimulatePool } from '../scripts/evaluate-pool.ts';
import { runHeadless } from '../scripts/paper/headless.ts';
import { startPaperWorker } from '../scripts/paper/worker.ts';
import { parseEngineConfig } from '../shared/config/engine-config.ts';
import { runBacktest } from '../sim/backtest/run.ts';
import { resolveScenarioPath } from '../sim/main.ts';
import { type Figure, figure } from './figures.ts';

export const SCENARIO = 'nba-quiet-evening';
/** Runs before the counted ones (the first is the cold figure): V8 has optimised the hot paths after ≈ 3. */
const WARMUP = 3;
/** Counted backtest runs (after the warm-up). */
const RUNS = 3;
/** Counted evaluate jobs per child kind (after one warm-up each). */
const JOBS = 3;

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cpuMsSince = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

export async function benchBacktest(): Promise<Figure[]> {
  const config = parseEngineConfig({});
  const scenario = resolveScenarioPath(SCENARIO);
  const run = () => runBacktest({ strategy: 'ours', scenario, config });
  const cold0 = process.cpuUsage();
  const cold = await run();
  const coldCpu = cpuMsSince(cold0);
  for (let i = 1; i < WARMUP; i++) await run();
  const walls: number[] = [];
  const cpus: number[] = [];
  let events = 0;
  let eventsWallMs = 0;
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const r = await run();
    cpus.push(cpuMsSince(c0));
    walls.push(r.wallMs);
    events += r.stats.exchangeEvents;
    eventsWallMs += r.wallMs;
  }
  const c0 = process.cpuUsage();
  const lock = await runHeadless({
    strategy: 'ours',
    scenario,
    config,
    speed: 'max',
    startWorker: startPaperWorker,
  });
  const lockCpu = cpuMsSince(c0);
  const pool = await poolCpu(scenario);
  const load = `load average ${loadavg()[0]!.toFixed(1)} on 2 cores`;
  return [
    figure(
      'backtest_wall_per_strategy_run',
      median(walls) / 1000,
      's',
      0.3,
      'lower',
      walls.length,
      `${SCENARIO}, ours, median of ${walls.length} runs after ${WARMUP} warm-up runs in the same process (${walls.map((w) => (w / 1000).toFixed(2)).join(', ')} s); lockstep over sockets beside it, same process, one run; ${load}`,
      { name: 'lockstep_wall_per_strategy_run', value: lock.wallMs / 1000, unit: 's', samples: 1 },
    ),
    figure(
      'backtest_cpu_per_strategy_run',
      median(cpus) / 1000,
      's',
      null,
      'lower',
      cpus.length,
      `${SCENARIO}, ours: CPU of the whole process during each run (the simulator, the worker, the recorders)`,
      { name: 'lockstep_cpu_per_strategy_run', value: lockCpu / 1000, unit: 's', samples: 1 },
    ),
    figure(
      'backtest_cpu_first_run',
      coldCpu / 1000,
      's',
      null,
      'lower',
      1,
      `${SCENARIO}, ours: the process's first run (JIT warm-up included; wall ${(cold.wallMs / 1000).toFixed(2)} s)`,
    ),
    figure(
      'backtest_exchange_events_per_sec',
      events / (eventsWallMs / 1000),
      'events/s',
      null,
      'higher',
      events,
      `${SCENARIO}: ${events} exchange events over ${RUNS} runs in ${(eventsWallMs / 1000).toFixed(1)} s wall`,
    ),
    figure(
      'evaluate_job_cpu_bundled_child',
      median(pool.bundled) / 1000,
      's',
      null,
      'lower',
      pool.bundled.length,
      `${SCENARIO} seed 1, simulate (four strategies) in an evaluate pool child: bundled (bare node) against the tsx child, alternating (${pool.bundled.map((x) => (x / 1000).toFixed(2)).join(', ')} s vs ${pool.tsx.map((x) => (x / 1000).toFixed(2)).join(', ')} s); ${load}`,
      {
        name: 'evaluate_job_cpu_tsx_child',
        value: median(pool.tsx) / 1000,
        unit: 's',
        samples: pool.tsx.length,
      },
    ),
  ];
}

/** CPU per evaluate job in a bundled child and in a tsx child (the child's own measure). */
async function poolCpu(scenario: string): Promise<{ bundled: number[]; tsx: number[] }> {
  const bundle = await bundleChild(`bench-${process.pid}`);
  if (!bundle) throw new Error('esbuild could not bundle the evaluate child');
  const dir = mkdtempSync(join(tmpdir(), 'kmm-bench-pool-'));
  const pools = { bundled: new SimulatePool(1, 100, bundle.script), tsx: new SimulatePool(1, 100) };
  const out = { bundled: [] as number[], tsx: [] as number[] };
  try {
    for (let i = 0; i <= JOBS; i++) {
      for (const kind of ['bundled', 'tsx'] as const) {
        const r = await pools[kind].run(['--scenario', scenario, '--seed', '1', '--report', join(dir, kind)]);
        if (r.cpuMs === undefined) throw new Error(`evaluate child (${kind}) died: ${r.stderr}`);
        if (i > 0) out[kind].push(r.cpuMs);
      }
    }
  } finally {
    await Promise.all([pools.bundled.close(), pools.tsx.close()]);
    bundle.remove();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
