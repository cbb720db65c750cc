/**
 * The time zone a game is played in, for the dashboard's time axes: the
 * league's home zone, from the sport key. US leagues (and anything unknown)
 * use US Eastern, the zone Kalshi's tickers date games in.
 */
const LEAGUE_ZONES: [RegExp, string][] = [
  [/epl|premier|efl|england|scotland/i, 'Europe/London'],
  [/la_?liga|spain/i, 'Europe/Madrid'],
  [/bundesliga|germany/i, 'Europe/Berlin'],
  [/serie_?a|italy/i, 'Europe/Rome'],
  [/ligue|france/i, 'Europe/Paris'],
  [/uefa|champions|europa/i, 'Europe/Paris'],
  [/mls/i, 'America/New_York'],
  [/japan|npb/i, 'Asia/Tokyo'],
  [/australia|afl|nrl/i, 'Australia/Sydney'],
];

export const DEFAULT_GAME_ZONE = 'America/New_York';

/** Pure: the IANA zone of a game of `sport`. */
export function gameTimeZone(sport: string): string {
  return LEAGUE_ZONES.find(([re]) => re.test(sport))?.[1] ?? DEFAULT_GAME_ZONE;
}
