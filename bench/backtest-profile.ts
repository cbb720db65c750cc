/**
 * `npx tsx bench/backtest-profile.ts [--runs N] [--warm W] [--count] [--split-min M] [--bundled]`
 *
 * Where a warm backtest run of nba-quiet-evening (ours; `SCENARIO=name` for another) spends its
 * time (issue #20): CPU and wall per run after W warm-up runs in this process, and the CPU after
 * scenario minute M (default 22: every game of nba-quiet-evening is past its stop by then, plus
 * two minutes). `--count`: how many virtual-clock timers and deferrals each caller set per run,
 * and each in-memory gateway call, before and after minute M (a stack read per call: slow,
 * counts only). `--bundled`: bundled as evaluate's children run (scripts/evaluate-bundle.ts).
 * Environment: `PROFILE_NODE_FLAGS` node flags for the bundled child (e.g. `--cpu-prof
 * --cpu-prof-dir DIR`), `PROFILE_MARKS=FILE` the counted runs' [minute M, end] in a CPU
 * profile's monotonic µs (to cut a profile into before and after), `PROFILE_HEAP=FILE` V8's
 * sampling heap profile of the counted runs, collected objects included (what a run allocates).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { bundleChild } from '../scripts/evaluate-bundle.ts';
import { type CommandIo, defineCommand, readCommandLine, runAsScript } from '../shared/cli.ts';
import { parseEngineConfig } from '../shared/config/engine-config.ts';
import { VirtualClock } from '../sim/backtest/clock.ts';
import { InMemoryGateway } from '../sim/backtest/gateway.ts';
import { runBacktest } from '../sim/backtest/run.ts';
import { resolveScenarioPath } from '../sim/main.ts';

const PROFILE_COMMAND = defineCommand({
  command: 'npx tsx bench/backtest-profile.ts',
  summary: 'Issue #20: where a warm backtest run spends its CPU, before and after a scenario minute.',
  options: {
    runs: { type: 'string', arg: 'N', help: 'counted runs (default 5)' },
    warm: { type: 'string', arg: 'W', help: 'warm-up runs first (default 3)' },
    count: { type: 'boolean', help: 'count timers, deferrals and gateway calls per caller (slow)' },
    'split-min': { type: 'string', arg: 'M', help: 'scenario minute the CPU is split at (default 22)' },
    bundled: { type: 'boolean', help: 'run bundled, as evaluate children run' },
  },
  schema: z.object({
    runs: z.coerce.number().int().positive().default(5),
    warm: z.coerce.number().int().nonnegative().default(3),
    count: z.boolean().default(false),
    'split-min': z.coerce.number().nonnegative().default(22),
    bundled: z.boolean().default(false),
  }),
});

export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const opts = readCommandLine(PROFILE_COMMAND, argv, io);
  if (typeof opts === 'number') return opts;
  if (opts.bundled) {
    const bundle = await bundleChild(`profile-${process.pid}`, fileURLToPath(import.meta.url));
    if (!bundle) throw new Error('esbuild could not bundle');
    const args = argv.filter((a) => a !== '--bundled');
    const flags = process.env.PROFILE_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
    const r = spawnSync(process.execPath, [...flags, bundle.script, ...args], { stdio: 'inherit' });
    bundle.remove();
    return r.status ?? 1;
  }
  const runs = opts.runs;
  const warm = opts.warm;
  const count = opts.count;
  const config = parseEngineConfig({});
  const scenario = resolveScenarioPath(process.env.SCENARIO ?? 'nba-quiet-evening');
  const counts = new Map<string, number>();
  /** Scenario ms after which every game of nba-quiet-evening is past its stop (+2 min): the split of the figures. */
  const SPLIT_MS = opts['split-min'] * 60_000;
  let firstAt: number | undefined;
  /** Monotonic µs (a CPU profile's clock) of each counted run's split and end: `late` samples lie between. */
  const marks: [number, number][] = [];
  let splitCpu: NodeJS.CpuUsage | undefined;
  if (count) {
    const caller = () => {
      const lines = (new Error().stack ?? '').split('\n').slice(3);
      const l = lines.find((x) => !x.includes('clock.ts') && !x.includes('backtest-profile'));
      return (l ?? '?')
        .trim()
        .replace(/\(.*\/(wt-btfast|kmm-evaluate)\//, '(')
        .slice(0, 110);
    };
    const proto = VirtualClock.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    const gw = InMemoryGateway.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const m of Object.getOwnPropertyNames(InMemoryGateway.prototype)) {
      const orig = gw[m];
      if (m === 'constructor' || typeof orig !== 'function') continue;
      gw[m] = function (this: unknown, ...a: unknown[]) {
        const k = `gateway.${m} ${caller()}`;
        counts.set(k, (counts.get(k) ?? 0) + 1);
        return orig.apply(this, a);
      };
    }
    for (const m of ['setTimeout', 'setHarnessTimeout', 'defer']) {
      const orig = proto[m]!;
      proto[m] = function (this: unknown, ...a: unknown[]) {
        const now = (this as VirtualClock).now();
        firstAt ??= now;
        const phase = now - firstAt > SPLIT_MS ? 'late' : 'early';
        const k = `${phase} ${m} ${caller()}`;
        counts.set(k, (counts.get(k) ?? 0) + 1);
        return orig.apply(this, a);
      };
    }
  }
  const run = () => {
    firstAt = undefined;
    splitCpu = undefined;
    return runBacktest({
      strategy: 'ours',
      scenario,
      config,
      onProgress: (done) => {
        if (done > SPLIT_MS && !splitCpu) {
          splitCpu = process.cpuUsage();
          marks.push([Number(process.hrtime.bigint() / 1000n), 0]);
        }
      },
    });
  };
  for (let i = 0; i < warm; i++) await run();
  marks.length = 0;
  counts.clear();
  // `--heap`: V8's sampling heap profiler over the counted runs, collected objects included (churn, not what lives).
  const heapOut = process.env.PROFILE_HEAP;
  const session = heapOut ? new (await import('node:inspector')).Session() : undefined;
  const post = (m: string, p?: object) =>
    new Promise<unknown>((ok, ko) => session!.post(m, p ?? {}, (e, r) => (e ? ko(e) : ok(r))));
  if (session) {
    session.connect();
    await post('HeapProfiler.startSampling', {
      samplingInterval: 16_384,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }
  const cpus: number[] = [];
  const walls: number[] = [];
  const lateCpus: number[] = [];
  let stats: unknown;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const r = await run();
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
    if (splitCpu) {
      const l = process.cpuUsage(splitCpu);
      lateCpus.push((l.user + l.system) / 1000);
    }
    walls.push(r.wallMs);
    stats = r.stats;
    const m = marks.at(-1);
    if (m) m[1] = Number(process.hrtime.bigint() / 1000n);
  }
  if (session) {
    const { profile } = (await post('HeapProfiler.stopSampling')) as { profile: unknown };
    writeFileSync(heapOut!, JSON.stringify(profile));
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    JSON.stringify({
      load: loadavg()[0]!.toFixed(1),
      cpuMedianMs: Math.round(med(cpus)),
      wallMedianMs: Math.round(med(walls)),
      cpus: cpus.map(Math.round),
      cpuAfterSplitMs: lateCpus.map(Math.round),
      walls: walls.map(Math.round),
      stats,
    }),
  );
  if (process.env.PROFILE_MARKS) writeFileSync(process.env.PROFILE_MARKS, JSON.stringify(marks));
  if (count)
    for (const [k, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 40))
      console.log(String(Math.round(n / runs)).padStart(8), k);
  return 0;
}

// Runs unconditionally (not `runIfEntry`): the bundle is this module under another path.
runAsScript(main);
