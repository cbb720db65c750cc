/**
 * A validated fast path for `user_order` frames, as `fast-fill.ts` is for
 * fills: the same checks as `UserOrderSchema` and exactly its output, or null
 * (= "not sure", take the zod path, which keeps zod's refusal messages).
 *
 * Why (issue #16): a street trade against our quote arrives as a delta, a fill
 * and an order update in one socket read, and the requote that answers it runs
 * after all three. With the delta and the fill on fast paths, the order
 * update's zod parse was the dearest step left between the frame and the
 * requote — ≈ 160 µs at the median in the loaded tick-to-quote harness.
 * `test/worker/kalshi/fast-user-order.test.ts` proves fast ≡ zod.
 */
import { LAST_UPDATE_REASONS, type UserOrder } from '../../shared/kalshi/schemas/ws.ts';
import { fastCount, fastPrice, isId, isInt, isTicker, userEnvelope } from './fast-frame.ts';

type Msg = UserOrder['msg'];
const STATUSES: ReadonlySet<unknown> = new Set(['resting', 'canceled', 'executed', 'unknown']);
/** zOpenEnum: a known reason as itself, any other string as 'unknown'. */
const REASONS: ReadonlySet<string> = new Set([...LAST_UPDATE_REASONS, 'unknown']);

const STRINGS = ['user_id', 'client_order_id', 'order_group_id', 'self_trade_prevention_type'] as const;
const INTS = [
  'exchange_index',
  'created_ts_ms',
  'last_updated_ts_ms',
  'expiration_ts_ms',
  'subaccount_number',
] as const;
const MONEY = [
  'taker_fill_cost_dollars',
  'maker_fill_cost_dollars',
  'taker_fees_dollars',
  'maker_fees_dollars',
] as const;

/** A `user_order` frame as `UserOrderSchema` parses it, or null (take the zod path). */
export function fastUserOrder(raw: unknown): UserOrder | null {
  const env = userEnvelope(raw, 'user_order');
  if (env === null) return null;
  const { sid, seq, get } = env;
  const orderId = get('order_id');
  const ticker = get('ticker');
  const status = get('status');
  const outcome = get('outcome_side');
  const bookSide = get('book_side');
  if (!isId(orderId) || !isTicker(ticker) || !STATUSES.has(status)) return null;
  if ((outcome !== 'yes' && outcome !== 'no') || (bookSide !== 'bid' && bookSide !== 'ask')) return null;
  const price = fastPrice(get('yes_price_dollars'));
  const filled = fastCount(get('fill_count_fp'));
  const remaining = fastCount(get('remaining_count_fp'));
  if (price === null || filled === null || remaining === null) return null;
  const msg: Msg = {
    order_id: orderId,
    ticker,
    status: status as Msg['status'],
    outcome_side: outcome,
    book_side: bookSide,
    yes_price_dollars: price,
    fill_count_fp: filled,
    remaining_count_fp: remaining,
  };
  // Optional fields: absent stays absent; present must have the right type.
  const out = msg as Record<string, unknown>;
  for (const k of STRINGS) {
    const v = get(k);
    if (v === undefined) continue;
    if (typeof v !== 'string') return null;
    out[k] = v;
  }
  for (const k of INTS) {
    const v = get(k);
    if (v === undefined) continue;
    if (!isInt(v)) return null;
    out[k] = v;
  }
  const initial = get('initial_count_fp');
  if (initial !== undefined) {
    const c = fastCount(initial);
    if (c === null) return null;
    msg.initial_count_fp = c;
  }
  for (const k of MONEY) {
    const v = get(k);
    if (v === undefined) continue;
    const micros = fastPrice(v);
    if (micros === null) return null;
    out[k] = micros;
  }
  const reason = get('last_update_reason');
  if (reason !== undefined) {
    if (typeof reason !== 'string') return null;
    msg.last_update_reason = (REASONS.has(reason) ? reason : 'unknown') as Msg['last_update_reason'];
  }
  return seq === undefined ? { type: 'user_order', sid, msg } : { type: 'user_order', sid, seq, msg };
}
