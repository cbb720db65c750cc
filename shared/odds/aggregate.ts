/**
 * Odds → theo for one event: de-vig each bookmaker separately, then a weighted
 * average across books, Pinnacle heaviest, stale lines discounted, outliers
 * rejected. Pure: `asOf` is passed in, nothing reads a clock.
 *
 * Every book the event lists ends up either in `books.used` or in
 * `books.dropped` with a reason; an event without a usable consensus is a
 * `no-theo` with a reason, never silently missing.
 */
import * as z from 'zod';
import type { Micros } from '../units.ts';
import { MICROS_PER_CENT, MICROS_PER_DOLLAR } from '../units.ts';
import { americanToImplied, DEVIG_METHODS, type DevigMethod, decimalToImplied, devig } from './devig.ts';
import { medianAt } from './median.ts';
import { type EventOdds, type OddsTime, oddsTimeToMs } from './schemas.ts';

export type OddsFormat = 'decimal' | 'american';

export const DRAW = 'Draw';

const MINUTE = 60_000;

/**
 * Theo configuration; every field has a default (`TheoConfigSchema.parse({})`). Built on first use
 * (`z.lazy` memoises it): the odds Lambdas never parse one, and building it was part of their cold start.
 */
export const TheoConfigSchema = z.lazy(() =>
  z.object({
    /** de-vig method; Shin by default (see docs/THEO.md for why) */
    method: z.enum(DEVIG_METHODS).default('shin'),
    /** the Odds API market to price from */
    marketKey: z.string().min(1).default('h2h'),
    /** relative weight per bookmaker key; books not listed get defaultBookWeight */
    bookWeights: z.record(z.string(), z.number().nonnegative()).default({ pinnacle: 3 }),
    defaultBookWeight: z.number().nonnegative().default(1),
    /** never in the theo: our own market and correlated prediction markets */
    excludedBooks: z.array(z.string()).default(['kalshi', 'polymarket']),
    /** sharp books: one fresh anchor is enough for a theo even below minBooks */
    anchorBooks: z.array(z.string()).default(['pinnacle']),
    minBooks: z.number().int().positive().default(3),
    /** line-age weight = 2^(−age / halfLife) */
    halfLifeMs: z
      .number()
      .positive()
      .default(10 * MINUTE),
    /** lines older than this are dropped outright */
    maxLineAgeMs: z
      .number()
      .positive()
      .default(60 * MINUTE),
    /** a line stamped this far after asOf counts as age 0 (clock skew); beyond, it is dropped */
    futureToleranceMs: z
      .number()
      .nonnegative()
      .default(2 * MINUTE),
    /** reject a book whose fair probability of any outcome is this far from the median, in logit units; null = off */
    outlierMaxLogitDistance: z.number().positive().nullable().default(0.25),
    /** outliers are judged only when at least this many books are eligible (a median of two means nothing) */
    outlierMinBooks: z.number().int().min(3).default(3),
    /** anchors move first on news; a sharp book far from the soft median is signal, not error */
    exemptAnchorsFromOutliers: z.boolean().default(true),
    /**
     * An anchor line older than this, while at least two fresher books agree on
     * a price this far from it (logit units, max over outcomes), is taken to be
     * lagging: it keeps only the default weight and stops counting as an anchor.
     * null = off.
     */
    anchorStaleMs: z
      .number()
      .nonnegative()
      .default(10 * MINUTE),
    anchorDriftLogit: z.number().positive().nullable().default(0.05),
    /**
     * The mirror rule: a book whose line is older than a fresh anchor's and this
     * far from it (logit, max over outcomes) has not caught up with the anchor's
     * move yet; its weight is multiplied by laggingWeightFactor. null = off.
     */
    laggingDriftLogit: z.number().positive().nullable().default(0.15),
    laggingWeightFactor: z.number().min(0).max(1).default(0.1),
    /** sports whose moneyline has a draw: there, one book pricing a Draw makes the market 3-way */
    drawSportPrefixes: z.array(z.string()).default(['soccer_']),
    /** a decimal price ≤ this is a placeholder or suspended line (≈ 99 %+ favourite) */
    placeholderMaxDecimal: z.number().min(1).default(1.01),
    /** accepted booksum − 1 range for one book; outside it the book is broken or stale */
    minOverround: z.number().default(-0.01),
    maxOverround: z.number().default(0.25),
  }),
);
export type TheoConfig = z.infer<typeof TheoConfigSchema>;
/**
 * `TheoConfigSchema.parse({})`, written out: a parse at import was part of every odds Lambda's cold start
 * (issue #16); test/shared/default-configs.test.ts keeps the two equal.
 */
export const DEFAULT_THEO_CONFIG: TheoConfig = {
  method: 'shin',
  marketKey: 'h2h',
  bookWeights: { pinnacle: 3 },
  defaultBookWeight: 1,
  excludedBooks: ['kalshi', 'polymarket'],
  anchorBooks: ['pinnacle'],
  minBooks: 3,
  halfLifeMs: 10 * MINUTE,
  maxLineAgeMs: 60 * MINUTE,
  futureToleranceMs: 2 * MINUTE,
  outlierMaxLogitDistance: 0.25,
  outlierMinBooks: 3,
  exemptAnchorsFromOutliers: true,
  anchorStaleMs: 10 * MINUTE,
  anchorDriftLogit: 0.05,
  laggingDriftLogit: 0.15,
  laggingWeightFactor: 0.1,
  drawSportPrefixes: ['soccer_'],
  placeholderMaxDecimal: 1.01,
  minOverround: -0.01,
  maxOverround: 0.25,
};

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
  /**
   * While books used here lag a fresh anchor (role 'lagging': older and far from it), the anchor's
   * fair probability minus the theo's, aligned with `outcomes`: how far the sharp book has moved
   * ahead of the consensus. Absent when no used book lags (the consensus has caught up).
   */
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

// One poll repeats a few hundred distinct stamps across thousands of book
// lines; formatting and parsing dates was a quarter of the aggregation's CPU
// (docs/BENCHMARKS.md, "Odds aggregation"). Both are pure, so memoised; the
// maps are cleared when they grow past a poll's worth of distinct stamps. A
// wire stamp's entry carries both its instant and its ISO form, so a used
// line's `lastUpdate` costs no second lookup.
const MEMO_LIMIT = 4096;
const isoMemo = new Map<number, string>();
interface Stamp {
  readonly ms: number;
  readonly iso: string;
}
/** null: the string is not a representable instant */
const stampMemo = new Map<string, Stamp | null>();

function isoOf(ms: number): string {
  let iso = isoMemo.get(ms);
  if (iso === undefined) {
    iso = new Date(ms).toISOString();
    if (isoMemo.size >= MEMO_LIMIT) isoMemo.clear();
    isoMemo.set(ms, iso);
  }
  return iso;
}

// A poll's lines share a few hundred distinct ages; 2^x per used line was the aggregation's dearest line.
const weightMemo = new Map<number, number>();
let weightMemoHalfLife = Number.NaN;

/** `ageWeight`, memoised per half-life. */
function ageWeightOf(ageMs: number, halfLifeMs: number): number {
  if (halfLifeMs !== weightMemoHalfLife) {
    weightMemo.clear();
    weightMemoHalfLife = halfLifeMs;
  }
  let w = weightMemo.get(ageMs);
  if (w === undefined) {
    w = ageWeight(ageMs, halfLifeMs);
    if (weightMemo.size >= MEMO_LIMIT) weightMemo.clear();
    weightMemo.set(ageMs, w);
  }
  return w;
}

function stampAt(ms: number): Stamp | null {
  return Number.isFinite(ms) ? { ms, iso: isoOf(ms) } : null;
}

function stampOf(t: OddsTime | undefined): Stamp | null {
  if (t === undefined) return null;
  if (typeof t !== 'string') return stampAt(oddsTimeToMs(t));
  let stamp = stampMemo.get(t);
  if (stamp === undefined) {
    stamp = stampAt(oddsTimeToMs(t));
    if (stampMemo.size >= MEMO_LIMIT) stampMemo.clear();
    stampMemo.set(t, stamp);
  }
  return stamp;
}

/**
 * Logits of the per-outcome medians (or of one book's probabilities), always in a Float64Array: arrays from
 * `map` came in different elements kinds and deoptimised the optimised computeTheo where they met (#16).
 */
function logitsOf(n: number, at: (i: number) => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = logit(at(i));
  return out;
}

/** Largest |logit(p[i]) − ref[i]| over a priced book's outcomes (ref already in logit units). */
function maxLogitDistance(c: Priced, ref: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < c.probabilities.length; i++) {
    // The book's logits, computed once when it was priced: the lagging and outlier rules both read them.
    const d = Math.abs((i === HOME ? c.logitHome : i === AWAY ? c.logitAway : c.logitDraw) - ref[i]!);
    if (Number.isNaN(d)) return Number.NaN; // as Math.max(...) would
    if (d > max) max = d;
  }
  return max;
}

/** Outcome slots of a candidate's prices: home, away, Draw (the names are distinct: checked first). */
const HOME = 0;
const AWAY = 1;
const DRAW_SLOT = 2;

interface Candidate {
  key: string;
  /** by slot (HOME, AWAY, DRAW_SLOT); read only where the slot's bit is set in `present` */
  readonly prices: Float64Array;
  /** bit `1 << slot` set = that slot is priced */
  present: number;
  /** how many slots are priced */
  priced: number;
  stampMs: number;
  /** the line's stamp as ISO (what `UsedBook.lastUpdate` reports) */
  stampIso: string;
  ageMs: number;
  /** set when the line is priced (pass 2); until then NOT_PRICED and NaN */
  probabilities: number[];
  overround: number;
  /** logit of each fair probability, by slot, set with `probabilities` (NaN for an unpriced slot) */
  logitHome: number;
  logitAway: number;
  logitDraw: number;
}

/**
 * A candidate whose fair probabilities are set. The same object: created
 * with every field (one hidden class), filled in by pass 2 rather than copied.
 */
type Priced = Candidate;
/** A placeholder only: never written to, and no unpriced candidate reaches a result. */
const NOT_PRICED: number[] = [];

/**
 * Candidates are reused across events and polls: one object, its prices and six boxed doubles per book
 * line were a third of computeTheo's allocation (issue #16). Safe because computeTheo is synchronous and
 * no candidate outlives its call (a result copies what it reports: `UsedBook`, the de-vig's own array).
 * Grows to the most books one event has listed.
 */
const candidatePool: Candidate[] = [];

function pooledCandidate(n: number): Candidate {
  let c = candidatePool[n];
  if (c === undefined) {
    // Every field from the start, doubles as doubles: one hidden class for every candidate (issue #16).
    c = {
      key: '',
      prices: new Float64Array(3),
      present: 0,
      priced: 0,
      stampMs: Number.NaN,
      stampIso: '',
      ageMs: Number.NaN,
      probabilities: NOT_PRICED,
      overround: Number.NaN,
      logitHome: Number.NaN,
      logitAway: Number.NaN,
      logitDraw: Number.NaN,
    };
    candidatePool.push(c);
  }
  return c;
}

/**
 * One line's raw implied probabilities, refilled per line: `devig` reads it and
 * returns fresh probabilities (no method keeps its input), so no array per line.
 * One per outcome count, written in place: clearing one array (`length = 0`)
 * dropped its backing store and the next push allocated another, per book line
 * (issue #16). Doubles from the start.
 */
const impliedTwoWay: number[] = [0.5, 0.5];
const impliedThreeWay: number[] = [0.5, 0.5, 0.5];

/**
 * Which book keys this event has listed: a key maps to the mark of the last event that listed it, so one
 * Map serves every event (a `Set` per event, grown book by book, was 64 bytes per book line; issue #16).
 * Setting an existing key to a small integer allocates nothing; the API has a few dozen book keys.
 */
const seenBooks = new Map<string, number>();
let seenMark = 0;

function nextSeenMark(): number {
  seenMark++;
  // Only between events (a clear inside one would forget its own keys): past a poll's worth of distinct
  // keys (bounded memory), or past the small-integer range.
  if (seenMark > 0x3fffffff || seenBooks.size >= MEMO_LIMIT) {
    seenBooks.clear();
    seenMark = 1;
  }
  return seenMark;
}

/** The theo of one event at `asOf`. Pure and total: bad data yields drops or a no-theo, never a throw. */
export function computeTheo(event: EventOdds, input: TheoInput): TheoResult {
  const config = input.config ?? DEFAULT_THEO_CONFIG;
  const { asOf } = input;
  // asOf comes from our own clock: a bad one is a programming error, not bad data.
  if (!Number.isFinite(asOf) || Math.abs(asOf) > 8.64e15) throw new RangeError(`asOf ${asOf} is not a time`);
  const used: UsedBook[] = [];
  const dropped: DroppedBook[] = [];
  const commenceMs = stampOf(event.commence_time)?.ms ?? null;
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

  // Pass 1: structure, freshness, outcome names.
  const seenMark = nextSeenMark();
  const candidates: Candidate[] = [];
  for (const book of event.bookmakers) {
    if (seenBooks.get(book.key) === seenMark) {
      drop(book.key, 'duplicate-book', 'bookmaker listed more than once');
      continue;
    }
    seenBooks.set(book.key, seenMark);
    const baseWeight = baseWeightOf(config, book.key);
    if (config.excludedBooks.includes(book.key) || baseWeight <= 0) {
      drop(book.key, 'excluded', baseWeight <= 0 ? 'weight is 0' : 'excluded by config');
      continue;
    }
    // Counted without a filtered array per book line (the common case is exactly one).
    let market: (typeof book.markets)[number] | undefined;
    let marketCount = 0;
    for (const m of book.markets) {
      if (m.key !== config.marketKey) continue;
      if (marketCount === 0) market = m;
      marketCount++;
    }
    if (market === undefined) {
      drop(book.key, 'no-market', `no ${config.marketKey} market`);
      continue;
    }
    if (marketCount > 1) {
      drop(book.key, 'duplicate-market', `${marketCount} ${config.marketKey} markets`);
      continue;
    }
    const stamp = stampOf(market.last_update) ?? stampOf(book.last_update);
    if (stamp === null) {
      drop(book.key, 'no-timestamp', 'neither the market nor the bookmaker has last_update');
      continue;
    }
    const stampMs = stamp.ms;
    const rawAge = asOf - stampMs;
    if (rawAge < -config.futureToleranceMs) {
      drop(book.key, 'line-after-as-of', `last_update ${stamp.iso} is after asOf ${isoOf(asOf)}`);
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
    // Slots, not a Map keyed by name: a Map and a Set lookup per outcome were a sixth of this pass.
    const c = pooledCandidate(candidates.length);
    const prices = c.prices;
    let present = 0;
    let priced = 0;
    let problem: [DropReason, string] | null = null;
    for (const o of market.outcomes) {
      const slot =
        o.name === event.home_team
          ? HOME
          : o.name === event.away_team
            ? AWAY
            : o.name === DRAW
              ? DRAW_SLOT
              : -1;
      if (slot < 0) {
        problem = ['unknown-outcome', `outcome "${o.name}" is neither team nor ${DRAW}`];
        break;
      }
      if ((present & (1 << slot)) !== 0) {
        problem = ['duplicate-outcome', `outcome "${o.name}" listed twice`];
        break;
      }
      prices[slot] = o.price;
      present |= 1 << slot;
      priced++;
    }
    if (problem) {
      drop(book.key, problem[0], problem[1]);
      continue;
    }
    // A double from the start (NaN, not a Smi 0): a field's representation changing from Smi to double was
    // a new hidden class, and every optimised computeTheo then deoptimised on "wrong map" (issue #16).
    c.key = book.key;
    c.present = present;
    c.priced = priced;
    c.stampMs = stampMs;
    c.stampIso = stamp.iso;
    c.ageMs = ageMs;
    c.probabilities = NOT_PRICED;
    c.overround = Number.NaN;
    c.logitHome = Number.NaN;
    c.logitAway = Number.NaN;
    c.logitDraw = Number.NaN;
    candidates.push(c);
  }

  // In a draw sport (soccer) one book pricing the Draw makes the market 3-way:
  // dropping the draw and renormalising two legs would be wrong. Elsewhere a
  // Draw needs a strict majority of books, so one rogue book cannot turn an
  // NBA game 3-way and knock out every correct book.
  let withDraw = 0;
  for (const c of candidates) if ((c.present & (1 << DRAW_SLOT)) !== 0) withDraw++;
  const drawSport = config.drawSportPrefixes.some((p) => event.sport_key.startsWith(p));
  const threeWay = drawSport ? withDraw > 0 : withDraw * 2 > candidates.length;
  const names = threeWay ? [event.home_team, event.away_team, DRAW] : [event.home_team, event.away_team];

  // Pass 2: prices and de-vig.
  const minImplied = 1 / config.placeholderMaxDecimal;
  const priced: Priced[] = [];
  for (const c of candidates) {
    let present = 0;
    for (let i = 0; i < names.length; i++) if ((c.present & (1 << i)) !== 0) present++;
    if (present < names.length) {
      const missing = names.filter((_, i) => (c.present & (1 << i)) === 0);
      drop(c.key, 'missing-outcome', `no price for ${missing.map((n) => `"${n}"`).join(', ')}`);
      continue;
    }
    if (c.priced > names.length) {
      drop(c.key, 'unknown-outcome', `prices a "${DRAW}" in a market the other books price 2-way`);
      continue;
    }
    const implied = names.length === 2 ? impliedTwoWay : impliedThreeWay;
    let problem: [DropReason, string] | null = null;
    for (let i = 0; i < names.length; i++) {
      const n = names[i]!;
      const price = c.prices[i]!;
      const r = input.oddsFormat === 'american' ? americanToImplied(price) : decimalToImplied(price);
      if (r === null) {
        problem = ['invalid-price', `"${n}" price ${price} is not a valid ${input.oddsFormat} price`];
        break;
      }
      if (r >= minImplied) {
        problem = ['placeholder-price', `"${n}" price ${price} implies ≥ ${(minImplied * 100).toFixed(1)} %`];
        break;
      }
      implied[i] = r;
    }
    if (problem) {
      drop(c.key, problem[0], problem[1]);
      continue;
    }
    let booksum = 0;
    for (let i = 0; i < implied.length; i++) booksum += implied[i]!;
    const overround = booksum - 1;
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
    // Filled in, not copied: a spread of the candidate here was once the
    // dearest line of the aggregation (a dictionary-mode copy per book).
    c.probabilities = fair.probabilities;
    c.overround = overround;
    c.logitHome = logit(fair.probabilities[HOME]!);
    c.logitAway = logit(fair.probabilities[AWAY]!);
    if (threeWay) c.logitDraw = logit(fair.probabilities[DRAW_SLOT]!);
    priced.push(c);
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
      const medians = logitsOf(names.length, (i) => medianAt(fresher, i));
      const dist = maxLogitDistance(a, medians);
      if (dist > drift) demoted.add(a.key);
    }
  }

  // Lines that have not caught up with a fresh anchor's move: older than the
  // anchor and far from it. Averaging them in would drag the theo back to the
  // pre-news price exactly while informed traders are hitting it.
  const lagging = new Set<string>();
  const lagDrift = config.laggingDriftLogit;
  let sharpRef: Priced | undefined;
  if (lagDrift !== null) {
    const ref = priced
      .filter((b) => isAnchor(b.key) && !demoted.has(b.key) && b.ageMs <= config.anchorStaleMs)
      .sort((x, y) => x.ageMs - y.ageMs || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))[0];
    sharpRef = ref;
    if (ref) {
      const refLogits = logitsOf(ref.probabilities.length, (i) => ref.probabilities[i]!);
      for (const b of priced) {
        if (isAnchor(b.key) || b.ageMs <= ref.ageMs) continue;
        const dist = maxLogitDistance(b, refLogits);
        if (dist > lagDrift) lagging.add(b.key);
      }
    }
  }

  // Outliers: distance from the per-outcome median in logit space.
  let eligible = priced;
  const maxDist = config.outlierMaxLogitDistance;
  if (maxDist !== null && priced.length >= config.outlierMinBooks) {
    const medians = logitsOf(names.length, (i) => medianAt(priced, i));
    eligible = priced.filter((b) => {
      if (config.exemptAnchorsFromOutliers && isAnchor(b.key) && !demoted.has(b.key)) return true;
      const dist = maxLogitDistance(b, medians);
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
      lastUpdate: b.stampIso,
      ageMs: b.ageMs,
      role,
      baseWeight,
      weight: baseWeight * ageWeightOf(b.ageMs, config.halfLifeMs),
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

  // Plain loops, summing in the same order as the reduce/map chains they replace (the same floats): those
  // chains' arrays changed elements kind between polls and deoptimised the optimised computeTheo (issue #16).
  let totalWeight = 0;
  let sumSquares = 0;
  for (let j = 0; j < live.length; j++) {
    totalWeight += live[j]!.weight;
    sumSquares += live[j]!.weight ** 2;
  }
  const raw = new Float64Array(names.length);
  let rawSum = 0;
  for (let i = 0; i < names.length; i++) {
    let s = 0;
    for (let j = 0; j < live.length; j++) s += live[j]!.weight * live[j]!.probabilities[i]!;
    raw[i] = s / totalWeight;
    rawSum += raw[i]!;
  }
  const outcomes: TheoOutcome[] = [];
  // As Math.max(...): −Infinity for no outcome, NaN as soon as one is NaN.
  let dispersion = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < names.length; i++) {
    const probability = raw[i]! / rawSum;
    outcomes.push({ name: names[i]!, probability });
    let s = 0;
    for (let j = 0; j < live.length; j++)
      s += live[j]!.weight * (live[j]!.probabilities[i]! - probability) ** 2;
    const sd = Math.sqrt(s / totalWeight);
    if (Number.isNaN(sd) || Number.isNaN(dispersion)) dispersion = Number.NaN;
    else if (sd > dispersion) dispersion = sd;
  }
  const effectiveBooks = totalWeight ** 2 / sumSquares;
  // The sharp book's lead over a consensus that still averages in books that have not caught up.
  const sharpLean =
    sharpRef !== undefined && live.some((b) => b.role === 'lagging')
      ? outcomes.map((o, i) => sharpRef.probabilities[i]! - o.probability)
      : undefined;
  // Field by field (same keys, same order as a spread of base): a spread copies in dictionary mode.
  return {
    eventId: base.eventId,
    sportKey: base.sportKey,
    homeTeam: base.homeTeam,
    awayTeam: base.awayTeam,
    commenceTime: base.commenceTime,
    asOf: base.asOf,
    method: base.method,
    books: base.books,
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
