/**
 * Realised PnL as it really arrives on a binary book: a drip as contracts close each other, then
 * the wave when the market settles. Pure; fed by the stored record (fills and settlements, in the
 * store), so the figures do not depend on one process's memory.
 *
 * Per market, average cost on the YES scale with a signed position (+ long YES, − short YES, i.e.
 * long NO at 1 − price): a fill that reduces the position realises (price − average) on what it
 * closes; a settlement at value v realises (v − average) × position; every fee is realised when
 * charged. After a market settles its realised total equals its cash flows exactly (up to rounding
 * of one Micro per event): a property test holds it to that.
 */
import { type Centis, type Micros, notionalMicros } from '../units.ts';

export interface LedgerFill {
  kind: 'fill';
  tradeId: string;
  ticker: string;
  eventTicker: string;
  /** Our side: bid = bought YES, ask = sold YES. */
  side: 'bid' | 'ask';
  /** YES price, Micros. */
  price: Micros;
  count: Centis;
  /** Fee charged, Micros (negative: a rebate). */
  fee?: number;
  ts: number;
}

export interface LedgerSettlement {
  kind: 'settlement';
  ticker: string;
  eventTicker: string;
  /** What one YES contract paid, Micros: $1 when YES won, 0 when NO won (or a scalar in between). */
  value: Micros;
  /** Settlement fee, Micros (0 on Kalshi's sports markets today). */
  fee?: number;
  ts: number;
}

export type LedgerEntry = LedgerFill | LedgerSettlement;

/** One realised amount: what made it, when, where. */
export interface Realisation {
  ts: number;
  ticker: string;
  eventTicker: string;
  /** `trade`: a fill closing part of a position; `settlement`: the wave; `fee`: a fee charged. */
  source: 'trade' | 'settlement' | 'fee';
  amount: Micros;
}

export interface OpenPosition {
  ticker: string;
  eventTicker: string;
  /** Signed, Centis: + YES contracts. */
  position: Centis;
  /** Average YES price of the open position, Micros (fractional). */
  averagePrice: number;
}

interface Book {
  eventTicker: string;
  position: Centis;
  average: number;
  settled: boolean;
}

/** Entries in the order they happened (ties: fills before a settlement). */
export function byTime(entries: readonly LedgerEntry[]): LedgerEntry[] {
  return [...entries].sort((a, b) => a.ts - b.ts || (a.kind === b.kind ? 0 : a.kind === 'fill' ? -1 : 1));
}

/**
 * Walks the record in time order: what was realised, entry by entry, and what is still open. A fill
 * after its market settled is impossible on the exchange: it is returned in `rejected`, never priced.
 */
export function realise(entries: readonly LedgerEntry[]): {
  realised: Realisation[];
  open: OpenPosition[];
  rejected: LedgerEntry[];
} {
  const books = new Map<string, Book>();
  const realised: Realisation[] = [];
  const rejected: LedgerEntry[] = [];
  const book = (e: LedgerEntry) => {
    let b = books.get(e.ticker);
    if (!b) {
      b = { eventTicker: e.eventTicker, position: 0, average: 0, settled: false };
      books.set(e.ticker, b);
    }
    return b;
  };
  const push = (e: LedgerEntry, source: Realisation['source'], amount: number) => {
    const rounded = Math.round(amount);
    if (rounded !== 0)
      realised.push({ ts: e.ts, ticker: e.ticker, eventTicker: e.eventTicker, source, amount: rounded });
  };
  for (const e of byTime(entries)) {
    const b = book(e);
    if (b.settled) {
      rejected.push(e);
      continue;
    }
    if (e.fee) push(e, 'fee', -e.fee);
    if (e.kind === 'settlement') {
      push(e, 'settlement', ((e.value - b.average) * b.position) / 100);
      b.position = 0;
      b.average = 0;
      b.settled = true;
      continue;
    }
    const signed = e.side === 'bid' ? e.count : -e.count;
    if (b.position === 0 || Math.sign(b.position) === Math.sign(signed)) {
      const next = b.position + signed;
      b.average = (b.average * Math.abs(b.position) + e.price * e.count) / Math.abs(next);
      b.position = next;
      continue;
    }
    const closed = Math.min(Math.abs(signed), Math.abs(b.position));
    // Long YES sold at price: (price − average) per contract; short YES bought back: (average − price).
    push(e, 'trade', (((e.price - b.average) * closed) / 100) * Math.sign(b.position));
    const next = b.position + signed;
    if (next === 0) b.average = 0;
    else if (Math.sign(next) !== Math.sign(b.position)) b.average = e.price;
    b.position = next;
  }
  const open: OpenPosition[] = [];
  for (const [ticker, b] of books)
    if (b.position !== 0)
      open.push({ ticker, eventTicker: b.eventTicker, position: b.position, averagePrice: b.average });
  return { realised, open, rejected };
}

/** Marked PnL of open positions at `theo` (probability of YES per ticker); unpriced ones are listed. */
export function markAtTheo(
  open: readonly OpenPosition[],
  theo: (ticker: string) => number | null,
): { marked: Micros; unpriced: string[] } {
  let marked = 0;
  const unpriced: string[] = [];
  for (const p of open) {
    const t = theo(p.ticker);
    if (t === null) unpriced.push(p.ticker);
    else marked += notionalMicros(t * 1_000_000 - p.averagePrice, p.position);
  }
  return { marked: Math.round(marked), unpriced };
}

/** Cash paid (−) or received (+) by an entry, before settlement: the identity's other side. */
export function cashFlow(e: LedgerEntry, settledPosition = 0): number {
  if (e.kind === 'settlement') return (e.value * settledPosition) / 100 - (e.fee ?? 0);
  return ((e.side === 'bid' ? -1 : 1) * e.price * e.count) / 100 - (e.fee ?? 0);
}
