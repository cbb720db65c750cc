import { describe, expect, it } from 'vitest';
import { WorkerMetric } from '../../../shared/metrics/names.ts';
import { feedDropReporter } from '../../../worker/kalshi/feed-metrics.ts';
import type { FeedStats } from '../../../worker/kalshi/ws-client.ts';

describe('feed drop metrics', () => {
  it('reports the dropped book frames since the last heartbeat, per reason', () => {
    const stats = { dropped: { unknown_sid: 0, unknown_market: 0 } } as FeedStats;
    const sent: [string, number | undefined, Record<string, string> | undefined][] = [];
    const report = feedDropReporter({ stats }, { count: (n, v, d) => sent.push([n, v, d]) });
    report();
    expect(sent).toEqual([]);
    stats.dropped.unknown_sid = 3;
    stats.dropped.unknown_market = 1;
    report();
    stats.dropped.unknown_sid = 5;
    report();
    expect(sent).toEqual([
      [WorkerMetric.FeedFramesDropped, 3, { Reason: 'unknown_sid' }],
      [WorkerMetric.FeedFramesDropped, 1, { Reason: 'unknown_market' }],
      [WorkerMetric.FeedFramesDropped, 2, { Reason: 'unknown_sid' }],
    ]);
  });
});
