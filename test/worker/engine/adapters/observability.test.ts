/**
 * The worker's EMF output (through Powertools, as the Lambdas) against CloudWatch's limits: a
 * document whose metric has more than 100 values (or that defines more than 100 metrics) is
 * rejected whole. A busy minute of quote latency samples must not cost the heartbeat (whose
 * absence trips the kill switch). Every metric carries its stage: a demo worker's heartbeat must
 * never count as prod's.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KillMetric, WorkerMetric } from '../../../../shared/metrics/names.ts';
import { powertoolsLogger, WorkerMetrics } from '../../../../worker/engine/adapters/observability.ts';

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

/** CloudWatch's EMF limits. */
const MAX_VALUES = 100;
const MAX_METRICS = 100;
const TARGET = { namespace: 'KalshiMM-test', stage: 'demo' };

afterEach(() => {
  vi.restoreAllMocks();
});

/** Everything written to stdout while `run` runs, one JSON object per line. */
function stdout(run: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const capture = ((chunk: unknown) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  }) as typeof process.stdout.write;
  // Powertools writes to a Console on stdout/stderr (or the global console when POWERTOOLS_DEV is set).
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  for (const level of ['log', 'info', 'warn', 'error'] as const)
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void capture(args.join(' ')));
  try {
    run();
  } finally {
    vi.restoreAllMocks();
  }
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

function emit(fill: (m: WorkerMetrics) => void, shard = '3'): Doc[] {
  return stdout(() => {
    const m = new WorkerMetrics(shard, TARGET);
    fill(m);
    m.flush();
  }) as Doc[];
}

/** Every document within EMF's limits; its metric values, dimensions included. */
function valid(docs: Doc[]): void {
  for (const d of docs) {
    expect(d._aws).toBeDefined();
    const [directive] = d._aws.CloudWatchMetrics;
    expect(d._aws.CloudWatchMetrics).toHaveLength(1);
    expect(directive!.Namespace).toBe(TARGET.namespace);
    expect(directive!.Metrics.length).toBeLessThanOrEqual(MAX_METRICS);
    expect(directive!.Dimensions).toHaveLength(1);
    for (const dim of directive!.Dimensions[0]!) expect(typeof d[dim]).toBe('string');
    expect(directive!.Dimensions[0]).toEqual(expect.arrayContaining(['Stage', 'Shard']));
    expect(directive!.Dimensions[0]).not.toContain('service');
    expect(d['Stage']).toBe('demo');
    for (const { Name } of directive!.Metrics) {
      const v = d[Name];
      if (Array.isArray(v)) expect(v.length).toBeLessThanOrEqual(MAX_VALUES);
      else expect(typeof v).toBe('number');
    }
  }
}

const names = (d: Doc) => d._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name);
const valuesOf = (docs: Doc[], name: string) =>
  docs.flatMap((d) => (names(d).includes(name) ? [d[name]].flat() : [])) as number[];

describe('worker EMF documents (Powertools)', () => {
  it('1 000 latency samples in one heartbeat: chunks of ≤ 100, the alarmed gauges alone in their own document, first', () => {
    const docs = emit((m) => {
      for (let i = 0; i < 1_000; i++) m.timing(WorkerMetric.QuoteLatencyMs, i);
      m.count(WorkerMetric.OrdersCreated, 7);
      m.count(WorkerMetric.Heartbeat);
      m.gauge(WorkerMetric.WsDisconnectedSeconds, 0);
      m.gauge(WorkerMetric.TheoAgeSeconds, 120);
      m.gauge(WorkerMetric.PnlDrawdownDollars, 12.5);
      m.gauge(WorkerMetric.GamesStalled, 0);
      m.gauge(KillMetric.KillOrdersRemaining, 0);
    });
    valid(docs);
    // Every sample arrives, once, in order.
    expect(valuesOf(docs, WorkerMetric.QuoteLatencyMs)).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
    expect(docs.filter((d) => names(d).includes(WorkerMetric.QuoteLatencyMs))).toHaveLength(10);
    expect(valuesOf(docs, WorkerMetric.OrdersCreated)).toEqual([7]);
    // The alarmed metrics: one document, first, with nothing else in it, dimensions {Stage, Shard}.
    const alarmed = docs.filter((d) => names(d).includes(WorkerMetric.Heartbeat));
    expect(alarmed).toHaveLength(1);
    expect(docs[0]).toBe(alarmed[0]);
    expect(names(alarmed[0]!).sort()).toEqual(
      [
        WorkerMetric.Heartbeat,
        WorkerMetric.WsDisconnectedSeconds,
        WorkerMetric.TheoAgeSeconds,
        WorkerMetric.PnlDrawdownDollars,
        WorkerMetric.GamesStalled,
        KillMetric.KillOrdersRemaining,
      ].sort(),
    );
    expect(alarmed[0]!._aws.CloudWatchMetrics[0]!.Dimensions[0]!.sort()).toEqual(['Shard', 'Stage']);
    expect(alarmed[0]!['Shard']).toBe('3');
    expect(alarmed[0]![WorkerMetric.Heartbeat]).toBe(1);
  });

  it('more than 100 metrics of one dimension set are split over documents too', () => {
    const docs = emit((m) => {
      for (let i = 0; i < 250; i++) m.count(`M${i}`, i);
    });
    valid(docs);
    expect(docs).toHaveLength(3);
    for (let i = 0; i < 250; i++) expect(valuesOf(docs, `M${i}`)).toEqual([i]);
  });

  it('exactly 100 samples: one document, and no "no metrics" warning line after it', () => {
    const lines = emit((m) => {
      for (let i = 0; i < 100; i++) m.timing(WorkerMetric.QuoteLatencyMs, i);
    });
    expect(lines).toHaveLength(1);
    valid(lines);
  });

  it('other dimension sets keep their own documents; a flush empties the buffer', () => {
    const docs = stdout(() => {
      const m = new WorkerMetrics('0', TARGET);
      m.count('RiskDenied', 2, { reason: 'limit' });
      m.count(WorkerMetric.Heartbeat);
      m.flush();
      m.flush();
    }) as Doc[];
    valid(docs);
    expect(docs).toHaveLength(2);
    const denied = docs.find((d) => names(d).includes('RiskDenied'))!;
    expect(denied._aws.CloudWatchMetrics[0]!.Dimensions[0]!.sort()).toEqual(['Shard', 'Stage', 'reason']);
    expect(denied['reason']).toBe('limit');
    expect(denied['RiskDenied']).toBe(2);
  });

  it('without a target (paper mode) nothing is written and the buffer still empties', () => {
    const m = new WorkerMetrics('0', null);
    expect(
      stdout(() => {
        m.count(WorkerMetric.Heartbeat);
        m.flush();
      }),
    ).toEqual([]);
  });
});

describe('worker logs (Powertools)', () => {
  it('one JSON line per event: message is the event, fields beside it, secrets redacted, level filtered', () => {
    const lines = stdout(() => {
      const log = powertoolsLogger({ level: 'warn' });
      log.info('ignored');
      log.warn('lease_renew_failed', { shardId: '0', privateKeyPem: 'PEM', apiKey: 'k' });
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'WARN',
      message: 'lease_renew_failed',
      service: 'worker',
      shardId: '0',
      privateKeyPem: '[redacted]',
      apiKey: '[redacted]',
    });
  });
});
