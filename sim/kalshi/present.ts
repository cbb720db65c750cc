/**
 * Engine state → Kalshi wire JSON (REST bodies and WebSocket payloads), with
 * the field names, fixed-point strings and legacy fields Kalshi emits today.
 */
import {
  type Centis,
  centisToCount,
  type Micros,
  microsToDollars6,
  toFixedString,
} from '../../shared/units.ts';
import type { KalshiEngine } from './engine.ts';
import type {
  SimEvent,
  SimFill,
  SimMarket,
  SimOrder,
  SimPosition,
  SimSettlement,
  SimTrade,
} from './types.ts';

const ONE = 1_000_000;

/** A price as Kalshi prints it: 4 decimals when on the 0.0001 grid, else 6. */
export function price(m: Micros): string {
  return m % 100 === 0 ? toFixedString(m, 6, 4) : microsToDollars6(m);
}
export const money = microsToDollars6;
export const count = centisToCount;
export const iso = (ms: number): string => new Date(ms).toISOString();
export const secs = (ms: number): number => Math.floor(ms / 1000);

/** Deprecated `side`/`action` pair as Kalshi still sends it: always the YES leg, bought or sold. */
function legacyAction(side: 'bid' | 'ask'): 'buy' | 'sell' {
  return side === 'bid' ? 'buy' : 'sell';
}

export function outcomeSide(side: 'bid' | 'ask'): 'yes' | 'no' {
  return side === 'bid' ? 'yes' : 'no';
}

function topOfBook(engine: KalshiEngine, ticker: string) {
  const { bids, asks } = engine.book(ticker);
  return { bid: bids[0], ask: asks[0] };
}

export function marketJson(engine: KalshiEngine, m: SimMarket) {
  const { bid, ask } = topOfBook(engine, m.ticker);
  const yesBid = bid?.[0] ?? 0;
  const yesAsk = ask?.[0] ?? ONE;
  return {
    ticker: m.ticker,
    event_ticker: m.eventTicker,
    market_type: 'binary',
    title: m.title,
    subtitle: m.subtitle,
    yes_sub_title: m.yesSubTitle,
    no_sub_title: m.noSubTitle,
    created_time: iso(m.createdMs),
    updated_time: iso(m.updatedMs),
    open_time: iso(m.openTimeMs),
    close_time: iso(m.closeTimeMs),
    expected_expiration_time: iso(m.expectedExpirationMs),
    expiration_time: iso(m.closeTimeMs),
    latest_expiration_time: iso(m.closeTimeMs),
    settlement_timer_seconds: m.settlementTimerSeconds,
    status: m.status,
    yes_bid_dollars: price(yesBid),
    yes_bid_size_fp: count(bid?.[1] ?? 0),
    yes_ask_dollars: price(yesAsk),
    yes_ask_size_fp: count(ask?.[1] ?? 0),
    no_bid_dollars: price(ONE - yesAsk),
    no_ask_dollars: price(ONE - yesBid),
    last_price_dollars: price(m.lastPrice ?? 0),
    volume_fp: count(m.volume),
    volume_24h_fp: count(m.volume),
    result: m.result,
    can_close_early: true,
    open_interest_fp: count(m.openInterest),
    notional_value_dollars: '1.0000',
    previous_yes_bid_dollars: price(0),
    previous_yes_ask_dollars: price(0),
    previous_price_dollars: price(0),
    liquidity_dollars: '0.0000',
    expiration_value: '',
    ...(m.settlementValue === undefined ? {} : { settlement_value_dollars: price(m.settlementValue) }),
    ...(m.settledMs === undefined ? {} : { settlement_ts: iso(m.settledMs) }),
    early_close_condition: 'This market will close and expire after a winner is declared.',
    rules_primary: m.rulesPrimary,
    rules_secondary: '',
    price_level_structure: m.priceLevelStructure,
    price_ranges: m.priceRanges.map((r) => ({
      start: price(r.start),
      end: price(r.end),
      step: price(r.step),
    })),
    exchange_index: m.exchangeIndex,
    ...strikeJson(m),
  };
}

/** Ladder markets carry Kalshi's strike fields; winner markets have none. */
export function strikeJson(m: SimMarket) {
  if (!m.strike) return {};
  return {
    strike_type: m.strike.strikeType,
    ...(m.strike.floorStrike === undefined ? {} : { floor_strike: m.strike.floorStrike }),
    ...(m.strike.capStrike === undefined ? {} : { cap_strike: m.strike.capStrike }),
  };
}

export function eventJson(engine: KalshiEngine, ev: SimEvent, withMarkets: boolean) {
  return {
    event_ticker: ev.eventTicker,
    series_ticker: ev.seriesTicker,
    sub_title: ev.subTitle,
    title: ev.title,
    collateral_return_type: '',
    mutually_exclusive: ev.mutuallyExclusive,
    settlement_sources: [],
    last_updated_ts: iso(ev.updatedMs),
    exchange_index: ev.exchangeIndex,
    ...(ev.feeTypeOverride === undefined ? {} : { fee_type_override: ev.feeTypeOverride }),
    ...(ev.feeMultiplierOverride === undefined ? {} : { fee_multiplier_override: ev.feeMultiplierOverride }),
    ...(withMarkets
      ? {
          markets: engine
            .markets()
            .filter((m) => m.eventTicker === ev.eventTicker)
            .map((m) => marketJson(engine, m)),
        }
      : {}),
  };
}

export function milestoneJson(ev: SimEvent) {
  return {
    id: ev.milestoneId,
    category: 'Sports',
    type: ev.milestoneType,
    start_date: iso(ev.startTimeMs ?? 0),
    end_date: null,
    related_event_tickers: [ev.eventTicker],
    primary_event_tickers: [ev.eventTicker],
    title: ev.title,
    notification_message: '',
    details: { competition: ev.competition },
    last_updated_ts: iso(ev.updatedMs),
  };
}

export function orderJson(o: SimOrder) {
  return {
    order_id: o.orderId,
    user_id: o.userId,
    client_order_id: o.clientOrderId,
    ticker: o.ticker,
    side: 'yes',
    action: legacyAction(o.side),
    outcome_side: outcomeSide(o.side),
    book_side: o.side,
    type: 'limit',
    status: o.status,
    yes_price_dollars: price(o.price),
    no_price_dollars: price(ONE - o.price),
    fill_count_fp: count(o.filled),
    remaining_count_fp: count(o.remaining),
    initial_count_fp: count(o.initial),
    taker_fill_cost_dollars: money(o.takerFillCost),
    maker_fill_cost_dollars: money(o.makerFillCost),
    taker_fees_dollars: money(o.takerFees),
    maker_fees_dollars: money(o.makerFees),
    expiration_time: o.expirationMs === undefined ? null : iso(o.expirationMs),
    created_time: iso(o.createdMs),
    last_update_time: iso(o.updatedMs),
    self_trade_prevention_type: o.selfTradePrevention,
    order_group_id: o.orderGroupId ?? null,
    cancel_order_on_pause: o.cancelOrderOnPause,
    subaccount_number: o.subaccount,
    exchange_index: o.exchangeIndex,
  };
}

export function fillJson(f: SimFill) {
  return {
    fill_id: f.fillId,
    trade_id: f.fillId,
    exchange_index: f.exchangeIndex,
    order_id: f.orderId,
    client_order_id: f.clientOrderId,
    ticker: f.ticker,
    market_ticker: f.ticker,
    side: 'yes',
    action: legacyAction(f.side),
    outcome_side: outcomeSide(f.side),
    book_side: f.side,
    count_fp: count(f.count),
    yes_price_dollars: price(f.price),
    no_price_dollars: price(ONE - f.price),
    is_taker: f.isTaker,
    created_time: iso(f.createdMs),
    fee_cost: money(f.fee),
    subaccount_number: f.subaccount,
    ts: secs(f.createdMs),
  };
}

export function positionJson(p: SimPosition) {
  return {
    ticker: p.ticker,
    exchange_index: p.exchangeIndex,
    total_traded_dollars: money(p.totalTraded),
    position_fp: count(p.position),
    market_exposure_dollars: money(p.costBasis),
    realized_pnl_dollars: money(p.realizedPnl),
    fees_paid_dollars: money(p.feesPaid),
    last_updated_ts: iso(p.updatedMs),
  };
}

export function eventPositionsJson(positions: SimPosition[]) {
  const byEvent = new Map<string, SimPosition[]>();
  for (const p of positions) byEvent.set(p.eventTicker, [...(byEvent.get(p.eventTicker) ?? []), p]);
  return [...byEvent].map(([eventTicker, ps]) => {
    const sum = (f: (p: SimPosition) => number) => ps.reduce((s, p) => s + f(p), 0);
    return {
      event_ticker: eventTicker,
      total_cost_dollars: money(sum((p) => p.costBasis)),
      total_cost_shares_fp: count(sum((p) => Math.abs(p.position))),
      event_exposure_dollars: money(sum((p) => p.costBasis)),
      realized_pnl_dollars: money(sum((p) => p.realizedPnl)),
      fees_paid_dollars: money(sum((p) => p.feesPaid)),
    };
  });
}

export function settlementJson(s: SimSettlement) {
  return {
    ticker: s.ticker,
    event_ticker: s.eventTicker,
    market_result: s.result,
    yes_count_fp: count(Math.max(0, s.position)),
    no_count_fp: count(Math.max(0, -s.position)),
    revenue: Math.trunc(s.revenue / 10_000),
    value: s.result === 'yes' ? 100 : 0,
    settled_time: iso(s.settledMs),
    fee_cost: '0.000000',
  };
}

// ---------------------------------------------------------------- WebSocket payloads

export function wsFillMsg(f: SimFill) {
  return {
    trade_id: f.fillId,
    order_id: f.orderId,
    client_order_id: f.clientOrderId,
    market_ticker: f.ticker,
    exchange_index: f.exchangeIndex,
    is_taker: f.isTaker,
    side: 'yes',
    yes_price_dollars: price(f.price),
    count_fp: count(f.count),
    fee_cost: money(f.fee),
    action: legacyAction(f.side),
    ts: secs(f.createdMs),
    ts_ms: f.createdMs,
    post_position_fp: count(f.postPosition),
    purchased_side: outcomeSide(f.side),
    outcome_side: outcomeSide(f.side),
    book_side: f.side,
  };
}

/** Kalshi's `last_update_reason` vocabulary; a user cancel is a decrease to zero; others have no published name. */
const WIRE_REASONS: Partial<Record<SimOrder['lastUpdateReason'], string>> = {
  Decrease: 'Decrease',
  Cancel: 'Decrease',
  Amend: 'Amend',
  SelfTradeCancel: 'SelfTradeCancel',
  ExpiryCancel: 'ExpiryCancel',
  CloseCancel: 'CloseCancel',
  HaltCancel: 'HaltCancel',
  Trade: 'Trade',
  PostOnlyCrossCancel: 'PostOnlyCrossCancel',
  ReduceOnlyCancel: 'ReduceOnlyCancel',
};

function wireReason(o: SimOrder): string | undefined {
  return WIRE_REASONS[o.lastUpdateReason];
}

export function wsUserOrderMsg(o: SimOrder) {
  return {
    order_id: o.orderId,
    user_id: o.userId,
    ticker: o.ticker,
    exchange_index: o.exchangeIndex,
    status: o.status,
    side: outcomeSide(o.side),
    is_yes: o.side === 'bid',
    outcome_side: outcomeSide(o.side),
    book_side: o.side,
    yes_price_dollars: price(o.price),
    fill_count_fp: count(o.filled),
    remaining_count_fp: count(o.remaining),
    initial_count_fp: count(o.initial),
    taker_fill_cost_dollars: money(o.takerFillCost),
    maker_fill_cost_dollars: money(o.makerFillCost),
    taker_fees_dollars: money(o.takerFees),
    maker_fees_dollars: money(o.makerFees),
    client_order_id: o.clientOrderId,
    ...(o.orderGroupId === undefined ? {} : { order_group_id: o.orderGroupId }),
    self_trade_prevention_type: o.selfTradePrevention,
    created_time: iso(o.createdMs),
    created_ts_ms: o.createdMs,
    last_updated_ts_ms: o.updatedMs,
    ...(o.expirationMs === undefined ? {} : { expiration_ts_ms: o.expirationMs }),
    ...(wireReason(o) === undefined ? {} : { last_update_reason: wireReason(o) }),
    subaccount_number: o.subaccount,
  };
}

export function wsPositionMsg(p: SimPosition) {
  return {
    market_ticker: p.ticker,
    position_fp: count(p.position),
    position_cost_dollars: money(p.costBasis),
    realized_pnl_dollars: money(p.realizedPnl),
    fees_paid_dollars: money(p.feesPaid),
    volume_fp: count(p.volume),
    exchange_index: p.exchangeIndex,
    subaccount: 0,
  };
}

export function wsTradeMsg(t: SimTrade) {
  const taker = outcomeSide(t.takerSide);
  return {
    trade_id: t.tradeId,
    market_ticker: t.ticker,
    yes_price_dollars: price(t.price),
    no_price_dollars: price(ONE - t.price),
    count_fp: count(t.count),
    taker_side: taker,
    taker_outcome_side: taker,
    taker_book_side: t.takerSide,
    is_block_trade: false,
    ts: secs(t.createdMs),
    ts_ms: t.createdMs,
  };
}

export function wsTickerMsg(engine: KalshiEngine, m: SimMarket, lastTradeSize: Centis, ms: number) {
  const { bid, ask } = topOfBook(engine, m.ticker);
  return {
    market_id: m.marketId,
    market_ticker: m.ticker,
    price_dollars: price(m.lastPrice ?? 0),
    yes_bid_dollars: price(bid?.[0] ?? 0),
    yes_ask_dollars: price(ask?.[0] ?? ONE),
    volume_fp: count(m.volume),
    open_interest_fp: count(m.openInterest),
    dollar_volume: Math.round(m.volume / 100),
    dollar_open_interest: Math.round(m.openInterest / 100),
    yes_bid_size_fp: count(bid?.[1] ?? 0),
    yes_ask_size_fp: count(ask?.[1] ?? 0),
    last_trade_size_fp: count(lastTradeSize),
    ts: secs(ms),
    ts_ms: ms,
    time: iso(ms),
  };
}

export function wsLifecycleMsg(m: SimMarket, eventType: string, ms: number, isDeactivated?: boolean) {
  const base: Record<string, unknown> = {
    market_ticker: m.ticker,
    event_type: eventType,
    exchange_index: m.exchangeIndex,
  };
  switch (eventType) {
    case 'created':
      Object.assign(base, {
        open_ts: secs(m.openTimeMs),
        close_ts: secs(m.closeTimeMs),
        price_level_structure: m.priceLevelStructure,
        price_ranges: m.priceRanges.map((r) => ({
          start: price(r.start),
          end: price(r.end),
          step: price(r.step),
        })),
        additional_metadata: {
          title: m.title,
          yes_sub_title: m.yesSubTitle,
          no_sub_title: m.noSubTitle,
          event_ticker: m.eventTicker,
          expected_expiration_ts: secs(m.expectedExpirationMs),
          rules_primary: m.rulesPrimary,
          ...strikeJson(m),
        },
      });
      break;
    case 'activated':
    case 'deactivated':
      base.is_deactivated = isDeactivated ?? eventType === 'deactivated';
      break;
    case 'close_date_updated':
      base.close_ts = secs(m.closeTimeMs);
      break;
    case 'metadata_updated':
      base.additional_metadata = { expected_expiration_ts: secs(m.expectedExpirationMs) };
      break;
    case 'determined':
      Object.assign(base, {
        determination_ts: secs(m.determinedMs ?? ms),
        result: m.result,
        settlement_value: price(m.settlementValue ?? 0),
      });
      break;
    case 'settled':
      Object.assign(base, { settled_ts: secs(m.settledMs ?? ms), result: m.result });
      break;
    case 'price_level_structure_updated':
      Object.assign(base, {
        price_level_structure: m.priceLevelStructure,
        price_ranges: m.priceRanges.map((r) => ({
          start: price(r.start),
          end: price(r.end),
          step: price(r.step),
        })),
      });
      break;
  }
  return base;
}
