/**
 * The sport catalogue: each Kalshi game-winner series → its sport, the Odds API
 * sport keys that price it, how its sides are named, and whether its book has
 * a draw. One entry per sport; its `id` is also the sport's key in the engine
 * config (`sports`) and in the risk limits (`limits.sports`).
 *
 * Odds sources:
 * - `keys`: fixed Odds API sport keys ("basketball_nba");
 * - `tournament`: keyed per tournament (tennis: "tennis_atp_french_open"):
 *   every key with the prefix that `/v4/sports` lists as active;
 * - `none`: the books do not price it (esports, challenger tennis): no theo,
 *   no quotes, and the game says `no-odds-source`.
 *
 * Series tickers are from reference/kalshi/API.md §8.2 (collected, not
 * published by Kalshi); the ones marked UNCONFIRMED there are listed too —
 * a wrong ticker lists no events, it cannot mis-map one.
 */
import * as z from 'zod';
import type { Sport } from '../odds/schemas.ts';

/** How the two sides of a game are named, hence which matcher compares them. */
// The schemas below are built on first use (`z.lazy` memoises them): only the worker's engine config parses a
// catalogue, and building them at import was part of every odds Lambda's cold start (issue #16).
export const SideFamily = z.lazy(() =>
  z.enum([
    /** a league with an alias table (shared/mapping/teams.ts): codes and city names */
    'league',
    /** US colleges (shared/mapping/colleges.ts) */
    'college',
    /** clubs matched on club-normalised names and alias groups (shared/mapping/clubs.ts) */
    'club',
    /** players and fighters, singles or doubles pairs (shared/mapping/names.ts) */
    'individual',
  ]),
);
export type SideFamily = z.infer<typeof SideFamily>;

export const OddsSource = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('keys'), keys: z.array(z.string().regex(/^[a-z0-9_]+$/)).min(1) }),
    z.object({ kind: z.literal('tournament'), prefix: z.string().regex(/^[a-z0-9_]+_$/) }),
    z.object({ kind: z.literal('none'), why: z.string().min(1) }),
  ]),
);
export type OddsSource = z.infer<typeof OddsSource>;

export const SportEntrySchema = z.lazy(() =>
  z.object({
    /** engine-config and limits key ("nba", "atp", "esports") */
    id: z.string().regex(/^[a-z0-9_]+$/),
    label: z.string().min(1),
    /** Kalshi game-winner series */
    series: z.array(z.string().regex(/^[A-Z0-9]+$/)).min(1),
    family: SideFamily,
    odds: OddsSource,
    /**
     * The book's moneyline has a draw (soccer, boxing). Kalshi may list a TIE
     * market or not; without one, each winner market's theo is its side's 3-way
     * probability (a draw is a loss for both YES sides).
     */
    draws: z.boolean(),
    /**
     * The market may settle other than YES/NO on the result — a cancelled fight,
     * a retirement or walkover in tennis. See `settlement.ts` for what is quoted.
     */
    mayVoid: z.boolean().default(false),
  }),
);
export type SportEntry = z.infer<typeof SportEntrySchema>;

export const SportCatalogueSchema = z.lazy(() =>
  z.array(SportEntrySchema).superRefine((entries, ctx) => {
    const ids = new Set<string>();
    const series = new Map<string, string>();
    entries.forEach((e, i) => {
      if (ids.has(e.id))
        ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `sport ${e.id} listed twice` });
      ids.add(e.id);
      for (const s of e.series) {
        const prior = series.get(s);
        if (prior !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [i, 'series'],
            message: `series ${s} in both ${prior} and ${e.id}`,
          });
        series.set(s, e.id);
      }
    });
  }),
);
export type SportCatalogue = z.infer<typeof SportCatalogueSchema>;

const keys = (...k: string[]): OddsSource => ({ kind: 'keys', keys: k });
const none = (why: string): OddsSource => ({ kind: 'none', why });
const NO_ESPORTS = 'The Odds API lists no esports (reference/odds-api/API.md §6)';
const NO_LOWER_TENNIS = 'The Odds API keys tennis per tour-level tournament only; no challenger or ITF keys';

/** An entry as written below: `mayVoid` defaults as `SportEntrySchema` defaults it. */
const entries = (written: z.input<typeof SportEntrySchema>[]): SportCatalogue =>
  written.map((e) => ({ ...e, mayVoid: e.mayVoid ?? false }));

/**
 * The built-in catalogue. Not parsed at import (that was part of every odds Lambda's cold start, issue #16):
 * test/shared/default-configs.test.ts checks it equals `SportCatalogueSchema.parse` of itself (no id or
 * series twice, every field valid).
 */
export const DEFAULT_SPORT_CATALOGUE: SportCatalogue = entries([
  // Major leagues (alias tables).
  {
    id: 'nba',
    label: 'NBA',
    series: ['KXNBAGAME'],
    family: 'league',
    odds: keys('basketball_nba'),
    draws: false,
  },
  {
    id: 'nfl',
    label: 'NFL',
    series: ['KXNFLGAME'],
    family: 'league',
    odds: keys('americanfootball_nfl'),
    draws: false,
  },
  {
    id: 'nhl',
    label: 'NHL',
    series: ['KXNHLGAME'],
    family: 'league',
    odds: keys('icehockey_nhl'),
    draws: false,
  },
  {
    id: 'mlb',
    label: 'MLB',
    series: ['KXMLBGAME'],
    family: 'league',
    odds: keys('baseball_mlb'),
    draws: false,
  },
  {
    id: 'wnba',
    label: 'WNBA',
    series: ['KXWNBAGAME'],
    family: 'league',
    odds: keys('basketball_wnba'),
    draws: false,
  },
  {
    id: 'epl',
    label: 'Premier League',
    series: ['KXEPLGAME'],
    family: 'league',
    odds: keys('soccer_epl'),
    draws: true,
  },
  // Colleges.
  {
    id: 'ncaaf',
    label: 'College football',
    series: ['KXNCAAFGAME'],
    family: 'college',
    odds: keys('americanfootball_ncaaf'),
    draws: false,
  },
  {
    id: 'ncaamb',
    label: "College basketball (men's)",
    series: ['KXNCAAMBGAME', 'KXNCAABGAME'],
    family: 'college',
    odds: keys('basketball_ncaab'),
    draws: false,
  },
  {
    id: 'ncaawb',
    label: "College basketball (women's)",
    series: ['KXNCAAWBGAME'],
    family: 'college',
    odds: keys('basketball_wncaab'),
    draws: false,
  },
  {
    id: 'college_baseball',
    label: 'College baseball',
    series: ['KXNCAABBGAME'],
    family: 'college',
    odds: keys('baseball_ncaa'),
    draws: false,
  },
  // Soccer (3-way books).
  {
    id: 'ucl',
    label: 'Champions League',
    series: ['KXUCLGAME'],
    family: 'club',
    odds: keys('soccer_uefa_champs_league'),
    draws: true,
  },
  {
    id: 'laliga',
    label: 'La Liga',
    series: ['KXLALIGAGAME'],
    family: 'club',
    odds: keys('soccer_spain_la_liga'),
    draws: true,
  },
  {
    id: 'seriea',
    label: 'Serie A',
    series: ['KXSERIEAGAME'],
    family: 'club',
    odds: keys('soccer_italy_serie_a'),
    draws: true,
  },
  {
    id: 'bundesliga',
    label: 'Bundesliga',
    series: ['KXBUNDESLIGAGAME'],
    family: 'club',
    odds: keys('soccer_germany_bundesliga'),
    draws: true,
  },
  {
    id: 'ligue1',
    label: 'Ligue 1',
    series: ['KXLIGUE1GAME'],
    family: 'club',
    odds: keys('soccer_france_ligue_one'),
    draws: true,
  },
  {
    id: 'mls',
    label: 'MLS',
    series: ['KXMLSGAME'],
    family: 'club',
    odds: keys('soccer_usa_mls'),
    draws: true,
  },
  {
    id: 'ligamx',
    label: 'Liga MX',
    series: ['KXLIGAMXGAME'],
    family: 'club',
    odds: keys('soccer_mexico_ligamx'),
    draws: true,
  },
  // Tennis: tour level is keyed per tournament; lower tiers have no odds source.
  {
    id: 'atp',
    label: 'ATP',
    series: ['KXATPMATCH'],
    family: 'individual',
    odds: { kind: 'tournament', prefix: 'tennis_atp_' },
    draws: false,
    mayVoid: true,
  },
  {
    id: 'wta',
    label: 'WTA',
    series: ['KXWTAMATCH'],
    family: 'individual',
    odds: { kind: 'tournament', prefix: 'tennis_wta_' },
    draws: false,
    mayVoid: true,
  },
  {
    id: 'tennis_challenger',
    label: 'Challenger / ITF tennis',
    series: ['KXATPCHALLENGERMATCH', 'KXWTACHALLENGERMATCH', 'KXITFMATCH', 'KXITFWMATCH'],
    family: 'individual',
    odds: none(NO_LOWER_TENNIS),
    draws: false,
    mayVoid: true,
  },
  // Fights.
  {
    id: 'ufc',
    label: 'UFC',
    series: ['KXUFCFIGHT'],
    family: 'individual',
    odds: keys('mma_mixed_martial_arts'),
    draws: false,
    mayVoid: true,
  },
  {
    id: 'boxing',
    label: 'Boxing',
    series: ['KXBOXING'],
    family: 'individual',
    odds: keys('boxing_boxing'),
    draws: true,
    mayVoid: true,
  },
  // Esports: no books.
  {
    id: 'esports',
    label: 'Esports',
    series: ['KXCS2GAME', 'KXLOLGAME', 'KXVALORANTGAME', 'KXDOTA2GAME', 'KXCODGAME'],
    family: 'club',
    odds: none(NO_ESPORTS),
    draws: false,
  },
  // Other leagues.
  {
    id: 'ahl',
    label: 'AHL',
    series: ['KXAHLGAME'],
    family: 'club',
    odds: keys('icehockey_ahl'),
    draws: false,
  },
  {
    id: 'khl',
    label: 'KHL',
    series: ['KXKHLGAME'],
    family: 'club',
    odds: none('no KHL key in any Odds API sports list seen'),
    draws: false,
  },
  {
    id: 'euroleague',
    label: 'EuroLeague',
    series: ['KXEUROLEAGUEGAME'],
    family: 'club',
    odds: keys('basketball_euroleague'),
    draws: false,
  },
  {
    id: 'afl',
    label: 'AFL',
    series: ['KXAFLGAME'],
    family: 'club',
    odds: keys('aussierules_afl'),
    draws: false,
  },
  {
    id: 'cricket_t20',
    label: 'T20 cricket',
    series: ['KXT20MATCH'],
    family: 'club',
    odds: keys('cricket_international_t20'),
    draws: false,
  },
]);

/** The catalogue entry of a series, or undefined. */
export function sportOfSeries(catalogue: SportCatalogue, series: string): SportEntry | undefined {
  return catalogue.find((e) => e.series.includes(series));
}

/** Whether an Odds API sport key prices this entry (any tournament key for a tournament sport). */
export function acceptsOddsKey(entry: SportEntry, key: string): boolean {
  const o = entry.odds;
  if (o.kind === 'keys') return o.keys.includes(key);
  if (o.kind === 'tournament') return key.startsWith(o.prefix) && key.length > o.prefix.length;
  return false;
}

/**
 * The sport keys to poll for an entry, from `/v4/sports`: the listed active
 * keys it accepts, outright-only keys excluded (futures never price a game).
 * Empty: nothing to poll today (out of season, no tournament running, no source).
 */
export function activeOddsKeys(entry: SportEntry, sports: readonly Sport[]): string[] {
  return sports
    .filter((s) => s.active && !s.has_outrights && acceptsOddsKey(entry, s.key))
    .map((s) => s.key)
    .sort();
}

/** A Kalshi series as `GET /series` lists it (only the fields discovery reads). */
export interface ListedSeries {
  ticker: string;
  category?: string | null;
  title?: string | null;
}

export interface SeriesDiscovery {
  /** series in the catalogue, by sport id */
  known: Map<string, string[]>;
  /** Sports series with no catalogue entry: reported, never traded (may be props, spreads, or a new league). */
  unknown: string[];
}

/**
 * Sorts `GET /series?category=Sports` into the catalogue's sports and the
 * rest. Only game-winner series are in the catalogue, so spreads, totals and
 * props land in `unknown` and are never traded by accident.
 */
export function discoverSeries(catalogue: SportCatalogue, listed: readonly ListedSeries[]): SeriesDiscovery {
  const known = new Map<string, string[]>();
  const unknown: string[] = [];
  for (const s of listed) {
    if (s.category != null && s.category.toLowerCase() !== 'sports') continue;
    const entry = sportOfSeries(catalogue, s.ticker);
    if (!entry) {
      unknown.push(s.ticker);
      continue;
    }
    known.set(entry.id, [...(known.get(entry.id) ?? []), s.ticker]);
  }
  return { known, unknown: unknown.sort() };
}

/**
 * Engine `sports` entries for the catalogue's sports that have an odds key
 * active today: one per sport, on its first active key (a sport running two
 * tournaments at once gets the rest in `extraOddsSportKeys`).
 */
export function engineSportsOf(
  catalogue: SportCatalogue,
  sports: readonly Sport[],
): Record<string, { series: string[]; oddsSportKey: string; extraOddsSportKeys: string[] }> {
  const out: Record<string, { series: string[]; oddsSportKey: string; extraOddsSportKeys: string[] }> = {};
  for (const e of catalogue) {
    const [first, ...rest] = activeOddsKeys(e, sports);
    if (first === undefined) continue;
    out[e.id] = { series: [...e.series], oddsSportKey: first, extraOddsSportKeys: rest };
  }
  return out;
}
