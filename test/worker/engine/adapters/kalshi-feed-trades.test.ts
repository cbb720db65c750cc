/**
 * The feed adapter's public trades (the liquidity tape's input, quoting.liquidityEstimate): a print
 * that took from the book is handed on as a TradeEvent with its taker's side; a block trade, negotiated
 * off the book (Kalshi's `is_block_trade`), took nothing from it and tells nothing of how often the
 * book's prices are hit, so it is counted and dropped.
 */
import { describe, expect, it } from 'vitest';
import { parseWsFrame } from '../../../../shared/kalshi/schemas/ws.ts';
import { KalshiFeedAdapter } from '../../../../worker/engine/adapters/kalshi-feed.ts';
import type { FeedEvent as EngineEvent } from '../../../../worker/engine/ports.ts';
import type { FeedEvent, KalshiWsFeed } from '../../../../worker/kalshi/ws-client.ts';

/** Kalshi's `trade` frame as the API reference's sample has it (a taker bought NO at 56¢: sold YES at 44¢). */
const SAMPLE = {
  type: 'trade',
  sid: 5,
  seq: 41,
  msg: {
    trade_id: 'f03c8b71-5e2a-4d96-b1c4-8a7e0d2f5c19',
    market_ticker: 'KXNBAGAME-26NOV14BOSMIL-BOS',
    yes_price_dollars: '0.4400',
    no_price_dollars: '0.5600',
    count_fp: '330.00',
    taker_side: 'no',
    taker_outcome_side: 'no',
    taker_book_side: 'ask',
    is_block_trade: false,
    ts: 1794692525,
    ts_ms: 1794692525918,
  },
};

function rig() {
  const listeners: ((e: FeedEvent) => void)[] = [];
  const ws = {
    on: (l: (e: FeedEvent) => void) => {
      listeners.push(l);
      return () => {};
    },
  } as unknown as KalshiWsFeed;
  const clock = { now: () => 0, setTimeout: () => 0, clearTimeout: () => {} } as never;
  const adapter = new KalshiFeedAdapter(ws, clock);
  const seen: EngineEvent[] = [];
  adapter.onEvent((e) => seen.push(e));
  /** The frame as the ws client hands it on: parsed by the real schema, then a `message` event. */
  const send = (patch: Record<string, unknown>) => {
    const parsed = parseWsFrame(JSON.stringify({ ...SAMPLE, msg: { ...SAMPLE.msg, ...patch } }));
    if (!parsed.ok) throw new Error(parsed.error);
    for (const l of listeners) l({ type: 'message', msg: parsed.msg } as FeedEvent);
  };
  return { adapter, seen, send };
}

describe('KalshiFeedAdapter: public trades', () => {
  it('a print off the book is a TradeEvent with the taker side, exchange time, YES price and count', () => {
    const { adapter, seen, send } = rig();
    send({});
    expect(seen).toEqual([
      {
        type: 'trade',
        ticker: 'KXNBAGAME-26NOV14BOSMIL-BOS',
        price: 440_000,
        count: 33_000,
        takerSide: 'ask',
        tsMs: 1794692525918,
      },
    ]);
    expect(adapter.tradeCounts).toMatchObject({ seen: 1, noSide: 0 });
  });

  it('a block trade (negotiated off the book) is counted and never reaches the tape', () => {
    const { adapter, seen, send } = rig();
    send({ is_block_trade: true });
    send({ is_block_trade: true, taker_book_side: 'bid', taker_outcome_side: 'yes' });
    expect(seen).toEqual([]);
    expect(adapter.tradeCounts).toMatchObject({ seen: 0, block: 2 });
    send({ is_block_trade: false });
    expect(seen.map((e) => e.type)).toEqual(['trade']);
  });
});
