/**
 * The order manager: turns a game's desired quotes into exchange writes. A
 * facade over four parts, each in its own module:
 *
 * - the ledger (order-ledger.ts): a pure transition table for one order's
 *   state, applied by the order store (order-store.ts, the indexed orders);
 * - ghosts (order-ghosts.ts): size gone from the book whose fill messages are late;
 * - the gate (order-gate.ts): every write of the plan (order-plan.ts) passes
 *   the risk gate with the game's exposure *including* pending and uncertain
 *   orders, evaluated synchronously just before the request is built, and
 *   spends the write budget;
 * - the executor (order-executor.ts): sends the gated plan, feeds outcomes back.
 *
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
import type { Centis, Micros } from '../../shared/units.ts';
import { CreateQueue } from './create-queue.ts';
import { CreateSlots } from './create-slots.ts';
import type { ExposureOrder } from './exposure.ts';
import { errText, OrderExecutor } from './order-executor.ts';
import { admit, type GameBinding, type GateDeps, type SyncReport } from './order-gate.ts';
import { OrderGroups } from './order-groups.ts';
import { exposureOf, type LedgerOrder, listed, strip } from './order-ledger.ts';
import { planOrders, type ReconcilePlan } from './order-plan.ts';
import { OrderStore } from './order-store.ts';
import { shownAtPrice } from './own-book.ts';
import type {
  AuditSink,
  BookReader,
  BookSide,
  DesiredQuote,
  EngineLogger,
  EngineMetrics,
  ExchangeGateway,
  ExchangeOrder,
  FeedEvent,
  FillEvent,
  LiveOrder,
} from './ports.ts';
import type { OrderAction } from './reconcile.ts';
import { RefusalBackoff, refusalReason } from './refusal-backoff.ts';
import type { WriteBudget } from './write-budget.ts';

export type { GameBinding, RiskDenial, SyncReport } from './order-gate.ts';

export interface OrderManagerDeps {
  gateway: ExchangeGateway;
  clock: Clock;
  log: EngineLogger;
  metrics: EngineMetrics;
  audit?: AuditSink;
  /** The write budget: the REST limiter's write bucket in production (write-budget.ts). */
  budget: WriteBudget;
  clientOrderPrefix: string;
  amend: boolean;
  /** Token costs of a write and a cancel when the budget has no cost table of its own (write-budget.ts `costOf`). */
  writeCost: number;
  cancelCost: number;
  /** How long after a trip the game's order group is reset (Kalshi's window: 15 s). */
  orderGroupResetMs?: number;
  /** Called when a game's last in-flight write settles and a sync was waiting for it. */
  onSettled(eventTicker: string): void;
  /** Create requests in flight at most (create-slots.ts; default MAX_CREATES_IN_FLIGHT). */
  maxCreatesInFlight?: number;
}

export class OrderManager {
  private readonly store: OrderStore;
  private readonly executor: OrderExecutor;
  private readonly gate: GateDeps;
  /** Create requests in flight, capped; waiting games are woken as `onSettled` (create-slots.ts). */
  readonly slots: CreateSlots;
  /** Market sides waiting for a create, oldest first to be paid (create-queue.ts). */
  readonly createQueue = new CreateQueue();
  private nextClientSeq = 1;
  private readonly boot: string;
  /** Lasting refusals back off per game and reason (refusal-backoff.ts). */
  readonly backoff = new RefusalBackoff();
  readonly groups: OrderGroups;
  /** Counters for the dashboard. */
  readonly stats: { rateLimited: number; writeFailures: number };

  constructor(private readonly deps: OrderManagerDeps) {
    this.boot = deps.clock.now().toString(36);
    this.groups = new OrderGroups({
      ...deps,
      backoff: this.backoff,
      onReady: (g) => deps.onSettled(g),
      ...(deps.orderGroupResetMs === undefined ? {} : { windowMs: deps.orderGroupResetMs }),
    });
    this.store = new OrderStore(deps.clock);
    this.executor = new OrderExecutor({
      ...deps,
      store: this.store,
      backoff: this.backoff,
      groups: this.groups,
    });
    this.stats = this.executor.stats;
    this.slots = new CreateSlots(deps.clock, (g) => deps.onSettled(g), deps.maxCreatesInFlight);
    this.gate = {
      slots: this.slots,
      queue: this.createQueue,
      ...deps,
      store: this.store,
      backoff: this.backoff,
      nextClientOrderId: () => `${deps.clientOrderPrefix}-${this.boot}-${this.nextClientSeq++}`,
      wait: (g) => this.executor.wait(g),
    };
  }

  /** The quoting reason of a lasting refusal the game is backing off from (or null). */
  refusalOf(eventTicker: string): ReturnType<typeof refusalReason> | null {
    const r = this.backoff.current(eventTicker);
    return r === null ? null : refusalReason(r);
  }

  // ------------------------------------------------------------- views

  /** All tracked orders (resting, pending, uncertain). */
  all(): LiveOrder[] {
    return [...this.store.all()].map(strip);
  }

  /** Whether any tracked order's write outcome is unknown (`all().some(uncertain)` without copying every order). */
  hasUncertain(): boolean {
    for (const o of this.store.all()) if (o.state === 'uncertain') return true;
    return false;
  }

  /** Whether any order of these markets rests (`ordersOf(tickers).some(resting)` without the copies). */
  hasResting(tickers: readonly string[]): boolean {
    for (const t of tickers) {
      const set = this.store.ofTicker(t);
      if (set) for (const o of set) if (o.state === 'resting') return true;
    }
    return false;
  }

  /** Amended orders these books show at their new price have left their old level for good (own-book.ts). */
  bookShown(tickers: readonly string[], books: BookReader): void {
    this.store.eachOf(tickers, (o) => {
      if (o.bookPrice === undefined || o.state !== 'resting') return;
      const b = books.book(o.ticker);
      if (b?.valid && shownAtPrice(o.side === 'bid' ? b.bids : b.asks, o))
        this.store.apply(o, { type: 'book-shown' });
    });
  }

  /** The orders of these markets, market by market (insertion order within a market). */
  ordersOf(tickers: readonly string[]): LiveOrder[] {
    const out: LiveOrder[] = [];
    this.store.eachOf(tickers, (o) => out.push(strip(o)));
    return out;
  }

  exposureOrders(tickers: readonly string[]): ExposureOrder[] {
    const out: ExposureOrder[] = [];
    this.store.eachOf(tickers, (o) => out.push({ ticker: o.ticker, side: o.side, remaining: exposureOf(o) }));
    return out.concat(this.store.ghosts.of(tickers));
  }

  /**
   * Our size that may be on the book at one price of one side of a market (Centis): what the
   * visible depth there may hold of ours. An order with a write in flight or an unknown outcome
   * counts too, at the larger of its sizes: the depth without our own is what others offer, and
   * leaving our order out while its write was in flight made it count as others' depth, raising
   * the game's limit (and so our sizes) until the write landed and lowering it again after. An
   * amend to a new price counts at both prices until its answer (it may rest at either).
   */
  restingAt(ticker: string, side: BookSide, price: Micros): Centis {
    let size = 0;
    const set = this.store.ofTicker(ticker);
    if (set)
      for (const o of set)
        if (o.side === side && (o.price === price || o.pendingPrice === price)) size += o.remaining;
    return size;
  }

  /** The tracked order with this exchange id (tests check the index against a scan). */
  trackedByOrderId(orderId: string): LiveOrder | undefined {
    const o = this.store.byId(orderId);
    return o ? strip(o) : undefined;
  }

  /** Gate-visible exposure that is not on the book any more (order-ghosts.ts). */
  ghostCount(): number {
    return this.store.ghosts.size;
  }

  hasInFlight(eventTicker: string): boolean {
    return this.store.hasInFlight(eventTicker);
  }

  /** Order writes sent and not yet answered (the kill switch does not call a listing proof while any is). */
  writesInFlight(): number {
    return this.executor.writesInFlight();
  }

  /** Resolves once no write (nor its audit record) is in flight (tests, shutdown). */
  settled(): Promise<void> {
    return this.executor.settled();
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
    if (plan.blocked.length > 0 && this.hasInFlight(game.eventTicker)) this.executor.wait(game.eventTicker);
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
    // Never place an order outside its game's group: without one the gate defers the creates until the
    // create's floor has passed (or 1 s), and they stay in the create queue (the CreatesStarved gauge).
    return this.fire(game, plan, report, groupId);
  }

  /** Gates the plan's writes and hands them to the executor; the report once they settle (at once when none). */
  private fire(
    game: GameBinding,
    plan: ReconcilePlan,
    report: SyncReport,
    groupId: string | undefined,
  ): SyncReport | Promise<SyncReport> {
    const gated = admit(this.gate, game, plan, report, groupId);
    report.writes =
      gated.cancels.length + gated.decreases.length + gated.amends.length + gated.creates.length;
    const sent = this.executor.send(gated, game, groupId);
    // The create request's slot is free again once it is answered (or failed): the oldest waiting game wakes.
    if (gated.creates.length > 0) void sent?.finally(() => this.slots.release());
    if (sent === null) return report;
    return sent.then(({ rateLimited }) => {
      if (rateLimited > 0) {
        // Refused for rate: try again once the exchange's bucket has had time to refill (no Retry-After on 429).
        report.deferred += rateLimited;
        report.retryAfterMs = Math.max(report.retryAfterMs, 1_000);
      }
      return report;
    });
  }

  /** Cancels every non-pending order of these tickers (stop time, halts). Same path as a sync with nothing desired. */
  cancelAll(game: GameBinding): Promise<SyncReport> {
    return this.sync(game, []);
  }

  // ------------------------------------------------------------- feed input

  /** A fill: moves size out of the order (position is the inventory's job), or out of its ghost. */
  onFill(fill: FillEvent): void {
    const o = this.store.find({ orderId: fill.orderId, clientOrderId: fill.clientOrderId ?? null });
    if (o) this.store.apply(o, { type: 'fill', count: fill.count, tsMs: fill.tsMs });
    else if (!this.store.countedAtAdoption(fill)) this.store.ghosts.onFill(fill);
  }

  /** A user_orders update: the exchange's view of one order (see the ledger for the ordering rules). */
  onOrderUpdate(ev: Extract<FeedEvent, { type: 'order' }>): void {
    const o = this.store.find({ orderId: ev.orderId, clientOrderId: ev.clientOrderId ?? null });
    if (o) this.store.apply(o, { type: 'order-update', update: ev });
  }

  // ------------------------------------------------------------- reconciliation

  applyReconciliation(
    actions: readonly OrderAction[],
    eventOf: (ticker: string) => string | undefined,
    /** When the listing was requested: an order written or acknowledged since may be listed as it was before. */
    listingStartedMs: number = Number.NEGATIVE_INFINITY,
  ): number {
    let changes = 0;
    const foreignOurs: LedgerOrder[] = [];
    const changed = (effects: readonly { type: string }[]) => effects.some((e) => e.type === 'changed');
    for (const a of actions) {
      if (a.kind === 'confirm' || a.kind === 'forget') {
        const o = this.store.find(a.local);
        if (!o) continue;
        const effects = this.store.apply(
          o,
          a.kind === 'confirm'
            ? { type: 'listed', exchange: a.exchange, listingStartedMs }
            : { type: 'unlisted' },
        );
        if (changed(effects)) changes++;
      } else if (a.kind === 'adopt') {
        const eventTicker = eventOf(a.exchange.ticker);
        if (!eventTicker) continue;
        this.adopt(a.exchange, eventTicker);
        changes++;
        this.deps.log.warn('order_adopted', { orderId: a.exchange.orderId, ticker: a.exchange.ticker });
      } else if (a.kind === 'cancel') {
        foreignOurs.push(listed(-1, '', a.exchange, 'pending', this.deps.clock.now()));
        changes++;
      } else
        this.deps.log.warn('foreign_order_ignored', {
          orderId: a.exchange.orderId,
          ticker: a.exchange.ticker,
        });
    }
    if (foreignOurs.length > 0) this.executor.cancelUntracked(foreignOurs);
    return changes;
  }

  /** An order found resting: its past fills are already in the exchange positions we reconcile to. */
  private adopt(ex: ExchangeOrder, eventTicker: string): void {
    // After a restart the game keeps the group its resting orders are in: never split across two groups.
    if (ex.orderGroupId) this.groups.adopt(eventTicker, ex.orderGroupId);
    this.store.add(listed(this.store.newKey(), eventTicker, ex, 'resting', this.deps.clock.now()));
  }

  /**
   * Forgets ghosts created before a listing that started at `beforeMs`: that listing is the truth for them
   * (except in `keep`, markets whose position drift was not corrected yet).
   */
  dropGhosts(beforeMs: number, keep: ReadonlySet<string> = new Set()): void {
    this.store.ghosts.drop(beforeMs, keep);
  }

  /** A finished game with nothing of ours left: its order group is deleted (best effort) and forgotten. */
  releaseGroup(eventTicker: string): void {
    this.createQueue.forget(eventTicker);
    if (this.groups.has(eventTicker) && !this.hasInFlight(eventTicker)) void this.groups.release(eventTicker);
  }

  /** Stops the order groups' reset timers and the create slots' backstop (session shutdown). */
  dispose(): void {
    this.groups.dispose();
    this.slots.dispose();
  }
}
