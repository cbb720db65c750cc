/**
 * A validated fast path for `fill` frames, as `fast-frame.ts` is for book
 * frames: the same checks as `WsFillSchema` and exactly its output, or null
 * (= "not sure", take the zod path, which keeps zod's refusal messages).
 *
 * Why a rare frame gets one (issue #16): a street trade against our quote
 * arrives as a delta, a fill and an order update in one socket read, and the
 * requote that answers it runs after all three. The fill frame was the
 * dearest of them by far — its zod parse ≈ 130 µs at the median in the
 * tick-to-quote harness (cold: ≈ 20 fills/s on a loaded machine) against
 * ≈ 10 µs for a delta — and sits on every quote change a fill causes.
 * `test/worker/kalshi/fast-fill.test.ts` proves fast ≡ zod.
 */
import type { WsFill } from '../../shared/kalshi/schemas/ws.ts';
import { fastCount, fastPrice, isId, isInt, isTicker, userEnvelope } from './fast-frame.ts';

/** A `fill` frame as `WsFillSchema` parses it, or null (take the zod path). */
export function fastFill(raw: unknown): WsFill | null {
  const env = userEnvelope(raw, 'fill');
  if (env === null) return null;
  const { sid, seq, get } = env;
  const tradeId = get('trade_id');
  const orderId = get('order_id');
  const ticker = get('market_ticker');
  const isTaker = get('is_taker');
  const outcome = get('outcome_side');
  const bookSide = get('book_side');
  if (!isId(tradeId) || !isId(orderId) || !isTicker(ticker) || typeof isTaker !== 'boolean') return null;
  if ((outcome !== 'yes' && outcome !== 'no') || (bookSide !== 'bid' && bookSide !== 'ask')) return null;
  const price = fastPrice(get('yes_price_dollars'));
  const count = fastCount(get('count_fp'));
  const fee = fastPrice(get('fee_cost'));
  if (price === null || count === null || fee === null) return null;
  const msg: WsFill['msg'] = {
    trade_id: tradeId,
    order_id: orderId,
    market_ticker: ticker,
    is_taker: isTaker,
    yes_price_dollars: price,
    count_fp: count,
    fee_cost: fee,
    outcome_side: outcome,
    book_side: bookSide,
  };
  // Optional fields: absent stays absent; present must have the right type.
  const coid = get('client_order_id');
  if (coid !== undefined) {
    if (typeof coid !== 'string') return null;
    msg.client_order_id = coid;
  }
  const post = get('post_position_fp');
  if (post !== undefined) {
    const c = fastCount(post);
    if (c === null) return null;
    msg.post_position_fp = c;
  }
  for (const k of ['exchange_index', 'ts', 'ts_ms', 'subaccount'] as const) {
    const v = get(k);
    if (v === undefined) continue;
    if (!isInt(v)) return null;
    msg[k] = v;
  }
  return seq === undefined ? { type: 'fill', sid, msg } : { type: 'fill', sid, seq, msg };
}
