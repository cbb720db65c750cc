/**
 * `npm run simulate -- --scenario FILE [--seed S] [--report DIR] [--transport backtest|socket]
 *   [--order-latency L] [--feed-latency L] [--speed max|X]`
 *
 * Runs a scenario headless as fast as the machine allows — by default as an
 * in-process backtest (sim/backtest: the real session on in-memory ports, one
 * virtual clock, deterministic); `--transport socket` runs the paper stack
 * over loopback sockets in lockstep (scripts/paper/headless.ts) — once for our
 * strategy and once for each baseline on the same seed (fixed-spread
 * symmetric quoter without skew; top-of-book joiner without ceilings; the
 * oracle: our rules around the scenario's true probability), and
 * writes DIR/scoreboard.json (an object per strategy) and DIR/report.html.
 * A progress bar on stderr while it runs; the scoreboard table on stdout.
 *
 * Exit codes: 0 done, 1 a run failed, 2 bad options/config/scenario.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { type CommandIo, runCommand, runIfEntry } from '../shared/cli.ts';
import { latencyText } from '../sim/backtest/latency.ts';
import type { BacktestStats } from '../sim/backtest/run.ts';
import { runBacktest } from '../sim/backtest/run.ts';
import type { RulerScore } from '../sim/scenario/ruler.ts';
import { livenessViolations, type UptimeReport } from '../sim/scenario/uptime.ts';
import { reportCharts } from './paper/charts.ts';
import { loadEngineConfig } from './paper/config-file.ts';
import { END_OF_RUN, type HeadlessResult, runHeadless } from './paper/headless.ts';
import { SIMULATE_COMMAND, type SimulateOptions } from './paper/options.ts';
import { progressBar, progressWriter } from './paper/progress.ts';
import { renderReport } from './paper/report-html.ts';
import { type Scoreboard, type StrategyScore, scoreRun } from './paper/scoreboard.ts';
import { strategyLineup } from './paper/strategies.ts';
import { startPaperWorker } from './paper/worker.ts';

const SHOWN: [string, string][] = [
  ['truth_marked_pnl', 'truth-marked $'],
  ['edge_at_fill', 'edge $'],
  ['markout_60s', 'markout 60s $'],
  ['settlement_luck', 'settle luck $'],
  ['pnl_realized', 'PnL real $'],
  ['pnl_marked', 'PnL marked $'],
  ['fills', 'fills'],
  ['contracts_traded', 'contracts'],
  ['max_abs_inventory', 'max |inv|'],
  ['time_at_limit_share', 'at limit'],
  ['quoting_uptime', 'quoting uptime'],
  ['adverse_selection', 'adverse $'],
  ['writes_per_requote', 'writes/requote'],
  ['orders_after_stop', 'after stop'],
  ['invariant_violations', 'violations'],
  ['book_mismatches', 'book mismatch'],
];

/**
 * One strategy's score: the paper scoreboard plus the ruler — fills against the
 * scenario's true probability (sim/scenario/ruler.ts). `truth_marked_pnl` is the
 * number to compare strategies by; `settlement_luck` is the coin flip of the
 * settlement, apart. `quoting_uptime` is issue #12's liveness measure
 * (sim/scenario/uptime.ts): the share of quotable time, outside the scenario's
 * fault windows, with every eligible side resting; `liveness` has the rest.
 */
export type SimulateScore = StrategyScore & {
  truth_marked_pnl: number;
  settlement_luck: number | null;
  edge_at_fill: number;
  edge_per_contract: number | null;
  markout_10s: number;
  markout_60s: number;
  markout_5m: number;
  quoting_uptime: number;
  liveness: LivenessScore;
  ruler: RulerScore;
};

/** The liveness figures of one run (sim/scenario/uptime.ts), rounded for the scoreboard. */
export interface LivenessScore {
  min_game_uptime: number;
  recovery_p99_s: number;
  /** Fault ends after which quotes never rested again. */
  unrecovered: number;
  /** Game-seconds spent in each quoting reason outside fault windows. */
  game_seconds_by_reason: Record<string, number>;
  /** Games per reason at the last sample. */
  games_by_reason: Record<string, number>;
  /** The floor's violations (a run of ours with any fails). */
  violations: string[];
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function simulateScore(score: StrategyScore, ruler: RulerScore, uptime: UptimeReport): SimulateScore {
  return {
    ...score,
    truth_marked_pnl: ruler.truthMarked,
    settlement_luck: ruler.settlementLuck,
    edge_at_fill: ruler.edge,
    edge_per_contract: ruler.edgePerContract,
    markout_10s: ruler.markout['10s'],
    markout_60s: ruler.markout['60s'],
    markout_5m: ruler.markout['5m'],
    quoting_uptime: round3(uptime.uptime),
    liveness: {
      min_game_uptime: round3(uptime.minGameUptime),
      recovery_p99_s: round3(uptime.recoveryP99Ms / 1000),
      unrecovered: uptime.unrecovered,
      game_seconds_by_reason: Object.fromEntries(
        Object.entries(uptime.msByReason).map(([r, ms]) => [r, Math.round((ms ?? 0) / 1000)]),
      ),
      games_by_reason: { ...uptime.lastByReason } as Record<string, number>,
      violations: livenessViolations(uptime),
    },
    ruler,
  };
}

/** The scoreboard as a fixed-width text table (strategies as columns). */
export function scoreboardTable(board: Scoreboard | Record<string, SimulateScore>): string {
  const names = Object.keys(board);
  const width = Math.max(12, ...names.map((n) => n.length + 2));
  const rows = [['', ...names].map((c, i) => (i === 0 ? c.padEnd(16) : c.padStart(width))).join('')];
  for (const [key, label] of SHOWN) {
    rows.push(
      label.padEnd(16) +
        names
          .map((n) => String((board[n] as unknown as Record<string, number>)[key]).padStart(width))
          .join(''),
    );
  }
  return rows.join('\n');
}

export const main = (argv: readonly string[], io: CommandIo): Promise<number> =>
  runCommand(SIMULATE_COMMAND, argv, io, (opts) => simulate(opts, io));

async function simulate(opts: SimulateOptions, io: CommandIo): Promise<number> {
  // A bad config file is a UsageError: one line, exit 2 (runCommand).
  const config = loadEngineConfig(opts.config);

  const { strategies, bindTruth } = strategyLineup(config, opts.baselines);
  const progress = progressWriter(io.err);
  const warnings: string[] = [];
  const results: { strategy: string; result: HeadlessResult & { stats?: BacktestStats } }[] = [];
  const wallStart = Date.now();
  for (const [i, [strategy, quoter]] of strategies.entries()) {
    const label = `[${i + 1}/${strategies.length}] ${strategy.padEnd(12)}`;
    let lastDraw = 0;
    try {
      const onProgress = (done: number, total: number) => {
        const now = Date.now();
        if (now - lastDraw < 100 && done < total) return;
        lastDraw = now;
        progress.update(
          `${label} ${progressBar(done, total)} ${Math.round(done / 60_000)}/${Math.round(total / 60_000)} min`,
        );
      };
      const log = (e: Record<string, unknown>) => {
        if (e.level !== 'error') return;
        if (e.event === 'kill_switch_tripped' && e.reason === END_OF_RUN) return; // our own stop at the end
        const detail = e.error ?? e.reason;
        const text = `${strategy}: ${String(e.msg ?? e.event ?? 'error')}${detail ? ` (${String(detail)})` : ''}`;
        if (!warnings.includes(text) && warnings.length < 50) warnings.push(text);
      };
      const seed = opts.seed === undefined ? {} : { seed: opts.seed };
      const result: HeadlessResult & { stats?: BacktestStats } =
        opts.transport === 'backtest'
          ? await runBacktest({
              strategy,
              scenario: opts.scenario,
              ...seed,
              config,
              ...(quoter ? { quoter } : {}),
              latency: opts.latency,
              onWorld: bindTruth,
              onProgress,
              log,
            })
          : await runHeadless({
              strategy,
              scenario: opts.scenario,
              ...seed,
              config,
              ...(quoter ? { quoter } : {}),
              speed: opts.speed,
              startWorker: startPaperWorker,
              onStack: (stack) => bindTruth(stack.sim?.world),
              onProgress,
              log,
            });
      const perf = result.stats
        ? `, ${Math.round(result.stats.exchangeEvents / (result.wallMs / 1000)).toLocaleString('en-US')} exchange events/s`
        : '';
      progress.done(
        `${label} done in ${(result.wallMs / 1000).toFixed(1)} s, ${result.record.fills.length} fills${perf}${result.flat ? '' : ' — NOT FLAT at the end'}`,
      );
      results.push({ strategy, result });
    } catch (err) {
      progress.done('');
      const message = err instanceof Error ? err.message : String(err);
      const scenarioProblem = err instanceof Error && err.name === 'ScenarioError';
      io.err.write(`error: ${strategy} run failed: ${message}\n`);
      return scenarioProblem ? 2 : 1;
    }
  }

  const scoreboard: Record<string, SimulateScore> = Object.fromEntries(
    results.map((r) => [
      r.strategy,
      simulateScore(scoreRun(r.result.record), r.result.ruler, r.result.uptime),
    ]),
  );
  const dir = resolve(opts.report);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'scoreboard.json'), `${JSON.stringify(scoreboard, null, 2)}\n`);
  const html = renderReport({
    scenario: basename(opts.scenario),
    seed: opts.seed ?? null,
    generatedAt: new Date().toISOString(),
    wallMs: Date.now() - wallStart,
    scoreboard,
    charts: reportCharts(results.map((r) => ({ strategy: r.strategy, lines: r.result.lines }))),
    notes: [
      opts.transport === 'backtest'
        ? `transport: in-process backtest, order-entry latency ${latencyText(opts.latency.orderEntry)} ms each way, feed latency ${latencyText(opts.latency.feed)} ms.`
        : 'transport: paper stack over loopback sockets, lockstep.',
      'fixed-spread: symmetric quotes theo ± 3¢, no inventory skew. top-of-book: joins the best bid and ask of others, no ceilings. oracle: our quoting rules around the scenario true probability instead of the theo (the ceiling of what the rules earn in this world).',
      'Every strategy runs through the same worker, order manager and risk gate (limits, stop time, kill switch).',
      'adverse selection: theo move against us within 60 s after each fill, × contracts (positive = cost).',
      'truth-marked: fills against the scenario true probability, inventory marked at the truth at each game stop (edge + drift while held); settle luck = settled − truth-marked, apart. edge: at fill; markout 60s: truth 60 s after each fill (markout − edge = adverse selection). Split by counterparty, mode and side in scoreboard.json (ruler).',
      ...(results.some((r) => !r.result.feedStatsMeasured)
        ? [
            'book_resyncs: this worker build does not report its WebSocket feed counters; reconnects are counted from session events and book resyncs read 0.',
          ]
        : []),
      ...warnings,
    ],
  });
  writeFileSync(join(dir, 'report.html'), html);
  io.out.write(
    `${scoreboardTable(scoreboard)}\n\nreport: ${join(dir, 'report.html')}\nscoreboard: ${join(dir, 'scoreboard.json')}\n`,
  );
  // Liveness is a guard: our strategy missing the floor fails the run (baselines are reported only).
  const violations = scoreboard.ours?.liveness.violations ?? [];
  for (const v of violations) io.err.write(`liveness violation (ours): ${v}\n`);
  return violations.length > 0 ? 1 : 0;
}

runIfEntry(import.meta.url, main);
