/**
 * `npx tsx bench/ladder-strikes.ts SCENARIO SEEDS OUT.jsonl` — issue #17's
 * strike measurement, lighter than `npm run evaluate` (which also runs
 * top-of-book and the oracle): on each seed the in-process backtest of ours
 * and of the fixed-spread baseline (strikes at theo ± 3¢ + extraEdge), one
 * JSON line per run appended to OUT: truth-marked PnL in all and per market
 * kind (winner / spread / total), and the largest worst-case loss any game's
 * positions reached after a fill (winner + strike markets at their average
 * entries over the (margin, total) outcomes, shared/risk/payoff.ts) against
 * that game's limit in dollars, and the kill switch's limit breaches.
 */
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { loadEngineConfig } from '../scripts/paper/config-file.ts';
import { strategyLineup } from '../scripts/paper/strategies.ts';
import { type CommandIo, defineCommand, readCommandLine, runIfEntry } from '../shared/cli.ts';
import { type Contract, type Holding, payoffRisk } from '../shared/risk/payoff.ts';
import { MICROS_PER_DOLLAR } from '../shared/units.ts';
import { runBacktest } from '../sim/backtest/run.ts';
import { resolveScenarioPath } from '../sim/main.ts';
import { parseSeedList } from '../sim/scenario/stats.ts';
import type { World } from '../sim/scenario/world.ts';
import { Inventory } from '../worker/engine/inventory.ts';

function contractsOf(world: World): Map<string, { game: string; contract: Contract }> {
  const out = new Map<string, { game: string; contract: Contract }>();
  for (const g of world.games) {
    for (const m of g.markets)
      out.set(m.ticker, {
        game: g.eventTicker,
        contract: m.outcome === 'draw' ? { kind: 'draw' } : { kind: 'winner', side: m.outcome },
      });
    for (const m of g.ladders?.markets ?? []) {
      const contract: Contract =
        m.kind === 'total'
          ? { kind: 'total', direction: 'over', threshold: m.floorStrike }
          : m.team === 'away'
            ? { kind: 'spread', direction: 'under', threshold: -m.floorStrike }
            : { kind: 'spread', direction: 'over', threshold: m.floorStrike };
      out.set(m.ticker, { game: g.eventTicker, contract });
    }
  }
  return out;
}

const LADDER_STRIKES_COMMAND = defineCommand({
  command: 'npx tsx bench/ladder-strikes.ts',
  summary:
    'Issue #17: ours and fixed-spread per seed on a ladder scenario, one JSON line per run appended to OUT.',
  options: {},
  positionals: {
    usage: 'SCENARIO SEEDS OUT.jsonl',
    help: 'scenario file or name, seeds (1-30 or 1,2,5), output file',
  },
  schema: z.object({
    positionals: z.tuple([z.string().min(1), z.string().min(1), z.string().min(1)], {
      error: 'takes SCENARIO SEEDS OUT.jsonl',
    }),
  }),
});

async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const opts = readCommandLine(LADDER_STRIKES_COMMAND, argv, io);
  if (typeof opts === 'number') return opts;
  const [scenarioArg, seedsArg, out] = opts.positionals;
  const config = loadEngineConfig(undefined);
  const path = resolveScenarioPath(scenarioArg);
  const lineup = strategyLineup(config, true);
  const chosen = lineup.strategies.filter(([n]) => n === 'ours' || n === 'fixed-spread');
  for (const seed of parseSeedList(seedsArg)) {
    for (const [strategy, quoter] of chosen) {
      let world: World | null = null;
      let breaches = 0;
      const t0 = performance.now();
      const r = await runBacktest({
        strategy,
        scenario: path,
        seed,
        config,
        ...(quoter ? { quoter } : {}),
        onWorld: (w) => {
          world = w;
          lineup.bindTruth(w);
        },
        log: (e) => {
          if (JSON.stringify(e).includes('limit_breach')) breaches++;
        },
      });
      const contracts = contractsOf(world!);
      const limits = new Map(r.record.games.map((g) => [g.id, g.limit]));
      const inventory = new Inventory();
      let worst = { loss: 0, limit: 0, share: 0, game: '' };
      r.record.fills.forEach((f, i) => {
        inventory.applyFill(
          { tradeId: String(i), ticker: f.ticker, side: f.side, price: f.price, count: f.size },
          f.time,
        );
        const game = contracts.get(f.ticker)?.game;
        if (!game) return;
        const holdings: Holding[] = [];
        for (const [ticker, c] of contracts) {
          const position = inventory.position(ticker);
          if (c.game !== game || position === 0) continue;
          holdings.push({ ticker, contract: c.contract, position, price: inventory.entry(ticker) ?? 0 });
        }
        const loss = payoffRisk({ holdings, pending: [] }, { ties: true }).worstCaseLoss / MICROS_PER_DOLLAR;
        const limit = (limits.get(game) ?? 0) / 100;
        const share = limit > 0 ? loss / limit : Number.POSITIVE_INFINITY;
        if (share > worst.share) worst = { loss, limit, share, game };
      });
      const byKind = Object.fromEntries(
        Object.entries(r.ruler.byKind ?? {}).map(([k, a]) => [
          k,
          { truthMarked: a.truthMarked, fills: a.fills, edge: a.edge },
        ]),
      );
      const line = {
        scenario: basename(path, '.json'),
        seed,
        strategy,
        truthMarked: r.ruler.truthMarked,
        byKind,
        worstGameLoss: worst,
        breaches,
        flat: r.flat,
        wallS: Math.round((performance.now() - t0) / 1000),
      };
      appendFileSync(out, `${JSON.stringify(line)}\n`);
      io.out.write(`${JSON.stringify(line)}\n`);
    }
  }
  return 0;
}

runIfEntry(import.meta.url, main);
