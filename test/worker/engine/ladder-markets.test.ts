import { describe, expect, it } from 'vitest';
import {
  gameLadders,
  type LadderGame,
  ladderEventMiss,
  ladderSeriesOf,
  mapLadderEvent,
} from '../../../worker/engine/ladder-markets.ts';
import type { ListedEvent, ListedMarket } from '../../../worker/engine/ports.ts';

const START = Date.parse('2026-01-21T00:40:00Z');
const game: LadderGame = {
  eventTicker: 'KXNBAGAME-26JAN20MIABOS',
  sportKey: 'basketball_nba',
  homeTeam: 'Boston Celtics',
  awayTeam: 'Miami Heat',
  kalshiStartMs: START,
};

const greater = (ticker: string, text: string, floor: number | string): ListedMarket => ({
  ticker,
  yesSubTitle: text,
  title: `Miami at Boston: ${text}?`,
  status: 'active',
  strike: { strikeType: 'greater', floorStrike: floor, capStrike: null },
});

const spreads: ListedEvent = {
  eventTicker: 'KXNBASPREAD-26JAN20MIABOS',
  seriesTicker: 'KXNBASPREAD',
  title: 'Miami at Boston: Spread',
  startMs: START,
  markets: [
    greater('SP-A', 'Boston wins by over 6.5 Points', 6.5),
    // the ticker says 20; the metadata and the text say 3.5: the ticker is never read
    greater('SP-BOS20', 'Miami wins by over 3.5 Points', '3.5'),
    greater('SP-BAD', 'Boston wins by over 9.5 Points', 10.5),
    {
      ...greater('SP-BETWEEN', 'Boston wins by 3 to 5 Points', 3),
      strike: { strikeType: 'between', floorStrike: 3, capStrike: 5 },
    },
    greater('SP-A', 'Boston wins by over 6.5 Points', 6.5),
  ],
};
const totals: ListedEvent = {
  eventTicker: 'KXNBATOTAL-26JAN20MIABOS',
  seriesTicker: 'KXNBATOTAL',
  title: 'Miami at Boston: Total Points',
  startMs: START,
  markets: [
    greater('TO-220', 'Over 220.5 points scored', 220.5),
    { ticker: 'TO-TEXT', yesSubTitle: 'Over 230.5 points scored', status: 'active' },
  ],
};

describe('a game and its spread/total ladders', () => {
  it('the ladder series of a sport', () => {
    expect(ladderSeriesOf('basketball_nba').sort()).toEqual(['KXNBASPREAD', 'KXNBATOTAL']);
    expect(ladderSeriesOf('icehockey_nhl')).toEqual([]);
  });

  it('maps every strike from its metadata, checked against its text, in the home margin or the total', () => {
    const r = gameLadders(game, [spreads, totals]);
    expect(r.events).toEqual([spreads.eventTicker, totals.eventTicker]);
    expect(r.mapped.map((m) => [m.ticker, m.eventTicker, m.query])).toEqual([
      ['SP-A', spreads.eventTicker, { kind: 'spread', direction: 'over', threshold: 6.5 }],
      // "Miami wins by over 3.5" is home margin < −3.5
      ['SP-BOS20', spreads.eventTicker, { kind: 'spread', direction: 'under', threshold: -3.5 }],
      ['TO-220', totals.eventTicker, { kind: 'total', direction: 'over', threshold: 220.5 }],
      // no metadata: the text alone
      ['TO-TEXT', totals.eventTicker, { kind: 'total', direction: 'over', threshold: 230.5 }],
    ]);
  });

  it('reports each unmapped market with its reason, never quoting it', () => {
    const r = mapLadderEvent(game, spreads);
    expect(r.unmapped.map((u) => [u.ticker, u.reason])).toEqual([
      ['SP-A', 'duplicate-market'],
      ['SP-BAD', 'strike-mismatch'],
      ['SP-BETWEEN', 'unsupported-strike-type'],
    ]);
    // the first listing of the duplicated ticker is mapped once
    expect(r.mapped.filter((m) => m.ticker === 'SP-A')).toHaveLength(1);
  });

  it('another game, another sport, a winner event or another day is not this game', () => {
    expect(ladderEventMiss(game, { ...spreads, title: 'Miami at New York: Spread' })).toBe('other-game');
    expect(ladderEventMiss(game, { ...spreads, title: 'Spread' })).toBe('other-game');
    expect(ladderEventMiss(game, { ...spreads, seriesTicker: 'KXNFLSPREAD' })).toBe('other-sport');
    expect(ladderEventMiss(game, { ...spreads, seriesTicker: 'KXNBAGAME' })).toBe('not-a-ladder');
    expect(ladderEventMiss(game, { ...spreads, startMs: START + 2 * 86_400_000 })).toBe('other-start');
    expect(ladderEventMiss(game, { ...spreads, title: 'Boston vs Miami: Spread' })).toBeNull();
    expect(ladderEventMiss({ ...game, kalshiStartMs: null }, spreads)).toBeNull();
    expect(gameLadders(game, [{ ...totals, title: 'Lakers at Boston: Total Points' }]).mapped).toEqual([]);
  });
});
