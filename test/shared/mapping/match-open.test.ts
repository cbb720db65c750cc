import { describe, expect, it } from 'vitest';
import {
  type KalshiGame,
  type MatchResult,
  matchKalshiGame,
  matchKalshiGames,
} from '../../../shared/mapping/match.ts';
import type { OddsApiEvent } from '../../../shared/odds/schemas.ts';

const ev = (id: string, sport: string, home: string, away: string, commence: string): OddsApiEvent => ({
  id,
  sport_key: sport,
  sport_title: sport,
  commence_time: commence,
  home_team: home,
  away_team: away,
});
const matched = (r: MatchResult) => {
  if (r.kind !== 'matched') throw new Error(`expected a match, got ${r.reason}: ${r.detail}`);
  return r;
};
const game = (
  eventTicker: string,
  title: string,
  start: string | null,
  sides: [string, string][],
): KalshiGame => ({
  eventTicker,
  title,
  startTime: start === null ? null : Date.parse(start),
  markets: sides.map(([code, name]) => ({ ticker: `${eventTicker}-${code}`, yesSubTitle: name })),
});

describe('tennis: individual names on tournament sport keys', () => {
  const slate = [
    ev('t1', 'tennis_atp_australian_open', 'Carlos Alcaraz', 'Jannik Sinner', '2027-01-25T08:30:00Z'),
    ev('t2', 'tennis_atp_australian_open', 'Félix Auger-Aliassime', 'Alex de Minaur', '2027-01-25T03:00:00Z'),
    ev('t3', 'tennis_wta_australian_open', 'Iga Świątek', 'Karolína Plíšková', '2027-01-25T01:00:00Z'),
    ev('t4', 'tennis_atp_australian_open', 'Alexander Zverev', 'Mischa Zverev', '2027-01-26T01:00:00Z'),
  ];

  it('maps surnames, accents and hyphens on any active ATP tournament key', () => {
    const r = matched(
      matchKalshiGame(
        game('KXATPMATCH-27JAN25AUGDEM', 'Auger-Aliassime vs De Minaur', '2027-01-25T03:00:00Z', [
          ['AUG', 'Felix Auger Aliassime'],
          ['DEM', 'De Minaur'],
        ]),
        slate,
      ),
    );
    expect(r.oddsEventId).toBe('t2');
    expect(r.sportKey).toBe('tennis_atp_australian_open');
    expect(r.markets).toEqual([
      { ticker: 'KXATPMATCH-27JAN25AUGDEM-AUG', outcome: 'Félix Auger-Aliassime', side: 'home' },
      { ticker: 'KXATPMATCH-27JAN25AUGDEM-DEM', outcome: 'Alex de Minaur', side: 'away' },
    ]);
  });

  it('an ATP series never takes a WTA event', () => {
    const r = matchKalshiGame(
      game('KXATPMATCH-27JAN25SWIPLI', 'Swiatek vs Pliskova', '2027-01-25T01:00:00Z', [
        ['SWI', 'Swiatek'],
        ['PLI', 'Karolina Pliskova'],
      ]),
      slate,
    );
    expect(r).toMatchObject({ kind: 'unmatched', reason: 'no-candidate' });
    const wta = matched(
      matchKalshiGame(
        game('KXWTAMATCH-27JAN25SWIPLI', 'Swiatek vs Pliskova', '2027-01-25T01:00:00Z', [
          ['SWI', 'Swiatek'],
          ['PLI', 'Karolina Pliskova'],
        ]),
        slate,
      ),
    );
    expect(wta.oddsEventId).toBe('t3');
  });

  it('a surname that fits both players of one event is ambiguous, never guessed', () => {
    const r = matchKalshiGame(
      game('KXATPMATCH-27JAN26ZVEZVE', 'Zverev vs Zverev', '2027-01-26T01:00:00Z', [
        ['AZV', 'Zverev'],
        ['MZV', 'Zverev'],
      ]),
      slate,
    );
    expect(r).toMatchObject({ kind: 'unmatched', reason: 'ambiguous-team' });
    const full = matched(
      matchKalshiGame(
        game('KXATPMATCH-27JAN26ZVEZVE', 'A. Zverev vs M. Zverev', '2027-01-26T01:00:00Z', [
          ['AZV', 'A. Zverev'],
          ['MZV', 'M. Zverev'],
        ]),
        slate,
      ),
    );
    expect(full.markets.map((m) => m.outcome)).toEqual(['Alexander Zverev', 'Mischa Zverev']);
  });

  it('start times: within the tolerance only', () => {
    const late = matchKalshiGame(
      game('KXATPMATCH-27JAN25ALCSIN', 'Alcaraz vs Sinner', '2027-01-25T14:30:00Z', [
        ['ALC', 'Alcaraz'],
        ['SIN', 'Sinner'],
      ]),
      slate,
    );
    expect(late).toMatchObject({ kind: 'unmatched', reason: 'start-time-mismatch', candidates: ['t1'] });
  });

  it('challenger and ITF series have no odds source', () => {
    const r = matchKalshiGame(
      game('KXATPCHALLENGERMATCH-27JAN25ABCDEF', 'A vs B', '2027-01-25T01:00:00Z', [
        ['ABC', 'Nicolás Jarry'],
        ['DEF', 'Thiago Monteiro'],
      ]),
      slate,
    );
    expect(r).toMatchObject({ kind: 'unmatched', reason: 'no-odds-source' });
  });
});

describe('fights: 3-way boxing, 2-way UFC, voids', () => {
  const card = [
    ev('b1', 'boxing_boxing', 'Canelo Álvarez', 'Terence Crawford', '2026-09-14T03:00:00Z'),
    ev('b2', 'boxing_boxing', 'Floyd Mayweather Jr.', 'Manny Pacquiao', '2026-09-14T05:00:00Z'),
    ev('u1', 'mma_mixed_martial_arts', 'Jon Jones', 'Tom Aspinall', '2026-09-14T04:00:00Z'),
  ];

  it('boxing with a TIE market maps the draw; without one the two winners are not exhaustive', () => {
    const withTie = matched(
      matchKalshiGame(
        game('KXBOXING-26SEP13CANCRA', 'Canelo vs Crawford', '2026-09-14T03:00:00Z', [
          ['CAN', 'Canelo Alvarez'],
          ['CRA', 'Crawford'],
          ['TIE', 'Tie'],
        ]),
        card,
      ),
    );
    expect(withTie.markets.map((m) => m.outcome)).toEqual(['Canelo Álvarez', 'Terence Crawford', 'Draw']);
    expect([withTie.threeWay, withTie.exhaustive]).toEqual([true, true]);
    const noTie = matched(
      matchKalshiGame(
        game('KXBOXING-26SEP13MAYPAC', 'Mayweather vs Pacquiao', '2026-09-14T05:00:00Z', [
          ['MAY', 'Floyd Mayweather'],
          ['PAC', 'Pacquiao'],
        ]),
        card,
      ),
    );
    expect([noTie.threeWay, noTie.exhaustive]).toEqual([true, false]);
  });

  it('a title naming neither side of the markets is refused; a nickname for one is not', () => {
    const sides: [string, string][] = [
      ['MAY', 'Floyd Mayweather'],
      ['PAC', 'Manny Pacquiao'],
    ];
    expect(
      matchKalshiGame(
        game('KXBOXING-26SEP13MAYPAC', 'Canelo vs Crawford', '2026-09-14T05:00:00Z', sides),
        card,
      ),
    ).toMatchObject({ kind: 'unmatched', reason: 'title-mismatch' });
    expect(
      matchKalshiGame(
        game('KXBOXING-26SEP13MAYPAC', 'Pacman vs Mayweather', '2026-09-14T05:00:00Z', sides),
        card,
      ),
    ).toMatchObject({ kind: 'matched' });
  });

  it('UFC is 2-way: a TIE market is an outcome mismatch', () => {
    const ok = matched(
      matchKalshiGame(
        game('KXUFCFIGHT-26SEP13JONASP', 'Jones vs Aspinall', '2026-09-14T04:00:00Z', [
          ['JON', 'Jon Jones'],
          ['ASP', 'Tom Aspinall'],
        ]),
        card,
      ),
    );
    expect(ok.exhaustive).toBe(true);
    const tie = matchKalshiGame(
      game('KXUFCFIGHT-26SEP13JONASP', 'Jones vs Aspinall', '2026-09-14T04:00:00Z', [
        ['JON', 'Jon Jones'],
        ['ASP', 'Tom Aspinall'],
        ['TIE', 'Tie'],
      ]),
      card,
    );
    expect(tie).toMatchObject({ kind: 'unmatched', reason: 'outcome-mismatch' });
  });

  it('rules that void a cancelled fight are quoted; rules that settle at a fair price are not', () => {
    const base = game('KXUFCFIGHT-26SEP13JONASP', 'Jones vs Aspinall', '2026-09-14T04:00:00Z', [
      ['JON', 'Jon Jones'],
      ['ASP', 'Tom Aspinall'],
    ]);
    const withRules = (rules: string): KalshiGame => ({
      ...base,
      markets: base.markets.map((m) => ({ ...m, rules })),
    });
    expect(
      matchKalshiGame(withRules('If the fight is cancelled or postponed, the market will be voided.'), card),
    ).toMatchObject({ kind: 'matched' });
    expect(
      matchKalshiGame(
        withRules('If the fight does not occur, the market resolves to a fair price determined by Kalshi.'),
        card,
      ),
    ).toMatchObject({ kind: 'unmatched', reason: 'non-binary-settlement' });
  });
});

describe('college basketball: a dozen games with awkward names', () => {
  const T = '2027-02-08T00:00:00Z';
  const at = (h: number) => new Date(Date.parse(T) + h * 3_600_000).toISOString();
  const slate = [
    ev('c1', 'basketball_ncaab', 'Miami Hurricanes', 'Miami (OH) RedHawks', at(0)),
    ev('c2', 'basketball_ncaab', "St. John's Red Storm", 'UConn Huskies', at(0)),
    ev('c3', 'basketball_ncaab', "Saint Mary's Gaels", 'Gonzaga Bulldogs', at(1)),
    ev('c4', 'basketball_ncaab', 'Kansas Jayhawks', 'Kansas St Wildcats', at(1)),
    ev('c5', 'basketball_ncaab', 'Texas Longhorns', 'Texas A&M Aggies', at(2)),
    ev('c6', 'basketball_ncaab', 'Ole Miss Rebels', 'Mississippi St Bulldogs', at(2)),
    ev('c7', 'basketball_ncaab', 'Loyola (Chi) Ramblers', 'Saint Louis Billikens', at(0)),
    ev('c8', 'basketball_ncaab', 'North Carolina Tar Heels', 'NC State Wolfpack', at(3)),
    ev('c9', 'basketball_ncaab', 'Eastern Kentucky Colonels', 'Kentucky Wildcats', at(3)),
    ev('c10', 'basketball_ncaab', "Saint Joseph's Hawks", 'St. Bonaventure Bonnies', at(0)),
    ev('c11', 'basketball_ncaab', 'Michigan Wolverines', 'Michigan St Spartans', at(4)),
    ev('c12', 'basketball_ncaab', 'Washington Huskies', 'Washington St Cougars', at(4)),
  ];
  const kalshi: [string, string, string, [string, string][]][] = [
    [
      'c1',
      'Miami (OH) at Miami',
      at(0),
      [
        ['MOH', 'Miami (OH)'],
        ['MIA', 'Miami (FL)'],
      ],
    ],
    [
      'c2',
      "UConn at St. John's",
      at(0),
      [
        ['CONN', 'Connecticut'],
        ['SJU', "St. John's"],
      ],
    ],
    [
      'c3',
      "Gonzaga at Saint Mary's",
      at(1),
      [
        ['GONZ', 'Gonzaga'],
        ['SMC', "St. Mary's"],
      ],
    ],
    [
      'c4',
      'Kansas State at Kansas',
      at(1),
      [
        ['KSU', 'Kansas State'],
        ['KU', 'Kansas'],
      ],
    ],
    [
      'c5',
      'Texas A&M at Texas',
      at(2),
      [
        ['TAMU', 'Texas A&M'],
        ['TEX', 'Texas'],
      ],
    ],
    [
      'c6',
      'Mississippi State at Mississippi',
      at(2),
      [
        ['MSST', 'Mississippi State'],
        ['MISS', 'Mississippi'],
      ],
    ],
    [
      'c7',
      'Saint Louis at Loyola Chicago',
      at(0),
      [
        ['SLU', 'Saint Louis'],
        ['LUC', 'Loyola Chicago'],
      ],
    ],
    [
      'c8',
      'NC State at North Carolina',
      at(3),
      [
        ['NCST', 'N.C. State'],
        ['UNC', 'North Carolina'],
      ],
    ],
    [
      'c9',
      'Kentucky at Eastern Kentucky',
      at(3),
      [
        ['UK', 'Kentucky'],
        ['EKU', 'Eastern Kentucky'],
      ],
    ],
    [
      'c10',
      "St. Bonaventure at St. Joseph's",
      at(0),
      [
        ['SBU', 'St. Bonaventure'],
        ['SJU', "St. Joseph's"],
      ],
    ],
    [
      'c11',
      'Michigan State at Michigan',
      at(4),
      [
        ['MSU', 'Michigan State'],
        ['MICH', 'Michigan'],
      ],
    ],
    [
      'c12',
      'Washington State at Washington',
      at(4),
      [
        ['WSU', 'Washington State'],
        ['WASH', 'Washington'],
      ],
    ],
  ];

  it('every game maps to its own event, each market to its own school', () => {
    const games = kalshi.map(([id, title, start, sides]) =>
      game(`KXNCAAMBGAME-27FEB07${id.toUpperCase()}`, title, start, sides),
    );
    const results = matchKalshiGames(games, slate);
    results.forEach((r, i) => {
      const m = matched(r);
      const [id, , , sides] = kalshi[i]!;
      expect(m.oddsEventId).toBe(id);
      const event = slate.find((e) => e.id === id)!;
      // The Kalshi away side (first) is the Odds API away team in this slate.
      expect(m.markets.map((x) => x.outcome)).toEqual([event.away_team, event.home_team]);
      expect(m.markets.map((x) => x.ticker.endsWith(`-${sides[0]![0]}`))).toEqual([true, false]);
    });
  });

  it('a school the books write differently, with no table entry, is reported unmatched with the names on offer', () => {
    const r = matchKalshiGame(
      game('KXNCAAMBGAME-27FEB07NKUXAV', 'Northern Kentucky at Xavier', at(0), [
        ['NKU', 'Northern Kentucky'],
        ['XAV', 'Xavier'],
      ]),
      [ev('x', 'basketball_ncaab', 'Xavier Musketeers', 'N Kentucky Norse', at(0))],
    );
    expect(r).toMatchObject({ kind: 'unmatched', reason: 'no-candidate' });
    if (r.kind === 'unmatched')
      expect(r.detail).toContain('one side found in: N Kentucky Norse at Xavier Musketeers');
  });
});

describe('soccer outside the EPL: clubs, 3-way', () => {
  const slate = [
    ev('s1', 'soccer_italy_serie_a', 'Inter Milan', 'AC Milan', '2026-10-18T18:45:00Z'),
    ev('s2', 'soccer_germany_bundesliga', 'Bayern Munich', 'Borussia Dortmund', '2026-10-18T16:30:00Z'),
    ev('s3', 'soccer_usa_mls', 'Inter Miami CF', 'New York City FC', '2026-10-18T23:30:00Z'),
  ];
  it('the Derby della Madonnina: Inter is not Milan', () => {
    const r = matched(
      matchKalshiGame(
        game('KXSERIEAGAME-26OCT18MILINT', 'Milan vs Inter', '2026-10-18T18:45:00Z', [
          ['MIL', 'Milan'],
          ['INT', 'Inter'],
          ['TIE', 'Tie'],
        ]),
        slate,
      ),
    );
    expect(r.markets.map((m) => [m.outcome, m.side])).toEqual([
      ['AC Milan', 'away'],
      ['Inter Milan', 'home'],
      ['Draw', 'draw'],
    ]);
  });
  it('Bundesliga and MLS names', () => {
    expect(
      matched(
        matchKalshiGame(
          game('KXBUNDESLIGAGAME-26OCT18BVBFCB', 'Dortmund vs Bayern', '2026-10-18T16:30:00Z', [
            ['BVB', 'Dortmund'],
            ['FCB', 'FC Bayern München'],
            ['TIE', 'Tie'],
          ]),
          slate,
        ),
      ).oddsEventId,
    ).toBe('s2');
    expect(
      matched(
        matchKalshiGame(
          game('KXMLSGAME-26OCT18NYCMIA', 'NYCFC vs Inter Miami', '2026-10-18T23:30:00Z', [
            ['NYC', 'NYCFC'],
            ['MIA', 'Inter Miami'],
            ['TIE', 'Tie'],
          ]),
          slate,
        ),
      ).oddsEventId,
    ).toBe('s3');
  });
});

describe('esports', () => {
  it('every esports series is no-odds-source, with the reason', () => {
    for (const s of ['KXCS2GAME', 'KXLOLGAME', 'KXVALORANTGAME', 'KXDOTA2GAME', 'KXCODGAME']) {
      const r = matchKalshiGame(
        game(`${s}-26JUL111900SHKPAIN`, 'SHK vs PAIN', null, [
          ['SHK', 'Sharks'],
          ['PAIN', 'paiN Gaming'],
        ]),
        [],
      );
      expect(r).toMatchObject({ kind: 'unmatched', reason: 'no-odds-source' });
      if (r.kind === 'unmatched') expect(r.detail).toContain('esports');
    }
  });
});
