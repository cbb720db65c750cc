/**
 * The hand encoders of the write path are the zod encoders, faster: on every generated body they
 * either emit zod's wire JSON to the byte or hand the body back to zod (null), and they never accept
 * a body zod refuses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fastAmendOrderBody,
  fastBatchCancelBody,
  fastCreateOrderBody,
  fastDecreaseOrderBody,
} from '../../../shared/kalshi/order-body.ts';
import {
  AmendOrderV2RequestSchema,
  BatchCancelOrdersV2RequestSchema,
  type CreateOrderV2Request,
  CreateOrderV2RequestSchema,
  DecreaseOrderV2RequestSchema,
} from '../../../shared/kalshi/schemas/rest.ts';

const ticker = fc.stringMatching(/^[A-Z0-9.-]{1,30}$/);
const price = fc.integer({ min: 1, max: 999_999 });
const gridPrice = fc.integer({ min: 1, max: 9_999 }).map((c) => c * 100);
const count = fc.integer({ min: 1, max: 10_000_000 });
const coid = fc.string({ minLength: 1, maxLength: 128 });

const validCreate = fc.record(
  {
    ticker,
    client_order_id: coid,
    side: fc.constantFrom('bid', 'ask'),
    count,
    price: fc.oneof(price, gridPrice),
    time_in_force: fc.constantFrom('fill_or_kill', 'good_till_canceled', 'immediate_or_cancel'),
    self_trade_prevention_type: fc.constantFrom('taker_at_cross', 'maker'),
    post_only: fc.boolean(),
    expiration_time: fc.integer({ min: 1, max: 4_000_000_000 }),
    reduce_only: fc.boolean(),
    cancel_order_on_pause: fc.boolean(),
    order_group_id: fc.string(),
    subaccount: fc.nat(),
    exchange_index: fc.integer({ min: -1, max: 5 }),
  },
  {
    requiredKeys: ['ticker', 'side', 'count', 'price', 'time_in_force', 'self_trade_prevention_type'],
  },
) as fc.Arbitrary<CreateOrderV2Request>;

const validAmend = fc.record(
  {
    ticker,
    side: fc.constantFrom('bid', 'ask'),
    price: fc.oneof(price, gridPrice),
    count,
    client_order_id: coid,
    updated_client_order_id: coid,
    exchange_index: fc.integer({ min: -1, max: 5 }),
  },
  { requiredKeys: ['ticker', 'side', 'price', 'count'] },
);

/** Exactly one of reduce_by (positive) and reduce_to (zero or more), as the engine sends reduce_to. */
const validDecrease = fc.oneof(
  fc.record(
    {
      reduce_to: fc.integer({ min: 0, max: 10_000_000 }),
      market_ticker: ticker,
      exchange_index: fc.integer({ min: -1, max: 5 }),
    },
    { requiredKeys: ['reduce_to'] },
  ),
  fc.record(
    { reduce_by: count, market_ticker: ticker, exchange_index: fc.integer({ min: -1, max: 5 }) },
    { requiredKeys: ['reduce_by'] },
  ),
);

const cancelItem = fc.record(
  {
    order_id: fc.string({ minLength: 1, maxLength: 40 }),
    market_ticker: ticker,
    exchange_index: fc.integer({ min: -1, max: 5 }),
    subaccount: fc.nat(),
  },
  { requiredKeys: ['order_id'] },
);
const validBatchCancel = fc.record({ orders: fc.array(cancelItem, { minLength: 1, maxLength: 20 }) });

/** Values a field may wrongly hold: edges of each constraint, wrong types, null. */
const junk = fc.oneof(
  fc.constantFrom(
    0,
    -1,
    -2,
    1_000_000,
    0.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2 ** 53,
    '',
    'bid',
    'BAD TICKER',
    'x'.repeat(129),
    null,
    true,
    {},
    [],
  ),
  fc.integer(),
  fc.string(),
);

/** A valid body with some fields replaced by junk, some removed, and maybe a field zod does not know. */
function spoiled(valid: fc.Arbitrary<object>, keys: string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(
      valid,
      fc.array(fc.tuple(fc.nat(20), junk), { maxLength: 3 }),
      fc.array(fc.nat(20), { maxLength: 2 }),
    )
    .map(([body, replacements, removals]) => {
      const out: Record<string, unknown> = { ...body };
      for (const [i, v] of replacements) out[keys[i % keys.length]!] = v;
      for (const i of removals) delete out[keys[i % keys.length]!];
      return out;
    });
}

const wire = (v: unknown) => JSON.stringify(v);

describe('hand-encoded order bodies equal the zod encoders', () => {
  it('a valid create encodes to zod’s wire JSON, byte for byte', () => {
    fc.assert(
      fc.property(validCreate, (req) => {
        const fast = fastCreateOrderBody(req);
        expect(fast).not.toBeNull();
        expect(wire(fast)).toBe(wire(CreateOrderV2RequestSchema.encode(req)));
      }),
      { numRuns: 500 },
    );
  });

  it('a valid amend encodes to zod’s wire JSON, byte for byte', () => {
    fc.assert(
      fc.property(validAmend, (req) => {
        const fast = fastAmendOrderBody(req);
        expect(fast).not.toBeNull();
        expect(wire(fast)).toBe(wire(AmendOrderV2RequestSchema.encode(req)));
      }),
      { numRuns: 500 },
    );
  });

  it('a create zod refuses is never accepted by hand; one it accepts by hand is zod’s', () => {
    fc.assert(
      fc.property(spoiled(validCreate, Object.keys(CreateOrderV2RequestSchema.shape)), (req) => {
        const fast = fastCreateOrderBody(req as CreateOrderV2Request);
        const zod = CreateOrderV2RequestSchema.safeEncode(req as CreateOrderV2Request);
        if (!zod.success) expect(fast).toBeNull();
        else if (fast !== null) expect(wire(fast)).toBe(wire(zod.data));
      }),
      { numRuns: 2_000 },
    );
  });

  it('an amend zod refuses is never accepted by hand; one it accepts by hand is zod’s', () => {
    fc.assert(
      fc.property(spoiled(validAmend, Object.keys(AmendOrderV2RequestSchema.shape)), (req) => {
        const fast = fastAmendOrderBody(req as never);
        const zod = AmendOrderV2RequestSchema.safeEncode(req as never);
        if (!zod.success) expect(fast).toBeNull();
        else if (fast !== null) expect(wire(fast)).toBe(wire(zod.data));
      }),
      { numRuns: 2_000 },
    );
  });

  it('a valid decrease encodes to zod’s wire JSON, byte for byte', () => {
    fc.assert(
      fc.property(validDecrease, (req) => {
        const fast = fastDecreaseOrderBody(req as never);
        expect(fast).not.toBeNull();
        expect(wire(fast)).toBe(wire(DecreaseOrderV2RequestSchema.encode(req as never)));
      }),
      { numRuns: 500 },
    );
  });

  it('a decrease zod refuses is never accepted by hand; one it accepts by hand is zod’s', () => {
    const keys = ['reduce_by', 'reduce_to', 'market_ticker', 'exchange_index'];
    fc.assert(
      fc.property(spoiled(validDecrease, keys), (req) => {
        const fast = fastDecreaseOrderBody(req as never);
        const zod = DecreaseOrderV2RequestSchema.safeEncode(req as never);
        if (!zod.success) expect(fast).toBeNull();
        else if (fast !== null) expect(wire(fast)).toBe(wire(zod.data));
      }),
      { numRuns: 2_000 },
    );
    // Neither or both of reduce_by and reduce_to: zod names it.
    for (const req of [{}, { reduce_by: 100, reduce_to: 0 }, { reduce_to: -1 }, { reduce_by: 0 }]) {
      expect(fastDecreaseOrderBody(req as never), JSON.stringify(req)).toBeNull();
      expect(DecreaseOrderV2RequestSchema.safeEncode(req as never).success, JSON.stringify(req)).toBe(false);
    }
  });

  it('a valid batch cancel encodes to zod’s wire JSON, byte for byte', () => {
    fc.assert(
      fc.property(validBatchCancel, (req) => {
        const fast = fastBatchCancelBody(req);
        expect(fast).not.toBeNull();
        expect(wire(fast)).toBe(wire(BatchCancelOrdersV2RequestSchema.encode(req)));
      }),
      { numRuns: 500 },
    );
  });

  it('a batch cancel zod refuses is never accepted by hand; one it accepts by hand is zod’s', () => {
    const spoiledBatch = fc
      .tuple(
        validBatchCancel,
        spoiled(cancelItem, ['order_id', 'market_ticker', 'exchange_index', 'subaccount']),
        fc.nat(20),
      )
      .map(([b, bad, i]) => {
        const orders: unknown[] = [...b.orders];
        orders.splice(i % (orders.length + 1), 0, bad);
        return { orders };
      });
    fc.assert(
      fc.property(
        fc.oneof(spoiledBatch, fc.constant({ orders: [] }), fc.constant({ orders: [null] })),
        (req) => {
          const fast = fastBatchCancelBody(req as never);
          const zod = BatchCancelOrdersV2RequestSchema.safeEncode(req as never);
          if (!zod.success) expect(fast).toBeNull();
          else if (fast !== null) expect(wire(fast)).toBe(wire(zod.data));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('refuses, for zod to name the field, the bodies the engine must never send', () => {
    const ok: CreateOrderV2Request = {
      ticker: 'KXNBAGAME-26DEC07BOSNYK-BOS',
      side: 'bid',
      count: 100 as CreateOrderV2Request['count'],
      price: 560_000 as CreateOrderV2Request['price'],
      time_in_force: 'good_till_canceled',
      self_trade_prevention_type: 'maker',
    };
    expect(fastCreateOrderBody(ok)).toEqual({
      ticker: 'KXNBAGAME-26DEC07BOSNYK-BOS',
      side: 'bid',
      count: '1.00',
      price: '0.5600',
      time_in_force: 'good_till_canceled',
      self_trade_prevention_type: 'maker',
    });
    for (const bad of [
      { price: 0 },
      { price: 1_000_000 },
      { price: 12.5 },
      { count: 0 },
      { count: -100 },
      { ticker: 'NO SPACES' },
      { side: 'yes' },
      { client_order_id: '' },
    ]) {
      const req = { ...ok, ...bad } as CreateOrderV2Request;
      expect(fastCreateOrderBody(req), JSON.stringify(bad)).toBeNull();
      expect(CreateOrderV2RequestSchema.safeEncode(req).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
