/**
 * Edge and markouts of fills, the ruler's maths (sim/scenario/ruler.ts) on real fills: per
 * contract, what a fill was worth against a reference YES price — theo or the book's mid — at the
 * fill (edge) and Δ later (markout at Δ). Markout − edge is the adverse selection the fill carried.
 * Positive is good for us. Pure; Micros per contract (fractional in averages).
 */
import type { Centis, Micros } from '../units.ts';

/** Horizons of the markouts, ms. */
export const MARKOUT_HORIZONS_MS = { '10s': 10_000, '60s': 60_000, '5m': 300_000 } as const;
export type Horizon = keyof typeof MARKOUT_HORIZONS_MS;
export const HORIZONS = Object.keys(MARKOUT_HORIZONS_MS) as Horizon[];

/** Per contract: bought YES at `price` is worth `reference − price`; sold YES, `price − reference`. */
export function edgeAgainst(side: 'bid' | 'ask', price: Micros, reference: Micros): Micros {
  return side === 'bid' ? reference - price : price - reference;
}

/** What the book and theo said, at the fill or at a horizon; null where unknown. */
export interface Reference {
  /** Theo of YES, Micros. */
  theo: Micros | null;
  /** The book's mid, Micros (null without both sides). */
  mid: Micros | null;
}

export interface LiveFill {
  tradeId: string;
  ticker: string;
  eventTicker: string;
  sport: string;
  series: string;
  /** Quoting mode of the side that filled, as the session had it; null unknown. */
  mode: string | null;
  side: 'bid' | 'ask';
  price: Micros;
  count: Centis;
  atMs: number;
  atFill: Reference;
  /** Filled in as each horizon passes. */
  later: Partial<Record<Horizon, Reference>>;
}

export const midOf = (bestBid: Micros | null, bestAsk: Micros | null): Micros | null =>
  bestBid === null || bestAsk === null ? null : (bestBid + bestAsk) / 2;

/** Contract-weighted means, Micros per contract; null where no fill had the reference. */
export interface EdgeRow {
  key: string;
  fills: number;
  contracts: Centis;
  edge: { theo: number | null; mid: number | null };
  markout: Record<Horizon, { theo: number | null; mid: number | null }>;
}

/** Our fill size in buckets (a proxy for the counterparty's size). */
export function sizeBucket(count: Centis): string {
  const contracts = count / 100;
  if (contracts < 10) return '<10';
  if (contracts < 100) return '10-99';
  return '100+';
}

class Mean {
  sum = 0;
  weight = 0;
  add(perContract: number | null, count: Centis) {
    if (perContract === null) return;
    this.sum += perContract * count;
    this.weight += count;
  }
  value(): number | null {
    return this.weight > 0 ? this.sum / this.weight : null;
  }
}

/** The fills grouped by `keyOf`, sorted by key. */
export function edgeTable(fills: readonly LiveFill[], keyOf: (f: LiveFill) => string): EdgeRow[] {
  type Acc = { fills: number; contracts: number; edge: [Mean, Mean]; later: Record<Horizon, [Mean, Mean]> };
  const groups = new Map<string, Acc>();
  for (const f of fills) {
    const key = keyOf(f);
    let a = groups.get(key);
    if (!a) {
      a = {
        fills: 0,
        contracts: 0,
        edge: [new Mean(), new Mean()],
        later: Object.fromEntries(HORIZONS.map((h) => [h, [new Mean(), new Mean()]])) as Acc['later'],
      };
      groups.set(key, a);
    }
    a.fills++;
    a.contracts += f.count;
    const against = (r: Reference | undefined, which: 'theo' | 'mid') => {
      const ref = r?.[which] ?? null;
      return ref === null ? null : edgeAgainst(f.side, f.price, ref);
    };
    a.edge[0].add(against(f.atFill, 'theo'), f.count);
    a.edge[1].add(against(f.atFill, 'mid'), f.count);
    for (const h of HORIZONS) {
      a.later[h][0].add(against(f.later[h], 'theo'), f.count);
      a.later[h][1].add(against(f.later[h], 'mid'), f.count);
    }
  }
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, a]) => ({
      key,
      fills: a.fills,
      contracts: a.contracts,
      edge: { theo: a.edge[0].value(), mid: a.edge[1].value() },
      markout: Object.fromEntries(
        HORIZONS.map((h) => [h, { theo: a.later[h][0].value(), mid: a.later[h][1].value() }]),
      ) as EdgeRow['markout'],
    }));
}
