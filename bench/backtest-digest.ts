/**
 * `npx tsx bench/backtest-digest.ts [--scenarios A,B] [--seeds 1-3]`
 *
 * The backtest's behaviour as digests, one line per (scenario, seed, strategy): SHA-256 of the
 * run record, the ruler's score, the uptime report and the chart lines (and the exchange event
 * count). A speed change to the backtest or the engine must leave every line identical: run it
 * before and after and `diff` the two outputs. Defaults: nba-quiet-evening, epl-draw and chaos,
 * seeds 1–3, every strategy (ours, the baselines, the oracle).
 */
import { createHash } from 'node:crypto';
import { strategyLineup } from '../scripts/paper/strategies.ts';
import { parseEngineConfig } from '../shared/config/engine-config.ts';
import { runBacktest } from '../sim/backtest/run.ts';
import { parseSeedList } from '../sim/scenario/stats.ts';

const sha = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 16);

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

async function main(): Promise<void> {
  const scenarios = arg('scenarios', 'nba-quiet-evening,epl-draw,chaos').split(',');
  const seeds = parseSeedList(arg('seeds', '1-3'));
  const config = parseEngineConfig({});
  let cpuMs = 0;
  for (const scenario of scenarios)
    for (const seed of seeds) {
      const { strategies, bindTruth } = strategyLineup(config, true);
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
        cpuMs += (c.user + c.system) / 1000;
        const d = [sha(r.record), sha(r.ruler), sha(r.uptime), sha(r.lines)].join(' ');
        process.stdout.write(
          `${scenario} ${seed} ${strategy.padEnd(12)} ${d} events=${r.stats.exchangeEvents} flat=${r.flat}\n`,
        );
      }
    }
  process.stderr.write(`cpu ${(cpuMs / 1000).toFixed(1)} s\n`);
}

await main();
