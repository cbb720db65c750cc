/**
 * The order manager: turns a game's desired quotes into exchange writes. A
 * facade over four parts, each in its own module:
 *
 * - the ledger (order-ledger.ts): a pure transition table for one order's
 *   state, applied by the order store (order-store.ts, the indexed orders);
 * - ghosts (order-ghosts.ts): size gone from the book whose fill messages are late;
 * - the gate (here): every write of the plan (order-plan.ts) passes the risk
 *   gate with the game's exposure *including* pending and uncertain orders,
 *   evaluated synchronously just before the request is built, and spends the
 *   write budget;
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
import type { ExposureOrder } from './exposure.ts';
import { errText, type GatedPlan, OrderExecutor } from './order-executor.ts';
import { OrderGroups } from './order-groups.ts';
import { exposureOf, type LedgerOrder, listed, placed, strip } from './order-ledger.ts';
import { planOrders, type ReconcilePlan } from './order-plan.ts';
import { OrderStore } from './order-store.ts';
import type {
  AuditSink,
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
import { gate, type RiskReason, type RiskState } from './risk-gate.ts';
import type { OrderWriteKind, WriteBudget } from './write-budget.ts';

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
}

export class OrderManager {
  private readonly store: OrderStore;
  private readonly executor: OrderExecutor;
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
   * Our resting size at one price of one side of a market (Centis): what the
   * visible depth there holds of ours. Pending and uncertain orders are not counted.
   */
  restingAt(ticker: string, side: BookSide, price: Micros): Centis {
    let size = 0;
    const set = this.store.ofTicker(ticker);
    if (set)
      for (const o of set)
        if (o.side === side && o.price === price && o.state === 'resting') size += o.remaining;
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
    if (groupId === undefined && plan.creates.length > 0) {
      // Never place an order outside its game's group; try again once the create's floor has passed.
      const floor = this.backoff.blocked(game.eventTicker, this.deps.clock.now());
      report.deferred += plan.creates.length;
      report.retryAfterMs = floor ? Math.max(1, floor.untilMs - this.deps.clock.now()) : 1_000;
      plan.creates.length = 0;
    }
    return this.fire(game, plan, report, groupId);
  }

  /** Gates the plan's writes and hands them to the executor; the report once they settle (at once when none). */
  private fire(
    game: GameBinding,
    plan: ReconcilePlan,
    report: SyncReport,
    groupId: string | undefined,
  ): SyncReport | Promise<SyncReport> {
    const gated = this.admit(game, plan, report, groupId);
    report.writes =
      gated.cancels.length + gated.decreases.length + gated.amends.length + gated.creates.length;
    const sent = this.executor.send(gated, game, groupId);
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

  /**
   * The gate: each write of the plan passes the risk gate and the write budget, and its order turns
   * `pending` before the next is judged. Synchronous throughout, so each gate sees every earlier write.
   */
  private admit(
    game: GameBinding,
    plan: ReconcilePlan,
    report: SyncReport,
    groupId: string | undefined,
  ): GatedPlan {
    const now = this.deps.clock.now();
    const budget = this.deps.budget;
    const costs: Partial<Record<OrderWriteKind, number>> = {};
    const cost = (kind: OrderWriteKind) =>
      (costs[kind] ??=
        budget.costOf(kind) ?? (kind === 'cancel' ? this.deps.cancelCost : this.deps.writeCost));
    const cancels: LedgerOrder[] = [];
    for (const c of plan.cancels) {
      const o = this.store.byId(c.orderId);
      if (o && o.state === 'resting') cancels.push(o);
    }
    // An order sent before the game's start moved earlier expires after the new hard stop: were we to die, it
    // would rest into the game. Take it down; the next sync creates it again with the new expiration.
    const expiry = game.expiresAtMs;
    if (expiry !== undefined)
      this.store.eachOf(game.tickers, (o) => {
        if (
          o.state === 'resting' &&
          o.expiresAtMs !== undefined &&
          o.expiresAtMs > expiry &&
          !cancels.includes(o)
        ) {
          cancels.push(o);
          this.executor.wait(game.eventTicker); // once these cancels settle, the game requotes (onSettled)
        }
      });

    const amends: GatedPlan['amends'] = [];
    for (const a of plan.amends) {
      const o = this.store.byId(a.orderId);
      if (o?.state !== 'resting' || cancels.includes(o)) continue;
      const orders = this.store.gateOrders(game.tickers);
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
      if (!budget.tryTake(cost('amend'))) {
        report.deferred++;
        continue;
      }
      this.store.apply(o, { type: 'sent', write: 'amend', total: newTotal, nowMs: now });
      amends.push({ o, price: a.price, remaining: d.size });
    }

    const decreases: GatedPlan['decreases'] = [];
    for (const dec of plan.decreases) {
      const o = this.store.byId(dec.orderId);
      if (o?.state !== 'resting' || cancels.includes(o)) continue;
      if (!budget.tryTake(cost('decrease'))) {
        report.deferred++;
        continue;
      }
      this.store.apply(o, { type: 'sent', write: 'decrease', nowMs: now });
      decreases.push({ o, reduceTo: dec.reduceTo });
    }

    const creates: LedgerOrder[] = [];
    // A lasting refusal holds the game's creates until its backoff ends (cancels, amends still go).
    const held = plan.creates.length > 0 ? this.backoff.blocked(game.eventTicker, now) : null;
    if (held || (plan.creates.length > 0 && groupId === undefined)) {
      report.deferred += plan.creates.length;
      const wait = held ? held.untilMs - now : 1_000;
      report.retryAfterMs = Math.max(report.retryAfterMs, 1, wait);
    }
    for (const c of held || groupId === undefined ? [] : plan.creates) {
      const d = gate(
        { ...game.risk(), orders: this.store.gateOrders(game.tickers) },
        { kind: 'create', ticker: c.ticker, side: c.side, size: c.size },
      );
      if (!d.allow) {
        report.denials.push({ ticker: c.ticker, side: c.side, reason: d.reason, detail: d.detail });
        continue;
      }
      if (!budget.tryTake(cost('create'))) {
        report.deferred++;
        continue;
      }
      const clientId = `${this.deps.clientOrderPrefix}-${this.boot}-${this.nextClientSeq++}`;
      const o = placed(this.store.newKey(), game.eventTicker, clientId, { ...c, size: d.size }, now);
      this.store.add(o);
      creates.push(o);
    }
    for (const o of cancels) {
      budget.force(cost('cancel'));
      this.store.apply(o, { type: 'sent', write: 'cancel', nowMs: now });
    }

    for (const dn of report.denials) {
      this.deps.metrics.count('RiskDenied', 1, { reason: dn.reason });
      this.deps.log.info('risk_denied', { eventTicker: game.eventTicker, ...dn });
    }
    if (report.deferred > 0)
      report.retryAfterMs = Math.max(report.retryAfterMs, 1, budget.waitMs(cost('create')));
    return { cancels, decreases, amends, creates };
  }

  /** Cancels every non-pending order of these tickers (stop time, halts). Same path as a sync with nothing desired. */
  cancelAll(game: GameBinding): Promise<SyncReport> {
    return this.sync(game, []);
  }

  // ------------------------------------------------------------- feed input

  /** A fill: moves size out of the order (position is the inventory's job), or out of its ghost. */
  onFill(fill: FillEvent): void {
    const o = this.store.find({ orderId: fill.orderId, clientOrderId: fill.clientOrderId ?? null });
    if (o) this.store.apply(o, { type: 'fill', count: fill.count });
    else this.store.ghosts.onFill(fill);
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
    if (this.groups.has(eventTicker) && !this.hasInFlight(eventTicker)) void this.groups.release(eventTicker);
  }

  /** Stops the order groups' reset timers (session shutdown). */
  dispose(): void {
    this.groups.dispose();
  }
}
