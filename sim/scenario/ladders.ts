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
 * The final score is drawn once, at the end's winner truth, on the drawn
 * winner's side (margin > 0 ⇔ home won). At that truth p a strike's chance
 * f(p) comes from the margin truth (margin-truth.ts), for totals the exact
 * marginal of the total `drawFinalScore` draws (total ≥ |margin|, same
 * parity). Before the end the truth is E[f(p_end) | now]
 * (ladder-martingale.ts), a martingale like the winner truth.
 */

import { ladderSeriesFor } from '../kalshi/ladder-series.ts';
import { StrikeMartingale } from './ladder-martingale.ts';
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

/** pHome grid of the cached truth tables (linear interpolation between nodes). */
const NODES = 2000;

/** A game's ladders: the listed events, its drawn final score, and the truth of every strike through time. */
export class GameLadders {
  readonly events: LadderEvent[];
  readonly markets: LadderMarket[];
  readonly finalScore: FinalScore;
  private readonly shape: SportTruthShape;
  private readonly total: IntegerPmf;
  private readonly byTicker = new Map<string, LadderMarket>();
  /** node → P(YES) of every market of the ladder, in `index` order */
  private readonly table = new Map<number, Float64Array>();
  /** Suffix sums of the total's mass over one parity: evenOdd[q][k] = Σ_{j ≥ k, j ≡ q (mod 2)} mass[j]. */
  private readonly suffix: [Float64Array, Float64Array];

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
    this.shape = shape;
    this.total = totalTruth(shape, totalMean);
    const n = this.total.mass.length;
    const even = new Float64Array(n + 2);
    const odd = new Float64Array(n + 2);
    for (let k = n - 1; k >= 0; k--) {
      even[k] = (even[k + 2] ?? 0) + (k % 2 === 0 ? this.total.mass[k]! : 0);
      odd[k] = (odd[k + 2] ?? 0) + (k % 2 === 1 ? this.total.mass[k]! : 0);
    }
    // Fill the odd/even slot below each k so a lookup at any k of either parity sums from k up.
    for (let k = n - 1; k >= 0; k--) {
      if (k % 2 === 0) odd[k] = odd[k + 1] ?? 0;
      else even[k] = even[k + 1] ?? 0;
    }
    this.suffix = [even, odd];
    const outcome = path.outcome === 'away' ? 'away' : 'home';
    this.finalScore = drawFinalScore(
      shape,
      path.at(path.times.endMs).home,
      outcome,
      totalMean,
      seed,
      path.game.id,
    );
  }

  market(ticker: string): LadderMarket | undefined {
    return this.byTicker.get(ticker);
  }

  /** Does the final score pay YES on this market? */
  result(m: LadderMarket): 'yes' | 'no' {
    return yesAt(m, this.finalScore.margin, this.finalScore.total) ? 'yes' : 'no';
  }

  /**
   * True P(YES) of a ladder market at scenario time `ms`: E[f(p_end) | now], f(p) the strike's
   * probability under the margin truth at final winner truth p (ladder-martingale.ts).
   */
  probability(m: LadderMarket, ms: number): number {
    // From the end on nothing is left to come: f at the final truth, without the grid.
    if (ms >= this.path.times.endMs) return this.atAll(this.path.at(ms).home)[m.index]!;
    this.martingale ??= new StrikeMartingale(this.path, this.markets.length, (p) => this.atAll(p));
    return Math.min(1, Math.max(0, this.martingale.value(m.index, ms)));
  }

  private martingale: StrikeMartingale | undefined;

  /** Every strike's probability at a winner truth p (tabulated, linearly interpolated). */
  private atAll(pHome: number): Float64Array {
    const x = Math.min(0.995, Math.max(0.005, pHome)) * NODES;
    const lo = Math.floor(x);
    const w = x - lo;
    const a = this.row(lo);
    if (w === 0) return Float64Array.from(a);
    const b = this.row(lo + 1);
    return a.map((v, i) => v * (1 - w) + b[i]! * w);
  }

  private row(node: number): Float64Array {
    let r = this.table.get(node);
    if (!r) {
      r = this.compute(node / NODES);
      this.table.set(node, r);
    }
    return r;
  }

  private compute(pHome: number): Float64Array {
    const margin = marginTruth(this.shape, pHome);
    const out = new Float64Array(this.markets.length);
    for (const m of this.markets) {
      if (m.kind === 'spread') {
        const over = pmfOver(margin, m.floorStrike);
        out[m.index] = m.team === 'home' ? over : 1 - pmfOver(margin, -m.floorStrike);
      } else out[m.index] = this.totalOver(margin, m.floorStrike);
    }
    return out;
  }

  /** P(total > s) under drawFinalScore's draw: total from the total truth given total ≥ |m|, same parity. */
  private totalOver(margin: IntegerPmf, s: number): number {
    const n = this.total.mass.length;
    const first = Math.floor(s) + 1;
    let p = 0;
    for (let i = 0; i < margin.mass.length; i++) {
      const w = margin.mass[i]!;
      if (w === 0) continue;
      const a = Math.abs(margin.lo + i);
      const par = this.suffix[a % 2]!;
      const all = a < n ? par[a]! : 0;
      if (all <= 0) {
        p += a > s ? w : 0;
        continue;
      }
      const k = Math.max(a, first);
      p += (w * (k < n ? par[k]! : 0)) / all;
    }
    return Math.min(1, p);
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
