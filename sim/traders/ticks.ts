/**
 * A market's tick grid (Kalshi `price_ranges`) as the sorted list of tradable
 * prices strictly inside (0, 1): snapping down for bids (never pay more than
 * meant), up for asks, and stepping one tick either way.
 */
import type { Micros } from '../../shared/units.ts';
import type { PriceRange } from '../scenario/schema.ts';

const ONE: Micros = 1_000_000;

export class TickGrid {
  /** Tradable prices, ascending. */
  readonly prices: readonly Micros[];

  constructor(ranges: readonly PriceRange[]) {
    const set = new Set<Micros>();
    for (const r of ranges) for (let p = r.start; p <= r.end; p += r.step) if (p > 0 && p < ONE) set.add(p);
    if (set.size === 0) throw new RangeError('tick structure has no tradable price');
    this.prices = [...set].sort((a, b) => a - b);
  }

  get min(): Micros {
    return this.prices[0]!;
  }

  get max(): Micros {
    return this.prices[this.prices.length - 1]!;
  }

  /** Index of the highest grid price ≤ p (−1 if none). */
  private floorIndex(p: number): number {
    let lo = 0;
    let hi = this.prices.length - 1;
    let out = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.prices[mid]! <= p) {
        out = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return out;
  }

  /** Highest grid price ≤ `price`, clamped into the grid. */
  floor(price: number): Micros {
    return this.prices[Math.max(0, this.floorIndex(price))]!;
  }

  /** Lowest grid price ≥ `price`, clamped into the grid. */
  ceil(price: number): Micros {
    const i = this.floorIndex(price);
    if (i >= 0 && this.prices[i] === price) return price;
    return this.prices[Math.min(this.prices.length - 1, i + 1)]!;
  }

  /** One tick higher, or undefined at the top. */
  up(price: Micros): Micros | undefined {
    return this.prices[this.floorIndex(price) + 1];
  }

  /** One tick lower, or undefined at the bottom. */
  down(price: Micros): Micros | undefined {
    const i = this.floorIndex(price);
    const j = this.prices[i] === price ? i - 1 : i;
    return j >= 0 ? this.prices[j] : undefined;
  }
}
