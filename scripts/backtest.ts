/**
 * `npm run backtest -- [--scenario NAME|FILE] [--seeds LIST] [--strategies ours|all|A,B]
 *   [--order-latency L] [--feed-latency L] [--config FILE] [--compare-socket] [--jobs N] [--json FILE]`
 *
 * The in-process backtest (sim/backtest) run by run: for each seed and
 * strategy, one line with its wall and CPU time, the exchange events it
 * simulated (and per wall second), fills and truth-marked PnL; then the mean
 * truth-marked PnL ± s.e. per strategy. Deterministic: the same arguments give
 * the same numbers (times aside).
 *
 * `--compare-socket` is the agreement check of issue #20: ours also runs on
 * each seed over the paper stack's loopback sockets in lockstep
 * (scripts/paper/headless.ts), and the two means of truth-marked PnL are
 * compared against two standard errors of their difference. The lockstep half
 * is slow (seconds of CPU per run on a short scenario, a minute or more on a
 * long one): `--jobs N` runs the seeds in N child processes of this command
 * (seeds dealt round-robin), so every core works on it.
 *
 * Exit codes: 0 done (and, with --compare-socket, the two agree), 1 a run
 * failed or they disagree, 2 bad options.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type CommandIo, defineCommand, runCommand, runIfEntry } from '../shared/cli.ts';
import { DEFAULT_LATENCY, latencyText, parseLatency } from '../sim/backtest/latency.ts';
import { type BacktestResult, runBacktest } from '../sim/backtest/run.ts';
import { resolveScenarioPath } from '../sim/main.ts';
import { loadScenario } from '../sim/scenario/schema.ts';
import { type MeanSe, meanSe, pairedDifference, parseSeedList } from '../sim/scenario/stats.ts';
import { childExecArgv } from './evaluate-pool.ts';
import { loadEngineConfig } from './paper/config-file.ts';
import { runHeadless } from './paper/headless.ts';
import { STRATEGY_NAMES, strategyLineup } from './paper/strategies.ts';
import { startPaperWorker } from './paper/worker.ts';

const zLatency = z.string().transform((t, ctx) => {
  try {
    return parseLatency(t);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

const zBacktestOptions = z
  .object({
    scenario: z.string().min(1).default('nba-quiet-evening'),
    seeds: z.string().optional(),
    strategies: z.string().default('ours'),
    'order-latency': zLatency.optional(),
    'feed-latency': zLatency.optional(),
    config: z.string().min(1).optional(),
    'compare-socket': z.boolean().default(false),
    jobs: z.coerce
      .number()
      .int('must be an integer')
      .min(1, 'must be ≥ 1')
      .max(64, 'must be ≤ 64')
      .default(1),
    json: z.string().min(1).optional(),
  })
  .transform((o, ctx) => {
    let seedList: number[] | null = null;
    try {
      if (o.seeds !== undefined) seedList = parseSeedList(o.seeds);
    } catch (e) {
      ctx.addIssue({ code: 'custom', path: ['seeds'], message: (e as Error).message });
      return z.NEVER;
    }
    const names =
      o.strategies === 'all'
        ? [...STRATEGY_NAMES]
        : o.strategies
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean);
    const unknown = names.filter((n) => !STRATEGY_NAMES.includes(n));
    if (names.length === 0 || unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['strategies'],
        message: `expected all or some of ${STRATEGY_NAMES.join(', ')}${unknown.length ? ` (not ${unknown.join(', ')})` : ''}`,
      });
      return z.NEVER;
    }
    return {
      scenario: o.scenario,
      seedList,
      strategies: names,
      latency: {
        orderEntry: o['order-latency'] ?? DEFAULT_LATENCY.orderEntry,
        feed: o['feed-latency'] ?? DEFAULT_LATENCY.feed,
      },
      config: o.config,
      compareSocket: o['compare-socket'],
      jobs: o.jobs,
      json: o.json,
      /** The command line as given (a parallel run hands it to its children). */
      argv: [] as string[],
    };
  });
export type BacktestOptions = z.infer<typeof zBacktestOptions>;

export const BACKTEST_COMMAND = defineCommand({
  command: 'npm run backtest --',
  summary:
    'The in-process deterministic backtest, run by run: wall and CPU time, exchange events per second, fills, truth-marked PnL.',
  options: {
    scenario: {
      type: 'string',
      arg: 'NAME|FILE',
      help: 'scenario file or shipped name (default nba-quiet-evening)',
    },
    seeds: { type: 'string', arg: 'LIST', help: "seeds, e.g. 1-20 or 1,2,5 (default: the scenario's)" },
    strategies: {
      type: 'string',
      arg: 'LIST',
      help: `all, or some of ${STRATEGY_NAMES.join(', ')} (default ours)`,
    },
    'order-latency': {
      type: 'string',
      arg: 'MS|MIN-MAX|exp:MIN:MEAN',
      help: `one-way order-entry latency in ms (default ${latencyText(DEFAULT_LATENCY.orderEntry)})`,
    },
    'feed-latency': {
      type: 'string',
      arg: 'MS|MIN-MAX|exp:MIN:MEAN',
      help: `exchange event to worker latency in ms (default ${latencyText(DEFAULT_LATENCY.feed)})`,
    },
    config: { type: 'string', arg: 'FILE', help: 'engine config JSON' },
    'compare-socket': {
      type: 'boolean',
      help: 'also run ours over loopback sockets in lockstep on each seed and compare the mean truth-marked PnL (slow)',
    },
    jobs: {
      type: 'string',
      arg: 'N',
      help: 'seeds at once, each share in a child process of its own (default 1: all here, one after another)',
    },
    json: { type: 'string', arg: 'FILE', help: 'write every run and the summary there' },
  },
  schema: zBacktestOptions,
  notes:
    'Exit codes: 0 done (and agreeing, with --compare-socket), 1 a run failed or disagreement, 2 bad options.',
});

export interface RunLine {
  scenario: string;
  seed: number;
  strategy: string;
  transport: 'backtest' | 'socket';
  wallMs: number;
  cpuMs: number;
  exchangeEvents: number | null;
  fills: number;
  truthMarked: number;
  flat: boolean;
}

const usd = (x: number) => `${x < 0 ? '−' : ''}$${Math.abs(x).toFixed(2)}`;
const meanText = (m: MeanSe) => `${usd(m.mean)} ± ${m.se === null ? '—' : m.se.toFixed(2)} (n = ${m.n})`;

const perSecond = (n: number, ms: number) => Math.round(n / (ms / 1000)).toLocaleString('en-US');

export function runLineText(r: RunLine): string {
  const events =
    r.exchangeEvents === null
      ? ''
      : `, ${r.exchangeEvents.toLocaleString('en-US')} exchange events (${perSecond(r.exchangeEvents, r.wallMs)}/s of wall, ${perSecond(r.exchangeEvents, r.cpuMs)}/s of CPU)`;
  return `${r.scenario} seed ${r.seed} ${r.strategy} [${r.transport}]: ${(r.wallMs / 1000).toFixed(2)} s wall, ${(r.cpuMs / 1000).toFixed(2)} s CPU${events}, ${r.fills} fills, truth-marked ${usd(r.truthMarked)}${r.flat ? '' : ', NOT FLAT'}`;
}

/**
 * Backtest against lockstep: the difference of the two means of truth-marked PnL (socket −
 * backtest) against two standard errors of that difference (the runs are independent draws
 * of the worker's timing, so the errors add in quadrature); the per-seed paired difference
 * is shown too (the same world on both sides).
 */
export function agreement(backtest: readonly RunLine[], socket: readonly RunLine[]) {
  const a = meanSe(backtest.map((r) => r.truthMarked));
  const b = meanSe(socket.map((r) => r.truthMarked));
  const diff = b.mean - a.mean;
  const se = a.se !== null && b.se !== null ? Math.sqrt(a.se ** 2 + b.se ** 2) : null;
  const paired = pairedDifference(
    new Map(socket.map((r) => [r.seed, r.truthMarked])),
    new Map(backtest.map((r) => [r.seed, r.truthMarked])),
  );
  return { backtest: a, socket: b, diff, se, agree: se !== null && Math.abs(diff) <= 2 * se, paired };
}

const cpuMsSince = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

export const main = (argv: readonly string[], io: CommandIo): Promise<number> =>
  runCommand(BACKTEST_COMMAND, argv, io, (opts) => backtest({ ...opts, argv: [...argv] }, io));

/** Every run of the command: its lines per transport and how many failed. */
interface Runs {
  lines: RunLine[];
  socketLines: RunLine[];
  failed: number;
  /** Seeds whose runs all ended (well or not): a child's parent gives the others to a new child. */
  seedsDone: number[];
}

/** The seeds dealt round-robin into `n` shares (none empty): each child gets early and late seeds alike. */
export function shareSeeds(seeds: readonly number[], n: number): number[][] {
  const shares = Array.from({ length: Math.min(n, seeds.length) }, () => [] as number[]);
  for (const [i, seed] of seeds.entries()) shares[i % shares.length]!.push(seed);
  return shares;
}

/** The command line minus the options a child gets its own of (`--seeds`, `--jobs`, `--json`). */
function childArgv(argv: readonly string[]): string[] {
  const own = new Set(['--seeds', '--jobs', '--json']);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (!own.has(flag)) out.push(a);
    else if (eq < 0) i++; // its value is the next word
  }
  return out;
}

const SELF = fileURLToPath(import.meta.url);

/** What a child wrote to its --json file: the runs so far (after each seed), the seeds done. */
interface ChildDoc {
  runs: RunLine[];
  failed?: number;
  seedsDone?: number[];
}

/**
 * One share of the seeds in child processes of this command. A child that dies (a lockstep
 * run's paper stack can crash its process on the way down) loses only the seed it was on: it
 * wrote its runs after each seed, and a new child takes the seeds left — at most twice in a
 * row without progress, then they count as failed.
 */
async function runShare(
  opts: BacktestOptions,
  share: readonly number[],
  json: string,
  io: CommandIo,
): Promise<Runs> {
  const out: Runs = { lines: [], socketLines: [], failed: 0, seedsDone: [] };
  let left = [...share];
  for (let stuck = 0; left.length > 0 && stuck < 2; ) {
    rmSync(json, { force: true });
    const args = [
      ...childExecArgv(SELF),
      SELF,
      ...childArgv(opts.argv),
      '--seeds',
      left.join(','),
      '--jobs',
      '1',
      '--json',
      json,
    ];
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: process.env });
      let text = '';
      child.stderr.on('data', (d: Buffer) => {
        text = (text + d.toString('utf8')).slice(-8_000);
      });
      child.on('error', (e) => done({ code: null, stderr: `${text}${e.message}` }));
      child.on('close', (c) => done({ code: c, stderr: text }));
    });
    let doc: ChildDoc = { runs: [] };
    try {
      doc = JSON.parse(readFileSync(json, 'utf8')) as ChildDoc;
    } catch {}
    const done = new Set(doc.seedsDone ?? []);
    const mine = doc.runs.filter((r) => done.has(r.seed));
    out.lines.push(...mine.filter((r) => r.transport === 'backtest'));
    out.socketLines.push(...mine.filter((r) => r.transport === 'socket'));
    out.failed += doc.failed ?? 0;
    out.seedsDone.push(...left.filter((seed) => done.has(seed)));
    left = left.filter((seed) => !done.has(seed));
    if (stderr && (code !== 0 || left.length > 0))
      io.err.write(stderr.endsWith('\n') ? stderr : `${stderr}\n`);
    if (left.length === 0) break;
    io.err.write(
      `error: backtest child exited ${code} with seeds ${left.join(',')} still to run; a new child takes them\n`,
    );
    stuck = done.size > 0 ? 0 : stuck + 1;
  }
  if (left.length > 0) {
    io.err.write(`error: seeds ${left.join(',')}: their child died twice without finishing one\n`);
    out.failed += left.length;
  }
  return out;
}

/** Runs each share of the seeds in a child process of this command; their runs, merged in seed order. */
async function runInChildren(opts: BacktestOptions, seeds: readonly number[], io: CommandIo): Promise<Runs> {
  const dir = mkdtempSync(join(tmpdir(), 'kmm-backtest-jobs-'));
  try {
    const shares = shareSeeds(seeds, opts.jobs);
    const results = await Promise.all(
      shares.map((share, i) => runShare(opts, share, join(dir, `${i}.json`), io)),
    );
    const order = new Map(seeds.map((s, i) => [s, i]));
    const bySeed = (a: RunLine, b: RunLine) => order.get(a.seed)! - order.get(b.seed)!;
    const runs: Runs = {
      lines: results.flatMap((r) => r.lines).sort(bySeed),
      socketLines: results.flatMap((r) => r.socketLines).sort(bySeed),
      failed: results.reduce((n, r) => n + r.failed, 0),
      seedsDone: seeds.filter((seed) => results.some((r) => r.seedsDone.includes(seed))),
    };
    for (const seed of seeds)
      for (const l of [...runs.lines, ...runs.socketLines])
        if (l.seed === seed) io.out.write(`${runLineText(l)}\n`);
    return runs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function backtest(opts: BacktestOptions, io: CommandIo): Promise<number> {
  const config = loadEngineConfig(opts.config);
  const path = resolveScenarioPath(opts.scenario);
  const scenario = loadScenario(path);
  const name = basename(path, '.json');
  const seeds = opts.seedList ?? [scenario.seed];
  io.out.write(
    `backtest ${name}, order-entry latency ${latencyText(opts.latency.orderEntry)} ms each way, feed ${latencyText(opts.latency.feed)} ms${opts.jobs > 1 ? `, ${Math.min(opts.jobs, seeds.length)} jobs` : ''}\n`,
  );
  const runs =
    opts.jobs > 1 && seeds.length > 1
      ? await runInChildren(opts, seeds, io)
      : await runHere(opts, config, path, scenario, name, seeds, io);
  return summarise(opts, runs, io);
}

/** Every seed in this process, one after another, each run's line printed as it ends. */
async function runHere(
  opts: BacktestOptions,
  config: ReturnType<typeof loadEngineConfig>,
  path: string,
  scenario: ReturnType<typeof loadScenario>,
  name: string,
  seeds: readonly number[],
  io: CommandIo,
): Promise<Runs> {
  const lineup = strategyLineup(
    config,
    opts.strategies.some((s) => s !== 'ours'),
  );
  const chosen = lineup.strategies.filter(([n]) => opts.strategies.includes(n));
  const lines: RunLine[] = [];
  const socketLines: RunLine[] = [];
  let failed = 0;
  const seedsDone: number[] = [];
  for (const seed of seeds) {
    for (const [strategy, quoter] of chosen) {
      const c0 = process.cpuUsage();
      try {
        const r: BacktestResult = await runBacktest({
          strategy,
          scenario,
          seed,
          config,
          ...(quoter ? { quoter } : {}),
          latency: opts.latency,
          onWorld: lineup.bindTruth,
        });
        const line: RunLine = {
          scenario: name,
          seed,
          strategy,
          transport: 'backtest',
          wallMs: r.wallMs,
          cpuMs: cpuMsSince(c0),
          exchangeEvents: r.stats.exchangeEvents,
          fills: r.record.fills.length,
          truthMarked: r.ruler.truthMarked,
          flat: r.flat,
        };
        lines.push(line);
        io.out.write(`${runLineText(line)}\n`);
      } catch (err) {
        failed++;
        io.err.write(`error: ${name} seed ${seed} ${strategy}: ${(err as Error).message}\n`);
      }
    }
    if (opts.compareSocket) await runSocket(seed);
    seedsDone.push(seed);
    // A parent running this as one of its children reads the runs so far if this process dies.
    if (opts.json && opts.jobs === 1)
      writeFileSync(
        opts.json,
        `${JSON.stringify({ runs: [...lines, ...socketLines], failed, seedsDone })}\n`,
      );
  }
  async function runSocket(seed: number): Promise<void> {
    const c0 = process.cpuUsage();
    try {
      const r = await runHeadless({
        strategy: 'ours',
        scenario: path,
        seed,
        config,
        speed: 'max',
        startWorker: startPaperWorker,
      });
      const line: RunLine = {
        scenario: name,
        seed,
        strategy: 'ours',
        transport: 'socket',
        wallMs: r.wallMs,
        cpuMs: cpuMsSince(c0),
        exchangeEvents: null,
        fills: r.record.fills.length,
        truthMarked: r.ruler.truthMarked,
        flat: r.flat,
      };
      socketLines.push(line);
      io.out.write(`${runLineText(line)}\n`);
    } catch (err) {
      failed++;
      io.err.write(`error: ${name} seed ${seed} ours over sockets: ${(err as Error).message}\n`);
    }
  }

  return { lines, socketLines, failed, seedsDone };
}

function summarise(opts: BacktestOptions, runs: Runs, io: CommandIo): number {
  const { lines, socketLines, failed, seedsDone } = runs;
  const summary: Record<string, unknown> = {};
  io.out.write('\n');
  for (const strategy of opts.strategies) {
    const mine = lines.filter((l) => l.strategy === strategy);
    if (mine.length === 0) continue;
    const pnl = meanSe(mine.map((l) => l.truthMarked));
    const wall = meanSe(mine.map((l) => l.wallMs));
    const cpu = meanSe(mine.map((l) => l.cpuMs));
    const events = mine.reduce((s, l) => s + (l.exchangeEvents ?? 0), 0);
    const wallMs = mine.reduce((s, l) => s + l.wallMs, 0);
    const cpuMs = mine.reduce((s, l) => s + l.cpuMs, 0);
    summary[strategy] = {
      truthMarked: pnl,
      wallMs: wall,
      cpuMs: cpu,
      exchangeEventsPerWallSecond: events / (wallMs / 1000),
      exchangeEventsPerCpuSecond: events / (cpuMs / 1000),
    };
    io.out.write(
      `${strategy.padEnd(12)} truth-marked ${meanText(pnl)}; per run ${(wall.mean / 1000).toFixed(2)} s wall, ${(cpu.mean / 1000).toFixed(2)} s CPU; exchange events ${perSecond(events, wallMs)}/s of wall, ${perSecond(events, cpuMs)}/s of CPU\n`,
    );
  }
  let disagree = false;
  if (opts.compareSocket && socketLines.length > 0) {
    const ours = lines.filter((l) => l.strategy === 'ours');
    const a = agreement(ours, socketLines);
    summary.agreement = a;
    disagree = !a.agree;
    const wall = meanSe(socketLines.map((l) => l.wallMs));
    io.out.write(
      [
        `ours over sockets (lockstep): truth-marked ${meanText(a.socket)}; per run ${(wall.mean / 1000).toFixed(2)} s wall`,
        `socket − backtest: ${usd(a.diff)} against 2 s.e. = ${a.se === null ? '—' : (2 * a.se).toFixed(2)} → ${a.agree ? 'agree' : 'DISAGREE'}`,
        `paired by seed: ${usd(a.paired.mean)} ± ${a.paired.se === null ? '—' : a.paired.se.toFixed(2)} (t = ${a.paired.t === null ? '—' : a.paired.t.toFixed(2)})`,
        '',
      ].join('\n'),
    );
  }
  if (opts.json)
    writeFileSync(
      opts.json,
      `${JSON.stringify({ runs: [...lines, ...socketLines], summary, failed, seedsDone }, null, 2)}\n`,
    );
  return failed > 0 || disagree ? 1 : 0;
}

runIfEntry(import.meta.url, main);
