import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  GetEventsResponseSchema,
  GetMarketsResponseSchema,
  type Milestone,
} from '../../../shared/kalshi/schemas/rest.ts';
import { kalshiGameFrom, milestoneStart } from '../../../shared/mapping/kalshi-game.ts';
import { matchKalshiGame } from '../../../shared/mapping/match.ts';

const kalshiFixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/kalshi/${name}`, import.meta.url), 'utf8'));

describe('KalshiGame from parsed Kalshi REST responses', () => {
  const events = GetEventsResponseSchema.parse(kalshiFixture('rest_get_events_nba_with_milestones.json'));
  const markets = GetMarketsResponseSchema.parse(kalshiFixture('rest_get_markets_nba_event.json')).markets;

  it('takes the ticker, title, markets and the milestone start of the reference event', () => {
    const game = kalshiGameFrom(events.events[0]!, markets, events.milestones ?? []);
    expect(game).toEqual({
      eventTicker: 'KXNBAGAME-26NOV14BOSMIL',
      seriesTicker: 'KXNBAGAME',
      title: 'Boston at Milwaukee',
      startTime: Date.parse('2026-11-15T00:30:00Z'),
      markets: [
        {
          ticker: 'KXNBAGAME-26NOV14BOSMIL-BOS',
          yesSubTitle: 'Boston',
          rules:
            'If Boston wins the Boston at Milwaukee professional basketball game originally scheduled for Nov 14, 2026, then the market resolves to Yes.',
        },
        {
          ticker: 'KXNBAGAME-26NOV14BOSMIL-MIL',
          yesSubTitle: 'Milwaukee',
          rules:
            'If Milwaukee wins the Boston at Milwaukee professional basketball game originally scheduled for Nov 14, 2026, then the market resolves to Yes.',
        },
      ],
    });
    const r = matchKalshiGame(game, [
      {
        id: 'odds-1',
        sport_key: 'basketball_nba',
        commence_time: '2026-11-15T00:30:00Z',
        home_team: 'Milwaukee Bucks',
        away_team: 'Boston Celtics',
      },
    ]);
    expect(r).toMatchObject({ kind: 'matched', oddsEventId: 'odds-1', startDiffMs: 0 });
  });

  it('carries the rules, so a market that may settle between 0 and 1 is refused', () => {
    const fair = markets.map((m) => ({
      ...m,
      rules_secondary: 'If the game is cancelled, the market resolves to a fair price determined by Kalshi.',
    }));
    const game = kalshiGameFrom(events.events[0]!, fair, events.milestones ?? []);
    expect(
      matchKalshiGame(game, [
        {
          id: 'odds-1',
          sport_key: 'basketball_nba',
          commence_time: '2026-11-15T00:30:00Z',
          home_team: 'Milwaukee Bucks',
          away_team: 'Boston Celtics',
        },
      ]),
    ).toMatchObject({ kind: 'unmatched', reason: 'non-binary-settlement' });
  });

  it('ignores markets of other events', () => {
    const other = {
      ...markets[0]!,
      ticker: 'KXNBAGAME-26NOV15LALDEN-LAL',
      event_ticker: 'KXNBAGAME-26NOV15LALDEN',
    };
    expect(kalshiGameFrom(events.events[0]!, [...markets, other]).markets).toHaveLength(2);
  });

  it('conflicting milestone start dates give no start time rather than a guess', () => {
    const m = (id: string, start: string, primary: string[], related: string[] = []): Milestone => ({
      id,
      start_date: Date.parse(start),
      primary_event_tickers: primary,
      related_event_tickers: related,
    });
    const t = 'KXNBAGAME-26NOV14BOSMIL';
    expect(
      milestoneStart(t, [m('a', '2026-11-15T00:30:00Z', [t]), m('b', '2026-11-15T01:30:00Z', [t])]),
    ).toBeNull();
    expect(milestoneStart(t, [m('a', '2026-11-15T00:30:00Z', [], [t])])).toBe(
      Date.parse('2026-11-15T00:30:00Z'),
    );
    expect(
      milestoneStart(t, [m('a', '2026-11-15T00:30:00Z', [t]), m('b', '2026-11-16T00:30:00Z', [], [t])]),
    ).toBe(Date.parse('2026-11-15T00:30:00Z'));
    expect(milestoneStart(t, [])).toBeNull();
  });
});
