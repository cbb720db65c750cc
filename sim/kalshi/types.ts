/**
 * The simulated exchange's domain model. Prices are Micros on the YES leg,
 * sizes Centis, times epoch milliseconds. The wire layer (rest.ts, ws.ts)
 * converts to Kalshi's strings.
 */
import type { Centis, Micros } from '../../shared/units.ts';

export type FeeType = 'quadratic' | 'quadratic_with_maker_fees' | 'quadratic_with_combo_maker_fees' | 'flat';

/** Kalshi's market status vocabulary in responses (MarketStatusEnum). */
export type MarketStatus = 'initialized' | 'inactive' | 'active' | 'closed' | 'determined' | 'finalized';

export type BookSideName = 'bid' | 'ask';
export type TimeInForce = 'fill_or_kill' | 'good_till_canceled' | 'immediate_or_cancel';
export type SelfTradePrevention = 'taker_at_cross' | 'maker';
export type OrderStatus = 'resting' | 'canceled' | 'executed';
export type UpdateReason =
  | 'Created'
  | 'Decrease'
  | 'Amend'
  | 'Cancel'
  | 'SelfTradeCancel'
  | 'ExpiryCancel'
  | 'CloseCancel'
  | 'HaltCancel'
  | 'Trade'
  | 'PostOnlyCrossCancel'
  | 'ReduceOnlyCancel'
  | 'OrderGroupCancel'
  | 'ImmediateOrCancel';

export interface PriceRange {
  start: Micros;
  end: Micros;
  step: Micros;
}

export interface SeriesDef {
  ticker: string;
  title: string;
  category?: string;
  tags?: string[];
  feeType: FeeType;
  feeMultiplier?: number;
}

export interface EventDef {
  eventTicker: string;
  seriesTicker: string;
  title: string;
  subTitle?: string;
  exchangeIndex?: number;
  mutuallyExclusive?: boolean;
  /** Game start (the milestone's start_date), epoch ms. */
  startTimeMs?: number;
  milestoneType?: string;
  competition?: string;
}

export interface SimEvent extends Required<Omit<EventDef, 'startTimeMs'>> {
  startTimeMs: number | undefined;
  milestoneId: string;
  /** Event-level fee override (Kalshi's `fee_type_override` / `fee_multiplier_override`). */
  feeTypeOverride: FeeType | undefined;
  feeMultiplierOverride: number | undefined;
  createdMs: number;
  updatedMs: number;
}

export interface MarketDef {
  ticker: string;
  eventTicker: string;
  title: string;
  yesSubTitle: string;
  noSubTitle?: string;
  subtitle?: string;
  openTimeMs: number;
  closeTimeMs: number;
  expectedExpirationMs?: number;
  priceLevelStructure?: string;
  priceRanges?: PriceRange[];
  settlementTimerSeconds?: number;
  rulesPrimary?: string;
  /** Ladder markets (spread/total): Kalshi's `strike_type` and its strike(s); absent on winner markets. */
  strike?: MarketStrike;
  /** Defaults to `initialized`; `tick(now)` activates it at `openTimeMs`. */
  status?: MarketStatus;
}

/** A ladder market's strike metadata, as Kalshi lists it (`strike_type`, `floor_strike`, `cap_strike`). */
export interface MarketStrike {
  strikeType: 'greater' | 'greater_or_equal' | 'less' | 'less_or_equal' | 'between';
  floorStrike?: number;
  capStrike?: number;
}

export interface SimMarket {
  ticker: string;
  marketId: string;
  eventTicker: string;
  title: string;
  subtitle: string;
  yesSubTitle: string;
  noSubTitle: string;
  openTimeMs: number;
  closeTimeMs: number;
  expectedExpirationMs: number;
  priceLevelStructure: string;
  priceRanges: PriceRange[];
  settlementTimerSeconds: number;
  rulesPrimary: string;
  strike: MarketStrike | undefined;
  status: MarketStatus;
  result: '' | 'yes' | 'no';
  settlementValue: Micros | undefined;
  determinedMs: number | undefined;
  settledMs: number | undefined;
  exchangeIndex: number;
  lastPrice: Micros | undefined;
  volume: Centis;
  openInterest: Centis;
  createdMs: number;
  updatedMs: number;
}

export interface OrderRequest {
  ticker: string;
  side: BookSideName;
  price: Micros;
  count: Centis;
  timeInForce: TimeInForce;
  selfTradePrevention: SelfTradePrevention;
  clientOrderId?: string;
  postOnly?: boolean;
  reduceOnly?: boolean;
  cancelOrderOnPause?: boolean;
  orderGroupId?: string;
  /** Unix seconds, good_till_canceled only. */
  expirationTime?: number;
  exchangeIndex?: number;
  subaccount?: number;
}

export interface SimOrder {
  orderId: string;
  userId: string;
  clientOrderId: string;
  ticker: string;
  side: BookSideName;
  price: Micros;
  initial: Centis;
  remaining: Centis;
  filled: Centis;
  status: OrderStatus;
  timeInForce: TimeInForce;
  selfTradePrevention: SelfTradePrevention;
  postOnly: boolean;
  reduceOnly: boolean;
  cancelOrderOnPause: boolean;
  orderGroupId: string | undefined;
  expirationMs: number | undefined;
  exchangeIndex: number;
  subaccount: number;
  createdMs: number;
  updatedMs: number;
  takerFillCost: Micros;
  makerFillCost: Micros;
  takerFees: Micros;
  makerFees: Micros;
  /** Exact fees of this order's fills, each rounded up to $0.0001 (before member-precision rounding). */
  feeAccrued: Micros;
  lastUpdateReason: UpdateReason;
}

export interface SimFill {
  fillId: string;
  orderId: string;
  clientOrderId: string;
  userId: string;
  ticker: string;
  side: BookSideName;
  /** YES price of the trade. */
  price: Micros;
  count: Centis;
  isTaker: boolean;
  fee: Micros;
  postPosition: Centis;
  exchangeIndex: number;
  subaccount: number;
  createdMs: number;
}

export interface SimTrade {
  tradeId: string;
  ticker: string;
  price: Micros;
  count: Centis;
  takerSide: BookSideName;
  createdMs: number;
}

export interface SimPosition {
  userId: string;
  ticker: string;
  eventTicker: string;
  exchangeIndex: number;
  /** Signed: + YES contracts, − NO contracts. */
  position: Centis;
  /** What the open position cost (collateral at risk). */
  costBasis: Micros;
  totalTraded: Micros;
  realizedPnl: Micros;
  feesPaid: Micros;
  /** Contracts traded in this market. */
  volume: Centis;
  updatedMs: number;
}

export interface SimOrderGroup {
  orderGroupId: string;
  userId: string;
  contractsLimit: Centis;
  exchangeIndex: number;
  /** Matched contracts inside the rolling window. */
  window: { ms: number; count: Centis }[];
  triggered: boolean;
  createdMs: number;
}

export interface SimSettlement {
  userId: string;
  ticker: string;
  eventTicker: string;
  result: 'yes' | 'no';
  position: Centis;
  revenue: Micros;
  settledMs: number;
}

/** Outcome of a placement: the order as it stands and the fills it took. */
export interface Placement {
  order: SimOrder;
  fills: SimFill[];
  /** Average fill price and fee per contract, when anything filled. */
  averageFillPrice: Micros | undefined;
  averageFeePaid: Micros | undefined;
}

export type LifecycleType =
  | 'created'
  | 'activated'
  | 'deactivated'
  | 'close_date_updated'
  | 'determined'
  | 'settled'
  | 'price_level_structure_updated'
  | 'metadata_updated';

/** Everything the WebSocket layer needs, emitted synchronously on each state change. */
export type EngineEvent =
  | {
      type: 'book_delta';
      ticker: string;
      side: BookSideName;
      price: Micros;
      delta: Centis;
      /** Whose order caused the change (taker for fills), for `client_order_id` on deltas. */
      causeUserId: string | undefined;
      causeClientOrderId: string | undefined;
      ms: number;
    }
  | { type: 'fill'; fill: SimFill }
  | { type: 'trade'; trade: SimTrade }
  | { type: 'order'; order: SimOrder }
  | { type: 'position'; position: SimPosition }
  | { type: 'lifecycle'; market: SimMarket; eventType: LifecycleType; isDeactivated?: boolean; ms: number }
  | { type: 'event_created'; event: SimEvent; ms: number }
  | { type: 'event_fee_update'; event: SimEvent; ms: number }
  | {
      type: 'order_group';
      userId: string;
      orderGroupId: string;
      eventType: 'created' | 'triggered' | 'reset' | 'deleted' | 'limit_updated';
      contractsLimit: Centis;
      ms: number;
    }
  | { type: 'exchange_status'; tradingActive: boolean; exchangeActive: boolean; ms: number };

export type EngineListener = (event: EngineEvent) => void;
