/**
 * Kalshi WebSocket v2 frames as zod codecs: client commands, server responses
 * and channel messages. Parsed values are internal units (prices Micros,
 * counts Centis) under the wire's field names; `z.encode(Schema, value)`
 * produces wire JSON (the simulator's side).
 *
 * `parseWsFrame(text)` is the single entry for inbound text frames: it never
 * throws and says why a frame was refused.
 */
import * as z from 'zod';
import { PriceRangesSchema } from './rest.ts';
import {
  describeZodError,
  zBookSide,
  zCountFp,
  zLevel,
  zMoney,
  zOpenEnum,
  zOutcomeSide,
  zPrice,
  zTicker,
} from './wire.ts';

export const WS_PATH = '/trade-api/ws/v2';

export const WS_CHANNELS = [
  'orderbook_delta',
  'ticker',
  'trade',
  'fill',
  'user_orders',
  'market_positions',
  'market_lifecycle_v2',
  'order_group_updates',
] as const;
export type WsChannel = (typeof WS_CHANNELS)[number];

/**
 * A message body whose optional fields may come as JSON null (Kalshi writes
 * null for empty optionals in REST bodies): null reads as absent, so a fill
 * without a client order id is a fill, not a bad frame. A null in a required
 * field is still rejected, naming the field.
 */
function nullsAbsent<T extends z.ZodType>(body: T) {
  // A codec, not a preprocess: the schemas also encode (tests re-encode the reference samples).
  return z.codec(z.unknown(), body, {
    decode: (v) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return v as z.input<T>;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = x;
      return out as z.input<T>;
    },
    encode: (v) => v,
  });
}

const zId = z.number().int().nonnegative();
const zSid = z.number().int().nonnegative();
const zSeq = z.number().int().nonnegative();

// ---------------------------------------------------------------- commands (client → server)

export const SubscribeCommandSchema = z.object({
  id: zId,
  cmd: z.literal('subscribe'),
  params: z.object({
    /** Kept as strings so an unknown channel reaches the server (which answers code 8) instead of failing here. */
    channels: z.array(z.string().min(1)).min(1),
    market_ticker: zTicker.optional(),
    market_tickers: z.array(zTicker).optional(),
    /** Orderbook only: price no-side levels on the YES scale. Always sent explicitly by our client. */
    use_yes_price: z.boolean().optional(),
    send_initial_snapshot: z.boolean().optional(),
    skip_ticker_ack: z.boolean().optional(),
  }),
});
export type SubscribeCommand = z.infer<typeof SubscribeCommandSchema>;

export const UnsubscribeCommandSchema = z.object({
  id: zId,
  cmd: z.literal('unsubscribe'),
  params: z.object({ sids: z.array(zSid).min(1) }),
});
export type UnsubscribeCommand = z.infer<typeof UnsubscribeCommandSchema>;

export const zUpdateAction = z.enum(['add_markets', 'delete_markets', 'get_snapshot']);
export type UpdateAction = z.infer<typeof zUpdateAction>;

/** Exactly one sid, as `sid` or a one-element `sids`. */
export const UpdateSubscriptionCommandSchema = z.object({
  id: zId,
  cmd: z.literal('update_subscription'),
  params: z
    .object({
      sid: zSid.optional(),
      sids: z.array(zSid).length(1).optional(),
      market_ticker: zTicker.optional(),
      market_tickers: z.array(zTicker).optional(),
      action: zUpdateAction,
    })
    .refine((p) => (p.sid === undefined) !== (p.sids === undefined), {
      message: 'exactly one of sid and sids is required',
      path: ['sid'],
    }),
});
export type UpdateSubscriptionCommand = z.infer<typeof UpdateSubscriptionCommandSchema>;

export const ListSubscriptionsCommandSchema = z.object({
  id: zId,
  cmd: z.literal('list_subscriptions'),
  params: z.object({}).optional(),
});
export type ListSubscriptionsCommand = z.infer<typeof ListSubscriptionsCommandSchema>;

export const WsCommandSchema = z.discriminatedUnion('cmd', [
  SubscribeCommandSchema,
  UnsubscribeCommandSchema,
  UpdateSubscriptionCommandSchema,
  ListSubscriptionsCommandSchema,
]);
export type WsCommand = z.infer<typeof WsCommandSchema>;

// ---------------------------------------------------------------- responses (server → client)

export const SubscribedSchema = z.object({
  id: zId.optional(),
  type: z.literal('subscribed'),
  msg: z.object({ channel: z.string(), sid: zSid }),
});
export type Subscribed = z.infer<typeof SubscribedSchema>;

export const UnsubscribedSchema = z.object({
  id: zId.optional(),
  type: z.literal('unsubscribed'),
  sid: zSid,
  seq: zSeq.optional(),
});
export type Unsubscribed = z.infer<typeof UnsubscribedSchema>;

/** `ok` answers update_subscription (market list) and list_subscriptions (array of channel/sid). */
export const OkSchema = z.object({
  id: zId.optional(),
  type: z.literal('ok'),
  sid: zSid.optional(),
  seq: zSeq.optional(),
  msg: z
    .union([
      z.array(z.object({ channel: z.string(), sid: zSid })),
      z.object({ market_tickers: z.array(z.string()).optional() }),
    ])
    .optional(),
});
export type Ok = z.infer<typeof OkSchema>;

/** Error codes of the AsyncAPI spec. 10 and 25 kill the subscription. */
export const WS_ERROR = {
  unableToProcess: 1,
  paramsRequired: 2,
  channelsRequired: 3,
  sidsRequired: 4,
  unknownCommand: 5,
  unknownSid: 7,
  unknownChannel: 8,
  authRequired: 9,
  channelError: 10,
  invalidParameter: 11,
  exactlyOneSid: 12,
  unsupportedAction: 13,
  marketTickerRequired: 14,
  actionRequired: 15,
  commandTimeout: 18,
  bufferOverflow: 25,
  marketLimitExceeded: 26,
  tooManyRequests: 27,
} as const;
export const TERMINAL_WS_ERROR_CODES: ReadonlySet<number> = new Set([
  WS_ERROR.channelError,
  WS_ERROR.bufferOverflow,
]);

export const WsErrorSchema = z.object({
  id: zId.optional(),
  type: z.literal('error'),
  sid: zSid.optional(),
  seq: zSeq.optional(),
  msg: z.object({
    code: z.number().int(),
    msg: z.string(),
    market_ticker: z.string().optional(),
    market_tickers: z.array(z.string()).optional(),
  }),
});
export type WsError = z.infer<typeof WsErrorSchema>;

// ---------------------------------------------------------------- orderbook_delta channel

/**
 * Full book of one market. Side arrays are omitted when empty. The no-side is
 * NO-leg priced unless the subscription asked `use_yes_price: true`.
 */
export const OrderbookSnapshotSchema = z.object({
  type: z.literal('orderbook_snapshot'),
  sid: zSid,
  seq: zSeq,
  /** Present when answering a get_snapshot command. */
  id: zId.optional(),
  msg: z.object({
    market_ticker: zTicker,
    market_id: z.string().optional(),
    yes_dollars_fp: z.array(zLevel).optional(),
    no_dollars_fp: z.array(zLevel).optional(),
  }),
});
export type OrderbookSnapshot = z.infer<typeof OrderbookSnapshotSchema>;

/** A signed change to one level: new size = old + delta_fp; `client_order_id` only when our order caused it. */
export const OrderbookDeltaSchema = z.object({
  type: z.literal('orderbook_delta'),
  sid: zSid,
  seq: zSeq,
  msg: nullsAbsent(
    z.object({
      market_ticker: zTicker,
      market_id: z.string().optional(),
      price_dollars: zPrice,
      delta_fp: zCountFp,
      side: zOutcomeSide,
      client_order_id: z.string().optional(),
      subaccount: z.number().int().optional(),
      ts: z.string().optional(),
      ts_ms: z.number().int().optional(),
    }),
  ),
});
export type OrderbookDelta = z.infer<typeof OrderbookDeltaSchema>;

// ---------------------------------------------------------------- private channels (no seq)

export const WsFillSchema = z.object({
  type: z.literal('fill'),
  sid: zSid,
  seq: zSeq.optional(),
  msg: nullsAbsent(
    z.object({
      trade_id: z.string().min(1),
      order_id: z.string().min(1),
      client_order_id: z.string().optional(),
      market_ticker: zTicker,
      exchange_index: z.number().int().optional(),
      is_taker: z.boolean(),
      yes_price_dollars: zPrice,
      count_fp: zCountFp,
      fee_cost: zMoney,
      outcome_side: zOutcomeSide,
      book_side: zBookSide,
      /** Our signed position in the market after this fill (Centis). */
      post_position_fp: zCountFp.optional(),
      ts: z.number().int().optional(),
      ts_ms: z.number().int().optional(),
      subaccount: z.number().int().optional(),
    }),
  ),
});
export type WsFill = z.infer<typeof WsFillSchema>;

export const zUserOrderStatus = z.enum(['resting', 'canceled', 'executed', 'unknown']);
export const LAST_UPDATE_REASONS = [
  'Decrease',
  'Amend',
  'MarginCancel',
  'SelfTradeCancel',
  'ExpiryCancel',
  'CloseCancel',
  'HaltCancel',
  'Trade',
  'PostOnlyCrossCancel',
  'ReduceOnlyCancel',
] as const;

export const UserOrderSchema = z.object({
  type: z.literal('user_order'),
  sid: zSid,
  seq: zSeq.optional(),
  msg: nullsAbsent(
    z.object({
      order_id: z.string().min(1),
      user_id: z.string().optional(),
      ticker: zTicker,
      exchange_index: z.number().int().optional(),
      status: zUserOrderStatus,
      outcome_side: zOutcomeSide,
      book_side: zBookSide,
      yes_price_dollars: zPrice,
      fill_count_fp: zCountFp,
      remaining_count_fp: zCountFp,
      initial_count_fp: zCountFp.optional(),
      taker_fill_cost_dollars: zMoney.optional(),
      maker_fill_cost_dollars: zMoney.optional(),
      taker_fees_dollars: zMoney.optional(),
      maker_fees_dollars: zMoney.optional(),
      client_order_id: z.string().optional(),
      order_group_id: z.string().nullish(),
      self_trade_prevention_type: z.string().optional(),
      created_ts_ms: z.number().int().optional(),
      last_updated_ts_ms: z.number().int().optional(),
      expiration_ts_ms: z.number().int().nullish(),
      last_update_reason: zOpenEnum(LAST_UPDATE_REASONS).optional(),
      subaccount_number: z.number().int().optional(),
    }),
  ),
});
export type UserOrder = z.infer<typeof UserOrderSchema>;

export const MarketPositionMsgSchema = z.object({
  type: z.literal('market_position'),
  sid: zSid,
  seq: zSeq.optional(),
  msg: nullsAbsent(
    z.object({
      market_ticker: zTicker,
      /** Signed: positive YES, negative NO (Centis). */
      position_fp: zCountFp,
      position_cost_dollars: zMoney.optional(),
      realized_pnl_dollars: zMoney.optional(),
      fees_paid_dollars: zMoney.optional(),
      volume_fp: zCountFp.optional(),
      exchange_index: z.number().int().optional(),
      subaccount: z.number().int().optional(),
    }),
  ),
});
export type MarketPositionMsg = z.infer<typeof MarketPositionMsgSchema>;

// ---------------------------------------------------------------- lifecycle and order groups

export const LIFECYCLE_EVENT_TYPES = [
  'created',
  'activated',
  'deactivated',
  'close_date_updated',
  'determined',
  'settled',
  'price_level_structure_updated',
  'metadata_updated',
] as const;

export const MarketLifecycleSchema = z.object({
  type: z.literal('market_lifecycle_v2'),
  sid: zSid,
  seq: zSeq.optional(),
  msg: nullsAbsent(
    z.object({
      market_ticker: zTicker,
      event_type: zOpenEnum(LIFECYCLE_EVENT_TYPES),
      exchange_index: z.number().int().optional(),
      /** Unix seconds. */
      open_ts: z.number().int().optional(),
      close_ts: z.number().int().optional(),
      determination_ts: z.number().int().optional(),
      settled_ts: z.number().int().optional(),
      result: z.string().optional(),
      settlement_value: zPrice.optional(),
      /** Pause flag for an open market. */
      is_deactivated: z.boolean().optional(),
      price_level_structure: z.string().optional(),
      price_ranges: PriceRangesSchema.optional(),
      additional_metadata: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});
export type MarketLifecycle = z.infer<typeof MarketLifecycleSchema>;

export const EventLifecycleSchema = z.object({
  type: z.literal('event_lifecycle'),
  sid: zSid,
  seq: zSeq.optional(),
  msg: z.object({
    event_ticker: z.string(),
    series_ticker: z.string().optional(),
    title: z.string().optional(),
    sub_title: z.string().optional(),
    exchange_index: z.number().int().optional(),
    collateral_return_type: z.string().optional(),
  }),
});
export type EventLifecycle = z.infer<typeof EventLifecycleSchema>;

export const OrderGroupUpdateSchema = z.object({
  type: z.literal('order_group_updates'),
  sid: zSid,
  seq: zSeq.optional(),
  msg: z.object({
    event_type: zOpenEnum(['created', 'triggered', 'reset', 'deleted', 'limit_updated'] as const),
    order_group_id: z.string().min(1),
    contracts_limit_fp: zCountFp.optional(),
  }),
});
export type OrderGroupUpdate = z.infer<typeof OrderGroupUpdateSchema>;

// ---------------------------------------------------------------- public market data

export const TickerSchema = z.object({
  type: z.literal('ticker'),
  sid: zSid,
  seq: zSeq.optional(),
  msg: z.object({
    market_ticker: zTicker,
    market_id: z.string().optional(),
    price_dollars: zPrice.optional(),
    yes_bid_dollars: zPrice.optional(),
    yes_ask_dollars: zPrice.optional(),
    yes_bid_size_fp: zCountFp.optional(),
    yes_ask_size_fp: zCountFp.optional(),
    last_trade_size_fp: zCountFp.optional(),
    volume_fp: zCountFp.optional(),
    open_interest_fp: zCountFp.optional(),
    dollar_volume: z.number().optional(),
    dollar_open_interest: z.number().optional(),
    ts: z.number().int().optional(),
    ts_ms: z.number().int().optional(),
    time: z.string().optional(),
  }),
});
export type Ticker = z.infer<typeof TickerSchema>;

export const TradeSchema = z.object({
  type: z.literal('trade'),
  sid: zSid,
  seq: zSeq.optional(),
  msg: z.object({
    trade_id: z.string().min(1),
    market_ticker: zTicker,
    yes_price_dollars: zPrice,
    no_price_dollars: zPrice.optional(),
    count_fp: zCountFp,
    taker_outcome_side: zOutcomeSide.optional(),
    taker_book_side: zBookSide.optional(),
    taker_side: z.string().optional(),
    is_block_trade: z.boolean().optional(),
    ts: z.number().int().optional(),
    ts_ms: z.number().int().optional(),
  }),
});
export type Trade = z.infer<typeof TradeSchema>;

// ---------------------------------------------------------------- inbound union

export const WsInboundSchema = z.discriminatedUnion('type', [
  SubscribedSchema,
  UnsubscribedSchema,
  OkSchema,
  WsErrorSchema,
  OrderbookSnapshotSchema,
  OrderbookDeltaSchema,
  WsFillSchema,
  UserOrderSchema,
  MarketPositionMsgSchema,
  MarketLifecycleSchema,
  EventLifecycleSchema,
  OrderGroupUpdateSchema,
  TickerSchema,
  TradeSchema,
]);
export type WsInbound = z.infer<typeof WsInboundSchema>;
export type WsInboundType = WsInbound['type'];

const INBOUND_TYPES: ReadonlySet<string> = new Set(WsInboundSchema.options.map((o) => o.shape.type.value));

/** Why a frame was refused: not JSON, a type we do not model, or a known type with a bad shape. */
export type WsFrameRejection = 'bad_json' | 'unknown_type' | 'bad_shape';

export type ParsedWsFrame =
  | { ok: true; msg: WsInbound }
  | { ok: false; reason: WsFrameRejection; error: string; type?: string };

/** Parses one inbound text frame. Never throws; the error names the field at fault. */
export function parseWsFrame(text: string): ParsedWsFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'bad_json', error: 'frame is not JSON' };
  }
  return parseWsValue(raw);
}

/** As `parseWsFrame` for an already-decoded JSON value. */
export function parseWsValue(raw: unknown): ParsedWsFrame {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: 'bad_shape', error: '(root): frame is not a JSON object' };
  }
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string')
    return { ok: false, reason: 'bad_shape', error: 'type: missing or not a string' };
  if (!INBOUND_TYPES.has(type))
    return { ok: false, reason: 'unknown_type', error: `unknown type: ${type.slice(0, 40)}`, type };
  const parsed = WsInboundSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'bad_shape', error: describeZodError(parsed.error), type };
  return { ok: true, msg: parsed.data };
}
