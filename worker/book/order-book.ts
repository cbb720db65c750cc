/**
 * One market's order book in YES terms: YES bids, and YES asks (each the
 * mirror 1 − p of a NO bid). Levels live in typed arrays indexed by price
 * slot, so a level update is O(1) and the best price is a cached index (a
 * cleared best level walks to the next one, bounded by the grid size).
 *
 * Our own resting size per price is tracked beside the book, so competition
 * logic can read the book without us (`excludeOwn`).
 *
 * The book never repairs bad data: a level driven negative, a price off the
 * tick grid, or a crossed book makes it `invalid` until the next snapshot.
 */
import type { PriceRange } from '../../shared/kalshi/schemas/rest.ts';
import type { Centis, Micros } from '../../shared/units.ts';

export type BookState = 'live' | 'stale' | 'invalid';
/** bid = YES bid; ask = YES ask (a NO bid at 1 − price). */
export type BookSide = 'bid' | 'ask';
export type BookError = 'negative_level' | 'off_grid' | 'out_of_range' | 'crossed';

export interface Quote {
  price: Micros;
  size: Centis;
}

export const ONE_DOLLAR: Micros = 1_000_000;
/** Slot width when the market's grid is not known: 0.0001 $, the finest price Kalshi requests accept. */
const FALLBACK_UNIT: Micros = 100;

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y) [x, y] = [y, x % y];
  return x;
}

/** Slot width for a grid: the gcd of its steps and band edges, so every legal price has a slot. */
export function slotUnit(ranges: readonly PriceRange[] | null | undefined): Micros {
  if (!ranges || ranges.length === 0) return FALLBACK_UNIT;
  let g = 0;
  for (const r of ranges) g = gcd(gcd(gcd(g, r.step), r.start), r.end);
  return g > 0 && ONE_DOLLAR % g === 0 ? g : FALLBACK_UNIT;
}

/** Whether `price` is a tradable price on the grid: strictly inside (0, 1) and on a band's step. */
export function onGrid(price: Micros, ranges: readonly PriceRange[] | null | undefined): boolean {
  if (!Number.isInteger(price) || price <= 0 || price >= ONE_DOLLAR) return false;
  if (!ranges || ranges.length === 0) return price % FALLBACK_UNIT === 0;
  for (const r of ranges)
    if (price >= r.start && price <= r.end && (price - r.start) % r.step === 0) return true;
  return false;
}

export class OrderBook {
  private bookState: BookState = 'stale';
  /**
   * Bumped on every change a reader can see (levels, state, grid, timestamp), so
   * readers can cache what they derive from the book per version.
   */
  version = 0;
  /** Called when the book turns live or stops being live (the feed keeps a count instead of scanning books). */
  onLiveChange: ((book: OrderBook, live: boolean) => void) | null = null;
  /** Why the book is stale or invalid (for logs and the replay report). */
  reason: string | null = 'no snapshot yet';
  /** Epoch ms of the last applied snapshot/delta (the delta's exchange ts_ms, else its arrival time). */
  updatedAt: number | null = null;

  private ranges: readonly PriceRange[] | null;
  private unit: Micros;
  private slots: number;
  private bids!: Float64Array;
  private asks!: Float64Array;
  /** Our own sizes, allocated on first `setOwn` (most books never hold an order of ours). */
  private ownBids: Float64Array | null = null;
  private ownAsks: Float64Array | null = null;
  /** Highest slot with a bid, or -1. */
  private bestBidSlot = -1;
  /** Lowest slot with an ask, or `slots`. */
  private bestAskSlot = 0;

  constructor(
    readonly ticker: string,
    ranges?: readonly PriceRange[] | null,
  ) {
    this.ranges = ranges ?? null;
    this.unit = slotUnit(this.ranges);
    this.slots = ONE_DOLLAR / this.unit + 1;
    this.allocate();
  }

  private allocate(): void {
    this.bids = new Float64Array(this.slots);
    this.asks = new Float64Array(this.slots);
    this.ownBids = null;
    this.ownAsks = null;
    this.bestBidSlot = -1;
    this.bestAskSlot = this.slots;
    this.version++;
  }

  get state(): BookState {
    return this.bookState;
  }

  set state(next: BookState) {
    const was = this.bookState;
    if (was === next) return;
    this.bookState = next;
    this.version++;
    if ((was === 'live') !== (next === 'live')) this.onLiveChange?.(this, next === 'live');
  }

  get grid(): readonly PriceRange[] | null {
    return this.ranges;
  }

  /** A new tick grid (price_level_structure_updated): levels and own sizes are dropped; a snapshot must follow. */
  setGrid(ranges: readonly PriceRange[] | null): void {
    this.ranges = ranges;
    this.unit = slotUnit(ranges);
    this.slots = ONE_DOLLAR / this.unit + 1;
    this.allocate();
    this.markStale('tick grid changed');
  }

  markStale(reason: string): void {
    if (this.state !== 'invalid') {
      this.state = 'stale';
      this.reason = reason;
    }
  }

  markInvalid(reason: string): void {
    this.state = 'invalid';
    this.reason = reason;
  }

  /** Usable for quoting. */
  get live(): boolean {
    return this.state === 'live';
  }

  private slotOf(price: Micros): number | BookError {
    if (!Number.isInteger(price) || price <= 0 || price >= ONE_DOLLAR) return 'out_of_range';
    if (!onGrid(price, this.ranges) || price % this.unit !== 0) return 'off_grid';
    return price / this.unit;
  }

  /**
   * Replaces the whole book (YES bids and YES asks, any order). Zero-size
   * levels are skipped, repeated prices summed. A bad snapshot leaves the book
   * `invalid` (empty) and returns the error.
   */
  applySnapshot(
    bids: readonly (readonly [Micros, Centis])[],
    asks: readonly (readonly [Micros, Centis])[],
    ts?: number,
  ): BookError | null {
    this.bids.fill(0);
    this.asks.fill(0);
    this.bestBidSlot = -1;
    this.bestAskSlot = this.slots;
    this.version++;
    for (const [side, levels] of [
      ['bid', bids],
      ['ask', asks],
    ] as const) {
      for (const [price, size] of levels) {
        const slot = this.slotOf(price);
        const err = typeof slot === 'string' ? slot : size < 0 ? 'negative_level' : null;
        if (err || typeof slot === 'string') {
          this.clearLevels();
          this.markInvalid(`snapshot ${err}: ${side} ${price}`);
          return err ?? 'off_grid';
        }
        if (size === 0) continue;
        this.addAt(side, slot, size);
      }
    }
    if (this.isCrossed()) {
      this.markInvalid('snapshot crossed');
      return 'crossed';
    }
    this.state = 'live';
    this.reason = null;
    if (ts !== undefined) this.updatedAt = ts;
    return null;
  }

  /** Adds `delta` (signed Centis) to one level. On error the level is left unchanged and the book turns invalid. */
  applyDelta(side: BookSide, price: Micros, delta: Centis, ts?: number): BookError | null {
    const slot = this.slotOf(price);
    if (typeof slot === 'string') {
      this.markInvalid(`delta ${slot}: ${side} ${price}`);
      return slot;
    }
    const arr = side === 'bid' ? this.bids : this.asks;
    const next = arr[slot]! + delta;
    if (next < 0) {
      this.markInvalid(`delta negative_level: ${side} ${price} ${arr[slot]} + ${delta}`);
      return 'negative_level';
    }
    this.addAt(side, slot, delta);
    if (this.isCrossed()) {
      this.markInvalid(`delta crossed: ${side} ${price}`);
      return 'crossed';
    }
    if (ts !== undefined) this.updatedAt = ts;
    return null;
  }

  private clearLevels(): void {
    this.bids.fill(0);
    this.asks.fill(0);
    this.bestBidSlot = -1;
    this.bestAskSlot = this.slots;
    this.version++;
  }

  private addAt(side: BookSide, slot: number, delta: Centis): void {
    this.version++;
    if (side === 'bid') {
      const v = this.bids[slot]! + delta;
      this.bids[slot] = v;
      if (v > 0 && slot > this.bestBidSlot) this.bestBidSlot = slot;
      else if (v === 0 && slot === this.bestBidSlot) {
        let s = slot - 1;
        while (s >= 0 && this.bids[s] === 0) s--;
        this.bestBidSlot = s;
      }
    } else {
      const v = this.asks[slot]! + delta;
      this.asks[slot] = v;
      if (v > 0 && slot < this.bestAskSlot) this.bestAskSlot = slot;
      else if (v === 0 && slot === this.bestAskSlot) {
        let s = slot + 1;
        while (s < this.slots && this.asks[s] === 0) s++;
        this.bestAskSlot = s;
      }
    }
  }

  /** Bid above ask. Bid equal to ask (a locked book) is valid: Kalshi's YES bid and NO bid can sum to $1. */
  private isCrossed(): boolean {
    return this.bestBidSlot >= 0 && this.bestAskSlot < this.slots && this.bestBidSlot > this.bestAskSlot;
  }

  // ---------------------------------------------------------------- reads

  bestBid(): Quote | null {
    const s = this.bestBidSlot;
    return s < 0 ? null : { price: s * this.unit, size: this.bids[s]! };
  }

  bestAsk(): Quote | null {
    const s = this.bestAskSlot;
    return s >= this.slots ? null : { price: s * this.unit, size: this.asks[s]! };
  }

  /** Total resting size at a price (0 for an unknown or off-grid price). */
  sizeAt(side: BookSide, price: Micros): Centis {
    const slot = this.slotOf(price);
    if (typeof slot === 'string') return 0;
    return (side === 'bid' ? this.bids : this.asks)[slot]!;
  }

  /** Our own resting size at a price, as last told by `setOwn`. */
  ownAt(side: BookSide, price: Micros): Centis {
    const slot = this.slotOf(price);
    if (typeof slot === 'string') return 0;
    return (side === 'bid' ? this.ownBids : this.ownAsks)?.[slot] ?? 0;
  }

  /** Everyone else's size at a price: total minus ours, never below zero. */
  othersAt(side: BookSide, price: Micros): Centis {
    return Math.max(0, this.sizeAt(side, price) - this.ownAt(side, price));
  }

  /** Records our resting size at a price (from the order manager / user_orders). Returns false for an off-grid price. */
  setOwn(side: BookSide, price: Micros, size: Centis): boolean {
    const slot = this.slotOf(price);
    if (typeof slot === 'string' || size < 0) return false;
    if (side === 'bid') {
      this.ownBids ??= new Float64Array(this.slots);
      this.ownBids[slot] = size;
    } else {
      this.ownAsks ??= new Float64Array(this.slots);
      this.ownAsks[slot] = size;
    }
    this.version++;
    return true;
  }

  clearOwn(): void {
    this.ownBids?.fill(0);
    this.ownAsks?.fill(0);
    this.version++;
  }

  /** Best price with someone other than us on it. */
  bestExcludingOwn(side: BookSide): Quote | null {
    if (side === 'bid') {
      for (let s = this.bestBidSlot; s >= 0; s--) {
        const others = this.bids[s]! - (this.ownBids?.[s] ?? 0);
        if (others > 0) return { price: s * this.unit, size: others };
      }
      return null;
    }
    for (let s = this.bestAskSlot; s < this.slots; s++) {
      const others = this.asks[s]! - (this.ownAsks?.[s] ?? 0);
      if (others > 0) return { price: s * this.unit, size: others };
    }
    return null;
  }

  /**
   * Whether the level at `price` is among the first `depth` non-empty levels
   * of its side, or would be if it were non-empty: fewer than `depth` levels
   * are strictly better. Only that level changes when a delta lands there, so
   * after an accepted delta this says whether the visible top `depth` of the
   * side changed (false = it did not, before or after). O(slots between the
   * best price and `price`), stops at `depth` levels.
   */
  withinTop(side: BookSide, price: Micros, depth: number): boolean {
    if (depth <= 0) return false;
    const slot = this.slotOf(price);
    if (typeof slot === 'string') return false;
    let better = 0;
    if (side === 'bid') {
      const arr = this.bids;
      for (let s = this.bestBidSlot; s > slot; s--) if (arr[s]! > 0 && ++better >= depth) return false;
    } else {
      const arr = this.asks;
      for (let s = this.bestAskSlot; s < slot; s++) if (arr[s]! > 0 && ++better >= depth) return false;
    }
    return true;
  }

  /** Levels best first, optionally without our own size. */
  levels(side: BookSide, opts: { excludeOwn?: boolean; depth?: number } = {}): Quote[] {
    const out: Quote[] = [];
    const depth = opts.depth ?? Number.POSITIVE_INFINITY;
    const excludeOwn = opts.excludeOwn === true;
    const unit = this.unit;
    if (side === 'bid') {
      const arr = this.bids;
      const own = excludeOwn ? this.ownBids : null;
      for (let s = this.bestBidSlot; s >= 0 && out.length < depth; s--) {
        const size = own ? arr[s]! - own[s]! : arr[s]!;
        if (size > 0) out.push({ price: s * unit, size });
      }
    } else {
      const arr = this.asks;
      const own = excludeOwn ? this.ownAsks : null;
      for (let s = this.bestAskSlot; s < this.slots && out.length < depth; s++) {
        const size = own ? arr[s]! - own[s]! : arr[s]!;
        if (size > 0) out.push({ price: s * unit, size });
      }
    }
    return out;
  }
}
