/**
 * Kalshi spread and total markets → strikes the theo can price.
 *
 * The market kind comes from its series (`KXNBASPREAD` is a spread ladder,
 * `KXNBATOTAL` a total ladder); the strike from the market's own metadata
 * (`strike_type` with `floor_strike`/`cap_strike`), cross-checked against its
 * `yes_sub_title`/`title` ("Boston wins by over 6.5 Points", "Over 220.5
 * points scored"), or read from that text when the metadata is absent. The
 * team of a spread comes from the text, resolved against the game's two
 * teams. Tickers are never parsed for a strike.
 *
 * Anything unreadable, contradictory or of an unsupported strike type is
 * unmapped with a reason, and an unmapped market is not quoted.
 */
import type { Market } from '../kalshi/schemas/rest.ts';
import type { StrikeQuery } from '../pricing/strike-theo.ts';
import { buildLeagues, type LeagueTable, teamsForName } from './teams.ts';

export interface StrikeSeries {
  kind: 'spread' | 'total';
  sportKey: string;
}

/** Ladder series (reference/kalshi/API.md §8.2; verify each with `GET /series`). */
export const DEFAULT_STRIKE_SERIES: Readonly<Record<string, StrikeSeries>> = {
  KXNFLSPREAD: { kind: 'spread', sportKey: 'americanfootball_nfl' },
  KXNFLTOTAL: { kind: 'total', sportKey: 'americanfootball_nfl' },
  KXNBASPREAD: { kind: 'spread', sportKey: 'basketball_nba' },
  KXNBATOTAL: { kind: 'total', sportKey: 'basketball_nba' },
  KXWNBATOTAL: { kind: 'total', sportKey: 'basketball_wnba' },
  KXNCAAFSPREAD: { kind: 'spread', sportKey: 'americanfootball_ncaaf' },
  KXNCAAFTOTAL: { kind: 'total', sportKey: 'americanfootball_ncaaf' },
  KXNCAAMBSPREAD: { kind: 'spread', sportKey: 'basketball_ncaab' },
  KXNCAAMBTOTAL: { kind: 'total', sportKey: 'basketball_ncaab' },
  KXMLBTOTAL: { kind: 'total', sportKey: 'baseball_mlb' },
};

/** The game the ladder belongs to, as the winner mapping matched it (match.ts). */
export interface StrikeGame {
  sportKey: string;
  homeTeam: string;
  awayTeam: string;
}

export const UNMAPPED_STRIKE_REASONS = [
  'unknown-series',
  'sport-mismatch',
  'unsupported-strike-type',
  'no-strike',
  'strike-mismatch',
  'unresolved-team',
  'ambiguous-team',
] as const;
export type UnmappedStrikeReason = (typeof UNMAPPED_STRIKE_REASONS)[number];

export type StrikeMapping =
  | {
      kind: 'mapped';
      ticker: string;
      /** what the market pays on, in the theo's terms (home margin or total) */
      query: StrikeQuery;
      /** spread markets: the team whose margin the market names */
      team: 'home' | 'away' | null;
      /** where the strike came from */
      source: 'metadata' | 'text';
    }
  | { kind: 'unmapped'; ticker: string; reason: UnmappedStrikeReason; detail: string };

const NUMBER = '([+-]?\\d+(?:\\.\\d+)?)';
const UNIT = '(?:\\s*(?:points?|pts|runs?|goals?))?';
const SPREAD_TEXT = new RegExp(
  `^\\s*(.+?)\\s+wins?\\s+by\\s+(over|more\\s+than|at\\s+least)\\s+${NUMBER}${UNIT}`,
  'i',
);
const TOTAL_TEXT = new RegExp(
  `\\b(over|under|at\\s+least|more\\s+than|fewer\\s+than|less\\s+than)\\s+${NUMBER}${UNIT}`,
  'i',
);

type Direction = 'over' | 'under';
interface TextStrike {
  direction: Direction;
  /** value > threshold (over) or value < threshold (under) */
  threshold: number;
  team: string | null;
  raw: number;
}

/** "at least 7" on integer outcomes is "over 6.5"; "over 6.5" stays. */
function textStrike(kind: 'spread' | 'total', text: string): TextStrike | null {
  if (kind === 'spread') {
    const m = SPREAD_TEXT.exec(text);
    if (!m) return null;
    const raw = Number(m[3]);
    const atLeast = /^at/i.test(m[2]!);
    return { direction: 'over', threshold: atLeast ? Math.ceil(raw) - 0.5 : raw, team: m[1]!.trim(), raw };
  }
  const m = TOTAL_TEXT.exec(text);
  if (!m) return null;
  const raw = Number(m[2]);
  const word = m[1]!.toLowerCase().replace(/\s+/g, ' ');
  if (word === 'at least') return { direction: 'over', threshold: Math.ceil(raw) - 0.5, team: null, raw };
  if (word === 'over' || word === 'more than') return { direction: 'over', threshold: raw, team: null, raw };
  return { direction: 'under', threshold: raw, team: null, raw };
}

function readStrike(v: number | string | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : v.trim() === '' ? Number.NaN : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** The strike from `strike_type` + floor/cap, in "value > t" / "value < t" form on integer outcomes. */
function metadataStrike(
  market: Market,
):
  | { ok: true; direction: Direction; threshold: number; raw: number }
  | { ok: false; reason: UnmappedStrikeReason; detail: string }
  | null {
  const type = market.strike_type;
  if (type === undefined || type === null) return null;
  const floor = readStrike(market.floor_strike);
  const cap = readStrike(market.cap_strike);
  const need = (v: number | null, name: string) =>
    v === null
      ? {
          ok: false as const,
          reason: 'no-strike' as const,
          detail: `strike_type ${type} without a readable ${name}`,
        }
      : null;
  switch (type) {
    case 'greater':
      return need(floor, 'floor_strike') ?? { ok: true, direction: 'over', threshold: floor!, raw: floor! };
    case 'greater_or_equal':
      return (
        need(floor, 'floor_strike') ?? {
          ok: true,
          direction: 'over',
          threshold: Math.ceil(floor!) - 0.5,
          raw: floor!,
        }
      );
    case 'less':
      return need(cap, 'cap_strike') ?? { ok: true, direction: 'under', threshold: cap!, raw: cap! };
    case 'less_or_equal':
      return (
        need(cap, 'cap_strike') ?? {
          ok: true,
          direction: 'under',
          threshold: Math.floor(cap!) + 0.5,
          raw: cap!,
        }
      );
    default:
      return {
        ok: false,
        reason: 'unsupported-strike-type',
        detail: `strike_type ${type} is not a one-sided ladder strike`,
      };
  }
}

/** Map one ladder market of a matched game. */
export function mapStrikeMarket(
  market: Market,
  seriesTicker: string,
  game: StrikeGame,
  options: {
    series?: Readonly<Record<string, StrikeSeries>>;
    leagues?: ReadonlyMap<string, LeagueTable>;
  } = {},
): StrikeMapping {
  const ticker = market.ticker;
  const unmapped = (reason: UnmappedStrikeReason, detail: string): StrikeMapping => ({
    kind: 'unmapped',
    ticker,
    reason,
    detail: `${ticker}: ${detail}`,
  });
  const table = options.series ?? DEFAULT_STRIKE_SERIES;
  const series = Object.hasOwn(table, seriesTicker) ? table[seriesTicker] : undefined;
  if (!series) return unmapped('unknown-series', `series ${seriesTicker} is not a known spread/total ladder`);
  if (series.sportKey !== game.sportKey) {
    return unmapped(
      'sport-mismatch',
      `series ${seriesTicker} is ${series.sportKey}, the game is ${game.sportKey}`,
    );
  }

  const texts = [market.yes_sub_title, market.title].filter(
    (t): t is string => typeof t === 'string' && t !== '',
  );
  const fromText = texts.map((t) => textStrike(series.kind, t)).find((t) => t !== null) ?? null;
  const meta = metadataStrike(market);
  if (meta && !meta.ok) return unmapped(meta.reason, meta.detail);
  if (!meta && !fromText) {
    return unmapped('no-strike', `no strike_type/floor_strike and no strike in "${texts.join('" / "')}"`);
  }
  if (meta?.ok && fromText && (meta.direction !== fromText.direction || meta.raw !== fromText.raw)) {
    return unmapped(
      'strike-mismatch',
      `metadata says ${meta.direction} ${meta.raw}, the text says ${fromText.direction} ${fromText.raw}`,
    );
  }
  const direction = meta?.ok ? meta.direction : fromText!.direction;
  const threshold = meta?.ok ? meta.threshold : fromText!.threshold;
  const source = meta?.ok ? ('metadata' as const) : ('text' as const);

  if (series.kind === 'total') {
    return { kind: 'mapped', ticker, query: { kind: 'total', direction, threshold }, team: null, source };
  }

  // A spread names its team; only the text says which.
  const spelled = fromText?.team ?? null;
  if (spelled === null) return unmapped('unresolved-team', `no team named in "${texts.join('" / "')}"`);
  const league = (options.leagues ?? defaultLeagues()).get(game.sportKey);
  if (!league) return unmapped('unresolved-team', `no team table for ${game.sportKey}`);
  const named = teamsForName(league, spelled);
  const home = teamsForName(league, game.homeTeam);
  const away = teamsForName(league, game.awayTeam);
  const isHome = named.some((t) => home.includes(t));
  const isAway = named.some((t) => away.includes(t));
  if (isHome === isAway) {
    return unmapped(
      isHome ? 'ambiguous-team' : 'unresolved-team',
      `"${spelled}" is ${isHome ? 'both' : 'neither'} of ${game.homeTeam} / ${game.awayTeam}`,
    );
  }
  // "Away wins by over s" is home margin < −s; "away wins by under s" is home margin > −s.
  const query: StrikeQuery = isHome
    ? { kind: 'spread', direction, threshold }
    : { kind: 'spread', direction: direction === 'over' ? 'under' : 'over', threshold: -threshold };
  return { kind: 'mapped', ticker, query, team: isHome ? 'home' : 'away', source };
}

let leagues: ReadonlyMap<string, LeagueTable> | null = null;
function defaultLeagues(): ReadonlyMap<string, LeagueTable> {
  leagues ??= buildLeagues();
  return leagues;
}

/** Map a ladder event's markets; the unmapped ones are returned for the operator, never quoted. */
export function mapStrikeMarkets(
  markets: readonly Market[],
  seriesTicker: string,
  game: StrikeGame,
  options: Parameters<typeof mapStrikeMarket>[3] = {},
): {
  mapped: Extract<StrikeMapping, { kind: 'mapped' }>[];
  unmapped: Extract<StrikeMapping, { kind: 'unmapped' }>[];
} {
  const mapped: Extract<StrikeMapping, { kind: 'mapped' }>[] = [];
  const unmapped: Extract<StrikeMapping, { kind: 'unmapped' }>[] = [];
  for (const m of markets) {
    const r = mapStrikeMarket(m, seriesTicker, game, options);
    if (r.kind === 'mapped') mapped.push(r);
    else unmapped.push(r);
  }
  return { mapped, unmapped };
}
