/**
 * The books' spread and total lines are noisy, lagged, vigged views of the
 * very strike truth the ruler marks ladder markets against (issue #17): over
 * many seeds, the books' average no-vig main line sits on the truth of the
 * listed strike at that line. Before, the books read the margin truth at
 * today's winner truth while the ruler marked a wider law, several cents off.
 */
import { describe, expect, it } from 'vitest';
import { EventOddsSchema } from '../../../shared/odds/schemas.ts';
import { createOddsApiState, handleOddsRequest } from '../../../sim/odds/api.ts';
import { trueYes } from '../../../sim/scenario/ladders.ts';
import { loadScenario } from '../../../sim/scenario/schema.ts';
import { buildWorld } from '../../../sim/scenario/world.ts';

const KEY = 'fedcba9876543210fedcba9876543210';
const START = Date.parse('2026-01-20T23:00:00Z');
const MIN = 60_000;
const SEEDS = 20;

/** |books' mean no-vig main line − ruler's truth| per listed strike the main line falls on. */
function mainLineGaps(scenario: string, sportKey: string, atMinute: number): number[] {
  const gaps: number[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const w = buildWorld(
      loadScenario(new URL(`../../../sim/scenarios/${scenario}.json`, import.meta.url).pathname),
      { startMs: START, seed },
    );
    const now = START + atMinute * MIN;
    const state = createOddsApiState(w, KEY);
    for (const sim of w.games) {
      if (!sim.ladders) continue;
      const r = handleOddsRequest(
        state,
        'GET',
        new URL(
          `http://x/v4/sports/${sportKey}/events/${sim.oddsEventId}/odds?regions=us,eu&markets=spreads,totals&apiKey=${KEY}`,
        ),
        now,
        0,
      );
      expect(r.status).toBe(200);
      const e = EventOddsSchema.parse(r.body);
      // Per (kind, home-margin-or-total strike): the books' no-vig P(home margin > s) or P(total > s).
      const byStrike = new Map<string, number[]>();
      for (const b of e.bookmakers)
        for (const m of b.markets) {
          const [yes, no] =
            m.key === 'spreads'
              ? [
                  m.outcomes.find((o) => o.name === e.home_team)!,
                  m.outcomes.find((o) => o.name === e.away_team)!,
                ]
              : [m.outcomes.find((o) => o.name === 'Over')!, m.outcomes.find((o) => o.name === 'Under')!];
          const strike = m.key === 'spreads' ? -yes.point! : yes.point!;
          const p = 1 / yes.price / (1 / yes.price + 1 / no.price);
          const key = `${m.key === 'spreads' ? 'spread' : 'total'}/${strike}`;
          byStrike.set(key, [...(byStrike.get(key) ?? []), p]);
        }
      for (const [key, ps] of byStrike) {
        const [kind, raw] = key.split('/') as ['spread' | 'total', string];
        const s = Number(raw);
        const m = sim.ladders.markets.find(
          (x) =>
            x.kind === kind &&
            (kind === 'total' || x.team === 'home' ? x.floorStrike === s : -x.floorStrike === s),
        );
        if (!m) continue;
        const truth = trueYes(sim, m, now);
        // An away market's YES is "home margin < s": the books' P(home margin > s) is its NO.
        const yes = kind === 'spread' && m.team === 'away' ? 1 - truth : truth;
        const books = ps.reduce((a, b) => a + b, 0) / ps.length;
        gaps.push(Math.abs(books - yes));
      }
    }
  }
  return gaps;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('the books quote the ruler’s strike truth', () => {
  for (const [scenario, sport, minute] of [
    ['nba-ladders-night', 'basketball_nba', 3],
    ['nfl-sunday-ladders', 'americanfootball_nfl', 8],
  ] as const) {
    it(`${scenario}: before kick-off the books' mean no-vig main line is within 1.5¢ (mean) and 5¢ (max) of the truth, over ${SEEDS} seeds`, () => {
      const gaps = mainLineGaps(scenario, sport, minute);
      expect(gaps.length).toBeGreaterThan(SEEDS);
      expect(mean(gaps)).toBeLessThan(0.015);
      expect(Math.max(...gaps)).toBeLessThan(0.05);
    });
  }
});
