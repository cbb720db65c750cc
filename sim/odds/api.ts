/**
 * The Odds API v4 request handling, independent of the socket: routing,
 * parameter validation with the real error codes, apiKey check, quota
 * accounting (markets × regions, a bookmaker list of n counting as ⌈n/10⌉
 * regions, free when nothing comes back), the per-second frequency limit and
 * the outage/slow/quota faults. `server.ts` puts it on a loopback socket.
 */
import type { Bookmaker, ErrorBody, EventOdds, OddsApiEvent } from '../../shared/odds/schemas.ts';
import { hash32 } from '../scenario/rng.ts';
import type { BookmakerConfig, OddsFaultName } from '../scenario/schema.ts';
import { announcedStartMs } from '../scenario/truth.ts';
import type { SimGame, World } from '../scenario/world.ts';
import { americanPrice, bookLine } from './lines.ts';
import { sportsOf, sportTitle } from './sports.ts';
import { isSimLineMarket, spreadTotalMarkets } from './spread-total-lines.ts';

export const REGIONS = ['us', 'us2', 'uk', 'eu', 'au', 'us_ex', 'us_dfs', 'fr', 'se'] as const;
/** Markets `/odds` serves; anything else there is 422 INVALID_MARKET. */
export const FEATURED_MARKETS = [
  'h2h',
  'spreads',
  'totals',
  'outrights',
  'h2h_lay',
  'outrights_lay',
] as const;
const DETAILS = 'https://the-odds-api.com/liveapi/guides/v4/api-error-codes.html#';

export interface OddsResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** Wall milliseconds to hold the response (the `slow` fault). */
  delayMs: number;
}

export interface FaultState {
  on: boolean;
  params: Record<string, number>;
}

export interface OddsFaults {
  set(name: OddsFaultName, on: boolean, params?: Record<string, number>): void;
  isOn(name: OddsFaultName): boolean;
  params(name: OddsFaultName): Record<string, number>;
  active(): OddsFaultName[];
}

export function createOddsFaults(): OddsFaults {
  const state = new Map<OddsFaultName, FaultState>();
  return {
    set(name, on, params = {}) {
      state.set(name, { on, params });
    },
    isOn: (name) => state.get(name)?.on ?? false,
    params: (name) => state.get(name)?.params ?? {},
    active: () => [...state].filter(([, s]) => s.on).map(([n]) => n),
  };
}

export interface OddsApiState {
  world: World;
  apiKey: string;
  quotaLimit: number;
  quotaUsed: number;
  maxRequestsPerSecond: number;
  faults: OddsFaults;
  /** Wall-clock request times inside the last second (frequency limit). */
  recent: number[];
  /** Every request handled (for tests and the run summary). */
  requests: number;
}

export function createOddsApiState(world: World, apiKey: string, faults = createOddsFaults()): OddsApiState {
  return {
    world,
    apiKey,
    quotaLimit: world.scenario.odds.quota.limit,
    quotaUsed: world.scenario.odds.quota.used,
    maxRequestsPerSecond: world.scenario.odds.maxRequestsPerSecond,
    faults,
    recent: [],
    requests: 0,
  };
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly quotaHeaders = true,
  ) {
    super(message);
  }
}

function errorBody(code: string, message: string): ErrorBody {
  return { message, error_code: code, details_url: `${DETAILS}${code.toLowerCase().replaceAll('_', '-')}` };
}

function remaining(s: OddsApiState): number {
  return s.faults.isOn('quotaExhausted') ? 0 : Math.max(0, s.quotaLimit - s.quotaUsed);
}

function quotaHeaders(s: OddsApiState, last: number): Record<string, string> {
  return {
    'x-requests-remaining': String(remaining(s)),
    'x-requests-used': String(s.quotaUsed),
    'x-requests-last': String(last),
  };
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface Format {
  odds: 'decimal' | 'american';
  date: 'iso' | 'unix';
}

function time(ms: number, f: Format): string | number {
  return f.date === 'unix' ? Math.floor(ms / 1000) : isoSeconds(ms);
}

function list(q: URLSearchParams, name: string): string[] | null {
  const raw = q.get(name);
  if (raw === null) return null;
  return [
    ...new Set(
      raw
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x.length > 0),
    ),
  ];
}

function parseFormat(q: URLSearchParams): Format {
  const odds = q.get('oddsFormat') ?? 'decimal';
  if (odds !== 'decimal' && odds !== 'american')
    throw new ApiError(
      422,
      'INVALID_ODDS_FORMAT',
      `Invalid oddsFormat: ${odds.slice(0, 20)}. Use decimal or american`,
    );
  const date = q.get('dateFormat') ?? 'iso';
  if (date !== 'iso' && date !== 'unix')
    throw new ApiError(
      422,
      'INVALID_DATE_FORMAT',
      `Invalid dateFormat: ${date.slice(0, 20)}. Use iso or unix`,
    );
  return { odds, date };
}

function parseEventIds(q: URLSearchParams): Set<string> | null {
  const ids = list(q, 'eventIds');
  if (ids === null) return null;
  for (const id of ids)
    if (!/^[0-9a-f]{32}$/.test(id))
      throw new ApiError(422, 'INVALID_EVENT_IDS', `Invalid eventIds: ${id.slice(0, 40)}`);
  return new Set(ids);
}

function parseCommenceRange(q: URLSearchParams): { from: number; to: number } {
  const read = (name: 'commenceTimeFrom' | 'commenceTimeTo', code: string): number | null => {
    const raw = q.get(name);
    if (raw === null) return null;
    const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)
      ? Date.parse(raw)
      : Number.NaN;
    if (Number.isNaN(ms))
      throw new ApiError(422, code, `Invalid ${name}: expected ISO 8601 like 2023-09-09T00:00:00Z`);
    return ms;
  };
  const from = read('commenceTimeFrom', 'INVALID_COMMENCE_TIME_FROM');
  const to = read('commenceTimeTo', 'INVALID_COMMENCE_TIME_TO');
  if (from !== null && to !== null && to <= from)
    throw new ApiError(
      422,
      'INVALID_COMMENCE_TIME_RANGE',
      'commenceTimeTo must be later than commenceTimeFrom',
    );
  return { from: from ?? Number.NEGATIVE_INFINITY, to: to ?? Number.POSITIVE_INFINITY };
}

/** The bookmakers a request selects and how many regions it is billed for. */
function parseBooks(s: OddsApiState, q: URLSearchParams): { books: BookmakerConfig[]; regions: number } {
  const keys = list(q, 'bookmakers');
  if (keys !== null && keys.length > 0) {
    for (const k of keys)
      if (!/^[a-z0-9_]+$/.test(k))
        throw new ApiError(422, 'INVALID_BOOKMAKERS', `Invalid bookmakers: ${k.slice(0, 40)}`);
    // bookmakers overrides regions; every 10 books bill as one region.
    return {
      books: s.world.scenario.bookmakers.filter((b) => keys.includes(b.key)),
      regions: Math.ceil(keys.length / 10),
    };
  }
  const regions = list(q, 'regions');
  if (regions === null || regions.length === 0)
    throw new ApiError(
      422,
      'MISSING_REGION',
      'Missing regions parameter. Specify one or more regions, or bookmakers',
    );
  for (const r of regions)
    if (!(REGIONS as readonly string[]).includes(r))
      throw new ApiError(422, 'INVALID_REGION', `Invalid region: ${r.slice(0, 20)}`);
  return {
    books: s.world.scenario.bookmakers.filter((b) => regions.includes(b.region)),
    regions: regions.length,
  };
}

function parseMarkets(q: URLSearchParams, featuredOnly: boolean): string[] {
  const markets = list(q, 'markets') ?? ['h2h'];
  if (markets.length === 0) return ['h2h'];
  if (featuredOnly) {
    const bad = markets.filter((m) => !(FEATURED_MARKETS as readonly string[]).includes(m));
    if (bad.length > 0)
      throw new ApiError(
        422,
        'INVALID_MARKET',
        `Markets not supported by this endpoint: ${bad.join(',').slice(0, 80)}`,
      );
  } else {
    for (const m of markets)
      if (!/^[a-z0-9_]+$/.test(m))
        throw new ApiError(422, 'INVALID_MARKET', `Invalid market: ${m.slice(0, 40)}`);
  }
  return markets;
}

/** Games listed now: markets open, not yet completed (completed events are never returned). */
function listed(s: OddsApiState, nowMs: number): SimGame[] {
  return s.world.games
    .filter((g) => g.path.times.openMs <= nowMs && nowMs < g.path.times.endMs)
    .sort(
      (a, b) =>
        commenceMs(s, a, nowMs) - commenceMs(s, b, nowMs) || a.oddsEventId.localeCompare(b.oddsEventId),
    );
}

/** The commence time the books show now (start changes appear once announced). */
function commenceMs(s: OddsApiState, g: SimGame, nowMs: number): number {
  return announcedStartMs(g.game, s.world.startMs, nowMs);
}

function gamesOfSport(s: OddsApiState, sport: string, nowMs: number): SimGame[] {
  const games = listed(s, nowMs);
  if (sport !== 'upcoming') return games.filter((g) => g.game.oddsSportKey === sport);
  // `upcoming`: everything live plus the next 8 games across all sports.
  const live = games.filter((g) => g.path.times.startMs <= nowMs);
  const next = games.filter((g) => g.path.times.startMs > nowMs).slice(0, 8);
  return [...live, ...next];
}

function eventOf(s: OddsApiState, g: SimGame, f: Format, nowMs: number): OddsApiEvent {
  return {
    id: g.oddsEventId,
    sport_key: g.game.oddsSportKey,
    sport_title: sportTitle(s.world, g.game.oddsSportKey),
    commence_time: time(commenceMs(s, g, nowMs), f),
    home_team: g.game.home.name,
    away_team: g.game.away.name,
  };
}

function bookmakersOf(
  s: OddsApiState,
  g: SimGame,
  books: BookmakerConfig[],
  markets: string[],
  f: Format,
  nowMs: number,
): Bookmaker[] {
  const lineKeys = markets.filter(isSimLineMarket);
  if (!markets.includes('h2h') && lineKeys.length === 0) return []; // the books list moneylines, spreads, totals
  const out: Bookmaker[] = [];
  for (const book of books) {
    const line = bookLine(book, g, nowMs, s.world.seed, s.world.startMs);
    if (!line) continue;
    const price = (d: number) => (f.odds === 'american' ? americanPrice(d) : d);
    const outcomes = [
      { name: g.game.home.name, price: price(line.prices.home!) },
      { name: g.game.away.name, price: price(line.prices.away!) },
    ];
    if (line.prices.draw !== undefined) outcomes.push({ name: 'Draw', price: price(line.prices.draw) });
    // Outcome order is not fixed on the real API: consumers must match by name.
    if (hash32(`${book.key}/${g.oddsEventId}`) % 2 === 1) outcomes.reverse();
    const stamp = time(line.lastUpdateMs, f);
    const lineMarkets = spreadTotalMarkets(book, g, lineKeys, line.lastUpdateMs, s.world.seed, price, stamp);
    const h2h = markets.includes('h2h') ? [{ key: 'h2h', last_update: stamp, outcomes }] : [];
    if (h2h.length + lineMarkets.length === 0) continue;
    out.push({ key: book.key, title: book.title, last_update: stamp, markets: [...h2h, ...lineMarkets] });
  }
  return out;
}

/** A path segment, decoded; a malformed escape is a 404 like any unknown path. */
function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new ApiError(404, 'NOT_FOUND', 'Not found');
  }
}

function route(s: OddsApiState, url: URL, nowMs: number): { body: unknown; cost: number } {
  const q = url.searchParams;
  const parts = url.pathname.replace(/\/+$/, '').split('/').slice(1);
  if (parts[0] !== 'v4' || parts[1] !== 'sports') throw new ApiError(404, 'NOT_FOUND', 'Not found');
  if (parts.length === 2) {
    const all = q.get('all') === 'true';
    return { body: sportsOf(s.world).filter((x) => all || x.active), cost: 0 };
  }
  const sport = decodePart(parts[2] ?? '');
  const known = sport === 'upcoming' || sportsOf(s.world).some((x) => x.key === sport);
  if (!known) throw new ApiError(404, 'UNKNOWN_SPORT', 'Unknown sport');
  const f = parseFormat(q);
  if (parts.length === 4 && parts[3] === 'events') {
    const ids = parseEventIds(q);
    const range = parseCommenceRange(q);
    const games = gamesOfSport(s, sport, nowMs).filter(
      (g) =>
        (!ids || ids.has(g.oddsEventId)) &&
        commenceMs(s, g, nowMs) >= range.from &&
        commenceMs(s, g, nowMs) <= range.to,
    );
    return { body: games.map((g) => eventOf(s, g, f, nowMs)), cost: 0 };
  }
  if (parts.length === 4 && parts[3] === 'odds') {
    const markets = parseMarkets(q, true);
    // Futures keys take outrights only; game markets there are an invalid combination.
    const outrightsOnly = sportsOf(s.world).find((x) => x.key === sport)?.has_outrights ?? false;
    if (outrightsOnly && q.get('markets') === null) return { body: [], cost: 0 };
    if (outrightsOnly && markets.some((m) => !m.startsWith('outrights')))
      throw new ApiError(
        422,
        'INVALID_MARKET_COMBO',
        `Invalid market combination for ${sport}: use outrights`,
      );
    const { books, regions } = parseBooks(s, q);
    const ids = parseEventIds(q);
    const range = parseCommenceRange(q);
    const games = gamesOfSport(s, sport, nowMs).filter(
      (g) =>
        (!ids || ids.has(g.oddsEventId)) &&
        commenceMs(s, g, nowMs) >= range.from &&
        commenceMs(s, g, nowMs) <= range.to,
    );
    const body: EventOdds[] = games.map((g) => ({
      ...eventOf(s, g, f, nowMs),
      bookmakers: bookmakersOf(s, g, books, markets, f, nowMs),
    }));
    // "If no events are returned, the request will not count."
    return { body, cost: body.length === 0 ? 0 : markets.length * regions };
  }
  if (parts.length === 6 && parts[3] === 'events' && parts[5] === 'odds') {
    const id = decodePart(parts[4] ?? '');
    const markets = parseMarkets(q, false);
    const { books, regions } = parseBooks(s, q);
    const g = gamesOfSport(s, sport, nowMs).find((x) => x.oddsEventId === id);
    if (!g)
      throw new ApiError(
        404,
        'EVENT_NOT_FOUND',
        'Event not found. The event may have expired or the event id is invalid',
      );
    const bookmakers = bookmakersOf(s, g, books, markets, f, nowMs);
    // Billed on the unique markets actually returned.
    const returned = new Set(bookmakers.flatMap((b) => b.markets.map((m) => m.key)));
    const body: EventOdds = { ...eventOf(s, g, f, nowMs), bookmakers };
    return { body, cost: returned.size * regions };
  }
  throw new ApiError(404, 'NOT_FOUND', 'Not found');
}

/**
 * Handles one GET. `nowMs` is scenario time (what the books quote), `wallMs`
 * real time (the frequency limit counts real requests).
 */
export function handleOddsRequest(
  s: OddsApiState,
  method: string,
  url: URL,
  nowMs: number,
  wallMs: number,
): OddsResponse {
  s.requests++;
  const delayMs = s.faults.isOn('slow') ? (s.faults.params('slow')['delayMs'] ?? 2000) : 0;
  const fail = (e: ApiError): OddsResponse => ({
    status: e.status,
    headers: e.quotaHeaders ? quotaHeaders(s, 0) : {},
    body: errorBody(e.code, e.message),
    delayMs,
  });
  if (s.faults.isOn('outage')) {
    return { status: 503, headers: {}, body: { message: 'Service temporarily unavailable' }, delayMs };
  }
  s.recent = s.recent.filter((t) => wallMs - t < 1000);
  s.recent.push(wallMs);
  if (s.faults.isOn('rateLimit') || s.recent.length > s.maxRequestsPerSecond) {
    return fail(
      new ApiError(
        429,
        'EXCEEDED_FREQ_LIMIT',
        'Requests are being sent too frequently. Space out API calls over several seconds.',
      ),
    );
  }
  if (method !== 'GET')
    return { status: 405, headers: { allow: 'GET' }, body: { message: 'Method not allowed' }, delayMs };
  const key = url.searchParams.get('apiKey') ?? url.searchParams.get('api_key');
  if (key === null || key === '') return fail(new ApiError(401, 'MISSING_KEY', 'API key is missing', false));
  if (key !== s.apiKey)
    return fail(
      new ApiError(
        401,
        'INVALID_KEY',
        'API key is not valid. Get an API key at https://the-odds-api.com',
        false,
      ),
    );
  try {
    const { body, cost } = route(s, url, nowMs);
    if (cost > remaining(s)) {
      throw new ApiError(
        401,
        'OUT_OF_USAGE_CREDITS',
        'Usage quota has been reached. See usage plans at https://the-odds-api.com',
      );
    }
    s.quotaUsed += cost;
    return { status: 200, headers: quotaHeaders(s, cost), body, delayMs };
  } catch (e) {
    if (e instanceof ApiError) return fail(e);
    throw e;
  }
}
