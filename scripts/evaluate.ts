/**
 * `npm run evaluate -- --scenarios A,B,… [--seeds 1-30] [--out DIR] [--jobs N] [--config FILE]
 *   [--transport backtest|socket]`
 *
 * Runs every strategy (ours and the baselines, through `npm run simulate`: the
 * in-process backtest by default, `--transport socket` the paper stack) on
 * the same seeds of each scenario, N at a time (default: every core) — on the
 * backtest in N long-lived children that each load the simulator once
 * (scripts/evaluate-pool.ts), on the socket transport one simulate process
 * per run — and prints per scenario the mean ± s.e. of truth-marked PnL,
 * the paired difference ours − each baseline with its t, and the markouts.
 * With `--out DIR` it writes DIR/evaluation.json, DIR/evaluation.html and each
 * run's scoreboard under DIR/runs/. Any scenario file path works.
 *
 * Exit codes: 0 done, 1 a run failed, 2 bad options.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type CommandIo, defineCommand, readCommandLine, runIfEntry } from '../shared/cli.ts';
import { resolveScenarioPath } from '../sim/main.ts';
import {
  evaluateScenario,
  evaluationText,
  type KindPoint,
  type RunPoint,
  type ScenarioEvaluation,
} from '../sim/scenario/evaluation.ts';
import { loadScenario } from '../sim/scenario/schema.ts';
import { parseSeedList } from '../sim/scenario/stats.ts';
import { probabilityOf } from '../sim/scenario/truth.ts';
import { buildWorld } from '../sim/scenario/world.ts';
import { bundleChild } from './evaluate-bundle.ts';
import { evaluationHtml } from './evaluate-html.ts';
import { SimulatePool } from './evaluate-pool.ts';
import { loadEngineConfig } from './paper/config-file.ts';
import { progressBar, progressWriter } from './paper/progress.ts';

const zOptions = z.object({
  scenarios: z
    .string({ message: 'is required' })
    .min(1, 'is required')
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  seeds: z.string().default('1-30'),
  out: z.string().min(1).optional(),
  jobs: z.coerce.number().int('must be an integer').min(1, 'must be ≥ 1').max(64, 'must be ≤ 64').optional(),
  config: z.string().min(1).optional(),
  transport: z
    .enum(['backtest', 'socket'], { message: 'must be "backtest" or "socket"' })
    .default('backtest'),
});
const zEvaluateOptions = zOptions.transform((o, ctx) => {
  try {
    return { ...o, seedList: parseSeedList(o.seeds) };
  } catch (e) {
    ctx.addIssue({ code: 'custom', path: ['seeds'], message: (e as Error).message });
    return z.NEVER;
  }
});
export type EvaluateOptions = z.infer<typeof zEvaluateOptions>;

/** `npm run evaluate`'s command line (shared/cli.ts). */
export const EVALUATE_COMMAND = defineCommand({
  command: 'npm run evaluate --',
  summary:
    'Every strategy on the same seeds of each scenario, in parallel: truth-marked PnL, paired differences, markouts, quoting uptime.',
  options: {
    scenarios: {
      type: 'string',
      arg: 'LIST',
      help: 'scenario files or shipped names, comma-separated, or `all` (every shipped scenario) (required)',
    },
    seeds: { type: 'string', arg: 'LIST', help: 'seeds, e.g. 1-30 or 1,2,5 (default 1-30)' },
    out: { type: 'string', arg: 'DIR', help: 'write evaluation.json, evaluation.html and runs/ there' },
    jobs: {
      type: 'string',
      arg: 'N',
      help: `runs at once, each in its own child process (default: cores = ${availableParallelism()})`,
    },
    config: { type: 'string', arg: 'FILE', help: 'engine config JSON (passed to simulate)' },
    transport: {
      type: 'string',
      arg: 'backtest|socket',
      help: 'passed to simulate: the in-process backtest (default) or the paper stack over loopback sockets',
    },
  },
  schema: zEvaluateOptions,
  notes: 'Exit codes: 0 done, 1 a run failed (or ours below the liveness floor), 2 bad options.',
});

/** Parses the command line: the options, or the exit code when there is nothing to run. */
export function parseEvaluateOptions(argv: readonly string[], io: CommandIo): EvaluateOptions | number {
  return readCommandLine(EVALUATE_COMMAND, argv, io);
}

/** Every scenario shipped in sim/scenarios, by name (what `--scenarios all` runs). */
export function shippedScenarios(): string[] {
  return readdirSync(dirname(resolveScenarioPath('all')))
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

/** `--scenarios`' list as scenario paths: `all` is every shipped scenario. */
export function scenarioPaths(names: readonly string[]): string[] {
  return names.flatMap((s) => (s === 'all' ? shippedScenarios() : [s])).map((s) => resolveScenarioPath(s));
}

export interface Job {
  scenario: string;
  seed: number;
  dir: string;
}

/**
 * A scenario's rough CPU weight per run, for ordering: each game's markets (ladder strikes
 * included) times the minutes it is quoted, plus the run's length (the loop samples every
 * scenario second until the last stop). Only the order matters, not the unit.
 */
export function scenarioWeight(scenarioPath: string, stopMarginMs: number): number {
  const world = buildWorld(loadScenario(scenarioPath), {
    seed: 1,
    startMs: Date.parse('2026-01-01T00:00:00Z'),
  });
  const minutes = (ms: number) => Math.max(1, (ms - world.startMs) / 60_000);
  const quoted = world.games.reduce(
    (w, g) =>
      w +
      (g.markets.length + (g.ladders?.markets.length ?? 0)) * minutes(g.path.times.startMs - stopMarginMs),
    0,
  );
  return quoted + minutes(Math.max(...world.games.map((g) => g.path.times.startMs - stopMarginMs)));
}

/**
 * The jobs heaviest scenario first, seeds in order within one (longest-processing-time
 * first): the pool's children take the next job as they free up, so the long runs start at
 * once and the last runs of the evaluation are short ones — no core idles at the end
 * behind one slow ladder run started last.
 */
export function heaviestFirst(jobs: readonly Job[], weight: (scenario: string) => number): Job[] {
  const w = new Map<string, number>();
  for (const j of jobs) if (!w.has(j.scenario)) w.set(j.scenario, weight(j.scenario));
  return jobs
    .map((job, i) => ({ job, i }))
    .sort((a, b) => w.get(b.job.scenario)! - w.get(a.job.scenario)! || a.i - b.i)
    .map((x) => x.job);
}

/** The simulate command line of one job (ours and the baselines on one seed). */
export function simulateArgv(
  job: Job,
  config: string | undefined,
  transport: 'backtest' | 'socket',
): string[] {
  return [
    '--scenario',
    job.scenario,
    '--seed',
    String(job.seed),
    '--report',
    job.dir,
    ...(config ? ['--config', config] : []),
    '--transport',
    transport,
  ];
}

/** One `simulate` in a process of its own (the socket transport: each run its own paper stack). */
function runSimulate(
  job: Job,
  config: string | undefined,
  transport: 'backtest' | 'socket',
): Promise<{ ok: boolean; stderr: string }> {
  const script = join(fileURLToPath(new URL('.', import.meta.url)), 'simulate.ts');
  const args = [...process.execArgv, script, ...simulateArgv(job, config, transport)];
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: process.env });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    });
    child.on('close', (code) => done({ ok: code === 0, stderr }));
    child.on('error', (e) => done({ ok: false, stderr: e.message }));
  });
}

/** Each strategy's numbers from one run's scoreboard.json. */
export function pointsOf(
  scenario: string,
  seed: number,
  board: Record<string, Record<string, unknown>>,
): RunPoint[] {
  const num = (v: unknown) => (typeof v === 'number' ? v : Number.NaN);
  return Object.entries(board).map(([strategy, s]) => ({
    scenario,
    seed,
    strategy,
    truthMarked: num(s.truth_marked_pnl),
    edge: num(s.edge_at_fill),
    markout10s: num(s.markout_10s),
    markout60s: num(s.markout_60s),
    markout5m: num(s.markout_5m),
    settlementLuck: typeof s.settlement_luck === 'number' ? s.settlement_luck : null,
    fills: num(s.fills),
    uptime: typeof s.quoting_uptime === 'number' ? s.quoting_uptime : null,
    ...kindPointsOf(s.ruler),
  }));
}

/** The ruler's per-kind split (winner / spread / total) of a scoreboard with ladders; nothing otherwise. */
export function kindPointsOf(ruler: unknown): { byKind?: Record<string, KindPoint> } {
  const byKind = (ruler as { byKind?: unknown } | undefined)?.byKind;
  if (typeof byKind !== 'object' || byKind === null) return {};
  const num = (v: unknown) => (typeof v === 'number' ? v : Number.NaN);
  const out: Record<string, KindPoint> = {};
  for (const [kind, a] of Object.entries(byKind as Record<string, Record<string, unknown>>)) {
    const markout = (a.markout ?? {}) as Record<string, unknown>;
    out[kind] = {
      truthMarked: num(a.truthMarked),
      edge: num(a.edge),
      markout10s: num(markout['10s']),
      markout60s: num(markout['60s']),
      markout5m: num(markout['5m']),
      fills: num(a.fills),
    };
  }
  return { byKind: out };
}

function readBoard(dir: string): Record<string, Record<string, unknown>> {
  return JSON.parse(readFileSync(join(dir, 'scoreboard.json'), 'utf8'));
}

/** The truth at each game's stop time against its outcome, every market (no worker needed). */
export function truthAtStop(scenarioPath: string, seed: number, stopMarginMs: number) {
  const world = buildWorld(loadScenario(scenarioPath), { seed, startMs: Date.parse('2026-01-01T00:00:00Z') });
  return world.games.flatMap((g) => {
    const at = g.path.at(g.path.times.startMs - stopMarginMs);
    const winners = g.markets.map((m) => ({
      p: probabilityOf(at, m.outcome),
      won: g.path.outcome === m.outcome,
    }));
    // Ladder strikes (issue #17) are forecasts too: each strike's truth at the stop against its settlement.
    const ladders = g.ladders;
    if (!ladders) return winners;
    const stop = g.path.times.startMs - stopMarginMs;
    return [
      ...winners,
      ...ladders.markets.map((m) => ({ p: ladders.probability(m, stop), won: ladders.result(m) === 'yes' })),
    ];
  });
}

export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const opts = parseEvaluateOptions(argv, io);
  if (typeof opts === 'number') return opts;
  const scenarios = [...new Set(scenarioPaths(opts.scenarios))];
  for (const s of scenarios) {
    try {
      loadScenario(s);
    } catch (e) {
      io.err.write(`error: --scenarios ${basename(s)}: ${(e as Error).message.split('\n')[0]}\n`);
      return 2;
    }
  }
  const outDir = opts.out ? resolve(opts.out) : mkdtempSync(join(tmpdir(), 'kmm-evaluate-'));
  const stopMarginMs = loadEngineConfig(opts.config).stopMarginMs;
  const jobs: Job[] = heaviestFirst(
    scenarios.flatMap((scenario) =>
      opts.seedList.map((seed) => ({
        scenario,
        seed,
        dir: join(outDir, 'runs', basename(scenario, '.json'), String(seed)),
      })),
    ),
    (scenario) => scenarioWeight(scenario, stopMarginMs),
  );
  const parallel = opts.jobs ?? availableParallelism();
  const progress = progressWriter(io.err);
  const wallStart = Date.now();
  let finished = 0;
  /** CPU the children spent on the runs (the backtest pool reports it; a socket run does not). */
  let cpuMs = 0;
  /** The same per scenario: what a seed of it costs (issue #20's budget is per seed). */
  const cpuMsOf = new Map<string, number>();
  const failures: string[] = [];
  const points: RunPoint[] = [];
  // Each job's truth at the stop, taken while the children run (the parent idles meanwhile), not
  // all at the end: on the shipped scenarios × 30 seeds that was a serial tail of ≈ 5 s.
  const calibrationOf = new Map<string, ReturnType<typeof truthAtStop>>();
  let next = 0;
  // The backtest runs in long-lived children (load once, run many), bundled to plain JavaScript
  // when esbuild can (no tsx in the child); the socket transport keeps a process per run (its
  // paper stack binds ports and timers).
  const bundle = opts.transport === 'backtest' ? await bundleChild() : null;
  const pool =
    opts.transport === 'backtest'
      ? new SimulatePool(Math.min(parallel, jobs.length), undefined, bundle?.script)
      : null;
  const worker = async () => {
    for (;;) {
      const job = jobs[next++];
      if (!job) return;
      mkdirSync(job.dir, { recursive: true });
      const running = pool
        ? pool.run(simulateArgv(job, opts.config, opts.transport))
        : runSimulate(job, opts.config, opts.transport);
      calibrationOf.set(`${job.scenario}\n${job.seed}`, truthAtStop(job.scenario, job.seed, stopMarginMs));
      const r = await running;
      finished++;
      const name = basename(job.scenario, '.json');
      if ('cpuMs' in r && typeof r.cpuMs === 'number') {
        cpuMs += r.cpuMs;
        cpuMsOf.set(name, (cpuMsOf.get(name) ?? 0) + r.cpuMs);
      }
      if (!r.ok) failures.push(`${name} seed ${job.seed}: ${r.stderr.trim().split('\n').at(-1) ?? 'failed'}`);
      // A run that failed its liveness floor still wrote its scoreboard: its numbers count.
      const board = r.ok || existsSync(join(job.dir, 'scoreboard.json')) ? readBoard(job.dir) : null;
      if (board) points.push(...pointsOf(name, job.seed, board));
      const elapsed = (Date.now() - wallStart) / 1000;
      progress.update(
        `evaluate ${progressBar(finished, jobs.length)} ${finished}/${jobs.length} runs, ${elapsed.toFixed(0)} s (${name} seed ${job.seed}${r.ok ? '' : ' FAILED'})`,
      );
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
  } finally {
    await pool?.close();
    bundle?.remove();
  }
  const wallS = (Date.now() - wallStart) / 1000;
  const cpuText = cpuMs > 0 ? `, ${(cpuMs / 1000).toFixed(0)} s of CPU in the runs` : '';
  progress.done(
    `evaluate: ${jobs.length} runs in ${wallS.toFixed(0)} s on ${parallel} jobs${cpuText} (load average ${loadavg()[0]!.toFixed(1)})`,
  );

  const evaluations: ScenarioEvaluation[] = scenarios.map((s) => {
    const name = basename(s, '.json');
    const calibration = opts.seedList.flatMap(
      (seed) => calibrationOf.get(`${s}\n${seed}`) ?? truthAtStop(s, seed, stopMarginMs),
    );
    return evaluateScenario(name, points, calibration);
  });
  io.out.write(`${evaluationText(evaluations)}\n`);
  const perSeed = cpuPerSeed(cpuMsOf, opts.seedList.length);
  if (perSeed) io.out.write(`CPU s a seed (every strategy): ${perSeed.text}\n`);
  for (const f of failures) io.err.write(`run failed: ${f}\n`);
  if (opts.out) {
    const doc = {
      generatedAt: new Date().toISOString(),
      seeds: opts.seedList,
      wallSeconds: Math.round(wallS),
      ...(cpuMs > 0 ? { cpuSeconds: Math.round(cpuMs / 1000) } : {}),
      ...(perSeed ? { cpuSecondsPerSeed: perSeed.bySeed } : {}),
      jobs: parallel,
      failures,
      scenarios: evaluations,
    };
    writeFileSync(join(outDir, 'evaluation.json'), `${JSON.stringify(doc, null, 2)}\n`);
    writeFileSync(join(outDir, 'evaluation.html'), evaluationHtml(doc));
    io.out.write(
      `evaluation: ${join(outDir, 'evaluation.json')}\nreport: ${join(outDir, 'evaluation.html')}\n`,
    );
  }
  return failures.length > 0 ? 1 : 0;
}

/** CPU seconds a seed per scenario, heaviest first, with the total; null when no run reported its CPU. */
export function cpuPerSeed(
  cpuMsOf: ReadonlyMap<string, number>,
  seeds: number,
): { bySeed: Record<string, number>; text: string } | null {
  if (cpuMsOf.size === 0 || seeds <= 0) return null;
  const rows = [...cpuMsOf].map(([s, ms]) => [s, Math.round(ms / seeds / 10) / 100] as const);
  rows.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const total = Math.round([...cpuMsOf.values()].reduce((a, b) => a + b, 0) / seeds / 10) / 100;
  return {
    bySeed: Object.fromEntries(rows),
    text: `${rows.map(([s, c]) => `${s} ${c.toFixed(2)}`).join(', ')}; all ${total.toFixed(2)}`,
  };
}

runIfEntry(import.meta.url, main);
