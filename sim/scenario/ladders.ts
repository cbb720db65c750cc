/**
 * A game's spread and total ladders in the simulator (issue #17): which
 * strikes are listed, what each market's YES is truly worth at any instant,
 * and how it settles.
 *
 * Strikes are half points around the truth's median at open, so no strike
 * ever pushes. A spread strike s (home margin) is listed as the team it
 * favours: s > 0 "Home wins by over s", s < 0 "Away wins by over −s" (YES when
 * the home margin is below s), as Kalshi names a team in each spread market.
 *
 * The final score is drawn once, from the margin truth at the opening winner
 * truth, on the drawn winner's side (margin > 0 ⇔ home won), the total given
 * the margin. A strike's truth is linear in the winner truth p:
 * p·P(YES | home wins) + (1 − p)·P(YES | away wins) (strike-truth.ts), a
 * martingale like p, and the same law the books' spread/total lines quote.
 */

import { ladderSeriesFor } from '../kalshi/ladder-series.ts';
import {
  drawFinalScore,
  type FinalScore,
  gameTotalMean,
  type IntegerPmf,
  marginTruth,
  pmfOver,
  SPORT_TRUTH_SHAPES,
  type SportTruthShape,
  totalTruth,
} from './margin-truth.ts';
import type { Game, LaddersConfig } from './schema.ts';
import { StrikeTruth } from './strike-truth.ts';
import { probabilityOf, type TruthPath } from './truth.ts';
import type { SimGame, SimMarket } from './world.ts';

export type LadderKind = 'spread' | 'total';

export interface LadderMarket {
  kind: LadderKind;
  ticker: string;
  eventTicker: string;
  /** The strike as Kalshi lists it (`floor_strike`, strike_type `greater`): the named team's margin or the total. */
  floorStrike: number;
  /** Spreads: the team the market names (YES ⇔ its margin > floorStrike); totals: null (YES ⇔ total > floorStrike). */
  team: 'home' | 'away' | null;
  yesSubTitle: string;
  title: string;
  rulesPrimary: string;
  /** Position in the game's ladder truth table. */
  index: number;
}

export interface LadderEvent {
  kind: LadderKind;
  seriesTicker: string;
  eventTicker: string;
  title: string;
  /** The series' `fee_type`. */
  feeType: LaddersConfig['feeType'];
  markets: LadderMarket[];
}

/** Points between strikes when the scenario does not say (roughly a quarter of the sport's σ, in Kalshi's style). */
export const DEFAULT_LADDER_STEPS: Readonly<Record<string, { spread: number; total: number }>> = {
  americanfootball_nfl: { spread: 3, total: 3 },
  americanfootball_ncaaf: { spread: 3, total: 4 },
  basketball_nba: { spread: 3, total: 5 },
  basketball_wnba: { spread: 3, total: 4 },
  basketball_ncaab: { spread: 3, total: 4 },
  baseball_mlb: { spread: 1, total: 1 },
};

/** A game's ladders: the listed events, its drawn final score, and the truth of every strike through time. */
export class GameLadders {
  readonly events: LadderEvent[];
  readonly markets: LadderMarket[];
  readonly finalScore: FinalScore;
  /** The strike law the books quote from too (strike-truth.ts). */
  readonly truth: StrikeTruth;
  private readonly byTicker = new Map<string, LadderMarket>();

  constructor(
    readonly path: TruthPath,
    events: LadderEvent[],
    shape: SportTruthShape,
    totalMean: number,
    seed: number,
  ) {
    this.events = events;
    this.markets = events.flatMap((e) => e.markets);
    this.markets.forEach((m, i) => {
      m.index = i;
      this.byTicker.set(m.ticker, m);
    });
    const pOpen = path.at(path.times.openMs).home;
    this.truth = new StrikeTruth(shape, pOpen, totalMean);
    const outcome = path.outcome === 'away' ? 'away' : 'home';
    this.finalScore = drawFinalScore(shape, pOpen, outcome, totalMean, seed, path.game.id);
  }

  market(ticker: string): LadderMarket | undefined {
    return this.byTicker.get(ticker);
  }

  /** Does the final score pay YES on this market? */
  result(m: LadderMarket): 'yes' | 'no' {
    return yesAt(m, this.finalScore.margin, this.finalScore.total) ? 'yes' : 'no';
  }

  /** True P(YES) of a ladder market at scenario time `ms`: linear in the winner truth (strike-truth.ts). */
  probability(m: LadderMarket, ms: number): number {
    const p = this.path.at(ms).home;
    if (m.kind === 'total') return this.truth.at('total', m.floorStrike, p);
    // An away strike is "home margin < −s": no mass on a half point, so 1 − P(home margin > −s).
    return m.team === 'home'
      ? this.truth.at('spread', m.floorStrike, p)
      : 1 - this.truth.at('spread', -m.floorStrike, p);
  }
}

function yesAt(m: LadderMarket, margin: number, total: number): boolean {
  if (m.kind === 'total') return total > m.floorStrike;
  return m.team === 'home' ? margin > m.floorStrike : -margin > m.floorStrike;
}

/** The ladders in force for a game: its own switch, else the scenario's. */
export function laddersOf(game: Game, scenarioLadders: LaddersConfig | undefined): LaddersConfig | undefined {
  return game.ladders ?? scenarioLadders;
}

/** The half-point strike nearest even money. */
function medianStrike(d: IntegerPmf, around: number): number {
  let best = Math.round(around) + 0.5;
  let gap = Math.abs(pmfOver(d, best) - 0.5);
  for (let s = Math.round(around) - 60.5; s <= Math.round(around) + 60.5; s += 1) {
    const g = Math.abs(pmfOver(d, s) - 0.5);
    if (g < gap) {
      gap = g;
      best = s;
    }
  }
  return best;
}

function ladderStrikes(centre: number, count: number, step: number, min: number): number[] {
  const out: number[] = [];
  const first = centre - Math.floor((count - 1) / 2) * step;
  for (let k = 0; k < count; k++) {
    const s = first + k * step;
    if (s > min) out.push(s);
  }
  return out;
}

/** Names used in a game's ladder titles. */
export interface LadderNames {
  /** "Boston at Milwaukee" */
  title: string;
  home: string;
  away: string;
  league: string;
  /** Scheduled day with its year, as in the winner's rules ("Nov 14, 2026"). */
  dayWithYear: string;
}

/**
 * The ladders of one game, or undefined when none is switched on (or the
 * sport has no ladder series or truth shape, or the game is three-way).
 */
export function buildLadders(
  game: Game,
  path: TruthPath,
  seed: number,
  eventSuffix: string,
  names: LadderNames,
  config: LaddersConfig | undefined,
): GameLadders | undefined {
  if (!config || (!config.spreads && !config.totals) || game.outcomes !== 2) return undefined;
  const shape = SPORT_TRUTH_SHAPES[game.oddsSportKey];
  const steps = DEFAULT_LADDER_STEPS[game.oddsSportKey];
  if (!shape || !steps) return undefined;
  const unit = game.oddsSportKey.startsWith('baseball') ? 'Runs' : 'Points';
  const unitLower = unit.toLowerCase();
  const totalMean = gameTotalMean(shape, seed, game.id);
  const events: LadderEvent[] = [];
  const spreadSeries = ladderSeriesFor(game.oddsSportKey, 'spread');
  if (config.spreads && spreadSeries) {
    const eventTicker = `${spreadSeries}-${eventSuffix}`;
    const margin = marginTruth(shape, path.at(path.times.openMs).home);
    const centre = medianStrike(margin, 0);
    const markets = ladderStrikes(centre, config.strikes, config.spreadStep ?? steps.spread, -Infinity).map(
      (s): LadderMarket => {
        const team = s > 0 ? 'home' : 'away';
        const floor = Math.abs(s);
        const who = team === 'home' ? names.home : names.away;
        const code = team === 'home' ? game.home.code : game.away.code;
        return {
          kind: 'spread',
          ticker: `${eventTicker}-${code}${Math.ceil(floor)}`,
          eventTicker,
          floorStrike: floor,
          team,
          yesSubTitle: `${who} wins by over ${floor} ${unit}`,
          title: `${names.title}: ${who} wins by over ${floor} ${unitLower}?`,
          rulesPrimary: `If ${who} wins the ${names.title} ${names.league} game originally scheduled for ${names.dayWithYear} by over ${floor} ${unitLower}, then the market resolves to Yes.`,
          index: 0,
        };
      },
    );
    events.push({
      kind: 'spread',
      seriesTicker: spreadSeries,
      eventTicker,
      title: `${names.title}: Spread`,
      feeType: config.feeType,
      markets,
    });
  }
  const totalSeries = ladderSeriesFor(game.oddsSportKey, 'total');
  if (config.totals && totalSeries) {
    const eventTicker = `${totalSeries}-${eventSuffix}`;
    const centre = medianStrike(totalTruth(shape, totalMean), totalMean);
    const markets = ladderStrikes(centre, config.strikes, config.totalStep ?? steps.total, 0).map(
      (s): LadderMarket => ({
        kind: 'total',
        ticker: `${eventTicker}-${Math.ceil(s)}`,
        eventTicker,
        floorStrike: s,
        team: null,
        yesSubTitle: `Over ${s} ${unitLower} scored`,
        title: `${names.title}: Over ${s} ${unitLower} scored?`,
        rulesPrimary: `If the ${names.title} ${names.league} game originally scheduled for ${names.dayWithYear} ends with over ${s} ${unitLower} scored in total, then the market resolves to Yes.`,
        index: 0,
      }),
    );
    events.push({
      kind: 'total',
      seriesTicker: totalSeries,
      eventTicker,
      title: `${names.title}: Total ${unit}`,
      feeType: config.feeType,
      markets,
    });
  }
  if (events.length === 0) return undefined;
  return new GameLadders(path, events, shape, totalMean, seed);
}

/** Every market a game lists: winners first (in their order), then its ladders. */
export type AnyMarket = SimMarket | LadderMarket;

export function isLadderMarket(m: AnyMarket): m is LadderMarket {
  return (m as LadderMarket).floorStrike !== undefined;
}

export function marketsOf(sim: SimGame): readonly AnyMarket[] {
  return sim.ladders ? [...sim.markets, ...sim.ladders.markets] : sim.markets;
}

/** The true probability of a market's YES at `ms`, winner or ladder. */
export function trueYes(sim: SimGame, m: AnyMarket, ms: number): number {
  if (isLadderMarket(m)) return sim.ladders!.probability(m, ms);
  return probabilityOf(sim.path.at(ms), m.outcome);
}

/** The market kind the ruler reports apart: winner, spread or total. */
export type MarketKind = 'winner' | LadderKind;

export function kindOf(m: AnyMarket): MarketKind {
  return isLadderMarket(m) ? m.kind : 'winner';
}
