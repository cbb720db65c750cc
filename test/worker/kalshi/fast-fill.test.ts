/**
 * The fill fast path (worker/kalshi/fast-fill.ts) ≡ `WsFillSchema`: when it
 * answers, zod accepts the same frame with exactly the same output; anything
 * it is not sure of goes to zod (refusals keep zod's messages).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWsValue } from '../../../shared/kalshi/schemas/ws.ts';
import { BookSync } from '../../../worker/book/book-sync.ts';
import { fastFill } from '../../../worker/kalshi/fast-fill.ts';
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

const fillFrame = fc.record(
  {
    type: fc.constant('fill'),
    sid: fc.nat(),
    seq: fc.nat(),
    id: fc.nat(),
    msg: fc.record(
      {
        trade_id: fc.string({ minLength: 1 }),
        order_id: fc.string({ minLength: 1 }),
        client_order_id: orNull(fc.string()),
        market_ticker: ticker,
        exchange_index: orNull(fc.integer()),
        is_taker: fc.boolean(),
        yes_price_dollars: price,
        count_fp: count,
        fee_cost: money,
        outcome_side: fc.constantFrom('yes', 'no'),
        book_side: fc.constantFrom('bid', 'ask'),
        post_position_fp: orNull(count),
        ts: orNull(fc.nat({ max: 2 ** 35 })),
        ts_ms: orNull(fc.nat({ max: 2 ** 45 })),
        subaccount: orNull(fc.integer()),
        extra: fc.jsonValue(),
      },
      {
        requiredKeys: [
          'trade_id',
          'order_id',
          'market_ticker',
          'is_taker',
          'yes_price_dollars',
          'count_fp',
          'fee_cost',
          'outcome_side',
          'book_side',
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
const mutatedFill = fc.tuple(fillFrame, fc.nat(), fc.boolean(), odd).map(([f, pick, drop, r]) => {
  const all = paths(f);
  return mutate(f, all[pick % all.length]!, drop, r);
});

function assertAgrees(raw: unknown): 'fast' | 'zod' {
  const fast = fastFill(raw);
  const zod = parseWsValue(raw);
  if (fast === null) return 'zod';
  expect(zod.ok).toBe(true);
  if (zod.ok) expect(fast).toStrictEqual(zod.msg);
  return 'fast';
}

describe('fill fast path ≡ WsFillSchema', () => {
  it('valid fills in the wire format take the fast path with exactly the zod output', () => {
    fc.assert(
      fc.property(fillFrame, (f) => {
        expect(assertAgrees(JSON.parse(JSON.stringify(f)))).toBe('fast');
      }),
      { numRuns: 3_000 },
    );
  });

  it('mutated fills: the fast path never accepts what zod refuses, never outputs anything else', () => {
    let fast = 0;
    let total = 0;
    fc.assert(
      fc.property(mutatedFill, (f) => {
        total++;
        if (assertAgrees(JSON.parse(JSON.stringify(f) ?? 'null')) === 'fast') fast++;
      }),
      { numRuns: 5_000 },
    );
    expect(fast).toBeGreaterThan(0);
    expect(fast).toBeLessThan(total);
  });

  it('the frame handler gives a fill frame the same message as the zod path', () => {
    fc.assert(
      fc.property(fc.oneof(fillFrame, mutatedFill), (f) => {
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

  it('a Kalshi fill takes the fast path; a numeric price or a missing side goes to zod', () => {
    const fill = {
      type: 'fill',
      sid: 13,
      msg: {
        trade_id: 'd91bc706-ee49-470d-82d8-11418bda6fed',
        order_id: 'ee587a1c-8b87-4dcf-b721-9f6f790619fa',
        market_ticker: 'KXNBAGAME-26NOV14BOSMIL-BOS',
        is_taker: false,
        yes_price_dollars: '0.4500',
        count_fp: '1.00',
        fee_cost: '0.000000',
        outcome_side: 'yes',
        book_side: 'bid',
        client_order_id: null,
        ts_ms: 1_765_000_000_123,
      },
    };
    expect(fastFill(fill)).toStrictEqual({
      type: 'fill',
      sid: 13,
      msg: {
        trade_id: 'd91bc706-ee49-470d-82d8-11418bda6fed',
        order_id: 'ee587a1c-8b87-4dcf-b721-9f6f790619fa',
        market_ticker: 'KXNBAGAME-26NOV14BOSMIL-BOS',
        is_taker: false,
        yes_price_dollars: 450_000,
        count_fp: 100,
        fee_cost: 0,
        outcome_side: 'yes',
        book_side: 'bid',
        ts_ms: 1_765_000_000_123,
      },
    });
    expect(fastFill({ ...fill, msg: { ...fill.msg, yes_price_dollars: 0.45 } })).toBeNull();
    const { book_side: _, ...noSide } = fill.msg;
    expect(fastFill({ ...fill, msg: noSide })).toBeNull();
  });
});
