/**
 * odds-refresh Lambda: one event's odds, now. Triggered by the worker's
 * OddsRefreshRequested event on the kalshi-mm bus, or by hand with the bare
 * detail as payload:
 *   aws lambda invoke --function-name <odds-refresh> \
 *     --cli-binary-format raw-in-base64-out \
 *     --payload '{"sportKey":"basketball_nba","eventId":"<odds api id>","reason":"manual"}' out.json
 * Debounced per event (conditional write): a burst of requests costs one call; at most
 * REFRESH_MAX_PER_EVENT_HOUR calls per event per hour; none at all while the last known credits
 * left (x-requests-remaining, recorded by every poll and refresh) are within the reserve kept for
 * the scheduled polls. No async retries (infra), and the client's retries fit in the invocation's
 * remaining time. A malformed manual payload is answered {"status":"invalid"}, not thrown.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { z } from 'zod';
import {
  type RefreshRequest,
  refreshEventSchema,
  refreshRequestSchema,
} from '../shared/events/refresh-request.ts';
import { OddsMetric } from '../shared/metrics/names.ts';
import type { TheoConfig } from '../shared/odds/aggregate.ts';
import type { OddsApiClient } from '../shared/odds/client.ts';
import { makeDocumentClient } from '../shared/store/client.ts';
import { OddsQuotaStore } from '../shared/store/odds-quota.ts';
import { RefreshDebounceStore } from '../shared/store/refresh-debounce.ts';
import { StrikeTheoStore } from '../shared/store/strike-theos.ts';
import { TheoStore } from '../shared/store/theos.ts';
import { DEFAULT_LADDER_SPORTS, LADDER_MARKETS } from './odds/poll-plan.ts';
import { writeStrikeTheos } from './odds/strike-writer.ts';
import { writeTheos } from './odds/theo-writer.ts';
import { coldStart, type InvocationContext } from './runtime/cold-start.ts';
import { type OddsEnv, oddsEnvSchema } from './runtime/env.ts';
import { oddsClientFromSecret, type SecretProvider } from './runtime/secrets.ts';
import {
  describeError,
  type Log,
  type MetricSink,
  powertoolsLog,
  powertoolsMetrics,
} from './runtime/telemetry.ts';

export type EventOddsPort = Pick<OddsApiClient, 'eventOdds'>;

export interface OddsRefreshDeps {
  bookmakers: readonly string[];
  debounceMs: number;
  theos: Pick<TheoStore, 'put'>;
  debounce: Pick<RefreshDebounceStore, 'claim' | 'release'>;
  odds: () => Promise<EventOddsPort>;
  now: () => number;
  log: Log;
  metrics: MetricSink;
  theoConfig?: TheoConfig;
  /** The last known credits left (production wires it; without it there is no reserve check). */
  quota?: Pick<OddsQuotaStore, 'last' | 'record'>;
  /** Credits kept for the scheduled polls: no refresh while the last known remainder is at or below it. */
  creditReserve?: number;
  /** Refreshes of one event per hour, at most. */
  maxPerEventPerHour?: number;
  /** Where the game's strike (spread/total) theo is stored; without it a refresh asks for h2h only. */
  strikeTheos?: Pick<StrikeTheoStore, 'put'>;
  /** Sports whose refresh also asks for spreads/totals (3 credits); default: every sport with a Kalshi ladder. */
  ladderSports?: readonly string[];
}

/** Time kept back from the invocation's end for writing theos and metrics after the call. */
export const REFRESH_TAIL_MS = 3_000;

export type RefreshResult =
  | { status: 'written' | 'not-newer'; eventId: string; creditsUsed: number | null }
  | { status: 'no-theo'; eventId: string; reason: string }
  | { status: 'debounced'; eventId: string }
  /** Skipped: the last known credits left are within the reserve kept for the scheduled polls. */
  | { status: 'credit-reserve'; eventId: string; creditsRemaining: number; reserve: number }
  /** A manual payload that does not parse: nothing was called or written. */
  | { status: 'invalid'; error: string };

/** A manual payload that does not parse (answered, never thrown). */
export class InvalidRefreshRequest extends Error {}

const describe = (error: z.ZodError) =>
  error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');

/** The EventBridge envelope, or the bare detail for a manual invoke. Throws naming the field. */
export function parseRefreshEvent(event: unknown): RefreshRequest {
  const isEnvelope = typeof event === 'object' && event !== null && 'detail-type' in event;
  const parsed = isEnvelope ? refreshEventSchema.safeParse(event) : refreshRequestSchema.safeParse(event);
  if (!parsed.success) {
    const message = `invalid odds-refresh event: ${describe(parsed.error)}`;
    // The worker's envelope is built by code: malformed means a bug, which should page.
    throw isEnvelope ? new Error(message) : new InvalidRefreshRequest(message);
  }
  return 'detail' in parsed.data ? parsed.data.detail : parsed.data;
}

export function makeHandler(deps: OddsRefreshDeps) {
  return async (event: unknown, context?: InvocationContext): Promise<RefreshResult> => {
    let request: RefreshRequest;
    try {
      request = parseRefreshEvent(event);
    } catch (err) {
      if (!(err instanceof InvalidRefreshRequest)) throw err;
      deps.log.warn('refresh request invalid, nothing done', { error: err.message });
      return { status: 'invalid', error: err.message };
    }
    const reserve = deps.creditReserve ?? 0;
    const known = deps.quota ? await deps.quota.last() : null;
    if (known !== null && known.remaining <= reserve) {
      deps.metrics.add(OddsMetric.RefreshSkippedForCredits, 'Count', 1);
      deps.metrics.flush();
      deps.log.warn('refresh skipped: credits kept for the scheduled polls', {
        eventId: request.eventId,
        creditsRemaining: known.remaining,
        reserve,
      });
      return {
        status: 'credit-reserve',
        eventId: request.eventId,
        creditsRemaining: known.remaining,
        reserve,
      };
    }
    const claimedAt = deps.now();
    const claim = await deps.debounce.claim(
      request.eventId,
      claimedAt,
      deps.debounceMs,
      request.requestedBy,
      deps.maxPerEventPerHour,
    );
    if (!claim.claimed) {
      deps.metrics.add(OddsMetric.RefreshDebounced, 'Count', 1);
      deps.metrics.flush();
      deps.log.info('refresh debounced', { eventId: request.eventId, requestedBy: request.requestedBy });
      return { status: 'debounced', eventId: request.eventId };
    }
    // A skew on any market of a game refreshes all of them: its strikes are priced from the same call.
    const strikeStore = (deps.ladderSports ?? DEFAULT_LADDER_SPORTS).includes(request.sportKey)
      ? deps.strikeTheos
      : undefined;
    try {
      const odds = await deps.odds();
      const result = await odds.eventOdds(
        request.sportKey,
        request.eventId,
        {
          bookmakers: deps.bookmakers,
          markets: strikeStore ? ['h2h', ...LADDER_MARKETS] : ['h2h'],
          oddsFormat: 'decimal',
        },
        // Client retries fit in what is left of this invocation (the client alone can take 40 s).
        context
          ? { at: deps.now() + context.getRemainingTimeInMillis() - REFRESH_TAIL_MS, now: deps.now }
          : undefined,
      );
      if (result.quota.remaining !== null) await deps.quota?.record(result.quota.remaining, deps.now());
      const summary = await writeTheos(deps.theos, [result.data], deps.now(), 'refresh', deps.theoConfig);
      if (strikeStore) {
        const strikes = await writeStrikeTheos(strikeStore, [result.data], deps.now(), 'refresh', {
          theo: deps.theoConfig,
        });
        deps.metrics.add(OddsMetric.StrikeTheosWritten, 'Count', strikes.written.length);
        deps.metrics.add(OddsMetric.StrikeTheosRefused, 'Count', strikes.refused.length);
        if (strikes.refused.length || Object.keys(strikes.droppedLines).length)
          deps.log.warn('strike theo refused or lines dropped', {
            eventId: request.eventId,
            refused: strikes.refused,
            linesDropped: strikes.droppedLines,
          });
      }
      if (result.quota.remaining !== null) {
        deps.metrics.add(OddsMetric.OddsCreditsRemaining, 'Count', result.quota.remaining);
      }
      if (result.quota.last !== null)
        deps.metrics.add(OddsMetric.OddsCreditsUsed, 'Count', result.quota.last);
      deps.metrics.add(OddsMetric.TheosWritten, 'Count', summary.written.length);
      deps.metrics.flush();
      const out: RefreshResult = summary.noTheo[0]
        ? { status: 'no-theo', eventId: request.eventId, reason: summary.noTheo[0].reason }
        : {
            status: summary.written.length ? 'written' : 'not-newer',
            eventId: request.eventId,
            creditsUsed: result.quota.last,
          };
      deps.log.info('refresh done', { ...out, reason: request.reason, kalshi: request.kalshiEventTicker });
      return out;
    } catch (err) {
      // Give the claim back so the next request may retry at once.
      await deps.debounce.release(request.eventId, claimedAt).catch(() => false);
      deps.metrics.add(OddsMetric.OddsApiErrors, 'Count', 1);
      deps.metrics.flush();
      deps.log.error('refresh failed', { eventId: request.eventId, error: describeError(err) });
      throw err;
    }
  };
}

// ---- AWS wiring (cold start)

function wire(env: OddsEnv, secrets: SecretProvider): ReturnType<typeof makeHandler> {
  const table = { doc: makeDocumentClient(new DynamoDBClient({})), tableName: env.TABLE_NAME };
  return makeHandler({
    bookmakers: env.ODDS_BOOKMAKERS,
    debounceMs: env.REFRESH_DEBOUNCE_SECONDS * 1000,
    theos: new TheoStore(table),
    debounce: new RefreshDebounceStore(table),
    quota: new OddsQuotaStore(table),
    creditReserve: env.REFRESH_CREDIT_RESERVE,
    maxPerEventPerHour: env.REFRESH_MAX_PER_EVENT_HOUR,
    strikeTheos: new StrikeTheoStore(table),
    ladderSports: env.ODDS_LADDER_SPORTS,
    odds: oddsClientFromSecret(secrets, env.ODDS_API_KEY_SECRET_ARN, env.ODDS_API_BASE_URL),
    now: Date.now,
    log: powertoolsLog('odds-refresh'),
    metrics: powertoolsMetrics('odds-refresh', 'odds'),
  });
}

export const handler: (event: unknown, context?: InvocationContext) => Promise<RefreshResult> = coldStart(
  oddsEnvSchema,
  wire,
);
