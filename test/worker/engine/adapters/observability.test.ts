/**
 * The worker's EMF output against CloudWatch's limits: a document whose metric has more than 100
 * values (or that defines more than 100 metrics) is rejected whole. A busy minute of quote latency
 * samples must not cost the heartbeat (whose absence trips the kill switch).
 */
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.ts';
import { KillMetric, METRICS_NAMESPACE, WorkerMetric } from '../../../../shared/metrics/names.ts';
import {
  EMF_MAX_METRICS,
  EMF_MAX_VALUES,
  EmfMetrics,
} from '../../../../worker/engine/adapters/observability.ts';

interface Doc {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [k: string]: unknown;
}

function emit(fill: (m: EmfMetrics) => void): Doc[] {
  const lines: string[] = [];
  const m = new EmfMetrics({
    clock: { ...systemClock, now: () => 1_700_000_000_000 },
    shardId: '3',
    write: (l) => lines.push(l),
  });
  fill(m);
  m.flush();
  return lines.map((l) => JSON.parse(l) as Doc);
}

/** Every document within EMF's limits; its metric values, dimensions included. */
function valid(docs: Doc[]): void {
  for (const d of docs) {
    const [directive] = d._aws.CloudWatchMetrics;
    expect(d._aws.CloudWatchMetrics).toHaveLength(1);
    expect(directive!.Namespace).toBe(METRICS_NAMESPACE);
    expect(directive!.Metrics.length).toBeLessThanOrEqual(EMF_MAX_METRICS);
    for (const dim of directive!.Dimensions[0]!) expect(typeof d[dim]).toBe('string');
    for (const { Name } of directive!.Metrics) {
      const v = d[Name];
      if (Array.isArray(v)) expect(v.length).toBeLessThanOrEqual(EMF_MAX_VALUES);
      else expect(typeof v).toBe('number');
    }
  }
}

const names = (d: Doc) => d._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name);
const valuesOf = (docs: Doc[], name: string) =>
  docs.flatMap((d) => (names(d).includes(name) ? [d[name]].flat() : [])) as number[];

describe('EMF documents', () => {
  it('1 000 latency samples in one heartbeat: chunks of ≤ 100, the alarmed gauges alone in their own document', () => {
    const docs = emit((m) => {
      for (let i = 0; i < 1_000; i++) m.timing(WorkerMetric.QuoteLatencyMs, i);
      m.count(WorkerMetric.OrdersCreated, 7);
      m.count(WorkerMetric.Heartbeat);
      m.gauge(WorkerMetric.WsDisconnectedSeconds, 0);
      m.gauge(WorkerMetric.TheoAgeSeconds, 120);
      m.gauge(WorkerMetric.PnlDrawdownDollars, 12.5);
      m.gauge(KillMetric.KillOrdersRemaining, 0);
    });
    valid(docs);
    // Every sample arrives, once, in order.
    expect(valuesOf(docs, WorkerMetric.QuoteLatencyMs)).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
    expect(docs.filter((d) => names(d).includes(WorkerMetric.QuoteLatencyMs))).toHaveLength(10);
    expect(valuesOf(docs, WorkerMetric.OrdersCreated)).toEqual([7]);
    // The alarmed metrics: one document, first, with nothing else in it, dimension {Shard} only.
    const alarmed = docs.filter((d) => names(d).includes(WorkerMetric.Heartbeat));
    expect(alarmed).toHaveLength(1);
    expect(docs[0]).toBe(alarmed[0]);
    expect(names(alarmed[0]!).sort()).toEqual(
      [
        WorkerMetric.Heartbeat,
        WorkerMetric.WsDisconnectedSeconds,
        WorkerMetric.TheoAgeSeconds,
        WorkerMetric.PnlDrawdownDollars,
        KillMetric.KillOrdersRemaining,
      ].sort(),
    );
    expect(alarmed[0]!._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['Shard']]);
    expect(alarmed[0]!['Shard']).toBe('3');
    expect(alarmed[0]![WorkerMetric.Heartbeat]).toBe(1);
    // Same timestamp everywhere: CloudWatch aggregates the chunks as one minute's samples.
    expect(new Set(docs.map((d) => d._aws.Timestamp))).toEqual(new Set([1_700_000_000_000]));
  });

  it('more than 100 metrics of one dimension set are split over documents too', () => {
    const docs = emit((m) => {
      for (let i = 0; i < 250; i++) m.count(`M${i}`, i);
    });
    valid(docs);
    expect(docs).toHaveLength(3);
    for (let i = 0; i < 250; i++) expect(valuesOf(docs, `M${i}`)).toEqual([i]);
  });

  it('other dimension sets keep their own documents; a flush empties the buffer', () => {
    const lines: string[] = [];
    const m = new EmfMetrics({
      clock: { ...systemClock, now: () => 1 },
      shardId: '0',
      write: (l) => lines.push(l),
    });
    m.count('RiskDenied', 2, { reason: 'limit' });
    m.count(WorkerMetric.Heartbeat);
    m.flush();
    const docs = lines.map((l) => JSON.parse(l) as Doc);
    valid(docs);
    expect(docs).toHaveLength(2);
    const denied = docs.find((d) => names(d).includes('RiskDenied'))!;
    expect(denied._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['Shard', 'reason']]);
    expect(denied['reason']).toBe('limit');
    m.flush();
    expect(lines).toHaveLength(2);
  });
});
