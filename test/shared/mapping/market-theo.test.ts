import { describe, expect, it } from 'vitest';
import { marketTheos } from '../../../shared/mapping/market-theo.ts';
import { matchKalshiGame } from '../../../shared/mapping/match.ts';
import { computeTheo, type Theo } from '../../../shared/odds/aggregate.ts';
import type { EventOdds } from '../../../shared/odds/schemas.ts';

const asOf = Date.parse('2026-11-14T22:00:00Z');
const stamp = '2026-11-14T21:58:00Z';
const event: EventOdds = {
  id: 'e-bos-mil',
  sport_key: 'basketball_nba',
  commence_time: '2026-11-15T00:30:00Z',
  home_team: 'Milwaukee Bucks',
  away_team: 'Boston Celtics',
  bookmakers: [
    {
      key: 'pinnacle',
      title: 'Pinnacle',
      last_update: stamp,
      markets: [
        {
          key: 'h2h',
          last_update: stamp,
          outcomes: [
            { name: 'Boston Celtics', price: 1.8 },
            { name: 'Milwaukee Bucks', price: 2.1 },
          ],
        },
      ],
    },
  ],
};

const theo = (() => {
  const t = computeTheo(event, { asOf, oddsFormat: 'decimal' });
  if (t.kind !== 'theo') throw new Error(t.detail);
  return t;
})();

const match = (() => {
  const m = matchKalshiGame(
    {
      eventTicker: 'KXNBAGAME-26NOV14BOSMIL',
      title: 'Boston at Milwaukee',
      startTime: Date.parse('2026-11-15T00:30:00Z'),
      markets: [
        { ticker: 'KXNBAGAME-26NOV14BOSMIL-BOS', yesSubTitle: 'Boston' },
        { ticker: 'KXNBAGAME-26NOV14BOSMIL-MIL', yesSubTitle: 'Milwaukee' },
      ],
    },
    [event],
  );
  if (m.kind !== 'matched') throw new Error(m.detail);
  return m;
})();

describe('market theos: theo × mapping', () => {
  it('gives each Kalshi market the probability of its own outcome', () => {
    // Shin 2-way = additive: Boston (1.80) = (1/1.8 − 1/2.1 + 1)/2 = 0.5396825, Milwaukee 0.4603175.
    const r = marketTheos(theo, match);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.markets.map((m) => [m.ticker, m.side])).toEqual([
      ['KXNBAGAME-26NOV14BOSMIL-BOS', 'away'],
      ['KXNBAGAME-26NOV14BOSMIL-MIL', 'home'],
    ]);
    expect(r.markets[0]!.probability).toBeCloseTo(0.5396825, 6);
    expect(r.markets[1]!.probability).toBeCloseTo(0.4603175, 6);
  });

  it('refuses a theo of another event or with other outcome names', () => {
    expect(marketTheos({ ...theo, eventId: 'other' }, match)).toMatchObject({
      ok: false,
      reason: 'event-mismatch',
    });
    const renamed: Theo = {
      ...theo,
      outcomes: theo.outcomes.map((o, i) => (i === 0 ? { ...o, name: 'Milwaukee' } : o)),
    };
    expect(marketTheos(renamed, match)).toMatchObject({ ok: false, reason: 'outcome-mismatch' });
    const threeWay: Theo = {
      ...theo,
      threeWay: true,
      outcomes: [...theo.outcomes, { name: 'Draw', probability: 0 }],
    };
    expect(marketTheos(threeWay, match)).toMatchObject({ ok: false, reason: 'outcome-mismatch' });
  });
});

describe('market theos: a 3-way book on Kalshi markets with and without a TIE market', () => {
  const soccer: EventOdds = {
    id: 'e-rma-bar',
    sport_key: 'soccer_spain_la_liga',
    commence_time: '2026-11-15T20:00:00Z',
    home_team: 'Real Madrid',
    away_team: 'Barcelona',
    bookmakers: [
      {
        key: 'pinnacle',
        title: 'Pinnacle',
        last_update: stamp,
        markets: [
          {
            key: 'h2h',
            last_update: stamp,
            outcomes: [
              { name: 'Real Madrid', price: 2.2 },
              { name: 'Barcelona', price: 3.3 },
              { name: 'Draw', price: 3.6 },
            ],
          },
        ],
      },
    ],
  };
  const t = computeTheo(soccer, { asOf, oddsFormat: 'decimal' });
  if (t.kind !== 'theo') throw new Error(t.detail);
  const markets = [
    { ticker: 'KXLALIGAGAME-26NOV15RMABAR-RMA', yesSubTitle: 'Real Madrid' },
    { ticker: 'KXLALIGAGAME-26NOV15RMABAR-BAR', yesSubTitle: 'Barcelona' },
    { ticker: 'KXLALIGAGAME-26NOV15RMABAR-TIE', yesSubTitle: 'Tie' },
  ];
  const mapped = (ms: typeof markets) => {
    const m = matchKalshiGame(
      {
        eventTicker: 'KXLALIGAGAME-26NOV15RMABAR',
        title: 'Real Madrid vs Barcelona',
        startTime: Date.parse('2026-11-15T20:00:00Z'),
        markets: ms,
      },
      [soccer],
    );
    if (m.kind !== 'matched') throw new Error(m.detail);
    return m;
  };
  const prob = (name: string) => t.outcomes.find((o) => o.name === name)!.probability;

  it('with a TIE market: three markets, probabilities summing to 1', () => {
    const r = marketTheos(t, mapped(markets));
    if (!r.ok) throw new Error(r.detail);
    expect(r.markets.map((m) => m.side)).toEqual(['home', 'away', 'draw']);
    expect(r.markets.reduce((a, m) => a + m.probability, 0)).toBeCloseTo(1, 9);
  });

  it('without one: each winner market is its 3-way probability, not renormalised (a draw is a loss for both YES)', () => {
    const r = marketTheos(t, mapped(markets.slice(0, 2)));
    if (!r.ok) throw new Error(r.detail);
    expect(r.markets.map((m) => m.probability)).toEqual([prob('Real Madrid'), prob('Barcelona')]);
    expect(r.markets.reduce((a, m) => a + m.probability, 0)).toBeCloseTo(1 - prob('Draw'), 9);
  });

  it('a 2-way theo for a game mapped 3-way is refused', () => {
    expect(marketTheos(theo, { ...mapped(markets.slice(0, 2)), oddsEventId: theo.eventId })).toMatchObject({
      ok: false,
      reason: 'outcome-mismatch',
    });
  });
});
