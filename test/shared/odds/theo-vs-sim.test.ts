/**
 * The whole odds chain on real sockets: the Odds API simulator's books (vig,
 * noise, lag, stale lines around a hidden true probability) → the client →
 * de-vig and aggregation. The theo must sit close to the simulator's truth.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { computeTheos, DEFAULT_THEO_CONFIG, type Theo } from '../../../shared/odds/aggregate.ts';
import { OddsApiClient } from '../../../shared/odds/client.ts';
import { SteppedClock } from '../../../sim/clock.ts';
import { type OddsSim, startOddsSim } from '../../../sim/odds/server.ts';
import { parseScenario, type ScenarioInput } from '../../../sim/scenario/schema.ts';
import { buildWorld } from '../../../sim/scenario/world.ts';

const KEY = '0123456789abcdef0123456789abcdef';
const START = Date.parse('2026-01-20T23:00:00Z');
const MIN = 60_000;

const sims: OddsSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

const cases = [
  {
    scenario: 'nba-quiet-evening.json',
    sport: 'basketball_nba',
    regions: ['us', 'eu'],
    minutes: [1, 4, 8, 11],
  },
  // Minute 10 is a news jump (Chelsea striker out, +0.3 logit): at 10.5 Pinnacle has
  // moved and the retail books have not; the theo must follow Pinnacle, not the stale crowd.
  { scenario: 'epl-draw.json', sport: 'soccer_epl', regions: ['uk', 'eu'], minutes: [1, 5, 10.5, 11, 14] },
] as const;
const methods = ['shin', 'power', 'multiplicative'] as const;

describe('theo from the Odds API simulator tracks its hidden truth', () => {
  it('without the lagging-book rule the theo trails a news move by ~5 points (why the rule exists)', async () => {
    const input = JSON.parse(
      readFileSync(new URL('../../../sim/scenarios/epl-draw.json', import.meta.url), 'utf8'),
    ) as ScenarioInput;
    const sc = parseScenario({ ...input, start: new Date(START).toISOString() });
    const world = buildWorld(sc, { seed: sc.seed, startMs: START });
    const clock = new SteppedClock(START + 10.5 * MIN);
    const sim = await startOddsSim({ clock, world, apiKey: KEY });
    sims.push(sim);
    const res = await new OddsApiClient({ apiKey: KEY, baseUrl: sim.baseUrl }).odds('soccer_epl', {
      regions: ['uk', 'eu'],
    });
    const game = world.games.find((g) => g.game.id === 'che-liv')!;
    const event = res.data.events.find((e) => e.id === game.oddsEventId)!;
    const truth = game.path.at(clock.now()).home;
    const error = (laggingDriftLogit: number | null) => {
      const r = computeTheos([event], {
        asOf: clock.now(),
        oddsFormat: 'decimal',
        config: { ...DEFAULT_THEO_CONFIG, laggingDriftLogit },
      }).results[0] as Theo;
      return Math.abs(r.outcomes[0]!.probability - truth);
    };
    expect(error(null)).toBeGreaterThan(0.04);
    expect(error(DEFAULT_THEO_CONFIG.laggingDriftLogit)).toBeLessThan(0.015);
  });

  for (const c of cases) {
    it.each(methods)(`${c.scenario}, %s: every outcome within 2.5 points of the truth`, async (method) => {
      const input = JSON.parse(
        readFileSync(new URL(`../../../sim/scenarios/${c.scenario}`, import.meta.url), 'utf8'),
      ) as ScenarioInput;
      const sc = parseScenario({ ...input, start: new Date(START).toISOString() });
      const world = buildWorld(sc, { seed: sc.seed, startMs: START });
      const clock = new SteppedClock(START);
      const sim = await startOddsSim({ clock, world, apiKey: KEY });
      sims.push(sim);
      const client = new OddsApiClient({ apiKey: KEY, baseUrl: sim.baseUrl });

      let compared = 0;
      for (const minute of c.minutes) {
        clock.set(START + minute * MIN);
        const res = await client.odds(c.sport, { regions: [...c.regions], markets: ['h2h'] });
        expect(res.data.rejected).toEqual([]);
        const { results } = computeTheos(res.data.events, {
          asOf: clock.now(),
          oddsFormat: 'decimal',
          config: { ...DEFAULT_THEO_CONFIG, method },
        });
        for (const r of results) {
          const game = world.games.find((g) => g.oddsEventId === r.eventId)!;
          if (game.path.times.startMs <= clock.now()) {
            expect(r).toMatchObject({ kind: 'no-theo', reason: 'event-started' });
            continue;
          }
          expect(r.kind).toBe('theo');
          const theo = r as Theo;
          const truth = game.path.at(clock.now());
          const expected: [string, number][] = [
            [game.game.home.name, truth.home],
            [game.game.away.name, truth.away],
            ...(truth.draw === undefined ? [] : [['Draw', truth.draw] as [string, number]]),
          ];
          expect(theo.outcomes.map((o) => o.name)).toEqual(expected.map(([n]) => n));
          theo.outcomes.forEach((o, i) => {
            expect(Math.abs(o.probability - expected[i]![1])).toBeLessThan(0.025);
          });
          expect(theo.anchorUsed).toBe(true);
          compared++;
        }
      }
      expect(compared).toBeGreaterThanOrEqual(c.minutes.length);
    });
  }
});
