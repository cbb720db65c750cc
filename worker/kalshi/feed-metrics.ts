/**
 * The feed's own counters as heartbeat metrics: book frames dropped untouched
 * (a sid or market that is not ours), reported as the increase since the last
 * heartbeat, one datum per reason.
 */
import { WorkerMetric } from '../../shared/metrics/names.ts';
import type { DropReason } from '../book/book-sync.ts';
import type { FeedStats } from './ws-client.ts';

export interface CountSink {
  count(name: string, value?: number, dims?: Record<string, string>): void;
}

/** Returns a function to call once per heartbeat. */
export function feedDropReporter(feed: { stats: FeedStats }, metrics: CountSink): () => void {
  const last: Record<DropReason, number> = { unknown_sid: 0, unknown_market: 0 };
  return () => {
    for (const reason of Object.keys(last) as DropReason[]) {
      const now = feed.stats.dropped[reason];
      const n = now - last[reason];
      last[reason] = now;
      if (n > 0) metrics.count(WorkerMetric.FeedFramesDropped, n, { Reason: reason });
    }
  };
}
