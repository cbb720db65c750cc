/**
 * The serverless side of a backtest, in process: the odds-poll and
 * odds-refresh handlers (the very `makeHandler(deps)` the Lambdas export) over
 * the Odds API simulator's request handler called directly (no socket), and
 * in-memory stand-ins for the three store tables they and the worker's theo
 * source and game mapper use (theos, active odds keys, refresh debounce).
 * The poll runs on the backtest clock, so theos appear when they would.
 */
import { makeHandler as makePollHandler, type OddsPort } from '../../functions/odds-poll.ts';
import { makeHandler as makeRefreshHandler } from '../../functions/odds-refresh.ts';
import type { SportPoll } from '../../functions/runtime/env.ts';
import type { Log, MetricSink } from '../../functions/runtime/telemetry.ts';
import { type Schedule, startSchedule } from '../../scripts/paper/schedule.ts';
import type { Clock } from '../../shared/clock.ts';
import { type RefreshRequestInput, refreshPutEventsEntry } from '../../shared/events/refresh-request.ts';
import { classifyOddsApiError, OddsApiError } from '../../shared/odds/client.ts';
// The production client's parser: zod only for an event the validated fast path cannot vouch for.
import { parseOddsResponseFast } from '../../shared/odds/fast-odds.ts';
import {
  EventOddsSchema,
  EventsResponseSchema,
  parseQuota,
  SportsResponseSchema,
} from '../../shared/odds/schemas.ts';
import type { StrikeTheoRecord } from '../../shared/pricing/strike-record.ts';
import type { ActiveOddsKeys } from '../../shared/store/odds-keys.ts';
import type { DebounceResult } from '../../shared/store/refresh-debounce.ts';
import type { PutStrikeTheoResult } from '../../shared/store/strike-theos.ts';
import type { PutTheoResult, TheoRecord } from '../../shared/store/theos.ts';
import { createOddsApiState, handleOddsRequest, type OddsApiState } from '../odds/api.ts';
import type { World } from '../scenario/world.ts';

/** The theo table: one record per odds event, a write lands only when strictly newer (as TheoStore). */
/** The strike-theo table in memory: the same "only a strictly newer fit lands" rule as StrikeTheoStore. */
export class InMemoryStrikeTheos {
  private readonly byId = new Map<string, StrikeTheoRecord>();

  async put(theo: StrikeTheoRecord): Promise<PutStrikeTheoResult> {
    const old = this.byId.get(theo.eventId);
    if (old && old.asOf >= theo.asOf) return { written: false, reason: 'not-newer' };
    this.byId.set(theo.eventId, theo);
    return { written: true };
  }

  async getMany(eventIds: readonly string[]): Promise<Map<string, StrikeTheoRecord>> {
    const out = new Map<string, StrikeTheoRecord>();
    for (const id of eventIds) {
      const t = this.byId.get(id);
      if (t) out.set(id, t);
    }
    return out;
  }
}

export class InMemoryTheos {
  private readonly byId = new Map<string, TheoRecord>();

  async put(theo: TheoRecord): Promise<PutTheoResult> {
    const old = this.byId.get(theo.eventId);
    if (old && old.asOf >= theo.asOf) return { written: false, reason: 'not-newer' };
    this.byId.set(theo.eventId, theo);
    return { written: true };
  }

  async get(eventId: string): Promise<TheoRecord | null> {
    return this.byId.get(eventId) ?? null;
  }

  async getMany(eventIds: readonly string[]): Promise<Map<string, TheoRecord>> {
    const out = new Map<string, TheoRecord>();
    for (const id of eventIds) {
      const t = this.byId.get(id);
      if (t) out.set(id, t);
    }
    return out;
  }

  async listBySport(sportKey: string, commenceFrom = 0): Promise<TheoRecord[]> {
    return [...this.byId.values()]
      .filter((t) => t.sportKey === sportKey && t.commenceTime >= commenceFrom)
      .sort((a, b) => a.commenceTime - b.commenceTime || (a.eventId < b.eventId ? -1 : 1));
  }
}

export class InMemoryOddsKeys {
  private readonly bySport = new Map<string, ActiveOddsKeys>();
  async put(rec: ActiveOddsKeys): Promise<boolean> {
    const old = this.bySport.get(rec.sport);
    if (old && old.asOf >= rec.asOf) return false;
    this.bySport.set(rec.sport, rec);
    return true;
  }
  async get(sport: string): Promise<ActiveOddsKeys | null> {
    return this.bySport.get(sport) ?? null;
  }
}

/** RefreshDebounceStore's claim rules (window, hourly cap) without DynamoDB. */
export class InMemoryDebounce {
  private readonly byEvent = new Map<string, { lastAt: number; hourStart?: number; hourClaims: number }>();

  async claim(
    eventId: string,
    now: number,
    windowMs: number,
    _requestedBy: string,
    maxPerHour?: number,
  ): Promise<DebounceResult> {
    const r = this.byEvent.get(eventId);
    if (r && r.lastAt > now - windowMs) return { claimed: false, lastAt: r.lastAt };
    if (maxPerHour === undefined) {
      this.byEvent.set(eventId, { lastAt: now, hourClaims: 0 });
      return { claimed: true };
    }
    if (!r || r.hourStart === undefined || r.hourStart <= now - 3_600_000) {
      this.byEvent.set(eventId, { lastAt: now, hourStart: now, hourClaims: 1 });
      return { claimed: true };
    }
    if (r.hourClaims >= maxPerHour) return { claimed: false, lastAt: r.lastAt };
    r.lastAt = now;
    r.hourClaims++;
    return { claimed: true };
  }

  async release(eventId: string, claimedAt: number): Promise<boolean> {
    const r = this.byEvent.get(eventId);
    if (!r || r.lastAt !== claimedAt) return false;
    r.lastAt = 0;
    return true;
  }
}

const isoSeconds = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/**
 * The Odds API client's three calls answered by the simulator's handler in process, after
 * `latencyMs` (plus the simulator's slow fault) of backtest time; a non-200 answer throws the
 * OddsApiError the real client would (no retries: the next poll tries again).
 */
export function inProcessOdds(state: OddsApiState, clock: Clock, latencyMs: number) {
  const call = async <T>(
    path: string,
    query: Record<string, string | undefined>,
    parse: (b: unknown) => T,
  ) => {
    const url = new URL(`http://odds.backtest${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    url.searchParams.set('apiKey', state.apiKey);
    const now = clock.now();
    const r = handleOddsRequest(state, 'GET', url, now, now);
    await new Promise<void>((done) => clock.setTimeout(done, latencyMs + r.delayMs));
    const quota = parseQuota(r.headers);
    if (r.status !== 200) {
      const code = (r.body as { error_code?: string } | null)?.error_code ?? null;
      throw new OddsApiError(classifyOddsApiError(r.status, code), `GET ${path}: ${r.status}`, {
        status: r.status,
        errorCode: code,
        url: path,
        attempts: 1,
        quota,
      });
    }
    return { data: parse(r.body), quota, status: 200, attempts: 1 };
  };
  const when = (ms: number | string | undefined) =>
    ms === undefined ? undefined : typeof ms === 'number' ? isoSeconds(ms) : ms;
  const port: OddsPort & Pick<import('../../shared/odds/client.ts').OddsApiClient, 'eventOdds'> = {
    sports: (opts = {}) =>
      call('/v4/sports', { all: opts.all ? 'true' : undefined }, (b) => SportsResponseSchema.parse(b)),
    events: (sport, p = {}) =>
      call(
        `/v4/sports/${sport}/events`,
        { commenceTimeFrom: when(p.commenceTimeFrom), commenceTimeTo: when(p.commenceTimeTo) },
        (b) => EventsResponseSchema.parse(b),
      ),
    odds: (sport, p) =>
      call(
        `/v4/sports/${sport}/odds`,
        {
          regions: p.regions?.join(','),
          bookmakers: p.bookmakers?.join(','),
          markets: (p.markets ?? ['h2h']).join(','),
          oddsFormat: p.oddsFormat,
          eventIds: p.eventIds?.join(','),
          commenceTimeFrom: when(p.commenceTimeFrom),
          commenceTimeTo: when(p.commenceTimeTo),
        },
        (b) => {
          const r = parseOddsResponseFast(b);
          if (!r.ok) throw new Error(`odds response: ${r.error}`);
          return r.value;
        },
      ),
    eventOdds: (sport, eventId, p) =>
      call(
        `/v4/sports/${sport}/events/${eventId}/odds`,
        {
          regions: p.regions?.join(','),
          bookmakers: p.bookmakers?.join(','),
          markets: (p.markets ?? ['h2h']).join(','),
          oddsFormat: p.oddsFormat,
        },
        (b) => EventOddsSchema.parse(b),
      ),
  };
  return port;
}

export interface BacktestServerlessOptions {
  clock: Clock;
  world: World;
  sports: readonly SportPoll[];
  bookmakers: readonly string[];
  pollEveryMs: number;
  /** Odds API answer time (backtest ms). */
  oddsLatencyMs?: number;
  log: (entry: Record<string, unknown>) => void;
  /** Fit and store strike theos (spread/total ladders, issue #17); off: the poll is winner-only, as before. */
  strikeTheos?: boolean;
}

export interface BacktestServerless {
  theos: InMemoryTheos;
  /** Present when `strikeTheos` was asked for. */
  strikeTheos?: InMemoryStrikeTheos;
  activeKeys: InMemoryOddsKeys;
  odds: OddsApiState;
  schedule: Schedule;
  /** The worker's refresh publisher: the refresh handler runs on the backtest clock. */
  publishRefresh(request: RefreshRequestInput): Promise<void>;
  stop(): Promise<void>;
}

function quiet(name: string, sink: (e: Record<string, unknown>) => void): { log: Log; metrics: MetricSink } {
  return {
    log: {
      info: () => {},
      warn: (msg, extra) => sink({ level: 'warn', fn: name, msg, ...extra }),
      error: (msg, extra) => sink({ level: 'error', fn: name, msg, ...extra }),
    },
    metrics: { add: () => {}, flush: () => {} },
  };
}

export function startBacktestServerless(o: BacktestServerlessOptions): BacktestServerless {
  const now = () => o.clock.now();
  const theos = new InMemoryTheos();
  const strikeTheos = o.strikeTheos ? new InMemoryStrikeTheos() : undefined;
  const strikeDeps = strikeTheos ? { strikeTheos } : {};
  const activeKeys = new InMemoryOddsKeys();
  const odds = createOddsApiState(o.world, 'backtest-odds-key');
  const port = inProcessOdds(odds, o.clock, o.oddsLatencyMs ?? 150);
  const poll = makePollHandler({
    sports: o.sports,
    bookmakers: o.bookmakers,
    horizonHours: 36,
    theos,
    activeKeys,
    ...strikeDeps,
    odds: async () => port,
    now,
    ...quiet('odds-poll', o.log),
  });
  const refresh = makeRefreshHandler({
    bookmakers: o.bookmakers,
    debounceMs: 60_000,
    theos,
    debounce: new InMemoryDebounce(),
    ...strikeDeps,
    odds: async () => port,
    now,
    ...quiet('odds-refresh', o.log),
  });
  const schedule = startSchedule(
    o.clock,
    o.pollEveryMs,
    () => poll({ trigger: 'schedule', scheduledTime: new Date(now()).toISOString() }),
    (err) => o.log({ level: 'error', fn: 'odds-poll', msg: 'poll failed', error: String(err) }),
  );
  return {
    theos,
    ...strikeDeps,
    activeKeys,
    odds,
    schedule,
    async publishRefresh(request) {
      // The same envelope the worker puts on EventBridge, as the rule delivers it.
      const entry = refreshPutEventsEntry(request, 'backtest');
      await refresh({
        source: entry.Source,
        'detail-type': entry.DetailType,
        detail: JSON.parse(entry.Detail ?? '{}'),
      }).catch((err: unknown) =>
        o.log({ level: 'error', fn: 'odds-refresh', msg: 'refresh failed', error: String(err) }),
      );
    },
    stop: () => schedule.stop(),
  };
}
