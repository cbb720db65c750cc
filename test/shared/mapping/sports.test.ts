import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEngineConfig } from '../../../shared/config/engine-config.ts';
import { mappingConfigWith, matchKalshiGame } from '../../../shared/mapping/match.ts';
import { gameSettlement, readSettlement } from '../../../shared/mapping/settlement.ts';
import {
  acceptsOddsKey,
  activeOddsKeys,
  DEFAULT_SPORT_CATALOGUE,
  discoverSeries,
  engineSportsOf,
  SportCatalogueSchema,
  sportOfSeries,
} from '../../../shared/mapping/sports.ts';
import { type Sport, SportsResponseSchema } from '../../../shared/odds/schemas.ts';
import { DEFAULT_LIMITS, sportLimit } from '../../../shared/risk/limits.ts';

const sample = SportsResponseSchema.parse(
  JSON.parse(
    readFileSync(
      join(import.meta.dirname, '../../../../shared/reference/odds-api/samples/sports.json'),
      'utf8',
    ),
  ),
);
const sport = (key: string, active = true, outrights = false): Sport => ({
  key,
  group: 'x',
  title: key,
  description: key,
  active,
  has_outrights: outrights,
});

/** Every game-winner series of reference/kalshi/API.md §8.2. */
const SERIES_8_2 = [
  'KXNFLGAME',
  'KXNBAGAME',
  'KXMLBGAME',
  'KXNHLGAME',
  'KXWNBAGAME',
  'KXNCAAFGAME',
  'KXNCAAMBGAME',
  'KXNCAABGAME',
  'KXNCAAWBGAME',
  'KXEPLGAME',
  'KXUCLGAME',
  'KXLALIGAGAME',
  'KXSERIEAGAME',
  'KXBUNDESLIGAGAME',
  'KXLIGUE1GAME',
  'KXMLSGAME',
  'KXLIGAMXGAME',
  'KXATPMATCH',
  'KXWTAMATCH',
  'KXATPCHALLENGERMATCH',
  'KXWTACHALLENGERMATCH',
  'KXITFMATCH',
  'KXITFWMATCH',
  'KXUFCFIGHT',
  'KXBOXING',
  'KXCS2GAME',
  'KXLOLGAME',
  'KXVALORANTGAME',
  'KXDOTA2GAME',
  'KXCODGAME',
  'KXAHLGAME',
  'KXKHLGAME',
  'KXEUROLEAGUEGAME',
  'KXAFLGAME',
  'KXT20MATCH',
];

describe('the sport catalogue', () => {
  it('covers every game-winner series of the reference, each in one sport', () => {
    for (const s of SERIES_8_2) expect(sportOfSeries(DEFAULT_SPORT_CATALOGUE, s), s).toBeDefined();
  });

  it('every sport has its own limit constants (none falls back to the default by accident)', () => {
    for (const e of DEFAULT_SPORT_CATALOGUE) expect(Object.keys(DEFAULT_LIMITS.sports), e.id).toContain(e.id);
  });

  it('refuses a series listed under two sports, and a sport listed twice', () => {
    const one = DEFAULT_SPORT_CATALOGUE[0]!;
    expect(SportCatalogueSchema.safeParse([one, { ...one, id: 'other' }]).success).toBe(false);
    expect(SportCatalogueSchema.safeParse([one, { ...one, series: ['KXOTHER'] }]).success).toBe(false);
  });

  it('tennis follows the active tournament keys from /v4/sports; outrights and other tours are not taken', () => {
    const atp = sportOfSeries(DEFAULT_SPORT_CATALOGUE, 'KXATPMATCH')!;
    expect(activeOddsKeys(atp, sample)).toEqual(['tennis_atp_australian_open']);
    const list = [
      sport('tennis_atp_french_open'),
      sport('tennis_atp_us_open', false),
      sport('tennis_atp_qatar_open'),
      sport('tennis_wta_french_open'),
      sport('tennis_atp_'),
      sport('tennis_atp_french_open_winner', true, true),
    ];
    expect(activeOddsKeys(atp, list)).toEqual(['tennis_atp_french_open', 'tennis_atp_qatar_open']);
    expect(acceptsOddsKey(atp, 'tennis_wta_french_open')).toBe(false);
  });

  it('fixed keys: active in the list or nothing to poll; no source: never', () => {
    const nba = sportOfSeries(DEFAULT_SPORT_CATALOGUE, 'KXNBAGAME')!;
    expect(activeOddsKeys(nba, sample)).toEqual(['basketball_nba']);
    const mlb = sportOfSeries(DEFAULT_SPORT_CATALOGUE, 'KXMLBGAME')!;
    expect(activeOddsKeys(mlb, sample)).toEqual([]); // out of season in the sample
    const esports = sportOfSeries(DEFAULT_SPORT_CATALOGUE, 'KXCS2GAME')!;
    expect(activeOddsKeys(esports, [sport('esports_cs2')])).toEqual([]);
  });

  it('engine sports from the catalogue and /v4/sports: one entry per sport with an active key', () => {
    const s = engineSportsOf(DEFAULT_SPORT_CATALOGUE, sample);
    expect(s.nba).toEqual({ series: ['KXNBAGAME'], oddsSportKey: 'basketball_nba', extraOddsSportKeys: [] });
    expect(s.atp?.oddsSportKey).toBe('tennis_atp_australian_open');
    expect(s.ncaamb?.series).toEqual(['KXNCAAMBGAME', 'KXNCAABGAME']);
    expect(s.esports).toBeUndefined();
    expect(s.mlb).toBeUndefined();
  });

  it('discovery: GET /series sorted into known sports and the rest (props, spreads, new leagues)', () => {
    const d = discoverSeries(DEFAULT_SPORT_CATALOGUE, [
      { ticker: 'KXNBAGAME', category: 'Sports' },
      { ticker: 'KXNBASPREAD', category: 'Sports' },
      { ticker: 'KXATPMATCH', category: 'Sports' },
      { ticker: 'KXFED', category: 'Economics' },
      { ticker: 'KXCS2GAME', category: 'Sports' },
    ]);
    expect([...d.known.entries()]).toEqual([
      ['nba', ['KXNBAGAME']],
      ['atp', ['KXATPMATCH']],
      ['esports', ['KXCS2GAME']],
    ]);
    expect(d.unknown).toEqual(['KXNBASPREAD']);
  });
});

describe('settlement: what a market may settle at', () => {
  it('plain result rules are binary', () => {
    expect(readSettlement('If Boston wins the game, the market resolves to Yes.').kind).toBe('binary');
    expect(readSettlement(undefined).kind).toBe('binary');
  });
  it('voids, cancellations and retirements are void-refund', () => {
    expect(readSettlement('If the fight is cancelled, the market will be voided.').kind).toBe('void-refund');
    expect(readSettlement('If a player retires, the player who advances wins.').kind).toBe('void-refund');
    expect(readSettlement('A walkover resolves to the advancing player.').kind).toBe('void-refund');
  });
  it('fair prices, last traded prices and 50¢ are non-binary; the worst reading of a game wins', () => {
    expect(readSettlement('the market resolves to a fair price determined by Kalshi').kind).toBe(
      'non-binary',
    );
    expect(readSettlement('settles at the last traded price').kind).toBe('non-binary');
    expect(readSettlement('If cancelled, each contract settles at $0.50.').kind).toBe('non-binary');
    expect(gameSettlement(['If the fight is cancelled it is void.', 'fair value']).kind).toBe('non-binary');
  });
});

describe('per-sport limits follow the design order', () => {
  const cap = (id: string) => sportLimit(DEFAULT_LIMITS, id).cap;
  it('major leagues loosest, then second-tier, then niche/insider-prone and boxing tightest', () => {
    for (const major of ['nba', 'nfl', 'mlb', 'nhl', 'epl'])
      for (const mid of ['wnba', 'ncaamb', 'ncaaf', 'laliga', 'atp', 'wta', 'ufc'])
        expect(cap(major), `${major} > ${mid}`).toBeGreaterThan(cap(mid));
    for (const mid of ['wnba', 'ncaamb', 'laliga', 'atp', 'ufc'])
      for (const niche of ['esports', 'college_baseball', 'tennis_challenger', 'boxing'])
        expect(cap(mid), `${mid} > ${niche}`).toBeGreaterThan(cap(niche));
  });
});

describe('a sport with no limits entry', () => {
  it('gets the third tier, never the majors', () => {
    expect(sportLimit(DEFAULT_LIMITS, 'some_new_league')).toEqual(sportLimit(DEFAULT_LIMITS, 'ufc'));
    expect(sportLimit(DEFAULT_LIMITS, 'some_new_league').cap).toBeLessThan(
      sportLimit(DEFAULT_LIMITS, 'nba').cap,
    );
  });
});

describe('the catalogue is configurable (engine config `sportCatalogue`)', () => {
  const withCs2 = DEFAULT_SPORT_CATALOGUE.map((e) =>
    e.id === 'esports' ? { ...e, odds: { kind: 'keys' as const, keys: ['esports_cs2'] } } : e,
  );
  const game = {
    eventTicker: 'KXCS2GAME-26JUL111900SHKPAIN',
    title: 'Sharks vs paiN Gaming',
    startTime: Date.parse('2026-07-11T23:00:00Z'),
    markets: [
      { ticker: 'KXCS2GAME-26JUL111900SHKPAIN-SHK', yesSubTitle: 'Sharks' },
      { ticker: 'KXCS2GAME-26JUL111900SHKPAIN-PAIN', yesSubTitle: 'paiN Gaming' },
    ],
  };
  const events = [
    {
      id: 'cs1',
      sport_key: 'esports_cs2',
      commence_time: '2026-07-11T23:00:00Z',
      home_team: 'paiN Gaming',
      away_team: 'Sharks Esports',
    },
    {
      id: 'cs2',
      sport_key: 'esports_cs2',
      commence_time: '2026-07-11T23:00:00Z',
      home_team: 'paiN Gaming',
      away_team: 'Sharks',
    },
  ];

  it('a parsed config carries it; a bad one names the field', () => {
    const config = parseEngineConfig({ sportCatalogue: withCs2 });
    expect(sportOfSeries(config.sportCatalogue!, 'KXCS2GAME')?.odds).toEqual({
      kind: 'keys',
      keys: ['esports_cs2'],
    });
    expect(() => parseEngineConfig({ sportCatalogue: [...withCs2, withCs2[0]] })).toThrow(/sportCatalogue/);
    expect(parseEngineConfig({}).sportCatalogue).toBeUndefined();
  });

  it('the mapper follows it: esports with a configured source maps, by default it has none', () => {
    expect(matchKalshiGame(game, events)).toMatchObject({ reason: 'no-odds-source' });
    const r = matchKalshiGame(game, events, mappingConfigWith(withCs2));
    expect(r).toMatchObject({ kind: 'matched', oddsEventId: 'cs2' });
  });
});
