/**
 * One side of a market's order book on the YES price scale: FIFO queues per
 * price level, levels kept sorted best-first. Bids are YES bids; asks are NO
 * bids seen from the YES leg (a NO bid at 1 − p is a YES ask at p).
 */
import type { Centis, Micros } from '../../shared/units.ts';
import type { SimOrder } from './types.ts';

export class BookSide {
  private readonly levels = new Map<Micros, SimOrder[]>();
  /** Level prices, best first (descending for bids, ascending for asks). */
  private readonly prices: Micros[] = [];

  constructor(readonly side: 'bid' | 'ask') {}

  /** True when `a` is a better price than `b` for this side. */
  private better(a: Micros, b: Micros): boolean {
    return this.side === 'bid' ? a > b : a < b;
  }

  bestPrice(): Micros | undefined {
    return this.prices[0];
  }

  /** Queue at the best level (shared array: callers must not mutate it). */
  bestQueue(): readonly SimOrder[] | undefined {
    const p = this.prices[0];
    return p === undefined ? undefined : this.levels.get(p);
  }

  /** Appends at the back of its price level's queue (time priority). */
  add(order: SimOrder): void {
    let queue = this.levels.get(order.price);
    if (!queue) {
      queue = [];
      this.levels.set(order.price, queue);
      let lo = 0;
      let hi = this.prices.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.better(this.prices[mid] as Micros, order.price)) lo = mid + 1;
        else hi = mid;
      }
      this.prices.splice(lo, 0, order.price);
    }
    queue.push(order);
  }

  remove(order: SimOrder): boolean {
    const queue = this.levels.get(order.price);
    if (!queue) return false;
    const i = queue.indexOf(order);
    if (i < 0) return false;
    queue.splice(i, 1);
    if (queue.length === 0) {
      this.levels.delete(order.price);
      const j = this.prices.indexOf(order.price);
      if (j >= 0) this.prices.splice(j, 1);
    }
    return true;
  }

  sizeAt(price: Micros): Centis {
    let total = 0;
    for (const o of this.levels.get(price) ?? []) total += o.remaining;
    return total;
  }

  /** Aggregated levels best first: [price, size]. */
  depth(): [Micros, Centis][] {
    return this.prices.map((p) => [p, this.sizeAt(p)]);
  }

  /** Every resting order, best level first, FIFO within a level. */
  orders(): SimOrder[] {
    return this.prices.flatMap((p) => this.levels.get(p) ?? []);
  }
}
