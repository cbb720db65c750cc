/**
 * Structured JSON logs and CloudWatch EMF metrics for the engine, written to a
 * sink (stdout in production: the Fargate log driver ships it, CloudWatch
 * extracts the EMF blocks). Field names that look like secrets are redacted:
 * keys and signatures never reach a log line.
 */

import type { Clock } from '../../../shared/clock.ts';
import {
  KillMetric,
  METRICS_NAMESPACE,
  SHARD_DIMENSION,
  WorkerMetric,
} from '../../../shared/metrics/names.ts';
import type { Dimensions, EngineLogger, EngineMetrics, LogFields } from '../ports.ts';

const SECRET = /(private.?key|secret|signature|authorization|password|api.?key|pem)/i;

export function redact(fields: LogFields | undefined): LogFields | undefined {
  if (!fields) return fields;
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET.test(k) ? '[redacted]' : v;
  return out;
}

export function jsonLogger(opts: {
  clock: Clock;
  service?: string;
  write?: (line: string) => void;
  level?: 'info' | 'warn' | 'error';
}): EngineLogger {
  const write = opts.write ?? ((l: string) => process.stdout.write(`${l}\n`));
  const rank = { info: 0, warn: 1, error: 2 } as const;
  const min = rank[opts.level ?? 'info'];
  const line = (level: 'info' | 'warn' | 'error', event: string, fields?: LogFields) => {
    if (rank[level] < min) return;
    write(
      JSON.stringify({
        ts: new Date(opts.clock.now()).toISOString(),
        level,
        service: opts.service ?? 'kalshi-mm-worker',
        event,
        ...redact(fields),
      }),
    );
  };
  return {
    info: (e, f) => line('info', e, f),
    warn: (e, f) => line('warn', e, f),
    error: (e, f) => line('error', e, f),
  };
}

interface Series {
  name: string;
  unit: 'Count' | 'Milliseconds' | 'None';
  dims: Dimensions;
  values: number[];
}

/** CloudWatch rejects an EMF document whose metric has more than 100 values, or that defines more than 100 metrics. */
export const EMF_MAX_VALUES = 100;
export const EMF_MAX_METRICS = 100;

/**
 * Metrics that alarms watch (a trading stop among them): they travel in their own document, so
 * a document CloudWatch might refuse (a burst of timing samples, say) can never take the heartbeat
 * down with it and trip heartbeat-missing.
 */
const ALARMED: ReadonlySet<string> = new Set([
  WorkerMetric.Heartbeat,
  WorkerMetric.WsDisconnectedSeconds,
  WorkerMetric.InventoryLimitBreaches,
  WorkerMetric.ReconciliationDrift,
  WorkerMetric.PnlDrawdownDollars,
  WorkerMetric.TheoAgeSeconds,
  KillMetric.KillOrdersRemaining,
]);

/**
 * EMF metrics: counts are summed, gauges keep the last value, timings keep
 * every sample, per (name, dimensions), until `flush()` writes them: per
 * dimension set, the alarmed metrics in one document and the rest in others,
 * each document within CloudWatch's limits (≤ 100 values per metric, ≤ 100
 * metrics; more samples continue in further documents with the same
 * timestamp, which CloudWatch aggregates as one). The session's heartbeat calls flush.
 */
export class EmfMetrics implements EngineMetrics {
  private readonly series = new Map<string, Series>();

  constructor(
    private readonly opts: {
      clock: Clock;
      shardId: string;
      write?: (line: string) => void;
      namespace?: string;
    },
  ) {}

  count(name: string, value = 1, dims?: Dimensions): void {
    const s = this.get(name, 'Count', dims);
    s.values[0] = (s.values[0] ?? 0) + value;
  }

  gauge(name: string, value: number, dims?: Dimensions): void {
    this.get(name, 'None', dims).values = [value];
  }

  timing(name: string, ms: number, dims?: Dimensions): void {
    this.get(name, 'Milliseconds', dims).values.push(ms);
  }

  flush(): void {
    const write = this.opts.write ?? ((l: string) => process.stdout.write(`${l}\n`));
    const groups = new Map<string, Series[]>();
    for (const s of this.series.values()) {
      const key = `${ALARMED.has(s.name) ? 'alarmed' : 'other'}|${JSON.stringify(Object.entries(s.dims).sort())}`;
      const g = groups.get(key);
      if (g) g.push(s);
      else groups.set(key, [s]);
    }
    const timestamp = this.opts.clock.now();
    // Alarmed documents first: they must leave even if a later write fails.
    const ordered = [...groups].sort(
      ([a], [b]) => Number(b.startsWith('alarmed')) - Number(a.startsWith('alarmed')),
    );
    for (const [, list] of ordered) {
      const dims = { [SHARD_DIMENSION]: this.opts.shardId, ...list[0]!.dims };
      for (let m = 0; m < list.length; m += EMF_MAX_METRICS) {
        const batch = list.slice(m, m + EMF_MAX_METRICS);
        for (let from = 0; ; from += EMF_MAX_VALUES) {
          const part = batch.filter((s) => s.values.length > from);
          if (part.length === 0) break;
          const doc: Record<string, unknown> = {
            _aws: {
              Timestamp: timestamp,
              CloudWatchMetrics: [
                {
                  Namespace: this.opts.namespace ?? METRICS_NAMESPACE,
                  Dimensions: [Object.keys(dims)],
                  Metrics: part.map((s) => ({ Name: s.name, Unit: s.unit })),
                },
              ],
            },
            ...dims,
          };
          for (const s of part) {
            const values = s.values.slice(from, from + EMF_MAX_VALUES);
            doc[s.name] = values.length === 1 ? values[0] : values;
          }
          write(JSON.stringify(doc));
        }
      }
    }
    this.series.clear();
  }

  private get(name: string, unit: Series['unit'], dims: Dimensions = {}): Series {
    const key = `${name}|${JSON.stringify(Object.entries(dims).sort())}`;
    let s = this.series.get(key);
    if (!s) {
      s = { name, unit, dims: { ...dims }, values: [] };
      this.series.set(key, s);
    }
    return s;
  }
}
