/**
 * The liquidity tape: public trades measured against the theo the quoter last saw, exposure from each
 * decision's book, and the quoter's hook (quoting.liquidityEstimate) that prices the game on the estimate.
 */
import { describe, expect, it } from 'vitest';
import { liquidityBin, observedArrivals } from '../../../shared/pricing/estimation.ts';
import { DEFAULT_QUOTING_PARAMS, parseQuotingParams } from '../../../shared/pricing/params.ts';
import { gameQuoter } from '../../../worker/engine/adapters/quoter.ts';
import { LiquidityTape, liquidityRule, type TradeEvent } from '../../../worker/engine/liquidity-tape.ts';
import type { FeedEvent, MarketBook, QuoteContext } from '../../../worker/engine/ports.ts';
import { A, at, B, c, T0 } from './two-way-game.ts';

const EVENT = 'KXNBAGAME-26NOV25BOSMIL';
const trade = (ticker: string, cents: number, takerSide: 'bid' | 'ask', tsMs: number): TradeEvent => ({
  type: 'trade',
  ticker,
  price: c(cents),
  count: 500,
  takerSide,
  tsMs,
});
const levels = (ticker: string, bid: number, ask: number): MarketBook => ({
  ticker,
  bids: [{ price: c(bid), size: 1_000 }],
  asks: [{ price: c(ask), size: 1_000 }],
  valid: true,
  updatedMs: T0,
});
/** Boston at 0.5; both legs' best prices `d` cents from theo. */
function ctxAt(now: number, d: number): QuoteContext {
  const x = at(now, 0, 0, now);
  return {
    ...x,
    books: new Map([
      [A, levels(A, 50 - d, 50 + d)],
      [B, levels(B, 50 - d, 50 + d)],
    ]),
  };
}

describe('LiquidityTape', () => {
  it('measures a print against the theo the quoter last saw: a taker buying YES at p is p − theo, selling is theo − p', () => {
    const tape = new LiquidityTape(liquidityRule(DEFAULT_QUOTING_PARAMS));
    tape.onTrade(trade(A, 53, 'bid', T0));
    expect(tape.counts.unknownMarket).toBe(1);
    tape.observe(ctxAt(T0, 3));
    tape.onTrade(trade(A, 53, 'bid', T0 + 1));
    tape.onTrade(trade(B, 48, 'ask', T0 + 2));
    expect(tape.counts.accepted).toBe(2);
    const s = tape.state(EVENT);
    expect(s.arrivals[liquidityBin(0.03)!]).toBe(1);
    expect(s.arrivals[liquidityBin(0.02)!]).toBe(1);
    // Exposure: four sides (two legs) at 3¢.
    expect(s.held).toEqual([0, 1, 2, 3].map(() => liquidityBin(0.03)));
  });

  it('one taker sweeping levels (same side, same exchange ms) is one arrival; bad prints are counted and move nothing', () => {
    const tape = new LiquidityTape(liquidityRule(DEFAULT_QUOTING_PARAMS));
    tape.observe(ctxAt(T0, 3));
    tape.onTrade(trade(A, 53, 'bid', T0 + 5));
    tape.onTrade(trade(A, 54, 'bid', T0 + 5));
    expect(tape.counts).toMatchObject({ accepted: 1, merged: 1 });
    const before = tape.state(EVENT);
    for (const bad of [
      { ...trade(A, 53, 'bid', T0 + 6), price: Number.NaN },
      { ...trade(A, 53, 'bid', T0 + 7), price: 0 },
      { ...trade(A, 53, 'bid', T0 + 8), price: 1_000_000 },
      { ...trade(A, 53, 'bid', T0 + 9), count: 0 },
      { ...trade(A, 53, 'bid', T0 + 10), takerSide: 'yes' as unknown as 'bid' },
    ])
      tape.onTrade(bad);
    expect(tape.counts.bad).toBe(5);
    expect(tape.state(EVENT)).toBe(before);
    // A print at 97¢ (an end-of-day flatten) is beyond the bins: counted, not an arrival.
    tape.onTrade(trade(A, 97, 'bid', T0 + 11));
    expect(tape.counts.outOfRange).toBe(1);
    expect(observedArrivals(tape.state(EVENT))).toBe(1);
  });

  it('a market whose theo is unknown (no usable probability) drops its prints', () => {
    const tape = new LiquidityTape(liquidityRule(DEFAULT_QUOTING_PARAMS));
    const x = ctxAt(T0, 3);
    tape.observe({ ...x, theo: { ...x.theo, probabilities: { Boston: Number.NaN, Milwaukee: 0.5 } } });
    tape.onTrade(trade(A, 53, 'bid', T0 + 1));
    expect(tape.counts.noTheo).toBe(1);
  });
});

describe('quoter hook (quoting.liquidityEstimate)', () => {
  const on = parseQuotingParams({ liquidityEstimate: true });
  if (!on.ok) throw new Error(on.error);
  function feed() {
    const handlers: ((e: FeedEvent) => void)[] = [];
    return {
      onEvent: (h: (e: FeedEvent) => void) => {
        handlers.push(h);
        return () => {};
      },
      send: (e: FeedEvent) => {
        for (const h of handlers) h(e);
      },
    };
  }

  it('off by default, and parsed', () => {
    expect(DEFAULT_QUOTING_PARAMS.liquidityEstimate).toBe(false);
    expect(on.params.liquidityEstimate).toBe(true);
    expect(parseQuotingParams({ liquidityMaxFactor: 0.5 }).ok).toBe(false);
  });

  it('with no trades yet the game is quoted on the prior: the same quotes as without the switch', () => {
    const f = feed();
    const withTape = gameQuoter({ params: on.params, tradeFeed: f });
    const without = gameQuoter({ params: DEFAULT_QUOTING_PARAMS });
    for (let i = 0; i < 3; i++) {
      const x = at(T0 + i * 1_000, 0, 0, T0);
      expect(withTape(x).quotes).toEqual(without(x).quotes);
    }
  });

  it('a tape whose takers reach 1¢ but never 5¢ narrows the monopsony quote, never inside the minimum edge', () => {
    const f = feed();
    const quoter = gameQuoter({ params: on.params, tradeFeed: f });
    const without = gameQuoter({ params: DEFAULT_QUOTING_PARAMS });
    let now = T0;
    quoter(ctxAt(now, 1));
    // Four hours: the best price sits 1¢ out half the time (hit often), 5¢ out the other half (never hit).
    for (let i = 0; i < 240; i++) {
      const d = i % 2 === 0 ? 1 : 5;
      quoter(ctxAt(now, d));
      if (d === 1) for (let j = 0; j < 3; j++) f.send(trade(j % 2 ? A : B, 51, 'bid', now + j));
      now += 60_000;
    }
    // The final decision on the fixture's wide book (3¢/97¢), still an hour before the start.
    const x = { ...at(now, 0, 0, now), stopAtMs: now + 3_300_000 };
    const bidOf = (q: ReturnType<typeof quoter>) =>
      q.quotes.find((q) => q.ticker === A && q.side === 'bid')?.price;
    const narrowed = bidOf(quoter(x));
    const flat = bidOf(without(x));
    expect(flat).toBe(c(47));
    expect(narrowed).toBeGreaterThan(flat!);
    // The minimum edge (2¢) still holds: theo 0.5, so at most 48¢.
    expect(narrowed).toBeLessThanOrEqual(c(50) - DEFAULT_QUOTING_PARAMS.minEdge);
  });
});
