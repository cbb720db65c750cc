/**
 * kill-switch Lambda. Triggered by a trading-stop CloudWatch alarm entering
 * ALARM (EventBridge "CloudWatch Alarm State Change"), or by hand:
 *   {"action":"kill","reason":"...","requestedBy":"alice"}
 *
 * 1. Sets the global kill flag first (the worker obeys it within one tick),
 *    so trading stops even if Kalshi's API is down.
 * 2. Independently of the worker, cancels every resting order through
 *    Kalshi's REST API for the whole flood (the configured minute): cancel-all
 *    and cancel-by-group every pass, re-listing and re-cancelling what is
 *    listed, even after listings look empty — the exchange can report a kill
 *    that did not happen, and one lying listing must not end it. Flat means two
 *    consecutive empty listings; the flood and deadline are cut to the
 *    invocation's remaining time (less a margin) so the report always lands.
 *    When no listing ever succeeded, what remains is reported as unknown, never 0.
 * Idempotent: a repeated alarm re-sets the same flag and finds nothing to cancel.
 * If orders still rest at the deadline it throws: the Errors and
 * KillOrdersRemaining alarms notify, Lambda's async invocation retries it
 * (2 retries; EventBridge's target retries cover delivery only), and a request
 * that fails every attempt goes to the kill switch's SQS dead-letter queue,
 * whose alarm pages a human (infra/constructs/alarms.ts).
 *
 * Clearing the flag is a separate, deliberate act:
 *   {"action":"clear","requestedBy":"alice","confirm":"RESUME-TRADING"}
 * It is refused while a trading-stop alarm is still in ALARM: such an alarm can never fire again
 * (alarms act on transitions), so trading would resume unguarded. The rule therefore also sends
 * each stop alarm's OK transitions here, and the last state of each is kept (StopAlarmStore).
 *
 * A malformed manual payload (a typo) is answered with {"status":"invalid","error":…}, not thrown:
 * it changes nothing and must not page through the error alarm. A malformed alarm event still
 * throws (a kill that could not happen must page).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { type Clock, systemClock } from '../shared/clock.ts';
import { KalshiRestClient } from '../shared/kalshi/rest-client.ts';
import { createRsaSigner } from '../shared/kalshi/signer.ts';
import { type CancelPort, type CancelReport, cancelUntilFlat } from '../shared/kill/cancel-until-flat.ts';
import { kalshiCancelPort } from '../shared/kill/kalshi-cancel-port.ts';
import { KillMetric } from '../shared/metrics/names.ts';
import { makeDocumentClient } from '../shared/store/client.ts';
import { KillStore } from '../shared/store/kill.ts';
import { type StopAlarmState, StopAlarmStore } from '../shared/store/stop-alarms.ts';
import { coldStart, type InvocationContext } from './runtime/cold-start.ts';
import { type KillEnv, killEnvSchema } from './runtime/env.ts';
import type { SecretProvider } from './runtime/secrets.ts';
import {
  describeError,
  type Log,
  type MetricSink,
  powertoolsLog,
  powertoolsMetrics,
} from './runtime/telemetry.ts';

export const alarmStateChangeSchema = z.looseObject({
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  detail: z.looseObject({
    alarmName: z.string().min(1),
    state: z.looseObject({
      value: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
      reason: z.string().optional(),
    }),
  }),
});

export const manualKillSchema = z
  .object({
    action: z.literal('kill'),
    reason: z.string().min(1).max(500),
    requestedBy: z.string().min(1).max(100),
  })
  .strict();

export const manualClearSchema = z
  .object({
    action: z.literal('clear'),
    requestedBy: z.string().min(1).max(100),
    confirm: z.literal('RESUME-TRADING'),
  })
  .strict();

export type KillRequest =
  | { kind: 'kill'; reason: string; by: string; alarm?: StopAlarmState }
  | { kind: 'clear'; by: string }
  | { kind: 'ignore'; why: string; alarm?: StopAlarmState };

/** A manual payload that does not parse: answered, never thrown (kill-switch.ts header). */
export class InvalidKillRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidKillRequest';
  }
}

const issues = (e: z.ZodError) =>
  e.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');

/** Classifies the invocation; a malformed event throws naming the field, before any write. */
export function parseKillEvent(event: unknown): KillRequest {
  const obj = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  if ('detail-type' in obj) {
    const parsed = alarmStateChangeSchema.safeParse(event);
    if (!parsed.success) throw new Error(`invalid kill-switch event: ${issues(parsed.error)}`);
    const { alarmName, state } = parsed.data.detail;
    const time = typeof obj['time'] === 'string' ? Date.parse(obj['time']) : Number.NaN;
    const alarm: StopAlarmState = {
      alarmName,
      state: state.value,
      reason: (state.reason ?? '').slice(0, 300),
      changedAt: Number.isFinite(time) ? time : 0,
    };
    if (state.value !== 'ALARM') return { kind: 'ignore', why: `${alarmName} is ${state.value}`, alarm };
    return { kind: 'kill', reason: `alarm ${alarmName}: ${alarm.reason}`, by: 'cloudwatch', alarm };
  }
  if (obj['action'] === 'clear') {
    const parsed = manualClearSchema.safeParse(event);
    if (!parsed.success) throw new InvalidKillRequest(`invalid kill-switch event: ${issues(parsed.error)}`);
    return { kind: 'clear', by: parsed.data.requestedBy };
  }
  const parsed = manualKillSchema.safeParse(event);
  if (!parsed.success) throw new InvalidKillRequest(`invalid kill-switch event: ${issues(parsed.error)}`);
  return { kind: 'kill', reason: parsed.data.reason, by: parsed.data.requestedBy };
}

export interface KillSwitchDeps {
  kill: Pick<KillStore, 'set' | 'clear'>;
  /** The last state of each trading-stop alarm (resume is refused while one is in ALARM). Production always wires it. */
  stopAlarms?: Pick<StopAlarmStore, 'record' | 'inAlarm'>;
  /** The exchange port (signed Kalshi REST), resolved per invocation from the cached key. */
  exchange: () => Promise<CancelPort>;
  clock: Clock;
  deadlineMs: number;
  /**
   * Keep cancelling this long (ms, within the deadline) even after listings look empty. Production
   * floods for the whole deadline (the design's minute); default 0 (stop at two empty listings).
   */
  floodMs?: number;
  pauseMs?: number;
  log: Log;
  metrics: MetricSink;
}

export type KillResult =
  | { status: 'flat'; report: CancelReport }
  | { status: 'ignored'; why: string }
  | { status: 'cleared' }
  /** Resume refused: these stop alarms are still in ALARM and could never fire again. */
  | { status: 'refused'; alarmsInAlarm: string[]; error: string }
  /** A manual payload that does not parse; nothing changed. */
  | { status: 'invalid'; error: string };

/** What may still rest: a count when a listing succeeded last, "unknown" when none could be trusted. */
export function remainingText(report: CancelReport): string {
  return report.remainingKnown ? String(report.remaining.length) : 'unknown';
}

export class OrdersStillResting extends Error {
  constructor(readonly report: CancelReport) {
    super(
      report.remainingKnown
        ? `kill switch: ${report.remaining.length} order(s) still resting after ${report.elapsedMs} ms`
        : `kill switch: could not list resting orders (${report.listErrors} failed listing(s)) in ${report.elapsedMs} ms: unknown order(s) may still rest`,
    );
    this.name = 'OrdersStillResting';
  }
}

/** Time kept back from the invocation's remaining time for the metrics, logs and the answer (ms). */
export const INVOCATION_MARGIN_MS = 10_000;

export function makeHandler(deps: KillSwitchDeps) {
  return async (event: unknown, context?: InvocationContext): Promise<KillResult> => {
    let request: KillRequest;
    try {
      request = parseKillEvent(event);
    } catch (err) {
      if (!(err instanceof InvalidKillRequest)) throw err;
      deps.log.warn('kill switch: invalid request, nothing changed', { error: err.message });
      return { status: 'invalid', error: err.message };
    }
    if (request.kind !== 'clear' && request.alarm) await deps.stopAlarms?.record(request.alarm);
    if (request.kind === 'ignore') {
      deps.log.info('kill switch: nothing to do', { why: request.why });
      return { status: 'ignored', why: request.why };
    }
    if (request.kind === 'clear') {
      const open = ((await deps.stopAlarms?.inAlarm()) ?? []).map((a) => a.alarmName).sort();
      if (open.length > 0) {
        const error = `resume refused: stop alarm(s) still in ALARM, which could never fire again: ${open.join(', ')}. Fix the cause until they return to OK (or reset one by hand: aws cloudwatch set-alarm-state --state-value OK), then clear again.`;
        deps.log.warn('kill flag clear refused', { by: request.by, alarmsInAlarm: open });
        return { status: 'refused', alarmsInAlarm: open, error };
      }
      await deps.kill.clear('global', request.by, deps.clock.now());
      deps.log.warn('kill flag cleared by hand', { by: request.by });
      return { status: 'cleared' };
    }

    deps.metrics.add(KillMetric.KillSwitchInvocations, 'Count', 1);
    const flag = await deps.kill.set('global', 'kill', request.reason, request.by, deps.clock.now());
    deps.log.warn('kill flag set', {
      reason: request.reason,
      by: request.by,
      since: flag.since,
      hits: flag.hits,
    });

    // The loop must end (and report) before Lambda stops the invocation.
    const left = context
      ? context.getRemainingTimeInMillis() - INVOCATION_MARGIN_MS
      : Number.POSITIVE_INFINITY;
    const deadlineMs = Math.min(deps.deadlineMs, Math.max(1_000, left));
    const floodMs = Math.min(deps.floodMs ?? 0, deadlineMs);
    let report: CancelReport;
    try {
      const port = await deps.exchange();
      report = await cancelUntilFlat(port, {
        clock: deps.clock,
        deadlineMs,
        floodMs,
        pauseMs: deps.pauseMs,
        onRound: (round) => deps.log.info('kill round', { ...round }),
      });
    } catch (err) {
      // The exchange port could not even be built (secret, key): the flag is set; page a human.
      deps.metrics.add(KillMetric.KillOrdersRemaining, 'Count', 1);
      deps.metrics.flush();
      deps.log.error('kill switch could not reach Kalshi', { error: describeError(err) });
      throw err;
    }
    deps.metrics.add(KillMetric.KillCancelsSent, 'Count', report.cancelsSent + report.cancelAllCalls);
    // Unknown is not zero: it counts as one so the remaining-orders alarm still fires.
    deps.metrics.add(
      KillMetric.KillOrdersRemaining,
      'Count',
      report.remainingKnown ? report.remaining.length : Math.max(1, report.remaining.length),
    );
    deps.metrics.flush();
    const fields = {
      ...report,
      remaining: report.remaining.slice(0, 50),
      remainingCount: remainingText(report),
      floodMs,
      deadlineMs,
    };
    if (!report.flat) {
      deps.log.error('kill switch gave up with orders resting', fields);
      throw new OrdersStillResting(report);
    }
    deps.log.info('kill switch: flat', fields);
    return { status: 'flat', report };
  };
}

// ---- AWS wiring (cold start)

export const kalshiSecretSchema = z.object({
  keyId: z.string().min(1),
  privateKeyPem: z.string().includes('PRIVATE KEY', { message: 'privateKeyPem must be a PEM private key' }),
});

function wire(env: KillEnv, secrets: SecretProvider): ReturnType<typeof makeHandler> {
  const table = { doc: makeDocumentClient(new DynamoDBClient({})), tableName: env.TABLE_NAME };
  let client: { raw: string; port: CancelPort } | undefined;
  return makeHandler({
    kill: new KillStore(table),
    stopAlarms: new StopAlarmStore(table),
    exchange: async () => {
      const raw = await secrets.get(env.KALSHI_SECRET_ARN);
      if (client?.raw !== raw) {
        let json: unknown;
        try {
          json = JSON.parse(raw);
        } catch {
          throw new Error('Kalshi secret is not JSON {"keyId","privateKeyPem"}');
        }
        const parsed = kalshiSecretSchema.safeParse(json);
        // Name the fields only: never echo the secret's content.
        if (!parsed.success)
          throw new Error(
            `Kalshi secret invalid: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
          );
        const rest = new KalshiRestClient({
          baseUrl: env.KALSHI_REST_URL,
          signer: createRsaSigner(parsed.data),
          // The kill switch must never wait on local token buckets.
          limiter: false,
        });
        client = { raw, port: kalshiCancelPort(rest) };
      }
      return client.port;
    },
    clock: systemClock,
    deadlineMs: env.KILL_DEADLINE_MS,
    // The design's flood: cancel for the whole configured minute, however empty listings look.
    floodMs: env.KILL_DEADLINE_MS,
    log: powertoolsLog('kill-switch'),
    metrics: powertoolsMetrics('kill-switch', 'kill-switch'),
  });
}

export const handler: (event: unknown) => Promise<KillResult> = coldStart(killEnvSchema, wire);
