/**
 * `npx tsx bench/evaluate-digest.ts SCENARIOS SEEDS OUT.jsonl [--bundled]` — what `npm run
 * evaluate` pays per strategy run, and a fingerprint of what each run decided (issue #20):
 * every strategy of the line-up (ours, the baselines, the oracle) on each (scenario, seed),
 * one after another in this warm process (one warm-up run of nba-quiet-evening first, not
 * counted), one JSON line per run appended to OUT: CPU ms, exchange events, and sha256
 * digests of the run's record, ruler score, uptime report and chart lines. Two commits'
 * files compare run by run: same digests = same behaviour. `--bundled`: the same on this file
 * bundled as evaluate's children run (plain JavaScript on bare node, scripts/evaluate-bundle.ts),
 * the CPU figure evaluate pays.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleChild } from '../scripts/evaluate-bundle.ts';
import { loadEngineConfig } from '../scripts/paper/config-file.ts';
import { strategyLineup } from '../scripts/paper/strategies.ts';
import { runBacktest } from '../sim/backtest/run.ts';
import { resolveScenarioPath } from '../sim/main.ts';
import { parseSeedList } from '../sim/scenario/stats.ts';

const digest = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);

export async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--bundled')) {
    const bundle = await bundleChild(`digest-${process.pid}`, fileURLToPath(import.meta.url));
    if (!bundle) throw new Error('esbuild could not bundle bench/evaluate-digest.ts');
    const args = argv.filter((a) => a !== '--bundled');
    const r = spawnSync(process.execPath, [bundle.script, ...args], { stdio: 'inherit' });
    bundle.remove();
    return r.status ?? 1;
  }
  const [scenarioList, seedList, out] = argv;
  if (!scenarioList || !seedList || !out) {
    process.stderr.write('usage: evaluate-digest.ts SCENARIOS SEEDS OUT.jsonl\n');
    return 2;
  }
  const config = loadEngineConfig(undefined);
  const { strategies, bindTruth } = strategyLineup(config, true);
  await runBacktest({ strategy: 'ours', scenario: resolveScenarioPath('nba-quiet-evening'), config });
  for (const name of scenarioList.split(',')) {
    const scenario = resolveScenarioPath(name);
    for (const seed of parseSeedList(seedList)) {
      for (const [strategy, quoter] of strategies) {
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
        const line = {
          scenario: basename(scenario, '.json'),
          seed,
          strategy,
          cpuMs: Math.round((c.user + c.system) / 1000),
          exchangeEvents: r.stats.exchangeEvents,
          writes: r.stats.writes,
          record: digest(r.record),
          ruler: digest(r.ruler),
          uptime: digest(r.uptime),
          lines: digest(r.lines),
        };
        appendFileSync(out, `${JSON.stringify(line)}\n`);
        process.stderr.write(`${JSON.stringify(line)}\n`);
      }
    }
  }
  return 0;
}

// Runs unconditionally (not `runIfEntry`): the bundle is this module under another path.
main(process.argv.slice(2)).then((code) => process.exit(code));
