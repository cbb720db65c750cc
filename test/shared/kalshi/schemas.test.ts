/**
 * Every reference sample parses into internal units, encodes back to the same
 * wire values, and the schemas refuse what they must (missing field, wrong
 * type) with an error naming the field.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as rest from '../../../shared/kalshi/schemas/rest.ts';
import {
  CancelOrderV2ResponseSchema,
  CreateOrderV2RequestSchema,
  DecreaseOrderV2RequestSchema,
  GetBalanceResponseSchema,
  GetEventsResponseSchema,
  GetMarketsResponseSchema,
  GetOrderbookResponseSchema,
  normalizeApiError,
} from '../../../shared/kalshi/schemas/rest.ts';
import { toWire, zCountFp, zPrice } from '../../../shared/kalshi/schemas/wire.ts';
import { parseWsFrame, WsCommandSchema, WsInboundSchema } from '../../../shared/kalshi/schemas/ws.ts';

const dir = join(import.meta.dirname, '../../fixtures/kalshi');
const load = (name: string): unknown => JSON.parse(readFileSync(join(dir, name), 'utf8'));
const text = (name: string) => readFileSync(join(dir, name), 'utf8');

const restSchemaFor: Record<string, z.ZodType> = {
  'rest_batch_create_orders_v2_response.json': rest.BatchCreateOrdersV2ResponseSchema,
  'rest_cancel_order_v2_response.json': rest.CancelOrderV2ResponseSchema,
  'rest_create_order_v2_request.json': rest.CreateOrderV2RequestSchema,
  'rest_create_order_v2_response.json': rest.CreateOrderV2ResponseSchema,
  'rest_error_409_duplicate_client_order_id.json': rest.ApiErrorResponseSchema,
  'rest_error_429.json': rest.ApiErrorResponseSchema,
  'rest_get_balance.json': rest.GetBalanceResponseSchema,
  'rest_get_events_nba_with_milestones.json': rest.GetEventsResponseSchema,
  'rest_get_exchange_status.json': rest.ExchangeStatusSchema,
  'rest_get_fills.json': rest.GetFillsResponseSchema,
  'rest_get_markets_nba_event.json': rest.GetMarketsResponseSchema,
  'rest_get_orderbook.json': rest.GetOrderbookResponseSchema,
  'rest_get_orders_resting.json': rest.GetOrdersResponseSchema,
  'rest_get_positions.json': rest.GetPositionsResponseSchema,
  'rest_get_series_kxnbagame.json': rest.GetSeriesResponseSchema,
};

const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('reference samples', () => {
  it('every fixture file is covered by a test below', () => {
    const ws = files.filter((f) => f.startsWith('ws_'));
    const restFiles = files.filter((f) => f.startsWith('rest_'));
    expect(restFiles.sort()).toEqual(Object.keys(restSchemaFor).sort());
    expect(ws.length + restFiles.length).toBe(files.length);
  });

  for (const [file, schema] of Object.entries(restSchemaFor)) {
    it(`${file} parses and re-encodes to an equivalent wire body`, () => {
      const parsed = schema.parse(load(file));
      const again = schema.parse(z.encode(schema, parsed));
      expect(again).toEqual(parsed);
    });
  }

  for (const file of files.filter((f) => f.startsWith('ws_cmd_'))) {
    it(`${file} is a valid command`, () => {
      const parsed = WsCommandSchema.parse(load(file));
      expect(z.encode(WsCommandSchema, parsed)).toEqual(load(file));
    });
  }

  for (const file of files.filter((f) => f.startsWith('ws_') && !f.startsWith('ws_cmd_'))) {
    it(`${file} parses through parseWsFrame and re-encodes`, () => {
      const r = parseWsFrame(text(file));
      expect(r.ok, r.ok ? '' : r.error).toBe(true);
      if (!r.ok) return;
      const again = WsInboundSchema.parse(z.encode(WsInboundSchema, r.msg));
      expect(again).toEqual(r.msg);
    });
  }
});

describe('units at the edge', () => {
  it('market prices, sizes, times and the tick grid become integers', () => {
    const m = GetMarketsResponseSchema.parse(load('rest_get_markets_nba_event.json')).markets[0]!;
    expect(m.yes_bid_dollars).toBe(440_000);
    expect(m.yes_bid_size_fp).toBe(32_000);
    expect(m.status).toBe('active');
    expect(m.price_ranges).toEqual([{ start: 0, end: 1_000_000, step: 10_000 }]);
    expect(m.close_time).toBe(Date.parse('2026-11-29T00:30:00Z'));
    expect(m.exchange_index).toBe(0);
  });

  it('milestone start time is epoch ms', () => {
    const r = GetEventsResponseSchema.parse(load('rest_get_events_nba_with_milestones.json'));
    expect(r.milestones?.[0]?.start_date).toBe(Date.parse('2026-11-15T00:30:00Z'));
    expect(r.milestones?.[0]?.end_date).toBeNull();
  });

  it('orderbook levels are [Micros, Centis]', () => {
    const b = GetOrderbookResponseSchema.parse(load('rest_get_orderbook.json'));
    expect(b.orderbook_fp.no_dollars?.[3]).toEqual([540_000, 9_000]);
  });

  it('balance: legacy cents become Micros, dollars exact', () => {
    const b = GetBalanceResponseSchema.parse(load('rest_get_balance.json'));
    expect(b.balance).toBe(993_330_000);
    expect(b.balance_dollars).toBe(993_335_200);
    expect(z.encode(GetBalanceResponseSchema, b).balance).toBe(99333);
  });

  it('a delta with a negative fractional size parses exactly', () => {
    const r = parseWsFrame(
      '{"type":"orderbook_delta","sid":1,"seq":9,"msg":{"market_ticker":"T-1","price_dollars":0.4401,"delta_fp":-12.57,"side":"no"}}',
    );
    expect(r.ok && r.msg.type === 'orderbook_delta' && [r.msg.msg.price_dollars, r.msg.msg.delta_fp]).toEqual(
      [440_100, -1257],
    );
  });

  it('a null in an optional field of a private-channel message reads as absent; in a required one it is refused by name', () => {
    const fill = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../fixtures/kalshi/ws_fill.json'), 'utf8'),
    );
    const withNulls = {
      ...fill,
      msg: { ...fill.msg, client_order_id: null, post_position_fp: null, subaccount: null },
    };
    const r = parseWsFrame(JSON.stringify(withNulls));
    expect(r.ok, r.ok ? '' : r.error).toBe(true);
    if (r.ok && r.msg.type === 'fill') {
      expect(r.msg.msg.client_order_id).toBeUndefined();
      expect(r.msg.msg.trade_id).toBe(fill.msg.trade_id);
    }
    const bad = parseWsFrame(JSON.stringify({ ...fill, msg: { ...fill.msg, trade_id: null } }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toContain('trade_id');
  });

  it('JSON numbers are accepted where strings are documented', () => {
    const r = CancelOrderV2ResponseSchema.parse({ order_id: 'x', reduced_by: 10, ts_ms: 1 });
    expect(r.reduced_by).toBe(1000);
  });

  it('the create request encodes prices with 4 decimals and counts with 2', () => {
    const wire = toWire(CreateOrderV2RequestSchema, {
      ticker: 'KXNBAGAME-26NOV14BOSMIL-BOS',
      client_order_id: 'c-1',
      side: 'bid',
      count: 1000,
      price: 440_000,
      time_in_force: 'good_till_canceled',
      self_trade_prevention_type: 'taker_at_cross',
      post_only: true,
      exchange_index: 0,
    });
    expect(wire).toMatchObject({ price: '0.4400', count: '10.00', side: 'bid' });
  });

  it('price and count codecs round-trip any integer value', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (m) => {
        expect(zPrice.parse(z.encode(zPrice, m))).toBe(m);
        expect(zCountFp.parse(z.encode(zCountFp, m))).toBe(m);
      }),
    );
  });

  it('an unknown market status reads as unknown rather than failing the list', () => {
    const body = load('rest_get_markets_nba_event.json') as { markets: Record<string, unknown>[] };
    body.markets[0]!.status = 'brand_new_status';
    const r = GetMarketsResponseSchema.parse(body);
    expect(r.markets[0]!.status).toBe('unknown');
  });
});

describe('rejections name the field', () => {
  it('missing required field', () => {
    const body = load('rest_create_order_v2_response.json') as Record<string, unknown>;
    delete body.order_id;
    const r = rest.CreateOrderV2ResponseSchema.safeParse(body);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['order_id']);
  });

  it('wrong type', () => {
    const body = load('rest_get_orders_resting.json') as { orders: Record<string, unknown>[] };
    body.orders[0]!.yes_price_dollars = true;
    const r = rest.GetOrdersResponseSchema.safeParse(body);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['orders', 0, 'yes_price_dollars']);
  });

  it('a price with more precision than Micros is refused', () => {
    expect(zPrice.safeParse('0.1234567').success).toBe(false);
    expect(zPrice.safeParse('abc').success).toBe(false);
    expect(zCountFp.safeParse('1.001').success).toBe(false);
  });

  it('create request: count must be positive, price strictly inside (0, 1)', () => {
    const base = load('rest_create_order_v2_request.json') as Record<string, unknown>;
    expect(CreateOrderV2RequestSchema.safeParse({ ...base, count: '0.00' }).success).toBe(false);
    expect(CreateOrderV2RequestSchema.safeParse({ ...base, price: '1.0000' }).success).toBe(false);
    expect(CreateOrderV2RequestSchema.safeParse({ ...base, side: 'buy' }).error?.issues[0]?.path).toEqual([
      'side',
    ]);
  });

  it('decrease: exactly one of reduce_by / reduce_to', () => {
    expect(DecreaseOrderV2RequestSchema.safeParse({}).success).toBe(false);
    expect(DecreaseOrderV2RequestSchema.safeParse({ reduce_by: '1', reduce_to: '2' }).success).toBe(false);
    expect(DecreaseOrderV2RequestSchema.safeParse({ reduce_to: '0' }).success).toBe(true);
  });

  it('ws frame: bad JSON, unknown type and bad shape are told apart, never thrown', () => {
    expect(parseWsFrame('{nope')).toMatchObject({ ok: false, reason: 'bad_json' });
    expect(parseWsFrame('[]')).toMatchObject({ ok: false, reason: 'bad_shape' });
    expect(parseWsFrame('{"type":"event_fee_update","sid":3}')).toMatchObject({
      ok: false,
      reason: 'unknown_type',
    });
    const missingSeq = parseWsFrame(text('ws_orderbook_delta_seq4.json').replace('"seq": 4,', ''));
    expect(missingSeq).toMatchObject({ ok: false, reason: 'bad_shape' });
    expect(!missingSeq.ok && missingSeq.error).toContain('seq');
  });

  it('parseWsFrame never throws on arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (s) => {
          const r = parseWsFrame(s);
          expect(typeof r.ok).toBe('boolean');
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('error bodies', () => {
  it('flat, nested and plain-string forms normalise', () => {
    expect(normalizeApiError(load('rest_error_409_duplicate_client_order_id.json'))).toMatchObject({
      code: 'order_already_exists',
    });
    expect(normalizeApiError(load('rest_error_429.json'))).toEqual({
      code: null,
      message: 'too many requests',
      details: null,
    });
    expect(normalizeApiError({ code: 'invalid_price', message: 'x', details: 'y' })).toEqual({
      code: 'invalid_price',
      message: 'x',
      details: 'y',
    });
    expect(normalizeApiError('upstream timeout')).toMatchObject({ message: 'upstream timeout' });
    expect(normalizeApiError(42)).toEqual({ code: null, message: null, details: null });
  });

  it('a batch create response keeps per-item errors apart from successes', () => {
    const r = rest.BatchCreateOrdersV2ResponseSchema.parse(load('rest_batch_create_orders_v2_response.json'));
    expect('error' in r.orders[0]!).toBe(false);
    expect('error' in r.orders[1]! && r.orders[1].error.code).toBe('invalid_price');
  });
});
