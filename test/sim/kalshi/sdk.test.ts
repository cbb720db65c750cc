/**
 * The official SDK (kalshi-typescript 3.30, generated from Kalshi's OpenAPI
 * document, signing with its own auth code) as an independent client: if it
 * round-trips against the simulator, paths, signatures and bodies agree with
 * what Kalshi publishes.
 */
import {
  BookSide,
  Configuration,
  CreateOrderV2RequestTimeInForceEnum,
  ExchangeApi,
  MarketApi,
  OrdersApi,
  PortfolioApi,
  SelfTradePreventionType,
} from 'kalshi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KalshiSim } from '../../../sim/kalshi/index.ts';
import { BOS, KEY_ID, rsaKey, setupSim } from './harness.ts';

let sim: KalshiSim;
let orders: OrdersApi;
let portfolio: PortfolioApi;
let market: MarketApi;
let exchange: ExchangeApi;

beforeAll(async () => {
  ({ sim } = await setupSim());
  const config = new Configuration({
    apiKey: KEY_ID,
    privateKeyPem: rsaKey().privateKey,
    basePath: sim.restBaseUrl,
  });
  orders = new OrdersApi(config);
  portfolio = new PortfolioApi(config);
  market = new MarketApi(config);
  exchange = new ExchangeApi(config);
});
afterAll(async () => {
  await sim.close();
});

describe('official SDK against the simulator', () => {
  it('reads exchange status, markets and the order book', async () => {
    expect((await exchange.getExchangeStatus()).data.trading_active).toBe(true);
    const m = (await market.getMarket(BOS)).data.market;
    expect(m).toMatchObject({ ticker: BOS, status: 'active', price_level_structure: 'linear_cent' });
    const book = (await market.getMarketOrderbook(BOS)).data;
    expect(book.orderbook_fp).toEqual({ yes_dollars: [], no_dollars: [] });
  });

  it('creates, lists, amends, cancels; sees fills, positions and balance', async () => {
    const created = await orders.createOrderV2({
      ticker: BOS,
      side: BookSide.Bid,
      count: '10.00',
      price: '0.4400',
      client_order_id: 'sdk-1',
      time_in_force: CreateOrderV2RequestTimeInForceEnum.GoodTillCanceled,
      self_trade_prevention_type: SelfTradePreventionType.TakerAtCross,
      post_only: true,
    });
    expect(created.status).toBe(201);
    const id = created.data.order_id;
    const listed = await orders.getOrders(BOS, undefined, undefined, undefined, 'resting');
    expect(listed.data.orders.map((o) => o.order_id)).toEqual([id]);

    const amended = await orders.amendOrderV2(id, {
      ticker: BOS,
      side: BookSide.Bid,
      price: '0.4500',
      count: '8.00',
    });
    expect(amended.data).toMatchObject({ order_id: id, remaining_count: '8.00' });

    // someone sells into our bid: 3 of 8 fill
    sim.admin.placeOrder('other', {
      ticker: BOS,
      side: 'ask',
      price: 450_000,
      count: 300,
      timeInForce: 'immediate_or_cancel',
      selfTradePrevention: 'maker',
    });
    const fills = (await portfolio.getFills(BOS)).data.fills;
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({
      order_id: id,
      count_fp: '3.00',
      yes_price_dollars: '0.4500',
      is_taker: false,
    });
    const positions = (await portfolio.getPositions()).data.market_positions;
    expect(positions?.[0]).toMatchObject({ ticker: BOS, position_fp: '3.00' });

    const cancelled = await orders.cancelOrderV2(id, undefined, undefined, BOS);
    expect(cancelled.data).toMatchObject({ order_id: id, client_order_id: 'sdk-1', reduced_by: '5.00' });
    const after = await orders.getOrder(id);
    expect(after.data.order).toMatchObject({
      status: 'canceled',
      fill_count_fp: '3.00',
      remaining_count_fp: '0.00',
    });

    const balance = (await portfolio.getBalance()).data;
    // maker fee on KXNBAGAME: 0.0175·3·0.45·0.55 = 0.01299375 → 0.0130
    expect(balance.balance_dollars).toBe('998.637000');
    expect(balance.balance).toBe(99_863);
  });

  it('surfaces a 409 on a duplicate client_order_id', async () => {
    const body = {
      ticker: BOS,
      side: BookSide.Ask,
      count: '1.00',
      price: '0.9000',
      client_order_id: 'sdk-dup',
      time_in_force: CreateOrderV2RequestTimeInForceEnum.GoodTillCanceled,
      self_trade_prevention_type: SelfTradePreventionType.Maker,
    };
    await orders.createOrderV2(body);
    await expect(orders.createOrderV2(body)).rejects.toMatchObject({ response: { status: 409 } });
  });
});
