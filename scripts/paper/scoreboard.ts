/**
 * The simulation scoreboard, computed from what a run recorded — fills as the
 * exchange reported them, theo paths, inventory samples, write counts and
 * invariant checks — rather than from the strategy's own accounting, so every
 * strategy (ours and the baselines) is measured by the same ruler.
 *
 * Internals are exact integers (Micros, Centis); the JSON scoreboard is in
 * dollars and contracts, as issue #7 asks.
 */
import { CENTIS_PER_CONTRACT, type Centis, MICROS_PER_DOLLAR, type Micros } from '../../shared/units.ts';

export interface RecordedFill {
  time: number;
  gameId: string;
  ticker: string;
  /** bid = we bought YES, ask = we sold YES. */
  side: 'bid' | 'ask';
  price: Micros;
  size: Centis;
  /** Fee we paid (Micros), 0 when none. */
  fee: Micros;
}

export interface TheoPoint {
  t: number;
  /** YES probability of the market. */
  p: number;
}

export interface InventorySample {
  t: number;
  gameId: string;
  /** Signed game inventory. */
  inventory: Centis;
}

export interface RecordedGame {
  id: string;
  tickers: string[];
  limit: Centis;
  /** Nothing of ours may rest after this. */
  stopTime: number;
  /** Settlement value of each market's YES (0 or $1) when the run saw it settle. */
  settlement?: Record<string, Micros>;
}

export interface RunRecord {
  strategy: string;
  /** Scenario time span of the run. */
  startTime: number;
  endTime: number;
  games: RecordedGame[];
  fills: RecordedFill[];
  /** Theo path per market ticker, time ascending. */
  theo: Record<string, TheoPoint[]>;
  inventory: InventorySample[];
  /** Orders we created. */
  ordersCreated: number;
  /** Contracts offered by those orders when created (Centis) — for the fill rate. */
  quotedContracts: Centis;
  /** Exchange writes (create, amend, decrease, cancel; a batch item counts once). */
  writes: number;
  /** Times the strategy recomputed a game's quotes. */
  requotes: number;
  ordersAfterStop: number;
  invariantViolations: number;
  reconnects: number;
  bookResyncs: number;
  bookMismatches: number;
}

export interface StrategyScore {
  pnl_realized: number;
  pnl_marked: number;
  fees: number;
  fills: number;
  fills_bid: number;
  fills_ask: number;
  contracts_traded: number;
  /** Contracts filled ÷ contracts offered by the orders we created. */
  fill_rate: number;
  orders_created: number;
  max_abs_inventory: number;
  inventory_limit: number;
  time_at_limit_share: number;
  adverse_selection: number;
  writes_per_requote: number;
  orders_after_stop: number;
  invariant_violations: number;
  reconnects: number;
  book_resyncs: number;
  book_mismatches: number;
}

/** How long after a fill the theo move is measured, for adverse selection. */
export const ADVERSE_HORIZON_MS = 60_000;

const dollars = (m: number) => Math.round(m) / MICROS_PER_DOLLAR;
const contracts = (c: number) => c / CENTIS_PER_CONTRACT;
const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The last theo at or before `t` (binary search); null before the first point. */
export function theoAt(path: readonly TheoPoint[] | undefined, t: number): number | null {
  if (!path || path.length === 0 || path[0]!.t > t) return null;
  let lo = 0;
  let hi = path.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (path[mid]!.t <= t) lo = mid;
    else hi = mid - 1;
  }
  return path[lo]!.p;
}

interface Position {
  qty: Centis;
  /** Cost basis of the open quantity, Micros × Centis / 100 units (i.e. Micros). */
  basis: number;
}

/**
 * Realised PnL by average cost per market: a fill that reduces |position|
 * realises (exit − average entry) × size; settlement realises the rest.
 * Marked PnL = realised + open positions valued at the final theo (or the
 * settlement value). Fees are subtracted from both.
 */
export function pnlOf(
  fills: readonly RecordedFill[],
  marks: Readonly<Record<string, Micros | null>>,
): { realized: Micros; marked: Micros; fees: Micros; open: Map<string, Position> } {
  const book = new Map<string, Position>();
  let realized = 0;
  let fees = 0;
  for (const f of [...fills].sort((a, b) => a.time - b.time)) {
    fees += f.fee;
    const pos = book.get(f.ticker) ?? { qty: 0, basis: 0 };
    const signed = f.side === 'bid' ? f.size : -f.size;
    const value = (f.price * f.size) / CENTIS_PER_CONTRACT;
    if (pos.qty === 0 || Math.sign(pos.qty) === Math.sign(signed)) {
      pos.qty += signed;
      pos.basis += Math.sign(signed) * value;
    } else {
      const closing = Math.min(Math.abs(signed), Math.abs(pos.qty));
      const avg = pos.basis / pos.qty; // Micros per Centi, signed like qty
      const entryValue = avg * closing * Math.sign(pos.qty);
      const exitValue = ((f.price * closing) / CENTIS_PER_CONTRACT) * Math.sign(pos.qty);
      realized += exitValue - entryValue;
      pos.basis -= entryValue;
      pos.qty -= Math.sign(pos.qty) * closing;
      const opening = Math.abs(signed) - closing;
      if (opening > 0) {
        pos.qty = Math.sign(signed) * opening;
        pos.basis = (Math.sign(signed) * f.price * opening) / CENTIS_PER_CONTRACT;
      }
      if (pos.qty === 0) pos.basis = 0;
    }
    book.set(f.ticker, pos);
  }
  let unrealized = 0;
  for (const [ticker, pos] of book) {
    if (pos.qty === 0) continue;
    const mark = marks[ticker];
    if (mark === null || mark === undefined) continue;
    unrealized += (mark * pos.qty) / CENTIS_PER_CONTRACT - pos.basis;
  }
  return {
    realized: Math.round(realized - fees),
    marked: Math.round(realized + unrealized - fees),
    fees,
    open: book,
  };
}

export function scoreRun(run: RunRecord): StrategyScore {
  const settled: Record<string, Micros> = Object.assign({}, ...run.games.map((g) => g.settlement ?? {}));
  const marks: Record<string, Micros | null> = {};
  for (const g of run.games) {
    for (const t of g.tickers) {
      const p = theoAt(run.theo[t], run.endTime);
      marks[t] = settled[t] ?? (p === null ? null : Math.round(p * MICROS_PER_DOLLAR));
    }
  }
  // Realised includes settlement: a settled market's open position is closed at its value.
  const settleFills: RecordedFill[] = [];
  const { open } = pnlOf(run.fills, marks);
  for (const [ticker, pos] of open) {
    const value = settled[ticker];
    if (value === undefined || pos.qty === 0) continue;
    settleFills.push({
      time: run.endTime + 1,
      gameId: '',
      ticker,
      side: pos.qty > 0 ? 'ask' : 'bid',
      price: value,
      size: Math.abs(pos.qty),
      fee: 0,
    });
  }
  const pnl = pnlOf([...run.fills, ...settleFills], marks);

  let adverse = 0;
  for (const f of run.fills) {
    const before = theoAt(run.theo[f.ticker], f.time);
    const after = theoAt(run.theo[f.ticker], f.time + ADVERSE_HORIZON_MS);
    if (before === null || after === null) continue;
    // Bought and theo fell, or sold and theo rose: a cost.
    const move = (f.side === 'bid' ? before - after : after - before) * MICROS_PER_DOLLAR;
    adverse += (move * f.size) / CENTIS_PER_CONTRACT;
  }

  const limitOf = new Map(run.games.map((g) => [g.id, g.limit]));
  const stopOf = new Map(run.games.map((g) => [g.id, g.stopTime]));
  let maxAbs = 0;
  let live = 0;
  let atLimit = 0;
  for (const s of run.inventory) {
    maxAbs = Math.max(maxAbs, Math.abs(s.inventory));
    if (s.t > (stopOf.get(s.gameId) ?? Number.POSITIVE_INFINITY)) continue;
    live++;
    const limit = limitOf.get(s.gameId) ?? 0;
    if (limit > 0 && Math.abs(s.inventory) >= limit) atLimit++;
  }

  const traded = run.fills.reduce((n, f) => n + f.size, 0);
  return {
    pnl_realized: dollars(pnl.realized),
    pnl_marked: dollars(pnl.marked),
    fees: dollars(pnl.fees),
    fills: run.fills.length,
    fills_bid: run.fills.filter((f) => f.side === 'bid').length,
    fills_ask: run.fills.filter((f) => f.side === 'ask').length,
    contracts_traded: contracts(traded),
    orders_created: run.ordersCreated,
    fill_rate: run.quotedContracts > 0 ? round(traded / run.quotedContracts) : 0,
    max_abs_inventory: contracts(maxAbs),
    inventory_limit: contracts(Math.max(0, ...run.games.map((g) => g.limit))),
    time_at_limit_share: live > 0 ? round(atLimit / live) : 0,
    adverse_selection: dollars(adverse),
    writes_per_requote: run.requotes > 0 ? round(run.writes / run.requotes) : 0,
    orders_after_stop: run.ordersAfterStop,
    invariant_violations: run.invariantViolations,
    reconnects: run.reconnects,
    book_resyncs: run.bookResyncs,
    book_mismatches: run.bookMismatches,
  };
}

export type Scoreboard = Record<string, StrategyScore>;
