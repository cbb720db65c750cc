/**
 * `npx tsx bench/evaluate-digest.ts [--scenarios A,B] [--seeds 1-3] [--out OUT.jsonl] [--bundled]`
 *
 * What `npm run evaluate` pays per strategy run, and a fingerprint of what each run decided
 * (issue #20): every strategy of the line-up (ours, the baselines, the oracle) on each
 * (scenario, seed), one after another in this warm process (one warm-up run of
 * nba-quiet-evening first, not counted); one JSON line per run: CPU ms, exchange events, and
 * sha256 digests of the run's record, ruler score, uptime report and chart lines. A speed
 * change to the backtest or the engine must leave every digest identical: run it on both
 * commits and diff. `--bundled`: the same on this file bundled as evaluate's children run
 * (plain JavaScript on bare node, scripts/evaluate-bundle.ts), the CPU figure evaluate pays.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { bundleChild } from '../scripts/evaluate-bundle.ts';
import { loadEngineConfig } from '../scripts/paper/config-file.ts';
import { strategyLineup } from '../scripts/paper/strategies.ts';
import { type CommandIo, defineCommand, readCommandLine, runAsScript } from '../shared/cli.ts';
import { memoiseStrikeTheos } from '../shared/pricing/strike-theo.ts';
import { runBacktest } from '../sim/backtest/run.ts';
import { resolveScenarioPath } from '../sim/main.ts';
import { parseSeedList } from '../sim/scenario/stats.ts';

const DIGEST_COMMAND = defineCommand({
  command: 'npx tsx bench/evaluate-digest.ts',
  summary:
    'Issue #20: CPU and decision digests per strategy run, to prove a speed change decided nothing new.',
  options: {
    scenarios: {
      type: 'string',
      arg: 'A,B',
      help: 'scenario names (default nba-quiet-evening,epl-draw,chaos)',
    },
    seeds: { type: 'string', arg: 'SEEDS', help: 'seeds, 1-3 or 1,2,5 (default 1-3)' },
    out: { type: 'string', arg: 'FILE', help: 'also append each JSON line to FILE' },
    bundled: { type: 'boolean', help: 'run bundled, as evaluate children run' },
    strategies: { type: 'string', arg: 'A,B', help: 'only these strategies of the line-up (default all)' },
  },
  schema: z.object({
    scenarios: z.string().min(1).default('nba-quiet-evening,epl-draw,chaos'),
    seeds: z.string().min(1).default('1-3'),
    out: z.string().min(1).optional(),
    bundled: z.boolean().default(false),
    strategies: z.string().min(1).optional(),
  }),
});

const digest = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);

export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const opts = readCommandLine(DIGEST_COMMAND, argv, io);
  if (typeof opts === 'number') return opts;
  if (opts.bundled) {
    const bundle = await bundleChild(`digest-${process.pid}`, fileURLToPath(import.meta.url));
    if (!bundle) throw new Error('esbuild could not bundle bench/evaluate-digest.ts');
    const args = argv.filter((a) => a !== '--bundled');
    const r = spawnSync(process.execPath, [bundle.script, ...args], { stdio: 'inherit' });
    bundle.remove();
    return r.status ?? 1;
  }
  const seeds = parseSeedList(opts.seeds);
  // As evaluate's children run (scripts/evaluate-pool-child.ts): a digest that moved would show the memo wrong.
  memoiseStrikeTheos(true);
  const config = loadEngineConfig(undefined);
  const { strategies, bindTruth } = strategyLineup(config, true);
  const only = opts.strategies ? new Set(opts.strategies.split(',')) : null;
  await runBacktest({ strategy: 'ours', scenario: resolveScenarioPath('nba-quiet-evening'), config });
  for (const name of opts.scenarios.split(',')) {
    const scenario = resolveScenarioPath(name);
    for (const seed of seeds) {
      for (const [strategy, quoter] of strategies) {
        if (only && !only.has(strategy)) continue;
        const c0 = process.cpuUsage();
        const r = await runBacktest({
          strategy,
          scenario,
          seed,
          config,
          ...(quoter ? { quoter } : {}),
          onWorld: bindTruth,
        });
        const c = process.cpuUsage(c0);
        const line = JSON.stringify({
          scenario: basename(scenario, '.json'),
          seed,
          strategy,
          cpuMs: Math.round((c.user + c.system) / 1000),
          exchangeEvents: r.stats.exchangeEvents,
          writes: r.stats.writes,
          flat: r.flat,
          record: digest(r.record),
          ruler: digest(r.ruler),
          uptime: digest(r.uptime),
          lines: digest(r.lines),
        });
        if (opts.out) appendFileSync(opts.out, `${line}\n`);
        io.out.write(`${line}\n`);
      }
    }
  }
  return 0;
}

// Runs unconditionally (not `runIfEntry`): the bundle is this module under another path.
runAsScript(main);
