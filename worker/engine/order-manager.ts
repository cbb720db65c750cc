/**
 * The order manager: turns a game's desired quotes into exchange writes.
 *
 * - The plan (order-plan.ts) says what to change; every write then passes the
 *   risk gate with the game's exposure *including* pending and uncertain
 *   orders, evaluated synchronously just before the request is built.
 * - One in-flight write per slot: an order being written is `pending` and the
 *   planner leaves its slot alone until the write settles. A fill and a requote
 *   can therefore never race two orders into one slot.
 * - An amend in flight counts at max(old, new) size; a cancel in flight still
 *   counts in full; a create counts from the moment it is gated.
 * - A write whose outcome is unknown leaves the order `uncertain` (still
 *   counted, slot blocked) until reconciliation finds out what happened.
 * - Every create carries our client_order_id, post_only, cancel_order_on_pause
 *   and the game's order group (exchange-side runaway guard).
 */
import type { Clock } from '../../shared/clock.ts';
import { WorkerMetric } from '../../shared/metrics/names.ts';
import type { Centis, Micros } from '../../shared/units.ts';
import type { ExposureOrder } from './exposure.ts';
import { OrderGroups } from './order-groups.ts';
import { planOrders, type ReconcilePlan } from './order-plan.ts';
import type {
  AuditSink,
  BookSide,
  CancelOrderRequest,
  CreateOrderRequest,
  DesiredQuote,
  EngineLogger,
  EngineMetrics,
  ExchangeGateway,
  ExchangeOrder,
  FeedEvent,
  FillEvent,
  LiveOrder,
  OrderAck,
  WriteOutcome,
} from './ports.ts';
import type { OrderAction } from './reconcile.ts';
import { classifyRefusal, type Refusal, RefusalBackoff, refusalReason } from './refusal-backoff.ts';
import { gate, type RiskReason, type RiskState } from './risk-gate.ts';
import type { WriteBudget } from './write-budget.ts';

/** How the manager sees one game. */
export interface GameBinding {
  eventTicker: string;
  tickers: readonly string[];
  exchangeIndex(ticker: string): number | undefined;
  /** Rolling 15-s matched-contracts limit of the game's Kalshi order group. */
  orderGroupLimit: Centis;
  /** Exchange-side expiration of every order (the game's hard stop): nothing rests past it even if we die. */
  expiresAtMs?: number;
  /** Fresh risk inputs (everything but the orders) at the instant of a write. */
  risk(): Omit<RiskState, 'orders'>;
}

export interface RiskDenial {
  ticker: string;
  side: BookSide;
  reason: RiskReason;
  detail: string;
}

export interface SyncReport {
  plan: ReconcilePlan;
  denials: RiskDenial[];
  writes: number;
  /** Writes skipped for lack of budget; retry after `retryAfterMs`. */
  deferred: number;
  retryAfterMs: number;
}

/**
 * Size accounting. `total` (filled + remaining) does not change when an order
 * fills, only when it is amended or decreased, so it is the stable anchor:
 * remaining = total − seen, where `seen` sums the fill messages we received
 * for the order. A fill the exchange already counted but whose message is
 * still on its way therefore stays counted as resting until it arrives (then
 * it moves into the position): exposure is never understated in between.
 * `reserve` covers the one case the exchange does not tell us enough: a
 * decrease ack without a filled count. The order's true total is then
 * (filled at the decrease) + remaining, somewhere between `total` and
 * `total + reserve`. A fill message moves its size from `reserve` into
 * `total` (it may be one of those hidden fills, and then the order still
 * rests at the size the ack said): exposure drops by the fill exactly once and
 * what the planner sees resting never drops below the ack's remaining. Wrong
 * guesses only overstate. An exchange view (listing, order update) or an
 * amend ack, which state the total, clears it.
 */
interface Tracked extends LiveOrder {
  key: number;
  eventTicker: string;
  /** The shard a listing said the order rests on (orders of a market we left have no game to ask). */
  exchangeIndex?: number;
  total: Centis;
  seen: Centis;
  reserve: Centis;
  /** Total requested by an amend in flight (or whose outcome is unknown). */
  pendingTotal: Centis | null;
  /**
   * Exchange time (ms) our view of the order is known to be current at: the
   * last ack's `ts_ms` or the last order update applied. Null when unknown
   * (adopted from a listing, an ack without it): updates then only raise it.
   */
  exTsMs: number | null;
  /** When our last write's acknowledgement was applied (local ms): a listing begun before it may predate it. */
  ackedMs: number;
  /** The expiration our create carried (ms; unknown for adopted orders): later than the game's hard stop = stale. */
  expiresAtMs?: number;
  /** State to restore when a write is refused. */
  before?: { price: Micros; total: Centis };
}

export interface OrderManagerDeps {
  gateway: ExchangeGateway;
  clock: Clock;
  log: EngineLogger;
  metrics: EngineMetrics;
  audit?: AuditSink;
  budget: WriteBudget;
  clientOrderPrefix: string;
  amend: boolean;
  writeCost: number;
  cancelCost: number;
  /** How long after a trip the game's order group is reset (Kalshi's window: 15 s). */
  orderGroupResetMs?: number;
  /** Called when a game's last in-flight write settles and a sync was waiting for it. */
  onSettled(eventTicker: string): void;
}

export class OrderManager {
  private readonly orders = new Map<number, Tracked>();
  /** Tracked orders by exchange order id and by client order id: a fill or order update finds its order in O(1). */
  private readonly byOrderId = new Map<string, Tracked>();
  private readonly byClientId = new Map<string, Tracked>();
  /** The same orders by market, in insertion order: a requote reads its game's orders without scanning every game's. */
  private readonly byTicker = new Map<string, Set<Tracked>>();
  /** The same orders by game (event ticker): `hasInFlight` without scanning every game's. */
  private readonly byGame = new Map<string, Set<Tracked>>();
  /**
   * Size that left the book as fills whose messages have not arrived yet
   * (a cancel that reduced less than we thought rested, an order gone from a
   * listing). Counted by the risk gate, invisible to the planner, consumed by
   * the fill messages, dropped after a reconciliation period.
   */
  private readonly ghosts = new Map<
    string,
    { eventTicker: string; ticker: string; side: BookSide; remaining: Centis; sinceMs: number }
  >();
  private nextKey = 1;
  private nextClientSeq = 1;
  private readonly boot: string;
  /** Lasting refusals back off per game and reason (refusal-backoff.ts). */
  readonly backoff = new RefusalBackoff();
  readonly groups: OrderGroups;
  private readonly waiting = new Set<string>();
  /** Counters for the dashboard. */
  readonly stats = { rateLimited: 0, writeFailures: 0 };
  private inFlight = 0;
  private readonly auditWrites = new Set<Promise<void>>();
  private readonly idle: (() => void)[] = [];

  constructor(private readonly deps: OrderManagerDeps) {
    this.boot = deps.clock.now().toString(36);
    this.groups = new OrderGroups({
      ...deps,
      backoff: this.backoff,
      onReady: (g) => deps.onSettled(g),
      ...(deps.orderGroupResetMs === undefined ? {} : { windowMs: deps.orderGroupResetMs }),
    });
  }

  /** The quoting reason of a lasting refusal the game is backing off from (or null). */
  refusalOf(eventTicker: string): ReturnType<typeof refusalReason> | null {
    const r = this.backoff.current(eventTicker);
    return r === null ? null : refusalReason(r);
  }

  // ------------------------------------------------------------- views

  /** All tracked orders (resting, pending, uncertain). */
  all(): LiveOrder[] {
    return [...this.orders.values()].map(strip);
  }

  /** The orders of these markets, market by market (insertion order within a market). */
  ordersOf(tickers: readonly string[]): LiveOrder[] {
    const out: LiveOrder[] = [];
    this.eachOf(tickers, (o) => out.push(strip(o)));
    return out;
  }

  exposureOrders(tickers: readonly string[]): ExposureOrder[] {
    const out: ExposureOrder[] = [];
    this.eachOf(tickers, (o) => out.push({ ticker: o.ticker, side: o.side, remaining: exposureOf(o) }));
    return out.concat(this.ghostsOf(tickers));
  }

  /**
   * Our resting size at one price of one side of a market (Centis): what the
   * visible depth there holds of ours. Pending and uncertain orders are not counted.
   */
  restingAt(ticker: string, side: BookSide, price: Micros): Centis {
    let size = 0;
    const set = this.byTicker.get(ticker);
    if (set)
      for (const o of set)
        if (o.side === side && o.price === price && o.state === 'resting') size += o.remaining;
    return size;
  }

  /** Calls `f` for every tracked order of these markets (each market once, even if listed twice). */
  private eachOf(tickers: readonly string[], f: (o: Tracked) => void): void {
    for (let i = 0; i < tickers.length; i++) {
      const t = tickers[i]!;
      if (tickers.indexOf(t) !== i) continue;
      const set = this.byTicker.get(t);
      if (set) for (const o of set) f(o);
    }
  }

  private addOrder(o: Tracked): void {
    this.orders.set(o.key, o);
    addTo(this.byTicker, o.ticker, o);
    addTo(this.byGame, o.eventTicker, o);
    if (o.orderId !== null) this.byOrderId.set(o.orderId, o);
    if (o.clientOrderId !== null) this.byClientId.set(o.clientOrderId, o);
  }

  private removeOrder(o: Tracked): void {
    if (this.orders.get(o.key) !== o) return;
    this.orders.delete(o.key);
    removeFrom(this.byTicker, o.ticker, o);
    removeFrom(this.byGame, o.eventTicker, o);
    if (o.orderId !== null && this.byOrderId.get(o.orderId) === o) this.byOrderId.delete(o.orderId);
    if (o.clientOrderId !== null && this.byClientId.get(o.clientOrderId) === o)
      this.byClientId.delete(o.clientOrderId);
  }

  /** The one place a tracked order's exchange id changes, so the id index stays exact. */
  private setOrderId(o: Tracked, orderId: string): void {
    if (o.orderId === orderId) return;
    if (o.orderId !== null && this.byOrderId.get(o.orderId) === o) this.byOrderId.delete(o.orderId);
    o.orderId = orderId;
    if (this.orders.get(o.key) === o) this.byOrderId.set(orderId, o);
  }

  /** The tracked order with this exchange id (tests check the index against a scan). */
  trackedByOrderId(orderId: string): LiveOrder | undefined {
    const o = this.findByOrderId(orderId);
    return o ? strip(o) : undefined;
  }

  /** Gate-visible exposure that is not on the book any more (see `ghosts`). */
  ghostCount(): number {
    return this.ghosts.size;
  }

  hasInFlight(eventTicker: string): boolean {
    const set = this.byGame.get(eventTicker);
    if (set) for (const o of set) if (o.state === 'pending') return true;
    return false;
  }

  /** Order writes sent and not yet answered (the kill switch does not call a listing proof while any is). */
  writesInFlight(): number {
    return this.inFlight;
  }

  /** Resolves once no write (nor its audit record) is in flight (tests, shutdown). */
  async settled(): Promise<void> {
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    if (this.auditWrites.size > 0) await Promise.allSettled([...this.auditWrites]);
  }

  // ------------------------------------------------------------- sync

  sync(game: GameBinding, desired: readonly DesiredQuote[]): Promise<SyncReport> {
    try {
      const r = this.syncNow(game, desired);
      return r instanceof Promise ? r : Promise.resolve(r);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * `sync` without event-loop hops where none is needed: a plan with no write
   * returns its report directly, and writes are handed to the gateway in this
   * same turn unless the game's order group still has to be created.
   */
  syncNow(
    game: GameBinding,
    desired: readonly DesiredQuote[],
    /** The game's orders as `ordersOf(game.tickers)` returned them in this same turn (saves a copy). */
    live: readonly LiveOrder[] = this.ordersOf(game.tickers),
  ): SyncReport | Promise<SyncReport> {
    const plan = planOrders(desired, live, { amend: this.deps.amend });
    const known = this.groups.usable(game.eventTicker);
    this.groups.keepLimit(game.eventTicker, game.orderGroupLimit);
    // The game's first creates wait for its order group; the plan is made again after that wait.
    if (plan.creates.length > 0 && known === undefined && !this.groups.isTripped(game.eventTicker))
      return this.fireAfterGroup(game, desired);
    return this.fire(game, plan, this.newReport(game, plan), known);
  }

  private newReport(game: GameBinding, plan: ReconcilePlan): SyncReport {
    if (plan.blocked.length > 0 && this.hasInFlight(game.eventTicker)) this.waiting.add(game.eventTicker);
    return { plan, denials: [], writes: 0, deferred: 0, retryAfterMs: 0 };
  }

  private async fireAfterGroup(game: GameBinding, desired: readonly DesiredQuote[]): Promise<SyncReport> {
    let groupId: string | undefined;
    try {
      const shard = game.tickers.length > 0 ? game.exchangeIndex(game.tickers[0]!) : undefined;
      groupId = await this.groups.ensure(game.eventTicker, game.orderGroupLimit, shard);
    } catch (err) {
      this.deps.log.warn('order_group_failed', { eventTicker: game.eventTicker, error: errText(err) });
    }
    // Plan again from the orders as they are now: another sync of this game (a requote during the group's
    // round trip) may have placed orders in the very slots a plan made before the wait would create again.
    const plan = planOrders(desired, this.ordersOf(game.tickers), { amend: this.deps.amend });
    const report = this.newReport(game, plan);
    if (groupId === undefined && plan.creates.length > 0) {
      // Never place an order outside its game's group; try again once the create's floor has passed.
      const floor = this.backoff.blocked(game.eventTicker, this.deps.clock.now());
      report.deferred += plan.creates.length;
      report.retryAfterMs = floor ? Math.max(1, floor.untilMs - this.deps.clock.now()) : 1_000;
      plan.creates.length = 0;
    }
    return this.fire(game, plan, report, groupId);
  }

  /** Gates the plan's writes and fires them; the report once they settle (at once when there are none). */
  private fire(
    game: GameBinding,
    plan: ReconcilePlan,
    report: SyncReport,
    groupId: string | undefined,
  ): SyncReport | Promise<SyncReport> {
    // Everything below is synchronous until the requests are fired, so each gate sees every earlier write.
    const cancels: Tracked[] = [];
    for (const c of plan.cancels) {
      const o = this.findByOrderId(c.orderId);
      if (o && o.state === 'resting') cancels.push(o);
    }
    // An order sent before the game's start moved earlier expires after the new hard stop: were we to die, it
    // would rest into the game. Take it down; the next sync creates it again with the new expiration.
    const expiry = game.expiresAtMs;
    if (expiry !== undefined)
      this.eachOf(game.tickers, (o) => {
        if (
          o.state === 'resting' &&
          o.expiresAtMs !== undefined &&
          o.expiresAtMs > expiry &&
          !cancels.includes(o)
        ) {
          cancels.push(o);
          this.waiting.add(game.eventTicker); // once these cancels settle, the game requotes (onSettled)
        }
      });

    const amends: { o: Tracked; price: Micros; remaining: Centis }[] = [];
    for (const a of plan.amends) {
      const o = this.findByOrderId(a.orderId);
      if (o?.state !== 'resting' || cancels.includes(o)) continue;
      const orders = this.gameOrders(game);
      const idx = orders.findIndex((x) => x.key === o.key);
      // Fills the exchange reported but whose messages we have not seen stay on this order's account.
      const unseen = Math.max(0, o.filled - o.seen);
      const d = gate(
        { ...game.risk(), orders },
        {
          kind: 'amend',
          ticker: o.ticker,
          side: o.side,
          size: a.remaining + unseen,
          currentRemaining: exposureOf(o),
          orderIndex: idx,
        },
      );
      if (!d.allow) {
        report.denials.push({ ticker: o.ticker, side: o.side, reason: d.reason, detail: d.detail });
        cancels.push(o); // the order cannot be what we want: take it down
        continue;
      }
      // Kalshi's amend count is the new total; the exposure it adds beyond seen fills is what the gate allowed.
      const newTotal = o.seen + d.size;
      if (newTotal === o.total && a.price === o.price) continue; // clipped back to what rests: nothing to write
      if (!this.deps.budget.tryTake(this.deps.writeCost)) {
        report.deferred++;
        continue;
      }
      o.before = { price: o.price, total: o.total };
      o.state = 'pending';
      o.sinceMs = this.deps.clock.now();
      o.pendingTotal = newTotal;
      refresh(o);
      amends.push({ o, price: a.price, remaining: d.size });
    }

    const decreases: { o: Tracked; reduceTo: Centis }[] = [];
    for (const dec of plan.decreases) {
      const o = this.findByOrderId(dec.orderId);
      if (o?.state !== 'resting' || cancels.includes(o)) continue;
      if (!this.deps.budget.tryTake(this.deps.writeCost)) {
        report.deferred++;
        continue;
      }
      o.before = { price: o.price, total: o.total };
      o.state = 'pending';
      o.sinceMs = this.deps.clock.now();
      decreases.push({ o, reduceTo: dec.reduceTo });
    }

    const creates: Tracked[] = [];
    // A lasting refusal holds the game's creates until its backoff ends (cancels, amends still go).
    const held =
      plan.creates.length > 0 ? this.backoff.blocked(game.eventTicker, this.deps.clock.now()) : null;
    if (held || (plan.creates.length > 0 && groupId === undefined)) {
      report.deferred += plan.creates.length;
      const wait = held ? held.untilMs - this.deps.clock.now() : 1_000;
      report.retryAfterMs = Math.max(report.retryAfterMs, 1, wait);
    }
    for (const c of held || groupId === undefined ? [] : plan.creates) {
      const d = gate(
        { ...game.risk(), orders: this.gameOrders(game) },
        { kind: 'create', ticker: c.ticker, side: c.side, size: c.size },
      );
      if (!d.allow) {
        report.denials.push({ ticker: c.ticker, side: c.side, reason: d.reason, detail: d.detail });
        continue;
      }
      if (!this.deps.budget.tryTake(this.deps.writeCost)) {
        report.deferred++;
        continue;
      }
      const o: Tracked = {
        key: this.nextKey++,
        eventTicker: game.eventTicker,
        orderId: null,
        clientOrderId: `${this.deps.clientOrderPrefix}-${this.boot}-${this.nextClientSeq++}`,
        ticker: c.ticker,
        side: c.side,
        price: c.price,
        remaining: d.size,
        filled: 0,
        state: 'pending',
        sinceMs: this.deps.clock.now(),
        total: d.size,
        seen: 0,
        reserve: 0,
        pendingTotal: null,
        exTsMs: null,
        ackedMs: Number.NEGATIVE_INFINITY,
      };
      this.addOrder(o);
      creates.push(o);
    }
    for (const o of cancels) {
      this.deps.budget.force(this.deps.cancelCost);
      o.state = 'pending';
      o.sinceMs = this.deps.clock.now();
    }

    for (const dn of report.denials) {
      this.deps.metrics.count('RiskDenied', 1, { reason: dn.reason });
      this.deps.log.info('risk_denied', { eventTicker: game.eventTicker, ...dn });
    }
    if (report.deferred > 0)
      report.retryAfterMs = Math.max(report.retryAfterMs, 1, this.deps.budget.waitMs(this.deps.writeCost));

    // Fire: cancels first, then the rest concurrently.
    const work: Promise<void>[] = [];
    if (cancels.length > 0) work.push(this.track(this.sendCancels(cancels, game)));
    for (const d of decreases) work.push(this.track(this.sendDecrease(d.o, d.reduceTo, game)));
    for (const a of amends) work.push(this.track(this.sendAmend(a.o, a.price, a.remaining, game)));
    if (creates.length > 0) work.push(this.track(this.sendCreates(creates, game, groupId)));
    report.writes = cancels.length + decreases.length + amends.length + creates.length;
    if (work.length === 0) return report;
    return this.settleWrites(work, report);
  }

  private async settleWrites(work: Promise<void>[], report: SyncReport): Promise<SyncReport> {
    const limitedBefore = this.stats.rateLimited;
    await Promise.all(work);
    const limited = this.stats.rateLimited - limitedBefore;
    if (limited > 0) {
      // Refused for rate: try again once the exchange's bucket has had time to refill (no Retry-After on 429).
      report.deferred += limited;
      report.retryAfterMs = Math.max(report.retryAfterMs, 1_000);
    }
    return report;
  }

  /** Cancels every non-pending order of these tickers (stop time, halts). Same path as a sync with nothing desired. */
  cancelAll(game: GameBinding): Promise<SyncReport> {
    return this.sync(game, []);
  }

  // ------------------------------------------------------------- feed input

  /** A fill: moves size out of the order (position is the inventory's job). */
  onFill(fill: FillEvent): void {
    const o =
      this.findByOrderId(fill.orderId) ??
      (fill.clientOrderId ? this.findByClientId(fill.clientOrderId) : undefined);
    if (!o) {
      // A ghost of a create we never had an order id for is kept under its client id.
      const key = this.ghosts.has(fill.orderId)
        ? fill.orderId
        : fill.clientOrderId
          ? clientGhostKey(fill.clientOrderId)
          : undefined;
      const g = key === undefined ? undefined : this.ghosts.get(key);
      if (key !== undefined && g) {
        g.remaining -= fill.count;
        if (g.remaining <= 0) this.ghosts.delete(key);
      }
      return;
    }
    o.seen += fill.count;
    o.filled = Math.max(o.filled, o.seen);
    // Not a release of the reserve: subtracting the fill from both `total − seen` and `reserve`
    // would count it twice and forget an order that still rests. See `Tracked`.
    const hidden = Math.min(o.reserve, fill.count);
    o.total += hidden;
    o.reserve -= hidden;
    refresh(o);
    if (exposureOf(o) === 0 && o.state !== 'pending') this.removeOrder(o);
  }

  /**
   * A user_orders update: the exchange's view of one order, applied unless a
   * write on it is in flight. Updates have no sequence number: a snapshot taken
   * before one of our writes can arrive after its ack. One older than what we
   * know is ignored; one we cannot order (no timestamp on either side, or a
   * write of unknown outcome that may land after it) may raise the counted
   * size, never lower it.
   */
  onOrderUpdate(ev: Extract<FeedEvent, { type: 'order' }>): void {
    const o =
      this.findByOrderId(ev.orderId) ??
      (ev.clientOrderId ? this.findByClientId(ev.clientOrderId) : undefined);
    if (!o || o.state === 'pending') return;
    if (ev.status === 'canceled' || ev.status === 'executed') {
      // Off the book (final, whenever it was sent). Fills of it whose messages have not arrived yet still
      // count until they do.
      if (ev.orderId) this.setOrderId(o, ev.orderId);
      this.removeOrder(o);
      this.addGhost(o, Math.max(0, ev.filled - o.seen));
      return;
    }
    if (ev.status !== 'resting') return;
    if (ev.tsMs !== undefined && o.exTsMs !== null && ev.tsMs < o.exTsMs) return; // older than our last ack
    const ordered = ev.tsMs !== undefined && o.exTsMs !== null && o.state === 'resting';
    if (ordered) this.takeExchangeView(o, ev.orderId, ev.price, ev.remaining, ev.filled);
    else this.raiseToExchangeView(o, ev);
    if (ev.tsMs !== undefined) o.exTsMs = Math.max(o.exTsMs ?? ev.tsMs, ev.tsMs);
  }

  /**
   * An exchange view we cannot place in time relative to our own writes: keep
   * the larger of the two exposures. An order whose amend outcome is unknown
   * stays uncertain (the amend may still land after this snapshot was taken):
   * only a listing decides it.
   */
  private raiseToExchangeView(o: Tracked, ev: Extract<FeedEvent, { type: 'order' }>): void {
    const before = exposureOf(o);
    this.setOrderId(o, ev.orderId);
    o.total = Math.max(o.total, ev.filled + ev.remaining);
    o.filled = Math.max(o.filled, o.seen, ev.filled);
    if (o.state === 'uncertain' && o.pendingTotal !== null) {
      refresh(o);
      return;
    }
    o.price = ev.price;
    o.pendingTotal = null;
    o.state = 'resting';
    o.before = undefined;
    o.reserve = Math.max(0, before - Math.max(0, o.total - o.seen));
    refresh(o);
  }

  // ------------------------------------------------------------- reconciliation

  applyReconciliation(
    actions: readonly OrderAction[],
    eventOf: (ticker: string) => string | undefined,
    /** When the listing was requested: an order written or acknowledged since may be listed as it was before. */
    listingStartedMs: number = Number.NEGATIVE_INFINITY,
  ): number {
    let changes = 0;
    const foreignOurs: Tracked[] = [];
    for (const a of actions) {
      if (a.kind === 'confirm') {
        const o = this.findLocal(a.local);
        if (!o || o.state === 'pending') continue;
        const ex = a.exchange;
        if (o.state === 'resting' && Math.max(o.sinceMs, o.ackedMs) >= listingStartedMs) {
          // The listing may show the order before our last write: it may raise what we count
          // (fills or size we did not know of), never lower it; the next listing confirms.
          const listedTotal = ex.filled + ex.remaining;
          if (listedTotal > o.total) {
            o.total = listedTotal;
            o.filled = Math.max(o.filled, ex.filled);
            refresh(o);
            changes++;
          }
          continue;
        }
        if (
          o.state !== 'resting' ||
          o.orderId !== ex.orderId ||
          o.remaining !== ex.remaining ||
          o.price !== ex.price
        )
          changes++;
        this.takeExchangeView(o, ex.orderId, ex.price, ex.remaining, ex.filled);
      } else if (a.kind === 'forget') {
        const o = this.findLocal(a.local);
        if (o && o.state !== 'pending') {
          this.removeOrder(o);
          this.addGhost(o, exposureOf(o)); // cancelled or filled: until we know, count it
          changes++;
        }
      } else if (a.kind === 'adopt') {
        const eventTicker = eventOf(a.exchange.ticker);
        if (!eventTicker) continue;
        this.adopt(a.exchange, eventTicker);
        changes++;
        this.deps.log.warn('order_adopted', { orderId: a.exchange.orderId, ticker: a.exchange.ticker });
      } else if (a.kind === 'cancel') {
        foreignOurs.push({
          ...a.exchange,
          key: -1,
          eventTicker: '',
          state: 'pending',
          sinceMs: this.deps.clock.now(),
          total: a.exchange.filled + a.exchange.remaining,
          seen: a.exchange.filled,
          reserve: 0,
          pendingTotal: null,
          exTsMs: null,
          ackedMs: Number.NEGATIVE_INFINITY,
        });
        changes++;
      } else
        this.deps.log.warn('foreign_order_ignored', {
          orderId: a.exchange.orderId,
          ticker: a.exchange.ticker,
        });
    }
    if (foreignOurs.length > 0) void this.track(this.sendCancels(foreignOurs));
    return changes;
  }

  /** An order found resting: its past fills are already in the exchange positions we reconcile to. */
  private adopt(ex: ExchangeOrder, eventTicker: string): void {
    // After a restart the game keeps the group its resting orders are in: never split across two groups.
    if (ex.orderGroupId) this.groups.adopt(eventTicker, ex.orderGroupId);
    const o: Tracked = {
      ...ex,
      key: this.nextKey++,
      eventTicker,
      state: 'resting',
      sinceMs: this.deps.clock.now(),
      total: ex.filled + ex.remaining,
      seen: ex.filled,
      reserve: 0,
      pendingTotal: null,
      exTsMs: null,
      ackedMs: Number.NEGATIVE_INFINITY,
    };
    this.addOrder(o);
  }

  // ------------------------------------------------------------- writes

  private async sendCancels(list: Tracked[], game?: GameBinding): Promise<void> {
    // Routed to the order's shard like every other write: a cancel sent elsewhere can find nothing.
    const reqs: CancelOrderRequest[] = list.map((o) => ({
      orderId: o.orderId!,
      ticker: o.ticker,
      exchangeIndex: game?.exchangeIndex(o.ticker) ?? o.exchangeIndex,
    }));
    const results = await settle(() => this.deps.gateway.cancelOrders(reqs), reqs.length);
    list.forEach((o, i) => {
      const r = results[i]!;
      this.audit('cancel', o, r);
      if (o.key < 0) return; // an untracked order of ours in a market we left
      if (r.ok) {
        this.removeOrder(o);
        // A cancel ack can describe another order, and fills may still be in flight: keep counting
        // the order until the next listing (which adopts it if it still rests) or its fill messages.
        this.addGhost(o, exposureOf(o));
        this.deps.metrics.count(WorkerMetric.OrdersCancelled);
      } else if (r.kind === 'rate_limited') {
        o.state = 'resting';
        this.count429();
      } else o.state = 'uncertain'; // refused or unknown: reconciliation decides whether it still rests
    });
    this.afterWrite(list);
  }

  private async sendDecrease(o: Tracked, reduceTo: Centis, game: GameBinding): Promise<void> {
    const r = await settleOne(() =>
      this.deps.gateway.decreaseOrder({
        orderId: o.orderId!,
        ticker: o.ticker,
        reduceTo,
        exchangeIndex: game.exchangeIndex(o.ticker),
      }),
    );
    this.audit('decrease', o, r);
    if (r.ok) {
      const before = exposureOf(o);
      if (r.value.filled === null) {
        // Unknown filled count: fills we have not seen may hide in the difference; keep it counted.
        // `before` already holds any earlier reserve, so the new one replaces it (adding would stack it).
        o.total = Math.max(o.seen, o.filled) + r.value.remaining;
        const after = Math.max(0, o.total - o.seen);
        o.reserve = Math.max(0, before - after);
      } else o.total = r.value.filled + r.value.remaining;
      this.settleAck(o, o.price, r.value);
    } else this.refused(o, r.kind);
    this.afterWrite([o]);
  }

  private async sendAmend(o: Tracked, price: Micros, remaining: Centis, game: GameBinding): Promise<void> {
    const r = await settleOne(() =>
      this.deps.gateway.amendOrder({
        orderId: o.orderId!,
        ticker: o.ticker,
        side: o.side,
        price,
        count: o.pendingTotal ?? o.filled + remaining,
        exchangeIndex: game.exchangeIndex(o.ticker),
      }),
    );
    this.audit('amend', o, r, price, remaining);
    if (r.ok) {
      // The count sent is the new total, whatever filled meanwhile.
      o.total = o.pendingTotal ?? o.total;
      if (r.value.filled !== null) {
        // The ack states the total (filled + remaining): no doubt left for a reserve to cover. The larger
        // of the two, should more have filled than the count we sent.
        o.total = Math.max(o.total, r.value.filled + r.value.remaining);
        o.reserve = 0;
      }
      this.settleAck(o, price, r.value);
    } else this.refused(o, r.kind);
    this.afterWrite([o]);
  }

  private async sendCreates(list: Tracked[], game: GameBinding, groupId: string | undefined): Promise<void> {
    const expiresAtMs = game.expiresAtMs;
    for (const o of list) if (expiresAtMs !== undefined) o.expiresAtMs = expiresAtMs;
    const reqs: CreateOrderRequest[] = list.map((o) => ({
      ticker: o.ticker,
      side: o.side,
      price: o.price,
      count: o.remaining,
      clientOrderId: o.clientOrderId!,
      postOnly: true,
      cancelOnPause: true,
      orderGroupId: groupId,
      exchangeIndex: game.exchangeIndex(o.ticker),
      expirationTime: expiresAtMs === undefined ? undefined : Math.floor(expiresAtMs / 1000),
    }));
    const results = await settle(() => this.deps.gateway.createOrders(reqs), reqs.length);
    const refusals = new Set<Refusal>();
    list.forEach((o, i) => {
      const r = results[i]!;
      this.audit('create', o, r);
      if (!r.ok && r.kind === 'rejected') {
        const refusal = classifyRefusal(r.code, r.message);
        if (refusal) refusals.add(refusal);
      }
      if (r.ok) {
        this.setOrderId(o, r.value.orderId);
        this.deps.metrics.count(WorkerMetric.OrdersCreated);
        if (r.value.filled !== null) o.total = Math.min(o.total, r.value.filled + r.value.remaining);
        this.settleAck(o, o.price, r.value);
      } else if (r.kind === 'unknown') o.state = 'uncertain';
      else {
        if (r.kind === 'rate_limited') this.count429();
        this.removeOrder(o);
      }
    });
    this.onRefusals(
      game.eventTicker,
      refusals,
      results.some((r) => r.ok),
    );
    this.afterWrite(list);
  }

  /** One backoff step per reason per batch (four refused sides are one refusal, not four). */
  private onRefusals(eventTicker: string, refusals: ReadonlySet<Refusal>, accepted: boolean): void {
    const now = this.deps.clock.now();
    if (accepted && refusals.size === 0) this.backoff.cleared(eventTicker);
    for (const refusal of refusals) {
      this.deps.metrics.count(WorkerMetric.WritesRefused, 1, { Reason: refusal });
      if (refusal === 'group-tripped') this.groups.trip(eventTicker);
      else {
        const until = this.backoff.refused(eventTicker, refusal, now);
        this.deps.log.warn('writes_refused', { eventTicker, refusal, retryInMs: until - now });
      }
    }
    // The game requotes when the hold ends (the session's retry timer follows report.retryAfterMs).
    if (refusals.size > 0) this.waiting.add(eventTicker);
  }

  /** A finished game with nothing of ours left: its order group is deleted (best effort) and forgotten. */
  releaseGroup(eventTicker: string): void {
    if (this.groups.has(eventTicker) && !this.hasInFlight(eventTicker)) void this.groups.release(eventTicker);
  }

  /** Stops the order groups' reset timers (session shutdown). */
  dispose(): void {
    this.groups.dispose();
  }

  private settleAck(o: Tracked, price: Micros, ack: OrderAck): void {
    if (ack.orderId) this.setOrderId(o, ack.orderId);
    o.ackedMs = this.deps.clock.now();
    // An order update older than this ack describes the order before this write.
    if (ack.tsMs !== undefined) o.exTsMs = Math.max(o.exTsMs ?? ack.tsMs, ack.tsMs);
    o.price = price;
    if (ack.filled !== null) o.filled = Math.max(o.filled, ack.filled);
    o.pendingTotal = null;
    o.state = 'resting';
    o.before = undefined;
    refresh(o);
    if (exposureOf(o) === 0) this.removeOrder(o);
  }

  /** A listing or order snapshot: the exchange's total, less the fills we have seen. */
  private takeExchangeView(
    o: Tracked,
    orderId: string,
    price: Micros,
    remaining: Centis,
    filled: Centis,
  ): void {
    this.setOrderId(o, orderId);
    o.price = price;
    o.total = filled + remaining;
    o.filled = Math.max(o.seen, filled);
    o.reserve = 0;
    o.pendingTotal = null;
    o.state = 'resting';
    o.before = undefined;
    refresh(o);
  }

  private refused(o: Tracked, kind: 'rejected' | 'rate_limited' | 'unknown'): void {
    if (kind === 'rate_limited') this.count429();
    if (kind === 'unknown') {
      o.state = 'uncertain';
      return;
    }
    // Certainly not applied: the order is what it was (less any fills meanwhile).
    if (o.before) {
      o.price = o.before.price;
      o.total = o.before.total;
    }
    o.before = undefined;
    o.pendingTotal = null;
    o.state = 'resting';
    refresh(o);
    if (exposureOf(o) === 0) this.removeOrder(o);
  }

  private afterWrite(list: readonly Tracked[]): void {
    const games = new Set(list.map((o) => o.eventTicker).filter((g) => g !== ''));
    for (const g of games) {
      if (this.waiting.has(g) && !this.hasInFlight(g)) {
        this.waiting.delete(g);
        this.deps.onSettled(g);
      }
    }
  }

  private gameOrders(game: GameBinding): (ExposureOrder & { key: number })[] {
    const out: (ExposureOrder & { key: number })[] = [];
    this.eachOf(game.tickers, (o) =>
      out.push({ ticker: o.ticker, side: o.side, remaining: exposureOf(o), key: o.key }),
    );
    for (const g of this.ghostsOf(game.tickers)) out.push({ ...g, key: -1 });
    return out;
  }

  private ghostsOf(tickers: readonly string[]): ExposureOrder[] {
    return [...this.ghosts.values()]
      .filter((g) => tickers.includes(g.ticker))
      .map((g) => ({ ticker: g.ticker, side: g.side, remaining: g.remaining }));
  }

  /**
   * Forgets ghosts created before a listing that started at `beforeMs`: that listing is the truth for them
   * (except in `keep`, markets whose position drift was not corrected yet).
   */
  dropGhosts(beforeMs: number, keep: ReadonlySet<string> = new Set()): void {
    for (const [id, g] of this.ghosts)
      if (g.sinceMs < beforeMs && !keep.has(g.ticker)) this.ghosts.delete(id);
  }

  /**
   * A create whose outcome was unknown and that a listing did not show may
   * still land (a timed-out request the exchange processes late): without an
   * order id its ghost is kept under its client id, so the gate counts it until
   * the next listing (which adopts it if it landed) or its fill messages.
   */
  private addGhost(o: Tracked, remaining: Centis): void {
    if (remaining <= 0 || o.key < 0) return;
    const key = o.orderId ?? (o.clientOrderId === null ? null : clientGhostKey(o.clientOrderId));
    if (key === null) return;
    this.ghosts.set(key, {
      eventTicker: o.eventTicker,
      ticker: o.ticker,
      side: o.side,
      remaining,
      sinceMs: this.deps.clock.now(),
    });
  }

  private findByOrderId(id: string): Tracked | undefined {
    return this.byOrderId.get(id);
  }

  private findByClientId(id: string): Tracked | undefined {
    return this.byClientId.get(id);
  }

  private findLocal(l: LiveOrder): Tracked | undefined {
    return (
      (l.orderId !== null ? this.findByOrderId(l.orderId) : undefined) ??
      (l.clientOrderId !== null ? this.findByClientId(l.clientOrderId) : undefined)
    );
  }

  private count429(): void {
    this.stats.rateLimited++;
    this.deps.metrics.count('RateLimited');
  }

  private audit(action: string, o: Tracked, r: WriteOutcome<unknown>, price?: Micros, count?: Centis): void {
    this.deps.metrics.count('OrderWrites', 1, { action });
    if (!r.ok) this.stats.writeFailures++;
    // A fenced write (kill switch, lost lease) is the fence doing its job, not a failure to alert on.
    if (!r.ok)
      this.deps.log[r.code === 'fenced' ? 'info' : 'warn']('order_write_failed', {
        action,
        ticker: o.ticker,
        side: o.side,
        kind: r.kind,
        code: r.code ?? null,
        message: r.message,
      });
    const sink = this.deps.audit;
    if (!sink) return;
    const p = sink
      .order({
        action,
        ticker: o.ticker,
        side: o.side,
        orderId: o.orderId ?? undefined,
        clientOrderId: o.clientOrderId ?? undefined,
        price: price ?? o.price,
        count: count ?? o.remaining,
        outcome: r.ok ? 'ok' : r.kind,
        atMs: this.deps.clock.now(),
      })
      .catch((err: unknown) => this.deps.log.warn('audit_failed', { error: errText(err) }))
      .finally(() => this.auditWrites.delete(p));
    this.auditWrites.add(p);
  }

  private track(p: Promise<void>): Promise<void> {
    this.inFlight++;
    return p
      .catch((err: unknown) => this.deps.log.error('order_write_crashed', { error: errText(err) }))
      .finally(() => {
        this.inFlight--;
        if (this.inFlight === 0) for (const f of this.idle.splice(0)) f();
      });
  }
}

/** Plan-visible remaining: what rests on the exchange (the larger total while an amend is in flight). */
function refresh(o: Tracked): void {
  o.remaining = Math.max(0, Math.max(o.total, o.pendingTotal ?? 0) - Math.max(o.seen, o.filled));
}

/** What the risk gate counts for an order: everything not yet in the position (unseen fills included) plus any reserve. */
const exposureOf = (o: Tracked): Centis =>
  Math.max(0, Math.max(o.total, o.pendingTotal ?? 0) - o.seen) + o.reserve;

/** Ghost-map key of an order known only by our client id (prefixed: kept apart from exchange order ids). */
const clientGhostKey = (clientOrderId: string): string => `client:${clientOrderId}`;

function addTo(index: Map<string, Set<Tracked>>, key: string, o: Tracked): void {
  let set = index.get(key);
  if (!set) {
    set = new Set();
    index.set(key, set);
  }
  set.add(o);
}

function removeFrom(index: Map<string, Set<Tracked>>, key: string, o: Tracked): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(o);
  if (set.size === 0) index.delete(key);
}

function strip(o: Tracked): LiveOrder {
  return {
    orderId: o.orderId,
    clientOrderId: o.clientOrderId,
    ticker: o.ticker,
    side: o.side,
    price: o.price,
    remaining: o.remaining,
    filled: o.filled,
    state: o.state,
    sinceMs: o.sinceMs,
  };
}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 300);

/** A gateway call that throws is an unknown outcome for every item, never a crash. */
async function settle<T>(call: () => Promise<WriteOutcome<T>[]>, n: number): Promise<WriteOutcome<T>[]> {
  try {
    const out = await call();
    return Array.from(
      { length: n },
      (_, i) => out[i] ?? { ok: false, kind: 'unknown', message: 'missing result' },
    );
  } catch (err) {
    return Array.from({ length: n }, () => ({
      ok: false as const,
      kind: 'unknown' as const,
      message: errText(err),
    }));
  }
}

async function settleOne<T>(call: () => Promise<WriteOutcome<T>>): Promise<WriteOutcome<T>> {
  try {
    return await call();
  } catch (err) {
    return { ok: false, kind: 'unknown', message: errText(err) };
  }
}
