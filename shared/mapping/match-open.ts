/**
 * Matching for sports without a league alias table: colleges, clubs and
 * individuals. Each Kalshi market's `yes_sub_title` names one side; an Odds
 * API event is a candidate when the two sides map one-to-one onto its
 * home_team / away_team under the sport's name predicate. A side that could be
 * either of an event's two names (two brothers, "Zverev") is ambiguous and
 * reported; so are two candidate events in the start window.
 */
import { type OddsApiEvent, oddsTimeToMs } from '../odds/schemas.ts';
import { sameClubSide } from './clubs.ts';
import { sameCollege } from './colleges.ts';
import {
  type KalshiGame,
  type MappingConfig,
  type MarketMapping,
  type MatchResult,
  unmatchedFor,
} from './match.ts';
import { sameIndividualSide } from './names.ts';
import { normalizeTeamName } from './normalize.ts';
import { acceptsOddsKey, type SideFamily, type SportEntry } from './sports.ts';
import { pickByStart } from './start-window.ts';

export type SidePredicate = (kalshi: string, odds: string) => boolean;

export function sidePredicate(family: Exclude<SideFamily, 'league'>): SidePredicate {
  if (family === 'college') return (k, o) => sameCollege(k, o);
  if (family === 'club') return (k, o) => sameClubSide(k, o);
  return sameIndividualSide;
}

const DRAW_SPELLINGS = new Set(['tie', 'draw']);

/** "A vs B", "A at B", "A @ B Winner?" → the two sides, or null. */
export function titleSides(title: string): [string, string] | null {
  const t = title.replace(/\s+winner\??\s*$/i, '').trim();
  const m = /^(.+?)\s+(?:at|@|vs\.?|v\.?)\s+(.+)$/i.exec(t);
  return m ? [m[1]!.trim(), m[2]!.trim()] : null;
}

export function matchOpenGame(
  game: KalshiGame,
  oddsEvents: readonly OddsApiEvent[],
  entry: SportEntry & { family: Exclude<SideFamily, 'league'> },
  config: MappingConfig,
): MatchResult {
  const unmatched = unmatchedFor(game);
  const same = sidePredicate(entry.family);

  const sides: { ticker: string; name: string }[] = [];
  const draws: string[] = [];
  const tickers = new Set<string>();
  for (const m of game.markets) {
    if (tickers.has(m.ticker)) return unmatched('bad-markets', `market ${m.ticker} listed twice`);
    tickers.add(m.ticker);
    const code = m.ticker.slice(m.ticker.lastIndexOf('-') + 1).toUpperCase();
    const isDrawName = DRAW_SPELLINGS.has(normalizeTeamName(m.yesSubTitle));
    if (code === 'TIE' || isDrawName) {
      if (code !== 'TIE' || !isDrawName)
        return unmatched('ambiguous-team', `${m.ticker}: code ${code} titled "${m.yesSubTitle}"`);
      draws.push(m.ticker);
    } else if (m.yesSubTitle.trim() === '') {
      return unmatched('unresolved-team', `${m.ticker}: no yes_sub_title to name the side`);
    } else sides.push({ ticker: m.ticker, name: m.yesSubTitle.trim() });
  }
  if (sides.length !== 2) return unmatched('bad-markets', `need two side markets, got ${sides.length}`);
  if (draws.length > 1) return unmatched('bad-markets', `${draws.length} tie markets`);
  if (draws.length === 1 && !entry.draws)
    return unmatched('outcome-mismatch', `${entry.label} is priced 2-way but the event has a TIE market`);
  const [a, b] = sides as [(typeof sides)[0], (typeof sides)[0]];
  const pairLabel = `${a.name} v ${b.name}`;

  // One-to-one onto home/away, per candidate event.
  const pairs: { event: OddsApiEvent; aIsHome: boolean }[] = [];
  for (const e of oddsEvents) {
    if (!acceptsOddsKey(entry, e.sport_key) || !Number.isFinite(oddsTimeToMs(e.commence_time))) continue;
    const aH = same(a.name, e.home_team);
    const aA = same(a.name, e.away_team);
    const bH = same(b.name, e.home_team);
    const bA = same(b.name, e.away_team);
    const straight = aH && bA;
    const crossed = aA && bH;
    if (straight && crossed) {
      return unmatched(
        'ambiguous-team',
        `${pairLabel}: each side could be either of ${e.home_team} / ${e.away_team}`,
        [e.id],
      );
    }
    if ((straight && (aA || bH)) || (crossed && (aH || bA))) {
      return unmatched(
        'ambiguous-team',
        `${pairLabel}: a side names both ${e.home_team} and ${e.away_team}`,
        [e.id],
      );
    }
    if (straight || crossed) pairs.push({ event: e, aIsHome: straight });
  }
  if (pairs.length === 0) {
    const offered = oddsEvents.filter((e) => acceptsOddsKey(entry, e.sport_key));
    // Events naming one of the two sides: where an alias is most likely missing.
    const near = offered
      .filter((e) => [a.name, b.name].some((n) => same(n, e.home_team) || same(n, e.away_team)))
      .map((e) => `${e.away_team} at ${e.home_team}`)
      .slice(0, 3);
    const hint = near.length > 0 ? `; one side found in: ${near.join(', ')}` : '';
    return unmatched(
      'no-candidate',
      `no ${entry.label} event for ${pairLabel} among ${offered.length} on offer${hint}`,
    );
  }

  // The title is secondary (nicknames: "Canelo"): it contradicts only when it names neither side,
  // or names the same side twice.
  const titled = titleSides(game.title);
  if (titled) {
    const whichSide = (t: string) =>
      sides.findIndex(
        (s) =>
          same(t, s.name) ||
          same(s.name, t) ||
          pairs.some((p) => same(t, p.event.home_team) && same(s.name, p.event.home_team)) ||
          pairs.some((p) => same(t, p.event.away_team) && same(s.name, p.event.away_team)),
      );
    const [x, y] = titled.map(whichSide) as [number, number];
    if ((x < 0 && y < 0) || (x >= 0 && x === y)) {
      return unmatched('title-mismatch', `title "${game.title}" does not name ${a.name} and ${b.name}`);
    }
  }

  const pick = pickByStart(
    game.eventTicker,
    game.startTime,
    pairs.map((p) => p.event),
    config,
    pairLabel,
  );
  if (!pick.ok) return unmatched(pick.reason, pick.detail, pick.candidates);
  const chosen = pick.event;
  const aIsHome = pairs.find((p) => p.event === chosen)!.aIsHome;
  const side = (s: typeof a, home: boolean): MarketMapping =>
    home
      ? { ticker: s.ticker, outcome: chosen.home_team, side: 'home' }
      : { ticker: s.ticker, outcome: chosen.away_team, side: 'away' };
  const markets: MarketMapping[] = [
    side(a, aIsHome),
    side(b, !aIsHome),
    ...draws.map((ticker) => ({ ticker, outcome: 'Draw', side: 'draw' as const })),
  ];
  const commence = oddsTimeToMs(chosen.commence_time);
  return {
    kind: 'matched',
    eventTicker: game.eventTicker,
    sportKey: chosen.sport_key,
    oddsEventId: chosen.id,
    homeTeam: chosen.home_team,
    awayTeam: chosen.away_team,
    commenceTime: commence,
    startDiffMs: game.startTime == null ? null : commence - game.startTime,
    threeWay: entry.draws,
    exhaustive: !entry.draws || draws.length === 1,
    markets,
  };
}
