/**
 * The set of prices a market accepts, built from Kalshi's `price_ranges`
 * (`{start, end, step}` in Micros, e.g. linear_cent = one range 0..$1 by 1¢;
 * tapered_deci_cent = 0.1¢ below 10¢ and above 90¢, 1¢ between).
 *
 * A price is valid when it is `start + n·step` inside some range (ends
 * included) and strictly inside (0, $1): 0 and $1 are never quotable.
 * The grid holds every valid tick in a sorted array (at most 9 999 ticks at the
 * finest price Kalshi accepts in requests, 0.01¢), so rounding is an exact
 * binary search, never float arithmetic.
 */
import * as z from 'zod';
import { MICROS_PER_CENT, MICROS_PER_DOLLAR, type Micros } from '../units.ts';

export interface PriceRange {
  start: Micros;
  end: Micros;
  step: Micros;
}

export interface TickGrid {
  readonly ranges: readonly PriceRange[];
  /** Every valid price, ascending, no duplicates, all in (0, $1). */
  readonly ticks: readonly Micros[];
}

/** Requests accept at most 4 decimals of a dollar, so no step can be finer than 100 Micros. */
export const MIN_STEP: Micros = 100;

const zMicrosInt = z.number().int().min(0).max(MICROS_PER_DOLLAR);

export const PriceRangeSchema = z
  .object({ start: zMicrosInt, end: zMicrosInt, step: z.number().int().min(MIN_STEP).max(MICROS_PER_DOLLAR) })
  .refine((r) => r.start < r.end, { message: 'start must be below end', path: ['start'] })
  .refine((r) => r.step % MIN_STEP === 0, { message: 'step must be a multiple of $0.0001', path: ['step'] });

export const PriceRangesSchema = z.array(PriceRangeSchema).min(1, 'price_ranges must not be empty');

/** The default structure: 1¢ everywhere (`linear_cent`). */
export const LINEAR_CENT_RANGES: readonly PriceRange[] = [
  { start: 0, end: MICROS_PER_DOLLAR, step: MICROS_PER_CENT },
];

export const DECI_CENT_RANGES: readonly PriceRange[] = [
  { start: 0, end: MICROS_PER_DOLLAR, step: MICROS_PER_CENT / 10 },
];

export const TAPERED_DECI_CENT_RANGES: readonly PriceRange[] = [
  { start: 0, end: 100_000, step: 1_000 },
  { start: 100_000, end: 900_000, step: MICROS_PER_CENT },
  { start: 900_000, end: MICROS_PER_DOLLAR, step: 1_000 },
];

export type TickGridResult = { ok: true; grid: TickGrid } | { ok: false; error: string };

// Every market of one price structure (linear_cent, tapered_deci_cent, …) shares one immutable grid: a
// worker quoting 10,000 markets held 10,000 copies of a few distinct tick arrays, ≈ 9 % of its heap
// (issue #16, docs/BENCHMARKS.md). Keyed by the ranges' numbers; only valid grids are kept; bounded.
const GRID_MEMO_LIMIT = 64;
const gridMemo = new Map<string, TickGridResult>();

/** The memo key of plain numeric ranges; null for anything else (left to the schema, never cached). */
function rangesKey(ranges: readonly PriceRange[]): string | null {
  if (!Array.isArray(ranges)) return null;
  let key = '';
  for (const r of ranges) {
    if (typeof r !== 'object' || r === null) return null;
    const { start, end, step } = r as Partial<Record<keyof PriceRange, unknown>>;
    if (typeof start !== 'number' || typeof end !== 'number' || typeof step !== 'number') return null;
    key += `${start}:${end}:${step};`;
  }
  return key;
}

/** Builds a grid; never throws. The error names the offending field. The same ranges give the same grid object. */
export function tryMakeTickGrid(ranges: readonly PriceRange[] = LINEAR_CENT_RANGES): TickGridResult {
  const key = rangesKey(ranges);
  const known = key === null ? undefined : gridMemo.get(key);
  if (known) return known;
  const result = buildTickGrid(ranges);
  if (result.ok && key !== null) {
    if (gridMemo.size >= GRID_MEMO_LIMIT) gridMemo.clear();
    gridMemo.set(key, result);
  }
  return result;
}

function buildTickGrid(ranges: readonly PriceRange[]): TickGridResult {
  const parsed = PriceRangesSchema.safeParse(ranges);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `price_ranges.${issue.path.join('.')}` : 'price_ranges';
    return { ok: false, error: `${where}: ${issue?.message ?? 'invalid'}` };
  }
  const set = new Set<Micros>();
  for (const r of parsed.data) {
    for (let p = r.start; p <= r.end; p += r.step) {
      if (p > 0 && p < MICROS_PER_DOLLAR) set.add(p);
    }
  }
  if (set.size === 0) return { ok: false, error: 'price_ranges: no price strictly inside (0, 1)' };
  const ticks = [...set].sort((a, b) => a - b);
  return { ok: true, grid: { ranges: parsed.data, ticks } };
}

/** Builds a grid or throws a RangeError naming the field (for config/tests). */
export function makeTickGrid(ranges: readonly PriceRange[] = LINEAR_CENT_RANGES): TickGrid {
  const r = tryMakeTickGrid(ranges);
  if (!r.ok) throw new RangeError(r.error);
  return r.grid;
}

export const LINEAR_CENT_GRID: TickGrid = makeTickGrid(LINEAR_CENT_RANGES);

/** Index of the first tick >= price (ticks.length if none). */
function lowerBound(ticks: readonly Micros[], price: number): number {
  let lo = 0;
  let hi = ticks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ticks[mid] as number) < price) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function isOnGrid(grid: TickGrid, price: number): boolean {
  if (!Number.isInteger(price)) return false;
  const i = lowerBound(grid.ticks, price);
  return grid.ticks[i] === price;
}

/** Largest valid tick ≤ price (a bid rounds down); null if none. Accepts fractional input. */
export function floorToGrid(grid: TickGrid, price: number): Micros | null {
  if (Number.isNaN(price)) return null;
  const i = lowerBound(grid.ticks, price);
  if (grid.ticks[i] === price) return price;
  return i > 0 ? (grid.ticks[i - 1] as Micros) : null;
}

/** Smallest valid tick ≥ price (an ask rounds up); null if none. Accepts fractional input. */
export function ceilToGrid(grid: TickGrid, price: number): Micros | null {
  if (Number.isNaN(price)) return null;
  const i = lowerBound(grid.ticks, price);
  return i < grid.ticks.length ? (grid.ticks[i] as Micros) : null;
}

/** Smallest valid tick strictly above price; null if none. */
export function nextTick(grid: TickGrid, price: number): Micros | null {
  if (Number.isNaN(price)) return null;
  let i = lowerBound(grid.ticks, price);
  if (grid.ticks[i] === price) i += 1;
  return i < grid.ticks.length ? (grid.ticks[i] as Micros) : null;
}

/** Largest valid tick strictly below price; null if none. */
export function prevTick(grid: TickGrid, price: number): Micros | null {
  if (Number.isNaN(price)) return null;
  const i = lowerBound(grid.ticks, price);
  return i > 0 ? (grid.ticks[i - 1] as Micros) : null;
}

export function minTick(grid: TickGrid): Micros {
  return grid.ticks[0] as Micros;
}

export function maxTick(grid: TickGrid): Micros {
  return grid.ticks[grid.ticks.length - 1] as Micros;
}
