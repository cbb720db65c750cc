/**
 * The game's worst-case loss (shared/risk/payoff.ts `payoffRisk`) without
 * walking the (margin, total) grid cell by cell — same figure, same worst
 * outcome, same outcome count.
 *
 * Why it is exact: every contract pays on the margin alone (winner, spread)
 * or on the total alone, and a pending order's worst fill, min(0, its PnL),
 * is per contract too. So the PnL at (m, t) is M(m) + T(t), and the grid is
 * the full product of its two axes: the minimum over it is min M + min T, at
 * the first margin reaching min M and the first total reaching min T (the
 * first cell of the grid's order reaching the minimum, as `payoffRisk` picks).
 * Cost: (margins + totals) × contracts instead of margins × totals × contracts.
 *
 * The gate's question — how much of one more order fits — is a bisection over
 * its size; the order changes one axis by size × its per-contract worst fill,
 * so each probe costs one pass over that axis (`AxisPnl`, `worstWithOrder`).
 *
 * Integer Micro-Centis throughout (exact sums, as payoff.ts).
 */
import { MICROS_PER_DOLLAR, type Micros } from '../units.ts';
import {
  type Contract,
  type GameBook,
  type Outcome,
  outcomeAxes,
  type PayoffOptions,
  type PayoffRisk,
} from './payoff.ts';

/** The PnL over one axis, Micro-Centis: `pnl[i]` at `values[i]`. */
export interface AxisPnl {
  values: readonly number[];
  pnl: number[];
}

/** A book's PnL split by axis; the PnL at (margins.values[i], totals.values[j]) is margins.pnl[i] + totals.pnl[j]. */
export interface SplitPnl {
  margins: AxisPnl;
  totals: AxisPnl;
}

const onTotal = (c: Contract): boolean => c.kind === 'total';

/**
 * Does a YES pay at this axis value (the other coordinate is irrelevant to the contract)? `paysYes`
 * on one coordinate, without building an outcome per call (the gate asks it axis × contracts times).
 */
function paysAt(c: Contract, v: number): boolean {
  switch (c.kind) {
    case 'winner':
      return c.side === 'home' ? v > 0 : v < 0;
    case 'draw':
      return v === 0;
    case 'spread':
    case 'total':
      return c.direction === 'over' ? v > c.threshold : v < c.threshold;
  }
}

function validate(book: GameBook): void {
  for (const h of book.holdings) {
    if (!Number.isSafeInteger(h.position) || !Number.isSafeInteger(h.price)) {
      throw new RangeError(`${h.ticker}: position/price must be integers`);
    }
  }
  for (const p of book.pending) {
    if (!Number.isSafeInteger(p.count) || p.count < 0 || !Number.isSafeInteger(p.price)) {
      throw new RangeError(`${p.ticker}: order count/price must be non-negative integers`);
    }
  }
}

/**
 * The book's PnL per axis, holdings as held and each pending order filled only where it loses.
 * `extra` contracts add their breakpoints to the axes (an order about to be probed), so one split
 * serves the book with and without it.
 */
export function splitPnl(book: GameBook, options: PayoffOptions, extra: readonly Contract[] = []): SplitPnl {
  const contracts = [
    ...book.holdings.map((h) => h.contract),
    ...book.pending.map((p) => p.contract),
    ...extra,
  ];
  return splitOnAxes(book, new PayoffAxes(contracts, options));
}

/**
 * A game's outcome axes built once from every contract it lists, with each contract's payout along
 * its axis kept as it is first asked for: a game's markets change only with its listing, while its
 * book is split on every write the gate judges. Extra breakpoints never change a minimum (the grid
 * stays exact), so a split on a superset of the book's contracts has the book's worst case.
 */
export class PayoffAxes {
  readonly margins: readonly number[];
  readonly totals: readonly number[];
  private readonly pays = new Map<Contract, Uint8Array>();
  /** The strikes the axes were built around, per axis: a contract off them would be judged on too coarse a grid. */
  private readonly strikes = { margin: new Set<number>([0]), total: new Set<number>() };

  constructor(contracts: Iterable<Contract>, options: PayoffOptions) {
    const list = [...contracts];
    const axes = outcomeAxes(list, options);
    this.margins = axes.margins;
    this.totals = axes.totals;
    for (const c of list) if (c.kind === 'spread' || c.kind === 'total') this.strikesOf(c).add(c.threshold);
  }

  private strikesOf(c: Contract): Set<number> {
    return onTotal(c) ? this.strikes.total : this.strikes.margin;
  }

  /** The axis a contract pays on. */
  axisOf(c: Contract): readonly number[] {
    return onTotal(c) ? this.totals : this.margins;
  }

  /** 1 where a YES of `c` pays along its axis, else 0 (memoised per contract object). */
  paysAlong(c: Contract): Uint8Array {
    let p = this.pays.get(c);
    if (!p) {
      const strike = c.kind === 'spread' || c.kind === 'total' ? c.threshold : 0;
      if (!this.strikesOf(c).has(strike))
        throw new RangeError(`strike ${strike} (${c.kind}) is not on these outcome axes`);
      const values = this.axisOf(c);
      p = new Uint8Array(values.length);
      for (let i = 0; i < values.length; i++) p[i] = paysAt(c, values[i]!) ? 1 : 0;
      this.pays.set(c, p);
    }
    return p;
  }
}

/** `splitPnl` on axes built with every contract of the book (one off them: a RangeError). */
export function splitOnAxes(book: GameBook, axes: PayoffAxes): SplitPnl {
  validate(book);
  const margins: AxisPnl = { values: axes.margins, pnl: new Array<number>(axes.margins.length).fill(0) };
  const totals: AxisPnl = { values: axes.totals, pnl: new Array<number>(axes.totals.length).fill(0) };
  const add = (c: Contract, signed: number, price: Micros, worstFillOnly: boolean) => {
    const axis = onTotal(c) ? totals : margins;
    const pays = axes.paysAlong(c);
    const win = signed * (MICROS_PER_DOLLAR - price);
    const lose = signed * -price;
    const w = worstFillOnly ? Math.min(0, win) : win;
    const l = worstFillOnly ? Math.min(0, lose) : lose;
    for (let i = 0; i < pays.length; i++) axis.pnl[i]! += pays[i] === 1 ? w : l;
  };
  for (const h of book.holdings) add(h.contract, h.position, h.price, false);
  for (const p of book.pending) add(p.contract, (p.side === 'bid' ? 1 : -1) * p.count, p.price, true);
  return { margins, totals };
}

/** Lowest value of an axis and its first index. */
function lowest(pnl: readonly number[]): { value: number; index: number } {
  let value = Number.POSITIVE_INFINITY;
  let index = 0;
  for (let i = 0; i < pnl.length; i++) {
    if (pnl[i]! < value) {
      value = pnl[i]!;
      index = i;
    }
  }
  return { value, index };
}

/** Worst PnL (Micro-Centis) → worst-case loss in Micros, ≥ 0, rounded up: `payoffRisk`'s rounding. */
export const lossOf = (worstPnl: number): Micros => Math.max(0, Math.ceil(-worstPnl / 100));

/** `payoffRisk` of a split book. */
export function worstOfSplit(split: SplitPnl): PayoffRisk {
  const m = lowest(split.margins.pnl);
  const t = lowest(split.totals.pnl);
  const worstOutcome: Outcome = {
    margin: split.margins.values[m.index]!,
    total: split.totals.values[t.index]!,
  };
  return {
    worstCaseLoss: lossOf(m.value + t.value),
    worstOutcome,
    outcomes: split.margins.values.length * split.totals.values.length,
  };
}

/** Same result as `payoffRisk(book, options)`, by axis. */
export function payoffWorst(book: GameBook, options: PayoffOptions): PayoffRisk {
  return worstOfSplit(splitPnl(book, options));
}

/**
 * Per contract of one more order on `contract` (`side`, YES `price`), its worst fill along the
 * contract's axis of `split` (Micro-Centis per Centi, ≤ 0): the order's PnL is linear in its size.
 */
export function orderWorstPerUnit(
  split: SplitPnl,
  contract: Contract,
  side: 'bid' | 'ask',
  price: Micros,
): number[] {
  const axis = onTotal(contract) ? split.totals : split.margins;
  const sign = side === 'bid' ? 1 : -1;
  return axis.values.map((v) => Math.min(0, sign * ((paysAt(contract, v) ? MICROS_PER_DOLLAR : 0) - price)));
}

/** The split book's worst-case loss (Micros) with `count` Centis of an order whose per-unit worst fill is `perUnit`. */
export function worstWithOrder(
  split: SplitPnl,
  contract: Contract,
  perUnit: readonly number[],
  count: number,
): Micros {
  const [axis, other] = onTotal(contract) ? [split.totals, split.margins] : [split.margins, split.totals];
  let low = Number.POSITIVE_INFINITY;
  for (let i = 0; i < axis.pnl.length; i++) low = Math.min(low, axis.pnl[i]! + count * perUnit[i]!);
  return lossOf(low + lowest(other.pnl).value);
}
