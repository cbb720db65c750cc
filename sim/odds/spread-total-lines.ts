/**
 * What a simulated bookmaker quotes for a game's spreads and totals (main and
 * alternate lines): the strike truth the ruler marks against
 * (sim/scenario/strike-truth.ts, the game's ladders' own when listed) as of the book's last update and lag, seen through the
 * book's own noise, marked up by its vig. Same update times as its moneyline
 * (lines.ts). Pure: the same inputs always give the same lines.
 *
 * The main line is the half-point strike nearest even money; alternates step
 * out from it on both sides while a side is still a price a book would post.
 */
import type { Market } from '../../shared/odds/schemas.ts';
import { gameTotalMean, SPORT_TRUTH_SHAPES, type SportTruthShape } from '../scenario/margin-truth.ts';
import { Rng } from '../scenario/rng.ts';
import type { BookmakerConfig } from '../scenario/schema.ts';
import { type StrikeKind, StrikeTruth } from '../scenario/strike-truth.ts';
import type { SimGame } from '../scenario/world.ts';
import { decimalPrice } from './lines.ts';

export const SIM_LINE_MARKETS = ['spreads', 'totals', 'alternate_spreads', 'alternate_totals'] as const;
export type SimLineMarket = (typeof SIM_LINE_MARKETS)[number];

export function isSimLineMarket(key: string): key is SimLineMarket {
  return (SIM_LINE_MARKETS as readonly string[]).includes(key);
}

/** Alternates on each side of the main line. */
const ALTERNATES_PER_SIDE = 8;
/** A book posts a line while both sides are within these probabilities (beyond, a 2-decimal price with the vig clamps near 1.02). */
const MIN_SIDE = 0.08;
/** Independent per-line error on top of the book's own view error (logit sd). */
const LINE_NOISE_LOGIT = 0.02;

function logit(p: number): number {
  return Math.log(p / (1 - p));
}
function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The half-point strike nearest even money at winner truth p. */
function mainStrike(truth: StrikeTruth, kind: StrikeKind, p: number, around: number): number {
  let best = Math.round(around) + 0.5;
  let bestGap = Math.abs(truth.at(kind, best, p) - 0.5);
  for (let s = Math.round(around) - 40.5; s <= Math.round(around) + 40.5; s += 1) {
    const gap = Math.abs(truth.at(kind, s, p) - 0.5);
    if (gap < bestGap) {
      bestGap = gap;
      best = s;
    }
  }
  return best;
}

function lineStrikes(
  truth: StrikeTruth,
  kind: StrikeKind,
  p: number,
  main: number,
  step: number,
  alternates: boolean,
): number[] {
  if (!alternates) return [main];
  const out: number[] = [];
  for (let k = -ALTERNATES_PER_SIDE; k <= ALTERNATES_PER_SIDE; k++) {
    const s = main + k * step;
    const q = truth.at(kind, s, p);
    if (q >= MIN_SIDE && q <= 1 - MIN_SIDE) out.push(s);
  }
  return out;
}

const truths = new WeakMap<SimGame, Map<number, StrikeTruth>>();

/** The game's strike truth: its listed ladders' own, else the same law built for the books (once per seed). */
export function strikeTruthOf(sim: SimGame, shape: SportTruthShape, seed: number): StrikeTruth {
  if (sim.ladders) return sim.ladders.truth;
  let bySeed = truths.get(sim);
  if (!bySeed) {
    bySeed = new Map();
    truths.set(sim, bySeed);
  }
  let t = bySeed.get(seed);
  if (!t) {
    t = new StrikeTruth(
      shape,
      sim.path.at(sim.path.times.openMs).home,
      gameTotalMean(shape, seed, sim.game.id),
    );
    bySeed.set(seed, t);
  }
  return t;
}

/** Step between alternate lines: about σ/12, at least one point. */
function step(sd: number): number {
  return Math.max(1, Math.round(sd / 12));
}

/**
 * The requested spread/total markets of one book for one two-way game, stamped
 * at `lastUpdateMs` (the book's moneyline update). Empty for a sport without
 * a truth shape or a 3-way game.
 */
export function spreadTotalMarkets(
  book: BookmakerConfig,
  sim: SimGame,
  keys: readonly SimLineMarket[],
  lastUpdateMs: number,
  seed: number,
  price: (decimal: number) => number,
  stamp: string | number,
): Market[] {
  const shape: SportTruthShape | undefined = SPORT_TRUTH_SHAPES[sim.game.oddsSportKey];
  if (!shape || keys.length === 0) return [];
  const asOf = lastUpdateMs - Math.round(book.lagSeconds * 1000);
  if (sim.path.at(asOf).draw !== undefined) return [];
  const truth = strikeTruthOf(sim, shape, seed);
  const p = sim.path.at(asOf).home;
  const noise = Rng.derive(seed, `spread-total/${book.key}/${sim.game.id}/${lastUpdateMs}`);
  // The book's view error moves its whole ladder; each line adds a little of its own.
  const marginShift = book.noiseLogit * noise.normal();
  const totalShift = book.noiseLogit * noise.normal();
  const home = sim.game.home.name;
  const away = sim.game.away.name;
  const out: Market[] = [];
  for (const key of keys) {
    const isSpread = key === 'spreads' || key === 'alternate_spreads';
    const kind: StrikeKind = isSpread ? 'spread' : 'total';
    const main = mainStrike(truth, kind, p, isSpread ? 0 : gameTotalMean(shape, seed, sim.game.id));
    const sd = isSpread ? shape.marginSd : shape.totalSd;
    const outcomes: Market['outcomes'] = [];
    for (const s of lineStrikes(truth, kind, p, main, step(sd), key.startsWith('alternate_'))) {
      const fair = truth.at(kind, s, p);
      const lineNoise = Rng.derive(seed, `line/${book.key}/${sim.game.id}/${lastUpdateMs}/${key}/${s}`);
      const q = sigmoid(
        logit(Math.min(0.999, Math.max(0.001, fair))) +
          (isSpread ? marginShift : totalShift) +
          LINE_NOISE_LOGIT * lineNoise.normal(),
      );
      if (isSpread) {
        // "home margin > s" is the home team at −s, the away team at +s.
        outcomes.push({ name: home, price: price(decimalPrice(q, book.vig)), point: -s });
        outcomes.push({ name: away, price: price(decimalPrice(1 - q, book.vig)), point: s });
      } else {
        outcomes.push({ name: 'Over', price: price(decimalPrice(q, book.vig)), point: s });
        outcomes.push({ name: 'Under', price: price(decimalPrice(1 - q, book.vig)), point: s });
      }
    }
    if (outcomes.length > 0) out.push({ key, last_update: stamp, outcomes });
  }
  return out;
}
