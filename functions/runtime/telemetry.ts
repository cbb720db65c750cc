/**
 * Structured logs and EMF metrics through Powertools for AWS Lambda. Handlers
 * see two small interfaces, so tests can record what was logged and emitted.
 *
 * Metrics carry two dimensions, `Stage` (env `STAGE`, set by the CDK app) and
 * `Function` (shared/metrics/names.ts), exactly what the CDK alarms watch;
 * Powertools' default `service` dimension is removed because the alarms do not
 * include it.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  FUNCTION_DIMENSION,
  LOCAL_STAGE,
  METRICS_NAMESPACE,
  STAGE_DIMENSION,
} from '../../shared/metrics/names.ts';

export interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export type Unit = 'Count' | 'Seconds' | 'Milliseconds' | 'None';

export interface MetricSink {
  add(name: string, unit: Unit, value: number): void;
  /** Writes the batch (one EMF line). Call once per invocation. */
  flush(): void;
}

export function powertoolsLog(serviceName: string): Log {
  const logger = new Logger({ serviceName });
  return {
    info: (m, extra) => (extra ? logger.info(m, extra) : logger.info(m)),
    warn: (m, extra) => (extra ? logger.warn(m, extra) : logger.warn(m)),
    error: (m, extra) => (extra ? logger.error(m, extra) : logger.error(m)),
  };
}

/** The deployment's stage from `STAGE` (the CDK app sets it on every function); `local` outside AWS. */
export function stageOf(env: Record<string, string | undefined> = process.env): string {
  const stage = env['STAGE'];
  if (stage === undefined || stage === '') return LOCAL_STAGE;
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage))
    throw new Error('invalid Lambda environment: STAGE: not a stage name');
  return stage;
}

export function powertoolsMetrics(
  serviceName: string,
  functionDimension: string,
  stage: string = stageOf(),
): MetricSink {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
  metrics.clearDefaultDimensions();
  metrics.setDefaultDimensions({ [STAGE_DIMENSION]: stage, [FUNCTION_DIMENSION]: functionDimension });
  const units: Record<Unit, (typeof MetricUnit)[keyof typeof MetricUnit]> = {
    Count: MetricUnit.Count,
    Seconds: MetricUnit.Seconds,
    Milliseconds: MetricUnit.Milliseconds,
    None: MetricUnit.NoUnit,
  };
  return {
    add: (name, unit, value) => metrics.addMetric(name, units[unit], value),
    flush: () => metrics.publishStoredMetrics(),
  };
}

/** Error text safe for logs: message only, no stack with request data, capped. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.slice(0, 500);
  return String(err).slice(0, 500);
}
