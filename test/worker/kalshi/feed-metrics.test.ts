import { describe, expect, it } from 'vitest';
import { WorkerMetric } from '../../../shared/metrics/names.ts';
import { FEED_EVENTS, feedStatsReporter } from '../../../worker/kalshi/feed-metrics.ts';
import type { FeedStats } from '../../../worker/kalshi/ws-client.ts';

type Sent = [string, number | undefined, Record<string, string> | undefined];

function zeroStats(): FeedStats {
  return {
    connections: 0,
    reconnects: 0,
    frames: { accepted: 0, rejected: 0, ignored: 0 },
    gaps: 0,
    invalidBooks: 0,
    snapshotRequests: 0,
    resubscribes: 0,
    silenceTimeouts: 0,
    pongTimeouts: 0,
    duplicateFills: 0,
    dropped: { unknown_sid: 0, unknown_market: 0 },
  };
}

describe('feed metrics', () => {
  it('reports the dropped book frames since the last heartbeat, per reason', () => {
    const stats = zeroStats();
    const sent: Sent[] = [];
    const report = feedStatsReporter({ stats }, { count: (n, v, d) => sent.push([n, v, d]) });
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

  it('reports pong timeouts (a half-open socket condemned) since the last heartbeat', () => {
    const stats = zeroStats();
    const sent: Sent[] = [];
    const report = feedStatsReporter({ stats }, { count: (n, v, d) => sent.push([n, v, d]) });
    stats.pongTimeouts = 2;
    report();
    report();
    stats.pongTimeouts = 3;
    report();
    expect(sent).toEqual([
      [WorkerMetric.FeedEvents, 2, { Event: 'pong_timeout' }],
      [WorkerMetric.FeedEvents, 1, { Event: 'pong_timeout' }],
    ]);
  });

  it('every counter of FeedStats reaches a metric: each increase is reported once, under its own name', () => {
    const stats = zeroStats();
    const sent: Sent[] = [];
    const report = feedStatsReporter({ stats }, { count: (n, v, d) => sent.push([n, v, d]) });
    // Bump every numeric leaf by a distinct amount; the frame counts are a shared object the client replaces.
    stats.connections = 1;
    stats.reconnects = 2;
    stats.frames = { accepted: 3, rejected: 4, ignored: 5 };
    stats.gaps = 6;
    stats.invalidBooks = 7;
    stats.snapshotRequests = 8;
    stats.resubscribes = 9;
    stats.silenceTimeouts = 10;
    stats.pongTimeouts = 11;
    stats.duplicateFills = 12;
    report();
    const events = Object.fromEntries(
      sent.filter(([n]) => n === WorkerMetric.FeedEvents).map(([, v, d]) => [d?.Event, v]),
    );
    expect(events).toEqual({
      connection: 1,
      reconnect: 2,
      frame_accepted: 3,
      frame_rejected: 4,
      frame_ignored: 5,
      gap: 6,
      invalid_book: 7,
      snapshot_request: 8,
      resubscribe: 9,
      silence_timeout: 10,
      pong_timeout: 11,
      duplicate_fill: 12,
    });
    expect(Object.keys(FEED_EVENTS).sort()).toEqual(Object.keys(events).sort());
    // A counter added to FeedStats without a metric fails here: every top-level key is covered.
    const covered = new Set(['dropped', ...Object.values(FEED_EVENTS).map((path) => path.split('.')[0])]);
    expect(Object.keys(stats).filter((k) => !covered.has(k))).toEqual([]);
    sent.length = 0;
    report();
    expect(sent).toEqual([]);
  });
});
