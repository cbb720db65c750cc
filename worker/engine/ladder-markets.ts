/**
 * A registered game's spread and total ladders: which listed ladder events are
 * the game's, and what each of their markets pays on. Pure; the registry lists
 * the series and keeps the result.
 *
 * An event is the game's when its series is a ladder of the game's sport
 * (`DEFAULT_STRIKE_SERIES`), its title names the game's two teams ("Miami at
 * Boston: Spread"), and its start, when both are known, is the game's. Never
 * from the ticker. Each market is mapped by shared/mapping/strikes.ts from its
 * `strike_type`/`floor_strike`/`cap_strike`, cross-checked against its text;
 * an unmapped market is reported with its reason and never quoted.
 */
import type { Market } from '../../shared/kalshi/schemas/rest.ts';
import { titleSides } from '../../shared/mapping/match-open.ts';
import {
  DEFAULT_STRIKE_SERIES,
  mapStrikeMarkets,
  type StrikeMapping,
  type StrikeSeries,
} from '../../shared/mapping/strikes.ts';
import { buildLeagues, type LeagueTable, teamsForName } from '../../shared/mapping/teams.ts';
import type { FeeSchedule } from '../../shared/pricing/fees.ts';
import type { StrikeQuery } from '../../shared/pricing/strike-theo.ts';
import type { ListedEvent, ListedMarket } from './ports.ts';

/** The game as the ladder join needs it (from the winner mapping). */
export interface LadderGame {
  eventTicker: string;
  /** the odds event's sport key */
  sportKey: string;
  homeTeam: string;
  awayTeam: string;
  kalshiStartMs: number | null;
}

export interface LadderMarket {
  ticker: string;
  /** the ladder event it is listed in */
  eventTicker: string;
  query: StrikeQuery;
  exchangeIndex?: number;
  priceRanges?: ListedMarket['priceRanges'];
  /** the ladder series' fee schedule, when listed (the strike quotes' maker fee) */
  fees?: FeeSchedule;
}

export interface UnmappedLadderMarket {
  ticker: string;
  eventTicker: string;
  reason: string;
  detail: string;
}

/** Why a ladder event is not this game's (for the caller's counts; not an error). */
export type LadderEventMiss = 'not-a-ladder' | 'other-sport' | 'other-game' | 'other-start';

/** A ladder event's start may differ from the winner event's by listing precision, not by a day. */
const SAME_START_MS = 6 * 3_600_000;

let leagues: ReadonlyMap<string, LeagueTable> | null = null;
const defaultLeagues = () => {
  leagues ??= buildLeagues();
  return leagues;
};

/** The ladder series of one odds sport. */
export function ladderSeriesOf(
  sportKey: string,
  series: Readonly<Record<string, StrikeSeries>> = DEFAULT_STRIKE_SERIES,
): string[] {
  return Object.entries(series)
    .filter(([, s]) => s.sportKey === sportKey)
    .map(([ticker]) => ticker);
}

/** Is this listed event one of the game's ladders? */
export function ladderEventMiss(
  game: LadderGame,
  ev: ListedEvent,
  options: {
    series?: Readonly<Record<string, StrikeSeries>>;
    leagues?: ReadonlyMap<string, LeagueTable>;
  } = {},
): LadderEventMiss | null {
  const table = options.series ?? DEFAULT_STRIKE_SERIES;
  const series = Object.hasOwn(table, ev.seriesTicker) ? table[ev.seriesTicker] : undefined;
  if (!series) return 'not-a-ladder';
  if (series.sportKey !== game.sportKey) return 'other-sport';
  const league = (options.leagues ?? defaultLeagues()).get(game.sportKey);
  // "Miami at Boston: Spread" → the two sides before the colon.
  const sides = titleSides(ev.title.replace(/:.*$/, ''));
  if (!league || !sides) return 'other-game';
  const team = (name: string) => teamsForName(league, name);
  const home = team(game.homeTeam);
  const away = team(game.awayTeam);
  const named = sides.map(team);
  if (home.length !== 1 || away.length !== 1 || named.some((n) => n.length !== 1)) return 'other-game';
  const pair = new Set(named.map((n) => n[0]!));
  if (pair.size !== 2 || !pair.has(home[0]!) || !pair.has(away[0]!)) return 'other-game';
  if (
    ev.startMs !== null &&
    game.kalshiStartMs !== null &&
    Math.abs(ev.startMs - game.kalshiStartMs) > SAME_START_MS
  )
    return 'other-start';
  return null;
}

/** The REST market shape the strike mapper reads, from a listed market. */
function asMarket(ev: ListedEvent, m: ListedMarket): Market {
  return {
    ticker: m.ticker,
    event_ticker: ev.eventTicker,
    status: m.status,
    yes_sub_title: m.yesSubTitle,
    title: m.title ?? null,
    strike_type: m.strike?.strikeType ?? null,
    floor_strike: m.strike?.floorStrike ?? null,
    cap_strike: m.strike?.capStrike ?? null,
  } as Market;
}

/** Every market of one of the game's ladder events, mapped or reported. */
export function mapLadderEvent(
  game: LadderGame,
  ev: ListedEvent,
  options: {
    series?: Readonly<Record<string, StrikeSeries>>;
    leagues?: ReadonlyMap<string, LeagueTable>;
  } = {},
): { mapped: LadderMarket[]; unmapped: UnmappedLadderMarket[] } {
  const byTicker = new Map(ev.markets.map((m) => [m.ticker, m]));
  const seen = new Set<string>();
  const duplicates: UnmappedLadderMarket[] = [];
  const unique = ev.markets.filter((m) => {
    if (!seen.has(m.ticker)) return seen.add(m.ticker);
    duplicates.push({
      ticker: m.ticker,
      eventTicker: ev.eventTicker,
      reason: 'duplicate-market',
      detail: `${m.ticker} listed twice`,
    });
    return false;
  });
  const r = mapStrikeMarkets(
    unique.map((m) => asMarket(ev, m)),
    ev.seriesTicker,
    { sportKey: game.sportKey, homeTeam: game.homeTeam, awayTeam: game.awayTeam },
    options,
  );
  const mapped = r.mapped.map((m: Extract<StrikeMapping, { kind: 'mapped' }>) => {
    const listed = byTicker.get(m.ticker)!;
    return {
      ticker: m.ticker,
      eventTicker: ev.eventTicker,
      query: m.query,
      ...(listed.exchangeIndex === undefined ? {} : { exchangeIndex: listed.exchangeIndex }),
      ...(listed.priceRanges === undefined ? {} : { priceRanges: listed.priceRanges }),
      ...(ev.fees === undefined ? {} : { fees: ev.fees }),
    };
  });
  const unmapped = [
    ...duplicates,
    ...r.unmapped.map((u) => ({
      ticker: u.ticker,
      eventTicker: ev.eventTicker,
      reason: u.reason,
      detail: u.detail,
    })),
  ];
  return { mapped, unmapped };
}

export interface GameLadders {
  /** the ladder events that are the game's */
  events: string[];
  mapped: LadderMarket[];
  unmapped: UnmappedLadderMarket[];
}

/**
 * The game's ladders among listed events: every mapped strike (one risk: they
 * are registered under the game), the unmapped with their reasons, and the
 * ladder events that were the game's.
 */
export function gameLadders(
  game: LadderGame,
  events: readonly ListedEvent[],
  options: {
    series?: Readonly<Record<string, StrikeSeries>>;
    leagues?: ReadonlyMap<string, LeagueTable>;
  } = {},
): GameLadders {
  const out: GameLadders = { events: [], mapped: [], unmapped: [] };
  for (const ev of events) {
    if (ladderEventMiss(game, ev, options) !== null) continue;
    out.events.push(ev.eventTicker);
    const r = mapLadderEvent(game, ev, options);
    out.mapped.push(...r.mapped);
    out.unmapped.push(...r.unmapped);
  }
  return out;
}
