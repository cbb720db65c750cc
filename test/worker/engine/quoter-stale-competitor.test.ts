import { describe, expect, it } from 'vitest';
import { DEFAULT_QUOTING_PARAMS, type QuotingParams } from '../../../shared/pricing/params.ts';
import {
  EMPTY_GAME_MEMORY,
  type GameMemory,
  quoterSettings,
  quoteWithMemory,
} from '../../../worker/engine/adapters/quoter.ts';
import type { BookLevel, LiveOrder, QuoteContext } from '../../../worker/engine/ports.ts';

const T0 = Date.UTC(2026, 10, 25, 18, 0, 0);
const A = 'KXNBAGAME-26NOV25BOSMIL-BOS';
const B = 'KXNBAGAME-26NOV25BOSMIL-MIL';
const c = (cents: number) => cents * 10_000;

/** Two-way game, no fees, stop 55 min out. A's bids: the rival's level and our resting bid. */
function ctx(now: number, theoA: number, rivalBid: number, ourBid: number): QuoteContext {
  const bids: BookLevel[] = [{ price: rivalBid, size: 500 }];
  const same = bids.find((l) => l.price === ourBid);
  if (same) same.size += 1_000;
  else bids.push({ price: ourBid, size: 1_000 });
  bids.sort((x, y) => y.price - x.price);
  const ours: LiveOrder = {
    orderId: 'o-1',
    clientOrderId: null,
    ticker: A,
    side: 'bid',
    price: ourBid,
    remaining: 1_000,
    filled: 0,
    state: 'resting',
    sinceMs: T0,
  };
  return {
    game: {
      eventTicker: 'KXNBAGAME-26NOV25BOSMIL',
      seriesTicker: 'KXNBAGAME',
      sport: 'nba',
      title: 'Boston at Milwaukee',
      oddsEventId: 'odds-1',
      markets: [
        { ticker: A, outcome: 'Boston' },
        { ticker: B, outcome: 'Milwaukee' },
      ],
      kalshiStartMs: T0 + 3_600_000,
      oddsCommenceMs: T0 + 3_600_000,
    },
    theo: {
      oddsEventId: 'odds-1',
      probabilities: { Boston: theoA, Milwaukee: 1 - theoA },
      updatedMs: now,
      books: 5,
    },
    books: new Map([
      [A, { ticker: A, bids, asks: [{ price: c(97), size: 1_000 }], valid: true, updatedMs: now }],
      [
        B,
        {
          ticker: B,
          bids: [{ price: c(3), size: 1_000 }],
          asks: [{ price: c(97), size: 1_000 }],
          valid: true,
          updatedMs: now,
        },
      ],
    ]),
    positions: new Map(),
    entryPrices: new Map(),
    ownOrders: [ours],
    limit: 3_000,
    stopAtMs: T0 + 3_300_000,
    now,
  };
}

const bidOf = (q: ReturnType<typeof quoteWithMemory>) =>
  q.quotes.quotes.find((x) => x.ticker === A && x.side === 'bid');

/** Rival joins our 47¢ bid at theo 0.50; then the theo falls 1.5¢ and the rival's 47¢ does not move. */
function run(params: QuotingParams) {
  const settings = quoterSettings({ params });
  const first = quoteWithMemory(ctx(T0, 0.5, c(47), c(47)), EMPTY_GAME_MEMORY, settings);
  const memory: GameMemory = first.memory;
  const second = quoteWithMemory(ctx(T0 + 5_000, 0.485, c(47), c(48)), memory, settings);
  return { first, second };
}

describe('quoter: a stale competitor is not followed (staleCompetitor)', () => {
  const base: QuotingParams = { ...DEFAULT_QUOTING_PARAMS, minEdge: 10_000 };

  it('off (default): the rival at 47¢ is still joined after the theo fell to 0.485 (ceiling 47¢)', () => {
    const { first, second } = run(base);
    expect(bidOf(first)).toMatchObject({ price: c(48) }); // improve by a tick within theo − 1¢
    expect(bidOf(second)).toMatchObject({ price: c(47) });
    expect(second.quotes.modes[`${A}|bid`]).toBe('competitive');
  });

  it('on: the rival’s level has not moved while the theo fell by the min edge: the monopsony bid, and a reason', () => {
    const { first, second } = run({ ...base, staleCompetitor: true });
    expect(bidOf(first)).toMatchObject({ price: c(48) }); // a fresh rival is followed as before
    expect(bidOf(second)).toMatchObject({ price: c(45) }); // 0.485 − 2.503¢ = 45.997¢, floored
    expect(second.quotes.modes[`${A}|bid`]).toBe('monopsony');
    expect(second.quotes.reasons.some((r) => r.includes(`${A} bid: stale competitor`))).toBe(true);
  });

  it('on: a rival that moved with the theo is followed again', () => {
    const settings = quoterSettings({ params: { ...base, staleCompetitor: true } });
    const first = quoteWithMemory(ctx(T0, 0.5, c(47), c(47)), EMPTY_GAME_MEMORY, settings);
    const moved = quoteWithMemory(ctx(T0 + 5_000, 0.485, c(45), c(45)), first.memory, settings);
    expect(bidOf(moved)).toMatchObject({ price: c(46) }); // improves the rival's new 45¢
    expect(moved.quotes.modes[`${A}|bid`]).toBe('competitive');
  });
});
