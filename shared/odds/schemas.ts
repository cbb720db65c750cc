/**
 * The Odds API v4 wire formats (see docs/THEO.md and the reference API.md).
 *
 * These schemas describe the wire shape exactly (no transforms), so the same
 * types serve the client that parses responses and the simulator that produces
 * them. Unknown extra keys (include* flags add links, sids, limits, rotation
 * numbers) are tolerated and stripped; a missing or mistyped required field is
 * rejected, and `describeZodError` names the field by its path.
 *
 * Prices stay numbers on the wire: decimal (1.91) or American (-110) depending
 * on `oddsFormat`. Whether a price is *usable* (> 1.0 decimal, not a
 * placeholder) is a theo decision made in aggregate.ts, per book, not here:
 * one bad book must not throw away a whole event.
 */
import * as z from 'zod';

/** ISO 8601 (dateFormat=iso, the default) or epoch seconds (dateFormat=unix). */
export const zOddsTime = z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()], {
  error: 'expected an ISO 8601 date-time or epoch seconds',
});
export type OddsTime = z.infer<typeof zOddsTime>;

/** The largest instant a JS Date can hold (±8.64e15 ms). */
const MAX_DATE_MS = 8.64e15;

/** Wire time → epoch milliseconds; NaN when it is not a representable instant. */
export function oddsTimeToMs(t: OddsTime): number {
  const ms = typeof t === 'number' ? t * 1000 : Date.parse(t);
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? ms : Number.NaN;
}

const nonEmpty = z.string().min(1);

/** `GET /v4/sports` item. */
export const SportSchema = z.object({
  key: nonEmpty,
  group: z.string(),
  title: z.string(),
  description: z.string(),
  active: z.boolean(),
  has_outrights: z.boolean(),
});
export type Sport = z.infer<typeof SportSchema>;
export const SportsResponseSchema = z.array(SportSchema);
export type SportsResponse = z.infer<typeof SportsResponseSchema>;

/** One priced outcome. `name` is the team exactly as in home_team/away_team, or "Draw", "Over", "Under". */
export const OutcomeSchema = z.object({
  name: nonEmpty,
  price: z.number(),
  /** spreads/totals only */
  point: z.number().optional(),
  /** player name on props (event-odds endpoint) */
  description: z.string().optional(),
});
export type Outcome = z.infer<typeof OutcomeSchema>;

export const MarketSchema = z.object({
  /** "h2h", "spreads", "totals", "outrights", "h2h_lay", props… */
  key: nonEmpty,
  /** present on /odds since ~2023; preferred over the bookmaker-level stamp */
  last_update: zOddsTime.optional(),
  outcomes: z.array(OutcomeSchema),
});
export type Market = z.infer<typeof MarketSchema>;

export const BookmakerSchema = z.object({
  key: nonEmpty,
  title: z.string(),
  /** absent on some event-odds responses; markets[].last_update is then the only stamp */
  last_update: zOddsTime.optional(),
  markets: z.array(MarketSchema),
});
export type Bookmaker = z.infer<typeof BookmakerSchema>;

/** `GET /v4/sports/{sport}/events` item: an event without odds. */
export const EventSchema = z.object({
  id: nonEmpty,
  sport_key: nonEmpty,
  /** seen in real responses, missing from the oldest doc example */
  sport_title: z.string().optional(),
  commence_time: zOddsTime,
  home_team: nonEmpty,
  away_team: nonEmpty,
});
export type OddsApiEvent = z.infer<typeof EventSchema>;
export const EventsResponseSchema = z.array(EventSchema);
export type EventsResponse = z.infer<typeof EventsResponseSchema>;

/** An event with bookmaker odds: one item of `/odds`, or the whole body of `/events/{id}/odds`. */
export const EventOddsSchema = EventSchema.extend({
  /** may be [] (event listed, no prices yet) */
  bookmakers: z.array(BookmakerSchema),
});
export type EventOdds = z.infer<typeof EventOddsSchema>;

/** `GET /v4/sports/{sport}/odds`: an array of events. */
export const OddsResponseSchema = z.array(EventOddsSchema);
export type OddsResponse = z.infer<typeof OddsResponseSchema>;

/** `GET /v4/sports/{sport}/scores` item. Scores are strings on the wire. */
export const ScoreSchema = EventSchema.extend({
  completed: z.boolean(),
  scores: z.array(z.object({ name: nonEmpty, score: z.string() })).nullable(),
  last_update: zOddsTime.nullable(),
});
export type Score = z.infer<typeof ScoreSchema>;
export const ScoresResponseSchema = z.array(ScoreSchema);

/** Error codes we branch on (the API may send others; the schema accepts any string). */
export const ODDS_ERROR_CODES = [
  'MISSING_KEY',
  'INVALID_KEY',
  'DEACTIVATED_KEY',
  'OUT_OF_USAGE_CREDITS',
  'EXCEEDED_FREQ_LIMIT',
  'INVALID_MARKET',
  'INVALID_MARKET_COMBO',
  'INVALID_REGION',
  'MISSING_REGION',
  'INVALID_BOOKMAKERS',
  'INVALID_ODDS_FORMAT',
  'INVALID_DATE_FORMAT',
  'INVALID_EVENT_IDS',
  'INVALID_COMMENCE_TIME_RANGE',
  'UNKNOWN_SPORT',
  'EVENT_NOT_FOUND',
  'HISTORICAL_UNAVAILABLE_ON_FREE_USAGE_PLAN',
] as const;
export type KnownOddsErrorCode = (typeof ODDS_ERROR_CODES)[number];

/** Error body: `{ message, error_code, details_url? }`. Branch on error_code, never the message. */
export const ErrorBodySchema = z.object({
  message: z.string(),
  error_code: nonEmpty,
  details_url: z.string().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** A quota header value: a non-negative decimal number as a string ("19412", "0", "1.5"). */
const QUOTA_NUMBER = /^\d+(\.\d+)?$/;
const zQuotaValue = z.string().trim().regex(QUOTA_NUMBER, 'expected a non-negative number');

/** Quota headers, lower-case names (HTTP header names are case-insensitive). All may be absent (e.g. on 401). */
export const QuotaHeadersSchema = z.object({
  'x-requests-remaining': zQuotaValue.optional(),
  'x-requests-used': zQuotaValue.optional(),
  'x-requests-last': zQuotaValue.optional(),
});
export type QuotaHeaders = z.infer<typeof QuotaHeadersSchema>;

/** Credits: remaining until reset, used since reset, cost of this call. null = header absent or unreadable. */
export interface Quota {
  remaining: number | null;
  used: number | null;
  last: number | null;
}

type HeaderBag =
  | { get(name: string): string | null }
  | Record<string, string | string[] | number | undefined | null>;

function headerValue(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const bag = headers as Record<string, unknown>;
  for (const [k, v] of Object.entries(bag)) {
    if (k.toLowerCase() !== name) continue;
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') return first;
    if (typeof first === 'number') return String(first);
  }
  return undefined;
}

/**
 * Reads the three quota headers case-insensitively from a fetch `Headers`, an
 * undici/node header record, or a plain object. A malformed value reads as null
 * (counted as "unknown"), never throws: quota is advisory, the body is the data.
 */
export function parseQuota(headers: HeaderBag): Quota {
  const read = (name: keyof QuotaHeaders): number | null => {
    const raw = headerValue(headers, name);
    if (raw === undefined) return null;
    // A plain number, the usual header, is what the schema accepts untrimmed: read without zod's machinery.
    if (QUOTA_NUMBER.test(raw)) return Number(raw);
    const r = zQuotaValue.safeParse(raw);
    return r.success ? Number(r.data) : null;
  };
  return {
    remaining: read('x-requests-remaining'),
    used: read('x-requests-used'),
    last: read('x-requests-last'),
  };
}

/** A zod error as one line per issue, each naming the field by path: `[0].bookmakers[2].markets[0].outcomes[1].price: …`. */
export function describeZodError(error: z.ZodError, maxIssues = 5): string {
  const lines = error.issues.slice(0, maxIssues).map((issue) => {
    const path = issue.path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
      .join('');
    // zod says "expected string, received undefined" for an absent key: say it plainly.
    const message = / received undefined$/.test(issue.message)
      ? `required field missing (${issue.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, '')})`
      : issue.message;
    return `${path || '(root)'}: ${message}`;
  });
  const more = error.issues.length - maxIssues;
  if (more > 0) lines.push(`…and ${more} more issue(s)`);
  return lines.join('; ');
}

/** Outcome of parsing an `/odds` array leniently: good events kept, each bad one reported by index. */
export interface LenientOddsParse {
  events: EventOdds[];
  rejected: { index: number; id: string | null; error: string }[];
}

/**
 * Parses an `/odds` response event by event, so one malformed event is reported
 * and dropped instead of discarding every game in the poll. The body itself must
 * be an array (else `{ ok: false }`). `fast` (fast-odds.ts) may answer for an
 * item with exactly what the schema would return; when it returns null the
 * schema decides.
 */
export function parseOddsResponseLenient(
  body: unknown,
  fast?: (item: unknown) => EventOdds | null,
): { ok: true; value: LenientOddsParse } | { ok: false; error: string } {
  if (!Array.isArray(body)) {
    return { ok: false, error: `(root): expected an array of events, received ${typeName(body)}` };
  }
  const events: EventOdds[] = [];
  const rejected: LenientOddsParse['rejected'] = [];
  body.forEach((item, index) => {
    const known = fast?.(item);
    if (known) {
      events.push(known);
      return;
    }
    const r = EventOddsSchema.safeParse(item);
    if (r.success) {
      events.push(r.data);
      return;
    }
    const rawId = (item as { id?: unknown } | null)?.id;
    rejected.push({
      index,
      id: typeof rawId === 'string' ? rawId : null,
      error: `event [${index}]: ${describeZodError(r.error)}`,
    });
  });
  return { ok: true, value: { events, rejected } };
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
