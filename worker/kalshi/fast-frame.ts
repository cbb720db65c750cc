/**
 * A validated fast path for the two hot inbound frames, `orderbook_delta` and
 * `orderbook_snapshot`: the same checks as their zod schemas
 * (`shared/kalshi/schemas/ws.ts`) and the same typed output, without the
 * discriminated union and the codec machinery, which cost several times
 * `JSON.parse` per frame.
 *
 * It only ever says "yes, and here is exactly what zod would return" or
 * "not sure": anything it does not recognise (a number where Kalshi sends a
 * string, whitespace, more decimals than the unit holds, an unexpected field
 * type...) returns null and the caller takes the zod path, so every refusal
 * keeps zod's error message. `test/worker/kalshi/fast-frame.test.ts` proves
 * fast ≡ zod on generated valid and mutated frames.
 */
import type { OrderbookDelta, OrderbookSnapshot } from '../../shared/kalshi/schemas/ws.ts';
import type { Centis, Micros } from '../../shared/units.ts';

const C_0 = 48;
const C_9 = 57;
const C_DOT = 46;
const C_MINUS = 45;

/**
 * An unsigned-or-negative decimal string ("0.5600", "-5.00", "12") scaled to
 * 10^scale, exactly as `parseFixed` does for the inputs it accepts here; null
 * (= let zod decide) for anything else: whitespace, exponent, more than
 * `scale` decimals, or more whole digits than `maxWhole` (keeps the integer exact).
 */
function fixed(text: string, scale: number, maxWhole: number): number | null {
  const n = text.length;
  let i = 0;
  let neg = false;
  if (n > 0 && text.charCodeAt(0) === C_MINUS) {
    neg = true;
    i = 1;
  }
  let whole = 0;
  const wholeStart = i;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < C_0 || c > C_9) break;
    whole = whole * 10 + (c - C_0);
  }
  const wholeDigits = i - wholeStart;
  if (wholeDigits === 0 || wholeDigits > maxWhole) return null;
  let frac = 0;
  let fracDigits = 0;
  if (i < n) {
    if (text.charCodeAt(i) !== C_DOT) return null;
    i++;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < C_0 || c > C_9) return null;
      frac = frac * 10 + (c - C_0);
      fracDigits++;
    }
    if (fracDigits === 0 || fracDigits > scale) return null;
  }
  for (let k = fracDigits; k < scale; k++) frac *= 10;
  let scaledWhole = whole;
  for (let k = 0; k < scale; k++) scaledWhole *= 10;
  const value = scaledWhole + frac;
  return neg ? -value : value;
}

/** A dollar price string → Micros (as zPrice decodes it), or null. */
export function fastPrice(v: unknown): Micros | null {
  return typeof v === 'string' ? fixed(v, 6, 9) : null;
}

/** A contract count string → Centis (as zCountFp decodes it), or null. */
export function fastCount(v: unknown): Centis | null {
  return typeof v === 'string' ? fixed(v, 2, 13) : null;
}

/** zTicker: `^[A-Za-z0-9._-]+$`. */
export function isTicker(v: unknown): v is string {
  if (typeof v !== 'string' || v.length === 0) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (
      !(
        (c >= 97 && c <= 122) || // a-z
        (c >= 65 && c <= 90) || // A-Z
        (c >= C_0 && c <= C_9) ||
        c === C_DOT ||
        c === 95 || // _
        c === C_MINUS
      )
    )
      return false;
  }
  return true;
}

/** zod 4 `z.number().int()` (safe integers only), optionally `.nonnegative()`. */
export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
export const isUint = (v: unknown): v is number => isInt(v) && v >= 0;

export type Obj = Record<string, unknown>;
export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** zod `z.string().min(1)`. */
export const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * The envelope of a private-channel frame (`fill`, `user_order`) as their schemas read it: `sid`, an
 * optional `seq`, and the msg's fields with nulls read as absent (the schemas' nullsAbsent); null when
 * it is not that type or not that shape (take the zod path).
 */
export function userEnvelope(
  raw: unknown,
  type: string,
): { sid: number; seq: number | undefined; get: (k: string) => unknown } | null {
  if (!isObject(raw) || raw['type'] !== type) return null;
  const sid = raw['sid'];
  const seq = raw['seq'];
  const m = raw['msg'];
  if (!isUint(sid) || (seq !== undefined && !isUint(seq)) || !isObject(m)) return null;
  return {
    sid,
    seq,
    get: (k) => {
      const v = m[k];
      return v === null ? undefined : v;
    },
  };
}

/** An `orderbook_delta` frame as `OrderbookDeltaSchema` parses it, or null (take the zod path). */
export function fastDelta(raw: Obj): OrderbookDelta | null {
  const sid = raw['sid'];
  const seq = raw['seq'];
  const m = raw['msg'];
  if (!isUint(sid) || !isUint(seq) || !isObject(m)) return null;
  const ticker = m['market_ticker'];
  if (!isTicker(ticker)) return null;
  const price = fastPrice(m['price_dollars']);
  if (price === null) return null;
  const delta = fastCount(m['delta_fp']);
  if (delta === null) return null;
  const side = m['side'];
  if (side !== 'yes' && side !== 'no') return null;
  // Optional fields: absent stays absent (zod omits a missing optional key); present must have the right type.
  const marketId = m['market_id'];
  const tsMs = m['ts_ms'];
  // Kalshi's usual delta (market_id and ts_ms, nothing else) in one literal: each key added to a built
  // object grew it (a property array per frame; issue #16). Same keys in the same order as below.
  if (
    typeof marketId === 'string' &&
    isInt(tsMs) &&
    m['client_order_id'] === undefined &&
    m['subaccount'] === undefined &&
    m['ts'] === undefined
  ) {
    return {
      type: 'orderbook_delta',
      sid,
      seq,
      msg: {
        market_ticker: ticker,
        price_dollars: price,
        delta_fp: delta,
        side,
        market_id: marketId,
        ts_ms: tsMs,
      },
    };
  }
  const out: OrderbookDelta['msg'] = { market_ticker: ticker, price_dollars: price, delta_fp: delta, side };
  if (marketId !== undefined) {
    if (typeof marketId !== 'string') return null;
    out.market_id = marketId;
  }
  const coid = m['client_order_id'];
  if (coid !== undefined) {
    if (typeof coid !== 'string') return null;
    out.client_order_id = coid;
  }
  const sub = m['subaccount'];
  if (sub !== undefined) {
    if (!isInt(sub)) return null;
    out.subaccount = sub;
  }
  const ts = m['ts'];
  if (ts !== undefined) {
    if (typeof ts !== 'string') return null;
    out.ts = ts;
  }
  if (tsMs !== undefined) {
    if (!isInt(tsMs)) return null;
    out.ts_ms = tsMs;
  }
  return { type: 'orderbook_delta', sid, seq, msg: out };
}

/** `[price, count]` levels as `z.array(zLevel)` parses them, or null. */
function fastLevels(v: unknown): [Micros, Centis][] | null {
  if (!Array.isArray(v)) return null;
  const out: [Micros, Centis][] = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const l: unknown = v[i];
    if (!Array.isArray(l) || l.length !== 2) return null;
    const p = fastPrice(l[0]);
    if (p === null) return null;
    const c = fastCount(l[1]);
    if (c === null) return null;
    out[i] = [p, c];
  }
  return out;
}

/** An `orderbook_snapshot` frame as `OrderbookSnapshotSchema` parses it, or null (take the zod path). */
export function fastSnapshot(raw: Obj): OrderbookSnapshot | null {
  const sid = raw['sid'];
  const seq = raw['seq'];
  const m = raw['msg'];
  if (!isUint(sid) || !isUint(seq) || !isObject(m)) return null;
  const ticker = m['market_ticker'];
  if (!isTicker(ticker)) return null;
  const out: OrderbookSnapshot['msg'] = { market_ticker: ticker };
  const marketId = m['market_id'];
  if (marketId !== undefined) {
    if (typeof marketId !== 'string') return null;
    out.market_id = marketId;
  }
  const yes = m['yes_dollars_fp'];
  if (yes !== undefined) {
    const levels = fastLevels(yes);
    if (levels === null) return null;
    out.yes_dollars_fp = levels;
  }
  const no = m['no_dollars_fp'];
  if (no !== undefined) {
    const levels = fastLevels(no);
    if (levels === null) return null;
    out.no_dollars_fp = levels;
  }
  const id = raw['id'];
  if (id !== undefined && !isUint(id)) return null;
  return id === undefined
    ? { type: 'orderbook_snapshot', sid, seq, msg: out }
    : { type: 'orderbook_snapshot', sid, seq, id, msg: out };
}

/** The hot frames through the fast path; null for every other value (the caller takes the zod path). */
export function fastBookFrame(raw: unknown): OrderbookDelta | OrderbookSnapshot | null {
  if (!isObject(raw)) return null;
  const type = raw['type'];
  if (type === 'orderbook_delta') return fastDelta(raw);
  if (type === 'orderbook_snapshot') return fastSnapshot(raw);
  return null;
}
