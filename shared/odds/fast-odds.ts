/**
 * A validated fast path for `/odds` events: the same checks as
 * `EventOddsSchema` (schemas.ts) and the same output (unknown keys stripped,
 * keys in schema order), without zod's per-node machinery, which cost as
 * much as `JSON.parse` of the body (docs/BENCHMARKS.md, "Odds aggregation").
 *
 * It only ever says "yes, and here is exactly what zod would return" or "not
 * sure": anything unusual (a present-but-undefined key, an epoch-seconds
 * stamp...) returns null and the caller asks zod, so every
 * refusal keeps zod's error message. Date-time strings are judged by zod
 * itself, memoised: a poll repeats a few hundred distinct stamps across
 * thousands of book lines. `test/shared/odds/fast-odds.test.ts` proves
 * fast ≡ zod on generated valid and mutated events.
 */
import {
  type Bookmaker,
  type EventOdds,
  type LenientOddsParse,
  type Market,
  type Outcome,
  parseOddsResponseLenient,
  zOddsTime,
} from './schemas.ts';

const MEMO_LIMIT = 4096;
const timeMemo = new Map<string, boolean>();

/** zod's verdict on a date-time string, memoised (bounded: cleared past a poll's worth). */
function isOddsTimeString(s: string): boolean {
  let ok = timeMemo.get(s);
  if (ok === undefined) {
    ok = zOddsTime.safeParse(s).success;
    if (timeMemo.size >= MEMO_LIMIT) timeMemo.clear();
    timeMemo.set(s, ok);
  }
  return ok;
}

type Obj = Record<string, unknown>;

/**
 * Whether `o` is a plain object whose own enumerable keys are exactly `keys` (those whose bit is set in
 * `present`), in that order: then zod's output for it is a copy with the same keys and values, and an
 * owned body (below) can hand the object itself on. for-in (no key array allocated) also walks inherited
 * enumerable keys: a polluted prototype makes this false, the safe side.
 */
function exactly(o: Obj, keys: readonly string[], present: number): boolean {
  if (Object.getPrototypeOf(o) !== Object.prototype) return false;
  let i = 0;
  for (const k in o) {
    while (i < keys.length && (present & (1 << i)) === 0) i++;
    if (i === keys.length || k !== keys[i]) return false;
    i++;
  }
  while (i < keys.length && (present & (1 << i)) === 0) i++;
  return i === keys.length;
}

// Schema key orders (EventOddsSchema's), with a bit per key: required keys always set.
const OUTCOME_KEYS = ['name', 'price', 'point', 'description'] as const;
const MARKET_KEYS = ['key', 'last_update', 'outcomes'] as const;
const BOOKMAKER_KEYS = ['key', 'title', 'last_update', 'markets'] as const;
const EVENT_KEYS = [
  'id',
  'sport_key',
  'sport_title',
  'commence_time',
  'home_team',
  'away_team',
  'bookmakers',
] as const;

/**
 * Set while parsing an owned body (`parseOddsResponseFast(body, { owned: true })`): the caller gave up the
 * body, so an object already in zod's output shape is returned itself instead of copied (a third of the
 * odds path's allocation, issue #16). The arrays of such objects are kept too: JSON has no holes and no
 * named array properties. Module state, but set and reset within one synchronous call.
 */
let reuse = false;

/** zod's own object test (`util.isObject`): it then reads keys with `o[key]` and `key in o`, as we do. */
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length >= 1;
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const timeString = (v: unknown): v is string => typeof v === 'string' && isOddsTimeString(v);

// Optional keys: absent → left out, as zod does. A key present with the value undefined, which zod
// writes out as `key: undefined` and JSON never produces, is left to zod (null) like any other doubt.
// Written out per key: a computed `o[key]` lookup was a seventh of this path's time.

/** An optional `last_update`: undefined when absent, the stamp when valid, null to ask zod. */
function optionalTime(o: Obj, value: unknown): string | undefined | null {
  if (value === undefined) return 'last_update' in o ? null : undefined;
  return timeString(value) ? value : null;
}

function outcome(v: unknown): Outcome | null {
  if (!isObj(v)) return null;
  const { name, price, point, description } = v;
  if (!nonEmpty(name) || !finite(price)) return null;
  if (point !== undefined) {
    if (!finite(point)) return null;
  } else if ('point' in v) return null;
  if (description !== undefined) {
    if (typeof description !== 'string') return null;
  } else if ('description' in v) return null;
  if (
    reuse &&
    exactly(v, OUTCOME_KEYS, 0b11 | (point !== undefined ? 4 : 0) | (description !== undefined ? 8 : 0))
  )
    return v as Outcome;
  const out: Outcome = { name, price };
  if (point !== undefined) out.point = point;
  if (description !== undefined) out.description = description;
  return out;
}

/** `bookStamp`: the bookmaker's stamp, already valid; the market's is usually the same string (one lookup saved). */
function market(v: unknown, bookStamp: string | undefined): Market | null {
  if (!isObj(v)) return null;
  const { key, last_update, outcomes } = v;
  if (!nonEmpty(key) || !Array.isArray(outcomes)) return null;
  const stamp =
    last_update !== undefined && last_update === bookStamp ? bookStamp : optionalTime(v, last_update);
  if (stamp === null) return null;
  // Owned: outcomes are checked in place; the array is copied only from the first that is not itself.
  let outs: Outcome[] | null = reuse ? null : new Array(outcomes.length);
  for (let i = 0; i < outcomes.length; i++) {
    const o = outcome(outcomes[i]);
    if (o === null) return null;
    if (outs === null && o !== outcomes[i]) outs = outcomes.slice(0, i) as Outcome[];
    if (outs !== null) outs[i] = o;
  }
  if (outs === null) {
    if (exactly(v, MARKET_KEYS, 0b101 | (stamp !== undefined ? 2 : 0))) return v as Market;
    outs = outcomes as Outcome[];
  }
  return stamp === undefined ? { key, outcomes: outs } : { key, last_update: stamp, outcomes: outs };
}

function bookmaker(v: unknown): Bookmaker | null {
  if (!isObj(v)) return null;
  const { key, title, last_update, markets } = v;
  if (!nonEmpty(key) || typeof title !== 'string' || !Array.isArray(markets)) return null;
  const stamp = optionalTime(v, last_update);
  if (stamp === null) return null;
  let ms: Market[] | null = reuse ? null : new Array(markets.length);
  for (let i = 0; i < markets.length; i++) {
    const m = market(markets[i], stamp);
    if (m === null) return null;
    if (ms === null && m !== markets[i]) ms = markets.slice(0, i) as Market[];
    if (ms !== null) ms[i] = m;
  }
  if (ms === null) {
    if (exactly(v, BOOKMAKER_KEYS, 0b1011 | (stamp !== undefined ? 4 : 0))) return v as Bookmaker;
    ms = markets as Market[];
  }
  return stamp === undefined ? { key, title, markets: ms } : { key, title, last_update: stamp, markets: ms };
}

/**
 * `EventOddsSchema.parse(v)` when that certainly succeeds, computed without
 * zod; null when it might not (the caller then runs the schema for the verdict
 * and its message).
 */
export function fastEventOdds(v: unknown): EventOdds | null {
  if (!isObj(v)) return null;
  const { id, sport_key, sport_title, commence_time, home_team, away_team, bookmakers } = v;
  if (!nonEmpty(id) || !nonEmpty(sport_key) || !nonEmpty(home_team) || !nonEmpty(away_team)) return null;
  if (!timeString(commence_time) || !Array.isArray(bookmakers)) return null;
  let title: string | undefined;
  if (sport_title !== undefined) {
    if (typeof sport_title !== 'string') return null;
    title = sport_title;
  } else if ('sport_title' in v) return null;
  let books: Bookmaker[] | null = reuse ? null : new Array(bookmakers.length);
  for (let i = 0; i < bookmakers.length; i++) {
    const b = bookmaker(bookmakers[i]);
    if (b === null) return null;
    if (books === null && b !== bookmakers[i]) books = bookmakers.slice(0, i) as Bookmaker[];
    if (books !== null) books[i] = b;
  }
  if (books === null) {
    if (exactly(v, EVENT_KEYS, 0b1111011 | (title !== undefined ? 4 : 0))) return v as EventOdds;
    books = bookmakers as Bookmaker[];
  }
  // Keys in EventOddsSchema's order, as zod writes them.
  return title === undefined
    ? { id, sport_key, commence_time, home_team, away_team, bookmakers: books }
    : { id, sport_key, sport_title: title, commence_time, home_team, away_team, bookmakers: books };
}

/**
 * `parseOddsResponseLenient` with the fast path: the same result, zod only for the items it cannot vouch for.
 * `owned`: the caller hands the body over (a fresh `JSON.parse` nobody else holds or changes), so parts
 * already in the schema's exact shape become part of the result instead of being copied. Never for a body
 * someone may still change (the backtest's simulated API passes its own objects).
 */
export function parseOddsResponseFast(
  body: unknown,
  options?: { owned?: boolean },
): { ok: true; value: LenientOddsParse } | { ok: false; error: string } {
  reuse = options?.owned === true;
  try {
    return parseOddsResponseLenient(body, fastEventOdds);
  } finally {
    reuse = false;
  }
}
