/**
 * The Odds API v4 HTTP client (Node's built-in fetch). The base URL is injected, so the same
 * code talks to the real host or the local simulator. Every response body is
 * parsed with the schemas in schemas.ts and comes back with the quota headers.
 * Every method is async and fails only by rejecting with an OddsApiError, also
 * for requests refused before sending (bad sport key, no regions…).
 *
 * Errors are typed by what the caller should do (`kind`), retried with
 * exponential backoff and full jitter only where a retry can help (429, 5xx,
 * network). The apiKey travels only as the `apiKey` query parameter (the API
 * ignores headers) and is redacted from every error message and URL we expose.
 */
import type { z } from 'zod';
import { parseOddsResponseFast } from './fast-odds.ts';
import {
  describeZodError,
  type ErrorBody,
  ErrorBodySchema,
  type EventOdds,
  EventOddsSchema,
  type EventsResponse,
  EventsResponseSchema,
  type LenientOddsParse,
  parseQuota,
  type Quota,
  type SportsResponse,
  SportsResponseSchema,
} from './schemas.ts';

export const ODDS_API_BASE_URL = 'https://api.the-odds-api.com';

export type OddsApiErrorKind =
  /** 401 MISSING_KEY / INVALID_KEY / DEACTIVATED_KEY: fix the key, do not retry */
  | 'unauthorized'
  /** 401 OUT_OF_USAGE_CREDITS: stop polling until the monthly reset */
  | 'quota-exhausted'
  /** 429 EXCEEDED_FREQ_LIMIT (retried; surfaced when retries run out) */
  | 'rate-limited'
  /** 400/422 parameter validation, or a request we refused to send */
  | 'invalid-request'
  /** 404 UNKNOWN_SPORT / EVENT_NOT_FOUND */
  | 'not-found'
  /** 5xx (retried) */
  | 'server'
  /** connection failure or timeout (retried) */
  | 'network'
  /** 2xx whose body is not what the schema says */
  | 'bad-response'
  /** any other status */
  | 'http';

export class OddsApiError extends Error {
  override readonly name = 'OddsApiError';
  constructor(
    readonly kind: OddsApiErrorKind,
    message: string,
    readonly details: {
      status: number | null;
      errorCode: string | null;
      /** request URL with the apiKey redacted */
      url: string;
      attempts: number;
      quota: Quota | null;
    },
  ) {
    super(message);
  }

  get status(): number | null {
    return this.details.status;
  }
  get errorCode(): string | null {
    return this.details.errorCode;
  }
  get retryable(): boolean {
    return this.kind === 'rate-limited' || this.kind === 'server' || this.kind === 'network';
  }
}

export interface RetryPolicy {
  /** total attempts including the first */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 15_000 };

export interface OddsApiClientOptions {
  apiKey: string;
  baseUrl?: string;
  /** per attempt, headers and body together */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** largest body accepted; a bigger one is a bad-response */
  maxBodyBytes?: number;
  /** injected for tests; defaults to setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** jitter source in [0, 1) */
  random?: () => number;
  /** called before each retry with the redacted error that caused it */
  onRetry?: (info: { attempt: number; delayMs: number; error: OddsApiError }) => void;
}

export interface OddsApiResult<T> {
  data: T;
  quota: Quota;
  status: number;
  attempts: number;
}

export type OddsFormatParam = 'decimal' | 'american';
export type DateFormatParam = 'iso' | 'unix';
/** epoch ms or an ISO string */
export type TimeParam = number | string;

export interface EventsParams {
  dateFormat?: DateFormatParam;
  eventIds?: readonly string[];
  commenceTimeFrom?: TimeParam;
  commenceTimeTo?: TimeParam;
}

export interface OddsParams extends EventsParams {
  /** required unless `bookmakers` is given (then the API ignores regions) */
  regions?: readonly string[];
  /** ≤ 10 keys cost one region */
  bookmakers?: readonly string[];
  /** default ['h2h'] */
  markets?: readonly string[];
  oddsFormat?: OddsFormatParam;
}

export interface EventOddsParams {
  regions?: readonly string[];
  bookmakers?: readonly string[];
  markets?: readonly string[];
  oddsFormat?: OddsFormatParam;
  dateFormat?: DateFormatParam;
}

const SPORT_KEY = /^[a-z0-9_]{1,100}$/;
const EVENT_ID = /^[A-Za-z0-9_-]{1,100}$/;
const LIST_ITEM = /^[A-Za-z0-9_.-]{1,100}$/;
const DEFAULT_MAX_BODY = 32 * 1024 * 1024;

function isoSeconds(t: TimeParam, field: string): string {
  const ms = typeof t === 'number' ? t : Date.parse(t);
  if (!Number.isFinite(ms)) throw new TypeError(`${field}: not a time: ${String(t).slice(0, 40)}`);
  // The API documents second precision ("2023-09-09T00:00:00Z").
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** HTTP 4xx/5xx + error_code → what the caller should do. */
export function classifyOddsApiError(status: number, errorCode: string | null): OddsApiErrorKind {
  if (status === 401 || status === 403)
    return errorCode === 'OUT_OF_USAGE_CREDITS' ? 'quota-exhausted' : 'unauthorized';
  if (status === 429) return errorCode === 'OUT_OF_USAGE_CREDITS' ? 'quota-exhausted' : 'rate-limited';
  if (status === 400 || status === 422) return 'invalid-request';
  if (status === 404) return 'not-found';
  if (status >= 500) return 'server';
  return 'http';
}

/** An absolute deadline for one call with its retries (a Lambda's end less a margin). */
export interface Deadline {
  at: number;
  now: () => number;
}
/** A retry with less time than this left before the deadline is not made. */
const MIN_ATTEMPT_MS = 2_000;

export class OddsApiClient {
  private readonly apiKey: string;
  private readonly baseUrl: string;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: OddsApiClientOptions) {
    if (!options.apiKey) throw new TypeError('OddsApiClient: apiKey is required');
    this.apiKey = options.apiKey;
    this.baseUrl = (options.baseUrl ?? ODDS_API_BASE_URL).replace(/\/+$/, '');
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = options.random ?? Math.random;
  }

  /** `GET /v4/sports` (free). `all` adds out-of-season sports. */
  async sports(opts: { all?: boolean } = {}): Promise<OddsApiResult<SportsResponse>> {
    return this.get('/v4/sports', { all: opts.all ? 'true' : undefined }, SportsResponseSchema);
  }

  /** `GET /v4/sports/{sport}/events` (free): events without odds. */
  async events(sport: string, params: EventsParams = {}): Promise<OddsApiResult<EventsResponse>> {
    return this.get(
      `/v4/sports/${this.sportPath(sport)}/events`,
      this.eventQuery(params),
      EventsResponseSchema,
    );
  }

  /**
   * `GET /v4/sports/{sport}/odds`. Parsed event by event: a malformed event is
   * reported in `data.rejected` instead of failing every game of the poll.
   */
  async odds(sport: string, params: OddsParams): Promise<OddsApiResult<LenientOddsParse>> {
    const query = { ...this.marketQuery(params), ...this.eventQuery(params) };
    return this.getWith(`/v4/sports/${this.sportPath(sport)}/odds`, query, (body) => {
      // Owned: the body is this call's own JSON.parse, held by nobody else.
      const r = parseOddsResponseFast(body, { owned: true });
      return r.ok ? { ok: true, value: r.value } : { ok: false, error: r.error };
    });
  }

  /** `GET /v4/sports/{sport}/events/{eventId}/odds`: one event, any market. */
  /**
   * `deadline` (epoch ms, e.g. the Lambda's end less a margin): every attempt's timeout and every
   * retry's wait fit before it; a retry that could not finish in time is not made.
   */
  async eventOdds(
    sport: string,
    eventId: string,
    params: EventOddsParams,
    deadline?: { at: number; now: () => number },
  ): Promise<OddsApiResult<EventOdds>> {
    if (!EVENT_ID.test(eventId)) throw this.refuse(`eventId: not an event id: ${eventId.slice(0, 40)}`);
    const query = { ...this.marketQuery(params), dateFormat: params.dateFormat };
    return this.get(
      `/v4/sports/${this.sportPath(sport)}/events/${eventId}/odds`,
      query,
      EventOddsSchema,
      deadline,
    );
  }

  // --- request building --------------------------------------------------------

  private sportPath(sport: string): string {
    if (!SPORT_KEY.test(sport)) throw this.refuse(`sport: not a sport key: ${sport.slice(0, 40)}`);
    return sport;
  }

  private list(field: string, items: readonly string[] | undefined, pattern = LIST_ITEM): string | undefined {
    if (items === undefined) return undefined;
    if (items.length === 0) throw this.refuse(`${field}: empty list`);
    for (const item of items)
      if (!pattern.test(item)) throw this.refuse(`${field}: invalid item ${item.slice(0, 40)}`);
    return items.join(',');
  }

  private marketQuery(p: EventOddsParams): Record<string, string | undefined> {
    if (!p.regions?.length && !p.bookmakers?.length) throw this.refuse('regions or bookmakers is required');
    return {
      // An empty list beside a non-empty other one means "not this one".
      regions: p.regions?.length ? this.list('regions', p.regions) : undefined,
      bookmakers: p.bookmakers?.length ? this.list('bookmakers', p.bookmakers) : undefined,
      markets: this.list('markets', p.markets ?? ['h2h']),
      oddsFormat: p.oddsFormat,
    };
  }

  private eventQuery(p: EventsParams): Record<string, string | undefined> {
    try {
      const from =
        p.commenceTimeFrom === undefined ? undefined : isoSeconds(p.commenceTimeFrom, 'commenceTimeFrom');
      const to = p.commenceTimeTo === undefined ? undefined : isoSeconds(p.commenceTimeTo, 'commenceTimeTo');
      if (from && to && Date.parse(to) <= Date.parse(from))
        throw new TypeError('commenceTimeTo must be after commenceTimeFrom');
      return {
        dateFormat: p.dateFormat,
        eventIds: this.list('eventIds', p.eventIds, EVENT_ID),
        commenceTimeFrom: from,
        commenceTimeTo: to,
      };
    } catch (e) {
      if (e instanceof OddsApiError) throw e;
      throw this.refuse((e as Error).message);
    }
  }

  private refuse(message: string): OddsApiError {
    return new OddsApiError('invalid-request', `Odds API request not sent: ${message}`, {
      status: null,
      errorCode: null,
      url: '',
      attempts: 0,
      quota: null,
    });
  }

  private redact(text: string): string {
    let out = text.split(this.apiKey).join('[redacted]');
    const encoded = encodeURIComponent(this.apiKey);
    if (encoded !== this.apiKey) out = out.split(encoded).join('[redacted]');
    return out;
  }

  // --- transport ---------------------------------------------------------------

  private get<S extends z.ZodType>(
    path: string,
    query: Record<string, string | undefined>,
    schema: S,
    deadline?: Deadline,
  ): Promise<OddsApiResult<z.infer<S>>> {
    return this.getWith(
      path,
      query,
      (body) => {
        const r = schema.safeParse(body);
        return r.success ? { ok: true, value: r.data } : { ok: false, error: describeZodError(r.error) };
      },
      deadline,
    );
  }

  private async getWith<T>(
    path: string,
    query: Record<string, string | undefined>,
    parse: (body: unknown) => { ok: true; value: T } | { ok: false; error: string },
    deadline?: Deadline,
  ): Promise<OddsApiResult<T>> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    const shownUrl = url.toString();
    url.searchParams.set('apiKey', this.apiKey);

    for (let attempt = 1; ; attempt++) {
      const timeoutMs = this.options.timeoutMs ?? 10_000;
      const left = deadline ? deadline.at - deadline.now() : Number.POSITIVE_INFINITY;
      const outcome = await this.attempt(
        url,
        shownUrl,
        attempt,
        parse,
        Math.min(timeoutMs, Math.max(1, left)),
      );
      if (outcome.ok) return outcome.result;
      const error = outcome.error;
      if (!error.retryable || attempt >= this.retry.maxAttempts) throw error;
      const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
      // Full jitter spreads retries from many pollers; a Retry-After from the server is a floor.
      const delayMs = Math.max(outcome.retryAfterMs ?? 0, Math.floor(this.random() * backoff));
      // A retry that cannot finish before the deadline would only be cut off mid-call.
      if (deadline && deadline.now() + delayMs + MIN_ATTEMPT_MS > deadline.at) throw error;
      this.options.onRetry?.({ attempt, delayMs, error });
      await this.sleep(delayMs);
    }
  }

  private async attempt<T>(
    url: URL,
    shownUrl: string,
    attempt: number,
    parse: (body: unknown) => { ok: true; value: T } | { ok: false; error: string },
    timeoutMs: number,
  ): Promise<
    { ok: true; result: OddsApiResult<T> } | { ok: false; error: OddsApiError; retryAfterMs: number | null }
  > {
    const fail = (
      kind: OddsApiErrorKind,
      message: string,
      status: number | null,
      errorCode: string | null,
      quota: Quota | null,
      retryAfterMs: number | null = null,
    ) => ({
      ok: false as const,
      retryAfterMs,
      error: new OddsApiError(kind, this.redact(message), {
        status,
        errorCode,
        url: shownUrl,
        attempts: attempt,
        quota,
      }),
    });

    let status: number;
    let headers: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      // Node's own fetch (no undici in the Lambda bundle). No redirects: the key is in the query.
      const res = await fetch(url, {
        method: 'GET',
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
      status = res.status;
      const h: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        h[name] = value;
      });
      headers = h;
      text = res.body ? await this.readBody(res.body) : '';
    } catch (e) {
      const err = e as { name?: string; code?: string; message?: string; cause?: { code?: string } };
      if (err.name === 'BodyTooLarge') {
        return fail(
          'bad-response',
          `GET ${shownUrl}: response body over ${this.maxBody()} bytes`,
          null,
          null,
          null,
        );
      }
      const what =
        err.name === 'TimeoutError' || err.name === 'AbortError'
          ? `timed out after ${timeoutMs} ms`
          : (err.cause?.code ?? err.code ?? err.message ?? 'failed');
      return fail('network', `GET ${shownUrl}: ${what}`, null, null, null);
    }

    const quota = parseQuota(headers);
    let body: unknown;
    let jsonError: string | null = null;
    try {
      body = JSON.parse(text);
    } catch (e) {
      jsonError = (e as Error).message;
    }

    if (status >= 200 && status < 300) {
      if (jsonError !== null)
        return fail('bad-response', `GET ${shownUrl}: body is not JSON: ${jsonError}`, status, null, quota);
      const parsed = parse(body);
      if (!parsed.ok)
        return fail('bad-response', `GET ${shownUrl}: unexpected body: ${parsed.error}`, status, null, quota);
      return { ok: true, result: { data: parsed.value, quota, status, attempts: attempt } };
    }

    const errorBody = jsonError === null ? ErrorBodySchema.safeParse(body) : null;
    const eb: ErrorBody | null = errorBody?.success ? errorBody.data : null;
    const kind = classifyOddsApiError(status, eb?.error_code ?? null);
    const summary = eb ? `${eb.error_code}: ${eb.message}` : `non-standard error body: ${text.slice(0, 200)}`;
    return fail(
      kind,
      `GET ${shownUrl}: HTTP ${status} ${summary}`,
      status,
      eb?.error_code ?? null,
      quota,
      retryAfter(headers['retry-after']),
    );
  }

  private maxBody(): number {
    return this.options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  }

  private async readBody(body: ReadableStream<Uint8Array>): Promise<string> {
    const limit = this.maxBody();
    const chunks: Buffer[] = [];
    let size = 0;
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw Object.assign(new Error('body too large'), { name: 'BodyTooLarge' });
      }
      chunks.push(Buffer.from(value));
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}

/** Retry-After in seconds (the HTTP-date form is ignored: the backoff applies). Capped at 60 s. */
function retryAfter(v: string | string[] | undefined): number | null {
  const s = Array.isArray(v) ? v[0] : v;
  if (s === undefined || !/^\d+(\.\d+)?$/.test(s.trim())) return null;
  return Math.min(60_000, Number(s) * 1000);
}
