/**
 * Connects the dashboard to a TradingSession: its snapshot becomes the
 * dashboard's view model, its events trigger pushes, and the trader's actions
 * go where the rest of the system looks for them — the kill switch of the
 * session (and the store's global kill flag, so a restart stays down), and
 * per-game pause flags in the store (the same flags operations set), which the
 * session applies on its next flag poll (forced at once here).
 */
import type { BookReader } from '../engine/ports.ts';
import type { SessionEvent, SessionSnapshot } from '../engine/session.ts';
import { gameTimeZone } from './time-zone.ts';
import type {
  Alert,
  DashboardActions,
  DashboardSource,
  DashboardState,
  GameView,
  Level,
  OurQuote,
} from './view-model.ts';

/** What the adapter needs of the session. */
export interface SessionForDashboard {
  snapshot(): SessionSnapshot;
  onEvent(listener: (e: SessionEvent) => void): () => void;
  kill(source: 'operator', reason: string): Promise<unknown>;
  /** Re-reads kill/pause flags now (the session otherwise polls them). */
  pollKill?(): Promise<void>;
}

type Scope = 'global' | { game: string };

/** The part of the store's KillStore the dashboard writes. */
export interface FlagWriter {
  set(scope: Scope, kind: 'kill' | 'pause', reason: string, setBy: string, now: number): Promise<unknown>;
  clear(scope: Scope, clearedBy: string, now: number): Promise<void>;
  active(): Promise<readonly { scope: string; kind: 'kill' | 'pause' }[]>;
}

export interface SessionDashboardOptions {
  session: SessionForDashboard;
  /** Deeper book levels than the snapshot's best bid/ask. */
  books?: BookReader;
  flags?: FlagWriter;
  now: () => number;
  mode: 'paper' | 'live';
  venue: string;
  /** Book levels shown per side. */
  depth?: number;
  /** The WebSocket feed's own counters; without them the session's counters are shown. */
  feedStats?: () => { reconnects: number; bookResyncs: number };
  log?: (entry: Record<string, unknown>) => void;
}

const SETTER = 'dashboard';

function quoteOf(slot: { price: number; size: number; state: string } | null): OurQuote | null {
  if (!slot) return null;
  const status = slot.state === 'resting' ? 'resting' : slot.state === 'pending' ? 'pending' : 'uncertain';
  return { price: slot.price, size: slot.size, status };
}

export function sessionDashboard(opts: SessionDashboardOptions): DashboardSource & DashboardActions {
  const depth = opts.depth ?? 3;
  /** Theo of the market when the session reported the fill: the edge column of the tape. */
  const theoAtFill = new Map<string, number | null>();
  /** Games paused from here (or found paused in the store). */
  const paused = new Set<string>();

  const levels = (ticker: string, side: 'bids' | 'asks', best: number | null, bestSize: number): Level[] => {
    const book = opts.books?.book(ticker);
    if (book?.valid) return book[side].slice(0, depth).map((l) => ({ price: l.price, size: l.size }));
    return best === null ? [] : [{ price: best, size: bestSize }];
  };

  function adapt(s: SessionSnapshot): DashboardState {
    const games: GameView[] = s.games.map((g) => {
      const teams =
        g.awayTeam && g.homeTeam ? [g.awayTeam, g.homeTeam] : g.markets.map((m) => m.outcome).slice(0, 3);
      const start = g.startMs ?? g.stopAtMs ?? s.atMs;
      const state = paused.has(g.eventTicker) && g.status === 'paused-by-operator' ? 'paused' : g.status;
      return {
        id: g.eventTicker,
        sport: g.sport,
        title: g.title,
        teams: teams.length >= 2 ? teams : [...teams, '?', '?'].slice(0, 2),
        startTime: start,
        timeZone: gameTimeZone(g.sport),
        stopTime: g.stopAtMs ?? start,
        state,
        reasons: g.reasons,
        theo: g.theo ? { asOf: Math.max(0, s.atMs - g.theo.ageMs), books: g.theo.books } : null,
        markets: g.markets.map((m) => ({
          ticker: m.ticker,
          outcome: m.outcome,
          theo: m.theo !== null && m.theo > 0 && m.theo < 1 ? m.theo : null,
          bids: levels(m.ticker, 'bids', m.bestBid, m.bestBidSize),
          asks: levels(m.ticker, 'asks', m.bestAsk, m.bestAskSize),
          ours: { bid: quoteOf(m.ourBid), ask: quoteOf(m.ourAsk) },
          modes: { bid: m.modeBid, ask: m.modeAsk },
        })),
        inventory: g.inventory,
        inventoryLimit: Math.max(0, g.limit),
        inventoryLimitMax: Math.max(0, g.limit, g.maxLimit ?? 0),
        pnlRealized: Math.round(g.pnl.realised),
        pnlMarked: Math.round(g.pnl.marked),
      };
    });
    const latestDrift = s.drift.reduce<number | null>(
      (t, d) => (t === null || d.atMs > t ? d.atMs : t),
      null,
    );
    const drift = s.drift
      .filter((d) => d.atMs === latestDrift)
      .reduce((n, d) => n + Math.abs(d.local - d.exchange), 0);
    const alerts: Alert[] = [
      ...s.alerts.map((a) => ({ time: a.atMs, level: a.level, message: a.message })),
      ...s.unmatched.map((u) => ({
        time: s.atMs,
        level: 'info' as const,
        message: `not traded: ${u.title} (${u.eventTicker}) — ${u.reason}`,
      })),
    ];
    const killed = s.kill.phase !== 'armed';
    const feed = opts.feedStats?.();
    return {
      now: s.atMs,
      mode: opts.mode,
      venue: opts.venue,
      killed,
      killPhase: killed ? s.kill.phase : null,
      killReason: killed ? (s.kill.reason ?? s.kill.source ?? null) : null,
      connection: {
        ws: s.connection.state === 'up' ? 'connected' : 'down',
        since: s.connection.sinceMs,
        // The session counts every transition to up (the first connection too).
        reconnects: feed?.reconnects ?? Math.max(0, (s.counters.reconnects ?? 0) - 1),
        bookResyncs: feed?.bookResyncs ?? 0,
        rateLimited: s.counters.rateLimited ?? 0,
      },
      reconciliation: {
        lastDriftAt: latestDrift,
        drift,
        corrections: s.counters.drifts ?? 0,
        runs: s.counters.resyncs ?? 0,
      },
      games,
      fills: s.fills.map((f) => ({
        tradeId: f.tradeId,
        time: f.atMs,
        gameId: f.eventTicker,
        ticker: f.ticker,
        side: f.side,
        price: f.price,
        size: f.count,
        theo: theoAtFill.get(f.tradeId) ?? null,
      })),
      alerts,
    };
  }

  let lastSnapshot: SessionSnapshot | null = null;
  const read = () => {
    lastSnapshot = opts.session.snapshot();
    return lastSnapshot;
  };

  const refreshFlags = async () => {
    if (!opts.flags) return;
    const active = await opts.flags.active();
    paused.clear();
    for (const f of active) if (f.kind === 'pause' && f.scope !== 'global') paused.add(f.scope);
  };
  refreshFlags().catch((err: unknown) =>
    opts.log?.({ level: 'warn', msg: 'dashboard: flags unreadable', error: String(err) }),
  );

  return {
    snapshot: () => adapt(read()),
    subscribe(onChange) {
      return opts.session.onEvent((e) => {
        if (e.type === 'fill') {
          const snap = lastSnapshot ?? read();
          const market = snap.games.flatMap((g) => g.markets).find((m) => m.ticker === e.fill.ticker);
          theoAtFill.set(e.fill.tradeId, market?.theo ?? null);
          if (theoAtFill.size > 2_000) theoAtFill.delete(theoAtFill.keys().next().value as string);
        }
        onChange();
      });
    },
    async kill(reason) {
      // The session first: quoting stops synchronously; the flag then keeps a restart down.
      void opts.session.kill('operator', reason).catch((err: unknown) => {
        opts.log?.({ level: 'error', msg: 'dashboard: kill flatten failed', error: String(err) });
      });
      await opts.flags?.set('global', 'kill', reason, SETTER, opts.now());
    },
    async pause(gameId) {
      if (!opts.flags) throw new Error('pausing a game needs the flag store');
      await opts.flags.set({ game: gameId }, 'pause', 'paused from the dashboard', SETTER, opts.now());
      paused.add(gameId);
      await opts.session.pollKill?.();
    },
    async resume(gameId) {
      if (!opts.flags) throw new Error('resuming a game needs the flag store');
      await opts.flags.clear({ game: gameId }, SETTER, opts.now());
      paused.delete(gameId);
      await opts.session.pollKill?.();
    },
  };
}
