import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MarketSchema } from '../../../shared/kalshi/schemas/rest.ts';
import { mapStrikeMarkets } from '../../../shared/mapping/strikes.ts';
import { EventOddsSchema } from '../../../shared/odds/schemas.ts';
import { ladderTheos } from '../../../shared/pricing/ladder-theo.ts';
import { computeGameStrikeTheo, type GameStrikeTheo } from '../../../shared/pricing/strike-theo.ts';

const event = EventOddsSchema.parse(
  JSON.parse(
    readFileSync(
      new URL('../../fixtures/odds/basketball_nba_event_odds_alternates.json', import.meta.url),
      'utf8',
    ),
  ),
);
const game = computeGameStrikeTheo(event, {
  asOf: Date.parse('2026-01-20T18:05:00Z'),
  oddsFormat: 'decimal',
});
const teams = { sportKey: 'basketball_nba', homeTeam: event.home_team, awayTeam: event.away_team };
const spread = (ticker: string, title: string, floor: number) =>
  MarketSchema.parse({
    ticker,
    event_ticker: 'KXNBASPREAD-26JAN20MIABOS',
    status: 'active',
    title,
    strike_type: 'greater',
    floor_strike: floor,
  });

describe('ladderTheos: Kalshi ladder markets → fair probabilities', () => {
  it('prices each mapped strike, reports the unmapped and the refused, all by ticker', () => {
    const { mapped, unmapped } = mapStrikeMarkets(
      [
        spread('S-BOS3', 'Boston wins by over 3.5 Points', 3.5),
        spread('S-BOS9', 'Boston wins by over 9.5 Points', 9.5),
        spread('S-MIA3', 'Miami wins by over 3.5 Points', 3.5),
        spread('S-BAD', 'Boston wins by over 6.5 Points', 7.5),
      ],
      'KXNBASPREAD',
      teams,
    );
    const { priced, refused } = ladderTheos(game, [...mapped, ...unmapped]);
    expect(priced.map((p) => p.ticker)).toEqual(['S-BOS3', 'S-BOS9', 'S-MIA3']);
    const p = Object.fromEntries(priced.map((x) => [x.ticker, x.probability]));
    expect(p['S-BOS3']!).toBeGreaterThan(p['S-BOS9']!);
    // Boston by 4+ and Miami by 4+ leave room for the close games between them
    expect(p['S-BOS3']! + p['S-MIA3']!).toBeLessThan(1);
    expect(refused).toEqual([
      expect.objectContaining({ ticker: 'S-BAD', reason: 'unmapped:strike-mismatch' }),
    ]);
    for (const x of priced) expect(x.fittedFrom.length).toBeGreaterThan(0);
  });

  it('a refused fit refuses every strike of its kind', () => {
    const refusedGame: GameStrikeTheo = {
      ...game,
      margin: { ok: false, reason: 'poor-fit', detail: 'test', diagnostics: null },
    };
    const { mapped } = mapStrikeMarkets(
      [spread('S-1', 'Boston wins by over 3.5 Points', 3.5)],
      'KXNBASPREAD',
      teams,
    );
    expect(ladderTheos(refusedGame, mapped)).toEqual({
      priced: [],
      refused: [{ ticker: 'S-1', reason: 'poor-fit', detail: 'test' }],
    });
  });

  it('refuses the whole ladder if it were ever not monotone (a bug upstream must not reach an order)', () => {
    if (!game.marginCurve) throw new Error('no curve');
    // A curve that is not one: P(over) rising with the strike.
    const broken: GameStrikeTheo = {
      ...game,
      marginCurve: {
        model: game.marginCurve.model,
        knots: [
          { at: 3.5, value: 0.3 },
          { at: 9.5, value: 0.6 },
        ],
      },
    };
    const { mapped } = mapStrikeMarkets(
      [
        spread('S-1', 'Boston wins by over 3.5 Points', 3.5),
        spread('S-2', 'Boston wins by over 9.5 Points', 9.5),
      ],
      'KXNBASPREAD',
      teams,
    );
    const r = ladderTheos(broken, mapped);
    expect(r.priced).toEqual([]);
    expect(r.refused.map((x) => x.reason)).toEqual(['non-monotone-ladder', 'non-monotone-ladder']);
  });
});
