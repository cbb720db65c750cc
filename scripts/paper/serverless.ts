/**
 * The serverless side, run in-process for paper mode: the odds-poll handler on
 * a local schedule and the odds-refresh handler behind a local event bus —
 * the very `makeHandler(deps)` functions the Lambdas export, with local
 * DynamoDB, the given Odds API base URL and key, and quiet telemetry.
 */

import { makeHandler as makePollHandler, type PollSummary } from '../../functions/odds-poll.ts';
import { makeHandler as makeRefreshHandler } from '../../functions/odds-refresh.ts';
import type { SportPoll } from '../../functions/runtime/env.ts';
import type { Log, MetricSink } from '../../functions/runtime/telemetry.ts';
import type { Clock } from '../../shared/clock.ts';
import { type LadderSports, laddersOn } from '../../shared/config/ladder-sports.ts';
import {
  REFRESH_EVENT_DETAIL_TYPE,
  REFRESH_EVENT_SOURCE,
  type RefreshRequestInput,
  refreshEventSchema,
  refreshPutEventsEntry,
} from '../../shared/events/refresh-request.ts';
import { OddsApiClient } from '../../shared/odds/client.ts';
import type { Store } from '../../shared/store/index.ts';
import { LocalEventBus } from './local-bus.ts';
import { type Schedule, startSchedule } from './schedule.ts';

export interface LocalServerlessOptions {
  clock: Clock;
  store: Store;
  odds: { baseUrl: string; apiKey: string };
  sports: readonly SportPoll[];
  bookmakers: readonly string[];
  /** Scenario milliseconds between two polls. */
  pollEveryMs: number;
  horizonHours?: number;
  refreshDebounceMs?: number;
  /** Fit and store strike theos for these sports' ladders (issue #17); absent or none: winner-only polls. */
  ladderSports?: LadderSports;
  log: (entry: Record<string, unknown>) => void;
}

export interface LocalServerless {
  bus: LocalEventBus;
  schedule: Schedule;
  /** What the worker's refresh publisher calls: exactly the PutEvents entry the real worker sends. */
  publishRefresh(request: RefreshRequestInput): void;
  lastPoll(): PollSummary | null;
  stop(): Promise<void>;
}

export const PAPER_BOOKMAKERS = [
  'pinnacle',
  'lowvig',
  'draftkings',
  'fanduel',
  'betmgm',
  'williamhill_us',
  'bovada',
];

function quietTelemetry(
  name: string,
  sink: (e: Record<string, unknown>) => void,
): { log: Log; metrics: MetricSink } {
  return {
    log: {
      info: () => {},
      warn: (msg, extra) => sink({ level: 'warn', fn: name, msg, ...extra }),
      error: (msg, extra) => sink({ level: 'error', fn: name, msg, ...extra }),
    },
    metrics: { add: () => {}, flush: () => {} },
  };
}

export function startLocalServerless(opts: LocalServerlessOptions): LocalServerless {
  const now = () => opts.clock.now();
  // Retries sleep on the wall clock: keep them short so a stepped run never stalls on them.
  const client = new OddsApiClient({
    apiKey: opts.odds.apiKey,
    baseUrl: opts.odds.baseUrl,
    timeoutMs: 5_000,
    retry: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 200 },
  });
  // The Lambdas' ODDS_LADDER_SPORTS: spreads/totals requested and fitted only for the ladder sports.
  const ladders = laddersOn(opts.ladderSports)
    ? {
        strikeTheos: opts.store.strikeTheos,
        ...(opts.ladderSports === 'all' ? {} : { ladderSports: opts.ladderSports }),
      }
    : {};
  const poll = quietTelemetry('odds-poll', opts.log);
  const pollHandler = makePollHandler({
    sports: opts.sports,
    bookmakers: opts.bookmakers,
    horizonHours: opts.horizonHours ?? 36,
    theos: opts.store.theos,
    odds: async () => client,
    now,
    ...ladders,
    ...poll,
  });
  const refresh = quietTelemetry('odds-refresh', opts.log);
  const refreshHandler = makeRefreshHandler({
    bookmakers: opts.bookmakers,
    debounceMs: opts.refreshDebounceMs ?? 60_000,
    theos: opts.store.theos,
    debounce: opts.store.refreshDebounce,
    odds: async () => client,
    now,
    ...ladders,
    ...refresh,
  });

  const bus = new LocalEventBus(now, opts.log);
  // The rule matches the envelope like the CDK rule; the handler re-validates it as the Lambda does.
  bus.rule(REFRESH_EVENT_SOURCE, REFRESH_EVENT_DETAIL_TYPE, refreshEventSchema.shape.detail, (event) =>
    refreshHandler(event),
  );

  let last: PollSummary | null = null;
  const schedule = startSchedule(
    opts.clock,
    opts.pollEveryMs,
    async () => {
      last = await pollHandler({ trigger: 'schedule', scheduledTime: new Date(now()).toISOString() });
    },
    (err) => opts.log({ level: 'error', fn: 'odds-poll', msg: 'poll failed', error: String(err) }),
  );

  return {
    bus,
    schedule,
    publishRefresh(request) {
      bus.putEvents([refreshPutEventsEntry(request, 'local')]);
    },
    lastPoll: () => last,
    async stop() {
      await schedule.stop();
      await bus.drain();
    },
  };
}
