/**
 * The engine's ports: everything the TradingSession needs from the outside
 * world, as interfaces. Live, paper, replay and simulation differ only in the
 * adapters plugged in here (worker/engine/adapters/), never in engine code.
 *
 * Prices are Micros on the YES scale; sizes are Centis; time is epoch ms.
 * Positions are signed: + = YES contracts, − = NO contracts.
 */

import type { Clock } from '../../shared/clock.ts';
import type { FeeSchedule } from '../../shared/pricing/fees.ts';
import type { QuotingParams } from '../../shared/pricing/params.ts';
import type { StrikeTheoRecord } from '../../shared/pricing/strike-record.ts';
import type { PriceRange } from '../../shared/pricing/tick-grid.ts';
import type { Centis, Micros } from '../../shared/units.ts';
import type { TradeEvent } from './liquidity-tape.ts';
import type { DayPnlPort, EngineLogger, EngineMetrics } from './ports-observability.ts';
import type { WriteBudget } from './write-budget.ts';

/** `bid` = buy YES, `ask` = sell YES (≡ buy NO at 1 − price), as Kalshi's V2 orders. */
export type BookSide = 'bid' | 'ask';

/** One order slot: a market × side. We keep at most one order per slot. */
export type SlotId = `${string}|${BookSide}`;
export const slotId = (ticker: string, side: BookSide): SlotId => `${ticker}|${side}`;

// ---------------------------------------------------------------- discovery

/** A Kalshi game event as discovery lists it. */
export interface ListedEvent {
  eventTicker: string;
  seriesTicker: string;
  title: string;
  /** Kalshi's own start time (milestone start / occurrence), if known. */
  startMs: number | null;
  /** The series' fee schedule (fee_type, multiplier); quadratic taker-only when absent. */
  fees?: FeeSchedule;
  markets: ListedMarket[];
}

export interface ListedMarket {
  ticker: string;
  /** The outcome this market's YES pays on (team name as Kalshi writes it). */
  yesSubTitle: string;
  /** Kalshi object status ("active", "inactive", "closed", ...). */
  status: string;
  exchangeIndex?: number;
  /** The market's tick structure (Micros); 1¢ everywhere when absent. */
  priceRanges?: PriceRange[];
  /** rules_primary + rules_secondary: the mapper refuses a market that may settle between 0 and 1. */
  rules?: string;
  /** The market's own title (a ladder strike's text: "Boston wins by over 6.5 points?"). */
  title?: string;
  /** A ladder market's strike as Kalshi lists it (`strike_type`, `floor_strike`, `cap_strike`); absent on winners. */
  strike?: { strikeType: string; floorStrike: number | string | null; capStrike: number | string | null };
}

/** Maps a Kalshi event to an Odds API event; unmatched events are reported, never guessed. */
export interface GameMapper {
  /** Loads what matching a sport needs (e.g. the odds events on offer); called before each discovery of that sport. */
  prepare?(sport: string, oddsSportKey: string): Promise<void>;
  match(sport: string, event: ListedEvent): MapResult;
}
export type MapResult =
  | {
      ok: true;
      oddsEventId: string;
      commenceMs: number;
      /** Kalshi market ticker → outcome key in the theo (team name as the odds feed writes it). */
      outcomeByTicker: Record<string, string>;
      homeTeam?: string;
      awayTeam?: string;
      /** The matched odds event's sport key (a tournament sport: that tournament's key). */
      oddsSportKey?: string;
    }
  | { ok: false; reason: string };

/** A tradeable game: one Kalshi event mapped to one odds event. */
export interface Game {
  eventTicker: string;
  seriesTicker: string;
  sport: string;
  title: string;
  oddsEventId: string;
  /** Two markets for a two-way game, three when a draw exists. */
  markets: GameMarket[];
  kalshiStartMs: number | null;
  oddsCommenceMs: number;
  homeTeam?: string;
  awayTeam?: string;
  fees?: FeeSchedule;
  /** The odds event's sport key when the mapper says (tennis: the tournament's), for refreshes and the audit. */
  oddsSportKey?: string;
}

export interface GameMarket {
  ticker: string;
  /** Outcome key in the theo. */
  outcome: string;
  exchangeIndex?: number;
  priceRanges?: PriceRange[];
}

// ---------------------------------------------------------------- theos, books

export interface TheoSnapshot {
  oddsEventId: string;
  /** Outcome key → fair probability, in (0, 1). */
  probabilities: Record<string, number>;
  /** When the theo was computed (epoch ms). */
  updatedMs: number;
  /** How many books contributed. */
  books: number;
  /** Largest weighted standard deviation of the books' fair probabilities (theo quality; issue #14). */
  dispersion?: number;
  /**
   * Outcome key → the sharp book's fair probability minus this theo's, while other books lag it
   * (shared/odds/aggregate.ts); absent when the consensus has caught up (news guard, issue #14).
   */
  sharpLean?: Record<string, number>;
  /** The odds feed's commence time of the event with this theo (epoch ms): it may move the game's start. */
  commenceMs?: number;
}

/** Each game's stored spread/total fit (shared/store/strike-theos.ts), by odds event id; missing ids are absent. */
export interface StrikeTheoSource {
  read(oddsEventIds: readonly string[]): Promise<StrikeTheoRecord[]>;
  /** Odds API sport keys whose ladders are listed and quoted (`LADDER_SPORTS`); absent: every sport. */
  sports?: readonly string[];
}

export interface TheoSource {
  /** Latest theos for these odds events; missing ids are simply absent. */
  read(oddsEventIds: readonly string[]): Promise<TheoSnapshot[]>;
}

export interface BookLevel {
  price: Micros;
  size: Centis;
}

/** A market's book on the YES scale, best first on both sides. */
export interface MarketBook {
  ticker: string;
  bids: readonly BookLevel[];
  asks: readonly BookLevel[];
  /** False while the book is quarantined (sequence gap, resync): do not quote from it. */
  valid: boolean;
  updatedMs: number;
}

export interface BookReader {
  book(ticker: string): MarketBook | undefined;
}

// ---------------------------------------------------------------- quoting

export interface DesiredQuote {
  ticker: string;
  side: BookSide;
  price: Micros;
  size: Centis;
}

export interface GameQuotes {
  quotes: DesiredQuote[];
  /** Quoting mode per slot ("monopsony", "competitive", "ceiling", "break-even", "off"). */
  modes: Partial<Record<SlotId, string>>;
  reasons: string[];
}

export interface QuoteContext {
  game: Game;
  theo: TheoSnapshot;
  books: ReadonlyMap<string, MarketBook | undefined>;
  /** Signed YES position per market ticker (Centis). */
  positions: ReadonlyMap<string, Centis>;
  /** Average entry price per market ticker (Micros on the YES scale), when known. */
  entryPrices: ReadonlyMap<string, Micros>;
  /** Our own live orders in the game's markets (to exclude from the book when judging competition). */
  ownOrders: readonly LiveOrder[];
  limit: Centis;
  /** Nothing may rest at or after this time; null = start unknown. */
  stopAtMs: number | null;
  now: number;
}

/** Pure: what we would like resting for this game right now. */
/**
 * `strikeParams`: the quoter's params for the engine's strike model (ladder-quotes.ts `modelStrikeQuotes`);
 * absent (a baseline strategy), a game's strikes are quoted a fixed distance around theo.
 */
export type Quoter = ((ctx: QuoteContext) => GameQuotes) & { readonly strikeParams?: QuotingParams };

// ---------------------------------------------------------------- orders

export type OrderState = 'resting' | 'pending' | 'uncertain';

/** An order as the engine tracks it. `pending` = sent, unacknowledged; `uncertain` = outcome unknown. */
export interface LiveOrder {
  orderId: string | null;
  clientOrderId: string | null;
  ticker: string;
  side: BookSide;
  price: Micros;
  /** Remaining (resting) size. */
  remaining: Centis;
  filled: Centis;
  state: OrderState;
  /** When we sent the last write for this order (epoch ms), or when it was first seen. */
  sinceMs: number;
  /**
   * The price an acknowledged amend moved this order from: the feed's book may still show it there
   * (the REST answer and the WS delta race). Set until the order's next write, or until a requote reads
   * the book showing all of the order at its new price (OrderManager.bookShown, own-book.ts).
   */
  bookPrice?: Micros;
}

/** An order as the exchange lists it. */
export interface ExchangeOrder {
  orderId: string;
  clientOrderId: string | null;
  ticker: string;
  /** The shard the order rests on, when the listing says (cancels route by it). */
  exchangeIndex?: number;
  side: BookSide;
  price: Micros;
  remaining: Centis;
  filled: Centis;
  /** The order group it rests in: after a restart the game keeps that group (never split across two). */
  orderGroupId?: string;
}

export interface CreateOrderRequest {
  ticker: string;
  side: BookSide;
  price: Micros;
  count: Centis;
  clientOrderId: string;
  /** Always true: we are a maker; a crossing order is cancelled by the exchange. */
  postOnly: true;
  /** Always true: resting orders die on a trading pause. */
  cancelOnPause: true;
  orderGroupId?: string;
  exchangeIndex?: number;
  /** Unix seconds: the exchange cancels the order then (the game's hard stop). */
  expirationTime?: number;
}

export interface AmendOrderRequest {
  orderId: string;
  ticker: string;
  side: BookSide;
  price: Micros;
  /** New total = already filled + desired remaining (Kalshi semantics). */
  count: Centis;
  exchangeIndex?: number;
}

export interface DecreaseOrderRequest {
  orderId: string;
  ticker: string;
  /** New remaining size. */
  reduceTo: Centis;
  exchangeIndex?: number;
}

export interface CancelOrderRequest {
  orderId: string;
  ticker: string;
  exchangeIndex?: number;
}

/**
 * The outcome of one write. `rejected` and `rate_limited` mean the exchange
 * certainly did not apply it; `unknown` (timeout, 5xx, dropped socket) means it
 * may have: the slot stays blocked until reconciliation resolves it.
 */
export type WriteOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; kind: 'rejected' | 'rate_limited' | 'unknown'; code?: string; message: string };

export interface OrderAck {
  orderId: string;
  clientOrderId: string | null;
  remaining: Centis;
  /** The order's filled count as the exchange reports it; null when the response does not say (decrease). */
  filled: Centis | null;
  tsMs?: number;
}

export interface CancelAck {
  orderId: string;
  reducedBy: Centis;
}

export interface ExchangePosition {
  ticker: string;
  position: Centis;
}

export interface ExchangeGateway {
  listEvents(seriesTicker: string): Promise<ListedEvent[]>;
  createOrders(orders: readonly CreateOrderRequest[]): Promise<WriteOutcome<OrderAck>[]>;
  amendOrder(req: AmendOrderRequest): Promise<WriteOutcome<OrderAck>>;
  decreaseOrder(req: DecreaseOrderRequest): Promise<WriteOutcome<OrderAck>>;
  cancelOrders(reqs: readonly CancelOrderRequest[]): Promise<WriteOutcome<CancelAck>[]>;
  /** Every resting order of the account (all pages). Throws when the listing cannot be completed. */
  listRestingOrders(): Promise<ExchangeOrder[]>;
  /** Every non-zero market position (all pages). Throws when the listing cannot be completed. */
  listPositions(): Promise<ExchangePosition[]>;
  /**
   * Creates a Kalshi order group with a rolling 15-s matched-contracts limit; returns its id.
   * On the game's shard (`exchangeIndex`): a group guards only orders matched where it lives.
   */
  createOrderGroup(contractsLimit: Centis, exchangeIndex?: number): Promise<string>;
  /** Clears a tripped group's counter so it accepts orders again. */
  resetOrderGroup?(orderGroupId: string): Promise<void>;
  /** Deletes a group (a finished game's); the exchange cancels whatever still rests in it. */
  deleteOrderGroup?(orderGroupId: string): Promise<void>;
  /** Sets a group's rolling limit (Centis, whole contracts); a limit below what matched trips it at once. */
  setOrderGroupLimit?(orderGroupId: string, contractsLimit: Centis): Promise<void>;
  /** Our order groups on the account (the kill switch cancels by group). */
  listOrderGroups?(): Promise<string[]>;
  /** Optional bulk cancel of every resting order (one request); the kill switch still verifies. */
  cancelAll?(): Promise<void>;
}

// ---------------------------------------------------------------- market feed

export interface FillEvent {
  type: 'fill';
  tradeId: string;
  orderId: string;
  clientOrderId?: string;
  ticker: string;
  side: BookSide;
  price: Micros;
  count: Centis;
  tsMs: number;
  /** Fee charged on this fill (Micros, ≥ 0), when the message carries it: realised PnL is net of it. */
  fee?: Micros;
  /** Whether we were the taker (the exchange's word; we only ever post, so true is worth a look). */
  isTaker?: boolean;
}

export type FeedEvent =
  | { type: 'book'; ticker: string }
  | FillEvent
  | {
      type: 'order';
      orderId: string;
      clientOrderId?: string;
      ticker: string;
      side: BookSide;
      price: Micros;
      remaining: Centis;
      filled: Centis;
      status: 'resting' | 'canceled' | 'executed' | 'unknown';
      /**
       * Exchange time of this snapshot (user_order `last_updated_ts_ms`). Updates
       * carry no sequence number and can arrive after a write's ack: one older
       * than the ack is ignored; without it the larger exposure is kept.
       */
      tsMs?: number;
    }
  | { type: 'connection'; state: 'up' | 'down' }
  | TradeEvent
  /** An order group of ours was created, triggered (tripped), reset, deleted or had its limit changed. */
  | { type: 'order_group'; orderGroupId: string; eventType: string }
  | {
      type: 'lifecycle';
      ticker: string;
      kind: 'paused' | 'resumed' | 'closed' | 'determined' | 'settled' | 'dates' | 'other';
    };

export interface MarketFeed {
  /** Registers the handler for every feed event; returns an unsubscribe function. */
  onEvent(handler: (event: FeedEvent) => void): () => void;
  /** Sets the markets whose books (and lifecycle) the feed must follow. */
  track(tickers: readonly string[]): void;
}

// ---------------------------------------------------------------- store, lease, refresh

import type { AuditSink, Flattener, KillFlagSource, Lease, RefreshPublisher } from './ports-store.ts';

export type {
  ActiveFlag,
  AuditSink,
  Flattener,
  FlattenResult,
  KillFlagSource,
  Lease,
  PositionsSnapshot,
  RefreshPublisher,
  RefreshRequest,
} from './ports-store.ts';
export { remainingText } from './ports-store.ts';

// ---------------------------------------------------------------- observability

export type {
  DayPnlPort,
  DayPnlRecord,
  Dimensions,
  EngineLogger,
  EngineMetrics,
  LogFields,
} from './ports-observability.ts';

/** Everything a TradingSession is built from. */
export interface EnginePorts {
  clock: Clock;
  gateway: ExchangeGateway;
  feed: MarketFeed;
  books: BookReader;
  theos: TheoSource;
  mapper: GameMapper;
  quoter: Quoter;
  flatten: Flattener;
  /**
   * Cancels our orders for a feed-down pause: until a listing shows none, with no flood after and no
   * order group deleted (the kill switch's flood would keep cancelling for a minute, past the resume).
   * Absent: `flatten`.
   */
  pauseFlatten?: Flattener;
  log: EngineLogger;
  metrics: EngineMetrics;
  killFlag?: KillFlagSource;
  lease?: Lease;
  refresh?: RefreshPublisher;
  audit?: AuditSink;
  /** The shard's stored trading-day PnL (worker/engine/day-drawdown.ts); absent: drawdown from this process's peak. */
  dayPnl?: DayPnlPort;
  /** The one write budget: the REST limiter's write bucket (write-budget.ts); absent: a bucket of `writeBudget`'s size. */
  writeBudget?: WriteBudget;
  /** Spread/total ladders (issue #17): with it, discovery lists each game's ladders and the strike fits are read; absent: winners only. */
  strikeTheos?: StrikeTheoSource;
}
