/**
 * The order-update fast path (worker/kalshi/fast-user-order.ts) ≡ `UserOrderSchema`: when it
 * answers, zod accepts the same frame with exactly the same output; anything it is not sure of
 * goes to zod (refusals keep zod's messages).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LAST_UPDATE_REASONS, parseWsValue } from '../../../shared/kalshi/schemas/ws.ts';
import { BookSync } from '../../../worker/book/book-sync.ts';
import { fastUserOrder } from '../../../worker/kalshi/fast-user-order.ts';
import { FrameHandler } from '../../../worker/kalshi/frame-handler.ts';

const tickerChars = fc.constantFrom(
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-'.split(''),
);
const ticker = fc.string({ unit: tickerChars, minLength: 1, maxLength: 30 });

function decimal(scale: number, maxWhole: number, signed: boolean): fc.Arbitrary<string> {
  return fc
    .record({
      whole: fc.integer({ min: 0, max: maxWhole }),
      frac: fc.integer({ min: 0, max: 10 ** scale - 1 }),
      decimals: fc.integer({ min: 0, max: scale }),
      neg: signed ? fc.boolean() : fc.constant(false),
    })
    .map(({ whole, frac, decimals, neg }) => {
      const fracText = String(frac).padStart(scale, '0').slice(0, decimals);
      return `${neg ? '-' : ''}${whole}${decimals > 0 ? `.${fracText}` : ''}`;
    });
}
const price = fc.oneof(decimal(6, 1, false), decimal(4, 1, false));
const money = fc.oneof(decimal(6, 999, true), decimal(4, 10, false));
const count = fc.oneof(decimal(2, 100_000, true), decimal(2, 10, false));
const orNull = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: a }, fc.constant(null));

const orderFrame = fc.record(
  {
    type: fc.constant('user_order'),
    sid: fc.nat(),
    seq: fc.nat(),
    id: fc.nat(),
    msg: fc.record(
      {
        order_id: fc.string({ minLength: 1 }),
        user_id: orNull(fc.string()),
        ticker,
        exchange_index: orNull(fc.integer()),
        status: fc.constantFrom('resting', 'canceled', 'executed', 'unknown'),
        outcome_side: fc.constantFrom('yes', 'no'),
        book_side: fc.constantFrom('bid', 'ask'),
        yes_price_dollars: price,
        fill_count_fp: count,
        remaining_count_fp: count,
        initial_count_fp: orNull(count),
        taker_fill_cost_dollars: orNull(money),
        maker_fill_cost_dollars: orNull(money),
        taker_fees_dollars: orNull(money),
        maker_fees_dollars: orNull(money),
        client_order_id: orNull(fc.string()),
        order_group_id: orNull(fc.string()),
        self_trade_prevention_type: orNull(fc.string()),
        created_ts_ms: orNull(fc.nat({ max: 2 ** 45 })),
        last_updated_ts_ms: orNull(fc.nat({ max: 2 ** 45 })),
        expiration_ts_ms: orNull(fc.nat({ max: 2 ** 45 })),
        last_update_reason: orNull(fc.oneof(fc.constantFrom(...LAST_UPDATE_REASONS), fc.string())),
        subaccount_number: orNull(fc.integer()),
        extra: fc.jsonValue(),
      },
      {
        requiredKeys: [
          'order_id',
          'ticker',
          'status',
          'outcome_side',
          'book_side',
          'yes_price_dollars',
          'fill_count_fp',
          'remaining_count_fp',
        ],
      },
    ),
  },
  { requiredKeys: ['type', 'sid', 'msg'] },
);

const odd = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    null,
    -1,
    1.5,
    2 ** 53,
    '',
    ' 0.5',
    '0.5000001',
    '1e-2',
    '+0.5',
    'bid',
    'yes',
    'resting',
    'BAD TICKER',
    {},
    [],
  ),
  fc.double(),
  fc.string(),
);

type Json = unknown;
type Path = string[];
function paths(v: Json, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (typeof v === 'object' && v !== null && !Array.isArray(v))
    for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}
function mutate(v: Json, path: Path, drop: boolean, replacement: Json): Json {
  if (path.length === 0) return replacement;
  const [k, ...rest] = path;
  const copy: Record<string, Json> = { ...(v as Record<string, Json>) };
  if (rest.length === 0 && drop) delete copy[k!];
  else copy[k!] = mutate(copy[k!], rest, drop, replacement);
  return copy;
}
const mutatedOrder = fc.tuple(orderFrame, fc.nat(), fc.boolean(), odd).map(([f, pick, drop, r]) => {
  const all = paths(f);
  return mutate(f, all[pick % all.length]!, drop, r);
});

function assertAgrees(raw: unknown): 'fast' | 'zod' {
  const fast = fastUserOrder(raw);
  const zod = parseWsValue(raw);
  if (fast === null) return 'zod';
  expect(zod.ok).toBe(true);
  if (zod.ok) expect(fast).toStrictEqual(zod.msg);
  return 'fast';
}

describe('order-update fast path ≡ UserOrderSchema', () => {
  it('valid order updates in the wire format take the fast path with exactly the zod output', () => {
    fc.assert(
      fc.property(orderFrame, (f) => {
        expect(assertAgrees(JSON.parse(JSON.stringify(f)))).toBe('fast');
      }),
      { numRuns: 1_000 },
    );
  });

  it('mutated order updates: the fast path never accepts what zod refuses, never outputs anything else', () => {
    let fast = 0;
    let total = 0;
    fc.assert(
      fc.property(mutatedOrder, (f) => {
        total++;
        if (assertAgrees(JSON.parse(JSON.stringify(f) ?? 'null')) === 'fast') fast++;
      }),
      { numRuns: 2_500 },
    );
    expect(fast).toBeGreaterThan(0);
    expect(fast).toBeLessThan(total);
  });

  it('the frame handler gives an order update the same message as the zod path', () => {
    fc.assert(
      fc.property(fc.oneof(orderFrame, mutatedOrder), (f) => {
        const text = JSON.stringify(f) ?? 'null';
        const got = new FrameHandler(new BookSync({ useYesPrice: true })).handleText(text, 1_000);
        const parsed = parseWsValue(JSON.parse(text));
        if (parsed.ok) expect(got.msg).toStrictEqual(parsed.msg);
        else {
          expect(got.msg).toBeNull();
          expect(got.detail).toContain(parsed.error);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('a Kalshi order update takes the fast path; an unknown reason reads unknown; a numeric count goes to zod', () => {
    const update = {
      type: 'user_order',
      sid: 14,
      seq: 7,
      msg: {
        order_id: 'ee587a1c-8b87-4dcf-b721-9f6f790619fa',
        ticker: 'KXNBAGAME-26NOV14BOSMIL-BOS',
        status: 'resting',
        outcome_side: 'yes',
        book_side: 'bid',
        yes_price_dollars: '0.4500',
        fill_count_fp: '1.00',
        remaining_count_fp: '4.00',
        client_order_id: 'mm-1',
        order_group_id: null,
        last_updated_ts_ms: 1_765_000_000_123,
        last_update_reason: 'SomethingNew',
      },
    };
    expect(fastUserOrder(update)).toStrictEqual({
      type: 'user_order',
      sid: 14,
      seq: 7,
      msg: {
        order_id: 'ee587a1c-8b87-4dcf-b721-9f6f790619fa',
        ticker: 'KXNBAGAME-26NOV14BOSMIL-BOS',
        status: 'resting',
        outcome_side: 'yes',
        book_side: 'bid',
        yes_price_dollars: 450_000,
        fill_count_fp: 100,
        remaining_count_fp: 400,
        client_order_id: 'mm-1',
        last_updated_ts_ms: 1_765_000_000_123,
        last_update_reason: 'unknown',
      },
    });
    expect(fastUserOrder({ ...update, msg: { ...update.msg, fill_count_fp: 1 } })).toBeNull();
    expect(fastUserOrder({ ...update, type: 'fill' })).toBeNull();
  });
});
