/**
 * Publishes the worker's dashboard view to the table (shared/store/live-snapshot.ts)
 * so the operator's `npm run dashboard -- --stage <stage>` can show a deployed
 * shard. It reads the same view model the local dashboard shows, every few
 * seconds: the shard item every time (its heartbeat), a game item only when the
 * game changed or its last write is getting old (so an idle game costs about one
 * write a minute). Observational only: a failed write is logged and counted,
 * never retried in a loop, and never touches trading.
 */
import { z } from 'zod';
import type { Clock, TimerHandle } from '../../shared/clock.ts';
import { QuotingReason } from '../../shared/liveness/quoting-state.ts';
import type { LiveSnapshotKind } from '../../shared/store/live-snapshot.ts';
import type { BookReader } from '../engine/ports.ts';
import { type CashSource, withCashPanel } from './cash-panel.ts';
import { type EdgeSource, withEdgePanel } from './edge-panel.ts';
import { type SessionForDashboard, sessionDashboard } from './session-adapter.ts';
import {
  type DashboardSource,
  type DashboardState,
  type GameView,
  zAlert,
  zCashView,
  zDashboardState,
  zEdgeView,
  zFillView,
  zGameView,
} from './view-model.ts';

/** A game's live snapshot: its view, why it is (not) quoting, and its recent fills. */
export const zLiveGame = z.object({
  game: zGameView,
  /** The game's quoting reason, from the one closed set; null if the worker's state has no equivalent. */
  reason: QuotingReason.nullable(),
  /** Newest first. */
  fills: z.array(zFillView),
});
export type LiveGame = z.infer<typeof zLiveGame>;

/** A shard's live snapshot: everything of the view that is not per game. */
export const zLiveShard = zDashboardState
  .pick({ now: true, mode: true, venue: true, killed: true, killPhase: true, killReason: true })
  .extend({
    connection: zDashboardState.shape.connection,
    reconciliation: zDashboardState.shape.reconciliation,
    alerts: z.array(zAlert),
    /** The games this shard trades. */
    games: z.array(z.string()),
    /** The account's cash as this shard last read it (every shard reads the same account). */
    cash: zCashView.nullable().optional(),
    /** The edge of this shard's fills (its own rolling window; the operator's dashboard merges them). */
    edge: zEdgeView.optional(),
  });
export type LiveShard = z.infer<typeof zLiveShard>;

/** The session's game states that predate the closed set, mapped onto it. */
const LEGACY_STATES: Record<string, QuotingReason> = {
  'stale-theo': 'theo-stale',
  'no-book': 'book-not-live',
  stopped: 'outside-window',
  halted: 'paused-by-operator',
  paused: 'paused-by-operator',
  closed: 'market-inactive',
  'ws-down': 'feed-down',
};

/** Pure: the closed-set reason of a game's dashboard state. */
export function quotingReasonOf(game: Pick<GameView, 'state' | 'reasons'>): QuotingReason | null {
  const direct = QuotingReason.safeParse(game.state);
  if (direct.success) return direct.data;
  return LEGACY_STATES[game.state] ?? null;
}

export const LIVE_LIMITS = { fillsPerGame: 20, alertsPerShard: 10, games: 200, edgeRows: 20 } as const;

/** The edge panel within the shard item's size cap: at most `edgeRows` rows per table. */
const cappedEdge = (e: NonNullable<DashboardState['edge']>): NonNullable<DashboardState['edge']> => ({
  all: e.all,
  bySport: e.bySport.slice(0, LIVE_LIMITS.edgeRows),
  byMode: e.byMode.slice(0, LIVE_LIMITS.edgeRows),
  bySize: e.bySize.slice(0, LIVE_LIMITS.edgeRows),
});

/** Pure: the items one publish writes, before the change filter. */
export function liveItems(state: DashboardState): {
  shard: LiveShard;
  games: { id: string; body: LiveGame }[];
} {
  const games = state.games.slice(0, LIVE_LIMITS.games);
  return {
    shard: {
      now: state.now,
      mode: state.mode,
      venue: state.venue,
      killed: state.killed,
      killPhase: state.killPhase,
      killReason: state.killReason,
      connection: state.connection,
      reconciliation: state.reconciliation,
      alerts: state.alerts.slice(0, LIVE_LIMITS.alertsPerShard),
      games: games.map((g) => g.id),
      ...(state.cash === undefined ? {} : { cash: state.cash }),
      ...(state.edge === undefined ? {} : { edge: cappedEdge(state.edge) }),
    },
    games: games.map((game) => ({
      id: game.id,
      body: {
        game,
        reason: quotingReasonOf(game),
        fills: state.fills.filter((f) => f.gameId === game.id).slice(0, LIVE_LIMITS.fillsPerGame),
      },
    })),
  };
}

export interface LiveSnapshotWriter {
  put(input: {
    kind: LiveSnapshotKind;
    id: string;
    shardId: string;
    body: unknown;
    now: number;
  }): Promise<void>;
}

export interface LivePublisherOptions {
  source: DashboardSource;
  store: LiveSnapshotWriter;
  shardId: string;
  /** Paces the publishing (wall time: publishing is I/O, like the sockets). */
  timers: Clock;
  /** Stamps the writes. */
  now: () => number;
  /** Default 5 s. */
  intervalMs?: number;
  /** An unchanged game is written again after this long, so its TTL never lapses (default 60 s). */
  refreshMs?: number;
  log?: (entry: Record<string, unknown>) => void;
}

export interface LivePublisher {
  /** One publish now; resolves with the number of items written. */
  publish(): Promise<number>;
  readonly stats: { writes: number; failures: number };
  /** Stops publishing; resolves once a publish in flight has settled (its writes land before the store closes). */
  close(): Promise<void>;
}

export function startLivePublisher(opts: LivePublisherOptions): LivePublisher {
  const intervalMs = opts.intervalMs ?? 5_000;
  const refreshMs = opts.refreshMs ?? 60_000;
  /** What was last written per game, and when. */
  const written = new Map<string, { json: string; at: number }>();
  const stats = { writes: 0, failures: 0 };
  let timer: TimerHandle | null = null;
  let running: Promise<number> | null = null;
  let closed = false;

  const put = async (kind: LiveSnapshotKind, id: string, body: unknown, now: number): Promise<boolean> => {
    try {
      await opts.store.put({ kind, id, shardId: opts.shardId, body, now });
      stats.writes++;
      return true;
    } catch (err) {
      stats.failures++;
      opts.log?.({ level: 'warn', msg: 'live snapshot write failed', kind, id, error: String(err) });
      return false;
    }
  };

  async function publishOnce(): Promise<number> {
    const now = opts.now();
    const items = liveItems(opts.source.snapshot());
    let n = (await put('shard', opts.shardId, items.shard, now)) ? 1 : 0;
    for (const { id, body } of items.games) {
      const json = JSON.stringify(body);
      const last = written.get(id);
      if (last && last.json === json && now - last.at < refreshMs) continue;
      if (await put('game', id, body, now)) {
        written.set(id, { json, at: now });
        n++;
      }
    }
    const live = new Set(items.games.map((g) => g.id));
    for (const id of written.keys()) if (!live.has(id)) written.delete(id);
    return n;
  }

  const publish = (): Promise<number> => {
    // One publish at a time: a slow table never stacks writes up.
    running ??= publishOnce().finally(() => {
      running = null;
    });
    return running;
  };

  const schedule = () => {
    timer = opts.timers.setTimeout(() => {
      void publish().finally(() => {
        if (!closed) schedule();
      });
    }, intervalMs);
  };
  schedule();

  return {
    publish,
    stats,
    async close() {
      closed = true;
      if (timer) opts.timers.clearTimeout(timer);
      await running?.catch(() => {});
    },
  };
}

/** Where a worker's orders go, from its REST base URL (for the operator's page). */
export function venueOf(restBaseUrl: string): { mode: 'paper' | 'live'; venue: string } {
  let host = '';
  try {
    host = new URL(restBaseUrl).hostname;
  } catch {
    // an unparsable URL never reaches here in practice (the worker's env is validated)
  }
  if (host.endsWith('kalshi.co') || host.endsWith('kalshi.com')) {
    return { mode: 'live', venue: host.includes('demo') ? 'demo' : 'prod' };
  }
  return { mode: 'paper', venue: 'simulator' };
}

/** The worker's hook: its session's dashboard view, published for the operator's dashboard. */
export function startSessionLivePublisher(opts: {
  session: SessionForDashboard;
  books: BookReader;
  feedStats: () => { reconnects: number; bookResyncs: number };
  store: LiveSnapshotWriter;
  shardId: string;
  restBaseUrl: string;
  timers: Clock;
  intervalMs?: number;
  log?: (entry: Record<string, unknown>) => void;
  /** The worker's cash watch: the operator's dashboard shows its panel. */
  cash?: CashSource;
  /** The worker's fill-edge tracker: the operator's dashboard shows the edge panel. */
  edge?: EdgeSource;
}): LivePublisher {
  const session = sessionDashboard({
    session: opts.session,
    books: opts.books,
    feedStats: opts.feedStats,
    now: () => opts.timers.now(),
    ...venueOf(opts.restBaseUrl),
  });
  const withCash = opts.cash ? withCashPanel(session, opts.cash) : session;
  const source = opts.edge ? withEdgePanel(withCash, opts.edge) : withCash;
  // Subscribing records the theo at each fill (the tape's edge column).
  const unsubscribe = source.subscribe(() => {});
  const publisher = startLivePublisher({
    source,
    store: opts.store,
    shardId: opts.shardId,
    timers: opts.timers,
    now: () => opts.timers.now(),
    ...(opts.intervalMs === undefined ? {} : { intervalMs: opts.intervalMs }),
    ...(opts.log ? { log: opts.log } : {}),
  });
  return {
    ...publisher,
    close() {
      unsubscribe();
      return publisher.close();
    },
  };
}
