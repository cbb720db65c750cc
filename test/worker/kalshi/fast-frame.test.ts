import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWsValue } from '../../../shared/kalshi/schemas/ws.ts';
import { countToCentis, dollarsToMicros } from '../../../shared/units.ts';
import { BookSync } from '../../../worker/book/book-sync.ts';
import { fastBookFrame, fastCount, fastPrice } from '../../../worker/kalshi/fast-frame.ts';
import { consumeUnparsed, FrameHandler } from '../../../worker/kalshi/frame-handler.ts';

// ---------------------------------------------------------------- generators

const tickerChars = fc.constantFrom(
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-'.split(''),
);
const ticker = fc.string({ unit: tickerChars, minLength: 1, maxLength: 30 });

/** A fixed-point decimal string of an integer scaled by 10^scale, written with 0..maxDecimals decimals (as Kalshi and variants might). */
function decimal(scale: number, maxWhole: number, signed: boolean): fc.Arbitrary<string> {
  return fc
    .record({
      whole: fc.integer({ min: 0, max: maxWhole }),
      frac: fc.integer({ min: 0, max: 10 ** scale - 1 }),
      decimals: fc.integer({ min: 0, max: scale }),
      neg: signed ? fc.boolean() : fc.constant(false),
      leadingZeros: fc.integer({ min: 0, max: 2 }),
    })
    .map(({ whole, frac, decimals, neg, leadingZeros }) => {
      const fracText = String(frac).padStart(scale, '0').slice(0, decimals);
      const wholeText = '0'.repeat(leadingZeros) + String(whole);
      return `${neg ? '-' : ''}${wholeText}${decimals > 0 ? `.${fracText}` : ''}`;
    });
}
const price = fc.oneof(decimal(6, 1, false), decimal(6, 999, true));
const count = fc.oneof(decimal(2, 100_000, true), decimal(2, 10, false));
const uint = fc.oneof(fc.nat(), fc.constant(0), fc.nat({ max: 2 ** 40 }));

const deltaFrame = fc.record(
  {
    type: fc.constant('orderbook_delta'),
    sid: uint,
    seq: uint,
    id: uint,
    msg: fc.record(
      {
        market_ticker: ticker,
        market_id: fc.string(),
        price_dollars: price,
        delta_fp: count,
        side: fc.constantFrom('yes', 'no'),
        client_order_id: fc.string(),
        subaccount: fc.integer(),
        ts: fc.string(),
        ts_ms: fc.nat({ max: 2 ** 45 }),
        extra: fc.jsonValue(),
      },
      { requiredKeys: ['market_ticker', 'price_dollars', 'delta_fp', 'side'] },
    ),
  },
  { requiredKeys: ['type', 'sid', 'seq', 'msg'] },
);

const level = fc.tuple(price, count);
const snapshotFrame = fc.record(
  {
    type: fc.constant('orderbook_snapshot'),
    sid: uint,
    seq: uint,
    id: uint,
    msg: fc.record(
      {
        market_ticker: ticker,
        market_id: fc.string(),
        yes_dollars_fp: fc.array(level, { maxLength: 12 }),
        no_dollars_fp: fc.array(level, { maxLength: 12 }),
      },
      { requiredKeys: ['market_ticker'] },
    ),
  },
  { requiredKeys: ['type', 'sid', 'seq', 'msg'] },
);

const validFrame = fc.oneof(deltaFrame, snapshotFrame);

/** Values a mutation may put anywhere: wrong types, near-misses of the formats, edge numbers. */
const odd = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    null,
    -1,
    -0,
    1.5,
    2 ** 53,
    1e21,
    '',
    ' 0.5',
    '0.5 ',
    '.5',
    '5.',
    '+0.5',
    '0.5000001',
    '0.5000000',
    '1e-2',
    '0x10',
    '0.50',
    '-0.00',
    '12345678901234.00',
    '1234567890.5',
    'yes',
    'no',
    'YES',
    'orderbook_delta',
    'orderbook_snapshot',
    'BAD TICKER',
    'T\n',
    [],
    ['0.5'],
    ['0.5', '1.00', '2'],
    {},
  ),
  fc.double(),
  fc.integer(),
  fc.string(),
);

type Json = unknown;
type Path = (string | number)[];

/** Every path in a JSON tree (the root included), so a mutation hits each field equally often. */
function paths(v: Json, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(v)) for (const [i, x] of v.entries()) out.push(...paths(x, [...at, i]));
  else if (typeof v === 'object' && v !== null)
    for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

/** At `path`: replace the value (op 0), delete it (op 1), or append `replacement` beside it (op 2, arrays/objects). */
function mutate(v: Json, path: Path, op: number, replacement: Json): Json {
  if (path.length === 0) {
    if (op === 2 && Array.isArray(v)) return [...v, replacement];
    if (op === 2 && typeof v === 'object' && v !== null) return { ...v, extra_field: replacement };
    return replacement;
  }
  const [k, ...rest] = path;
  if (Array.isArray(v)) {
    const copy = [...v];
    if (rest.length === 0 && op === 1) copy.splice(k as number, 1);
    else copy[k as number] = mutate(copy[k as number], rest, op, replacement);
    return copy;
  }
  const copy: Record<string, Json> = { ...(v as Record<string, Json>) };
  if (rest.length === 0 && op === 1) delete copy[k as string];
  else copy[k as string] = mutate(copy[k as string], rest, op, replacement);
  return copy;
}

const mutatedFrame = fc
  .tuple(validFrame, fc.nat(), fc.integer({ min: 0, max: 2 }), odd, fc.integer({ min: 1, max: 3 }))
  .map(([f, pick, op, r, times]) => {
    let out: Json = f;
    for (let i = 0; i < times; i++) {
      const all = paths(out);
      out = mutate(out, all[(pick * (i + 1)) % all.length]!, op, r);
    }
    return out;
  });

/** What the fast path must guarantee: when it answers, zod accepts the same value with the same output. */
function assertAgrees(raw: unknown): 'fast' | 'zod' {
  const fast = fastBookFrame(raw);
  const zod = parseWsValue(raw);
  if (fast === null) return 'zod';
  expect(zod.ok).toBe(true);
  if (zod.ok) expect(fast).toStrictEqual(zod.msg);
  return 'fast';
}

// ---------------------------------------------------------------- properties

describe('book-frame fast path ≡ the zod schemas', () => {
  it('valid frames in the wire format: the fast path accepts them with exactly the zod output', () => {
    fc.assert(
      fc.property(validFrame, (f) => {
        // Through text, as frames arrive.
        const raw = JSON.parse(JSON.stringify(f));
        expect(assertAgrees(raw)).toBe('fast');
      }),
      { numRuns: 3_000 },
    );
  });

  it('mutated frames: the fast path never accepts what zod refuses, never outputs anything else', () => {
    let fast = 0;
    let total = 0;
    fc.assert(
      fc.property(mutatedFrame, (f) => {
        const raw = JSON.parse(JSON.stringify(f) ?? 'null');
        total++;
        if (assertAgrees(raw) === 'fast') fast++;
      }),
      { numRuns: 10_000 },
    );
    // Not vacuous: some mutations stay valid (e.g. a dropped optional field) and take the fast path.
    expect(fast).toBeGreaterThan(0);
    expect(fast).toBeLessThan(total);
  });

  it('the frame handler gives the same outcome, message and detail as the zod-only path', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(validFrame, mutatedFrame), { maxLength: 20 }), (frames) => {
        const a = new FrameHandler(new BookSync({ useYesPrice: true }));
        const b = new BookSync({ useYesPrice: true });
        for (const f of frames) {
          const text = JSON.stringify(f) ?? 'null';
          const got = a.handleText(text, 1_000);
          const parsed = parseWsValue(JSON.parse(text));
          if (!parsed.ok) {
            expect(got.msg).toBeNull();
            expect(got.outcome).toBe(parsed.reason === 'unknown_type' ? 'ignored' : 'rejected');
            expect(got.detail).toContain(parsed.error);
            // Both paths consume an unparsed frame's seq alike.
            const want = consumeUnparsed(b, JSON.parse(text), parsed.reason === 'unknown_type');
            expect(got.resync).toStrictEqual(want);
            continue;
          }
          const want = b.handle(parsed.msg, 1_000);
          expect(got.msg).toStrictEqual(parsed.msg);
          expect(got.outcome).toBe(want.outcome);
          expect(got.resync).toStrictEqual(want.resync);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('scalars equal the shared unit converters wherever the fast path answers', () => {
    fc.assert(
      fc.property(fc.oneof(price, count, odd), (v) => {
        const p = fastPrice(v);
        if (p !== null) expect(p).toBe(dollarsToMicros(v as string));
        const c = fastCount(v);
        if (c !== null) expect(c).toBe(countToCentis(v as string));
      }),
      { numRuns: 5_000 },
    );
  });

  it('examples: Kalshi-format deltas and snapshots take the fast path; oddities go to zod', () => {
    const delta = {
      type: 'orderbook_delta',
      sid: 2,
      seq: 3,
      msg: {
        market_ticker: 'KXNBAGAME-26NOV14BOSMIL-BOS',
        price_dollars: '0.4300',
        delta_fp: '-5.00',
        side: 'no',
      },
    };
    expect(fastBookFrame(delta)).toStrictEqual({
      type: 'orderbook_delta',
      sid: 2,
      seq: 3,
      msg: {
        market_ticker: 'KXNBAGAME-26NOV14BOSMIL-BOS',
        price_dollars: 430_000,
        delta_fp: -500,
        side: 'no',
      },
    });
    expect(fastPrice('0.4300')).toBe(430_000);
    expect(fastPrice('-0.00')).toBe(-0);
    expect(fastCount('12.5')).toBe(1_250);
    // Numbers, whitespace, too many decimals: zod decides (and may accept: 0.43 as a JSON number is a valid price).
    expect(fastPrice(0.43)).toBeNull();
    expect(fastPrice(' 0.43')).toBeNull();
    expect(fastPrice('0.4300001')).toBeNull();
    expect(fastCount('1.001')).toBeNull();
    expect(fastBookFrame({ ...delta, msg: { ...delta.msg, price_dollars: 0.43 } })).toBeNull();
    const viaZod = parseWsValue({ ...delta, msg: { ...delta.msg, price_dollars: 0.43 } });
    expect(viaZod.ok && viaZod.msg.type === 'orderbook_delta' && viaZod.msg.msg.price_dollars).toBe(430_000);
  });
});
