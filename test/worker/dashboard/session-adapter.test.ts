import { describe, expect, it } from 'vitest';
import { type FlagWriter, sessionDashboard } from '../../../worker/dashboard/session-adapter.ts';
import { zDashboardState } from '../../../worker/dashboard/view-model.ts';
import type { SessionEvent, SessionSnapshot } from '../../../worker/engine/session.ts';

const T = Date.UTC(2026, 10, 25, 1, 0, 0);

function snapshot(): SessionSnapshot {
  return {
    atMs: T,
    connection: { state: 'up', sinceMs: T - 5_000 },
    kill: { phase: 'armed', source: null, reason: null, atMs: null, result: null },
    games: [
      {
        eventTicker: 'KXNBAGAME-26NOV25BOSLAL',
        title: 'Boston at Los Angeles',
        sport: 'nba',
        homeTeam: 'Los Angeles Lakers',
        awayTeam: 'Boston Celtics',
        startMs: T + 20 * 60_000,
        stopAtMs: T + 15 * 60_000,
        status: 'quoting',
        theo: { probabilities: { 'Boston Celtics': 0.56 }, ageMs: 12_000, books: 7 },
        markets: [
          {
            ticker: 'KXNBAGAME-26NOV25BOSLAL-BOS',
            outcome: 'Boston Celtics',
            theo: 0.56,
            bestBid: 530_000,
            bestBidSize: 1_000,
            bestAsk: 590_000,
            bestAskSize: 500,
            position: 300,
            ourBid: { price: 540_000, size: 1_000, state: 'resting' },
            ourAsk: { price: 580_000, size: 1_000, state: 'pending' },
            modeBid: 'competitive',
            modeAsk: 'monopsony',
          },
          {
            ticker: 'KXNBAGAME-26NOV25BOSLAL-LAL',
            outcome: 'Los Angeles Lakers',
            theo: 0.44,
            bestBid: null,
            bestBidSize: 0,
            bestAsk: null,
            bestAskSize: 0,
            position: 0,
            ourBid: null,
            ourAsk: { price: 470_000, size: 1_000, state: 'uncertain' },
            modeBid: null,
            modeAsk: 'monopsony',
          },
        ],
        inventory: 300,
        limit: 5_000,
        pnl: { realised: 12_345, marked: -6_789 },
        reasons: [],
      },
    ],
    unmatched: [{ eventTicker: 'KXNBAGAME-X', title: 'Unknown game', reason: 'no odds event' }],
    fills: [
      {
        atMs: T - 1_000,
        eventTicker: 'KXNBAGAME-26NOV25BOSLAL',
        ticker: 'KXNBAGAME-26NOV25BOSLAL-BOS',
        side: 'bid',
        price: 540_000,
        count: 300,
        tradeId: 'tr-1',
      },
    ],
    drift: [
      { atMs: T - 20_000, ticker: 'A', local: 0, exchange: 500 },
      { atMs: T - 10_000, ticker: 'B', local: 100, exchange: 0 },
      { atMs: T - 10_000, ticker: 'C', local: 0, exchange: -200 },
    ],
    counters: { reconnects: 2, resyncs: 1, rateLimited: 3, drifts: 3 },
    alerts: [{ atMs: T - 3_000, level: 'warn', message: 'theo stale for X' }],
    pnl: { realised: 12_345, marked: -6_789 },
  } as SessionSnapshot;
}

class FakeSession {
  snap = snapshot();
  listeners = new Set<(e: SessionEvent) => void>();
  kills: string[] = [];
  polls = 0;
  snapshot() {
    return structuredClone(this.snap);
  }
  onEvent(l: (e: SessionEvent) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  async kill(_source: 'operator', reason: string) {
    this.kills.push(reason);
    this.snap.kill = { phase: 'flattening', source: 'operator', reason, atMs: T, result: null };
  }
  async pollKill() {
    this.polls++;
  }
}

class FakeFlags implements FlagWriter {
  flags = new Map<string, 'kill' | 'pause'>();
  async set(scope: 'global' | { game: string }, kind: 'kill' | 'pause') {
    this.flags.set(scope === 'global' ? 'global' : scope.game, kind);
  }
  async clear(scope: 'global' | { game: string }) {
    this.flags.delete(scope === 'global' ? 'global' : scope.game);
  }
  async active() {
    return [...this.flags].map(([scope, kind]) => ({ scope, kind }));
  }
}

describe('session → dashboard adapter', () => {
  it('maps the session snapshot into a valid dashboard state', () => {
    const session = new FakeSession();
    const dash = sessionDashboard({ session, now: () => T, mode: 'paper', venue: 'simulator' });
    const state = zDashboardState.parse(dash.snapshot());
    const g = state.games[0]!;
    expect(g).toMatchObject({
      id: 'KXNBAGAME-26NOV25BOSLAL',
      teams: ['Boston Celtics', 'Los Angeles Lakers'],
      startTime: T + 20 * 60_000,
      stopTime: T + 15 * 60_000,
      state: 'quoting',
      theo: { asOf: T - 12_000, books: 7 },
      inventory: 300,
      inventoryLimit: 5_000,
      pnlRealized: 12_345,
      pnlMarked: -6_789,
    });
    expect(g.markets[0]).toMatchObject({
      bids: [{ price: 530_000, size: 1_000 }],
      asks: [{ price: 590_000, size: 500 }],
      ours: { bid: { price: 540_000, status: 'resting' }, ask: { price: 580_000, status: 'pending' } },
      modes: { bid: 'competitive', ask: 'monopsony' },
    });
    expect(g.markets[1]!.ours.ask?.status).toBe('uncertain');
    expect(g.markets[1]!.bids).toEqual([]);
    expect(state.connection).toEqual({
      ws: 'connected',
      since: T - 5_000,
      reconnects: 1, // the session counts the first connection too
      bookResyncs: 0,
      rateLimited: 3,
    });
    expect(state.reconciliation).toEqual({ lastDriftAt: T - 10_000, drift: 300, corrections: 3, runs: 1 });
    const withFeed = sessionDashboard({
      session,
      now: () => T,
      mode: 'paper',
      venue: 'simulator',
      feedStats: () => ({ reconnects: 4, bookResyncs: 2 }),
    }).snapshot();
    expect(withFeed.connection).toMatchObject({ reconnects: 4, bookResyncs: 2 });
    expect(state.fills[0]).toMatchObject({ tradeId: 'tr-1', size: 300, gameId: 'KXNBAGAME-26NOV25BOSLAL' });
    expect(state.alerts.map((a) => a.level)).toEqual(['warn', 'info']);
    expect(state.killed).toBe(false);
  });

  it("shows the game's highest limit since its start beside the limit of the moment (the run recorder judges by it)", () => {
    const session = new FakeSession();
    session.snap.games[0]!.maxLimit = 8_000;
    const dash = sessionDashboard({ session, now: () => T, mode: 'paper', venue: 'simulator' });
    const g = zDashboardState.parse(dash.snapshot()).games[0]!;
    expect(g).toMatchObject({ inventoryLimit: 5_000, inventoryLimitMax: 8_000 });
    // A snapshot without it (older worker): the limit of the moment.
    delete session.snap.games[0]!.maxLimit;
    expect(zDashboardState.parse(dash.snapshot()).games[0]!.inventoryLimitMax).toBe(5_000);
  });

  it('takes deeper levels from the book reader when the book is valid', () => {
    const session = new FakeSession();
    const levels = [1, 2, 3, 4].map((i) => ({ price: 530_000 - i * 10_000, size: i * 100 }));
    const dash = sessionDashboard({
      session,
      now: () => T,
      mode: 'paper',
      venue: 'simulator',
      books: {
        book: (ticker) =>
          ticker.endsWith('BOS') ? { ticker, bids: levels, asks: [], valid: true, updatedMs: T } : undefined,
      },
    });
    expect(dash.snapshot().games[0]!.markets[0]!.bids).toHaveLength(3);
  });

  it('records the theo at the moment a fill is reported, for the tape’s edge', () => {
    const session = new FakeSession();
    const dash = sessionDashboard({ session, now: () => T, mode: 'paper', venue: 'simulator' });
    let changes = 0;
    dash.subscribe(() => changes++);
    const fill = session.snap.fills[0]!;
    for (const l of session.listeners) l({ type: 'fill', fill });
    session.snap.games[0]!.markets[0]!.theo = 0.7; // theo moves after the fill
    expect(dash.snapshot().fills[0]!.theo).toBe(0.56);
    expect(changes).toBe(1);
  });

  it('kill trips the session at once and sets the global kill flag', async () => {
    const session = new FakeSession();
    const flags = new FakeFlags();
    const dash = sessionDashboard({ session, flags, now: () => T, mode: 'paper', venue: 'simulator' });
    await dash.kill('dashboard: panic');
    expect(session.kills).toEqual(['dashboard: panic']);
    expect(flags.flags.get('global')).toBe('kill');
    const s = dash.snapshot();
    expect(s).toMatchObject({ killed: true, killPhase: 'flattening', killReason: 'dashboard: panic' });
  });

  it('pause and resume write the per-game pause flag and make the session re-read flags', async () => {
    const session = new FakeSession();
    const flags = new FakeFlags();
    const dash = sessionDashboard({ session, flags, now: () => T, mode: 'paper', venue: 'simulator' });
    await dash.pause('KXNBAGAME-26NOV25BOSLAL');
    expect(flags.flags.get('KXNBAGAME-26NOV25BOSLAL')).toBe('pause');
    session.snap.games[0]!.status = 'paused-by-operator';
    expect(dash.snapshot().games[0]!.state).toBe('paused');
    await dash.resume('KXNBAGAME-26NOV25BOSLAL');
    expect(flags.flags.size).toBe(0);
    expect(session.polls).toBe(2);
    await expect(
      sessionDashboard({ session, now: () => T, mode: 'paper', venue: 'x' }).pause('G'),
    ).rejects.toThrow(/flag store/);
  });
});
