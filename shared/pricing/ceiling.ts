/**
 * Ceilings: the most aggressive price on the grid that still earns a required
 * edge over a reference price AFTER the maker fee of the order.
 *
 *   bid: largest tick b with  reference − b − fee(b) ≥ required
 *   ask: smallest tick a with a − reference − fee(a) ≥ required
 *
 * With reference = theo and required = min edge this is the quoting ceiling
 * (bid) / floor (ask); with reference = average entry and required = 0 it is
 * the break-even price. Searching tick by tick from the fee-free bound keeps it
 * exact even where per-order cent rounding makes the fee jump between ticks.
 */
import type { Micros } from '../units.ts';
import type { Side } from './competitive.ts';
import { ceilToGrid, floorToGrid, nextTick, prevTick, type TickGrid } from './tick-grid.ts';

/** Fee per contract (Micros) of our order if it rests at `price`. */
export type FeeAt = (price: Micros) => Micros;

export function edgeAt(side: Side, reference: number, price: Micros, feeAt: FeeAt): number {
  return side === 'bid' ? reference - price - feeAt(price) : price - reference - feeAt(price);
}

export function edgeCeiling(
  grid: TickGrid,
  side: Side,
  reference: number,
  required: number,
  feeAt: FeeAt,
): Micros | null {
  if (!Number.isFinite(reference) || !Number.isFinite(required)) return null;
  if (side === 'bid') {
    let b = floorToGrid(grid, reference - required);
    while (b !== null && edgeAt('bid', reference, b, feeAt) < required) b = prevTick(grid, b);
    return b;
  }
  let a = ceilToGrid(grid, reference + required);
  while (a !== null && edgeAt('ask', reference, a, feeAt) < required) a = nextTick(grid, a);
  return a;
}
