/**
 * Every shipped scenario's games must be mappable by the production mapper:
 * the Kalshi events the exchange simulator lists (title, series, team codes,
 * `yes_sub_title`, milestone start) match the odds simulator's events (full
 * team names, commence time), each market to the right outcome.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchKalshiGames } from '../../../shared/mapping/match.ts';
import { DEFAULT_SPORT_CATALOGUE, sportOfSeries } from '../../../shared/mapping/sports.ts';
import { EventsResponseSchema } from '../../../shared/odds/schemas.ts';
import { createOddsApiState, handleOddsRequest } from '../../../sim/odds/api.ts';
import { loadScenario } from '../../../sim/scenario/schema.ts';
import { buildWorld } from '../../../sim/scenario/world.ts';

const dir = join(import.meta.dirname, '../../../sim/scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const START = Date.parse('2026-01-20T23:00:00Z');
const KEY = '0123456789abcdef0123456789abcdef';
const MIN = 60_000;

describe('shipped scenarios map with the production mapper', () => {
  it.each(files)('%s: every Kalshi game matches its odds event, markets to the right outcome', (file) => {
    const world = buildWorld(loadScenario(join(dir, file)), { startMs: START });
    const state = createOddsApiState(world, KEY);
    const sports = [...new Set(world.games.map((g) => g.game.oddsSportKey))];
    const oddsEvents = sports.flatMap((sport) => {
      const r = handleOddsRequest(
        state,
        'GET',
        new URL(`http://x/v4/sports/${sport}/events?apiKey=${KEY}`),
        START + MIN,
        0,
      );
      return EventsResponseSchema.parse(r.body);
    });
    const games = world.games.map((g) => ({
      eventTicker: g.eventTicker,
      seriesTicker: g.game.seriesTicker,
      title: g.title,
      startTime: g.path.times.startMs,
      markets: g.markets.map((m) => ({ ticker: m.ticker, yesSubTitle: m.yesSubTitle })),
    }));
    const results = matchKalshiGames(games, oddsEvents);
    results.forEach((r, i) => {
      const sim = world.games[i]!;
      // A series whose sport the books do not price is reported as such, never matched.
      const entry = sportOfSeries(DEFAULT_SPORT_CATALOGUE, sim.game.seriesTicker);
      if (entry?.odds.kind === 'none') {
        expect(r).toMatchObject({ kind: 'unmatched', reason: 'no-odds-source' });
        return;
      }
      if (r.kind !== 'matched') throw new Error(`${sim.eventTicker}: ${JSON.stringify(r)}`);
      expect(r.oddsEventId).toBe(sim.oddsEventId);
      for (const m of r.markets) expect(m.side).toBe(sim.markets.find((x) => x.ticker === m.ticker)!.outcome);
    });
  });
});
