/**
 * Break-even ceilings. Once |inventory| reaches a configured share of the
 * limit, the side that REDUCES it may quote up to the average entry price —
 * scratching the position, net of the exit's maker fee — even when that is
 * negative edge against theo. Getting flat beats earning the last cent while
 * over-exposed.
 *
 *   long  (q > 0): ask floor   = smallest tick a with a − fee(a) ≥ avgEntry
 *   short (q < 0): bid ceiling = largest tick b with b + fee(b) ≤ avgEntry
 *
 * `avgEntry` is on the market's YES scale (inventory.ts `marketAverageEntry`).
 */

import { edgeCeiling, type FeeAt } from '../pricing/ceiling.ts';
import type { Side } from '../pricing/competitive.ts';
import type { TickGrid } from '../pricing/tick-grid.ts';
import type { Centis, Micros } from '../units.ts';

/** Is break-even mode on for this directional inventory? */
export function breakEvenActive(q: number, limit: Centis, share: number): boolean {
  return limit > 0 && q !== 0 && Math.abs(q) >= share * limit;
}

/** The side that reduces directional inventory q (none when flat). */
export function reducingSide(q: number): Side | null {
  return q > 0 ? 'ask' : q < 0 ? 'bid' : null;
}

/** Break-even price for the reducing side of q, or null (flat, no entry, no tick). */
export function breakEvenPrice(
  q: number,
  avgEntry: number | null,
  grid: TickGrid,
  feeAt: FeeAt,
): Micros | null {
  const side = reducingSide(q);
  if (side === null || avgEntry === null || !Number.isFinite(avgEntry)) return null;
  return edgeCeiling(grid, side, avgEntry, 0, feeAt);
}
