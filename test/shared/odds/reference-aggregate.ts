/**
 * Odds → theo for one event: de-vig each bookmaker separately, then a weighted
 * average across books, Pinnacle heaviest, stale lines discounted, outliers
 * rejected. Pure: `asOf` is passed in, nothing reads a clock.
 *
 * Every book the event lists ends up either in `books.used` or in
 * `books.dropped` with a reason; an event without a usable consensus is a
 * `no-theo` with a reason, never silently missing.
 */
// The configuration is production's own: the reference is of the computation, not of its settings.
import { DEFAULT_THEO_CONFIG, type TheoConfig } from '../../../shared/odds/aggregate.ts';
import { type EventOdds, type OddsTime, oddsTimeToMs } from '../../../shared/odds/schemas.ts';
import type { Micros } from '../../../shared/units.ts';
import { MICROS_PER_CENT, MICROS_PER_DOLLAR } from '../../../shared/units.ts';
import { americanToImplied, type DevigMethod, decimalToImplied, devig } from './reference-devig.ts';

export type OddsFormat = 'decimal' | 'american';

export const DRAW = 'Draw';

export const DROP_REASONS = [
  'excluded',
  'duplicate-book',
  'no-market',
  'duplicate-market',
  'no-timestamp',
  'line-after-as-of',
  'stale',
  'unknown-outcome',
  'duplicate-outcome',
  'missing-outcome',
  'invalid-price',
  'placeholder-price',
  'overround-out-of-range',
  'devig-failed',
  'outlier',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export const NO_THEO_REASONS = ['invalid-event', 'event-started', 'no-books', 'insufficient-books'] as const;
export type NoTheoReason = (typeof NO_THEO_REASONS)[number];

export interface UsedBook {
  key: string;
  /** ISO time of the line used (market stamp, else bookmaker stamp) */
  lastUpdate: string;
  ageMs: number;
  /** configured weight before age decay */
  baseWeight: number;
  /**
   * 'demoted-anchor': an anchor older than fresher books that moved away from it;
   * 'lagging': a book older than a fresh anchor and far from it (not caught up yet)
   */
  role: 'anchor' | 'book' | 'demoted-anchor' | 'lagging';
  /** baseWeight × age decay: the weight in the average */
  weight: number;
  overround: number;
  /** this book's fair probabilities, aligned with the theo's outcome order */
  probabilities: number[];
}

export interface DroppedBook {
  key: string;
  reason: DropReason;
  detail: string;
}

export interface TheoOutcome {
  name: string;
  probability: number;
}

interface TheoBase {
  eventId: string;
  sportKey: string;
  homeTeam: string;
  awayTeam: string;
  commenceTime: string;
  asOf: string;
  method: DevigMethod;
  books: { used: UsedBook[]; dropped: DroppedBook[] };
}

export interface Theo extends TheoBase {
  kind: 'theo';
  /** home, away, then Draw for a 3-way market; probabilities sum to 1 */
  outcomes: TheoOutcome[];
  threeWay: boolean;
  anchorUsed: boolean;
  /** (Σw)² / Σw²: how many equally weighted books the average is worth */
  effectiveBooks: number;
  /** largest weighted standard deviation of the books' fair probabilities over the outcomes */
  dispersion: number;
  sharpLean?: number[];
}

export interface NoTheo extends TheoBase {
  kind: 'no-theo';
  reason: NoTheoReason;
  detail: string;
}

export type TheoResult = Theo | NoTheo;

export interface TheoInput {
  /** the instant line age and game start are judged at (epoch ms) */
  asOf: number;
  oddsFormat: OddsFormat;
  config?: TheoConfig;
}

/** Weight of a line of this age: 1 when fresh, halving every half-life. Non-increasing in age. */
export function ageWeight(ageMs: number, halfLifeMs: number): number {
  return 2 ** (-Math.max(0, ageMs) / halfLifeMs);
}

/** Probability → integer Micros on the YES price scale (display only: order prices come from pricing). */
export function probabilityToMicros(p: number): Micros {
  if (!Number.isFinite(p)) throw new RangeError(`probability ${p} is not finite`);
  return Math.round(Math.min(1, Math.max(0, p)) * MICROS_PER_DOLLAR);
}

/** Probability → whole cents, rounded (display only). */
export function probabilityToCents(p: number): number {
  return Math.round(probabilityToMicros(p) / MICROS_PER_CENT);
}

/**
 * Which price format a saved response uses (`oddsFormat` is a request
 * parameter, not in the body). American prices are ≤ −100 or integers ≥ +100;
 * decimal prices are in (1, 100) in any real h2h market. Majority wins, so one
 * garbage price cannot flip a whole file; no prices → 'decimal' (the API default).
 */
export function detectOddsFormat(events: readonly EventOdds[]): OddsFormat {
  let american = 0;
  let decimal = 0;
  for (const e of events) {
    for (const b of e.bookmakers) {
      for (const m of b.markets) {
        for (const o of m.outcomes) {
          if (o.price <= -100 || (o.price >= 100 && Number.isInteger(o.price))) american++;
          else if (o.price > 1 && o.price < 100) decimal++;
        }
      }
    }
  }
  return american > decimal ? 'american' : 'decimal';
}

/** Own keys only: a bookmaker named "constructor" must not pick up Object.prototype. */
function baseWeightOf(config: TheoConfig, key: string): number {
  return Object.hasOwn(config.bookWeights, key) ? config.bookWeights[key]! : config.defaultBookWeight;
}

const logit = (p: number) => Math.log(p / (1 - p));

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

function timeMs(t: OddsTime | undefined): number | null {
  if (t === undefined) return null;
  const ms = oddsTimeToMs(t);
  return Number.isFinite(ms) ? ms : null;
}

interface Candidate {
  key: string;
  prices: Map<string, number>;
  stampMs: number;
  ageMs: number;
}

interface Priced extends Candidate {
  probabilities: number[];
  overround: number;
}

/** The theo of one event at `asOf`. Pure and total: bad data yields drops or a no-theo, never a throw. */
export function computeTheo(event: EventOdds, input: TheoInput): TheoResult {
  const config = input.config ?? DEFAULT_THEO_CONFIG;
  const { asOf } = input;
  // asOf comes from our own clock: a bad one is a programming error, not bad data.
  if (!Number.isFinite(asOf) || Math.abs(asOf) > 8.64e15) throw new RangeError(`asOf ${asOf} is not a time`);
  const used: UsedBook[] = [];
  const dropped: DroppedBook[] = [];
  const commenceMs = timeMs(event.commence_time);
  const base: TheoBase = {
    eventId: event.id,
    sportKey: event.sport_key,
    homeTeam: event.home_team,
    awayTeam: event.away_team,
    commenceTime: commenceMs === null ? String(event.commence_time) : isoOf(commenceMs),
    asOf: isoOf(asOf),
    method: config.method,
    books: { used, dropped },
  };
  const noTheo = (reason: NoTheoReason, detail: string): NoTheo => ({
    ...base,
    kind: 'no-theo',
    reason,
    detail,
  });

  if (commenceMs === null)
    return noTheo('invalid-event', `commence_time ${String(event.commence_time)} unreadable`);
  if (event.home_team === event.away_team) {
    return noTheo('invalid-event', `home_team and away_team are both "${event.home_team}"`);
  }
  if (event.home_team === DRAW || event.away_team === DRAW) {
    return noTheo('invalid-event', `a team is named "${DRAW}"`);
  }
  if (commenceMs <= asOf) {
    return noTheo('event-started', `commence_time ${isoOf(commenceMs)} is not after asOf ${isoOf(asOf)}`);
  }
  if (event.bookmakers.length === 0) return noTheo('no-books', 'the event lists no bookmakers');

  const drop = (key: string, reason: DropReason, detail: string) => dropped.push({ key, reason, detail });
  const teams = new Set([event.home_team, event.away_team]);

  // Pass 1: structure, freshness, outcome names.
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  for (const book of event.bookmakers) {
    if (seen.has(book.key)) {
      drop(book.key, 'duplicate-book', 'bookmaker listed more than once');
      continue;
    }
    seen.add(book.key);
    const baseWeight = baseWeightOf(config, book.key);
    if (config.excludedBooks.includes(book.key) || baseWeight <= 0) {
      drop(book.key, 'excluded', baseWeight <= 0 ? 'weight is 0' : 'excluded by config');
      continue;
    }
    const markets = book.markets.filter((m) => m.key === config.marketKey);
    if (markets.length === 0) {
      drop(book.key, 'no-market', `no ${config.marketKey} market`);
      continue;
    }
    if (markets.length > 1) {
      drop(book.key, 'duplicate-market', `${markets.length} ${config.marketKey} markets`);
      continue;
    }
    const market = markets[0]!;
    const stampMs = timeMs(market.last_update) ?? timeMs(book.last_update);
    if (stampMs === null) {
      drop(book.key, 'no-timestamp', 'neither the market nor the bookmaker has last_update');
      continue;
    }
    const rawAge = asOf - stampMs;
    if (rawAge < -config.futureToleranceMs) {
      drop(book.key, 'line-after-as-of', `last_update ${isoOf(stampMs)} is after asOf ${isoOf(asOf)}`);
      continue;
    }
    const ageMs = Math.max(0, rawAge);
    if (ageMs > config.maxLineAgeMs) {
      drop(
        book.key,
        'stale',
        `line is ${Math.round(ageMs / 1000)} s old (max ${config.maxLineAgeMs / 1000} s)`,
      );
      continue;
    }
    const prices = new Map<string, number>();
    let problem: [DropReason, string] | null = null;
    for (const o of market.outcomes) {
      if (!teams.has(o.name) && o.name !== DRAW) {
        problem = ['unknown-outcome', `outcome "${o.name}" is neither team nor ${DRAW}`];
        break;
      }
      if (prices.has(o.name)) {
        problem = ['duplicate-outcome', `outcome "${o.name}" listed twice`];
        break;
      }
      prices.set(o.name, o.price);
    }
    if (problem) {
      drop(book.key, problem[0], problem[1]);
      continue;
    }
    candidates.push({ key: book.key, prices, stampMs, ageMs });
  }

  // In a draw sport (soccer) one book pricing the Draw makes the market 3-way:
  // dropping the draw and renormalising two legs would be wrong. Elsewhere a
  // Draw needs a strict majority of books, so one rogue book cannot turn an
  // NBA game 3-way and knock out every correct book.
  const withDraw = candidates.filter((c) => c.prices.has(DRAW)).length;
  const drawSport = config.drawSportPrefixes.some((p) => event.sport_key.startsWith(p));
  const threeWay = drawSport ? withDraw > 0 : withDraw * 2 > candidates.length;
  const names = threeWay ? [event.home_team, event.away_team, DRAW] : [event.home_team, event.away_team];

  // Pass 2: prices and de-vig.
  const minImplied = 1 / config.placeholderMaxDecimal;
  const priced: Priced[] = [];
  for (const c of candidates) {
    const missing = names.filter((n) => !c.prices.has(n));
    if (missing.length > 0) {
      drop(c.key, 'missing-outcome', `no price for ${missing.map((n) => `"${n}"`).join(', ')}`);
      continue;
    }
    if (c.prices.size > names.length) {
      drop(c.key, 'unknown-outcome', `prices a "${DRAW}" in a market the other books price 2-way`);
      continue;
    }
    const implied: number[] = [];
    let problem: [DropReason, string] | null = null;
    for (const n of names) {
      const price = c.prices.get(n)!;
      const r = input.oddsFormat === 'american' ? americanToImplied(price) : decimalToImplied(price);
      if (r === null) {
        problem = ['invalid-price', `"${n}" price ${price} is not a valid ${input.oddsFormat} price`];
        break;
      }
      if (r >= minImplied) {
        problem = ['placeholder-price', `"${n}" price ${price} implies ≥ ${(minImplied * 100).toFixed(1)} %`];
        break;
      }
      implied.push(r);
    }
    if (problem) {
      drop(c.key, problem[0], problem[1]);
      continue;
    }
    const overround = implied.reduce((a, b) => a + b, 0) - 1;
    if (overround < config.minOverround || overround > config.maxOverround) {
      drop(
        c.key,
        'overround-out-of-range',
        `overround ${(overround * 100).toFixed(2)} % outside [${config.minOverround * 100}, ${config.maxOverround * 100}] %`,
      );
      continue;
    }
    const fair = devig(implied, config.method);
    if (!fair.ok) {
      drop(c.key, 'devig-failed', `${fair.reason}: ${fair.detail}`);
      continue;
    }
    priced.push({ ...c, probabilities: fair.probabilities, overround });
  }

  // A lagging anchor: older than the books that disagree with it. Pinnacle's
  // weight is for being sharp, not for being the last to move.
  const isAnchor = (key: string) => config.anchorBooks.includes(key);
  const demoted = new Set<string>();
  const drift = config.anchorDriftLogit;
  if (drift !== null) {
    for (const a of priced) {
      if (!isAnchor(a.key) || a.ageMs <= config.anchorStaleMs) continue;
      const fresher = priced.filter((b) => !isAnchor(b.key) && b.ageMs < a.ageMs);
      if (fresher.length < 2) continue;
      const medians = names.map((_, i) => logit(median(fresher.map((b) => b.probabilities[i]!))));
      const dist = Math.max(...a.probabilities.map((p, i) => Math.abs(logit(p) - medians[i]!)));
      if (dist > drift) demoted.add(a.key);
    }
  }

  // Lines that have not caught up with a fresh anchor's move: older than the
  // anchor and far from it. Averaging them in would drag the theo back to the
  // pre-news price exactly while informed traders are hitting it.
  const lagging = new Set<string>();
  let sharpRef: { probabilities: number[] } | undefined;
  const lagDrift = config.laggingDriftLogit;
  if (lagDrift !== null) {
    const ref = priced
      .filter((b) => isAnchor(b.key) && !demoted.has(b.key) && b.ageMs <= config.anchorStaleMs)
      .sort((x, y) => x.ageMs - y.ageMs || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))[0];
    sharpRef = ref;
    if (ref) {
      const refLogits = ref.probabilities.map(logit);
      for (const b of priced) {
        if (isAnchor(b.key) || b.ageMs <= ref.ageMs) continue;
        const dist = Math.max(...b.probabilities.map((p, i) => Math.abs(logit(p) - refLogits[i]!)));
        if (dist > lagDrift) lagging.add(b.key);
      }
    }
  }

  // Outliers: distance from the per-outcome median in logit space.
  let eligible = priced;
  const maxDist = config.outlierMaxLogitDistance;
  if (maxDist !== null && priced.length >= config.outlierMinBooks) {
    const medians = names.map((_, i) => logit(median(priced.map((b) => b.probabilities[i]!))));
    eligible = priced.filter((b) => {
      if (config.exemptAnchorsFromOutliers && isAnchor(b.key) && !demoted.has(b.key)) return true;
      const dist = Math.max(...b.probabilities.map((p, i) => Math.abs(logit(p) - medians[i]!)));
      if (dist <= maxDist) return true;
      drop(b.key, 'outlier', `${dist.toFixed(3)} logit from the median (max ${maxDist})`);
      return false;
    });
  }

  // Sorted by key so the float sums do not depend on the order the API listed the books in.
  for (const b of [...eligible].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))) {
    const role = demoted.has(b.key)
      ? 'demoted-anchor'
      : isAnchor(b.key)
        ? 'anchor'
        : lagging.has(b.key)
          ? 'lagging'
          : 'book';
    const configured = baseWeightOf(config, b.key);
    const baseWeight =
      role === 'demoted-anchor'
        ? Math.min(configured, config.defaultBookWeight)
        : role === 'lagging'
          ? configured * config.laggingWeightFactor
          : configured;
    used.push({
      key: b.key,
      lastUpdate: isoOf(b.stampMs),
      ageMs: b.ageMs,
      role,
      baseWeight,
      weight: baseWeight * ageWeight(b.ageMs, config.halfLifeMs),
      overround: b.overround,
      probabilities: b.probabilities,
    });
  }
  dropped.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));

  const anchorUsed = used.some((b) => b.role === 'anchor');
  const live = used.filter((b) => b.weight > 0);
  if (live.length === 0 || (live.length < config.minBooks && !anchorUsed)) {
    return noTheo(
      'insufficient-books',
      `${live.length} usable book(s) (min ${config.minBooks}) and no anchor (${config.anchorBooks.join(', ') || 'none'})`,
    );
  }

  const totalWeight = live.reduce((s, b) => s + b.weight, 0);
  const raw = names.map((_, i) => live.reduce((s, b) => s + b.weight * b.probabilities[i]!, 0) / totalWeight);
  const rawSum = raw.reduce((a, b) => a + b, 0);
  const outcomes = names.map((name, i) => ({ name, probability: raw[i]! / rawSum }));
  const dispersion = Math.max(
    ...outcomes.map((o, i) =>
      Math.sqrt(
        live.reduce((s, b) => s + b.weight * (b.probabilities[i]! - o.probability) ** 2, 0) / totalWeight,
      ),
    ),
  );
  const effectiveBooks = totalWeight ** 2 / live.reduce((s, b) => s + b.weight ** 2, 0);
  // The sharp anchor's lead over the consensus while a used book still lags it.
  const lags = sharpRef !== undefined && live.some((b) => b.role === 'lagging');
  const sharpLean = lags ? outcomes.map((o, i) => sharpRef!.probabilities[i]! - o.probability) : undefined;
  return {
    ...base,
    kind: 'theo',
    outcomes,
    threeWay,
    anchorUsed,
    effectiveBooks,
    dispersion,
    ...(sharpLean === undefined ? {} : { sharpLean }),
  };
}

export interface TheoSummary {
  events: number;
  theos: number;
  noTheo: Partial<Record<NoTheoReason, number>>;
  droppedBooks: Partial<Record<DropReason, number>>;
}

/** Theos for many events plus counts of every no-theo and dropped-book reason. */
export function computeTheos(
  events: readonly EventOdds[],
  input: TheoInput,
): { results: TheoResult[]; summary: TheoSummary } {
  const results = events.map((e) => computeTheo(e, input));
  const summary: TheoSummary = { events: results.length, theos: 0, noTheo: {}, droppedBooks: {} };
  for (const r of results) {
    if (r.kind === 'theo') summary.theos++;
    else summary.noTheo[r.reason] = (summary.noTheo[r.reason] ?? 0) + 1;
    for (const d of r.books.dropped)
      summary.droppedBooks[d.reason] = (summary.droppedBooks[d.reason] ?? 0) + 1;
  }
  return { results, summary };
}
