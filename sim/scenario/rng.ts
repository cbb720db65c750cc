/**
 * Seeded pseudo-random numbers for the simulator. Every consumer (a trader, a
 * bookmaker, a game's truth path) derives its own stream from the scenario seed
 * and a stable name, so adding one trader never perturbs another's draws and a
 * run replays exactly for a given seed.
 */

/** 32-bit string hash (FNV-1a), used to derive named streams and stable ids. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** 32 lowercase hex characters derived from a name (Odds API style event ids). */
export function hexId(seed: number, name: string): string {
  const rng = Rng.derive(seed, `id/${name}`);
  let out = '';
  for (let i = 0; i < 4; i++)
    out += Math.floor(rng.next() * 2 ** 32)
      .toString(16)
      .padStart(8, '0');
  return out;
}

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** An independent stream named `name` under `seed`. */
  static derive(seed: number, name: string): Rng {
    return new Rng(hash32(`${seed >>> 0}/${name}`));
  }

  /** Uniform in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log is finite
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Waiting time of a Poisson process with `ratePerMs` events per millisecond. */
  exponential(ratePerMs: number): number {
    if (!(ratePerMs > 0)) return Number.POSITIVE_INFINITY;
    return -Math.log(1 - this.next()) / ratePerMs;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }
}
