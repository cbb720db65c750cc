import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAPPING_CONFIG,
  type KalshiGame,
  localDate,
  type MatchResult,
  matchKalshiGame,
  matchKalshiGames,
  tickerDate,
} from '../../../shared/mapping/match.ts';
import { normalizeTeamName } from '../../../shared/mapping/normalize.ts';
import {
  buildLeague,
  buildLeagues,
  DEFAULT_LEAGUES,
  EPL,
  type LeagueSpec,
  NBA,
  teamsForName,
} from '../../../shared/mapping/teams.ts';
import { EventsResponseSchema, type OddsApiEvent } from '../../../shared/odds/schemas.ts';
import { createOddsApiState, handleOddsRequest } from '../../../sim/odds/api.ts';
import { parseScenario, type ScenarioInput } from '../../../sim/scenario/schema.ts';
import { buildWorld } from '../../../sim/scenario/world.ts';

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

// The Kalshi reference sample: KXNBAGAME-26NOV14BOSMIL "Boston at Milwaukee", milestone start 2026-11-15T00:30Z.
const bosAtMil: KalshiGame = {
  eventTicker: 'KXNBAGAME-26NOV14BOSMIL',
  seriesTicker: 'KXNBAGAME',
  title: 'Boston at Milwaukee',
  startTime: Date.parse('2026-11-15T00:30:00Z'),
  markets: [
    { ticker: 'KXNBAGAME-26NOV14BOSMIL-BOS', yesSubTitle: 'Boston' },
    { ticker: 'KXNBAGAME-26NOV14BOSMIL-MIL', yesSubTitle: 'Milwaukee' },
  ],
};

const nbaSlate = [
  ev('e-bos-mil', 'basketball_nba', 'Milwaukee Bucks', 'Boston Celtics', '2026-11-15T00:30:00Z'),
  ev('e-bos-mil-next', 'basketball_nba', 'Boston Celtics', 'Milwaukee Bucks', '2026-12-20T00:30:00Z'),
  ev('e-lal-den', 'basketball_nba', 'Denver Nuggets', 'Los Angeles Lakers', '2026-11-15T02:00:00Z'),
  ev('e-lac-den', 'basketball_nba', 'Denver Nuggets', 'Los Angeles Clippers', '2026-11-17T02:00:00Z'),
  ev('e-bos-bruins', 'icehockey_nhl', 'Boston Bruins', 'Montréal Canadiens', '2026-11-15T00:00:00Z'),
];

describe('team-name normalisation', () => {
  it.each([
    ['Montréal Canadiens', 'montreal canadiens'],
    ['St. Louis Blues', 'st louis blues'],
    ['Saint Louis Blues', 'st louis blues'],
    ['St Louis Blues', 'st louis blues'],
    ['Brighton & Hove Albion FC', 'brighton and hove albion'],
    ['AFC Bournemouth', 'bournemouth'],
    ["Nott'm Forest", 'nottm forest'],
    ['  Los   Angeles-Lakers ', 'los angeles lakers'],
    ['FC', 'fc'],
  ])('%s → %s', (raw, want) => {
    expect(normalizeTeamName(raw)).toBe(want);
  });
});

describe('alias tables', () => {
  const counts: Record<string, number> = {
    basketball_nba: 30,
    americanfootball_nfl: 32,
    icehockey_nhl: 32,
    baseball_mlb: 30,
  };

  it.each(DEFAULT_LEAGUES.map((l) => [l.sportKey, l] as const))(
    '%s: builds, full names resolve uniquely to themselves',
    (_, spec) => {
      const league = buildLeague(spec);
      if (counts[spec.sportKey]) expect(spec.teams).toHaveLength(counts[spec.sportKey]!);
      spec.teams.forEach((t, i) => {
        expect(teamsForName(league, t.name)).toEqual([i]);
        for (const c of t.codes) expect(league.byCode.get(c)).toBe(i);
      });
    },
  );

  it('EPL has the 2025-26 clubs with a draw', () => {
    const league = buildLeague(EPL);
    expect(league.draws).toBe(true);
    for (const n of [
      'Arsenal',
      'Sunderland',
      'Burnley',
      'Leeds United',
      'Brighton and Hove Albion',
      'Wolves',
      'Spurs',
    ]) {
      expect(teamsForName(league, n)).toHaveLength(1);
    }
    expect(teamsForName(league, 'Manchester')).toEqual([]);
    expect(teamsForName(league, 'Man City')).not.toEqual(teamsForName(league, 'Man Utd'));
  });

  it('shared spellings are ambiguous, not guessed', () => {
    const nba = buildLeague(NBA);
    expect(teamsForName(nba, 'Los Angeles')).toHaveLength(2);
    expect(teamsForName(nba, 'Los Angeles L')).toHaveLength(1);
    expect(teamsForName(nba, 'LA Clippers')).toHaveLength(1);
  });

  it('rejects a table with a code used twice', () => {
    const bad: LeagueSpec = {
      sportKey: 'x',
      draws: false,
      teams: [
        { name: 'A One', codes: ['AAA'], aliases: [] },
        { name: 'B Two', codes: ['AAA'], aliases: [] },
      ],
    };
    expect(() => buildLeague(bad)).toThrow(/code AAA used by both A One and B Two/);
  });
});

describe('ticker dates', () => {
  it('reads YYMMMDD after the series, with or without a start time after it', () => {
    expect(tickerDate('KXNBAGAME-26NOV14BOSMIL')).toBe('2026-11-14');
    expect(tickerDate('KXMLBGAME-26MAY151910MILMIN')).toBe('2026-05-15');
    expect(tickerDate('KXNBAGAME-26XYZ14BOSMIL')).toBeNull();
    expect(tickerDate('garbage')).toBeNull();
  });

  it('a 7:30 pm ET tip-off is the previous UTC day in New York', () => {
    expect(localDate(Date.parse('2026-11-15T00:30:00Z'), 'America/New_York')).toBe('2026-11-14');
  });
});

describe('matching Kalshi games to Odds API events', () => {
  it('the reference sample: Boston at Milwaukee → Bucks home, Celtics away', () => {
    const r = matched(matchKalshiGame(bosAtMil, nbaSlate));
    expect(r).toMatchObject({
      oddsEventId: 'e-bos-mil',
      sportKey: 'basketball_nba',
      homeTeam: 'Milwaukee Bucks',
      awayTeam: 'Boston Celtics',
      startDiffMs: 0,
      threeWay: false,
    });
    expect(r.markets).toEqual([
      { ticker: 'KXNBAGAME-26NOV14BOSMIL-BOS', outcome: 'Boston Celtics', side: 'away' },
      { ticker: 'KXNBAGAME-26NOV14BOSMIL-MIL', outcome: 'Milwaukee Bucks', side: 'home' },
    ]);
  });

  it('without a start time, the ticker date (US Eastern) picks the game', () => {
    const r = matched(matchKalshiGame({ ...bosAtMil, startTime: null }, nbaSlate));
    expect(r.oddsEventId).toBe('e-bos-mil');
    expect(r.startDiffMs).toBeNull();
  });

  it('"Los Angeles L" and the LAL code pick the Lakers, not the Clippers', () => {
    const r = matched(
      matchKalshiGame(
        {
          eventTicker: 'KXNBAGAME-26NOV14LALDEN',
          title: 'Los Angeles L at Denver',
          markets: [
            { ticker: 'KXNBAGAME-26NOV14LALDEN-LAL', yesSubTitle: 'Los Angeles L' },
            { ticker: 'KXNBAGAME-26NOV14LALDEN-DEN', yesSubTitle: 'Denver' },
          ],
        },
        nbaSlate,
      ),
    );
    expect(r.oddsEventId).toBe('e-lal-den');
    expect(r.markets[0]).toEqual({
      ticker: 'KXNBAGAME-26NOV14LALDEN-LAL',
      outcome: 'Los Angeles Lakers',
      side: 'away',
    });
  });

  it('an ambiguous sub-title with an unknown code is refused', () => {
    const r = matchKalshiGame(
      {
        eventTicker: 'KXNBAGAME-26NOV14LADEN',
        title: 'Los Angeles at Denver',
        markets: [
          { ticker: 'KXNBAGAME-26NOV14LADEN-XLA', yesSubTitle: 'Los Angeles' },
          { ticker: 'KXNBAGAME-26NOV14LADEN-DEN', yesSubTitle: 'Denver' },
        ],
      },
      nbaSlate,
    );
    expect(r).toMatchObject({ kind: 'unmatched', reason: 'ambiguous-team' });
    expect(r.kind === 'unmatched' && r.detail).toMatch(
      /Los Angeles Clippers or Los Angeles Lakers|Los Angeles Lakers or Los Angeles Clippers/,
    );
  });

  it('a code and a sub-title naming different teams is refused', () => {
    const r = matchKalshiGame(
      {
        ...bosAtMil,
        markets: [
          { ticker: 'KXNBAGAME-26NOV14BOSMIL-BOS', yesSubTitle: 'Milwaukee' },
          { ticker: 'KXNBAGAME-26NOV14BOSMIL-MIL', yesSubTitle: 'Milwaukee' },
        ],
      },
      nbaSlate,
    );
    expect(r).toMatchObject({ kind: 'unmatched', reason: 'ambiguous-team' });
  });

  it('unknown teams, unknown series, and a title that contradicts the markets are reported', () => {
    const unknownTeam = matchKalshiGame(
      {
        ...bosAtMil,
        markets: [bosAtMil.markets[0]!, { ticker: 'KXNBAGAME-26NOV14BOSMIL-SEA', yesSubTitle: 'Seattle' }],
      },
      nbaSlate,
    );
    expect(unknownTeam).toMatchObject({ kind: 'unmatched', reason: 'unresolved-team' });
    expect(
      matchKalshiGame(
        { ...bosAtMil, eventTicker: 'KXFOOGAME-26NOV14AB', seriesTicker: 'KXFOOGAME' },
        nbaSlate,
      ),
    ).toMatchObject({
      kind: 'unmatched',
      reason: 'unknown-sport',
    });
    // Esports is in the catalogue, with no books: a reason of its own.
    expect(
      matchKalshiGame(
        { ...bosAtMil, eventTicker: 'KXCS2GAME-26NOV14AB', seriesTicker: 'KXCS2GAME' },
        nbaSlate,
      ),
    ).toMatchObject({
      kind: 'unmatched',
      reason: 'no-odds-source',
    });
    expect(matchKalshiGame({ ...bosAtMil, title: 'Boston at Denver' }, nbaSlate)).toMatchObject({
      kind: 'unmatched',
      reason: 'title-mismatch',
    });
  });

  it('a series named like an Object.prototype member is just unknown', () => {
    for (const series of ['constructor', '__proto__', 'toString']) {
      expect(matchKalshiGame({ ...bosAtMil, seriesTicker: series }, nbaSlate)).toMatchObject({
        reason: 'unknown-sport',
      });
    }
  });

  it('needs exactly one market per team', () => {
    expect(matchKalshiGame({ ...bosAtMil, markets: [bosAtMil.markets[0]!] }, nbaSlate)).toMatchObject({
      reason: 'bad-markets',
    });
    expect(
      matchKalshiGame({ ...bosAtMil, markets: [bosAtMil.markets[0]!, bosAtMil.markets[0]!] }, nbaSlate),
    ).toMatchObject({ reason: 'bad-markets' });
  });

  it('no Odds API event for the pair, or only on another date, is reported with the candidates', () => {
    expect(matchKalshiGame(bosAtMil, nbaSlate.slice(2))).toMatchObject({
      kind: 'unmatched',
      reason: 'no-candidate',
    });
    const r = matchKalshiGame({ ...bosAtMil, startTime: Date.parse('2026-11-16T00:30:00Z') }, nbaSlate);
    expect(r).toMatchObject({
      kind: 'unmatched',
      reason: 'start-time-mismatch',
      candidates: ['e-bos-mil', 'e-bos-mil-next'],
    });
  });

  it('an Odds API event with an unrepresentable start is skipped, not a crash', () => {
    const broken = { ...nbaSlate[0]!, id: 'far', commence_time: 1e15 };
    const r = matchKalshiGame({ ...bosAtMil, startTime: null }, [broken, nbaSlate[0]!]);
    expect(r).toMatchObject({ kind: 'matched', oddsEventId: 'e-bos-mil' });
  });

  it('the sport must match: the Boston Bruins are not the Boston Celtics', () => {
    const r = matchKalshiGame(
      bosAtMil,
      nbaSlate.filter((e) => e.sport_key === 'icehockey_nhl'),
    );
    expect(r).toMatchObject({ kind: 'unmatched', reason: 'no-candidate' });
  });

  it('NHL quirks: "St Louis Blues", accents, the renamed Utah club', () => {
    const nhl = [
      ev('e1', 'icehockey_nhl', 'St Louis Blues', 'Montréal Canadiens', '2026-11-15T01:00:00Z'),
      ev('e2', 'icehockey_nhl', 'Utah Hockey Club', 'Vegas Golden Knights', '2026-11-15T02:00:00Z'),
    ];
    const a = matched(
      matchKalshiGame(
        {
          eventTicker: 'KXNHLGAME-26NOV14MTLSTL',
          title: 'Montreal at St. Louis',
          markets: [
            { ticker: 'KXNHLGAME-26NOV14MTLSTL-MTL', yesSubTitle: 'Montreal' },
            { ticker: 'KXNHLGAME-26NOV14MTLSTL-STL', yesSubTitle: 'St. Louis' },
          ],
        },
        nhl,
      ),
    );
    expect(a.markets.map((m) => m.outcome)).toEqual(['Montréal Canadiens', 'St Louis Blues']);
    const b = matched(
      matchKalshiGame(
        {
          eventTicker: 'KXNHLGAME-26NOV14VGKUTA',
          title: 'Vegas at Utah',
          markets: [
            { ticker: 'KXNHLGAME-26NOV14VGKUTA-VGK', yesSubTitle: 'Vegas' },
            { ticker: 'KXNHLGAME-26NOV14VGKUTA-UTA', yesSubTitle: 'Utah' },
          ],
        },
        nhl,
      ),
    );
    expect(b.markets[1]).toEqual({
      ticker: 'KXNHLGAME-26NOV14VGKUTA-UTA',
      outcome: 'Utah Hockey Club',
      side: 'home',
    });
  });

  describe('soccer: 3-way with the TIE market', () => {
    const epl = [ev('s1', 'soccer_epl', 'Arsenal', 'Brighton and Hove Albion', '2026-01-24T15:00:00Z')];
    const game: KalshiGame = {
      eventTicker: 'KXEPLGAME-26JAN24BHAARS',
      title: 'Brighton vs Arsenal',
      markets: [
        { ticker: 'KXEPLGAME-26JAN24BHAARS-BHA', yesSubTitle: 'Brighton' },
        { ticker: 'KXEPLGAME-26JAN24BHAARS-ARS', yesSubTitle: 'Arsenal' },
        { ticker: 'KXEPLGAME-26JAN24BHAARS-TIE', yesSubTitle: 'Tie' },
      ],
    };

    it('maps TIE to the Draw outcome', () => {
      const r = matched(matchKalshiGame(game, epl));
      expect(r.threeWay).toBe(true);
      expect(r.markets).toEqual([
        { ticker: 'KXEPLGAME-26JAN24BHAARS-BHA', outcome: 'Brighton and Hove Albion', side: 'away' },
        { ticker: 'KXEPLGAME-26JAN24BHAARS-ARS', outcome: 'Arsenal', side: 'home' },
        { ticker: 'KXEPLGAME-26JAN24BHAARS-TIE', outcome: 'Draw', side: 'draw' },
      ]);
    });

    it('a soccer event without TIE maps its two winner markets, not exhaustive (a draw pays neither YES)', () => {
      const r = matched(matchKalshiGame({ ...game, markets: game.markets.slice(0, 2) }, epl));
      expect(r.threeWay).toBe(true);
      expect(r.exhaustive).toBe(false);
      expect(r.markets.map((m) => m.side)).toEqual(['away', 'home']);
      expect(matched(matchKalshiGame(game, epl)).exhaustive).toBe(true);
    });

    it('a US game with a TIE market is an outcome mismatch', () => {
      const withTie = {
        ...bosAtMil,
        markets: [...bosAtMil.markets, { ticker: 'KXNBAGAME-26NOV14BOSMIL-TIE', yesSubTitle: 'Tie' }],
      };
      expect(matchKalshiGame(withTie, nbaSlate)).toMatchObject({ reason: 'outcome-mismatch' });
    });

    it('a TIE ticker titled as a team is refused', () => {
      const odd = {
        ...game,
        markets: [
          game.markets[0]!,
          game.markets[1]!,
          { ticker: 'KXEPLGAME-26JAN24BHAARS-TIE', yesSubTitle: 'Arsenal' },
        ],
      };
      expect(matchKalshiGame(odd, epl)).toMatchObject({ reason: 'ambiguous-team' });
    });
  });

  describe('doubleheaders', () => {
    const mlb = [
      ev('g1', 'baseball_mlb', 'New York Yankees', 'Boston Red Sox', '2026-05-15T17:05:00Z'),
      ev('g2', 'baseball_mlb', 'New York Yankees', 'Boston Red Sox', '2026-05-15T23:05:00Z'),
    ];
    const game: KalshiGame = {
      eventTicker: 'KXMLBGAME-26MAY151905BOSNYY',
      title: 'Boston at New York Y',
      markets: [
        { ticker: 'KXMLBGAME-26MAY151905BOSNYY-BOS', yesSubTitle: 'Boston' },
        { ticker: 'KXMLBGAME-26MAY151905BOSNYY-NYY', yesSubTitle: 'New York Y' },
      ],
    };

    it('two games the same day without a start time are ambiguous', () => {
      expect(matchKalshiGame(game, mlb)).toMatchObject({
        kind: 'unmatched',
        reason: 'ambiguous-event',
        candidates: ['g1', 'g2'],
      });
    });

    it('a start time within minutes of one of them picks that one', () => {
      const r = matched(matchKalshiGame({ ...game, startTime: Date.parse('2026-05-15T23:05:00Z') }, mlb));
      expect(r.oddsEventId).toBe('g2');
      expect(r.markets.map((m) => m.outcome)).toEqual(['Boston Red Sox', 'New York Yankees']);
    });

    it('a start time between them, near neither, is ambiguous', () => {
      const config = { ...DEFAULT_MAPPING_CONFIG, startToleranceMs: 8 * 3_600_000 };
      const r = matchKalshiGame({ ...game, startTime: Date.parse('2026-05-15T20:05:00Z') }, mlb, config);
      expect(r).toMatchObject({ reason: 'ambiguous-event' });
    });
  });

  it('two Kalshi events claiming one Odds API event are both refused', () => {
    const copy = { ...bosAtMil, eventTicker: 'KXNBAGAME-26NOV14BOSMILX' };
    const rs = matchKalshiGames(
      [
        bosAtMil,
        copy,
        {
          ...bosAtMil,
          eventTicker: 'KXNBAGAME-26NOV14LALDEN',
          title: 'Los Angeles L at Denver',
          markets: [
            { ticker: 'KXNBAGAME-26NOV14LALDEN-LAL', yesSubTitle: 'Los Angeles L' },
            { ticker: 'KXNBAGAME-26NOV14LALDEN-DEN', yesSubTitle: 'Denver' },
          ],
          startTime: Date.parse('2026-11-15T02:00:00Z'),
        },
      ],
      nbaSlate,
    );
    expect(rs.map((r) => (r.kind === 'matched' ? r.oddsEventId : r.reason))).toEqual([
      'duplicate-mapping',
      'duplicate-mapping',
      'e-lal-den',
    ]);
  });
});

describe('mapping properties', () => {
  const leagues = buildLeagues();

  it('a game built from any two teams of a league maps every market to its own team, among a full slate', () => {
    const leagueArb = fc.constantFrom(...DEFAULT_LEAGUES);
    fc.assert(
      fc.property(
        leagueArb.chain((spec) =>
          fc.tuple(
            fc.constant(spec),
            fc.uniqueArray(fc.integer({ min: 0, max: spec.teams.length - 1 }), {
              minLength: 2,
              maxLength: 2,
            }),
            fc.boolean(),
            fc.integer({ min: 0, max: 10 }),
          ),
        ),
        ([spec, [a, b], awayFirstInTicker, decoys]) => {
          const home = spec.teams[a!]!;
          const away = spec.teams[b!]!;
          const start = Date.parse('2026-03-10T23:00:00Z');
          // A slate: the game plus decoys involving one of the two teams on other days.
          const slate = [ev('target', spec.sportKey, home.name, away.name, new Date(start).toISOString())];
          for (let d = 1; d <= decoys; d++) {
            const other = spec.teams[(a! + d) % spec.teams.length]!;
            if (other.name === away.name) continue;
            slate.push(
              ev(
                `decoy${d}`,
                spec.sportKey,
                home.name,
                other.name,
                new Date(start + d * 86_400_000).toISOString(),
              ),
            );
          }
          const [c1, c2] = [away.codes[0]!, home.codes[0]!];
          const et = `KX-26MAR10${awayFirstInTicker ? c1 + c2 : c2 + c1}`;
          const markets = [
            { ticker: `${et}-${c1}`, yesSubTitle: away.aliases[0] ?? away.name },
            { ticker: `${et}-${c2}`, yesSubTitle: home.aliases[0] ?? home.name },
            ...(spec.draws ? [{ ticker: `${et}-TIE`, yesSubTitle: 'Tie' }] : []),
          ];
          const config = { ...DEFAULT_MAPPING_CONFIG, seriesToSport: { KX: spec.sportKey }, leagues };
          const r = matchKalshiGame(
            { eventTicker: et, title: `${away.name} at ${home.name}`, markets, startTime: start },
            slate,
            config,
          );
          const m = matched(r);
          expect(m.oddsEventId).toBe('target');
          expect(m.markets.find((x) => x.ticker.endsWith(`-${c1}`))).toMatchObject({
            outcome: away.name,
            side: 'away',
          });
          expect(m.markets.find((x) => x.ticker.endsWith(`-${c2}`))).toMatchObject({
            outcome: home.name,
            side: 'home',
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('against the simulator world (sim/scenarios/nba-quiet-evening.json)', () => {
  it('every simulated Kalshi game maps to its own Odds API event and outcomes', () => {
    const input = JSON.parse(
      readFileSync(new URL('../../../sim/scenarios/nba-quiet-evening.json', import.meta.url), 'utf8'),
    ) as ScenarioInput;
    const start = Date.parse('2026-01-20T23:00:00Z');
    const sc = parseScenario({ ...input, start: new Date(start).toISOString() });
    const world = buildWorld(sc, { seed: sc.seed, startMs: start });
    const key = '0123456789abcdef0123456789abcdef';
    const res = handleOddsRequest(
      createOddsApiState(world, key),
      'GET',
      new URL(`http://sim/v4/sports/basketball_nba/events?apiKey=${key}`),
      start,
      start,
    );
    const events = EventsResponseSchema.parse(res.body);
    const results = matchKalshiGames(
      world.games.map((g) => ({
        eventTicker: g.eventTicker,
        title: g.title,
        markets: g.markets.map((m) => ({ ticker: m.ticker, yesSubTitle: m.yesSubTitle })),
      })),
      events,
    );
    expect(results).toHaveLength(world.games.length);
    results.forEach((r, i) => {
      const g = world.games[i]!;
      const m = matched(r);
      expect(m.oddsEventId).toBe(g.oddsEventId);
      for (const sm of g.markets) {
        const mm = m.markets.find((x) => x.ticker === sm.ticker)!;
        expect(mm.side).toBe(sm.outcome);
        if (sm.outcome !== 'draw') expect(mm.outcome).toBe(g.game[sm.outcome].name);
      }
    });
  });
});
