/**
 * The spread and total series the simulated exchange lists (issue #17), with
 * each one's kind and sport: the simulator's own table of what Kalshi lists,
 * kept apart from the product's mapping (shared/mapping/strikes.ts) so the
 * exchange and the code it checks do not share one belief. A test
 * (test/sim/kalshi/ladder-series.test.ts) holds the two to the same series,
 * kinds and sports.
 */

export type LadderSeriesKind = 'spread' | 'total';

export interface SimLadderSeries {
  kind: LadderSeriesKind;
  /** The Odds API sport key of the games the series lists. */
  sportKey: string;
}

/** Ladder series per Kalshi (reference/kalshi/API.md §8.2). */
export const SIM_LADDER_SERIES: Readonly<Record<string, SimLadderSeries>> = {
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

/** The series listing a sport's ladder of this kind, if Kalshi has one. */
export function ladderSeriesFor(sportKey: string, kind: LadderSeriesKind): string | undefined {
  return Object.entries(SIM_LADDER_SERIES).find(([, s]) => s.sportKey === sportKey && s.kind === kind)?.[0];
}
