/** Builds a small world on a real matching engine with a stepped clock, for trader and runner tests. */
import { SteppedClock } from '../../../sim/clock.ts';
import { KalshiEngine } from '../../../sim/kalshi/engine.ts';
import { ScenarioRunner } from '../../../sim/scenario/runner.ts';
import { parseScenario, type ScenarioInput } from '../../../sim/scenario/schema.ts';
import { buildWorld } from '../../../sim/scenario/world.ts';

export const START = Date.parse('2026-01-20T23:00:00Z');
export const MIN = 60_000;

export const PINNACLE = { key: 'pinnacle', title: 'Pinnacle', region: 'eu', vig: 0.02 } as const;

export function game(over: Record<string, unknown> = {}) {
  return {
    id: 'mia-bos',
    league: 'NBA',
    oddsSportKey: 'basketball_nba',
    seriesTicker: 'KXNBAGAME',
    home: { name: 'Boston Celtics', code: 'BOS', short: 'Boston' },
    away: { name: 'Miami Heat', code: 'MIA', short: 'Miami' },
    startMinute: 60,
    durationMinutes: 120,
    truth: { home: 0.5, volatility: 0, inGameVolatility: 0 },
    ...over,
  };
}

export function world(input: Partial<ScenarioInput> & { games: ScenarioInput['games'] }, seed?: number) {
  const scenario = parseScenario({
    name: 'test',
    start: new Date(START).toISOString(),
    bookmakers: [PINNACLE],
    ...input,
  });
  return buildWorld(scenario, { startMs: START, ...(seed === undefined ? {} : { seed }) });
}

export function harness(input: Partial<ScenarioInput> & { games: ScenarioInput['games'] }, seed?: number) {
  const w = world(input, seed);
  const clock = new SteppedClock(START);
  const engine = new KalshiEngine({ clock, seed: w.seed });
  const runner = new ScenarioRunner({ world: w, exchange: engine, clock });
  runner.setup();
  return { world: w, clock, engine, runner };
}
