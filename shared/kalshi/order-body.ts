/**
 * The create, amend, decrease and batch-cancel order bodies encoded by hand on the write path, before
 * `sign()`.
 *
 * The engine builds these requests from values already typed (branded Micros and Centis, known
 * enums), and a zod `safeEncode` of them cost tens to hundreds of µs per write on a cold path. These
 * encoders check the very constraints of `CreateOrderV2RequestSchema` / `AmendOrderV2RequestSchema`
 * with plain comparisons and emit the same wire JSON. Anything they do not accept returns null and the
 * caller falls back to the zod encoder, which names the bad field (or, if zod accepts it after all,
 * encodes it): a body refused here is never sent unchecked, and zod still decides every error's text.
 * test/shared/kalshi/order-body.test.ts holds them equal to zod on generated bodies, valid or not.
 *
 * Decreases and cancels go out before a requote's amends and creates (order-executor.ts), so a zod
 * encode of theirs (≈ 1 ms at the median in the loaded tick-to-quote harness, issue #16) delayed every
 * write of the same requote behind it.
 */
import { centisToCount, microsToDollars6, toFixedString } from '../units.ts';
import type {
  AmendOrderV2Request,
  BatchCancelOrdersV2Request,
  CreateOrderV2Request,
  DecreaseOrderV2Request,
} from './schemas/rest.ts';

type Wire = Record<string, string | number | boolean>;

const TICKER = /^[A-Za-z0-9._-]+$/;
const BOOK_SIDES = new Set(['bid', 'ask']);
const TIME_IN_FORCE = new Set(['fill_or_kill', 'good_till_canceled', 'immediate_or_cancel']);
const SELF_TRADE = new Set(['taker_at_cross', 'maker']);

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isTicker = (v: unknown): v is string => typeof v === 'string' && TICKER.test(v);
const isClientOrderId = (v: unknown): v is string =>
  typeof v === 'string' && v.length >= 1 && v.length <= 128;

/** zOrderPrice: integer Micros strictly inside (0, 1 $); 4 decimals on the grid, 6 off it (as zPrice). */
function price(v: unknown): string | null {
  if (!isInt(v) || v <= 0 || v >= 1_000_000) return null;
  return v % 100 === 0 ? toFixedString(v, 6, 4) : microsToDollars6(v);
}

/** zPositiveCount: integer Centis above zero, 2 decimals. */
function count(v: unknown): string | null {
  return isInt(v) && v > 0 ? centisToCount(v) : null;
}

/** Optional fields: absent (or undefined) passes and is left out, as zod's `.optional()` does. */
function optional(out: Wire, key: string, v: unknown, ok: (v: unknown) => boolean): boolean {
  if (v === undefined) return true;
  if (!ok(v)) return false;
  out[key] = v as string | number | boolean;
  return true;
}

const isBool = (v: unknown) => typeof v === 'boolean';
const isExchangeIndex = (v: unknown) => isInt(v) && v >= -1;

/** The wire body of a create, or null when zod must judge it (see the module note). */
export function fastCreateOrderBody(req: CreateOrderV2Request): Wire | null {
  const r = req as Record<string, unknown>;
  if (!isTicker(r.ticker)) return null;
  const out: Wire = { ticker: r.ticker };
  if (!optional(out, 'client_order_id', r.client_order_id, isClientOrderId)) return null;
  if (typeof r.side !== 'string' || !BOOK_SIDES.has(r.side)) return null;
  out.side = r.side;
  const c = count(r.count);
  if (c === null) return null;
  out.count = c;
  const p = price(r.price);
  if (p === null) return null;
  out.price = p;
  if (typeof r.time_in_force !== 'string' || !TIME_IN_FORCE.has(r.time_in_force)) return null;
  out.time_in_force = r.time_in_force;
  if (typeof r.self_trade_prevention_type !== 'string' || !SELF_TRADE.has(r.self_trade_prevention_type))
    return null;
  out.self_trade_prevention_type = r.self_trade_prevention_type;
  if (
    !optional(out, 'post_only', r.post_only, isBool) ||
    !optional(out, 'expiration_time', r.expiration_time, (v) => isInt(v) && v > 0) ||
    !optional(out, 'reduce_only', r.reduce_only, isBool) ||
    !optional(out, 'cancel_order_on_pause', r.cancel_order_on_pause, isBool) ||
    !optional(out, 'order_group_id', r.order_group_id, (v) => typeof v === 'string') ||
    !optional(out, 'subaccount', r.subaccount, (v) => isInt(v) && v >= 0) ||
    !optional(out, 'exchange_index', r.exchange_index, isExchangeIndex)
  )
    return null;
  return out;
}

/** The wire body of an amend, or null when zod must judge it (see the module note). */
export function fastAmendOrderBody(req: AmendOrderV2Request): Wire | null {
  const r = req as Record<string, unknown>;
  if (!isTicker(r.ticker)) return null;
  if (typeof r.side !== 'string' || !BOOK_SIDES.has(r.side)) return null;
  const p = price(r.price);
  const c = count(r.count);
  if (p === null || c === null) return null;
  const out: Wire = { ticker: r.ticker, side: r.side, price: p, count: c };
  if (
    !optional(out, 'client_order_id', r.client_order_id, isClientOrderId) ||
    !optional(out, 'updated_client_order_id', r.updated_client_order_id, isClientOrderId) ||
    !optional(out, 'exchange_index', r.exchange_index, isExchangeIndex)
  )
    return null;
  return out;
}

/** zCountFp with the decrease's refinements: integer Centis at or above `min`, 2 decimals. */
function countAtLeast(v: unknown, min: number): string | null {
  return isInt(v) && v >= min ? centisToCount(v) : null;
}

/** The wire body of a decrease (exactly one of reduce_by / reduce_to), or null when zod must judge it. */
export function fastDecreaseOrderBody(req: DecreaseOrderV2Request): Wire | null {
  const r = req as Record<string, unknown>;
  if ((r.reduce_by === undefined) === (r.reduce_to === undefined)) return null;
  const out: Wire = {};
  if (r.reduce_by !== undefined) {
    const c = countAtLeast(r.reduce_by, 1);
    if (c === null) return null;
    out.reduce_by = c;
  }
  if (r.reduce_to !== undefined) {
    const c = countAtLeast(r.reduce_to, 0);
    if (c === null) return null;
    out.reduce_to = c;
  }
  if (
    !optional(out, 'market_ticker', r.market_ticker, isTicker) ||
    !optional(out, 'exchange_index', r.exchange_index, isExchangeIndex)
  )
    return null;
  return out;
}

/** The wire body of a batched cancel (at least one order), or null when zod must judge it. */
export function fastBatchCancelBody(req: {
  readonly orders: readonly BatchCancelOrdersV2Request['orders'][number][];
}): { orders: Wire[] } | null {
  const list = (req as { orders?: unknown }).orders;
  if (!Array.isArray(list) || list.length === 0) return null;
  const orders: Wire[] = [];
  for (const item of list as unknown[]) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return null;
    const r = item as Record<string, unknown>;
    if (typeof r.order_id !== 'string' || r.order_id.length === 0) return null;
    const out: Wire = { order_id: r.order_id };
    if (
      !optional(out, 'market_ticker', r.market_ticker, isTicker) ||
      !optional(out, 'exchange_index', r.exchange_index, isExchangeIndex) ||
      !optional(out, 'subaccount', r.subaccount, (v) => isInt(v) && v >= 0)
    )
      return null;
    orders.push(out);
  }
  return { orders };
}
