/**
 * What paper mode needs from the worker process: started in-process on the
 * given clock against the given Kalshi endpoints, key and store, publishing
 * refresh requests through the given function; it exposes its session (for
 * the dashboard and the scoreboard) and its order books (to compare with the
 * exchange's own).
 */
import type { Clock } from '../../shared/clock.ts';
import type { EngineConfig } from '../../shared/config/engine-config.ts';
import type { LadderSports } from '../../shared/config/ladder-sports.ts';
import type { RefreshRequestInput } from '../../shared/events/refresh-request.ts';
import type { Store } from '../../shared/store/index.ts';
import type { CashSource } from '../../worker/dashboard/cash-panel.ts';
import type { EdgeSource } from '../../worker/dashboard/edge-panel.ts';
import type { DayPnlSource } from '../../worker/dashboard/pnl-panel.ts';
import type { BookReader, FlattenResult, Quoter } from '../../worker/engine/ports.ts';
import type { SessionEvent, SessionSnapshot } from '../../worker/engine/session.ts';
import type { SessionJournalOptions } from '../../worker/journal/session-journal.ts';

export interface PaperWorkerOptions {
  clock: Clock;
  config: EngineConfig;
  kalshi: { restBaseUrl: string; wsUrl: string; keyId: string; privateKeyPem: string };
  store: Store;
  publishRefresh(request: RefreshRequestInput): void;
  /** Replaces our quoter (baselines in `npm run simulate`). */
  quoter?: Quoter;
  log: (entry: Record<string, unknown>) => void;
  /** Clock of the REST client's token buckets (headless runs: scenario time); default the wall clock. */
  restLimiterClock?: Clock;
  /** The session journal (worker/journal/); absent: none. */
  journal?: SessionJournalOptions;
  /** Spread/total ladders quoted (paper: on when the scenario lists them); absent: winners only. */
  ladderSports?: LadderSports;
}

export interface PaperSession {
  snapshot(): SessionSnapshot;
  onEvent(listener: (e: SessionEvent) => void): () => void;
  kill(source: 'operator', reason: string): Promise<unknown>;
  pollKill?(): Promise<void>;
}

export interface PaperWorker {
  session: PaperSession;
  books: BookReader;
  /** WebSocket counters: reconnects (not the first connection) and book resyncs (gaps, invalid books). */
  feedStats(): { reconnects: number; bookResyncs: number };
  /** False when the worker does not report its feed counters (book resyncs then read 0). */
  hasFeedStats: boolean;
  /** The account's cash as the worker polls it (the dashboard's cash panel); absent: no panel. */
  cash?: CashSource;
  /** Edge and markouts of the fills (the dashboard's edge panel); absent: no panel. */
  edge?: EdgeSource;
  /** The trading day's PnL from the stored record (the dashboard's PnL panel); absent: no panel. */
  pnlDay?: DayPnlSource;
  /** Resolves when no requote or order write is in flight (headless lockstep). */
  idle(): Promise<void>;
  /** Kill switch (stop quoting, cancel until flat), then stop the session's timers and feed. */
  stop(reason: string): Promise<FlattenResult>;
  /** Closes sockets; after `stop`. */
  close(): Promise<void>;
}

export type PaperWorkerStarter = (opts: PaperWorkerOptions) => Promise<PaperWorker>;
