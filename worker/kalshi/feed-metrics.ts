/**
 * The feed's own counters as heartbeat metrics, each reported as its increase since the last
 * heartbeat (nothing when it did not move):
 * - book frames dropped untouched (a sid or market that is not ours): `FeedFramesDropped {Reason}`;
 * - every other `FeedStats` counter — reconnects, pong and silence timeouts (a half-open socket
 *   condemned), gaps, resyncs, duplicate fills, frames by outcome: `FeedEvents {Event}`.
 *   Without them a socket that keeps dying and coming back shows only as lost quoting time.
 */
import { WorkerMetric } from '../../shared/metrics/names.ts';
import type { DropReason } from '../book/book-sync.ts';
import type { FeedStats } from './ws-client.ts';

export interface CountSink {
  count(name: string, value?: number, dims?: Record<string, string>): void;
}

/** `Event` dimension value → the FeedStats counter it reports (a dotted path for the frame counts). */
export const FEED_EVENTS = {
  connection: 'connections',
  reconnect: 'reconnects',
  frame_accepted: 'frames.accepted',
  frame_rejected: 'frames.rejected',
  frame_ignored: 'frames.ignored',
  gap: 'gaps',
  invalid_book: 'invalidBooks',
  snapshot_request: 'snapshotRequests',
  resubscribe: 'resubscribes',
  silence_timeout: 'silenceTimeouts',
  pong_timeout: 'pongTimeouts',
  duplicate_fill: 'duplicateFills',
} as const;
export type FeedEvent = keyof typeof FEED_EVENTS;

function read(stats: FeedStats, path: (typeof FEED_EVENTS)[FeedEvent]): number {
  switch (path) {
    case 'frames.accepted':
      return stats.frames.accepted;
    case 'frames.rejected':
      return stats.frames.rejected;
    case 'frames.ignored':
      return stats.frames.ignored;
    default:
      return stats[path];
  }
}

/** Returns a function to call once per heartbeat. */
export function feedStatsReporter(feed: { stats: FeedStats }, metrics: CountSink): () => void {
  const dropped: Record<DropReason, number> = { unknown_sid: 0, unknown_market: 0 };
  const events = Object.keys(FEED_EVENTS) as FeedEvent[];
  const last = new Map<FeedEvent, number>(events.map((e) => [e, 0]));
  return () => {
    for (const reason of Object.keys(dropped) as DropReason[]) {
      const now = feed.stats.dropped[reason];
      const n = now - dropped[reason];
      dropped[reason] = now;
      if (n > 0) metrics.count(WorkerMetric.FeedFramesDropped, n, { Reason: reason });
    }
    for (const event of events) {
      const now = read(feed.stats, FEED_EVENTS[event]);
      const n = now - last.get(event)!;
      last.set(event, now);
      if (n > 0) metrics.count(WorkerMetric.FeedEvents, n, { Event: event });
    }
  };
}
