/**
 * Seeded pseudo-random numbers for the exchange simulator: ids and fault
 * decisions depend only on the seed, so a run can be replayed exactly.
 */
const HEX = '0123456789abcdef';

export class SeededRng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** mulberry32: uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /**
   * A version-4-shaped UUID drawn from the seeded stream (Kalshi ids are UUIDs): 32 draws, one per
   * hex digit (the version digit's draw is spent too), built in one pass — every order and trade
   * takes one or two, so it is on the backtest's hot path.
   */
  uuid(): string {
    let s = '';
    for (let i = 0; i < 32; i++) {
      const d = Math.floor(this.next() * 16);
      if (i === 8 || i === 12 || i === 16 || i === 20) s += '-';
      s += i === 12 ? '4' : HEX[i === 16 ? (d & 0x3) | 0x8 : d];
    }
    return s;
  }
}
