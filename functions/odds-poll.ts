/**
 * odds-poll Lambda: on its schedule (or by hand), for each configured sport in
 * priority order: a free events call (reads the quota, skips sports with no
 * upcoming games), then one h2h odds call over the configured bookmakers
 * (≤ 10 books = 1 credit), de-vig and aggregate, and a versioned conditional
 * write per game. Low-priority sports are skipped when credits run low.
 * Sports with Kalshi spread/total ladders also ask for `spreads,totals` in
 * the same call (3 credits) while credits allow, and each game's margin/total
 * fit is stored beside its winner theo (odds/strike-writer.ts).
 *
 * Manual invocation: `{"trigger":"manual","sports":["basketball_nba"]}` (see docs/DEPLOY.md).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { DEFAULT_SPORT_CATALOGUE, type SportCatalogue } from '../shared/mapping/sports.ts';
import { OddsMetric } from '../shared/metrics/names.ts';
import type { TheoConfig } from '../shared/odds/aggregate.ts';
import { type OddsApiClient, OddsApiError } from '../shared/odds/client.ts';
import { planPollKeys } from '../shared/odds/poll-keys.ts';
import { makeDocumentClient } from '../shared/store/client.ts';
import { ActiveOddsKeysStore } from '../shared/store/odds-keys.ts';
import { OddsQuotaStore } from '../shared/store/odds-quota.ts';
import { StrikeTheoStore } from '../shared/store/strike-theos.ts';
import { TheoStore } from '../shared/store/theos.ts';
import { DEFAULT_LADDER_SPORTS, decidePoll, pollMarkets, pollOrder } from './odds/poll-plan.ts';
import { writeStrikeTheos } from './odds/strike-writer.ts';
import { writeTheos } from './odds/theo-writer.ts';
import { coldStart } from './runtime/cold-start.ts';
import { type OddsEnv, oddsEnvSchema, type SportPoll } from './runtime/env.ts';
import { oddsClientFromSecret, type SecretProvider } from './runtime/secrets.ts';
import {
  describeError,
  type Log,
  type MetricSink,
  powertoolsLog,
  powertoolsMetrics,
} from './runtime/telemetry.ts';

const sportKey = z.string().regex(/^[a-z0-9_]+$/, 'must be an Odds API sport key');

const manualPollSchema = z
  .object({ trigger: z.literal('manual'), sports: z.array(sportKey).min(1).optional() })
  .strict();

export const pollEventSchema = z.union([
  z.object({ trigger: z.literal('schedule'), scheduledTime: z.string().optional() }).strict(),
  manualPollSchema,
  // EventBridge rule schedules (kept so the function can also sit behind an events.Rule).
  z.looseObject({ source: z.literal('aws.events'), 'detail-type': z.literal('Scheduled Event') }),
]);

/** What one invocation asks for: all configured sports, or a named subset. */
export interface PollRequest {
  only?: string[];
}

export type OddsPort = Pick<OddsApiClient, 'events' | 'odds' | 'sports'>;

export interface OddsPollDeps {
  sports: readonly SportPoll[];
  bookmakers: readonly string[];
  horizonHours: number;
  theos: Pick<TheoStore, 'put'>;
  /** The Odds API client (resolved per invocation: the key comes from a cached secret). */
  odds: () => Promise<OddsPort>;
  now: () => number;
  log: Log;
  metrics: MetricSink;
  theoConfig?: TheoConfig;
  /** Names the tournament-keyed sports ("atp") a configured entry may stand for; default: the built-in one. */
  catalogue?: SportCatalogue;
  /** Where each tournament sport's active keys are kept for the worker's mapper. */
  activeKeys?: Pick<ActiveOddsKeysStore, 'put'>;
  /** Where the last known credits left are kept, for odds-refresh's reserve (production wires it). */
  quota?: Pick<OddsQuotaStore, 'record'>;
  /** Where each game's strike (spread/total) theo is stored; without it no lines are requested. */
  strikeTheos?: Pick<StrikeTheoStore, 'put'>;
  /** Sports whose spreads/totals are requested; default: every sport with a Kalshi ladder series. */
  ladderSports?: readonly string[];
}

export { DEFAULT_LADDER_SPORTS } from './odds/poll-plan.ts';

export interface SportPollResult {
  sportKey: string;
  status: 'polled' | 'skipped' | 'no-events' | 'failed';
  reason?: string;
  events?: number;
  written?: number;
  notNewer?: number;
  noTheo?: number;
  rejected?: number;
  creditsUsed?: number;
  /** strike theos stored (spreads/totals were requested) */
  strikeWritten?: number;
  /** games whose margin or total fit was refused (stored as a refusal) */
  strikeRefused?: number;
  /** book lines dropped by the checks, by reason */
  linesDropped?: Record<string, number>;
}

export interface PollSummary {
  sports: SportPollResult[];
  creditsRemaining: number | null;
}

/** Parses the invocation event; a bad event throws before anything is called or written. */
export function parsePollEvent(event: unknown, configured: readonly SportPoll[]): PollRequest {
  const parsed = pollEventSchema.safeParse(event);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid odds-poll event: ${detail}`);
  }
  const manual = manualPollSchema.safeParse(event);
  const only = manual.success ? manual.data.sports : undefined;
  if (only) {
    const known = new Set(configured.map((s) => s.sportKey));
    const unknown = only.filter((s) => !known.has(s));
    if (unknown.length)
      throw new Error(`invalid odds-poll event: sports: not configured: ${unknown.join(', ')}`);
  }
  return only ? { only } : {};
}

export function makeHandler(deps: OddsPollDeps) {
  return async (event: unknown): Promise<PollSummary> => {
    const { only } = parsePollEvent(event, deps.sports);
    const odds = await deps.odds();
    const ladderSports = new Set(deps.strikeTheos ? (deps.ladderSports ?? DEFAULT_LADDER_SPORTS) : []);
    const summary: PollSummary = { sports: [], creditsRemaining: null };
    let exhausted = false;
    let unauthorized: OddsApiError | null = null;
    const note = (q: { remaining: number | null }) => {
      if (q.remaining !== null) summary.creditsRemaining = q.remaining;
    };

    // A tournament sport ("atp") is polled on every key /v4/sports lists as active today.
    const plan = await planPollKeys(
      pollOrder(deps.sports, only),
      deps.catalogue ?? DEFAULT_SPORT_CATALOGUE,
      async () => (await odds.sports()).data,
    );
    for (const f of plan.failed) summary.sports.push({ ...f, status: 'failed' });
    for (const [sport, keys] of plan.active)
      await deps.activeKeys?.put({ sport, keys, asOf: deps.now() }).catch((err: unknown) => {
        deps.log.error('active keys not stored', { sport, error: describeError(err) });
      });
    for (const sport of plan.polls) {
      const before = decidePoll(sport, summary.creditsRemaining, exhausted || unauthorized !== null);
      if (!before.poll) {
        summary.sports.push({ sportKey: sport.sportKey, status: 'skipped', reason: before.reason });
        deps.metrics.add(OddsMetric.SportsSkippedForQuota, 'Count', 1);
        continue;
      }
      try {
        const now = deps.now();
        const events = await odds.events(sport.sportKey, {
          commenceTimeFrom: now,
          commenceTimeTo: now + deps.horizonHours * 3_600_000,
        });
        note(events.quota);
        const upcoming = events.data.filter((e) => {
          const t =
            typeof e.commence_time === 'number' ? e.commence_time * 1000 : Date.parse(e.commence_time);
          return t > now;
        });
        if (upcoming.length === 0) {
          summary.sports.push({ sportKey: sport.sportKey, status: 'no-events', events: 0 });
          continue;
        }
        const again = decidePoll(sport, summary.creditsRemaining, false);
        if (!again.poll) {
          summary.sports.push({ sportKey: sport.sportKey, status: 'skipped', reason: again.reason });
          deps.metrics.add(OddsMetric.SportsSkippedForQuota, 'Count', 1);
          continue;
        }
        const markets = pollMarkets(sport, summary.creditsRemaining, ladderSports);
        const result = await odds.odds(sport.sportKey, {
          bookmakers: deps.bookmakers,
          markets,
          oddsFormat: 'decimal',
          eventIds: upcoming.map((e) => e.id),
        });
        note(result.quota);
        // The theo's version is when its odds were observed: after the response arrived.
        const written = await writeTheos(deps.theos, result.data.events, deps.now(), 'poll', deps.theoConfig);
        if (result.quota.last !== null)
          deps.metrics.add(OddsMetric.OddsCreditsUsed, 'Count', result.quota.last);
        deps.metrics.add(OddsMetric.TheosWritten, 'Count', written.written.length);
        deps.metrics.add(OddsMetric.TheosNotNewer, 'Count', written.notNewer.length);
        deps.metrics.add(OddsMetric.NoTheo, 'Count', written.noTheo.length);
        const strikes =
          deps.strikeTheos && markets.length > 1
            ? await writeStrikeTheos(deps.strikeTheos, result.data.events, deps.now(), 'poll', {
                theo: deps.theoConfig,
              })
            : null;
        summary.sports.push({
          sportKey: sport.sportKey,
          status: 'polled',
          events: result.data.events.length,
          written: written.written.length,
          notNewer: written.notNewer.length,
          noTheo: written.noTheo.length,
          rejected: result.data.rejected.length,
          creditsUsed: result.quota.last ?? undefined,
          ...(strikes
            ? {
                strikeWritten: strikes.written.length,
                strikeRefused: strikes.refused.length,
                linesDropped: strikes.droppedLines,
              }
            : {}),
        });
        if (strikes) {
          deps.metrics.add(OddsMetric.StrikeTheosWritten, 'Count', strikes.written.length);
          deps.metrics.add(OddsMetric.StrikeTheosRefused, 'Count', strikes.refused.length);
          deps.metrics.add(
            OddsMetric.StrikeLinesDropped,
            'Count',
            Object.values(strikes.droppedLines).reduce((a, b) => a + b, 0),
          );
          if (strikes.refused.length || strikes.skipped.length || Object.keys(strikes.droppedLines).length)
            deps.log.warn('strike theos refused or lines dropped', {
              sportKey: sport.sportKey,
              refused: strikes.refused.slice(0, 20),
              skipped: strikes.skipped.slice(0, 20),
              linesDropped: strikes.droppedLines,
            });
        }
        if (written.noTheo.length || result.data.rejected.length) {
          deps.log.warn('games without a theo', {
            sportKey: sport.sportKey,
            noTheo: written.noTheo.slice(0, 20),
            rejected: result.data.rejected
              .slice(0, 5)
              .map((r) => ({ id: r.id, error: r.error.slice(0, 200) })),
          });
        }
      } catch (err) {
        deps.metrics.add(OddsMetric.OddsApiErrors, 'Count', 1);
        if (err instanceof OddsApiError) {
          if (err.details.quota) note(err.details.quota);
          if (err.kind === 'quota-exhausted') {
            exhausted = true;
            summary.creditsRemaining = 0;
          }
          if (err.kind === 'unauthorized') unauthorized = err;
        }
        summary.sports.push({ sportKey: sport.sportKey, status: 'failed', reason: describeError(err) });
        deps.log.error('sport poll failed', { sportKey: sport.sportKey, error: describeError(err) });
      }
    }

    if (summary.creditsRemaining !== null) {
      deps.metrics.add(OddsMetric.OddsCreditsRemaining, 'Count', summary.creditsRemaining);
      await deps.quota
        ?.record(summary.creditsRemaining, deps.now())
        .catch((err: unknown) => deps.log.warn('credits left not recorded', { error: describeError(err) }));
    }
    deps.metrics.flush();
    deps.log.info('odds poll done', { ...summary });
    const attempted = summary.sports.filter((s) => s.status === 'polled' || s.status === 'failed');
    if (unauthorized) throw new Error(`odds-poll: The Odds API rejected the key (${unauthorized.kind})`);
    if (attempted.length > 0 && attempted.every((s) => s.status === 'failed')) {
      throw new Error(`odds-poll: every sport failed (${attempted.map((s) => s.sportKey).join(', ')})`);
    }
    return summary;
  };
}

// ---- AWS wiring (cold start): everything below runs only in Lambda.

function wire(env: OddsEnv, secrets: SecretProvider): ReturnType<typeof makeHandler> {
  const doc = makeDocumentClient(new DynamoDBClient({}));
  return makeHandler({
    sports: env.ODDS_SPORTS,
    bookmakers: env.ODDS_BOOKMAKERS,
    horizonHours: env.ODDS_HORIZON_HOURS,
    theos: new TheoStore({ doc, tableName: env.TABLE_NAME }),
    activeKeys: new ActiveOddsKeysStore({ doc, tableName: env.TABLE_NAME }),
    quota: new OddsQuotaStore({ doc, tableName: env.TABLE_NAME }),
    strikeTheos: new StrikeTheoStore({ doc, tableName: env.TABLE_NAME }),
    ladderSports: env.ODDS_LADDER_SPORTS,
    odds: oddsClientFromSecret(secrets, env.ODDS_API_KEY_SECRET_ARN, env.ODDS_API_BASE_URL),
    now: Date.now,
    log: powertoolsLog('odds-poll'),
    metrics: powertoolsMetrics('odds-poll', 'odds'),
  });
}

export const handler: (event: unknown) => Promise<PollSummary> = coldStart(oddsEnvSchema, wire);
