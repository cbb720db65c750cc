/**
 * The dashboard's projection is computed from read-only session state: its
 * PnL maths, the slots and modes it shows, and copies (never the session's own
 * arrays) in what it returns.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newGameEntryBook } from '../../../shared/risk/inventory.ts';
import { MICROS_PER_DOLLAR, notionalMicros } from '../../../shared/units.ts';
import type { GameState } from '../../../worker/engine/game-state.ts';
import { Inventory } from '../../../worker/engine/inventory.ts';
import type { LiveOrder, MarketBook } from '../../../worker/engine/ports.ts';
import {
  type ProjectionInput,
  projectHealth,
  projectModes,
  projectQuotes,
  projectSnapshot,
} from '../../../worker/engine/projection.ts';

const NOW = Date.UTC(2026, 10, 25, 18, 0, 0);
const A = 'KXG-BOSMIL-BOS';
const B = 'KXG-BOSMIL-MIL';

function game(overrides: Partial<GameState> = {}): GameState {
  return {
    game: {
      eventTicker: 'KXG-BOSMIL',
      seriesTicker: 'KXG',
      sport: 'nba',
      title: 'Boston at Milwaukee',
      oddsEventId: 'odds-1',
      markets: [
        { ticker: A, outcome: 'Boston' },
        { ticker: B, outcome: 'Milwaukee' },
      ],
      kalshiStartMs: NOW + 3_600_000,
      oddsCommenceMs: NOW + 3_000_000,
      homeTeam: 'Milwaukee',
      awayTeam: 'Boston',
    },
    sport: 'nba',
    tickers: [A, B],
    theo: {
      oddsEventId: 'odds-1',
      probabilities: { Boston: 0.6, Milwaukee: 0.4 },
      updatedMs: NOW - 5_000,
      books: 4,
    },
    stopAtMs: NOW + 2_000_000,
    hardStopMs: NOW + 2_030_000,
    halted: null,
    haltKind: null,
    closed: false,
    status: 'quoting',
    lastQuotes: {
      quotes: [],
      modes: { [`${A}|bid`]: 'competitive', [`${A}|ask`]: 'ceiling' },
      reasons: ['quoting'],
    },
    limit: 1_000,
    maxLimit: 1_000,
    lastRefreshMs: 0,
    stopTimer: null,
    retryTimer: null,
    entries: newGameEntryBook([A, B]),
    ...overrides,
  };
}

function input(g: GameState, inventory: Inventory, orders: LiveOrder[] = []): ProjectionInput {
  const book: MarketBook = {
    ticker: A,
    bids: [{ price: 550_000, size: 300 }],
    asks: [{ price: 620_000, size: 200 }],
    valid: true,
    updatedMs: NOW,
  };
  return {
    now: NOW,
    games: [g],
    inventory,
    book: (t) => (t === A ? book : undefined),
    orders,
    idleSinceMs: () => null,
    connection: { state: 'up', sinceMs: NOW - 1 },
    kill: { phase: 'armed', source: null, reason: null, atMs: null, result: null },
    unmatched: [],
    fills: [],
    drift: [],
    counters: { fills: 1 },
    alerts: [],
  };
}

describe('projectSnapshot', () => {
  it("shows the highest limit since the game's start beside the limit of the moment", () => {
    const snap = projectSnapshot(input(game({ limit: 600, maxLimit: 1_500 }), new Inventory()));
    expect(snap.games[0]).toMatchObject({ limit: 600, maxLimit: 1_500 });
    // Before the first requote raises it, the limit of the moment is the highest.
    const first = projectSnapshot(input(game({ limit: 1_000, maxLimit: 0 }), new Inventory()));
    expect(first.games[0]!.maxLimit).toBe(1_000);
  });

  it('shows books, our slots, modes (a denied slot has none), the start and the theo age', () => {
    const inv = new Inventory();
    const order: LiveOrder = {
      orderId: 'o1',
      clientOrderId: 'c1',
      ticker: A,
      side: 'bid',
      price: 560_000,
      remaining: 100,
      filled: 0,
      state: 'resting',
      sinceMs: NOW,
    };
    const g = game({ denied: new Set([`${A}|ask`]) });
    const snap = projectSnapshot(input(g, inv, [order]));
    const view = snap.games[0]!;
    expect(view.startMs).toBe(NOW + 3_000_000); // the earlier of the two sources
    expect(view.theo?.ageMs).toBe(5_000);
    const a = view.markets[0]!;
    expect(a).toMatchObject({ bestBid: 550_000, bestBidSize: 300, bestAsk: 620_000, bestAskSize: 200 });
    expect(a.ourBid).toEqual({ price: 560_000, size: 100, state: 'resting' });
    expect(a.ourAsk).toBeNull();
    expect(a.modeBid).toBe('competitive');
    expect(a.modeAsk).toBeNull();
    expect(view.markets[1]!.bestBid).toBeNull();
  });

  it('property: marked PnL is each position marked at the theo against its entry; the total sums the games', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 1, max: 50 }),
        fc.constantFrom<'bid' | 'ask'>('bid', 'ask'),
        (cents, lots, side) => {
          const inv = new Inventory();
          const price = cents * 10_000;
          inv.applyFill({ tradeId: 't1', ticker: A, side, price, count: lots * 100 }, NOW);
          const snap = projectSnapshot(input(game(), inv));
          const pos = inv.position(A);
          const expected = notionalMicros(Math.round(0.6 * MICROS_PER_DOLLAR) - inv.entry(A)!, pos);
          expect(snap.games[0]!.pnl.marked).toBe(0 + expected); // a sum from 0: never -0
          expect(snap.pnl).toEqual(snap.games[0]!.pnl);
          expect(snap.games[0]!.markets[0]!.position).toBe(pos);
        },
      ),
    );
  });

  it('returns copies: changing the snapshot changes nothing of the session', () => {
    const fills = [
      { atMs: NOW, eventTicker: 'E', ticker: A, side: 'bid' as const, price: 1, count: 1, tradeId: 't' },
    ];
    const g = game();
    const inp = { ...input(g, new Inventory()), fills };
    const snap = projectSnapshot(inp);
    snap.fills.length = 0;
    snap.counters['fills'] = 99;
    snap.games[0]!.theo!.probabilities['Boston'] = 0;
    expect(fills).toHaveLength(1);
    expect(inp.counters['fills']).toBe(1);
    expect(g.theo!.probabilities['Boston']).toBe(0.6);
  });

  it("property: projectHealth is the snapshot's games (status, stop, theo age, inventory) and PnL, alone (the heartbeat's figures)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            ticker: fc.constantFrom(A, B),
            side: fc.constantFrom<'bid' | 'ask'>('bid', 'ask'),
            cents: fc.integer({ min: 1, max: 99 }),
            lots: fc.integer({ min: 1, max: 50 }),
          }),
          { maxLength: 6 },
        ),
        fc.option(fc.integer({ min: 0, max: 600_000 })),
        fc.option(fc.integer({ min: -1_000_000, max: 1_000_000 })),
        fc.constantFrom<GameState['status']>('quoting', 'stale-theo' as GameState['status']),
        (fills, theoAge, stopIn, status) => {
          const inv = new Inventory();
          for (const [i, f] of fills.entries())
            inv.applyFill(
              {
                tradeId: `t${i}`,
                ticker: f.ticker,
                side: f.side,
                price: f.cents * 10_000,
                count: f.lots * 100,
              },
              NOW,
            );
          const base = game();
          const g = game({
            status,
            stopAtMs: stopIn === null ? null : NOW + stopIn,
            theo: theoAge === null ? null : { ...base.theo!, updatedMs: NOW - theoAge },
          });
          const inp = input(g, inv);
          const snap = projectSnapshot(inp);
          expect(projectHealth(inp)).toEqual({
            games: snap.games.map((v) => ({
              eventTicker: v.eventTicker,
              status: v.status,
              stopAtMs: v.stopAtMs,
              theoAgeMs: v.theo?.ageMs ?? null,
              inventory: v.inventory,
            })),
            pnl: snap.pnl,
          });
        },
      ),
    );
  });

  it("projectModes is the snapshot's reason and side modes, alone (the backtest's liveness sample)", () => {
    for (const g of [
      game(),
      game({ denied: new Set([`${A}|ask`]) }),
      game({ status: 'stale-theo' as GameState['status'] }),
      game({ lastQuotes: undefined }),
    ]) {
      const snap = projectSnapshot(input(g, new Inventory()));
      expect(projectModes([g])).toEqual(
        snap.games.map((v) => ({
          eventTicker: v.eventTicker,
          status: v.status,
          markets: v.markets.map((m) => ({ ticker: m.ticker, modeBid: m.modeBid, modeAsk: m.modeAsk })),
        })),
      );
    }
  });

  it("property: projectQuotes is the snapshot's limits, theos, best levels and our first order per slot, alone (the backtest recorder's sample)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            ticker: fc.constantFrom(A, B),
            side: fc.constantFrom<'bid' | 'ask'>('bid', 'ask'),
            cents: fc.integer({ min: 1, max: 99 }),
            remaining: fc.integer({ min: 0, max: 5_000 }),
            state: fc.constantFrom<LiveOrder['state']>('resting', 'pending', 'uncertain'),
          }),
          { maxLength: 8 },
        ),
        fc.integer({ min: 0, max: 3_000 }),
        fc.integer({ min: 0, max: 3_000 }),
        fc.boolean(),
        (raw, limit, maxLimit, theo) => {
          const orders: LiveOrder[] = raw.map((o, i) => ({
            orderId: `o${i}`,
            clientOrderId: `c${i}`,
            ticker: o.ticker,
            side: o.side,
            price: o.cents * 10_000,
            remaining: o.remaining,
            filled: 0,
            state: o.state,
            sinceMs: NOW,
          }));
          const g = game({ limit, maxLimit, ...(theo ? {} : { theo: null }) });
          const inp = input(g, new Inventory(), orders);
          const snap = projectSnapshot(inp);
          expect(projectQuotes(inp)).toEqual(
            snap.games.map((v) => ({
              eventTicker: v.eventTicker,
              limit: v.limit,
              maxLimit: v.maxLimit,
              markets: v.markets.map((m) => ({
                ticker: m.ticker,
                theo: m.theo,
                bestBid: m.bestBid,
                bestBidSize: m.bestBidSize,
                bestAsk: m.bestAsk,
                bestAskSize: m.bestAskSize,
                ourBid: m.ourBid,
                ourAsk: m.ourAsk,
              })),
            })),
          );
        },
      ),
    );
  });
});
