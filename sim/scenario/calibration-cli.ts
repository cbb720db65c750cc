/**
 * `npx tsx sim/scenario/calibration-cli.ts [--games 1000] [--scenarios a,b]`
 *
 * The truth's calibration over simulated games, from the scenarios alone (no
 * worker): for every market of every game, the truth at the game's stop time
 * (start − 60 s) and at a random time of its life, against whether it won.
 * Prints the table by probability bucket (n, mean forecast, win rate, s.e., z),
 * and one z for the favourites (both sides of a 2-way game sum to zero overall).
 */
import { z } from 'zod';
import { type CommandIo, defineCommand, readCommandLine, runIfEntry } from '../../shared/cli.ts';
import { resolveScenarioPath } from '../main.ts';
import { Rng } from './rng.ts';
import { loadScenario } from './schema.ts';
import { type CalibrationRow, calibrationTable, calibrationZ } from './stats.ts';
import { probabilityOf } from './truth.ts';
import { buildWorld } from './world.ts';

const SHIPPED = ['nba-quiet-evening', 'nfl-contested', 'epl-draw', 'injury-shock', 'chaos'];

export function truthSamples(scenarios: readonly string[], games: number, stopMarginMs = 60_000) {
  const atStop: { p: number; won: boolean }[] = [];
  const anyTime: { p: number; won: boolean }[] = [];
  let count = 0;
  for (let seed = 1; count < games; seed++) {
    for (const name of scenarios) {
      if (count >= games) break;
      const world = buildWorld(loadScenario(resolveScenarioPath(name)), {
        seed,
        startMs: Date.parse('2026-01-01T00:00:00Z'),
      });
      for (const g of world.games) {
        if (count >= games) break;
        count++;
        const stop = g.path.at(g.path.times.startMs - stopMarginMs);
        const when = Rng.derive(seed, `calibration/${g.game.id}`).next();
        const t = g.path.times.openMs + when * (g.path.times.endMs - g.path.times.openMs);
        const any = g.path.at(t);
        for (const m of g.markets) {
          const won = g.path.outcome === m.outcome;
          atStop.push({ p: probabilityOf(stop, m.outcome), won });
          anyTime.push({ p: probabilityOf(any, m.outcome), won });
        }
      }
    }
  }
  return { games: count, atStop, anyTime };
}

export function tableText(rows: readonly CalibrationRow[]): string {
  const head = `${'bucket'.padEnd(10)}${'n'.padStart(6)}${'forecast'.padStart(10)}${'won'.padStart(8)}${'s.e.'.padStart(8)}${'z'.padStart(7)}`;
  return [
    head,
    ...rows.map(
      (r) =>
        `${`${r.lo.toFixed(1)}–${r.hi.toFixed(1)}`.padEnd(10)}${String(r.n).padStart(6)}${r.meanP.toFixed(3).padStart(10)}${r.winRate.toFixed(3).padStart(8)}${r.se.toFixed(3).padStart(8)}${(r.z === null ? '—' : r.z.toFixed(2)).padStart(7)}`,
    ),
  ].join('\n');
}

/** `npx tsx sim/scenario/calibration-cli.ts`'s command line (shared/cli.ts). */
export const CALIBRATION_COMMAND = defineCommand({
  command: 'npx tsx sim/scenario/calibration-cli.ts',
  summary: "The truth's calibration over simulated games, from the scenarios alone (no worker).",
  options: {
    games: { type: 'string', arg: 'N', help: 'games to simulate (default 1000)' },
    scenarios: {
      type: 'string',
      arg: 'LIST',
      help: `scenarios, comma-separated (default ${SHIPPED.join(',')})`,
    },
  },
  schema: z.object({
    games: z.coerce
      .number({ message: 'must be a positive integer' })
      .int('must be a positive integer')
      .min(1, 'must be a positive integer')
      .default(1000),
    scenarios: z
      .string()
      .min(1, 'must not be empty')
      .transform((s) => s.split(','))
      .default(SHIPPED),
  }),
});

export function main(argv: readonly string[], io: CommandIo): number {
  const opts = readCommandLine(CALIBRATION_COMMAND, argv, io);
  if (typeof opts === 'number') return opts;
  const { games, scenarios } = opts;
  const s = truthSamples(scenarios, games);
  io.out.write(
    `${s.games} games (${scenarios.join(', ')}), seeds from 1\n\nat the stop (start − 60 s), every market:\n${tableText(calibrationTable(s.atStop))}\nfavourites (p > 0.5) z = ${calibrationZ(s.atStop.filter((x) => x.p > 0.5)).toFixed(2)}\n\nat a random time of the game's life:\n${tableText(calibrationTable(s.anyTime))}\nfavourites (p > 0.5) z = ${calibrationZ(s.anyTime.filter((x) => x.p > 0.5)).toFixed(2)}\n`,
  );
  return 0;
}

runIfEntry(import.meta.url, main);
