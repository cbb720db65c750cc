/**
 * The worker, in-process, for paper mode, `--live` and simulations: exactly
 * the deployed worker's wiring (`worker/main.ts` `startWorker`: signed REST
 * gateway with its own unthrottled kill client, WebSocket feed and books,
 * store theos / kill flags / audit / game mapping, cancel-until-flat) — only
 * the endpoints, key, clock, store and refresh delivery differ.
 *
 * The session runs on the given (scenario) clock; REST and WebSocket run on
 * the wall clock inside startWorker (signatures and socket liveness are wall
 * time even when scenario time runs a hundred times faster).
 */
import { startWorker } from '../../worker/main.ts';
import type { PaperWorker, PaperWorkerOptions } from './worker-port.ts';

type FeedStats = { reconnects: number; bookResyncs: number };

/** Info-level engine events the paper sink keeps: why a market has no order of ours (a test explains a miss by them). */
export const EXPLAINS: ReadonlySet<string> = new Set(['risk_denied']);

export async function startPaperWorker(opts: PaperWorkerOptions): Promise<PaperWorker> {
  const worker = await startWorker({
    clock: opts.clock,
    config: opts.config,
    kalshi: opts.kalshi,
    store: opts.store,
    publishRefresh: (r) => opts.publishRefresh(r),
    ...(opts.quoter ? { quoter: opts.quoter } : {}),
    ...(opts.restLimiterClock ? { restLimiterClock: opts.restLimiterClock } : {}),
    ...(opts.journal ? { journal: opts.journal } : {}),
    ...(opts.ladderSports ? { ladderSports: opts.ladderSports } : {}),
    // Warnings and errors reach the paper log sink, and the info events that explain a market left without
    // an order (a risk-gate refusal); other info-level engine events are dropped. Sinks filter on `level`.
    log: (entry) => {
      if (entry.level === 'warn' || entry.level === 'error' || EXPLAINS.has(String(entry.event)))
        opts.log(entry);
    },
    shardId: 'paper',
  });
  // Reconnects as the session sees them (every transition to up after the first).
  let ups = 0;
  worker.session.onEvent((e) => {
    if (e.type === 'connection' && e.state === 'up') ups++;
  });
  const own = (worker as { feedStats?: () => FeedStats }).feedStats;
  return {
    session: worker.session,
    books: worker.books,
    // The WebSocket feed's own counters when the worker exposes them.
    feedStats: own ? () => own.call(worker) : () => ({ reconnects: Math.max(0, ups - 1), bookResyncs: 0 }),
    hasFeedStats: own !== undefined,
    cash: worker.cash,
    edge: worker.edge,
    ...(worker.pnl?.day ? { pnlDay: worker.pnl.day } : {}),
    idle: () => worker.idle(),
    stop: (reason) => worker.stop(reason),
    close: () => worker.close(),
  };
}
