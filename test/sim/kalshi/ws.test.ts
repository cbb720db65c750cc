import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseWsFrame } from '../../../shared/kalshi/schemas/ws.ts';
import type { SteppedClock } from '../../../sim/clock.ts';
import type { KalshiSim } from '../../../sim/kalshi/index.ts';
import type { OrderRequest } from '../../../sim/kalshi/types.ts';
import { waitFor } from '../../support/wait-for.ts';
import { BOS, EVENT, MIL, ofType, setupSim, signHeaders, WsClient } from './harness.ts';

let sim: KalshiSim;
let clock: SteppedClock;
let clients: WsClient[] = [];

beforeEach(async () => {
  ({ sim, clock } = await setupSim({ pingIntervalMs: 50 }));
  clients = [];
});
afterEach(async () => {
  for (const c of clients) c.close();
  await sim.close();
});

async function connect(): Promise<WsClient> {
  const c = await WsClient.connect(sim);
  clients.push(c);
  return c;
}

const req = (
  side: 'bid' | 'ask',
  price: number,
  count: number,
  extra: Partial<OrderRequest> = {},
): OrderRequest => ({
  ticker: BOS,
  side,
  price,
  count,
  timeInForce: 'good_till_canceled',
  selfTradePrevention: 'maker',
  ...extra,
});

/** Every frame the server sent must parse with the shared client schemas. */
function expectAllParse(c: WsClient) {
  for (const text of c.raw) {
    const r = parseWsFrame(text);
    expect(r.ok, `${text}: ${r.ok ? '' : r.error}`).toBe(true);
  }
}

describe('WebSocket auth', () => {
  it('refuses an unsigned or badly signed upgrade with 401', async () => {
    await expect(WsClient.connect(sim, {} as ReturnType<typeof signHeaders>)).rejects.toThrow('401');
    await expect(
      WsClient.connect(sim, signHeaders('GET', '/trade-api/v2/portfolio/balance')),
    ).rejects.toThrow('401');
    const ok = await connect();
    expect(ok.closed).toBe(false);
  });
});

describe('connection limit', () => {
  it('refuses a user connection beyond the cap with 429, and accepts again once one closes', async () => {
    await sim.close();
    ({ sim } = await setupSim({ maxConnectionsPerUser: 2 }));
    const a = await connect();
    await connect();
    await expect(WsClient.connect(sim)).rejects.toThrow('429');
    a.close();
    await waitFor(() => sim.connections() === 1, { what: 'the closed connection gone at the exchange' });
    expect((await connect()).closed).toBe(false);
  });
});

describe('orderbook_delta', () => {
  it('snapshot per market then deltas, one seq per sid across markets, NO-leg pricing by default', async () => {
    sim.admin.placeOrder('other', req('bid', 430_000, 18_000));
    sim.admin.placeOrder('other', req('ask', 460_000, 9_000));
    const c = await connect();
    c.send({
      id: 1,
      cmd: 'subscribe',
      params: { channels: ['orderbook_delta'], market_tickers: [BOS, MIL] },
    });
    expect(await c.next(ofType('subscribed'))).toEqual({
      id: 1,
      type: 'subscribed',
      msg: { channel: 'orderbook_delta', sid: 1 },
    });
    const snaps = await c.count('orderbook_snapshot', 2);
    expect(snaps[0]).toMatchObject({
      sid: 1,
      seq: 1,
      msg: {
        market_ticker: BOS,
        yes_dollars_fp: [['0.4300', '180.00']],
        no_dollars_fp: [['0.5400', '90.00']],
      },
    });
    expect(snaps[1]).toMatchObject({ sid: 1, seq: 2, msg: { market_ticker: MIL } });
    expect(snaps[1]?.msg).not.toHaveProperty('yes_dollars_fp'); // empty side omitted
    sim.admin.placeOrder('other', req('ask', 460_000, 100, { ticker: MIL }));
    sim.admin.placeOrder('maker', req('bid', 440_000, 1000, { clientOrderId: 'mine' }));
    const deltas = await c.count('orderbook_delta', 2);
    expect(deltas[0]).toMatchObject({
      seq: 3,
      msg: { market_ticker: MIL, side: 'no', price_dollars: '0.5400', delta_fp: '1.00' },
    });
    expect(deltas[0]?.msg).not.toHaveProperty('client_order_id'); // not our order
    expect(deltas[1]).toMatchObject({
      seq: 4,
      msg: {
        market_ticker: BOS,
        side: 'yes',
        price_dollars: '0.4400',
        delta_fp: '10.00',
        client_order_id: 'mine',
      },
    });
    expectAllParse(c);
  });

  it('use_yes_price reports no-side levels on the YES scale', async () => {
    sim.admin.placeOrder('other', req('ask', 460_000, 100));
    const c = await connect();
    c.send({
      id: 1,
      cmd: 'subscribe',
      params: { channels: ['orderbook_delta'], market_ticker: BOS, use_yes_price: true },
    });
    expect((await c.next(ofType('orderbook_snapshot'))).msg).toMatchObject({
      no_dollars_fp: [['0.4600', '1.00']],
    });
    sim.admin.placeOrder('other', req('ask', 470_000, 100));
    expect((await c.next(ofType('orderbook_delta'))).msg).toMatchObject({
      side: 'no',
      price_dollars: '0.4700',
    });
  });

  it('update_subscription add/delete markets and get_snapshot; list; unsubscribe', async () => {
    const c = await connect();
    c.send({ id: 1, cmd: 'subscribe', params: { channels: ['orderbook_delta'], market_tickers: [BOS] } });
    await c.next(ofType('orderbook_snapshot'));
    c.send({
      id: 2,
      cmd: 'update_subscription',
      params: { sid: 1, market_tickers: [MIL], action: 'add_markets' },
    });
    expect(await c.next(ofType('orderbook_snapshot'))).toMatchObject({ seq: 2, msg: { market_ticker: MIL } });
    expect(await c.next(ofType('ok'))).toEqual({
      id: 2,
      sid: 1,
      seq: 2,
      type: 'ok',
      msg: { market_tickers: [BOS, MIL] },
    });
    c.send({
      id: 3,
      cmd: 'update_subscription',
      params: { sids: [1], market_tickers: [BOS], action: 'delete_markets' },
    });
    expect((await c.next(ofType('ok'))).msg).toEqual({ market_tickers: [MIL] });
    c.send({
      id: 4,
      cmd: 'update_subscription',
      params: { sid: 1, market_tickers: [MIL], action: 'get_snapshot' },
    });
    expect(await c.next(ofType('orderbook_snapshot'))).toMatchObject({
      id: 4,
      seq: 3,
      msg: { market_ticker: MIL },
    });
    sim.admin.placeOrder('other', req('bid', 300_000, 100)); // BOS: no longer subscribed
    c.send({ id: 5, cmd: 'list_subscriptions' });
    expect(await c.next(ofType('ok'))).toEqual({
      id: 5,
      type: 'ok',
      msg: [{ channel: 'orderbook_delta', sid: 1 }],
    });
    expect(c.frames.filter((f) => f.type === 'orderbook_delta')).toEqual([]);
    c.send({ id: 6, cmd: 'unsubscribe', params: { sids: [1] } });
    expect(await c.next(ofType('unsubscribed'))).toEqual({ id: 6, sid: 1, seq: 3, type: 'unsubscribed' });
    expectAllParse(c);
  });

  it("answers bad commands with Kalshi's error codes", async () => {
    const c = await connect();
    const cases: [unknown, number][] = [
      [{ id: 1, cmd: 'subscribe', params: { channels: ['ticker_v2'] } }, 8],
      [{ id: 2, cmd: 'subscribe', params: { channels: [] } }, 3],
      [{ id: 3, cmd: 'subscribe' }, 2],
      [{ id: 4, cmd: 'subscribe', params: { channels: ['orderbook_delta'] } }, 14],
      [{ id: 5, cmd: 'dance' }, 5],
      [{ id: 6, cmd: 'unsubscribe', params: { sids: [42] } }, 7],
      [{ id: 7, cmd: 'unsubscribe', params: {} }, 4],
      [{ id: 8, cmd: 'update_subscription', params: { sids: [1, 2], action: 'add_markets' } }, 12],
    ];
    for (const [cmd, code] of cases) {
      c.send(cmd);
      const id = (cmd as { id: number }).id;
      expect(await c.next((f) => f.type === 'error' && f.id === id)).toMatchObject({
        type: 'error',
        msg: { code },
      });
    }
    c.ws.send('not json');
    expect(await c.next((f) => f.type === 'error' && f.id === undefined)).toMatchObject({ msg: { code: 1 } });
  });
});

describe('hostile commands', () => {
  it('random frames get errors or acks, never a crash or a closed connection', async () => {
    const c = await connect();
    const frames = fc.sample(
      fc.oneof(
        fc.jsonValue(),
        fc.record({
          id: fc.oneof(fc.nat(), fc.string()),
          cmd: fc.constantFrom('subscribe', 'unsubscribe', 'update_subscription', 'list_subscriptions', 'x'),
          params: fc.oneof(
            fc.jsonValue(),
            fc.record(
              {
                channels: fc.array(fc.constantFrom('orderbook_delta', 'fill', 'nope', '')),
                market_tickers: fc.array(fc.constantFrom(BOS, 'NOPE', '')),
                sid: fc.nat(5),
                sids: fc.array(fc.nat(5)),
                action: fc.constantFrom('add_markets', 'delete_markets', 'get_snapshot', 'x'),
              },
              { requiredKeys: [] },
            ),
          ),
        }),
      ),
      { numRuns: 150, seed: 42 },
    );
    for (const f of frames) c.ws.send(JSON.stringify(f));
    c.send({ id: 99_999, cmd: 'list_subscriptions' });
    await c.next((f) => f.id === 99_999 && f.type === 'ok');
    expect(c.closed).toBe(false);
    for (const f of c.frames)
      expect(['error', 'ok', 'subscribed', 'unsubscribed', 'orderbook_snapshot']).toContain(f.type);
    expectAllParse(c);
  });
});

describe('private and lifecycle channels', () => {
  it("fill, user_orders, market_positions for the connection's user only, without seq", async () => {
    const mine = await connect();
    mine.send({ id: 1, cmd: 'subscribe', params: { channels: ['fill', 'user_orders', 'market_positions'] } });
    await mine.count('subscribed', 3);
    expect(mine.frames.filter(ofType('subscribed')).map((f) => (f.msg as { sid: number }).sid)).toEqual([
      1, 2, 3,
    ]);
    sim.admin.placeOrder('maker', req('bid', 440_000, 1000, { clientOrderId: 'kmm-1' }));
    sim.admin.placeOrder('other', req('ask', 440_000, 1000, { timeInForce: 'immediate_or_cancel' }));
    const fill = await mine.next(ofType('fill'));
    expect(fill).toMatchObject({
      type: 'fill',
      sid: 1,
      msg: {
        client_order_id: 'kmm-1',
        market_ticker: BOS,
        is_taker: false,
        yes_price_dollars: '0.4400',
        count_fp: '10.00',
        fee_cost: '0.043200',
        post_position_fp: '10.00',
        outcome_side: 'yes',
        book_side: 'bid',
      },
    });
    expect(fill).not.toHaveProperty('seq');
    const executed = await mine.next(
      (f) => f.type === 'user_order' && (f.msg as { status: string }).status === 'executed',
    );
    expect(executed.msg).toMatchObject({
      last_update_reason: 'Trade',
      maker_fees_dollars: '0.043200',
      remaining_count_fp: '0.00',
    });
    expect((await mine.next(ofType('market_position'))).msg).toMatchObject({
      market_ticker: BOS,
      position_fp: '10.00',
    });
    expect(mine.frames.some((f) => f.type === 'fill' && (f.msg as { is_taker: boolean }).is_taker)).toBe(
      false,
    );
    expectAllParse(mine);
  });

  it('market_lifecycle_v2 for all markets with seq: pause, tick-grid change, determination, settlement', async () => {
    const c = await connect();
    c.send({ id: 1, cmd: 'subscribe', params: { channels: ['market_lifecycle_v2', 'order_group_updates'] } });
    await c.count('subscribed', 2);
    sim.admin.setMarketStatus(BOS, 'inactive');
    sim.admin.setPriceRanges(MIL, 'deci_cent', [{ start: 0, end: 1_000_000, step: 1_000 }]);
    sim.admin.determine(BOS, 'yes');
    sim.admin.settle(BOS);
    const g = sim.admin.createOrderGroup('maker', 500);
    const frames = await c.count('market_lifecycle_v2', 4);
    expect(frames.map((f) => [f.seq, (f.msg as { event_type: string }).event_type])).toEqual([
      [1, 'deactivated'],
      [2, 'price_level_structure_updated'],
      [3, 'determined'],
      [4, 'settled'],
    ]);
    expect(frames[0]?.msg).toMatchObject({ is_deactivated: true });
    expect(frames[1]?.msg).toMatchObject({
      price_ranges: [{ start: '0.0000', end: '1.0000', step: '0.0010' }],
    });
    expect(frames[2]?.msg).toMatchObject({ result: 'yes', settlement_value: '1.0000' });
    expect((await c.next(ofType('order_group_updates'))).msg).toEqual({
      event_type: 'created',
      order_group_id: g.orderGroupId,
      contracts_limit_fp: '5.00',
    });
    expectAllParse(c);
  });

  it('a moved game start is announced per market as metadata_updated, its expected expiration moved as much', async () => {
    const c = await connect();
    c.send({ id: 1, cmd: 'subscribe', params: { channels: ['market_lifecycle_v2'] } });
    await c.count('subscribed', 1);
    const before = sim.admin.market(BOS)!.expectedExpirationMs;
    const start = sim.admin.event(EVENT)!.startTimeMs!;
    sim.admin.setEventStartTime(EVENT, start - 45 * 60_000);
    const frames = await c.count('market_lifecycle_v2', 2);
    expect(frames.map((f) => (f.msg as { market_ticker: string }).market_ticker).sort()).toEqual([BOS, MIL]);
    for (const f of frames)
      expect(f.msg).toMatchObject({
        event_type: 'metadata_updated',
        additional_metadata: { expected_expiration_ts: Math.floor((before - 45 * 60_000) / 1000) },
      });
    expect(sim.admin.event(EVENT)!.startTimeMs).toBe(start - 45 * 60_000);
    expectAllParse(c);
  });

  it('trade and ticker public channels', async () => {
    const c = await connect();
    c.send({ id: 1, cmd: 'subscribe', params: { channels: ['trade', 'ticker'], market_tickers: [BOS] } });
    await c.count('subscribed', 2);
    sim.admin.placeOrder('maker', req('bid', 440_000, 1000));
    sim.admin.placeOrder('other', req('ask', 440_000, 300, { timeInForce: 'immediate_or_cancel' }));
    expect((await c.next(ofType('trade'))).msg).toMatchObject({
      yes_price_dollars: '0.4400',
      count_fp: '3.00',
      taker_book_side: 'ask',
    });
    expect(
      (await c.next((f) => f.type === 'ticker' && (f.msg as { volume_fp: string }).volume_fp === '3.00')).msg,
    ).toMatchObject({
      yes_bid_dollars: '0.4400',
      yes_bid_size_fp: '7.00',
    });
    expectAllParse(c);
  });
});

describe('heartbeat', () => {
  it('pings with payload "heartbeat" on the configured period and answers client pings', async () => {
    const c = await connect();
    const ping = new Promise<string>((resolve) => c.ws.once('ping', (d) => resolve(d.toString())));
    clock.advance(50); // heartbeats run on scenario time
    expect(await ping).toBe('heartbeat');
    const pong = new Promise<string>((resolve) => c.ws.once('pong', (d) => resolve(d.toString())));
    c.ws.ping('are-you-there');
    expect(await pong).toBe('are-you-there');
  });
});
