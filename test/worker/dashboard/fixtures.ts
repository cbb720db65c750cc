/**
 * A small in-memory trading desk for dashboard tests: two games with books,
 * our quotes, inventory and fills, that moves when told to (`tick`) and obeys
 * kill / pause / resume the way the session does (quotes withdrawn).
 */
import type {
  DashboardActions,
  DashboardSource,
  DashboardState,
  GameView,
  MarketView,
} from '../../../worker/dashboard/view-model.ts';

const T0 = Date.UTC(2026, 10, 25, 0, 0, 0);

function market(ticker: string, outcome: string, theo: number): MarketView {
  const t = Math.round(theo * 100) * 10_000;
  return {
    ticker,
    outcome,
    theo,
    bids: [
      { price: t - 30_000, size: 1_000 },
      { price: t - 50_000, size: 2_500 },
    ],
    asks: [
      { price: t + 30_000, size: 800 },
      { price: t + 60_000, size: 3_000 },
    ],
    ours: {
      bid: { price: t - 20_000, size: 500, status: 'resting' },
      ask: { price: t + 20_000, size: 500, status: 'resting' },
    },
    modes: { bid: 'monopsony', ask: 'monopsony' },
  };
}

function game(id: string, sport: string, away: string, home: string, p: number, startIn: number): GameView {
  return {
    id,
    sport,
    title: `${away} at ${home}`,
    teams: [away, home],
    startTime: T0 + startIn,
    stopTime: T0 + startIn - 60_000,
    state: 'quoting',
    reasons: [],
    theo: { asOf: T0 - 5_000, books: 5 },
    markets: [market(`KX${id}-A`, away, p), market(`KX${id}-H`, home, 1 - p)],
    inventory: 0,
    inventoryLimit: 5_000,
    pnlRealized: 0,
    pnlMarked: 0,
  };
}

export class FakeDesk implements DashboardSource, DashboardActions {
  state: DashboardState;
  private readonly listeners = new Set<() => void>();
  readonly calls: string[] = [];

  constructor() {
    this.state = {
      now: T0,
      mode: 'paper',
      venue: 'simulator',
      killed: false,
      killPhase: null,
      killReason: null,
      connection: { ws: 'connected', since: T0, reconnects: 0, bookResyncs: 0, rateLimited: 0 },
      reconciliation: { lastDriftAt: null, drift: 0, corrections: 0, runs: 0 },
      games: [
        game('NBA1', 'nba', 'Boston Celtics', 'Los Angeles Lakers', 0.56, 20 * 60_000),
        game('NBA2', 'nba', 'Denver Nuggets', 'Phoenix Suns', 0.48, 45 * 60_000),
      ],
      fills: [],
      alerts: [{ time: T0, level: 'info', message: 'paper session started' }],
    };
  }

  snapshot(): DashboardState {
    return structuredClone(this.state);
  }

  subscribe(onChange: () => void): () => void {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }

  changed(): void {
    for (const l of this.listeners) l();
  }

  /** One second of market life: theo drifts, one fill on the first game, PnL moves. */
  tick(n = 1): void {
    for (let i = 0; i < n; i++) {
      const s = this.state;
      s.now += 1_000;
      const g = s.games[0]!;
      if (!s.killed && g.state === 'quoting') {
        const m = g.markets[0]!;
        const fillPrice = m.ours.bid!.price;
        g.inventory += 100;
        g.pnlMarked += 20_000;
        s.fills.unshift({
          tradeId: `t${s.now}`,
          time: s.now,
          gameId: g.id,
          ticker: m.ticker,
          side: 'bid',
          price: fillPrice,
          size: 100,
          theo: m.theo,
        });
        const next = Math.min(0.9, (m.theo ?? 0.5) + 0.01);
        g.markets[0] = {
          ...market(m.ticker, m.outcome, next),
          modes: { bid: 'competitive', ask: 'monopsony' },
        };
      }
    }
    this.changed();
  }

  async kill(reason: string): Promise<void> {
    this.calls.push(`kill:${reason}`);
    this.state.killed = true;
    this.state.killPhase = 'flat';
    this.state.killReason = reason;
    for (const g of this.state.games) {
      g.state = 'killed';
      for (const m of g.markets) m.ours = { bid: null, ask: null };
    }
    this.changed();
  }

  async pause(gameId: string): Promise<void> {
    this.calls.push(`pause:${gameId}`);
    const g = this.state.games.find((x) => x.id === gameId)!;
    g.state = 'paused';
    g.reasons = ['paused by trader'];
    for (const m of g.markets) m.ours = { bid: null, ask: null };
    this.changed();
  }

  async resume(gameId: string): Promise<void> {
    this.calls.push(`resume:${gameId}`);
    const g = this.state.games.find((x) => x.id === gameId)!;
    g.state = 'quoting';
    g.reasons = [];
    this.changed();
  }

  restingQuotes(): number {
    return this.state.games
      .flatMap((g) => g.markets)
      .reduce((n, m) => n + (m.ours.bid ? 1 : 0) + (m.ours.ask ? 1 : 0), 0);
  }
}
