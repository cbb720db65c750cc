/**
 * The gate: turns a plan (order-plan.ts) into a gated plan the executor
 * (order-executor.ts) sends as it is. Each write passes the risk gate with
 * the game's exposure *including* pending and uncertain orders, evaluated
 * synchronously just before the request is built, then spends the write
 * budget; its order turns `pending` before the next write is judged, so each
 * judgement sees every earlier one. A write the budget cannot pay is deferred
 * (retry after `retryAfterMs`); one the gate refuses is reported, and an amend
 * it refuses takes its order down instead.
 */
import type { Clock } from '../../shared/clock.ts';
import type { Centis } from '../../shared/units.ts';
import type { CreateQueue } from './create-queue.ts';
import type { CreateSlots } from './create-slots.ts';
import { SplitBook } from './ladder-split-book.ts';
import type { GatedPlan } from './order-executor.ts';
import { exposureOf, type LedgerOrder, placed } from './order-ledger.ts';
import type { ReconcilePlan } from './order-plan.ts';
import type { OrderStore } from './order-store.ts';
import type { BookSide, EngineLogger, EngineMetrics } from './ports.ts';
import type { RefusalBackoff } from './refusal-backoff.ts';
import {
  gate,
  gateOnBook,
  type RiskDecision,
  type RiskReason,
  type RiskState,
  type RiskWrite,
} from './risk-gate.ts';
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
  /** Creates held for a create slot (create-slots.ts): no retry timer, the game is woken when one is free. */
  awaitingSlot?: number;
}

/** What the gate reads and marks: the order manager's parts. */
export interface GateDeps {
  clock: Clock;
  log: EngineLogger;
  metrics: EngineMetrics;
  store: OrderStore;
  budget: WriteBudget;
  backoff: RefusalBackoff;
  /** Token costs of a write and a cancel when the budget has no cost table of its own. */
  writeCost: number;
  cancelCost: number;
  /** Our client_order_id for the next create. */
  nextClientOrderId(): string;
  /** The game requotes once its writes in flight settle (the executor's `wait`). */
  wait(eventTicker: string): void;
  /** The cap on create requests in flight (create-slots.ts); none: uncapped. */
  slots?: CreateSlots;
  /** Which creates the budget pays first (create-queue.ts); none: amends first, creates in plan order. */
  queue?: CreateQueue;
}

/**
 * The gate: each write of the plan passes the risk gate and the write budget, and its order turns
 * `pending` before the next is judged. Synchronous throughout, so each gate sees every earlier write.
 */
export function admit(
  deps: GateDeps,
  game: GameBinding,
  plan: ReconcilePlan,
  report: SyncReport,
  groupId: string | undefined,
): GatedPlan {
  const taken = { slot: false };
  try {
    return admitPlan(deps, game, plan, report, groupId, taken);
  } catch (err) {
    // A throw (a gate's RangeError, the store) must not keep the slot: the cap is shared by every game,
    // so 64 such requotes would stop all creates until a restart.
    if (taken.slot) deps.slots!.release();
    throw err;
  }
}

function admitPlan(
  deps: GateDeps,
  game: GameBinding,
  plan: ReconcilePlan,
  report: SyncReport,
  groupId: string | undefined,
  taken: { slot: boolean },
): GatedPlan {
  const now = deps.clock.now();
  const budget = deps.budget;
  const costs: Partial<Record<OrderWriteKind, number>> = {};
  const cost = (kind: OrderWriteKind) =>
    (costs[kind] ??= budget.costOf(kind) ?? (kind === 'cancel' ? deps.cancelCost : deps.writeCost));
  const cancels: LedgerOrder[] = [];
  for (const c of plan.cancels) {
    const o = deps.store.byId(c.orderId);
    if (o && o.state === 'resting') cancels.push(o);
  }
  // An order sent before the game's start moved earlier expires after the new hard stop: were we to die, it
  // would rest into the game. Take it down; the next sync creates it again with the new expiration.
  const expiry = game.expiresAtMs;
  if (expiry !== undefined)
    deps.store.eachOf(game.tickers, (o) => {
      if (
        o.state === 'resting' &&
        o.expiresAtMs !== undefined &&
        o.expiresAtMs > expiry &&
        !cancels.includes(o)
      ) {
        cancels.push(o);
        deps.wait(game.eventTicker); // once these cancels settle, the game requotes (onSettled)
      }
    });

  // Creates oldest waiting first; a starved one before the amends that improve a price; a game holding the
  // budget for its starved create keeps one create's tokens from every other game's writes but those that
  // take risk down (create-queue.ts).
  const queue = deps.queue;
  queue?.wanted(game.eventTicker, plan.creates, now);
  const order = queue?.ordered(game.eventTicker, plan.creates, now) ?? { starved: [], rest: plan.creates };
  const reserve = queue?.heldFor(game.eventTicker, now) ? cost('create') : 0;
  // What the deferred writes wait for: one kept behind the hold needs its tokens past the reserve.
  let heldBack = false;
  let riskDownDeferred = false;
  const pay = (c: number) => {
    if ((reserve === 0 || budget.available() >= c + reserve) && budget.tryTake(c)) return true;
    heldBack ||= reserve > 0;
    return false;
  };
  let starvedUnpaid = false;

  const creates: LedgerOrder[] = [];
  // A lasting refusal holds the game's creates until its backoff ends (cancels, amends still go).
  const held = plan.creates.length > 0 ? deps.backoff.blocked(game.eventTicker, now) : null;
  if (held || (plan.creates.length > 0 && groupId === undefined)) {
    report.deferred += plan.creates.length;
    const wait = held ? held.untilMs - now : 1_000;
    report.retryAfterMs = Math.max(report.retryAfterMs, 1, wait);
  }
  // The game's create request waits for a slot (create-slots.ts): until one is free nothing is built for it.
  const creating = !held && groupId !== undefined && plan.creates.length > 0;
  const slot = creating && deps.slots?.tryTake(game.eventTicker) === true;
  if (creating && deps.slots !== undefined && !slot) report.awaitingSlot = plan.creates.length;
  const sending = creating && (slot || deps.slots === undefined);
  const create = (c: ReconcilePlan['creates'][number], starved: boolean) => {
    const d = judged(deps.store, game, deps.store.gateOrders(game.tickers), {
      kind: 'create',
      ticker: c.ticker,
      side: c.side,
      size: c.size,
      price: c.price,
    });
    queue?.judged(game.eventTicker, c.ticker, c.side, !d.allow);
    if (!d.allow) {
      report.denials.push({ ticker: c.ticker, side: c.side, reason: d.reason, detail: d.detail });
      return;
    }
    if (!pay(cost('create'))) {
      report.deferred++;
      if (starved) starvedUnpaid = true;
      return;
    }
    const clientId = deps.nextClientOrderId();
    const o = placed(deps.store.newKey(), game.eventTicker, clientId, { ...c, size: d.size }, now);
    deps.store.add(o);
    queue?.sent(game.eventTicker, c.ticker, c.side);
    creates.push(o);
  };
  taken.slot = slot;

  const amends: GatedPlan['amends'] = [];
  const amend = (a: ReconcilePlan['amends'][number], back: boolean) => {
    const o = deps.store.byId(a.orderId);
    if (o?.state !== 'resting' || cancels.includes(o)) return;
    const orders = deps.store.gateOrders(game.tickers);
    const idx = orders.findIndex((x) => x.key === o.key);
    // Fills the exchange reported but whose messages we have not seen stay on this order's account.
    const unseen = Math.max(0, o.filled - o.seen);
    const d = judged(deps.store, game, orders, {
      kind: 'amend',
      ticker: o.ticker,
      side: o.side,
      size: a.remaining + unseen,
      currentRemaining: exposureOf(o),
      orderIndex: idx,
      price: a.price,
    });
    if (!d.allow) {
      report.denials.push({ ticker: o.ticker, side: o.side, reason: d.reason, detail: d.detail });
      cancels.push(o); // the order cannot be what we want: take it down
      return;
    }
    // Kalshi's amend count is the new total; the exposure it adds beyond seen fills is what the gate allowed.
    // A count no larger than what may have filled unseen (reported, or hidden by a decrease's reserve) would
    // be refused, leaving the order at its old, larger size until fill messages arrive: take it down instead.
    if (d.size <= unseen + o.reserve) {
      cancels.push(o);
      return;
    }
    const newTotal = o.seen + d.size;
    if (newTotal === o.total && a.price === o.price) return; // clipped back to what rests: nothing to write
    // A price pulled back takes risk down, as a decrease: it never waits behind another game's hold.
    if (!(back ? budget.tryTake(cost('amend')) : pay(cost('amend')))) {
      report.deferred++;
      riskDownDeferred ||= back;
      return;
    }
    deps.store.apply(o, { type: 'sent', write: 'amend', total: newTotal, price: a.price, nowMs: now });
    amends.push({ o, price: a.price, remaining: d.size });
  };
  // An amend that pulls a resting price back (a lower bid, a higher ask) may be taking down a price the new
  // theo no longer pays for: it goes before the game's starved creates, which only add quotes. The rest
  // (a price improved to join the book, a larger size) wait behind them.
  const retreats: ReconcilePlan['amends'] = [];
  const advances: ReconcilePlan['amends'] = [];
  for (const a of plan.amends) {
    const o = deps.store.byId(a.orderId);
    const back = o !== undefined && (o.side === 'bid' ? a.price < o.price : a.price > o.price);
    (back ? retreats : advances).push(a);
  }
  for (const a of retreats) amend(a, true);

  // Decreases take risk down too: paid before the starved creates, which only add quotes, and never kept
  // behind another game's hold.
  const decreases: GatedPlan['decreases'] = [];
  for (const dec of plan.decreases) {
    const o = deps.store.byId(dec.orderId);
    if (o?.state !== 'resting' || cancels.includes(o)) continue;
    if (!budget.tryTake(cost('decrease'))) {
      report.deferred++;
      riskDownDeferred = true;
      continue;
    }
    deps.store.apply(o, { type: 'sent', write: 'decrease', nowMs: now });
    decreases.push({ o, reduceTo: dec.reduceTo });
  }

  for (const c of sending ? order.starved : []) create(c, true);
  for (const a of advances) amend(a, false);

  for (const c of sending ? order.rest : []) create(c, false);
  queue?.holdFor(game.eventTicker, starvedUnpaid, now);
  if (slot && creates.length === 0) {
    taken.slot = false;
    deps.slots!.release(); // every create denied or deferred: none to send
  }
  for (const o of cancels) {
    budget.force(cost('cancel'));
    deps.store.apply(o, { type: 'sent', write: 'cancel', nowMs: now });
  }

  for (const dn of report.denials) {
    deps.metrics.count('RiskDenied', 1, { reason: dn.reason });
    // A gate that threw is a bug to fix, not a limit doing its job: an error the operator sees.
    if (dn.reason === 'gate_error')
      deps.log.error('risk_gate_error', { eventTicker: game.eventTicker, ...dn });
    else deps.log.info('risk_denied', { eventTicker: game.eventTicker, ...dn });
  }
  // A retry before the tokens past the hold are there finds them kept again: the game requoted every 1 ms.
  const past = heldBack && !riskDownDeferred ? reserve : 0;
  if (report.deferred > 0)
    report.retryAfterMs = Math.max(report.retryAfterMs, 1, budget.waitMs(cost('create') + past));
  return { cancels, decreases, amends, creates };
}

/**
 * The risk gate, where a throw (a bug in the payoff maths, a risk state it cannot read) is a refusal.
 * A throw used to leave the plan half applied: amends marked sent and never sent, the plan's cancels
 * never marked (they follow the creates), and every later requote of the game threw the same way, so
 * stale orders rested at old prices until the hard stop. Refused instead, an amend is taken down like
 * any refused amend, and the cancels go. Reported with the other denials (`RiskDenied`, `gate_error`).
 */
function judged(
  store: OrderStore,
  game: GameBinding,
  orders: ReturnType<OrderStore['gateOrders']>,
  write: RiskWrite,
): RiskDecision {
  try {
    const state = { ...game.risk(), orders };
    // A winner-only game has no payoff split to keep.
    return state.payoff ? gateOnBook(state, write, splitBookOf(store, game.eventTicker)) : gate(state, write);
  } catch (err) {
    return {
      allow: false,
      reason: 'gate_error',
      detail: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    };
  }
}

/**
 * Each game's payoff split, kept between writes and requotes (ladder-split-book.ts: it checks every
 * order and holding against what it holds on each judgement, so keeping it only saves work). Per
 * store, so two managers never share one; a worker sees few games at once, and the map is dropped
 * whole when it grows past them.
 */
const splitBooks = new WeakMap<OrderStore, Map<string, SplitBook>>();
function splitBookOf(store: OrderStore, eventTicker: string): SplitBook {
  let books = splitBooks.get(store);
  if (!books) {
    books = new Map();
    splitBooks.set(store, books);
  }
  let book = books.get(eventTicker);
  if (!book) {
    if (books.size >= 512) books.clear();
    book = new SplitBook();
    books.set(eventTicker, book);
  }
  return book;
}
