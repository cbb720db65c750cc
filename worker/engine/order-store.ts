/**
 * The tracked orders, indexed, and the one place ledger steps are applied.
 *
 * Orders are looked up by exchange id, by client id, by market and by game in
 * O(1). A step from the transition table (order-ledger.ts) is applied in
 * place — in-flight writes hold the order object across their round trip —
 * and its effects (drop, ghost) are carried out here, so every index stays
 * exact whatever the transition changed.
 */
import type { Clock } from '../../shared/clock.ts';
import type { ExposureOrder } from './exposure.ts';
import { GhostBook } from './order-ghosts.ts';
import { exposureOf, type LedgerInput, type LedgerOrder, type Step, transition } from './order-ledger.ts';

const ADOPTED_FLOOR_KEEP_MS = 3_600_000;

export class OrderStore {
  private readonly orders = new Map<number, LedgerOrder>();
  private readonly byOrderId = new Map<string, LedgerOrder>();
  private readonly byClientId = new Map<string, LedgerOrder>();
  /** By market, in insertion order: a requote reads its game's orders without scanning every game's. */
  private readonly byTicker = new Map<string, Set<LedgerOrder>>();
  /** By game (event ticker): `hasInFlight` without scanning every game's. */
  private readonly byGame = new Map<string, Set<LedgerOrder>>();
  readonly ghosts = new GhostBook();
  /**
   * Adopted orders' `countFillsFromMs` by exchange id, kept after the order is dropped: a fill message its
   * listing already counted must not consume its ghost either (that would uncount size that may still fill).
   */
  private readonly adoptedFloors = new Map<string, number>();
  private nextKey = 1;

  constructor(private readonly clock: Clock) {}

  newKey(): number {
    return this.nextKey++;
  }

  /**
   * Feeds one input to one order; returns the step's effects as applied. An
   * order with a negative key (one of ours in a market we left, cancelled
   * without tracking) is updated but never tracked nor ghosted.
   */
  apply(o: LedgerOrder, input: LedgerInput): Step['effects'] {
    const step = transition(o, input);
    const next = step.order;
    if (next.orderId !== o.orderId && next.orderId !== null) this.setOrderId(o, next.orderId);
    Object.assign(o, next);
    for (const e of step.effects) {
      if (e.type === 'drop') this.remove(o);
      else if (e.type === 'ghost' && o.key >= 0) this.ghosts.add(o, e.remaining, this.clock.now());
    }
    return step.effects;
  }

  add(o: LedgerOrder): void {
    if (o.countFillsFromMs !== undefined && o.orderId !== null) {
      // Adoptions are rare (restart, a lost ack); an hour on, no message of a fill before one is still due.
      const now = this.clock.now();
      for (const [id, floor] of this.adoptedFloors)
        if (floor < now - ADOPTED_FLOOR_KEEP_MS) this.adoptedFloors.delete(id);
      this.adoptedFloors.set(o.orderId, o.countFillsFromMs);
    }
    this.orders.set(o.key, o);
    addTo(this.byTicker, o.ticker, o);
    addTo(this.byGame, o.eventTicker, o);
    if (o.orderId !== null) this.byOrderId.set(o.orderId, o);
    if (o.clientOrderId !== null) this.byClientId.set(o.clientOrderId, o);
  }

  private remove(o: LedgerOrder): void {
    if (this.orders.get(o.key) !== o) return;
    this.orders.delete(o.key);
    removeFrom(this.byTicker, o.ticker, o);
    removeFrom(this.byGame, o.eventTicker, o);
    if (o.orderId !== null && this.byOrderId.get(o.orderId) === o) this.byOrderId.delete(o.orderId);
    if (o.clientOrderId !== null && this.byClientId.get(o.clientOrderId) === o)
      this.byClientId.delete(o.clientOrderId);
  }

  /** The one place a tracked order's exchange id changes, so the id index stays exact. */
  private setOrderId(o: LedgerOrder, orderId: string): void {
    if (o.orderId === orderId) return;
    if (o.orderId !== null && this.byOrderId.get(o.orderId) === o) this.byOrderId.delete(o.orderId);
    o.orderId = orderId;
    if (this.orders.get(o.key) === o) this.byOrderId.set(orderId, o);
  }

  /** Whether a fill of an order adopted from a listing was already in the filled count it was adopted with. */
  countedAtAdoption(fill: { orderId: string; tsMs: number }): boolean {
    const floor = this.adoptedFloors.get(fill.orderId);
    return floor !== undefined && fill.tsMs < floor;
  }

  all(): IterableIterator<LedgerOrder> {
    return this.orders.values();
  }

  byId(orderId: string): LedgerOrder | undefined {
    return this.byOrderId.get(orderId);
  }

  byClient(clientOrderId: string): LedgerOrder | undefined {
    return this.byClientId.get(clientOrderId);
  }

  /** By exchange id, else by client id. */
  find(ref: { orderId: string | null; clientOrderId?: string | null }): LedgerOrder | undefined {
    return (
      (ref.orderId !== null ? this.byOrderId.get(ref.orderId) : undefined) ??
      (ref.clientOrderId ? this.byClientId.get(ref.clientOrderId) : undefined)
    );
  }

  /** Calls `f` for every tracked order of these markets (each market once, even if listed twice). */
  eachOf(tickers: readonly string[], f: (o: LedgerOrder) => void): void {
    for (let i = 0; i < tickers.length; i++) {
      const t = tickers[i]!;
      if (tickers.indexOf(t) !== i) continue;
      const set = this.byTicker.get(t);
      if (set) for (const o of set) f(o);
    }
  }

  ofTicker(ticker: string): ReadonlySet<LedgerOrder> | undefined {
    return this.byTicker.get(ticker);
  }

  hasInFlight(eventTicker: string): boolean {
    const set = this.byGame.get(eventTicker);
    if (set) for (const o of set) if (o.state === 'pending') return true;
    return false;
  }

  /** What the risk gate counts in these markets: every tracked order's exposure, then the ghosts (key −1). */
  gateOrders(tickers: readonly string[]): (ExposureOrder & { key: number })[] {
    const out: (ExposureOrder & { key: number })[] = [];
    this.eachOf(tickers, (o) =>
      out.push({ ticker: o.ticker, side: o.side, remaining: exposureOf(o), price: gatePrice(o), key: o.key }),
    );
    for (const g of this.ghosts.of(tickers)) out.push({ ...g, key: -1 });
    return out;
  }
}

function addTo(index: Map<string, Set<LedgerOrder>>, key: string, o: LedgerOrder): void {
  let set = index.get(key);
  if (!set) {
    set = new Set();
    index.set(key, set);
  }
  set.add(o);
}

function removeFrom(index: Map<string, Set<LedgerOrder>>, key: string, o: LedgerOrder): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(o);
  if (set.size === 0) index.delete(key);
}

/** The price an order is judged at by the payoff gate: with an amend's new price in flight, the one that loses more. */
function gatePrice(o: LedgerOrder): number {
  if (o.pendingPrice === undefined) return o.price;
  return o.side === 'bid' ? Math.max(o.price, o.pendingPrice) : Math.min(o.price, o.pendingPrice);
}
