/**
 * A scenario made concrete for one run: absolute times, each game's truth
 * path, its Odds API event id and its Kalshi tickers. The Kalshi side, the
 * traders and the odds server all read the same World, so they agree on what
 * is true at every instant.
 */
import { buildLadders, type GameLadders, laddersOf } from './ladders.ts';
import { hexId } from './rng.ts';
import { type Game, type PriceRange, type Scenario, scenarioStartMs } from './schema.ts';
import { type Outcome, TruthPath } from './truth.ts';

export interface SimMarket {
  outcome: Outcome;
  ticker: string;
  /** Kalshi's `yes_sub_title`: the team (or "Tie") that YES pays on. */
  yesSubTitle: string;
}

export interface SimGame {
  game: Game;
  path: TruthPath;
  /** The Odds API event id (32 hex). */
  oddsEventId: string;
  eventTicker: string;
  /** Kalshi event title ("Boston at Milwaukee"). */
  title: string;
  markets: SimMarket[];
  tick: PriceRange[];
  /** Spread/total ladders (issue #17), when the scenario switches them on. */
  ladders?: GameLadders;
}

export interface World {
  scenario: Scenario;
  seed: number;
  startMs: number;
  /** When the run is over: the scenario's `endMinute`, else the last settlement. */
  endMs: number;
  games: SimGame[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const EASTERN = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  year: '2-digit',
  month: 'numeric',
  day: '2-digit',
});

const DAY_YEAR = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  month: 'short',
  day: 'numeric',
  year: 'numeric',
});

/** `26JAN20`: the game's date in US Eastern time, as Kalshi writes it in tickers. */
export function tickerDate(ms: number): string {
  const parts = Object.fromEntries(EASTERN.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.year}${MONTHS[Number(parts.month) - 1]}${parts.day}`;
}

export function buildWorld(
  scenario: Scenario,
  opts: { seed?: number; startMs?: number; now?: number } = {},
): World {
  const seed = opts.seed ?? scenario.seed;
  const startMs = opts.startMs ?? scenarioStartMs(scenario, opts.now ?? Date.now());
  const games = scenario.games.map((game): SimGame => {
    const path = new TruthPath(game, startMs, seed);
    const eventTicker = `${game.seriesTicker}-${tickerDate(path.times.startMs)}${game.away.code}${game.home.code}`;
    const short = (t: Game['home']) => t.short ?? t.name;
    const markets: SimMarket[] = [
      { outcome: 'away', ticker: `${eventTicker}-${game.away.code}`, yesSubTitle: short(game.away) },
      { outcome: 'home', ticker: `${eventTicker}-${game.home.code}`, yesSubTitle: short(game.home) },
    ];
    if (game.outcomes === 3)
      markets.push({ outcome: 'draw', ticker: `${eventTicker}-TIE`, yesSubTitle: 'Tie' });
    const title = `${short(game.away)} at ${short(game.home)}`;
    const scheduledMs = path.times.startMs - game.startDelays.reduce((t, d) => t + d.byMinutes, 0) * 60_000;
    const ladders = buildLadders(
      game,
      path,
      seed,
      eventTicker.slice(game.seriesTicker.length + 1),
      {
        title,
        home: short(game.home),
        away: short(game.away),
        league: game.league,
        dayWithYear: DAY_YEAR.format(new Date(scheduledMs)),
      },
      laddersOf(game, scenario.ladders),
    );
    return {
      game,
      path,
      oddsEventId: hexId(seed, `event/${game.id}`),
      eventTicker,
      title,
      markets,
      tick: game.tick ?? scenario.tick,
      ...(ladders ? { ladders } : {}),
    };
  });
  const lastSettle = Math.max(...games.map((g) => g.path.times.settleMs));
  const endMs =
    scenario.endMinute === undefined ? lastSettle : startMs + Math.round(scenario.endMinute * 60_000);
  return { scenario, seed, startMs, endMs, games };
}

/** Finds the game and market of a Kalshi market ticker. */
export function marketOf(world: World, ticker: string): { sim: SimGame; market: SimMarket } | undefined {
  for (const sim of world.games) {
    const market = sim.markets.find((m) => m.ticker === ticker);
    if (market) return { sim, market };
  }
  return undefined;
}
