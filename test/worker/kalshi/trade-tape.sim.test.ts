/**
 * The public trade channel over a real loopback socket against the simulated exchange: the ws client
 * subscribes `trade` (quoting.liquidityEstimate), the feed adapter turns each print into a TradeEvent,
 * and the liquidity tape measures it against the theo. The simulator's frame has the reference's fields.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import { liquidityBin, observedArrivals } from '../../../shared/pricing/estimation.ts';
import { DEFAULT_QUOTING_PARAMS } from '../../../shared/pricing/params.ts';
import type { KalshiSim } from '../../../sim/kalshi/index.ts';
import { KalshiFeedAdapter } from '../../../worker/engine/adapters/kalshi-feed.ts';
import { LiquidityTape, liquidityRule } from '../../../worker/engine/liquidity-tape.ts';
import type { FeedEvent, QuoteContext } from '../../../worker/engine/ports.ts';
import { KalshiWsFeed } from '../../../worker/kalshi/ws-client.ts';
import { BOS, MIL, rest, signer, startSim, T0, until } from './sim-setup.ts';

let sim: KalshiSim | null = null;
let ws: KalshiWsFeed | null = null;
afterEach(async () => {
  ws?.stop();
  ws = null;
  await sim?.close();
  sim = null;
});

/** The fields of Kalshi's `trade` message (the API reference's sample frame, ws_trade.json). */
const REFERENCE_FIELDS = [
  'trade_id',
  'market_ticker',
  'yes_price_dollars',
  'no_price_dollars',
  'count_fp',
  'taker_side',
  'taker_outcome_side',
  'taker_book_side',
  'is_block_trade',
  'ts',
  'ts_ms',
];

function context(): QuoteContext {
  return {
    game: {
      eventTicker: 'KXNBAGAME-26NOV14BOSMIL',
      seriesTicker: 'KXNBAGAME',
      sport: 'nba',
      title: 'Boston at Milwaukee',
      oddsEventId: 'odds-1',
      markets: [
        { ticker: BOS, outcome: 'Boston' },
        { ticker: MIL, outcome: 'Milwaukee' },
      ],
      kalshiStartMs: T0 + 3_600_000,
      oddsCommenceMs: T0 + 3_600_000,
    },
    theo: {
      oddsEventId: 'odds-1',
      probabilities: { Boston: 0.44, Milwaukee: 0.56 },
      updatedMs: T0,
      books: 5,
    },
    books: new Map(),
    positions: new Map(),
    entryPrices: new Map(),
    ownOrders: [],
    limit: 5_000,
    stopAtMs: T0 + 3_300_000,
    now: T0,
  };
}

describe('public trade channel × simulator', () => {
  it('prints reach the tape as arrivals at their distance from theo; the frame carries the reference fields', async () => {
    sim = await startSim();
    rest(sim, BOS, 'ask', 460_000, 2_000);
    rest(sim, BOS, 'bid', 410_000, 2_000);
    ws = new KalshiWsFeed({
      url: sim.wsUrl,
      signer,
      trades: true,
      pingIntervalMs: 200,
      reconnect: { baseMs: 50, capMs: 400, minMs: 10 },
    });
    const raw: Record<string, unknown>[] = [];
    ws.on((e) => {
      if (e.type === 'message' && e.msg.type === 'trade') raw.push(e.msg.msg as Record<string, unknown>);
    });
    const adapter = new KalshiFeedAdapter(ws, new ManualClock(T0));
    const events: FeedEvent[] = [];
    const tape = new LiquidityTape(liquidityRule(DEFAULT_QUOTING_PARAMS));
    adapter.onEvent((e) => {
      events.push(e);
      if (e.type === 'trade') tape.onTrade(e);
    });
    tape.observe(context());
    adapter.track([BOS, MIL]);
    ws.start();
    await until(() => ws!.connectionState === 'connected', 'connected');
    await until(() => ws!.stats.frames.accepted > 0, 'frames');
    // Someone lifts the 46¢ ask (theo 0.44: 2¢ out), then hits the 41¢ bid (3¢ out).
    sim.admin.deposit('taker', 1_000 * 1_000_000);
    sim.admin.placeOrder('taker', {
      ticker: BOS,
      side: 'bid',
      price: 460_000,
      count: 500,
      timeInForce: 'immediate_or_cancel',
      selfTradePrevention: 'taker_at_cross',
    });
    sim.admin.placeOrder('taker', {
      ticker: BOS,
      side: 'ask',
      price: 410_000,
      count: 500,
      timeInForce: 'immediate_or_cancel',
      selfTradePrevention: 'taker_at_cross',
    });
    await until(() => tape.counts.accepted >= 2, 'two prints on the tape');
    const trades = events.filter((e) => e.type === 'trade');
    expect(trades).toEqual([
      expect.objectContaining({ ticker: BOS, price: 460_000, count: 500, takerSide: 'bid' }),
      expect.objectContaining({ ticker: BOS, price: 410_000, count: 500, takerSide: 'ask' }),
    ]);
    const s = tape.state('KXNBAGAME-26NOV14BOSMIL');
    expect(s.arrivals[liquidityBin(0.02)!]).toBe(1);
    expect(s.arrivals[liquidityBin(0.03)!]).toBe(1);
    expect(observedArrivals(s)).toBe(2);
    expect(ws.stats.frames.rejected).toBe(0);
    // The simulator's trade frame has every field of the reference sample.
    for (const key of REFERENCE_FIELDS) expect(raw[0]).toHaveProperty(key);
  });
});
