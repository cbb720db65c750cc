/**
 * Odds → theo cost: parse + de-vig + aggregate one Odds API response of
 * 50 games × 40 books, the size of a busy NBA+NFL poll.
 */
import { computeTheos } from '../shared/odds/aggregate.ts';
import { OddsResponseSchema } from '../shared/odds/schemas.ts';
import { type Figure, figure, Latency } from './figures.ts';

function syntheticOddsResponse(games: number, books: number, asOf: number): unknown[] {
  const events = [];
  for (let g = 0; g < games; g++) {
    const pHome = 0.25 + (g % 50) / 100;
    const bookmakers = [];
    for (let b = 0; b < books; b++) {
      const key = b === 0 ? 'pinnacle' : `book${b}`;
      const vig = 1.02 + (b % 7) * 0.01;
      const noise = ((b * 37 + g * 11) % 9) / 1000 - 0.004;
      const ph = Math.min(0.97, Math.max(0.03, pHome + noise));
      bookmakers.push({
        key,
        title: key,
        last_update: new Date(asOf - ((b * 13) % 600) * 1000).toISOString(),
        markets: [
          {
            key: 'h2h',
            last_update: new Date(asOf - ((b * 13) % 600) * 1000).toISOString(),
            outcomes: [
              { name: `Home ${g}`, price: Number((1 / (ph * vig)).toFixed(2)) },
              { name: `Away ${g}`, price: Number((1 / ((1 - ph) * vig)).toFixed(2)) },
            ],
          },
        ],
      });
    }
    events.push({
      id: `evt${g}`,
      sport_key: 'basketball_nba',
      sport_title: 'NBA',
      commence_time: new Date(asOf + 3_600_000).toISOString(),
      home_team: `Home ${g}`,
      away_team: `Away ${g}`,
      bookmakers,
    });
  }
  return events;
}

export async function benchOddsAggregation(): Promise<Figure[]> {
  const asOf = Date.parse('2026-11-25T00:00:00Z');
  const body = JSON.stringify(syntheticOddsResponse(50, 40, asOf));
  const lat = new Latency();
  let theos = 0;
  for (let i = 0; i < 60; i++) {
    const t0 = process.hrtime.bigint();
    const events = OddsResponseSchema.parse(JSON.parse(body));
    const { summary } = computeTheos(events, { asOf, oddsFormat: 'decimal' });
    lat.recordNs(process.hrtime.bigint() - t0);
    theos = summary.theos;
  }
  if (theos !== 50) throw new Error(`expected 50 theos, got ${theos}`);
  return [
    figure('odds_aggregation_50x40_p50', lat.ms(50), 'ms', 50, 'lower', 'parse + de-vig (Shin) + aggregate'),
    figure('odds_aggregation_50x40_p99', lat.ms(99), 'ms', 100, 'lower'),
  ];
}
