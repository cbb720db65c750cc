import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AmendOrderV2ResponseSchema,
  BatchCancelOrdersV2ResponseSchema,
  BatchCreateOrdersV2ResponseSchema,
  CancelOrderV2ResponseSchema,
  CreateOrderV2ResponseSchema,
  DecreaseOrderV2ResponseSchema,
  ExchangeStatusSchema,
  GetAccountLimitsResponseSchema,
  GetBalanceResponseSchema,
  GetEndpointCostsResponseSchema,
  GetEventsResponseSchema,
  GetFillsResponseSchema,
  GetMarketsResponseSchema,
  GetOrderbookResponseSchema,
  GetOrderResponseSchema,
  GetOrdersResponseSchema,
  GetPositionsResponseSchema,
  GetSeriesResponseSchema,
  normalizeApiError,
} from '../../../shared/kalshi/schemas/rest.ts';
import type { KalshiSim } from '../../../sim/kalshi/index.ts';
import { addShardOneGame, BOS, type Call, EVENT, MIL, rsaKey, setupSim, signHeaders, T0 } from './harness.ts';

let sim: KalshiSim;
let call: (method: string, path: string, body?: unknown, signed?: boolean) => Promise<Call>;

beforeEach(async () => {
  ({ sim, call } = await setupSim());
});
afterEach(async () => {
  await sim.close();
});

const order = (extra: Record<string, unknown> = {}) => ({
  ticker: BOS,
  side: 'bid',
  count: '10.00',
  price: '0.4400',
  time_in_force: 'good_till_canceled',
  self_trade_prevention_type: 'taker_at_cross',
  ...extra,
});

describe('authentication', () => {
  it('accepts a correctly signed request and rejects missing, stale, forged or unknown-key requests with 401', async () => {
    expect((await call('GET', '/portfolio/balance')).status).toBe(200);
    const url = `${sim.restBaseUrl}/portfolio/balance`;
    const path = '/trade-api/v2/portfolio/balance';
    const tries: Record<string, Record<string, string>> = {
      missing: {},
      stale: signHeaders('GET', path, { ts: Date.now() - 120_000 }),
      seconds: signHeaders('GET', path, { ts: Math.floor(Date.now() / 1000) }),
      wrongMethod: signHeaders('POST', path),
      wrongPath: signHeaders('GET', '/trade-api/v2/portfolio/fills'),
      unknownKey: signHeaders('GET', path, { keyId: 'nope' }),
      badBase64: { ...signHeaders('GET', path), 'KALSHI-ACCESS-SIGNATURE': 'AAAA' },
    };
    for (const [name, headers] of Object.entries(tries)) {
      const res = await fetch(url, { headers });
      expect(res.status, name).toBe(401);
      const body = (await res.json()) as unknown;
      const e = normalizeApiError(body);
      expect(e.code, name).toMatch(/^(missing_parameters|authentication_error)$/);
      expect(JSON.stringify(body)).not.toContain(headers['KALSHI-ACCESS-SIGNATURE'] ?? '§');
    }
  });

  it('signs the path without the query string', async () => {
    const url = `${sim.restBaseUrl}/portfolio/orders?limit=5`;
    const ok = await fetch(url, { headers: signHeaders('GET', '/trade-api/v2/portfolio/orders') });
    expect(ok.status).toBe(200);
    const withQuery = signHeaders('GET', '/trade-api/v2/portfolio/orders?limit=5', { keepQuery: true });
    expect((await fetch(url, { headers: withQuery })).status).toBe(401);
  });

  it('serves public market data without auth but refuses portfolio calls', async () => {
    expect((await call('GET', '/markets', undefined, false)).status).toBe(200);
    expect((await call('GET', '/portfolio/positions', undefined, false)).status).toBe(401);
    expect(rsaKey().privateKey).toContain('PRIVATE KEY');
  });
});

describe('market data', () => {
  it('exchange status, series fee_type, events with milestones and nested markets', async () => {
    ExchangeStatusSchema.parse((await call('GET', '/exchange/status')).body);
    const series = GetSeriesResponseSchema.parse((await call('GET', '/series/KXNBAGAME')).body);
    expect(series.series.fee_type).toBe('quadratic_with_maker_fees');
    const ev = GetEventsResponseSchema.parse(
      (await call('GET', '/events?series_ticker=KXNBAGAME&with_milestones=true&with_nested_markets=true'))
        .body,
    );
    expect(ev.events[0]?.event_ticker).toBe(EVENT);
    expect(ev.events[0]?.markets?.map((m) => m.ticker)).toEqual([BOS, MIL]);
    expect(ev.milestones?.[0]?.start_date).toBe(Date.UTC(2026, 10, 15, 0, 30));
    expect((await call('GET', '/events?status=active')).status).toBe(400);
    expect((await call('GET', '/series/NOPE')).status).toBe(404);
  });

  it('markets: filters, tick grid, cursor pagination', async () => {
    const all = GetMarketsResponseSchema.parse(
      (await call('GET', `/markets?event_ticker=${EVENT}&status=open`)).body,
    );
    expect(all.markets.map((m) => m.ticker)).toEqual([BOS, MIL]);
    expect(all.markets[0]?.price_ranges).toEqual([{ start: 0, end: 1_000_000, step: 10_000 }]);
    expect(all.markets[0]?.yes_sub_title).toBe('Boston');
    const p1 = GetMarketsResponseSchema.parse((await call('GET', '/markets?limit=1')).body);
    expect(p1.markets).toHaveLength(1);
    expect(p1.cursor).not.toBe('');
    const p2 = GetMarketsResponseSchema.parse(
      (await call('GET', `/markets?limit=1&cursor=${p1.cursor}`)).body,
    );
    expect(p2.markets[0]?.ticker).toBe(MIL);
    expect(p2.cursor).toBe('');
    expect((await call('GET', '/markets?status=settled')).body).toMatchObject({ markets: [] });
    expect((await call('GET', '/markets?status=active')).status).toBe(400);
  });

  it('orderbook: bids only, ascending, NO bids on the NO leg, depth', async () => {
    sim.admin.placeOrder('other', {
      ticker: BOS,
      side: 'ask',
      price: 460_000,
      count: 9000,
      timeInForce: 'good_till_canceled',
      selfTradePrevention: 'maker',
    });
    for (const p of [410_000, 430_000])
      sim.admin.placeOrder('other', {
        ticker: BOS,
        side: 'bid',
        price: p,
        count: 100,
        timeInForce: 'good_till_canceled',
        selfTradePrevention: 'maker',
      });
    const raw = (await call('GET', `/markets/${BOS}/orderbook`)).body;
    expect(raw).toEqual({
      orderbook_fp: {
        yes_dollars: [
          ['0.4100', '1.00'],
          ['0.4300', '1.00'],
        ],
        no_dollars: [['0.5400', '90.00']],
      },
    });
    const depth1 = GetOrderbookResponseSchema.parse(
      (await call('GET', `/markets/${BOS}/orderbook?depth=1`)).body,
    );
    expect(depth1.orderbook_fp.yes_dollars).toEqual([[430_000, 100]]);
    expect((await call('GET', '/markets/NOPE/orderbook')).status).toBe(404);
  });
});

describe('V2 orders', () => {
  it('create 201, duplicate client_order_id 409 (nested error), invalid body 400 naming the field', async () => {
    const res = await call(
      'POST',
      '/portfolio/events/orders',
      order({ client_order_id: 'c1', post_only: true }),
    );
    expect(res.status).toBe(201);
    const created = CreateOrderV2ResponseSchema.parse(res.body);
    expect(created).toMatchObject({ client_order_id: 'c1', fill_count: 0, remaining_count: 1000 });
    const dup = await call('POST', '/portfolio/events/orders', order({ client_order_id: 'c1' }));
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ error: { code: 'order_already_exists' } });
    const bad = await call('POST', '/portfolio/events/orders', order({ price: 'abc' }));
    expect(bad.status).toBe(400);
    expect(normalizeApiError(bad.body).message).toContain('price');
    const offGrid = await call('POST', '/portfolio/events/orders', order({ price: '0.4450' }));
    expect(offGrid.status).toBe(400);
    expect(normalizeApiError(offGrid.body).code).toBe('invalid_price');
    const noTif = await call('POST', '/portfolio/events/orders', { ...order(), time_in_force: undefined });
    expect(noTif.status).toBe(400);
  });

  it('fills as taker report average price and fee', async () => {
    sim.admin.placeOrder('other', {
      ticker: BOS,
      side: 'ask',
      price: 450_000,
      count: 500,
      timeInForce: 'good_till_canceled',
      selfTradePrevention: 'maker',
    });
    const res = await call(
      'POST',
      '/portfolio/events/orders',
      order({ price: '0.4600', time_in_force: 'immediate_or_cancel' }),
    );
    const r = CreateOrderV2ResponseSchema.parse(res.body);
    expect(r).toMatchObject({ fill_count: 500, remaining_count: 0, average_fill_price: 450_000 });
    // taker fee 0.07·5·0.45·0.55 = 0.086625 → 0.0867 per order, 0.01734 per contract
    expect(r.average_fee_paid).toBe(17_340);
    const fills = GetFillsResponseSchema.parse((await call('GET', '/portfolio/fills')).body);
    expect(fills.fills[0]).toMatchObject({
      is_taker: true,
      fee_cost: 86_700,
      count_fp: 500,
      book_side: 'bid',
    });
    const pos = GetPositionsResponseSchema.parse((await call('GET', '/portfolio/positions')).body);
    expect(pos.market_positions?.[0]).toMatchObject({
      ticker: BOS,
      position_fp: 500,
      fees_paid_dollars: 86_700,
    });
    const bal = GetBalanceResponseSchema.parse((await call('GET', '/portfolio/balance')).body);
    expect(bal.balance_dollars).toBe(1_000_000_000 - 2_250_000 - 86_700);
    expect(bal.balance_breakdown?.[0]).toMatchObject({ exchange_index: 0 });
  });

  it('batch create with per-item errors, batch cancel, cancel by id with reduced_by, cancel-all 204', async () => {
    const batch = await call('POST', '/portfolio/events/orders/batched', {
      orders: [
        order({ client_order_id: 'b1' }),
        order({ client_order_id: 'b2', price: '0.4450' }),
        order({ price: '0.4300' }),
      ],
    });
    expect(batch.status).toBe(201);
    const parsed = BatchCreateOrdersV2ResponseSchema.parse(batch.body);
    expect(parsed.orders[1]).toMatchObject({ client_order_id: 'b2', error: { code: 'invalid_price' } });
    const ids = parsed.orders.flatMap((o) => ('error' in o ? [] : [o.order_id]));
    expect(ids).toHaveLength(2);
    const c = await call('DELETE', `/portfolio/events/orders/${ids[0]}?market_ticker=${BOS}`);
    expect(CancelOrderV2ResponseSchema.parse(c.body)).toMatchObject({ order_id: ids[0], reduced_by: 1000 });
    const again = CancelOrderV2ResponseSchema.parse(
      (await call('DELETE', `/portfolio/events/orders/${ids[0]}`)).body,
    );
    expect(again.reduced_by).toBe(0);
    expect((await call('DELETE', '/portfolio/events/orders/unknown-id')).status).toBe(404);
    const bc = await call('DELETE', '/portfolio/events/orders/batched', {
      orders: [{ order_id: ids[1], market_ticker: BOS }, { order_id: 'missing' }],
    });
    const bcp = BatchCancelOrdersV2ResponseSchema.parse(bc.body);
    expect(bcp.orders[0]).toMatchObject({ order_id: ids[1], reduced_by: 1000 });
    expect(bcp.orders[1]).toMatchObject({ error: { code: 'not_found' } });
    await call('POST', '/portfolio/events/orders', order({ price: '0.3000' }));
    const all = await call('DELETE', '/portfolio/events/orders');
    expect(all.status).toBe(204);
    expect(all.body).toBeUndefined();
    expect(sim.admin.restingOrders('maker')).toEqual([]);
  });

  it('amend (new total, may change price) and decrease; list orders with status filter and cursor', async () => {
    const id = CreateOrderV2ResponseSchema.parse(
      (await call('POST', '/portfolio/events/orders', order())).body,
    ).order_id;
    const a = await call('POST', `/portfolio/events/orders/${id}/amend`, {
      ticker: BOS,
      side: 'bid',
      price: '0.4500',
      count: '12.00',
    });
    expect(a.status).toBe(200);
    expect(AmendOrderV2ResponseSchema.parse(a.body)).toMatchObject({ order_id: id, remaining_count: 1200 });
    const d = await call('POST', `/portfolio/events/orders/${id}/decrease`, { reduce_by: '2.00' });
    expect(DecreaseOrderV2ResponseSchema.parse(d.body).remaining_count).toBe(1000);
    expect(
      (await call('POST', `/portfolio/events/orders/${id}/decrease`, { reduce_by: '1', reduce_to: '1' }))
        .status,
    ).toBe(400);
    const one = GetOrderResponseSchema.parse((await call('GET', `/portfolio/orders/${id}`)).body);
    expect(one.order).toMatchObject({
      yes_price_dollars: 450_000,
      remaining_count_fp: 1000,
      status: 'resting',
    });
    await call('POST', '/portfolio/events/orders', order({ price: '0.3000' }));
    const second = CreateOrderV2ResponseSchema.parse(
      (await call('POST', '/portfolio/events/orders', order({ price: '0.3100' }))).body,
    ).order_id;
    await call('DELETE', `/portfolio/events/orders/${second}`);
    const resting = GetOrdersResponseSchema.parse(
      (await call('GET', '/portfolio/orders?status=resting')).body,
    );
    expect(resting.orders).toHaveLength(2);
    const canceled = GetOrdersResponseSchema.parse(
      (await call('GET', '/portfolio/orders?status=canceled')).body,
    );
    expect(canceled.orders.map((o) => o.order_id)).toEqual([second]);
    const p1 = GetOrdersResponseSchema.parse((await call('GET', '/portfolio/orders?limit=2')).body);
    const p2 = GetOrdersResponseSchema.parse(
      (await call('GET', `/portfolio/orders?limit=2&cursor=${p1.cursor}`)).body,
    );
    expect([...p1.orders, ...p2.orders]).toHaveLength(3);
    expect(p2.cursor).toBe('');
  });

  it('order groups over REST: create, attach, trigger cancels, refuse, reset', async () => {
    const g = await call('POST', '/portfolio/order_groups/create', { contracts_limit: 5 });
    expect(g.status).toBe(201);
    const gid = (g.body as { order_group_id: string }).order_group_id;
    await call('POST', '/portfolio/events/orders', order({ order_group_id: gid }));
    expect((await call('GET', `/portfolio/order_groups/${gid}`)).body).toMatchObject({
      contracts_limit_fp: '5.00',
    });
    expect((await call('PUT', `/portfolio/order_groups/${gid}/trigger`)).status).toBe(200);
    expect(sim.admin.restingOrders('maker')).toEqual([]);
    expect((await call('POST', '/portfolio/events/orders', order({ order_group_id: gid }))).status).toBe(400);
    await call('PUT', `/portfolio/order_groups/${gid}/reset`);
    expect((await call('POST', '/portfolio/events/orders', order({ order_group_id: gid }))).status).toBe(201);
    expect(
      (await call('PUT', `/portfolio/order_groups/${gid}/limit`, { contracts_limit_fp: '20.00' })).status,
    ).toBe(200);
    expect((await call('DELETE', `/portfolio/order_groups/${gid}`)).status).toBe(200);
    expect((await call('GET', '/portfolio/order_groups')).body).toEqual({ order_groups: [] });
  });

  it('per-shard balances: a market on shard 1 needs collateral moved there first', async () => {
    addShardOneGame(sim);
    const o = order({ ticker: 'KXNBAGAME-26NOV15LALGSW-LAL', exchange_index: 1 });
    const refused = await call('POST', '/portfolio/events/orders', o);
    expect(normalizeApiError(refused.body).code).toBe('insufficient_balance');
    expect((await call('POST', '/portfolio/events/orders', { ...o, exchange_index: 0 })).status).toBe(400);
    const t = await call('POST', '/portfolio/intra_exchange_instance_transfer', {
      source: 'event_contract',
      destination: 'event_contract',
      amount: 100_000, // centi-cents: $10
      source_exchange_shard: 0,
      destination_exchange_shard: 1,
    });
    expect(t.status).toBe(200);
    expect((await call('POST', '/portfolio/events/orders', o)).status).toBe(201);
    const bal = GetBalanceResponseSchema.parse((await call('GET', '/portfolio/balance')).body);
    expect(bal.balance_breakdown).toEqual([
      { exchange_index: 0, balance: 990_000_000 },
      { exchange_index: 1, balance: 10_000_000 },
    ]);
    const status = ExchangeStatusSchema.parse((await call('GET', '/exchange/status')).body);
    expect(status.exchange_index_statuses?.map((x) => x.exchange_index)).toEqual([0, 1]);
  });

  it('an exchange pause refuses every order write, cancels included, and shows in exchange status', async () => {
    const id = CreateOrderV2ResponseSchema.parse(
      (await call('POST', '/portfolio/events/orders', order())).body,
    ).order_id;
    const onPause = CreateOrderV2ResponseSchema.parse(
      (
        await call(
          'POST',
          '/portfolio/events/orders',
          order({ price: '0.3000', cancel_order_on_pause: true }),
        )
      ).body,
    ).order_id;
    sim.admin.setExchangeActive(false);
    expect(sim.admin.order(onPause)?.lastUpdateReason).toBe('HaltCancel');
    const c = await call('DELETE', `/portfolio/events/orders/${id}`);
    expect(c.status).toBe(503);
    expect(normalizeApiError(c.body).code).toBe('exchange_unavailable');
    expect((await call('DELETE', '/portfolio/events/orders')).status).toBe(503);
    expect(ExchangeStatusSchema.parse((await call('GET', '/exchange/status')).body)).toMatchObject({
      exchange_active: false,
      trading_active: false,
    });
    sim.admin.setExchangeActive(true);
    expect((await call('DELETE', `/portfolio/events/orders/${id}`)).status).toBe(200);
  });

  it('refuses orders while trading is paused, and on a closed market', async () => {
    sim.admin.setTradingActive(false);
    expect((await call('POST', '/portfolio/events/orders', order())).status).toBe(409);
    sim.admin.setTradingActive(true);
    sim.admin.setMarketStatus(BOS, 'closed');
    const r = await call('POST', '/portfolio/events/orders', order());
    expect(r.status).toBe(409);
    expect(normalizeApiError(r.body).code).toBe('market_closed');
    expect(T0).toBeGreaterThan(0);
  });
});

describe('rate limits', () => {
  it('publishes limits and endpoint costs', async () => {
    const limits = GetAccountLimitsResponseSchema.parse((await call('GET', '/account/limits')).body);
    expect(limits).toMatchObject({ usage_tier: 'basic', write: { refill_rate: 100, bucket_capacity: 100 } });
    const costs = GetEndpointCostsResponseSchema.parse((await call('GET', '/account/endpoint_costs')).body);
    expect(costs.default_cost).toBe(10);
    expect(costs.endpoint_costs).toContainEqual({
      method: 'DELETE',
      path: '/trade-api/v2/portfolio/events/orders/{order_id}',
      cost: 2,
    });
  });

  it('meters the write bucket: 10 creates exhaust Basic, cancels cost 2, 429 has Kalshi body and no Retry-After', async () => {
    await sim.close();
    let now = 1_000_000;
    ({ sim, call } = await setupSim({ limits: { now: () => now } }));
    // authNow also drives signature freshness; keep the limiter clock separate
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await call('POST', '/portfolio/events/orders', order({ price: `0.${10 + i}00` }));
      expect(r.status).toBe(201);
      ids.push((r.body as { order_id: string }).order_id);
    }
    const refused = await call('POST', '/portfolio/events/orders', order());
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: 'too many requests' });
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(refused.headers.get('x-ratelimit-remaining')).toBeNull();
    // reads have their own bucket
    expect((await call('GET', '/portfolio/orders')).status).toBe(200);
    now += 100; // 10 tokens back: one create, or five cancels
    for (let i = 0; i < 5; i++)
      expect((await call('DELETE', `/portfolio/events/orders/${ids[i]}`)).status).toBe(200);
    expect((await call('DELETE', `/portfolio/events/orders/${ids[5]}`)).status).toBe(429);
    now += 1000;
    // a batch is billed per item: 11 items × 10 > 100
    const batch = await call('POST', '/portfolio/events/orders/batched', {
      orders: Array.from({ length: 11 }, (_, i) => order({ price: `0.${20 + i}00` })),
    });
    expect(batch.status).toBe(429);
    expect(sim.admin.restingOrders('maker')).toHaveLength(5);
  });
});
