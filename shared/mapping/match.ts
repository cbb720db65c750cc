/**
 * Kalshi game event ↔ Odds API event. A Kalshi game ("Boston at Milwaukee",
 * markets `…-BOS`/`…-MIL` with `yes_sub_title` "Boston"/"Milwaukee", soccer
 * adding `…-TIE`) is matched on (sport, unordered team pair, start time) to
 * exactly one Odds API event, and each Kalshi market to one Odds API outcome
 * name (the team's full name as that event writes it, or "Draw").
 *
 * Unmatched or ambiguous is reported with a reason, never guessed: a wrong
 * mapping prices one team's market with the other team's probability.
 */
import { type OddsApiEvent, oddsTimeToMs } from '../odds/schemas.ts';
import { matchOpenGame, titleSides } from './match-open.ts';
import { normalizeTeamName } from './normalize.ts';
import { gameSettlement } from './settlement.ts';
import {
  acceptsOddsKey,
  DEFAULT_SPORT_CATALOGUE,
  type SportCatalogue,
  type SportEntry,
  sportOfSeries,
} from './sports.ts';
import { pickByStart } from './start-window.ts';
import { buildLeagues, type LeagueTable, teamsForName } from './teams.ts';

export { localDate, tickerDate } from './start-window.ts';

/** What the mapper needs from a Kalshi event (build it from the Kalshi REST event + markets). */
export interface KalshiGame {
  /** e.g. `KXNBAGAME-26NOV14BOSMIL` */
  eventTicker: string;
  /** e.g. `KXNBAGAME`; taken from the event ticker when absent */
  seriesTicker?: string;
  /** e.g. "Boston at Milwaukee" */
  title: string;
  /** game start (epoch ms) when known, e.g. from the event's milestone `start_date` */
  startTime?: number | null;
  /** `rules`: the market's rules text (rules_primary + rules_secondary), read for void/non-binary settlement */
  markets: readonly { ticker: string; yesSubTitle: string; rules?: string }[];
}

export type OutcomeSide = 'home' | 'away' | 'draw';

export interface MarketMapping {
  ticker: string;
  /** the Odds API outcome name: the event's home_team / away_team string, or "Draw" */
  outcome: string;
  side: OutcomeSide;
}

export const UNMATCHED_REASONS = [
  'unknown-sport',
  'bad-markets',
  'unresolved-team',
  'ambiguous-team',
  'outcome-mismatch',
  'title-mismatch',
  'no-start-time',
  'no-candidate',
  'start-time-mismatch',
  'ambiguous-event',
  'duplicate-mapping',
  /** the sport's books do not exist (esports, challenger tennis): never quoted */
  'no-odds-source',
  /** a market may settle between 0 and 1 (fair price, last traded price): not quoted */
  'non-binary-settlement',
] as const;
export type UnmatchedReason = (typeof UNMATCHED_REASONS)[number];

export type MatchResult =
  | {
      kind: 'matched';
      eventTicker: string;
      sportKey: string;
      oddsEventId: string;
      homeTeam: string;
      awayTeam: string;
      commenceTime: number;
      /** commence − Kalshi start, when Kalshi gave a start time */
      startDiffMs: number | null;
      /** the book has a draw (3-way moneyline) */
      threeWay: boolean;
      /**
       * The markets cover every outcome of the book. False for a 3-way book
       * without a TIE market: the winner markets are not exhaustive (a draw
       * pays neither YES), so their theos are the 3-way probabilities as they
       * are, and the game's risk has an implicit "draw" outcome.
       */
      exhaustive: boolean;
      markets: MarketMapping[];
    }
  | {
      kind: 'unmatched';
      eventTicker: string;
      reason: UnmatchedReason;
      detail: string;
      /** Odds API event ids that were considered and rejected, for the operator */
      candidates: string[];
    };

export interface MappingConfig {
  /** Kalshi series → Odds API sport key (explicit; wins over the catalogue) */
  seriesToSport: Readonly<Record<string, string>>;
  /** every other series: the sport catalogue (shared/mapping/sports.ts) */
  catalogue?: SportCatalogue;
  leagues: ReadonlyMap<string, LeagueTable>;
  /** with a Kalshi start time: accept Odds API commence times this close */
  startToleranceMs: number;
  /** two candidates in tolerance (doubleheader): the one this close wins if it is the only one */
  exactStartToleranceMs: number;
  /** the time zone of the date in Kalshi event tickers */
  tickerTimeZone: string;
}

export const DEFAULT_SERIES_TO_SPORT: Readonly<Record<string, string>> = {
  KXNBAGAME: 'basketball_nba',
  KXNFLGAME: 'americanfootball_nfl',
  KXNHLGAME: 'icehockey_nhl',
  KXMLBGAME: 'baseball_mlb',
  KXEPLGAME: 'soccer_epl',
};

const HOUR = 3_600_000;

export const DEFAULT_MAPPING_CONFIG: MappingConfig = {
  seriesToSport: DEFAULT_SERIES_TO_SPORT,
  catalogue: DEFAULT_SPORT_CATALOGUE,
  leagues: buildLeagues(),
  startToleranceMs: 3 * HOUR,
  exactStartToleranceMs: 15 * 60_000,
  tickerTimeZone: 'America/New_York',
};

/** The mapping config with another sport catalogue (engine config `sportCatalogue`), or the default. */
export function mappingConfigWith(catalogue: SportCatalogue | undefined): MappingConfig {
  return catalogue ? { ...DEFAULT_MAPPING_CONFIG, catalogue } : DEFAULT_MAPPING_CONFIG;
}

const DRAW_SPELLINGS = new Set(['tie', 'draw']);

type Resolved =
  | { kind: 'team'; team: number }
  | { kind: 'draw' }
  | { kind: 'error'; reason: UnmatchedReason; detail: string };

function resolveMarket(league: LeagueTable, market: { ticker: string; yesSubTitle: string }): Resolved {
  const code = market.ticker.slice(market.ticker.lastIndexOf('-') + 1).toUpperCase();
  const spelled = normalizeTeamName(market.yesSubTitle);
  const drawCode = code === 'TIE';
  const drawName = DRAW_SPELLINGS.has(spelled);
  if (drawCode || drawName) {
    if (drawCode && !drawName && teamsForName(league, market.yesSubTitle).length > 0) {
      return {
        kind: 'error',
        reason: 'ambiguous-team',
        detail: `${market.ticker}: a TIE market titled "${market.yesSubTitle}"`,
      };
    }
    if (drawName && !drawCode && league.byCode.has(code)) {
      return {
        kind: 'error',
        reason: 'ambiguous-team',
        detail: `${market.ticker}: team code ${code} titled "${market.yesSubTitle}"`,
      };
    }
    return { kind: 'draw' };
  }
  const byCode = league.byCode.get(code);
  const byName = teamsForName(league, market.yesSubTitle);
  const name = (i: number) => league.teams[i]!.name;
  if (byCode !== undefined) {
    if (byName.length > 0 && !byName.includes(byCode)) {
      return {
        kind: 'error',
        reason: 'ambiguous-team',
        detail: `${market.ticker}: code ${code} is ${name(byCode)} but "${market.yesSubTitle}" is ${byName.map(name).join(' / ')}`,
      };
    }
    return { kind: 'team', team: byCode };
  }
  if (byName.length === 1) return { kind: 'team', team: byName[0]! };
  if (byName.length > 1) {
    return {
      kind: 'error',
      reason: 'ambiguous-team',
      detail: `${market.ticker}: "${market.yesSubTitle}" could be ${byName.map(name).join(' or ')}`,
    };
  }
  return {
    kind: 'error',
    reason: 'unresolved-team',
    detail: `${market.ticker}: neither code ${code} nor "${market.yesSubTitle}" is a known ${league.sportKey} team`,
  };
}

/** A league entry's one table key (a league is never keyed per tournament). */
function leagueKeyOf(entry: SportEntry): string | undefined {
  return entry.odds.kind === 'keys' ? entry.odds.keys[0] : undefined;
}

/** The unmatched result for one game: its reason, what was wrong, and the events that nearly matched. */
export function unmatchedFor(game: Pick<KalshiGame, 'eventTicker'>) {
  return (reason: UnmatchedReason, detail: string, candidates: string[] = []): MatchResult => ({
    kind: 'unmatched',
    eventTicker: game.eventTicker,
    reason,
    detail,
    candidates,
  });
}

/** Match one Kalshi game against the Odds API events on offer. */
export function matchKalshiGame(
  game: KalshiGame,
  oddsEvents: readonly OddsApiEvent[],
  config: MappingConfig = DEFAULT_MAPPING_CONFIG,
): MatchResult {
  const unmatched = unmatchedFor(game);

  const series = game.seriesTicker ?? game.eventTicker.split('-')[0] ?? '';
  const explicit = Object.hasOwn(config.seriesToSport, series) ? config.seriesToSport[series] : undefined;
  const entry = explicit ? undefined : sportOfSeries(config.catalogue ?? [], series);
  if (!explicit && !entry)
    return unmatched('unknown-sport', `series ${series} has no Odds API sport configured`);
  if (entry?.odds.kind === 'none') {
    return unmatched('no-odds-source', `series ${series} (${entry.label}): ${entry.odds.why}`);
  }
  // A market that may settle between 0 and 1 has no book price: not quoted (settlement.ts).
  const settlement = gameSettlement(game.markets.map((m) => m.rules));
  if (settlement.kind === 'non-binary') {
    return unmatched('non-binary-settlement', `rules say "${settlement.phrase}": may settle other than 0/1`);
  }
  if (entry && entry.family !== 'league') {
    return matchOpenGame(game, oddsEvents, { ...entry, family: entry.family }, config);
  }
  const sportKey = explicit ?? leagueKeyOf(entry!);
  if (!sportKey) return unmatched('unknown-sport', `series ${series}: a league needs a fixed Odds API key`);
  const league = config.leagues.get(sportKey);
  if (!league) return unmatched('unknown-sport', `no team table for ${sportKey}`);
  const acceptsKey = (key: string) => key === sportKey || (entry !== undefined && acceptsOddsKey(entry, key));

  // Each market → one team or the draw.
  const tickers = new Set<string>();
  const teamMarkets: { ticker: string; team: number }[] = [];
  const drawMarkets: string[] = [];
  for (const m of game.markets) {
    if (tickers.has(m.ticker)) return unmatched('bad-markets', `market ${m.ticker} listed twice`);
    tickers.add(m.ticker);
    const r = resolveMarket(league, m);
    if (r.kind === 'error') return unmatched(r.reason, r.detail);
    if (r.kind === 'draw') drawMarkets.push(m.ticker);
    else teamMarkets.push({ ticker: m.ticker, team: r.team });
  }
  const teamSet = new Set(teamMarkets.map((t) => t.team));
  if (teamMarkets.length !== 2 || teamSet.size !== 2) {
    return unmatched(
      'bad-markets',
      `need one market for each of two teams, got ${teamMarkets.length} team market(s) for ${teamSet.size} team(s)`,
    );
  }
  if (drawMarkets.length > 1) return unmatched('bad-markets', `${drawMarkets.length} tie markets`);
  // A 3-way book without a TIE market is fine (the winner markets are not exhaustive); a TIE market on a 2-way book is not.
  if (!league.draws && drawMarkets.length === 1) {
    return unmatched('outcome-mismatch', `${sportKey} is priced 2-way but the event has a TIE market`);
  }

  // The title, when both sides resolve, must name the same two teams.
  const sides = titleSides(game.title);
  if (sides) {
    const resolved = sides.map((s) => teamsForName(league, s));
    if (resolved.every((r) => r.length === 1)) {
      const titled = new Set(resolved.map((r) => r[0]!));
      if (titled.size !== 2 || ![...titled].every((t) => teamSet.has(t))) {
        return unmatched('title-mismatch', `title "${game.title}" names other teams than the markets`);
      }
    }
  }

  // Candidates: same sport, same unordered pair.
  const names = (i: number) => league.teams[i]!.name;
  const resolveOdds = (n: string) => {
    const r = teamsForName(league, n);
    return r.length === 1 ? r[0]! : null;
  };
  const pairMatches = oddsEvents.filter((e) => {
    if (!acceptsKey(e.sport_key) || !Number.isFinite(oddsTimeToMs(e.commence_time))) return false;
    const h = resolveOdds(e.home_team);
    const a = resolveOdds(e.away_team);
    return h !== null && a !== null && h !== a && teamSet.has(h) && teamSet.has(a);
  });
  const pairLabel = [...teamSet].map(names).join(' v ');
  if (pairMatches.length === 0) {
    const unknown = oddsEvents
      .filter((e) => acceptsKey(e.sport_key))
      .flatMap((e) => [e.home_team, e.away_team])
      .filter((n) => resolveOdds(n) === null);
    const hint =
      unknown.length > 0
        ? `; Odds API names not in the table: ${[...new Set(unknown)].slice(0, 5).join(', ')}`
        : '';
    return unmatched('no-candidate', `no ${sportKey} event for ${pairLabel}${hint}`);
  }

  // Start time: Kalshi's own start when given, else the ticker's calendar date.
  const pick = pickByStart(game.eventTicker, game.startTime, pairMatches, config, pairLabel);
  if (!pick.ok) return unmatched(pick.reason, pick.detail, pick.candidates);
  const chosen = pick.event;
  const start = game.startTime ?? null;
  const commence = (e: OddsApiEvent) => oddsTimeToMs(e.commence_time);

  const homeIdx = resolveOdds(chosen.home_team)!;
  const markets: MarketMapping[] = [
    ...teamMarkets.map((t) =>
      t.team === homeIdx
        ? { ticker: t.ticker, outcome: chosen.home_team, side: 'home' as const }
        : { ticker: t.ticker, outcome: chosen.away_team, side: 'away' as const },
    ),
    ...drawMarkets.map((ticker) => ({ ticker, outcome: 'Draw', side: 'draw' as const })),
  ];
  return {
    kind: 'matched',
    eventTicker: game.eventTicker,
    sportKey: chosen.sport_key,
    oddsEventId: chosen.id,
    homeTeam: chosen.home_team,
    awayTeam: chosen.away_team,
    commenceTime: commence(chosen),
    startDiffMs: start === null ? null : commence(chosen) - start,
    threeWay: league.draws,
    exhaustive: !league.draws || drawMarkets.length === 1,
    markets,
  };
}

/**
 * Matches many games; two Kalshi events claiming the same Odds API event are
 * both reported as `duplicate-mapping` (one of them is wrong, and we cannot tell which).
 */
export function matchKalshiGames(
  games: readonly KalshiGame[],
  oddsEvents: readonly OddsApiEvent[],
  config: MappingConfig = DEFAULT_MAPPING_CONFIG,
): MatchResult[] {
  const results = games.map((g) => matchKalshiGame(g, oddsEvents, config));
  const claims = new Map<string, number>();
  for (const r of results)
    if (r.kind === 'matched') claims.set(r.oddsEventId, (claims.get(r.oddsEventId) ?? 0) + 1);
  return results.map((r) =>
    r.kind === 'matched' && (claims.get(r.oddsEventId) ?? 0) > 1
      ? {
          kind: 'unmatched',
          eventTicker: r.eventTicker,
          reason: 'duplicate-mapping',
          detail: `Odds API event ${r.oddsEventId} is claimed by ${claims.get(r.oddsEventId)} Kalshi events`,
          candidates: [r.oddsEventId],
        }
      : r,
  );
}
