/**
 * One inventory per game, never per market.
 *
 * Positions are signed per market: + YES, − NO, in Centis. The markets of a
 * game are mutually exclusive outcomes (exactly one resolves YES). When they
 * are also exhaustive (team A / team B; home / away / tie) the game's risk is
 * the exposure vector: the payoff, in contracts of $1, in each outcome:
 *
 *   e_i = pos_i⁺ + Σ_{j≠i} pos_j⁻
 *
 * (YES on i pays in outcome i; NO on j pays in every outcome except j). A
 * constant across all outcomes is locked-in money, not risk, so the vector is
 * normalised to min = 0. A single market, or a set that is not exhaustive,
 * gets one extra implicit outcome "none of these" (paid by all the NOs).
 *
 * Two-way game [A, B]: e_A − e_B = pos_A − pos_B — long YES A and long NO B
 * are both "long A". That difference is THE signed game inventory.
 *
 * For quoting market j we use its directional inventory
 *   q_j = e_j − (Σ_{i≠j} w_i e_i) / (Σ_{i≠j} w_i),  w = theo probabilities,
 * the payoff of outcome j against the expected payoff of the others: for a
 * two-way game q_A = pos_A − pos_B and q_B = −q_A exactly.
 */
import type { Side } from '../pricing/competitive.ts';
import type { Centis, Micros } from '../units.ts';
import { MICROS_PER_DOLLAR } from '../units.ts';

/** Payoff per outcome (Centis), normalised to min 0. Length = markets (+1 if not exhaustive). */
export function exposureVector(positions: readonly Centis[], exhaustive: boolean): Centis[] {
  const neg = positions.map((p) => Math.max(0, -p));
  const totalNeg = neg.reduce((a, b) => a + b, 0);
  const e = positions.map((p, i) => Math.max(0, p) + totalNeg - (neg[i] as number));
  if (!exhaustive || positions.length < 2) e.push(totalNeg);
  const min = Math.min(...e);
  return e.map((x) => x - min);
}

/** Signed inventory of a two-way game, "long A" > 0: pos_A − pos_B. */
export function twoWayInventory(positionA: Centis, positionB: Centis): Centis {
  return positionA - positionB;
}

/**
 * Directional inventory of outcome j: its payoff minus the weighted mean payoff of
 * the other outcomes. `weights` are theo probabilities per outcome (missing or
 * non-positive → equal weights).
 */
export function directionalInventory(
  exposure: readonly Centis[],
  j: number,
  weights?: readonly number[],
): number {
  // One other outcome: the weights cancel; keep the integer exact.
  if (exposure.length === 2) return (exposure[j] as number) - (exposure[1 - j] as number);
  let wSum = 0;
  let acc = 0;
  let count = 0;
  exposure.forEach((e, i) => {
    if (i === j) return;
    count += 1;
    const w = weights?.[i];
    const weight = w !== undefined && Number.isFinite(w) && w > 0 ? w : Number.NaN;
    wSum += weight;
    acc += weight * e;
  });
  if (count === 0) return 0;
  const others = Number.isFinite(wSum) && wSum > 0 ? acc / wSum : otherMean(exposure, j);
  return (exposure[j] as number) - others;
}

function otherMean(exposure: readonly Centis[], j: number): number {
  let s = 0;
  exposure.forEach((e, i) => {
    if (i !== j) s += e;
  });
  return s / (exposure.length - 1);
}

// ---------------------------------------------------------------------------
// Average entry price (for break-even ceilings)

/** A signed position on one YES price scale with its cost basis. */
export interface EntryState {
  /** Signed Centis, + long YES. */
  position: Centis;
  /** Σ price × size of the open position (Micros × Centis); sign follows the position. */
  cost: number;
  /**
   * Part of the position has no known cost (loaded at start-up or taken from a
   * reconciliation correction): no average until it is gone (flat or flipped).
   * Treating it as free would put a "break-even" below the real cost.
   */
  unknown?: boolean;
}

export const FLAT_ENTRY: EntryState = { position: 0, cost: 0 };

/**
 * Applies a signed fill (+ buy YES, − sell YES) at `price`. Adding keeps a
 * weighted average; reducing keeps the average of what is left; flipping
 * starts the new side at the fill price.
 */
export function applyEntryFill(s: EntryState, signedSize: Centis, price: Micros): EntryState {
  if (signedSize === 0) return s;
  const pos = s.position;
  if (pos === 0 || Math.sign(pos) === Math.sign(signedSize)) {
    // Adding to contracts of unknown cost: the average stays unknown.
    if (pos !== 0 && s.unknown) return { position: pos + signedSize, cost: 0, unknown: true };
    return { position: pos + signedSize, cost: s.cost + signedSize * price };
  }
  const next = pos + signedSize;
  if (next === 0) return FLAT_ENTRY;
  if (Math.sign(next) === Math.sign(pos)) {
    if (s.unknown) return { position: next, cost: 0, unknown: true };
    return { position: next, cost: (s.cost * next) / pos };
  }
  // Flipped: every contract left came from this fill, so the cost is known again.
  return { position: next, cost: next * price };
}

/** Average entry price (Micros, may be fractional) or null when flat or unknown. */
export function averageEntry(s: EntryState): number | null {
  return s.position === 0 || s.unknown ? null : s.cost / s.position;
}

/**
 * The state after the position was set from outside (start-up load,
 * reconciliation) to `position`: a reduction keeps the average of what is
 * left, flat is flat, anything else (added, flipped, cost already unknown) has
 * an unknown cost until the position is gone.
 */
export function entryAtPosition(s: EntryState, position: Centis): EntryState {
  if (position === s.position) return s;
  if (position === 0) return FLAT_ENTRY;
  if (
    !s.unknown &&
    s.position !== 0 &&
    Math.sign(position) === Math.sign(s.position) &&
    Math.abs(position) < Math.abs(s.position)
  )
    return { position, cost: (s.cost * position) / s.position };
  return { position, cost: 0, unknown: true };
}

export interface GameFill {
  ticker: string;
  /** bid = bought YES, ask = sold YES (≡ bought NO at 1 − price). */
  side: Side;
  price: Micros;
  size: Centis;
}

/**
 * Entry tracking per game. A two-way game keeps ONE tracker on market A's YES
 * scale (a fill on B at p is the opposite fill on A at 1 − p), so "long A at
 * 45¢" is one number whatever leg was used. Other games keep one per market
 * (break-even is then per market, an approximation stated in docs/PRICING.md).
 */
export interface GameEntryBook {
  tickers: readonly string[];
  twoWay: boolean;
  trackers: readonly EntryState[];
}

export function newGameEntryBook(
  tickers: readonly string[],
  exhaustive = tickers.length === 2,
): GameEntryBook {
  const twoWay = tickers.length === 2 && exhaustive;
  return { tickers, twoWay, trackers: twoWay ? [FLAT_ENTRY] : tickers.map(() => FLAT_ENTRY) };
}

export type ApplyFillResult = { ok: true; book: GameEntryBook } | { ok: false; error: string };

export function applyGameFill(book: GameEntryBook, fill: GameFill): ApplyFillResult {
  const j = book.tickers.indexOf(fill.ticker);
  if (j < 0) return { ok: false, error: `fill.ticker ${fill.ticker} is not a market of this game` };
  if (!Number.isInteger(fill.size) || fill.size <= 0)
    return { ok: false, error: `fill.size ${fill.size} invalid` };
  if (!Number.isInteger(fill.price) || fill.price <= 0 || fill.price >= MICROS_PER_DOLLAR) {
    return { ok: false, error: `fill.price ${fill.price} invalid` };
  }
  const signed = fill.side === 'bid' ? fill.size : -fill.size;
  const trackers = [...book.trackers];
  if (book.twoWay) {
    const onA =
      j === 0
        ? { size: signed, price: fill.price }
        : { size: -signed, price: MICROS_PER_DOLLAR - fill.price };
    trackers[0] = applyEntryFill(trackers[0] as EntryState, onA.size, onA.price);
  } else {
    trackers[j] = applyEntryFill(trackers[j] as EntryState, signed, fill.price);
  }
  return { ok: true, book: { ...book, trackers } };
}

/**
 * The book after positions were set from outside (start-up load, drift
 * correction): each tracker moves to the position the markets now hold (a
 * two-way game's is pos_A − pos_B on A's scale), keeping what it can know.
 */
export function entryBookAtPositions(
  book: GameEntryBook,
  position: (ticker: string) => Centis,
): GameEntryBook {
  const trackers = book.twoWay
    ? [
        entryAtPosition(
          book.trackers[0] as EntryState,
          position(book.tickers[0]!) - position(book.tickers[1]!),
        ),
      ]
    : book.trackers.map((t, j) => entryAtPosition(t, position(book.tickers[j]!)));
  return { ...book, trackers };
}

/**
 * Average entry of the directional position in `ticker`, on that market's YES
 * scale; null when flat or unknown.
 */
export function marketAverageEntry(book: GameEntryBook, ticker: string): number | null {
  const j = book.tickers.indexOf(ticker);
  if (j < 0) return null;
  if (book.twoWay) {
    const avg = averageEntry(book.trackers[0] as EntryState);
    if (avg === null) return null;
    return j === 0 ? avg : MICROS_PER_DOLLAR - avg;
  }
  return averageEntry(book.trackers[j] as EntryState);
}
