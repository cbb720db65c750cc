/**
 * The simulated Kalshi exchange core: series, events, markets, one book per
 * market, matching with price-time priority, balances per user and shard,
 * signed positions with netting, fees, order groups and settlement. No
 * sockets: the REST and WebSocket layers call this and listen to its events.
 * Every state change is emitted synchronously as an `EngineEvent`.
 */
import type { Centis, Micros } from '../../shared/units.ts';
import type { SimClock } from '../clock.ts';
import { BookSide } from './book.ts';
import { feeMicros } from './fees.ts';
import { SeededRng } from './rng.ts';
import type {
  BookSideName,
  EngineEvent,
  EngineListener,
  EventDef,
  FeeType,
  LifecycleType,
  MarketDef,
  OrderRequest,
  Placement,
  PriceRange,
  SeriesDef,
  SimEvent,
  SimFill,
  SimMarket,
  SimOrder,
  SimOrderGroup,
  SimPosition,
  SimSettlement,
  SimTrade,
  UpdateReason,
} from './types.ts';

const ONE: Micros = 1_000_000;
const ORDER_GROUP_WINDOW_MS = 15_000;

/** A refusal with Kalshi's HTTP status and error code; never moves money. */
export class ExchangeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: string,
  ) {
    super(message);
    this.name = 'ExchangeError';
  }
}

export interface EngineOptions {
  clock: SimClock;
  seed?: number;
  /**
   * Member fee precision in Micros: 100 = $0.0001 (direct members), 10_000 = one
   * cent. Each fill's fee is rounded up to $0.0001; an accumulator per order then
   * charges only up to the precision boundary of the order's running total, so
   * many small fills cost what one large fill would (Kalshi's fee_rounding page).
   */
  feeRoundingMicros?: Micros;
}

interface MarketState {
  market: SimMarket;
  bids: BookSide;
  asks: BookSide;
}

const LINEAR_CENT: PriceRange[] = [{ start: 0, end: ONE, step: 10_000 }];

/** Cash an order would lock if it traded fully at its limit without netting. */
function openingCost(side: BookSideName, price: Micros, count: Centis): Micros {
  return side === 'bid' ? (price * count) / 100 : ((ONE - price) * count) / 100;
}

export class KalshiEngine {
  private readonly clock: SimClock;
  private readonly rng: SeededRng;
  private readonly feeRounding: Micros;
  private readonly listeners = new Set<EngineListener>();
  private readonly seriesMap = new Map<string, Required<SeriesDef>>();
  private readonly eventMap = new Map<string, SimEvent>();
  private readonly marketMap = new Map<string, MarketState>();
  private readonly orderMap = new Map<string, SimOrder>();
  private readonly clientIds = new Map<string, Set<string>>();
  private readonly balances = new Map<string, Map<number, Micros>>();
  private readonly positionMap = new Map<string, SimPosition>();
  private readonly fillLog: SimFill[] = [];
  /** Orders currently in a book (indices keep per-tick work proportional to live state, not history). */
  private readonly resting = new Set<SimOrder>();
  private readonly ordersByUser = new Map<string, SimOrder[]>();
  private readonly fillsByUser = new Map<string, SimFill[]>();
  private readonly restingByUser = new Map<string, Set<SimOrder>>();
  private readonly tradeLog: SimTrade[] = [];
  private readonly settlementLog: SimSettlement[] = [];
  private readonly groups = new Map<string, SimOrderGroup>();
  private collectedFees: Micros = 0;
  private tradingActive = true;
  private exchangeActive = true;
  private maintenance: { startMs: number; endMs: number }[] = [];
  private inMaintenance = false;

  constructor(options: EngineOptions) {
    this.clock = options.clock;
    this.rng = new SeededRng(options.seed ?? 1);
    this.feeRounding = options.feeRoundingMicros ?? 100;
  }

  now(): number {
    return this.clock.now();
  }

  subscribe(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: EngineEvent): void {
    for (const l of this.listeners) l(event);
  }

  newId(): string {
    return this.rng.uuid();
  }

  private markResting(o: SimOrder): void {
    this.resting.add(o);
    let mine = this.restingByUser.get(o.userId);
    if (!mine) {
      mine = new Set();
      this.restingByUser.set(o.userId, mine);
    }
    mine.add(o);
  }

  private unmarkResting(o: SimOrder): void {
    this.resting.delete(o);
    this.restingByUser.get(o.userId)?.delete(o);
  }

  // ---------------------------------------------------------------- admin: catalogue

  createSeries(def: SeriesDef): Required<SeriesDef> {
    const s: Required<SeriesDef> = {
      category: 'Sports',
      tags: [],
      feeMultiplier: 1,
      ...def,
    };
    this.seriesMap.set(def.ticker, s);
    return s;
  }

  series(ticker: string): Required<SeriesDef> | undefined {
    return this.seriesMap.get(ticker);
  }

  allSeries(): Required<SeriesDef>[] {
    return [...this.seriesMap.values()];
  }

  createEvent(def: EventDef): SimEvent {
    if (!this.seriesMap.has(def.seriesTicker)) throw new Error(`unknown series ${def.seriesTicker}`);
    if (this.eventMap.has(def.eventTicker)) throw new Error(`event ${def.eventTicker} exists`);
    const now = this.now();
    const ev: SimEvent = {
      eventTicker: def.eventTicker,
      seriesTicker: def.seriesTicker,
      title: def.title,
      subTitle: def.subTitle ?? '',
      exchangeIndex: def.exchangeIndex ?? 0,
      mutuallyExclusive: def.mutuallyExclusive ?? true,
      startTimeMs: def.startTimeMs,
      milestoneType: def.milestoneType ?? 'basketball_game',
      competition: def.competition ?? '',
      milestoneId: this.newId(),
      feeTypeOverride: undefined,
      feeMultiplierOverride: undefined,
      createdMs: now,
      updatedMs: now,
    };
    this.eventMap.set(ev.eventTicker, ev);
    this.emit({ type: 'event_created', event: ev, ms: now });
    return ev;
  }

  event(ticker: string): SimEvent | undefined {
    return this.eventMap.get(ticker);
  }

  events(): SimEvent[] {
    return [...this.eventMap.values()];
  }

  /**
   * Moves a game's scheduled start (milestone start_date). Each market's expected expiration moves by
   * as much, announced on the lifecycle channel as `metadata_updated` (the milestone itself has no channel).
   */
  setEventStartTime(eventTicker: string, startTimeMs: number): void {
    const ev = this.requireEvent(eventTicker);
    const by = ev.startTimeMs === undefined ? 0 : startTimeMs - ev.startTimeMs;
    ev.startTimeMs = startTimeMs;
    ev.updatedMs = this.now();
    for (const { market } of this.marketMap.values()) {
      if (market.eventTicker !== eventTicker) continue;
      if (market.status === 'determined' || market.status === 'finalized') continue;
      market.expectedExpirationMs += by;
      this.lifecycle(market, 'metadata_updated');
    }
  }

  createMarket(def: MarketDef): SimMarket {
    const ev = this.requireEvent(def.eventTicker);
    if (this.marketMap.has(def.ticker)) throw new Error(`market ${def.ticker} exists`);
    const ranges = def.priceRanges ?? LINEAR_CENT;
    validateRanges(ranges);
    const now = this.now();
    const market: SimMarket = {
      ticker: def.ticker,
      marketId: this.newId(),
      eventTicker: def.eventTicker,
      title: def.title,
      subtitle: def.subtitle ?? '',
      yesSubTitle: def.yesSubTitle,
      noSubTitle: def.noSubTitle ?? def.yesSubTitle,
      openTimeMs: def.openTimeMs,
      closeTimeMs: def.closeTimeMs,
      expectedExpirationMs: def.expectedExpirationMs ?? def.closeTimeMs,
      priceLevelStructure: def.priceLevelStructure ?? 'linear_cent',
      priceRanges: ranges.map((r) => ({ ...r })),
      settlementTimerSeconds: def.settlementTimerSeconds ?? 300,
      rulesPrimary: def.rulesPrimary ?? '',
      strike: def.strike ? { ...def.strike } : undefined,
      status: def.status ?? 'initialized',
      result: '',
      settlementValue: undefined,
      determinedMs: undefined,
      settledMs: undefined,
      exchangeIndex: ev.exchangeIndex,
      lastPrice: undefined,
      volume: 0,
      openInterest: 0,
      createdMs: now,
      updatedMs: now,
    };
    this.marketMap.set(def.ticker, { market, bids: new BookSide('bid'), asks: new BookSide('ask') });
    this.lifecycle(market, 'created');
    if (market.status === 'active') this.lifecycle(market, 'activated');
    return market;
  }

  market(ticker: string): SimMarket | undefined {
    return this.marketMap.get(ticker)?.market;
  }

  markets(): SimMarket[] {
    return [...this.marketMap.values()].map((s) => s.market);
  }

  feeTypeOf(ticker: string): { feeType: FeeType; feeMultiplier: number } {
    const m = this.requireMarket(ticker).market;
    const ev = this.requireEvent(m.eventTicker);
    const s = this.seriesMap.get(ev.seriesTicker);
    return {
      feeType: ev.feeTypeOverride ?? s?.feeType ?? 'quadratic',
      feeMultiplier: ev.feeMultiplierOverride ?? s?.feeMultiplier ?? 1,
    };
  }

  /** Overrides the series fee schedule for one event (announced as `event_fee_update`); undefined clears. */
  setEventFeeOverride(eventTicker: string, override: { feeType?: FeeType; feeMultiplier?: number }): void {
    const ev = this.requireEvent(eventTicker);
    ev.feeTypeOverride = override.feeType;
    ev.feeMultiplierOverride = override.feeMultiplier;
    ev.updatedMs = this.now();
    this.emit({ type: 'event_fee_update', event: ev, ms: ev.updatedMs });
  }

  private lifecycle(market: SimMarket, eventType: LifecycleType, isDeactivated?: boolean): void {
    market.updatedMs = this.now();
    this.emit({
      type: 'lifecycle',
      market,
      eventType,
      ms: market.updatedMs,
      ...(isDeactivated === undefined ? {} : { isDeactivated }),
    });
  }

  /**
   * Status changes: `active` opens (or resumes), `inactive` pauses (cancels
   * `cancel_order_on_pause` orders), `closed` stops trading and cancels every
   * resting order. Use `determine`/`settle` for the end of life.
   */
  setMarketStatus(ticker: string, status: 'active' | 'inactive' | 'closed'): void {
    const st = this.requireMarket(ticker);
    const m = st.market;
    if (m.status === status) return;
    if (m.status === 'determined' || m.status === 'finalized')
      throw new Error(`market ${ticker} is ${m.status}`);
    const was = m.status;
    m.status = status;
    if (status === 'active') this.lifecycle(m, 'activated', was === 'inactive' ? false : undefined);
    else if (status === 'inactive') {
      this.cancelWhere((o) => o.ticker === ticker && o.cancelOrderOnPause, 'HaltCancel');
      this.lifecycle(m, 'deactivated', true);
    } else {
      this.cancelWhere((o) => o.ticker === ticker, 'CloseCancel');
      m.closeTimeMs = Math.min(m.closeTimeMs, this.now());
      this.lifecycle(m, 'close_date_updated');
    }
  }

  /** Changes the tick grid; resting orders off the new grid stay (Kalshi does not say otherwise). */
  setPriceRanges(ticker: string, priceLevelStructure: string, ranges: PriceRange[]): void {
    validateRanges(ranges);
    const m = this.requireMarket(ticker).market;
    m.priceLevelStructure = priceLevelStructure;
    m.priceRanges = ranges.map((r) => ({ ...r }));
    this.lifecycle(m, 'price_level_structure_updated');
  }

  /** Exchange-wide trading pause: no placing or amending, cancels allowed. */
  setTradingActive(active: boolean): void {
    if (this.tradingActive === active) return;
    this.tradingActive = active;
    if (!active) this.cancelWhere((o) => o.cancelOrderOnPause, 'HaltCancel');
    this.emit({
      type: 'exchange_status',
      tradingActive: active,
      exchangeActive: this.exchangeActive,
      ms: this.now(),
    });
  }

  isTradingActive(): boolean {
    return this.tradingActive && this.exchangeActive;
  }

  /**
   * Exchange pause, rarer than a trading pause: every order write, cancels
   * included, is refused (503) until it ends; `cancel_order_on_pause` orders
   * are cancelled by the exchange as it pauses.
   */
  setExchangeActive(active: boolean): void {
    if (this.exchangeActive === active) return;
    if (!active) this.cancelWhere((o) => o.cancelOrderOnPause, 'HaltCancel');
    this.exchangeActive = active;
    this.emit({
      type: 'exchange_status',
      tradingActive: this.tradingActive,
      exchangeActive: active,
      ms: this.now(),
    });
  }

  isExchangeActive(): boolean {
    return this.exchangeActive;
  }

  private requireExchangeOpen(): void {
    if (!this.exchangeActive) throw new ExchangeError(503, 'exchange_unavailable', 'the exchange is paused');
  }

  /** The game is over: stop trading, cancel resting orders, fix the result. */
  determine(ticker: string, result: 'yes' | 'no'): void {
    const st = this.requireMarket(ticker);
    const m = st.market;
    if (m.status === 'determined' || m.status === 'finalized')
      throw new Error(`market ${ticker} already ${m.status}`);
    this.cancelWhere((o) => o.ticker === ticker, 'CloseCancel');
    m.status = 'determined';
    m.result = result;
    m.settlementValue = result === 'yes' ? ONE : 0;
    m.determinedMs = this.now();
    this.lifecycle(m, 'determined');
  }

  /** Pays out positions ($1 per winning contract) and finalizes the market. */
  settle(ticker: string): SimSettlement[] {
    const m = this.requireMarket(ticker).market;
    if (m.status !== 'determined' || m.settlementValue === undefined || m.result === '')
      throw new Error(`market ${ticker} is not determined`);
    const now = this.now();
    const out: SimSettlement[] = [];
    for (const pos of this.positionMap.values()) {
      if (pos.ticker !== ticker || pos.position === 0) continue;
      const per = pos.position > 0 ? m.settlementValue : ONE - m.settlementValue;
      const revenue = (per * Math.abs(pos.position)) / 100;
      this.credit(pos.userId, m.exchangeIndex, revenue);
      pos.realizedPnl += revenue - pos.costBasis;
      const s: SimSettlement = {
        userId: pos.userId,
        ticker,
        eventTicker: m.eventTicker,
        result: m.result,
        position: pos.position,
        revenue,
        settledMs: now,
      };
      pos.position = 0;
      pos.costBasis = 0;
      pos.updatedMs = now;
      out.push(s);
      this.settlementLog.push(s);
      this.emit({ type: 'position', position: { ...pos } });
    }
    m.openInterest = 0;
    m.status = 'finalized';
    m.settledMs = now;
    this.lifecycle(m, 'settled');
    return out;
  }

  /**
   * Time-driven transitions: open markets at `openTimeMs`, close them at
   * `closeTimeMs`, settle determined markets after their settlement timer,
   * expire GTC orders, age order-group windows. Call whenever time moves.
   */
  tick(): void {
    const now = this.now();
    for (const { market: m } of this.marketMap.values()) {
      if (m.status === 'initialized' && m.openTimeMs <= now) this.setMarketStatus(m.ticker, 'active');
      if ((m.status === 'active' || m.status === 'inactive') && m.closeTimeMs <= now)
        this.setMarketStatus(m.ticker, 'closed');
      if (
        m.status === 'determined' &&
        m.determinedMs !== undefined &&
        m.determinedMs + m.settlementTimerSeconds * 1000 <= now
      )
        this.settle(m.ticker);
    }
    this.cancelWhere((o) => o.expirationMs !== undefined && o.expirationMs <= now, 'ExpiryCancel');
    const inWindow = this.maintenance.some((w) => w.startMs <= now && now < w.endMs);
    if (inWindow !== this.inMaintenance) {
      this.inMaintenance = inWindow;
      this.setTradingActive(!inWindow);
    }
  }

  /**
   * Scheduled maintenance (Kalshi: Thursdays 03:00–05:00 ET): `tick()` pauses
   * trading inside a window and resumes it after; `/exchange/schedule` lists them.
   */
  setMaintenanceWindows(windows: { startMs: number; endMs: number }[]): void {
    this.maintenance = windows.map((w) => ({ ...w })).sort((a, b) => a.startMs - b.startMs);
  }

  maintenanceWindows(): { startMs: number; endMs: number }[] {
    return this.maintenance.map((w) => ({ ...w }));
  }

  // ---------------------------------------------------------------- admin: accounts

  /** Credits cash to a user's shard balance (creates the user). */
  deposit(userId: string, amount: Micros, exchangeIndex = 0): void {
    this.credit(userId, exchangeIndex, amount);
  }

  /** Moves collateral between shards (intra-exchange transfer). */
  transfer(userId: string, from: number, to: number, amount: Micros): void {
    if (amount <= 0) throw new ExchangeError(400, 'invalid_parameters', 'amount must be positive');
    if (this.availableBalance(userId, from) < amount)
      throw new ExchangeError(400, 'insufficient_balance', 'insufficient balance on source shard');
    this.credit(userId, from, -amount);
    this.credit(userId, to, amount);
  }

  private credit(userId: string, shard: number, amount: Micros): void {
    let b = this.balances.get(userId);
    if (!b) {
      b = new Map();
      this.balances.set(userId, b);
    }
    b.set(shard, (b.get(shard) ?? 0) + amount);
  }

  /** Cash per shard (`exchange_index` → Micros). */
  balance(userId: string): Map<number, Micros> {
    return new Map(this.balances.get(userId) ?? []);
  }

  totalBalance(userId: string): Micros {
    let t = 0;
    for (const v of this.balances.get(userId)?.values() ?? []) t += v;
    return t;
  }

  /** Balance minus what the user's resting orders on that shard could lock. */
  availableBalance(userId: string, shard: number): Micros {
    let reserved = 0;
    for (const o of this.restingByUser.get(userId) ?? [])
      if (o.exchangeIndex === shard) reserved += openingCost(o.side, o.price, o.remaining);
    return (this.balances.get(userId)?.get(shard) ?? 0) - reserved;
  }

  users(): string[] {
    const ids = new Set<string>(this.balances.keys());
    for (const p of this.positionMap.values()) ids.add(p.userId);
    return [...ids];
  }

  exchangeFees(): Micros {
    return this.collectedFees;
  }

  // ---------------------------------------------------------------- reads

  order(orderId: string): SimOrder | undefined {
    return this.orderMap.get(orderId);
  }

  orders(userId: string): SimOrder[] {
    return [...(this.ordersByUser.get(userId) ?? [])];
  }

  restingOrders(userId: string): SimOrder[] {
    return [...(this.restingByUser.get(userId) ?? [])];
  }

  /** Aggregated book: YES bids and YES asks (= NO bids at 1 − price), best first. */
  book(ticker: string): { bids: [Micros, Centis][]; asks: [Micros, Centis][] } {
    const st = this.requireMarket(ticker);
    return { bids: st.bids.depth(), asks: st.asks.depth() };
  }

  /** Contracts resting ahead of an order at its price level. */
  queuePosition(orderId: string): Centis {
    const o = this.orderMap.get(orderId);
    if (o?.status !== 'resting') return 0;
    const st = this.requireMarket(o.ticker);
    const side = o.side === 'bid' ? st.bids : st.asks;
    let ahead = 0;
    for (const other of side.orders()) {
      if (other === o) break;
      if (other.price === o.price) ahead += other.remaining;
    }
    return ahead;
  }

  positions(userId: string): SimPosition[] {
    return [...this.positionMap.values()].filter((p) => p.userId === userId);
  }

  position(userId: string, ticker: string): SimPosition | undefined {
    return this.positionMap.get(`${userId}|${ticker}`);
  }

  fills(userId?: string): SimFill[] {
    return userId === undefined ? [...this.fillLog] : [...(this.fillsByUser.get(userId) ?? [])];
  }

  trades(ticker?: string): SimTrade[] {
    return ticker === undefined ? [...this.tradeLog] : this.tradeLog.filter((t) => t.ticker === ticker);
  }

  settlements(userId: string): SimSettlement[] {
    return this.settlementLog.filter((s) => s.userId === userId);
  }

  // ---------------------------------------------------------------- order groups

  createOrderGroup(userId: string, contractsLimit: Centis, exchangeIndex = 0): SimOrderGroup {
    if (!Number.isInteger(contractsLimit) || contractsLimit <= 0)
      throw new ExchangeError(400, 'invalid_parameters', 'contracts_limit must be positive');
    const g: SimOrderGroup = {
      orderGroupId: this.newId(),
      userId,
      contractsLimit,
      exchangeIndex,
      window: [],
      triggered: false,
      createdMs: this.now(),
    };
    this.groups.set(g.orderGroupId, g);
    this.groupEvent(g, 'created');
    return g;
  }

  orderGroup(userId: string, id: string): SimOrderGroup {
    const g = this.groups.get(id);
    if (!g || g.userId !== userId) throw new ExchangeError(404, 'not_found', 'order group not found');
    return g;
  }

  orderGroups(userId: string): SimOrderGroup[] {
    return [...this.groups.values()].filter((g) => g.userId === userId);
  }

  groupOrders(id: string): SimOrder[] {
    return [...this.resting].filter((o) => o.orderGroupId === id);
  }

  triggerOrderGroup(userId: string, id: string): void {
    const g = this.orderGroup(userId, id);
    this.trigger(g);
  }

  resetOrderGroup(userId: string, id: string): void {
    const g = this.orderGroup(userId, id);
    g.triggered = false;
    g.window = [];
    this.groupEvent(g, 'reset');
  }

  setOrderGroupLimit(userId: string, id: string, contractsLimit: Centis): void {
    if (!Number.isInteger(contractsLimit) || contractsLimit <= 0)
      throw new ExchangeError(400, 'invalid_parameters', 'contracts_limit must be positive');
    const g = this.orderGroup(userId, id);
    g.contractsLimit = contractsLimit;
    this.groupEvent(g, 'limit_updated');
    if (this.windowSum(g) >= g.contractsLimit) this.trigger(g);
  }

  deleteOrderGroup(userId: string, id: string): void {
    const g = this.orderGroup(userId, id);
    this.cancelWhere((o) => o.orderGroupId === id, 'OrderGroupCancel');
    this.groups.delete(id);
    this.groupEvent(g, 'deleted');
  }

  private windowSum(g: SimOrderGroup): Centis {
    const cutoff = this.now() - ORDER_GROUP_WINDOW_MS;
    g.window = g.window.filter((w) => w.ms > cutoff);
    return g.window.reduce((s, w) => s + w.count, 0);
  }

  private trigger(g: SimOrderGroup): void {
    g.triggered = true;
    this.cancelWhere((o) => o.orderGroupId === g.orderGroupId, 'OrderGroupCancel');
    this.groupEvent(g, 'triggered');
  }

  private groupEvent(
    g: SimOrderGroup,
    eventType: 'created' | 'triggered' | 'reset' | 'deleted' | 'limit_updated',
  ) {
    this.emit({
      type: 'order_group',
      userId: g.userId,
      orderGroupId: g.orderGroupId,
      eventType,
      contractsLimit: g.contractsLimit,
      ms: this.now(),
    });
  }

  // ---------------------------------------------------------------- orders

  /** Validates and places an order, matching it against the book. Throws ExchangeError on refusal. */
  placeOrder(userId: string, req: OrderRequest): Placement {
    const st = this.requireMarketForTrading(req.ticker, true);
    const m = st.market;
    this.validateOrder(m, req);
    const clientOrderId = req.clientOrderId ?? this.newId();
    const used = this.clientIds.get(userId);
    if (req.clientOrderId !== undefined && used?.has(req.clientOrderId))
      throw new ExchangeError(409, 'order_already_exists', 'order with this client_order_id already exists');
    let group: SimOrderGroup | undefined;
    if (req.orderGroupId !== undefined) {
      group = this.orderGroup(userId, req.orderGroupId);
      if (group.triggered)
        throw new ExchangeError(400, 'order_group_triggered', 'order group is triggered; reset it first');
      // A group lives on one shard; it cannot guard an order matched on another.
      if (group.exchangeIndex !== m.exchangeIndex)
        throw new ExchangeError(400, 'invalid_parameters', 'order group is on another exchange shard');
    }
    let count = req.count;
    const pos = this.position(userId, req.ticker)?.position ?? 0;
    if (req.reduceOnly) {
      const reducible = req.side === 'bid' ? Math.max(0, -pos) : Math.max(0, pos);
      if (reducible === 0)
        throw new ExchangeError(400, 'reduce_only', 'reduce_only order would increase the position');
      count = Math.min(count, reducible);
    }
    // Collateral: the part that does not close an existing position must be funded.
    const closable = req.side === 'bid' ? Math.max(0, -pos) : Math.max(0, pos);
    const needed =
      openingCost(req.side, req.price, Math.max(0, count - closable)) +
      feeMicros('quadratic', 1, true, req.price, count, this.feeRounding);
    if (needed > this.availableBalance(userId, m.exchangeIndex))
      throw new ExchangeError(400, 'insufficient_balance', 'insufficient balance');

    const opposite = req.side === 'bid' ? st.asks : st.bids;
    const crosses = (p: Micros) => (req.side === 'bid' ? p <= req.price : p >= req.price);
    const best = opposite.bestPrice();
    // Kalshi accepts the order and cancels it at once (PostOnlyCrossCancel), it does not refuse it.
    const crossesPostOnly = req.postOnly === true && best !== undefined && crosses(best);

    const now = this.now();
    const order: SimOrder = {
      orderId: this.newId(),
      userId,
      clientOrderId,
      ticker: req.ticker,
      side: req.side,
      price: req.price,
      initial: count,
      remaining: count,
      filled: 0,
      status: 'resting',
      timeInForce: req.timeInForce,
      selfTradePrevention: req.selfTradePrevention,
      postOnly: req.postOnly ?? false,
      reduceOnly: req.reduceOnly ?? false,
      cancelOrderOnPause: req.cancelOrderOnPause ?? false,
      orderGroupId: req.orderGroupId,
      expirationMs: req.expirationTime === undefined ? undefined : req.expirationTime * 1000,
      exchangeIndex: m.exchangeIndex,
      subaccount: req.subaccount ?? 0,
      createdMs: now,
      updatedMs: now,
      takerFillCost: 0,
      makerFillCost: 0,
      takerFees: 0,
      makerFees: 0,
      feeAccrued: 0,
      lastUpdateReason: 'Created',
    };
    if (!used) this.clientIds.set(userId, new Set([clientOrderId]));
    else used.add(clientOrderId);
    this.orderMap.set(order.orderId, order);
    const mine = this.ordersByUser.get(userId);
    if (mine) mine.push(order);
    else this.ordersByUser.set(userId, [order]);

    if (crossesPostOnly) {
      order.remaining = 0;
      order.status = 'canceled';
      order.lastUpdateReason = 'PostOnlyCrossCancel';
      this.emit({ type: 'order', order: { ...order } });
      return { order: { ...order }, fills: [], averageFillPrice: undefined, averageFeePaid: undefined };
    }
    if (req.timeInForce === 'fill_or_kill' && this.fillable(st, order) < count) {
      order.remaining = 0;
      order.status = 'canceled';
      order.lastUpdateReason = 'ImmediateOrCancel';
      this.emit({ type: 'order', order: { ...order } });
      return { order: { ...order }, fills: [], averageFillPrice: undefined, averageFeePaid: undefined };
    }
    const fills = this.match(st, order);
    if (order.status === 'resting' && order.remaining > 0) {
      if (req.timeInForce === 'good_till_canceled') {
        (order.side === 'bid' ? st.bids : st.asks).add(order);
        this.markResting(order);
        this.bookDelta(m, order.side, order.price, order.remaining, order);
        this.emit({ type: 'order', order: { ...order } });
      } else this.finish(order, 'ImmediateOrCancel');
    }
    return this.placement(order, fills);
  }

  private placement(order: SimOrder, fills: SimFill[]): Placement {
    const mine = fills.filter((f) => f.orderId === order.orderId);
    const qty = mine.reduce((s, f) => s + f.count, 0);
    return {
      order: { ...order },
      fills: mine,
      averageFillPrice:
        qty > 0 ? Math.round(mine.reduce((s, f) => s + f.price * f.count, 0) / qty) : undefined,
      averageFeePaid: qty > 0 ? Math.round((mine.reduce((s, f) => s + f.fee, 0) * 100) / qty) : undefined,
    };
  }

  /** Contracts an FOK order could take now (self-trades stop or skip per its STP mode). */
  private fillable(st: MarketState, order: SimOrder): Centis {
    const opposite = order.side === 'bid' ? st.asks : st.bids;
    let total = 0;
    for (const o of opposite.orders()) {
      if (order.side === 'bid' ? o.price > order.price : o.price < order.price) break;
      if (o.userId === order.userId) {
        if (order.selfTradePrevention === 'taker_at_cross') break;
        continue;
      }
      total += o.remaining;
    }
    return total;
  }

  /** Takes liquidity for `taker` at maker prices; returns every fill (both parties). */
  private match(st: MarketState, taker: SimOrder): SimFill[] {
    const fills: SimFill[] = [];
    const opposite = taker.side === 'bid' ? st.asks : st.bids;
    while (taker.remaining > 0 && taker.status === 'resting') {
      const bestPrice = opposite.bestPrice();
      if (bestPrice === undefined) break;
      if (taker.side === 'bid' ? bestPrice > taker.price : bestPrice < taker.price) break;
      const maker = opposite.bestQueue()?.[0];
      if (!maker) break;
      if (maker.userId === taker.userId) {
        if (taker.selfTradePrevention === 'maker') {
          this.removeResting(maker, 'SelfTradeCancel', taker);
          continue;
        }
        taker.remaining = 0;
        this.finish(taker, 'SelfTradeCancel');
        break;
      }
      const qty = Math.min(taker.remaining, maker.remaining);
      fills.push(...this.execute(st, taker, maker, qty));
      // The taker's own group may have tripped on this fill: it stops trading and never rests.
      if (
        taker.remaining > 0 &&
        taker.orderGroupId !== undefined &&
        this.groups.get(taker.orderGroupId)?.triggered
      ) {
        this.finish(taker, 'OrderGroupCancel');
        break;
      }
    }
    return fills;
  }

  private execute(st: MarketState, taker: SimOrder, maker: SimOrder, qty: Centis): SimFill[] {
    const m = st.market;
    const price = maker.price;
    const now = this.now();
    const { feeType, feeMultiplier } = this.feeTypeOf(m.ticker);
    const tradeId = this.newId();
    maker.remaining -= qty;
    maker.filled += qty;
    taker.remaining -= qty;
    taker.filled += qty;
    this.bookDelta(m, maker.side, price, -qty, taker);
    const out: SimFill[] = [];
    for (const [o, isTaker] of [
      [taker, true],
      [maker, false],
    ] as const) {
      const accrued = o.feeAccrued + feeMicros(feeType, feeMultiplier, isTaker, price, qty);
      const fee = Math.ceil(accrued / this.feeRounding) * this.feeRounding - (o.takerFees + o.makerFees);
      o.feeAccrued = accrued;
      const cost = openingCost(o.side, price, qty);
      if (isTaker) {
        o.takerFillCost += cost;
        o.takerFees += fee;
      } else {
        o.makerFillCost += cost;
        o.makerFees += fee;
      }
      o.updatedMs = now;
      const post = this.applyFill(o, price, qty, fee);
      this.collectedFees += fee;
      const fill: SimFill = {
        fillId: tradeId,
        orderId: o.orderId,
        clientOrderId: o.clientOrderId,
        userId: o.userId,
        ticker: m.ticker,
        side: o.side,
        price,
        count: qty,
        isTaker,
        fee,
        postPosition: post,
        exchangeIndex: m.exchangeIndex,
        subaccount: o.subaccount,
        createdMs: now,
      };
      this.fillLog.push(fill);
      const userFills = this.fillsByUser.get(o.userId);
      if (userFills) userFills.push(fill);
      else this.fillsByUser.set(o.userId, [fill]);
      out.push(fill);
    }
    const trade: SimTrade = {
      tradeId,
      ticker: m.ticker,
      price,
      count: qty,
      takerSide: taker.side,
      createdMs: now,
    };
    this.tradeLog.push(trade);
    m.lastPrice = price;
    m.volume += qty;
    m.updatedMs = now;
    if (maker.remaining === 0) {
      (maker.side === 'bid' ? st.bids : st.asks).remove(maker);
      this.unmarkResting(maker);
      maker.status = 'executed';
    }
    if (taker.remaining === 0) taker.status = 'executed';
    maker.lastUpdateReason = 'Trade';
    taker.lastUpdateReason = 'Trade';
    this.emit({ type: 'trade', trade });
    for (const f of out) this.emit({ type: 'fill', fill: f });
    this.emit({ type: 'order', order: { ...maker } });
    if (taker.status === 'executed') this.emit({ type: 'order', order: { ...taker } });
    for (const f of out) {
      const p = this.position(f.userId, m.ticker);
      if (p) this.emit({ type: 'position', position: { ...p } });
    }
    for (const o of [maker, taker]) this.countForGroup(o, qty);
    return out;
  }

  private countForGroup(o: SimOrder, qty: Centis): void {
    if (o.orderGroupId === undefined) return;
    const g = this.groups.get(o.orderGroupId);
    if (!g || g.triggered) return;
    g.window.push({ ms: this.now(), count: qty });
    if (this.windowSum(g) >= g.contractsLimit) this.trigger(g);
  }

  /**
   * Cash and position for one side of a fill, with YES/NO netting: closing
   * contracts release $1 per pair, opening ones lock the price paid.
   */
  private applyFill(o: SimOrder, price: Micros, qty: Centis, fee: Micros): Centis {
    const m = this.requireMarket(o.ticker).market;
    const key = `${o.userId}|${o.ticker}`;
    let p = this.positionMap.get(key);
    if (!p) {
      p = {
        userId: o.userId,
        ticker: o.ticker,
        eventTicker: m.eventTicker,
        exchangeIndex: m.exchangeIndex,
        position: 0,
        costBasis: 0,
        totalTraded: 0,
        realizedPnl: 0,
        feesPaid: 0,
        volume: 0,
        updatedMs: 0,
      };
      this.positionMap.set(key, p);
    }
    const before = p.position;
    const dir = o.side === 'bid' ? 1 : -1;
    const closing = Math.min(qty, dir > 0 ? Math.max(0, -before) : Math.max(0, before));
    const opening = qty - closing;
    let cash = 0;
    if (closing > 0) {
      // Closing NO by buying YES at p (or YES by selling at p) pays back 1 − p (or p).
      const proceeds = dir > 0 ? ((ONE - price) * closing) / 100 : (price * closing) / 100;
      const released = Math.round((p.costBasis * closing) / Math.abs(before));
      p.costBasis -= released;
      p.realizedPnl += proceeds - released;
      cash += proceeds;
    }
    if (opening > 0) {
      const cost = openingCost(o.side, price, opening);
      p.costBasis += cost;
      cash -= cost;
    }
    p.position = before + dir * qty;
    p.totalTraded += (price * qty) / 100;
    p.volume += qty;
    p.feesPaid += fee;
    p.realizedPnl -= fee;
    p.updatedMs = this.now();
    m.openInterest += Math.max(p.position, 0) - Math.max(before, 0);
    this.credit(o.userId, m.exchangeIndex, cash - fee);
    return p.position;
  }

  /** Cancels a resting order; returns the contracts removed (0 if nothing rested). */
  cancelOrder(userId: string, orderId: string): { order: SimOrder; reducedBy: Centis } {
    this.requireExchangeOpen();
    const o = this.orderMap.get(orderId);
    if (!o || o.userId !== userId) throw new ExchangeError(404, 'not_found', 'order not found');
    if (o.status !== 'resting') return { order: { ...o }, reducedBy: 0 };
    const reducedBy = o.remaining;
    this.removeResting(o, 'Cancel');
    return { order: { ...o }, reducedBy };
  }

  /** Cancels every resting order of a user; returns the orders cancelled. */
  cancelAll(userId: string): SimOrder[] {
    this.requireExchangeOpen();
    return this.cancelWhere((o) => o.userId === userId, 'Cancel');
  }

  /** Shrinks a resting order without losing queue priority. */
  decreaseOrder(userId: string, orderId: string, by: { reduceBy?: Centis; reduceTo?: Centis }): SimOrder {
    this.requireExchangeOpen();
    const o = this.orderMap.get(orderId);
    if (!o || o.userId !== userId) throw new ExchangeError(404, 'not_found', 'order not found');
    if ((by.reduceBy === undefined) === (by.reduceTo === undefined))
      throw new ExchangeError(
        400,
        'invalid_parameters',
        'exactly one of reduce_by and reduce_to is required',
      );
    if (o.status !== 'resting') throw new ExchangeError(400, 'order_not_resting', 'order is not resting');
    const target = by.reduceTo ?? o.remaining - (by.reduceBy ?? 0);
    if (!Number.isInteger(target) || target < 0 || target > o.remaining)
      throw new ExchangeError(400, 'invalid_parameters', 'decrease must shrink the order');
    if (target === 0) {
      this.removeResting(o, 'Decrease');
      return { ...o };
    }
    const delta = target - o.remaining;
    o.remaining = target;
    o.updatedMs = this.now();
    o.lastUpdateReason = 'Decrease';
    this.bookDelta(this.requireMarket(o.ticker).market, o.side, o.price, delta, o);
    this.emit({ type: 'order', order: { ...o } });
    return { ...o };
  }

  /**
   * Amend: `count` is the new total (filled + remaining). A price change or a
   * size increase sends the order to the back of the queue and may trade; a
   * size decrease keeps priority.
   */
  amendOrder(
    userId: string,
    orderId: string,
    req: { ticker: string; side: BookSideName; price: Micros; count: Centis; updatedClientOrderId?: string },
  ): Placement {
    const o = this.orderMap.get(orderId);
    if (!o || o.userId !== userId) throw new ExchangeError(404, 'not_found', 'order not found');
    if (o.ticker !== req.ticker || o.side !== req.side)
      throw new ExchangeError(400, 'invalid_parameters', 'ticker and side must match the order');
    if (o.status !== 'resting') throw new ExchangeError(400, 'order_not_resting', 'order is not resting');
    const st = this.requireMarketForTrading(o.ticker, true);
    this.validateOrder(st.market, {
      ...req,
      timeInForce: 'good_till_canceled',
      selfTradePrevention: 'maker',
    });
    const newRemaining = req.count - o.filled;
    if (newRemaining <= 0)
      throw new ExchangeError(400, 'invalid_parameters', 'count must exceed the filled count');
    const extra = openingCost(o.side, req.price, newRemaining) - openingCost(o.side, o.price, o.remaining);
    if (extra > 0 && extra > this.availableBalance(userId, o.exchangeIndex))
      throw new ExchangeError(400, 'insufficient_balance', 'insufficient balance');
    if (req.updatedClientOrderId !== undefined) {
      const used = this.clientIds.get(userId);
      if (used?.has(req.updatedClientOrderId))
        throw new ExchangeError(
          409,
          'order_already_exists',
          'order with this client_order_id already exists',
        );
      used?.add(req.updatedClientOrderId);
    }
    const side = o.side === 'bid' ? st.bids : st.asks;
    if (req.price === o.price && newRemaining <= o.remaining) {
      const delta = newRemaining - o.remaining;
      o.remaining = newRemaining;
      o.initial = req.count;
      if (req.updatedClientOrderId !== undefined) o.clientOrderId = req.updatedClientOrderId;
      o.updatedMs = this.now();
      o.lastUpdateReason = 'Amend';
      if (delta !== 0) this.bookDelta(st.market, o.side, o.price, delta, o);
      this.emit({ type: 'order', order: { ...o } });
      return this.placement(o, []);
    }
    const opposite = o.side === 'bid' ? st.asks : st.bids;
    const best = opposite.bestPrice();
    const crosses = best !== undefined && (o.side === 'bid' ? best <= req.price : best >= req.price);
    if (o.postOnly && crosses)
      throw new ExchangeError(400, 'post_only_cross', 'post-only order would cross the book');
    side.remove(o);
    this.unmarkResting(o);
    this.bookDelta(st.market, o.side, o.price, -o.remaining, o);
    o.price = req.price;
    o.remaining = newRemaining;
    o.initial = req.count;
    if (req.updatedClientOrderId !== undefined) o.clientOrderId = req.updatedClientOrderId;
    o.updatedMs = this.now();
    o.lastUpdateReason = 'Amend';
    const fills = this.match(st, o);
    if (o.status === 'resting' && o.remaining > 0) {
      side.add(o);
      this.markResting(o);
      this.bookDelta(st.market, o.side, o.price, o.remaining, o);
      o.lastUpdateReason = 'Amend';
      this.emit({ type: 'order', order: { ...o } });
    } else if (fills.length === 0) this.emit({ type: 'order', order: { ...o } });
    return this.placement(o, fills);
  }

  private removeResting(o: SimOrder, reason: UpdateReason, cause?: SimOrder): void {
    const st = this.requireMarket(o.ticker);
    (o.side === 'bid' ? st.bids : st.asks).remove(o);
    this.unmarkResting(o);
    const removed = o.remaining;
    o.remaining = 0;
    this.bookDelta(st.market, o.side, o.price, -removed, cause ?? o);
    this.finish(o, reason);
  }

  private finish(o: SimOrder, reason: UpdateReason): void {
    o.remaining = 0;
    o.status = o.filled > 0 && reason === 'Trade' ? 'executed' : 'canceled';
    o.lastUpdateReason = reason;
    o.updatedMs = this.now();
    this.emit({ type: 'order', order: { ...o } });
  }

  private cancelWhere(pred: (o: SimOrder) => boolean, reason: UpdateReason): SimOrder[] {
    const hit = [...this.resting].filter((o) => o.status === 'resting' && pred(o));
    for (const o of hit) this.removeResting(o, reason);
    return hit.map((o) => ({ ...o }));
  }

  private bookDelta(m: SimMarket, side: BookSideName, price: Micros, delta: Centis, cause: SimOrder): void {
    if (delta === 0) return;
    this.emit({
      type: 'book_delta',
      ticker: m.ticker,
      side,
      price,
      delta,
      causeUserId: cause.userId,
      causeClientOrderId: cause.clientOrderId,
      ms: this.now(),
    });
  }

  // ---------------------------------------------------------------- validation

  private requireEvent(ticker: string): SimEvent {
    const ev = this.eventMap.get(ticker);
    if (!ev) throw new ExchangeError(404, 'not_found', `event ${ticker} not found`);
    return ev;
  }

  private requireMarket(ticker: string): MarketState {
    const st = this.marketMap.get(ticker);
    if (!st) throw new ExchangeError(404, 'market_not_found', `market ${ticker} not found`);
    return st;
  }

  private requireMarketForTrading(ticker: string, placing: boolean): MarketState {
    this.requireExchangeOpen();
    const st = this.requireMarket(ticker);
    if (placing && !this.tradingActive)
      throw new ExchangeError(409, 'trading_is_paused', 'exchange trading is paused');
    if (st.market.status !== 'active')
      throw new ExchangeError(409, 'market_closed', `market ${ticker} is ${st.market.status}`);
    return st;
  }

  private validateOrder(m: SimMarket, req: OrderRequest): void {
    if (req.side !== 'bid' && req.side !== 'ask') throw new ExchangeError(400, 'invalid_parameters', 'side');
    if (!Number.isInteger(req.count) || req.count <= 0)
      throw new ExchangeError(400, 'invalid_parameters', 'count must be positive');
    if (!onGrid(m.priceRanges, req.price))
      throw new ExchangeError(
        400,
        'invalid_price',
        "price is not on the market's price grid",
        String(req.price),
      );
    if (req.exchangeIndex !== undefined && req.exchangeIndex !== -1 && req.exchangeIndex !== m.exchangeIndex)
      throw new ExchangeError(
        400,
        'invalid_exchange_index',
        `market is on exchange_index ${m.exchangeIndex}`,
      );
    if (req.expirationTime !== undefined) {
      if (req.timeInForce !== 'good_till_canceled')
        throw new ExchangeError(400, 'invalid_parameters', 'expiration_time requires good_till_canceled');
      if (req.expirationTime * 1000 <= this.now())
        throw new ExchangeError(400, 'invalid_parameters', 'expiration_time is in the past');
    }
  }
}

function validateRanges(ranges: PriceRange[]): void {
  if (ranges.length === 0) throw new Error('price_ranges must not be empty');
  for (const r of ranges)
    if (!(r.step > 0 && r.start >= 0 && r.end <= ONE && r.start < r.end && r.step % 100 === 0))
      throw new Error(`bad price range ${JSON.stringify(r)}`);
}

/** A tradeable price: strictly inside (0, $1) and on a step of some range. */
export function onGrid(ranges: PriceRange[], price: Micros): boolean {
  if (!Number.isInteger(price) || price <= 0 || price >= ONE) return false;
  return ranges.some((r) => price >= r.start && price <= r.end && (price - r.start) % r.step === 0);
}
