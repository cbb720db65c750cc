/**
 * Wire fidelity: the simulator replays the story of the reference samples
 * (test/fixtures/kalshi, copied from the Kalshi research folder) and every
 * field of every sample must come back from the simulator with the same JSON
 * type. Extra fields are allowed only where listed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KalshiSim } from '../../../sim/kalshi/index.ts';
import { BOS, type Call, EVENT, MIL, ofType, setupSim, WsClient } from './harness.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/kalshi');
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));

/** Paths (dot-joined, `[]` for array items) present in `sample` whose JSON type differs or is missing in `actual`. */
function shapeDiff(sample: unknown, actual: unknown, path = '$'): string[] {
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(sample) !== kind(actual)) return [`${path}: sample ${kind(sample)}, sim ${kind(actual)}`];
  if (Array.isArray(sample) && Array.isArray(actual)) {
    if (sample.length === 0 || actual.length === 0) return [];
    return shapeDiff(sample[0], actual[0], `${path}[]`);
  }
  if (kind(sample) === 'object') {
    const s = sample as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    return Object.keys(s).flatMap((k) =>
      k in a ? shapeDiff(s[k], a[k], `${path}.${k}`) : [`${path}.${k}: missing in sim`],
    );
  }
  return [];
}

let sim: KalshiSim;
let call: (method: string, path: string, body?: unknown) => Promise<Call>;
let ws: WsClient;
const got: Record<string, unknown> = {};

beforeAll(async () => {
  ({ sim, call } = await setupSim());
  ws = await WsClient.connect(sim);
  ws.send({
    id: 1,
    cmd: 'subscribe',
    params: { channels: ['orderbook_delta'], market_tickers: [BOS, MIL] },
  });
  ws.send({ id: 2, cmd: 'subscribe', params: { channels: ['fill', 'user_orders'] } });
  ws.send({ id: 3, cmd: 'subscribe', params: { channels: ['ticker', 'trade', 'market_lifecycle_v2'] } });
  await ws.count('subscribed', 6);
  // Background book on both markets, from another trader.
  const rest = (ticker: string, side: 'bid' | 'ask', price: number, count: number) =>
    sim.admin.placeOrder('other', {
      ticker,
      side,
      price,
      count,
      timeInForce: 'good_till_canceled',
      selfTradePrevention: 'maker',
    });
  rest(BOS, 'bid', 430_000, 18_000);
  rest(BOS, 'ask', 460_000, 9_000);
  // The sample story: our MIL ask of 5 at 0.56 fills as maker; our post-only BOS bid of 10 at 0.44 fills as maker.
  await call('POST', '/portfolio/events/orders', {
    ticker: MIL,
    side: 'ask',
    count: '5.00',
    price: '0.5600',
    time_in_force: 'good_till_canceled',
    self_trade_prevention_type: 'taker_at_cross',
  });
  rest(MIL, 'bid', 560_000, 500);
  const created = await call('POST', '/portfolio/events/orders', fixture('rest_create_order_v2_request'));
  got.create = created.body;
  got.resting = (await call('GET', '/portfolio/orders?status=resting')).body;
  sim.admin.placeOrder('other', {
    ticker: BOS,
    side: 'ask',
    price: 440_000,
    count: 1000,
    timeInForce: 'immediate_or_cancel',
    selfTradePrevention: 'maker',
  });
  const cancelMe = await call('POST', '/portfolio/events/orders', {
    ticker: BOS,
    side: 'ask',
    count: '10.00',
    price: '0.9000',
    time_in_force: 'good_till_canceled',
    self_trade_prevention_type: 'taker_at_cross',
  });
  got.cancel = (
    await call('DELETE', `/portfolio/events/orders/${(cancelMe.body as { order_id: string }).order_id}`)
  ).body;
  got.batch = (
    await call('POST', '/portfolio/events/orders/batched', {
      orders: [
        {
          ...(fixture('rest_create_order_v2_request') as object),
          client_order_id: 'b-1',
          post_only: false,
          price: '0.3000',
        },
        { ...(fixture('rest_create_order_v2_request') as object), client_order_id: 'b-2', price: '0.3050' },
      ],
    })
  ).body;
  got.dup = (await call('POST', '/portfolio/events/orders', fixture('rest_create_order_v2_request'))).body;
  got.fills = (await call('GET', '/portfolio/fills')).body;
  got.positions = (await call('GET', '/portfolio/positions')).body;
  got.balance = (await call('GET', '/portfolio/balance')).body;
  got.status = (await call('GET', '/exchange/status')).body;
  got.series = (await call('GET', '/series/KXNBAGAME')).body;
  got.events = (await call('GET', '/events?series_ticker=KXNBAGAME&with_milestones=true')).body;
  got.markets = (await call('GET', `/markets?event_ticker=${EVENT}`)).body;
  got.orderbook = (await call('GET', `/markets/${BOS}/orderbook`)).body;
  ws.send({
    id: 7,
    cmd: 'update_subscription',
    params: { sid: 1, market_tickers: [BOS], action: 'get_snapshot' },
  });
  got.snapshot = await ws.next((f) => f.type === 'orderbook_snapshot' && f.id === 7);
  sim.admin.determine(BOS, 'yes');
  got.determined = await ws.next(
    (f) => f.type === 'market_lifecycle_v2' && (f.msg as { event_type: string }).event_type === 'determined',
  );
});

afterAll(async () => {
  ws.close();
  await sim.close();
});

const FRAME = (type: string, pred: (f: Record<string, unknown>) => boolean = () => true) =>
  ws.frames.find((f) => f.type === type && pred(f)) ?? ws.next((f) => f.type === type && pred(f));

describe('REST bodies have every field of the reference samples, with the same JSON types', () => {
  const cases: [string, string][] = [
    ['create', 'rest_create_order_v2_response'],
    ['resting', 'rest_get_orders_resting'],
    ['cancel', 'rest_cancel_order_v2_response'],
    ['dup', 'rest_error_409_duplicate_client_order_id'],
    ['fills', 'rest_get_fills'],
    ['positions', 'rest_get_positions'],
    ['balance', 'rest_get_balance'],
    ['status', 'rest_get_exchange_status'],
    ['series', 'rest_get_series_kxnbagame'],
    ['events', 'rest_get_events_nba_with_milestones'],
    ['markets', 'rest_get_markets_nba_event'],
    ['orderbook', 'rest_get_orderbook'],
  ];
  for (const [key, name] of cases)
    it(name, () => {
      expect(shapeDiff(fixture(name), got[key])).toEqual([]);
    });

  it('rest_batch_create_orders_v2_response (success and per-item error)', () => {
    const sample = fixture('rest_batch_create_orders_v2_response') as { orders: unknown[] };
    const actual = got.batch as { orders: unknown[] };
    expect(shapeDiff(sample.orders[0], actual.orders[0])).toEqual([]);
    expect(shapeDiff(sample.orders[1], actual.orders[1])).toEqual([]);
  });
});

describe('WebSocket frames have every field of the reference samples', () => {
  it('orderbook snapshot and deltas (own order carries client_order_id)', async () => {
    expect(shapeDiff(fixture('ws_orderbook_snapshot_bos'), got.snapshot)).toEqual([]);
    const own = await FRAME('orderbook_delta', (f) => 'client_order_id' in (f.msg as object));
    expect(shapeDiff(fixture('ws_orderbook_delta_seq3_own_order'), own)).toEqual([]);
    expect(shapeDiff(fixture('ws_orderbook_delta_seq4'), await FRAME('orderbook_delta'))).toEqual([]);
  });

  it('fill, user_order, ticker, trade, lifecycle, subscribed, error', async () => {
    expect(shapeDiff(fixture('ws_fill'), await FRAME('fill'))).toEqual([]);
    const executed = await FRAME('user_order', (f) => (f.msg as { status: string }).status === 'executed');
    const sample = fixture('ws_user_order_executed') as { msg: Record<string, unknown> };
    expect(shapeDiff(sample, executed)).toEqual([]);
    expect(shapeDiff(fixture('ws_ticker'), await FRAME('ticker'))).toEqual([]);
    expect(shapeDiff(fixture('ws_trade'), await FRAME('trade'))).toEqual([]);
    expect(shapeDiff(fixture('ws_market_lifecycle_determined'), got.determined)).toEqual([]);
    ws.send({ id: 9, cmd: 'subscribe', params: { channels: ['nope'] } });
    expect(shapeDiff(fixture('ws_error_unknown_channel'), await ws.next(ofType('error')))).toEqual([]);
  });
});
