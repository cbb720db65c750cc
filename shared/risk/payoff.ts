/**
 * One risk per game: every position and pending order on the game's winner,
 * spread and total markets pays off as a function of the final (margin,
 * total), so the game's book is a payoff over outcomes and its risk is the
 * worst-case loss over them — not a sum of per-market inventories.
 *
 * Exact on integer scores: each contract's payoff is constant between
 * consecutive integers around its strike, so evaluating every integer next to
 * a strike (plus one beyond the outermost on each side) visits every cell of
 * the payoff. The (margin, total) grid is the full product: outcomes no score
 * can reach (|margin| > total, odd/even mismatch) are kept, which can only
 * overstate the loss (the safe side).
 *
 * Pending orders count as filled exactly when that hurts: at each outcome an
 * order adds its loss if it would lose there and nothing if it would win (an
 * adversary chooses which orders fill). So the figure bounds every fill path.
 *
 * Units: positions and order sizes in Centis (signed: + long YES, − long NO),
 * prices in Micros (YES price). Losses are returned in Micros, rounded up.
 */
import type { StrikeQuery } from '../pricing/strike-theo.ts';
import { type Centis, MICROS_PER_DOLLAR, type Micros } from '../units.ts';

/** What a YES contract pays on (`draw`: a 3-way game's TIE market, margin 0). */
export type Contract =
  | { kind: 'winner'; side: 'home' | 'away' }
  | { kind: 'draw' }
  | { kind: 'spread'; direction: 'over' | 'under'; threshold: number }
  | { kind: 'total'; direction: 'over' | 'under'; threshold: number };

export interface Holding {
  ticker: string;
  contract: Contract;
  /** signed Centis: + long YES, − long NO */
  position: Centis;
  /** the YES price the position was entered at (average), Micros */
  price: Micros;
}

export interface PendingOrder {
  ticker: string;
  contract: Contract;
  /** bid = buy YES, ask = sell YES (buy NO) */
  side: 'bid' | 'ask';
  /** remaining size, Centis ≥ 0 */
  count: Centis;
  /** YES price, Micros */
  price: Micros;
}

export interface GameBook {
  holdings: readonly Holding[];
  pending: readonly PendingOrder[];
}

export interface Outcome {
  margin: number;
  total: number;
}

export interface PayoffOptions {
  /** the margin can be 0 (a draw sport); otherwise 0 is not an outcome */
  ties: boolean;
}

export function contractFromQuery(q: StrikeQuery): Contract {
  return { kind: q.kind, direction: q.direction, threshold: q.threshold };
}

/** Does a YES contract pay at this outcome? */
export function paysYes(c: Contract, o: Outcome): boolean {
  switch (c.kind) {
    case 'winner':
      return c.side === 'home' ? o.margin > 0 : o.margin < 0;
    case 'draw':
      return o.margin === 0;
    case 'spread':
      return c.direction === 'over' ? o.margin > c.threshold : o.margin < c.threshold;
    case 'total':
      return c.direction === 'over' ? o.total > c.threshold : o.total < c.threshold;
  }
}

/** PnL of q Centis of YES bought at `price`, at this outcome, in Micro-Centis (exact integers). */
function pnlMicroCentis(c: Contract, q: Centis, price: Micros, o: Outcome): number {
  return q * ((paysYes(c, o) ? MICROS_PER_DOLLAR : 0) - price);
}

function orderSign(o: PendingOrder): number {
  return o.side === 'bid' ? 1 : -1;
}

/** PnL at one outcome, Micro-Centis: holdings as held, each pending order filled only where it loses. */
export function worstPnlAt(book: GameBook, o: Outcome): number {
  let pnl = 0;
  for (const h of book.holdings) pnl += pnlMicroCentis(h.contract, h.position, h.price, o);
  for (const p of book.pending)
    pnl += Math.min(0, pnlMicroCentis(p.contract, orderSign(p) * p.count, p.price, o));
  return pnl;
}

function breakpoints(thresholds: readonly number[], floor: number | null): number[] {
  const out = new Set<number>();
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const t of thresholds) {
    const k = Math.floor(t);
    for (let i = k - 1; i <= k + 2; i++) out.add(i);
    lo = Math.min(lo, k - 2);
    hi = Math.max(hi, k + 3);
  }
  if (!Number.isFinite(lo)) {
    lo = 0;
    hi = 0;
  }
  out.add(lo);
  out.add(hi);
  const values = [...out].filter((v) => floor === null || v >= floor);
  if (floor !== null && values.length === 0) values.push(floor);
  return values.sort((a, b) => a - b);
}

/** Every outcome cell the book's contracts can tell apart. */
export function outcomeGrid(book: GameBook, options: PayoffOptions): Outcome[] {
  const contracts = [...book.holdings.map((h) => h.contract), ...book.pending.map((p) => p.contract)];
  const { margins, totals } = outcomeAxes(contracts, options);
  return margins.flatMap((margin) => totals.map((total) => ({ margin, total })));
}

/** The grid's two axes: the margins and the totals these contracts can tell apart (the grid is their product). */
export function outcomeAxes(
  contracts: Iterable<Contract>,
  options: PayoffOptions,
): { margins: number[]; totals: number[] } {
  const marginT: number[] = [0];
  const totalT: number[] = [];
  for (const c of contracts) {
    if (c.kind === 'total') totalT.push(c.threshold);
    else marginT.push(c.kind === 'spread' ? c.threshold : 0);
  }
  for (const t of [...marginT, ...totalT]) {
    if (!Number.isFinite(t)) throw new RangeError(`strike ${t} is not finite`);
  }
  const margins = breakpoints(marginT, null).filter((m) => options.ties || m !== 0);
  const totals = breakpoints(totalT, 0);
  return { margins, totals };
}

export interface PayoffRisk {
  /** worst-case loss over every outcome and fill path, Micros (≥ 0, rounded up) */
  worstCaseLoss: Micros;
  /** where it happens */
  worstOutcome: Outcome;
  /** outcomes evaluated */
  outcomes: number;
}

/** The game's worst-case loss with its pending orders counted. */
export function payoffRisk(book: GameBook, options: PayoffOptions): PayoffRisk {
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
  const grid = outcomeGrid(book, options);
  let worst = Number.POSITIVE_INFINITY;
  let at = grid[0]!;
  for (const o of grid) {
    const v = worstPnlAt(book, o);
    if (v < worst) {
      worst = v;
      at = o;
    }
  }
  return { worstCaseLoss: Math.max(0, Math.ceil(-worst / 100)), worstOutcome: at, outcomes: grid.length };
}

export type GameRiskDecision =
  | { ok: true; worstCaseLoss: Micros; limit: Micros }
  | { ok: false; worstCaseLoss: Micros; limit: Micros; worstOutcome: Outcome; detail: string };

/**
 * The gate before a write: the book with its pending orders plus the orders
 * about to be sent must not lose more than `limit` at any outcome.
 */
export function checkGameRisk(
  book: GameBook,
  newOrders: readonly PendingOrder[],
  limit: Micros,
  options: PayoffOptions,
): GameRiskDecision {
  const r = payoffRisk({ holdings: book.holdings, pending: [...book.pending, ...newOrders] }, options);
  if (r.worstCaseLoss <= limit) return { ok: true, worstCaseLoss: r.worstCaseLoss, limit };
  return {
    ok: false,
    worstCaseLoss: r.worstCaseLoss,
    limit,
    worstOutcome: r.worstOutcome,
    detail: `worst-case loss $${(r.worstCaseLoss / MICROS_PER_DOLLAR).toFixed(2)} at margin ${r.worstOutcome.margin}, total ${r.worstOutcome.total} > limit $${(limit / MICROS_PER_DOLLAR).toFixed(2)}`,
  };
}
