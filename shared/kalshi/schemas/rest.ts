/**
 * Kalshi Trade API v2 REST bodies (requests and responses) as zod codecs.
 *
 * Parsed values are internal units under the wire's field names: every
 * `*_dollars` / price field holds integer Micros, every `*_fp` / count field
 * integer Centis, ISO times epoch milliseconds, legacy cent fields Micros.
 * `z.encode(Schema, value)` (or `toWire`) produces the wire JSON again.
 * Unknown fields are stripped; missing required fields and wrong types are
 * rejected with the field's path in the error.
 */
import * as z from 'zod';
import {
  zBookSide,
  zCentsInt,
  zCountFp,
  zIsoMs,
  zIsoMsOrNull,
  zLevel,
  zMoney,
  zOpenEnum,
  zOutcomeSide,
  zPrice,
  zTicker,
} from './wire.ts';

const zCursor = z.string().nullish();
const zExchangeIndex = z.number().int().min(-1);

// ---------------------------------------------------------------- errors

/** Kalshi's `ErrorResponse` (all fields optional). */
export const ErrorBodySchema = z.object({
  code: z.string().nullish(),
  message: z.string().nullish(),
  details: z.string().nullish(),
  service: z.string().nullish(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Error bodies arrive flat, nested under `error`, or as `{"error": "plain text"}` (429). */
export const ApiErrorResponseSchema = z.union([
  z.object({ error: z.union([ErrorBodySchema, z.string()]) }),
  ErrorBodySchema,
]);
export type ApiErrorResponse = z.infer<typeof ApiErrorResponseSchema>;

export interface ApiError {
  code: string | null;
  message: string | null;
  details: string | null;
}

/** Any error body (or non-JSON text) → one normalised shape. Never throws. */
export function normalizeApiError(body: unknown): ApiError {
  if (typeof body === 'string') return { code: null, message: body.slice(0, 200) || null, details: null };
  const parsed = ApiErrorResponseSchema.safeParse(body);
  if (!parsed.success) return { code: null, message: null, details: null };
  const v = parsed.data;
  if ('error' in v && v.error !== undefined) {
    if (typeof v.error === 'string') return { code: null, message: v.error, details: null };
    return { code: v.error.code ?? null, message: v.error.message ?? null, details: v.error.details ?? null };
  }
  const flat = v as ErrorBody;
  return { code: flat.code ?? null, message: flat.message ?? null, details: flat.details ?? null };
}

// ---------------------------------------------------------------- exchange

export const ExchangeIndexStatusSchema = z.object({
  exchange_index: z.number().int(),
  description: z.string().nullish(),
  exchange_active: z.boolean(),
  trading_active: z.boolean(),
  intra_exchange_transfers_active: z.boolean().nullish(),
});
export const ExchangeStatusSchema = z.object({
  exchange_active: z.boolean(),
  trading_active: z.boolean(),
  exchange_estimated_resume_time: zIsoMsOrNull.optional(),
  intra_exchange_transfers_active: z.boolean().nullish(),
  exchange_index_statuses: z.array(ExchangeIndexStatusSchema).nullish(),
});
export type ExchangeStatus = z.infer<typeof ExchangeStatusSchema>;

// ---------------------------------------------------------------- series

export const FEE_TYPES = [
  'quadratic',
  'quadratic_with_maker_fees',
  'quadratic_with_combo_maker_fees',
  'flat',
] as const;
export const zFeeType = zOpenEnum(FEE_TYPES);
export type FeeType = z.infer<typeof zFeeType>;

const SettlementSourceSchema = z.object({ name: z.string().nullish(), url: z.string().nullish() });

export const SeriesSchema = z.object({
  ticker: z.string(),
  title: z.string().nullish(),
  category: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  frequency: z.string().nullish(),
  fee_type: zFeeType,
  /** A dimensionless multiplier (e.g. 0.5), not money. */
  fee_multiplier: z.number().nonnegative(),
  settlement_sources: z.array(SettlementSourceSchema).nullish(),
  exchange_index: zExchangeIndex.nullish(),
});
export type Series = z.infer<typeof SeriesSchema>;
export const GetSeriesResponseSchema = z.object({ series: SeriesSchema });
export type GetSeriesResponse = z.infer<typeof GetSeriesResponseSchema>;

// ---------------------------------------------------------------- markets

/** One band of a market's tick grid: prices in [start, end] are multiples of `step` (all Micros). */
export const PriceRangeSchema = z
  .object({ start: zPrice, end: zPrice, step: zPrice })
  .refine((r) => r.step > 0, {
    message: 'price range step must be positive',
    path: ['step'],
  });
export type PriceRange = z.infer<typeof PriceRangeSchema>;
export const PriceRangesSchema = z.array(PriceRangeSchema);

export const MARKET_STATUSES = [
  'initialized',
  'inactive',
  'active',
  'closed',
  'determined',
  'disputed',
  'amended',
  'finalized',
] as const;
/** Market status as objects report it (filters use another vocabulary); an unknown value reads `'unknown'` (not tradable). */
export const zMarketStatus = zOpenEnum(MARKET_STATUSES);
export type MarketStatus = z.infer<typeof zMarketStatus>;

/** The SDK's MarketStrikeTypeEnum. */
export const STRIKE_TYPES = [
  'greater',
  'greater_or_equal',
  'less',
  'less_or_equal',
  'between',
  'functional',
  'custom',
  'structured',
] as const;

export const zMarketResult = zOpenEnum(['yes', 'no', 'scalar', ''] as const);

export const MarketSchema = z.object({
  ticker: zTicker,
  event_ticker: z.string(),
  market_type: zOpenEnum(['binary', 'scalar'] as const).nullish(),
  title: z.string().nullish(),
  subtitle: z.string().nullish(),
  yes_sub_title: z.string().nullish(),
  no_sub_title: z.string().nullish(),
  status: zMarketStatus,
  open_time: zIsoMsOrNull.optional(),
  close_time: zIsoMsOrNull.optional(),
  expected_expiration_time: zIsoMsOrNull.optional(),
  expiration_time: zIsoMsOrNull.optional(),
  latest_expiration_time: zIsoMsOrNull.optional(),
  occurrence_datetime: zIsoMsOrNull.optional(),
  settlement_timer_seconds: z.number().int().nullish(),
  can_close_early: z.boolean().nullish(),
  yes_bid_dollars: zPrice.nullish(),
  yes_bid_size_fp: zCountFp.nullish(),
  yes_ask_dollars: zPrice.nullish(),
  yes_ask_size_fp: zCountFp.nullish(),
  no_bid_dollars: zPrice.nullish(),
  no_ask_dollars: zPrice.nullish(),
  last_price_dollars: zPrice.nullish(),
  volume_fp: zCountFp.nullish(),
  volume_24h_fp: zCountFp.nullish(),
  open_interest_fp: zCountFp.nullish(),
  notional_value_dollars: zMoney.nullish(),
  result: zMarketResult.nullish(),
  settlement_value_dollars: zPrice.nullish(),
  settlement_ts: zIsoMsOrNull.optional(),
  rules_primary: z.string().nullish(),
  rules_secondary: z.string().nullish(),
  price_level_structure: z.string().nullish(),
  /** The tick grid. Absent means "not told": callers must not assume 1¢ silently. */
  price_ranges: PriceRangesSchema.nullish(),
  fee_waiver_expiration_time: zIsoMsOrNull.optional(),
  is_provisional: z.boolean().nullish(),
  exchange_index: zExchangeIndex.nullish(),
  /** How the strike is evaluated (spread/total ladders); see shared/mapping/strikes.ts. */
  strike_type: zOpenEnum(STRIKE_TYPES).nullish(),
  /** Minimum expiration value that settles YES. Kept raw (number, or a string should Kalshi move it to fixed point): a bad strike unmaps one ladder market, it must not reject the market object. */
  floor_strike: z.union([z.number(), z.string()]).nullish(),
  /** Maximum expiration value that settles YES (raw, as floor_strike). */
  cap_strike: z.union([z.number(), z.string()]).nullish(),
});
export type Market = z.infer<typeof MarketSchema>;

export const GetMarketsResponseSchema = z.object({ markets: z.array(MarketSchema), cursor: zCursor });
export type GetMarketsResponse = z.infer<typeof GetMarketsResponseSchema>;
export const GetMarketResponseSchema = z.object({ market: MarketSchema });
export type GetMarketResponse = z.infer<typeof GetMarketResponseSchema>;

// ---------------------------------------------------------------- events and milestones

export const EventSchema = z.object({
  event_ticker: z.string(),
  series_ticker: z.string(),
  title: z.string().nullish(),
  sub_title: z.string().nullish(),
  mutually_exclusive: z.boolean().nullish(),
  /** Present with `with_nested_markets=true`. */
  markets: z.array(MarketSchema).nullish(),
  fee_type_override: zFeeType.nullish(),
  fee_multiplier_override: z.number().nonnegative().nullish(),
  exchange_index: zExchangeIndex.nullish(),
  last_updated_ts: zIsoMsOrNull.optional(),
});
export type KalshiEvent = z.infer<typeof EventSchema>;

export const MilestoneSchema = z.object({
  id: z.string(),
  category: z.string().nullish(),
  type: z.string().nullish(),
  /** Game start (epoch ms): the best start-time source Kalshi offers. */
  start_date: zIsoMs,
  end_date: zIsoMsOrNull.optional(),
  related_event_tickers: z.array(z.string()).nullish(),
  primary_event_tickers: z.array(z.string()).nullish(),
  title: z.string().nullish(),
  details: z.record(z.string(), z.unknown()).nullish(),
  last_updated_ts: zIsoMsOrNull.optional(),
});
export type Milestone = z.infer<typeof MilestoneSchema>;

export const GetEventsResponseSchema = z.object({
  events: z.array(EventSchema),
  milestones: z.array(MilestoneSchema).nullish(),
  cursor: zCursor,
});
export type GetEventsResponse = z.infer<typeof GetEventsResponseSchema>;
export const GetEventResponseSchema = z.object({
  event: EventSchema,
  markets: z.array(MarketSchema).nullish(),
});
export type GetEventResponse = z.infer<typeof GetEventResponseSchema>;

// ---------------------------------------------------------------- order book

/** REST book: bids only. `yes_dollars` are YES bids, `no_dollars` NO bids (NO-leg prices). Order not guaranteed. */
export const OrderbookFpSchema = z.object({
  yes_dollars: z.array(zLevel).nullish(),
  no_dollars: z.array(zLevel).nullish(),
});
export type OrderbookFp = z.infer<typeof OrderbookFpSchema>;
export const GetOrderbookResponseSchema = z.object({ orderbook_fp: OrderbookFpSchema });
export type GetOrderbookResponse = z.infer<typeof GetOrderbookResponseSchema>;
export const GetOrderbooksResponseSchema = z.object({
  orderbooks: z.array(z.object({ ticker: zTicker, orderbook_fp: OrderbookFpSchema })),
});
export type GetOrderbooksResponse = z.infer<typeof GetOrderbooksResponseSchema>;

// ---------------------------------------------------------------- V2 order writes

export const zTimeInForce = z.enum(['fill_or_kill', 'good_till_canceled', 'immediate_or_cancel']);
export type TimeInForce = z.infer<typeof zTimeInForce>;
export const zSelfTradePrevention = z.enum(['taker_at_cross', 'maker']);
export type SelfTradePrevention = z.infer<typeof zSelfTradePrevention>;

const zOrderPrice = zPrice.refine(
  (p) => p > 0 && p < 1_000_000,
  'price must lie strictly between 0 and 1 dollar',
);
const zPositiveCount = zCountFp.refine((c) => c > 0, 'count must be positive');
const zClientOrderId = z.string().min(1).max(128);

/** Body of `POST /portfolio/events/orders` (and each item of the batch). */
export const CreateOrderV2RequestSchema = z.object({
  ticker: zTicker,
  client_order_id: zClientOrderId.optional(),
  side: zBookSide,
  count: zPositiveCount,
  price: zOrderPrice,
  time_in_force: zTimeInForce,
  self_trade_prevention_type: zSelfTradePrevention,
  post_only: z.boolean().optional(),
  /** Unix seconds; only with good_till_canceled. */
  expiration_time: z.number().int().positive().optional(),
  reduce_only: z.boolean().optional(),
  cancel_order_on_pause: z.boolean().optional(),
  order_group_id: z.string().optional(),
  subaccount: z.number().int().nonnegative().optional(),
  exchange_index: zExchangeIndex.optional(),
});
export type CreateOrderV2Request = z.infer<typeof CreateOrderV2RequestSchema>;

export const CreateOrderV2ResponseSchema = z.object({
  order_id: z.string().min(1),
  client_order_id: z.string().nullish(),
  fill_count: zCountFp,
  remaining_count: zCountFp,
  average_fill_price: zPrice.nullish(),
  average_fee_paid: zMoney.nullish(),
  ts_ms: z.number().int().nullish(),
});
export type CreateOrderV2Response = z.infer<typeof CreateOrderV2ResponseSchema>;

export const BatchCreateOrdersV2RequestSchema = z.object({
  orders: z.array(CreateOrderV2RequestSchema).min(1),
});
export type BatchCreateOrdersV2Request = z.infer<typeof BatchCreateOrdersV2RequestSchema>;

/** A per-item failure inside a batch response (checked first: an item carrying `error` failed). */
export const BatchItemErrorSchema = z.object({
  order_id: z.string().nullish(),
  client_order_id: z.string().nullish(),
  error: ErrorBodySchema,
});
export type BatchItemError = z.infer<typeof BatchItemErrorSchema>;

export const BatchCreateOrdersV2ResponseSchema = z.object({
  orders: z.array(z.union([BatchItemErrorSchema, CreateOrderV2ResponseSchema])),
});
export type BatchCreateOrdersV2Response = z.infer<typeof BatchCreateOrdersV2ResponseSchema>;

/** `DELETE /portfolio/events/orders/{order_id}` response. `reduced_by` 0 means nothing was cancelled. */
export const CancelOrderV2ResponseSchema = z.object({
  order_id: z.string().min(1),
  client_order_id: z.string().nullish(),
  reduced_by: zCountFp,
  ts_ms: z.number().int().nullish(),
});
export type CancelOrderV2Response = z.infer<typeof CancelOrderV2ResponseSchema>;

export const BatchCancelOrdersV2RequestSchema = z.object({
  orders: z
    .array(
      z.object({
        order_id: z.string().min(1),
        market_ticker: zTicker.optional(),
        exchange_index: zExchangeIndex.optional(),
        subaccount: z.number().int().nonnegative().optional(),
      }),
    )
    .min(1),
});
export type BatchCancelOrdersV2Request = z.infer<typeof BatchCancelOrdersV2RequestSchema>;
export const BatchCancelOrdersV2ResponseSchema = z.object({
  orders: z.array(z.union([BatchItemErrorSchema, CancelOrderV2ResponseSchema])),
});
export type BatchCancelOrdersV2Response = z.infer<typeof BatchCancelOrdersV2ResponseSchema>;

/** `POST /portfolio/events/orders/{id}/amend`: `count` is the new TOTAL (filled + desired remaining). */
export const AmendOrderV2RequestSchema = z.object({
  ticker: zTicker,
  side: zBookSide,
  price: zOrderPrice,
  count: zPositiveCount,
  client_order_id: zClientOrderId.optional(),
  updated_client_order_id: zClientOrderId.optional(),
  exchange_index: zExchangeIndex.optional(),
});
export type AmendOrderV2Request = z.infer<typeof AmendOrderV2RequestSchema>;
export const AmendOrderV2ResponseSchema = z.object({
  order_id: z.string().min(1),
  client_order_id: z.string().nullish(),
  remaining_count: zCountFp.nullish(),
  fill_count: zCountFp.nullish(),
  average_fill_price: zPrice.nullish(),
  average_fee_paid: zMoney.nullish(),
  ts_ms: z.number().int().nullish(),
});
export type AmendOrderV2Response = z.infer<typeof AmendOrderV2ResponseSchema>;

/** `POST /portfolio/events/orders/{id}/decrease`: exactly one of reduce_by / reduce_to. */
export const DecreaseOrderV2RequestSchema = z
  .object({
    reduce_by: zPositiveCount.optional(),
    reduce_to: zCountFp.refine((c) => c >= 0, 'reduce_to must not be negative').optional(),
    market_ticker: zTicker.optional(),
    exchange_index: zExchangeIndex.optional(),
  })
  .refine((r) => (r.reduce_by === undefined) !== (r.reduce_to === undefined), {
    message: 'exactly one of reduce_by and reduce_to is required',
    path: ['reduce_by'],
  });
export type DecreaseOrderV2Request = z.infer<typeof DecreaseOrderV2RequestSchema>;
export const DecreaseOrderV2ResponseSchema = z.object({
  order_id: z.string().min(1),
  client_order_id: z.string().nullish(),
  remaining_count: zCountFp,
  ts_ms: z.number().int().nullish(),
});
export type DecreaseOrderV2Response = z.infer<typeof DecreaseOrderV2ResponseSchema>;

// ---------------------------------------------------------------- order reads

export const zOrderStatus = z.enum(['resting', 'canceled', 'executed']);
export type OrderStatus = z.infer<typeof zOrderStatus>;

export const OrderSchema = z.object({
  order_id: z.string().min(1),
  user_id: z.string().nullish(),
  client_order_id: z.string().nullish(),
  ticker: zTicker,
  outcome_side: zOutcomeSide,
  book_side: zBookSide,
  type: z.string().nullish(),
  status: zOrderStatus,
  /** Always the YES-leg price, whatever the side. */
  yes_price_dollars: zPrice,
  no_price_dollars: zPrice.nullish(),
  fill_count_fp: zCountFp,
  remaining_count_fp: zCountFp,
  initial_count_fp: zCountFp.nullish(),
  taker_fill_cost_dollars: zMoney.nullish(),
  maker_fill_cost_dollars: zMoney.nullish(),
  taker_fees_dollars: zMoney.nullish(),
  maker_fees_dollars: zMoney.nullish(),
  expiration_time: zIsoMsOrNull.optional(),
  created_time: zIsoMsOrNull.optional(),
  last_update_time: zIsoMsOrNull.optional(),
  self_trade_prevention_type: zSelfTradePrevention.nullish(),
  order_group_id: z.string().nullish(),
  cancel_order_on_pause: z.boolean().nullish(),
  subaccount_number: z.number().int().nullish(),
  exchange_index: zExchangeIndex.nullish(),
});
export type Order = z.infer<typeof OrderSchema>;
export const GetOrdersResponseSchema = z.object({ orders: z.array(OrderSchema), cursor: zCursor });
export type GetOrdersResponse = z.infer<typeof GetOrdersResponseSchema>;
export const GetOrderResponseSchema = z.object({ order: OrderSchema });
export type GetOrderResponse = z.infer<typeof GetOrderResponseSchema>;

// ---------------------------------------------------------------- fills, positions, balance

export const FillSchema = z.object({
  fill_id: z.string().min(1),
  trade_id: z.string().nullish(),
  order_id: z.string().min(1),
  client_order_id: z.string().nullish(),
  ticker: zTicker,
  outcome_side: zOutcomeSide,
  book_side: zBookSide,
  count_fp: zCountFp,
  yes_price_dollars: zPrice,
  no_price_dollars: zPrice.nullish(),
  is_taker: z.boolean(),
  /** Truth for fees paid on this fill. */
  fee_cost: zMoney,
  created_time: zIsoMsOrNull.optional(),
  /** Unix seconds (legacy). */
  ts: z.number().int().nullish(),
  subaccount_number: z.number().int().nullish(),
  exchange_index: zExchangeIndex.nullish(),
});
export type Fill = z.infer<typeof FillSchema>;
export const GetFillsResponseSchema = z.object({ fills: z.array(FillSchema), cursor: zCursor });
export type GetFillsResponse = z.infer<typeof GetFillsResponseSchema>;

export const MarketPositionSchema = z.object({
  ticker: zTicker,
  /** Signed: positive = YES contracts held, negative = NO contracts. */
  position_fp: zCountFp,
  market_exposure_dollars: zMoney.nullish(),
  total_traded_dollars: zMoney.nullish(),
  realized_pnl_dollars: zMoney.nullish(),
  fees_paid_dollars: zMoney.nullish(),
  resting_orders_count: z.number().int().nullish(),
  last_updated_ts: zIsoMsOrNull.optional(),
  exchange_index: zExchangeIndex.nullish(),
});
export type MarketPosition = z.infer<typeof MarketPositionSchema>;
export const EventPositionSchema = z.object({
  event_ticker: z.string(),
  total_cost_dollars: zMoney.nullish(),
  total_cost_shares_fp: zCountFp.nullish(),
  event_exposure_dollars: zMoney.nullish(),
  realized_pnl_dollars: zMoney.nullish(),
  fees_paid_dollars: zMoney.nullish(),
});
export type EventPosition = z.infer<typeof EventPositionSchema>;
export const GetPositionsResponseSchema = z.object({
  market_positions: z.array(MarketPositionSchema).nullish(),
  event_positions: z.array(EventPositionSchema).nullish(),
  cursor: zCursor,
});
export type GetPositionsResponse = z.infer<typeof GetPositionsResponseSchema>;

/** One market's settlement of our position (`/portfolio/settlements`). */
export const SettlementSchema = z.object({
  ticker: zTicker,
  event_ticker: z.string().min(1),
  /** "yes", "no", or another result Kalshi may add ("scalar", "void"…). */
  market_result: z.string().min(1),
  yes_count_fp: zCountFp.nullish(),
  no_count_fp: zCountFp.nullish(),
  /** What Kalshi paid, legacy integer cents on the wire, Micros here. */
  revenue: zCentsInt,
  /** What one YES contract paid, integer cents on the wire, Micros here; absent: from the result. */
  value: zCentsInt.nullish(),
  settled_time: zIsoMs,
  fee_cost: zMoney.nullish(),
});
export type Settlement = z.infer<typeof SettlementSchema>;
export const GetSettlementsResponseSchema = z.object({
  settlements: z.array(SettlementSchema).nullish(),
  cursor: zCursor,
});

export const GetBalanceResponseSchema = z.object({
  /** Legacy integer cents on the wire (truncated), Micros here; prefer `balance_dollars`. */
  balance: zCentsInt,
  balance_dollars: zMoney.nullish(),
  portfolio_value: zCentsInt.nullish(),
  updated_ts: z.number().int().nullish(),
  balance_breakdown: z.array(z.object({ exchange_index: z.number().int(), balance: zMoney })).nullish(),
});
export type GetBalanceResponse = z.infer<typeof GetBalanceResponseSchema>;

// ---------------------------------------------------------------- account limits

export const BucketLimitSchema = z.object({
  /** Tokens per second. */
  refill_rate: z.number().positive(),
  bucket_capacity: z.number().positive(),
});
export type BucketLimit = z.infer<typeof BucketLimitSchema>;
export const GetAccountLimitsResponseSchema = z.object({
  usage_tier: z.string(),
  read: BucketLimitSchema,
  write: BucketLimitSchema,
  grants: z.array(z.unknown()).nullish(),
});
export type GetAccountLimitsResponse = z.infer<typeof GetAccountLimitsResponseSchema>;

export const EndpointCostSchema = z.object({
  method: z.string(),
  path: z.string(),
  cost: z.number().int().nonnegative(),
});
export type EndpointCost = z.infer<typeof EndpointCostSchema>;
export const GetEndpointCostsResponseSchema = z.object({
  default_cost: z.number().int().nonnegative(),
  endpoint_costs: z.array(EndpointCostSchema),
});
export type GetEndpointCostsResponse = z.infer<typeof GetEndpointCostsResponseSchema>;

// ---------------------------------------------------------------- order groups

export const CreateOrderGroupRequestSchema = z.object({
  contracts_limit: z.number().int().positive().optional(),
  contracts_limit_fp: zPositiveCount.optional(),
  subaccount: z.number().int().nonnegative().optional(),
  exchange_index: zExchangeIndex.optional(),
});
export type CreateOrderGroupRequest = z.infer<typeof CreateOrderGroupRequestSchema>;
export const SetOrderGroupLimitRequestSchema = z.object({ contracts_limit_fp: zPositiveCount });
export const CreateOrderGroupResponseSchema = z.object({
  order_group_id: z.string().min(1),
  subaccount: z.number().int().nullish(),
  exchange_index: zExchangeIndex.nullish(),
});
export type CreateOrderGroupResponse = z.infer<typeof CreateOrderGroupResponseSchema>;
export const GetOrderGroupResponseSchema = z.object({
  is_auto_cancel_enabled: z.boolean(),
  contracts_limit_fp: zCountFp.nullish(),
  orders: z.array(z.string()).nullish(),
  exchange_index: zExchangeIndex.nullish(),
});
export type GetOrderGroupResponse = z.infer<typeof GetOrderGroupResponseSchema>;
export const OrderGroupSchema = z.object({
  id: z.string().min(1),
  contracts_limit_fp: zCountFp.nullish(),
  is_auto_cancel_enabled: z.boolean(),
  exchange_index: zExchangeIndex.nullish(),
});
export type OrderGroup = z.infer<typeof OrderGroupSchema>;
export const GetOrderGroupsResponseSchema = z.object({ order_groups: z.array(OrderGroupSchema).nullish() });
export type GetOrderGroupsResponse = z.infer<typeof GetOrderGroupsResponseSchema>;
/** Trigger / reset / limit / delete answer with an empty object. */
export const EmptyResponseSchema = z.object({});
