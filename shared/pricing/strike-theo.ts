/**
 * Theo per strike for one game: the winner theo (aggregate.ts) plus every
 * book's spread and total lines (odds/lines.ts), checked against each other,
 * weighted as for winners (configured book weight × line-age decay, Pinnacle
 * heaviest), fitted into a margin and a total distribution (margin-model.ts),
 * then read at any strike.
 *
 * Safety rules, each reported with a reason, never silent:
 * - a book whose spread lines imply another game than its own moneyline is
 *   dropped ('contradicts-moneyline'); a book whose total is far from every
 *   other book's is dropped ('total-outlier');
 * - a fit that misses the lines is refused (no theo for that market kind);
 * - a strike far from every line the fit used gets a wider edge, since there
 *   the model's shape, not the books, sets the price.
 */
import {
  ageWeight,
  computeTheo,
  DEFAULT_THEO_CONFIG,
  type TheoConfig,
  type TheoInput,
  type TheoResult,
} from '../odds/aggregate.ts';
import { type BookLine, type DroppedLine, type LineKind, readBookLines } from '../odds/lines.ts';
import type { EventOdds } from '../odds/schemas.ts';
import {
  type AnchoredCurve,
  buildAnchoredCurve,
  curveOver,
  curveUnder,
  knotOfLine,
} from './anchored-curve.ts';
import { fitKeyMargin, NFL_KEY_WEIGHTS } from './key-margin.ts';
import {
  type FitConfig,
  type FitLine,
  type FitResult,
  fitMargin,
  fitTotal,
  type IntegerNormal,
  lineProbability,
  meanForWinProbability,
  probabilityAt,
  probabilityOver,
} from './margin-model.ts';
import { DEFAULT_STRIKE_THEO_CONFIG, type StrikeTheoConfig } from './strike-config.ts';

export {
  DEFAULT_STRIKE_THEO_CONFIG,
  type SportShape,
  SportShapeSchema,
  type StrikeTheoConfig,
  StrikeTheoConfigSchema,
} from './strike-config.ts';

/** A line used by a fit, with its weight in it. */
export interface WeightedLine extends BookLine {
  weight: number;
}

export type KindRefusal = FitResult extends infer R ? (R extends { ok: false } ? R : never) : never;
export type KindResult =
  | FitResult
  | { ok: false; reason: 'unsupported-sport' | 'no-winner-theo'; detail: string; diagnostics: null };

export interface GameStrikeTheo {
  eventId: string;
  sportKey: string;
  homeTeam: string;
  awayTeam: string;
  winner: TheoResult;
  lines: { used: WeightedLine[]; dropped: DroppedLine[] };
  margin: KindResult;
  total: KindResult;
  /** the priced curves (books' consensus at their strikes, the model between); null when refused or not anchoring */
  marginCurve: AnchoredCurve | null;
  totalCurve: AnchoredCurve | null;
  /**
   * A model fit refused as poor but overruled because the books quote a dense
   * ladder their consensus curve reproduces within vig: the refusal's detail
   * (the ladder is priced from the books, the model only fills sub-point gaps).
   */
  shapeOverruled: { margin: string | null; total: string | null };
  /** |P(margin > 0) − winner theo| as priced (null without both) */
  winnerError: number | null;
}

/**
 * What pricing a strike reads from a game's fit: the subset of GameStrikeTheo a
 * stored record (shared/store/strike-theos.ts) rebuilds, so the worker prices
 * from the store exactly as `npm run theo` does from the odds.
 */
export interface PricedStrikeGame {
  sportKey: string;
  winner: { kind: 'theo'; outcomes: readonly { probability: number }[] } | { kind: 'no-theo' };
  lines: {
    used: readonly Pick<WeightedLine, 'book' | 'marketKey' | 'kind' | 'strike' | 'probability'>[];
  };
  margin: { ok: true; distribution: IntegerNormal } | { ok: false; reason: string; detail: string };
  total: { ok: true; distribution: IntegerNormal } | { ok: false; reason: string; detail: string };
  marginCurve: AnchoredCurve | null;
  totalCurve: AnchoredCurve | null;
}

/** A strike in model terms: P(value > threshold) ('over') or P(value < threshold) ('under'). */
export interface StrikeQuery {
  kind: LineKind;
  direction: 'over' | 'under';
  threshold: number;
}

export interface LineRef {
  book: string;
  marketKey: string;
  strike: number;
  probability: number;
}

export type StrikeTheo =
  | {
      ok: true;
      query: StrikeQuery;
      probability: number;
      /** the lines at the nearest used strikes below and above the threshold */
      fittedFrom: LineRef[];
      /** distance to the nearest used line, in σ */
      distanceSd: number;
      /** key numbers of the sport between the strike and its nearest line (spreads) */
      keyNumbersCrossed: number[];
      /** far from every line, or across a key number from it: the model, not the books, is speaking */
      wideEdge: boolean;
      /** extra edge (probability) to add on both sides of this strike's quote */
      extraEdge: number;
    }
  | { ok: false; query: StrikeQuery; reason: string; detail: string };

function baseWeight(config: TheoConfig, key: string): number {
  return Object.hasOwn(config.bookWeights, key) ? config.bookWeights[key]! : config.defaultBookWeight;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The mean at which the model prices "over s" at p with this σ (bisection; increasing in μ). */
function meanForLine(strike: number, p: number, sd: number, noTies: boolean): number {
  let lo = strike - 12 * sd;
  let hi = strike + 12 * sd;
  for (let i = 0; i < 100 && hi - lo > 1e-7; i++) {
    const mid = (lo + hi) / 2;
    if (lineProbability({ mean: mid, sd, noTies }, strike) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function fitConfig(config: StrikeTheoConfig, priorSd: number): FitConfig {
  return {
    priorSd,
    minSdFactor: config.minSdFactor,
    maxSdFactor: config.maxSdFactor,
    priorStrength: config.priorStrength,
    maxRmsError: config.maxRmsError,
    maxOutsideVig: config.maxOutsideVig,
  };
}

/**
 * Fits kept by their inputs, when a process turns it on (`memoiseStrikeTheos`): `npm run evaluate`'s
 * children run each strategy of a seed one after another, and the odds world polls the same odds at
 * the same instants for every strategy, so ≈ 85 % of the baselines' fits repeat ours. Keyed by the
 * inputs' content (and the config objects), the result is the one a fresh fit gives. Off by default:
 * a Lambda never sees the same (odds, instant) twice.
 */
let memo: WeakMap<object, WeakMap<object, Map<string, GameStrikeTheo>>> | null = null;
/** Fits kept per config pair before the memo starts again (one seed of the largest scenario is ≈ 100). */
const MEMO_MAX = 512;
export const strikeMemoStats = { hits: 0, misses: 0 };

/** Turns the fit memo on or off (off empties it). */
export function memoiseStrikeTheos(on: boolean): void {
  memo = on ? (memo ?? new WeakMap()) : null;
}

/** Every check and both fits for one game. Pure and total: the same inputs give an equal result. */
export function computeGameStrikeTheo(
  event: EventOdds,
  input: TheoInput,
  strikeConfig: StrikeTheoConfig = DEFAULT_STRIKE_THEO_CONFIG,
): GameStrikeTheo {
  if (!memo) return fitGameStrikes(event, input, strikeConfig);
  const theoConfig = input.config ?? DEFAULT_THEO_CONFIG;
  let byTheo = memo.get(strikeConfig);
  if (!byTheo) {
    byTheo = new WeakMap();
    memo.set(strikeConfig, byTheo);
  }
  let byKey = byTheo.get(theoConfig);
  if (!byKey) {
    byKey = new Map();
    byTheo.set(theoConfig, byKey);
  }
  const key = JSON.stringify([input.asOf, input.oddsFormat, event]);
  const kept = byKey.get(key);
  if (kept) {
    strikeMemoStats.hits++;
    return kept;
  }
  strikeMemoStats.misses++;
  const fitted = fitGameStrikes(event, input, strikeConfig);
  if (byKey.size >= MEMO_MAX) byKey.clear();
  byKey.set(key, fitted);
  return fitted;
}

/** `computeGameStrikeTheo` itself, never memoised. */
function fitGameStrikes(
  event: EventOdds,
  input: TheoInput,
  strikeConfig: StrikeTheoConfig = DEFAULT_STRIKE_THEO_CONFIG,
): GameStrikeTheo {
  const config = input.config ?? DEFAULT_THEO_CONFIG;
  const winner = computeTheo(event, input);
  const read = readBookLines(event, {
    asOf: input.asOf,
    oddsFormat: input.oddsFormat,
    method: config.method,
    excludedBooks: config.excludedBooks,
    maxLineAgeMs: config.maxLineAgeMs,
    futureToleranceMs: config.futureToleranceMs,
    placeholderMaxDecimal: config.placeholderMaxDecimal,
    minOverround: config.minOverround,
    maxOverround: config.maxOverround,
  });
  const dropped = [...read.dropped];
  const base = {
    eventId: event.id,
    sportKey: event.sport_key,
    homeTeam: event.home_team,
    awayTeam: event.away_team,
    winner,
  };
  const shape = Object.hasOwn(strikeConfig.sports, event.sport_key)
    ? strikeConfig.sports[event.sport_key]!
    : undefined;
  if (!shape) {
    const refusal = {
      ok: false as const,
      reason: 'unsupported-sport' as const,
      detail: `no margin/total shape configured for ${event.sport_key}`,
      diagnostics: null,
    };
    return {
      ...base,
      lines: { used: [], dropped },
      margin: refusal,
      total: refusal,
      marginCurve: null,
      totalCurve: null,
      shapeOverruled: { margin: null, total: null },
      winnerError: null,
    };
  }

  const dropBook = (lines: BookLine[], reason: DroppedLine['reason'], detail: string) => {
    for (const l of lines)
      dropped.push({ book: l.book, marketKey: l.marketKey, strike: l.strike, reason, detail });
  };
  const byBook = (kind: LineKind) => {
    const m = new Map<string, BookLine[]>();
    for (const l of read.lines.filter((x) => x.kind === kind)) m.set(l.book, [...(m.get(l.book) ?? []), l]);
    return m;
  };

  // Each book's own lines must fall with the strike.
  const keep = new Set<BookLine>();
  for (const kind of ['spread', 'total'] as const) {
    for (const [book, lines] of byBook(kind)) {
      const sorted = [...lines].sort((a, b) => a.strike - b.strike);
      const rise = sorted.findIndex(
        (l, i) => i > 0 && l.probability > sorted[i - 1]!.probability + strikeConfig.monotoneTolerance,
      );
      if (rise > 0) {
        dropBook(
          lines,
          'non-monotone',
          `${book}: P(over ${sorted[rise]!.strike}) ${sorted[rise]!.probability.toFixed(3)} > P(over ${sorted[rise - 1]!.strike}) ${sorted[rise - 1]!.probability.toFixed(3)}`,
        );
      } else for (const l of lines) keep.add(l);
    }
  }

  // Spreads against the same book's moneyline.
  const winnerProbability =
    winner.kind === 'theo' && !winner.threeWay ? winner.outcomes[0]!.probability : null;
  const spreadBooks = new Map(
    [...byBook('spread')]
      .map(([b, ls]) => [b, ls.filter((l) => keep.has(l))] as const)
      .filter(([, ls]) => ls.length),
  );
  for (const [book, lines] of spreadBooks) {
    const own = winner.books.used.find((u) => u.key === book);
    if (own?.probabilities.length !== 2) {
      for (const l of lines) keep.delete(l);
      dropBook(
        lines,
        'no-moneyline',
        `${book} has no moneyline in the winner theo to check its spreads against`,
      );
      continue;
    }
    const sd = shape.marginSd;
    const mlMean = meanForWinProbability(own.probabilities[0]!, sd, shape.noTies);
    // Judged on the main line (the book's line nearest even money): a tail line
    // reflects the shape as much as the mean, and the shape is the fit's job.
    const main =
      lines.find((l) => !l.alternate) ??
      lines.reduce((a, b) => (Math.abs(a.probability - 0.5) <= Math.abs(b.probability - 0.5) ? a : b));
    const worst = Math.abs(meanForLine(main.strike, main.probability, sd, shape.noTies) - mlMean);
    if (worst > strikeConfig.contradictionSd * sd) {
      for (const l of lines) keep.delete(l);
      dropBook(
        lines,
        'contradicts-moneyline',
        `${book}: its ${main.marketKey} line ${main.strike} implies a mean margin ${worst.toFixed(1)} points from its moneyline's ${mlMean.toFixed(1)} (max ${(strikeConfig.contradictionSd * sd).toFixed(1)})`,
      );
    }
  }

  // Totals against the other books' totals.
  const totalBooks = [...byBook('total')]
    .map(([b, ls]) => [b, ls.filter((l) => keep.has(l))] as const)
    .filter(([, ls]) => ls.length);
  if (totalBooks.length >= 3) {
    const mainOf = (ls: readonly BookLine[]) =>
      (
        ls.find((l) => !l.alternate) ??
        ls.reduce((a, b) => (Math.abs(a.probability - 0.5) <= Math.abs(b.probability - 0.5) ? a : b))
      ).strike;
    const mid = median(totalBooks.map(([, ls]) => mainOf(ls)));
    for (const [book, ls] of totalBooks) {
      const off = Math.abs(mainOf(ls) - mid);
      if (off > strikeConfig.totalOutlierSd * shape.totalSd) {
        for (const l of ls) keep.delete(l);
        dropBook(
          ls,
          'total-outlier',
          `${book}: main total ${mainOf(ls)} is ${off} from the books' median ${mid}`,
        );
      }
    }
  }

  let used: WeightedLine[] = read.lines
    .filter((l) => keep.has(l))
    .map((l) => ({ ...l, weight: baseWeight(config, l.book) * ageWeight(l.ageMs, config.halfLifeMs) }))
    .filter((l) => l.weight > 0)
    .sort((a, b) =>
      a.book < b.book ? -1 : a.book > b.book ? 1 : a.kind.localeCompare(b.kind) || a.strike - b.strike,
    );

  const toFit = (l: WeightedLine): FitLine => ({
    book: l.book,
    marketKey: l.marketKey,
    strike: l.strike,
    probability: l.probability,
    impliedOver: l.impliedOver,
    impliedUnder: l.impliedUnder,
    weight: l.weight,
  });
  // One noisy book must not cost the whole ladder: a book whose lines sit far
  // outside its own vig under a refused fit is dropped and the fit redone once,
  // provided it carries a minority of the weight.
  const offConsensus = (kind: LineKind, fitLines: (lines: FitLine[]) => FitResult): FitResult => {
    const lines = used.filter((l) => l.kind === kind);
    const first = fitLines(lines.map(toFit));
    if (first.ok || first.reason !== 'poor-fit' || !first.diagnostics) return first;
    const worst = new Map<string, number>();
    for (const r of first.diagnostics.lines)
      worst.set(r.book, Math.max(worst.get(r.book) ?? 0, r.outsideVig));
    const off = new Set([...worst].filter(([, v]) => v > strikeConfig.maxOutsideVig).map(([b]) => b));
    const weightOf = (ls: readonly WeightedLine[]) => ls.reduce((a, l) => a + l.weight, 0);
    const offLines = lines.filter((l) => off.has(l.book));
    if (
      off.size === 0 ||
      off.size === worst.size ||
      weightOf(offLines) > strikeConfig.maxOffConsensusWeight * weightOf(lines)
    )
      return first;
    for (const l of offLines) {
      dropped.push({
        book: l.book,
        marketKey: l.marketKey,
        strike: l.strike,
        reason: 'off-consensus',
        detail: `${l.book}: its ${kind} lines sit up to ${((worst.get(l.book) ?? 0) * 100).toFixed(2)}¢ outside its own vig under the fit of the other books`,
      });
    }
    used = used.filter((l) => !offLines.includes(l));
    return fitLines(lines.filter((l) => !off.has(l.book)).map(toFit));
  };
  let margin: KindResult =
    winnerProbability === null
      ? {
          ok: false,
          reason: 'no-winner-theo',
          detail:
            winner.kind === 'theo'
              ? 'the winner market is 3-way'
              : `winner: ${winner.reason}: ${winner.detail}`,
          diagnostics: null,
        }
      : strikeConfig.requireSpreadLines && !used.some((l) => l.kind === 'spread')
        ? {
            ok: false,
            reason: 'no-lines',
            detail: 'no usable spread line from any book (a prior σ alone does not price a strike)',
            diagnostics: null,
          }
        : offConsensus('spread', (lines) => {
            const common = {
              winProbability: winnerProbability,
              noTies: shape.noTies,
              lines,
              config: fitConfig(strikeConfig, shape.marginSd),
            };
            // Football: the key-number margin (key-margin.ts), else the plain integer normal.
            const keyed = Object.hasOwn(strikeConfig.keyMargins, event.sport_key)
              ? strikeConfig.keyMargins[event.sport_key]!
              : undefined;
            return keyed
              ? fitKeyMargin({
                  ...common,
                  keys: {
                    base: NFL_KEY_WEIGHTS,
                    strength: keyed.strength,
                    maxStrength: strikeConfig.maxKeyStrength,
                    strengthPrior: strikeConfig.keyStrengthPrior,
                  },
                })
              : fitMargin(common);
          });
  let total: KindResult = offConsensus('total', (lines) =>
    fitTotal({ lines, config: fitConfig(strikeConfig, shape.totalSd) }),
  );
  dropped.sort((a, b) => (a.book < b.book ? -1 : a.book > b.book ? 1 : 0));
  const curveFrom = (d: IntegerNormal, kind: LineKind, fixed: { at: number; value: number } | null) =>
    buildAnchoredCurve(
      d,
      used.filter((l) => l.kind === kind).map((l) => knotOfLine(d, l.strike, l.probability, l.weight)),
      fixed,
    );
  const shapeOverruled: { margin: string | null; total: string | null } = { margin: null, total: null };
  // A normal that misses a dense ladder (NFL key numbers) only fills sub-point
  // gaps between the books' own quotes: the ladder is priced from the books if
  // their consensus curve reproduces every line within its vig.
  const onBooks = (fit: KindResult, kind: LineKind, fixed: { at: number; value: number } | null) => {
    if (
      fit.ok ||
      fit.reason !== 'poor-fit' ||
      !fit.distribution ||
      !fit.diagnostics ||
      !strikeConfig.anchorToBooks
    )
      return null;
    const d = fit.distribution;
    const strikes = [...new Set(used.filter((l) => l.kind === kind).map((l) => l.strike))].sort(
      (a, b) => a - b,
    );
    const gaps = strikes.slice(1).map((x, i) => x - strikes[i]!);
    if (strikes.length < 5 || Math.max(...gaps) > strikeConfig.denseGapSd * d.sd) return null;
    const curve = curveFrom(d, kind, fixed);
    const priced = (x: number) => {
      const over = curveOver(curve, x);
      if (!Number.isInteger(x)) return over;
      const push = curveOver(curve, x - 1) - over;
      return push >= 1 ? 0.5 : over / (1 - push);
    };
    const worst = Math.max(
      ...used
        .filter((l) => l.kind === kind)
        .map((l) => {
          const p = priced(l.strike);
          return Math.max(1 - l.impliedUnder - p, p - l.impliedOver, 0);
        }),
    );
    if (worst > strikeConfig.maxOutsideVig) return null;
    shapeOverruled[kind === 'spread' ? 'margin' : 'total'] = fit.detail;
    return {
      curve,
      fit: { ok: true as const, distribution: d, sdSource: 'fitted' as const, diagnostics: fit.diagnostics },
    };
  };
  // Where ties cannot happen, P(margin > 0) = P(margin > ½): the winner theo, held fixed.
  const marginFixed =
    winnerProbability !== null && shape.noTies ? { at: 0.5, value: winnerProbability } : null;
  const marginOnBooks = onBooks(margin, 'spread', marginFixed);
  const totalOnBooks = onBooks(total, 'total', null);
  if (marginOnBooks) margin = marginOnBooks.fit;
  if (totalOnBooks) total = totalOnBooks.fit;
  const marginCurve =
    marginOnBooks?.curve ??
    (margin.ok && strikeConfig.anchorToBooks ? curveFrom(margin.distribution, 'spread', marginFixed) : null);
  const totalCurve =
    totalOnBooks?.curve ??
    (total.ok && strikeConfig.anchorToBooks ? curveFrom(total.distribution, 'total', null) : null);
  const winnerError =
    margin.ok && winnerProbability !== null
      ? Math.abs(
          (marginCurve ? curveOver(marginCurve, 0) : probabilityOver(margin.distribution, 0)) -
            winnerProbability,
        )
      : null;
  return {
    ...base,
    lines: { used, dropped },
    margin,
    total,
    marginCurve,
    totalCurve,
    shapeOverruled,
    winnerError,
  };
}

/** P(X < x) under the model. */
export function probabilityUnder(d: IntegerNormal, x: number): number {
  return Math.max(0, 1 - probabilityOver(d, x) - probabilityAt(d, x));
}

/** The theo of one strike, with the lines it leans on and its distance from them. */
export function strikeTheo(
  game: PricedStrikeGame,
  query: StrikeQuery,
  config: StrikeTheoConfig = DEFAULT_STRIKE_THEO_CONFIG,
): StrikeTheo {
  const fit = query.kind === 'spread' ? game.margin : game.total;
  if (!fit.ok) return { ok: false, query, reason: fit.reason, detail: fit.detail };
  if (!Number.isFinite(query.threshold)) {
    return { ok: false, query, reason: 'invalid-strike', detail: `threshold ${query.threshold}` };
  }
  const d = fit.distribution;
  const curve = query.kind === 'spread' ? game.marginCurve : game.totalCurve;
  const probability = curve
    ? query.direction === 'over'
      ? curveOver(curve, query.threshold)
      : curveUnder(curve, query.threshold)
    : query.direction === 'over'
      ? probabilityOver(d, query.threshold)
      : probabilityUnder(d, query.threshold);
  const refs: LineRef[] = game.lines.used
    .filter((l) => l.kind === query.kind)
    .map((l) => ({ book: l.book, marketKey: l.marketKey, strike: l.strike, probability: l.probability }));
  if (query.kind === 'spread' && game.winner.kind === 'theo') {
    // The moneyline is the margin's line at 0.
    refs.push({
      book: 'consensus',
      marketKey: 'h2h',
      strike: 0,
      probability: game.winner.outcomes[0]!.probability,
    });
  }
  const below = Math.max(...refs.filter((r) => r.strike <= query.threshold).map((r) => r.strike));
  const above = Math.min(...refs.filter((r) => r.strike >= query.threshold).map((r) => r.strike));
  const fittedFrom = refs.filter((r) => r.strike === below || r.strike === above);
  const nearest = Math.min(
    Number.isFinite(below) ? query.threshold - below : Number.POSITIVE_INFINITY,
    Number.isFinite(above) ? above - query.threshold : Number.POSITIVE_INFINITY,
  );
  const distanceSd = nearest / d.sd;
  const excess = Math.max(0, distanceSd - config.nearLineSd);
  // Key numbers between the strike and its nearest line: the normal spreads
  // their mass evenly, the real distribution piles it up there, so the line
  // says little about this strike (measured: up to ~9¢ on the NFL truth).
  const line =
    Number.isFinite(below) && (!Number.isFinite(above) || query.threshold - below <= above - query.threshold)
      ? below
      : above;
  const keys =
    query.kind === 'spread' && Object.hasOwn(config.keyNumbers, game.sportKey)
      ? config.keyNumbers[game.sportKey]!.flatMap((k) => [k, -k])
      : [];
  const lo = Math.min(line, query.threshold);
  const hi = Math.max(line, query.threshold);
  const keyNumbersCrossed = Number.isFinite(line)
    ? keys
        .filter((k) => (query.direction === 'over' ? lo < k && k <= hi : lo <= k && k < hi))
        .sort((a, b) => a - b)
    : [];
  // A margin with key masses (key-margin.ts) prices across them, wider; a
  // plain normal (no key model for the sport, or a fit stored before it) cannot.
  if (!d.keys?.length && keyNumbersCrossed.length > config.maxKeyNumbersCrossed) {
    return {
      ok: false,
      query,
      reason: 'across-key-numbers',
      detail: `key numbers ${keyNumbersCrossed.join(', ')} lie between strike ${query.threshold} and the nearest line ${line}: the normal cannot price across them`,
    };
  }
  const extra = excess * config.extraEdgePerSd + keyNumbersCrossed.length * config.keyNumberEdge;
  return {
    ok: true,
    query,
    probability,
    fittedFrom,
    distanceSd,
    keyNumbersCrossed,
    wideEdge: excess > 0 || keyNumbersCrossed.length > 0,
    extraEdge: Math.min(config.maxExtraEdge, extra),
  };
}
