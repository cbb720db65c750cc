/**
 * One game's book split on its outcome axes (shared/risk/payoff-worst.ts), kept in step with its
 * orders from one gate judgement to the next instead of rebuilt for each (issue #20: rebuilding
 * the split of every order of a ladder game for each write was most of the payoff gate's cost).
 *
 * Exact, not an estimate: the split is a sum of integer Micro-Centis, one term per holding and per
 * pending order (each filled only where it loses), so taking one order's term out and putting its new
 * one in gives the very numbers a split built from scratch gives. Each judgement compares every order
 * the gate hands in (ticker, side, remaining, price) with the term it holds for it, and the holdings,
 * contracts and draw rule with what it was built on: any difference is applied, anything it cannot
 * apply (a new listing, a fill, a book it cannot read) rebuilds it the old way, which throws where the
 * old gate threw. Pure data in, numbers out; no clock, no I/O.
 */
import type { Contract } from '../../shared/risk/payoff.ts';
import { type PayoffAxes, type SplitPnl, splitOnAxes } from '../../shared/risk/payoff-worst.ts';
import { MICROS_PER_DOLLAR } from '../../shared/units.ts';
import { type GateOrder, gameAxes, gameBook, type LadderRiskState } from './ladder-risk.ts';

/** An order as the gate hands it in: `key` names a ledger order (a ghost has none: -1). */
export type KeyedGateOrder = GateOrder & { key: number };

interface Term {
  ticker: string;
  side: GateOrder['side'];
  remaining: number;
  price: number | undefined;
  /** the judgement that last saw it */
  seen: number;
}

/** The book a split was built on, beside its orders. */
type Basis = Pick<LadderRiskState, 'contracts' | 'positions' | 'entryPrices' | 'ties'>;

export class SplitBook {
  private axes: PayoffAxes | null = null;
  private contracts: ReadonlyMap<string, Contract> | null = null;
  private ties = false;
  /** the holdings it was built on: ticker, position, booked price, in the positions' order */
  private holdings: (string | number)[] = [];
  private margins: number[] = [];
  private totals: number[] = [];
  private readonly terms = new Map<number, Term>();
  private ghosts: Term[] = [];
  private judgement = 0;

  /**
   * The split of the basis's holdings and `orders`, `orders[exclude]` left out (an amend is judged
   * against everything but itself; -1: none). Read it, never change it: it may be the book's own.
   */
  splitFor(basis: Basis, orders: readonly KeyedGateOrder[], exclude: number): SplitPnl {
    const excluded = exclude >= 0 ? orders[exclude] : undefined;
    if (this.axes !== null && this.sameBasis(basis)) {
      try {
        if (this.sync(orders)) return this.view(excluded);
      } catch {
        // a term it cannot apply: rebuilt below, as the old gate built it
      }
    }
    return this.rebuild(basis, orders, exclude);
  }

  /** The old gate's split (throws where it threw), kept as the book's when every order is on it. */
  private rebuild(basis: Basis, orders: readonly KeyedGateOrder[], exclude: number): SplitPnl {
    this.axes = null;
    const others = exclude >= 0 ? orders.filter((_, i) => i !== exclude) : orders;
    const axes = gameAxes(basis.contracts, basis.ties);
    const split = splitOnAxes(gameBook({ ...basis, orders: [] }, others), axes);
    this.margins = [...split.margins.pnl];
    this.totals = [...split.totals.pnl];
    this.axes = axes;
    this.contracts = basis.contracts;
    this.ties = basis.ties;
    this.holdings = holdingsOf(basis);
    this.terms.clear();
    this.ghosts = [];
    const j = ++this.judgement;
    for (let i = 0; i < orders.length; i++) {
      const o = orders[i]!;
      const t = termOf(o, j);
      if (o.key < 0) this.ghosts.push(t);
      else if (this.terms.has(o.key))
        this.axes = null; // one key twice: not a ledger's orders, keep none
      else this.terms.set(o.key, t);
      if (i !== exclude) continue;
      try {
        if (this.axes !== null) this.add(t, 1);
      } catch {
        this.axes = null; // the excluded order cannot be booked: no book kept
      }
    }
    return split;
  }

  private sameBasis(basis: Basis): boolean {
    if (basis.contracts !== this.contracts || basis.ties !== this.ties) return false;
    const h = this.holdings;
    let i = 0;
    for (const [ticker, position] of basis.positions) {
      if (position === 0) continue;
      if (h[i] !== ticker || h[i + 1] !== position || h[i + 2] !== bookedPrice(basis, ticker, position))
        return false;
      i += 3;
    }
    return i === h.length;
  }

  /** Applies the orders' changes; false when it cannot (a ghost list that moved). */
  private sync(orders: readonly KeyedGateOrder[]): boolean {
    const j = ++this.judgement;
    let g = 0;
    for (const o of orders) {
      if (o.key < 0) {
        const t = this.ghosts[g++];
        if (!t || !sameTerm(t, o)) return false;
        continue;
      }
      const t = this.terms.get(o.key);
      if (t?.seen === j) return false; // one key twice: not a ledger's orders
      if (t && sameTerm(t, o)) {
        t.seen = j;
        continue;
      }
      if (t) this.add(t, -1);
      const next = termOf(o, j);
      this.terms.set(o.key, next);
      this.add(next, 1);
    }
    if (g !== this.ghosts.length) return false;
    for (const [key, t] of this.terms) {
      if (t.seen === j) continue;
      this.add(t, -1);
      this.terms.delete(key);
    }
    return true;
  }

  private view(excluded: KeyedGateOrder | undefined): SplitPnl {
    const axes = this.axes!;
    if (excluded === undefined || excluded.remaining <= 0)
      return {
        margins: { values: axes.margins, pnl: this.margins },
        totals: { values: axes.totals, pnl: this.totals },
      };
    const margins = [...this.margins];
    const totals = [...this.totals];
    addTerm(axes, this.contracts!, termOf(excluded, 0), -1, margins, totals);
    return { margins: { values: axes.margins, pnl: margins }, totals: { values: axes.totals, pnl: totals } };
  }

  private add(t: Term, sign: 1 | -1): void {
    addTerm(this.axes!, this.contracts!, t, sign, this.margins, this.totals);
  }
}

/**
 * An order's term, as payoff-worst.ts `splitOnAxes` books a pending order (filled only where it loses;
 * a ghost at the price that loses most, as ladder-risk.ts `gameBook`), added (`sign` 1) or taken out (-1).
 * An order it cannot book throws, before changing anything.
 */
function addTerm(
  axes: PayoffAxes,
  contracts: ReadonlyMap<string, Contract>,
  t: Term,
  sign: 1 | -1,
  margins: number[],
  totals: number[],
): void {
  if (t.remaining <= 0) return;
  const contract = contracts.get(t.ticker);
  if (!contract) throw new RangeError(`${t.ticker} has no contract in this game`);
  const price = t.price ?? (t.side === 'bid' ? MICROS_PER_DOLLAR : 0);
  if (!Number.isSafeInteger(t.remaining) || !Number.isSafeInteger(price))
    throw new RangeError(`${t.ticker}: order count/price must be non-negative integers`);
  const pays = axes.paysAlong(contract);
  const pnl = contract.kind === 'total' ? totals : margins;
  const signed = (t.side === 'bid' ? 1 : -1) * t.remaining;
  const w = sign * Math.min(0, signed * (MICROS_PER_DOLLAR - price));
  const l = sign * Math.min(0, signed * -price);
  for (let i = 0; i < pays.length; i++) pnl[i]! += pays[i] === 1 ? w : l;
}

const termOf = (o: GateOrder, seen: number): Term => ({
  ticker: o.ticker,
  side: o.side,
  remaining: o.remaining,
  price: o.price,
  seen,
});

const sameTerm = (t: Term, o: GateOrder): boolean =>
  t.remaining === o.remaining && t.price === o.price && t.ticker === o.ticker && t.side === o.side;

/** A holding's price as `gameBook` books it: an unknown entry at the price that loses most. */
function bookedPrice(basis: Basis, ticker: string, position: number): number {
  const known = basis.entryPrices.get(ticker);
  return Math.round(known ?? (position > 0 ? MICROS_PER_DOLLAR : 0));
}

function holdingsOf(basis: Basis): (string | number)[] {
  const out: (string | number)[] = [];
  for (const [ticker, position] of basis.positions)
    if (position !== 0) out.push(ticker, position, bookedPrice(basis, ticker, position));
  return out;
}
