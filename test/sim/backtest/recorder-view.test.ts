/**
 * The backtest's recorder view is the dashboard's view, field for field, in
 * every field the run recorder reads (scripts/paper/recorder.ts: RecorderView):
 * limits, theo (only inside (0, 1)), our quotes and their status, and the book
 * levels (the feed's book when valid, else the snapshot's best level).
 */
import { describe, expect, it } from 'vitest';
import type { RecorderView } from '../../../scripts/paper/recorder.ts';
import { recorderView } from '../../../sim/backtest/recorder-view.ts';
import { sessionDashboard } from '../../../worker/dashboard/session-adapter.ts';
import type { BookReader, MarketBook } from '../../../worker/engine/ports.ts';
import type { GameView, MarketView, SessionSnapshot } from '../../../worker/engine/projection.ts';

const market = (ticker: string, over: Partial<MarketView> = {}): MarketView => ({
  ticker,
  outcome: ticker.slice(-3),
  theo: 0.42,
  bestBid: 400_000,
  bestBidSize: 500,
  bestAsk: 450_000,
  bestAskSize: 700,
  position: 0,
  ourBid: { price: 400_000, size: 500, state: 'resting' },
  ourAsk: null,
  modeBid: 'alone',
  modeAsk: null,
  ...over,
});

const game = (id: string, markets: MarketView[], over: Partial<GameView> = {}): GameView => ({
  eventTicker: id,
  title: id,
  sport: 'NBA',
  homeTeam: 'Boston',
  awayTeam: 'Miami',
  startMs: 1_000_000,
  stopAtMs: 700_000,
  status: 'quoting',
  theo: { probabilities: {}, ageMs: 1_000, books: 5 },
  markets,
  inventory: 300,
  limit: 1_000,
  pnl: { realised: 0, marked: 0 },
  reasons: [],
  ...over,
});

const snapshot: SessionSnapshot = {
  atMs: 500_000,
  connection: { state: 'up', sinceMs: 0 },
  kill: { phase: 'armed', source: null, reason: null, atMs: null, result: null },
  games: [
    game('G1', [
      market('G1-BOS'),
      market('G1-MIA', {
        theo: 1,
        ourBid: { price: 300_000, size: 100, state: 'pending' },
        ourAsk: { price: 600_000, size: 100, state: 'uncertain' },
        bestBid: null,
      }),
    ]),
    game('G2', [market('G2-AAA', { theo: null, bestAsk: null }), market('G2-BBB', { theo: 0 })], {
      limit: -5,
      maxLimit: 2_000,
    }),
    game('G3', [market('G3-TIE', { theo: 0.999 })], { maxLimit: 10 }),
  ],
  unmatched: [{ eventTicker: 'X', title: 'x', reason: 'no odds' }],
  fills: [],
  drift: [],
  counters: {},
  alerts: [],
  pnl: { realised: 0, marked: 0 },
};

/** A valid five-level book for G1-BOS, an invalid one for G1-MIA, none for the others. */
const books: BookReader = {
  book(ticker: string): MarketBook | undefined {
    const levels = (p0: number, step: number) =>
      Array.from({ length: 5 }, (_, i) => ({ price: p0 + i * step, size: 100 * (i + 1) }));
    if (ticker === 'G1-BOS')
      return {
        ticker,
        bids: levels(400_000, -10_000),
        asks: levels(450_000, 10_000),
        valid: true,
        updatedMs: 0,
      };
    if (ticker === 'G1-MIA')
      return { ticker, bids: levels(1, 1), asks: levels(2, 1), valid: false, updatedMs: 0 };
    return undefined;
  },
};

/** The recorder's fields of a full dashboard state. */
function project(v: RecorderView): RecorderView {
  return {
    games: v.games.map((g) => ({
      id: g.id,
      inventoryLimit: g.inventoryLimit,
      inventoryLimitMax: g.inventoryLimitMax,
      markets: g.markets.map((m) => ({
        ticker: m.ticker,
        theo: m.theo,
        bids: m.bids,
        asks: m.asks,
        ours: m.ours,
      })),
    })),
  };
}

describe('recorderView', () => {
  it("equals the dashboard's view in every field the run recorder reads", () => {
    const dashboard = sessionDashboard({
      session: { snapshot: () => snapshot, onEvent: () => () => {}, kill: async () => {} },
      books,
      now: () => snapshot.atMs,
      mode: 'paper',
      venue: 'backtest',
    });
    const full = project(dashboard.snapshot());
    expect(recorderView(snapshot, books)).toEqual(full);
    // The cases are really there: a theo outside (0, 1) is null, an invalid book falls back to the best level.
    expect(full.games[0]!.markets[1]!.theo).toBeNull();
    expect(full.games[0]!.markets[0]!.bids).toHaveLength(3);
    expect(full.games[0]!.markets[1]!.bids).toEqual([]);
    expect(full.games[1]!.inventoryLimit).toBe(0);
    expect(full.games[1]!.inventoryLimitMax).toBe(2_000);
  });
});
