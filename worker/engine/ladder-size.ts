/**
 * How big each strike quote is (issue #17). The payoff gate counts every
 * resting order as filled where it loses, and a game's ladder adds a dozen or
 * more markets to its two winners: at the winners' base size the first
 * strikes written use up the game's limit and the rest of the ladder is
 * refused (nba-ladders-night at defaults: five of seven total strikes never
 * quoted). So the game's limit is shared over all its quoted markets — each
 * side of each strike at most limit ÷ markets, in whole lots, never above the
 * base size — and the whole ladder can rest. The gate still decides; this
 * only keeps the first strikes from taking everyone's room. Pure.
 */
import { type Centis, MICROS_PER_DOLLAR, type Micros } from '../../shared/units.ts';

export function strikeQuoteSize(
  /** the game's limit, Centis */
  limit: Centis,
  /** every market the game quotes: its winners and its priced strikes */
  markets: number,
  /** the winners' size per side, Centis */
  baseSize: Centis,
  /** size step, Centis */
  lot: Centis,
): Centis {
  const step = Math.max(1, lot);
  if (limit <= 0 || baseSize <= 0 || markets <= 0) return 0;
  const share = Math.floor(limit / markets / step) * step;
  // At least one lot while there is a limit at all: the gate clips what does not fit.
  return Math.min(baseSize, Math.max(step, share));
}

/**
 * How much of the game's limit a market's quote may claim, 0–1: a winner or a
 * strike near a book line weighs 1; a wide strike (the model, not the books,
 * prices it, so it carries `extraEdge` on top of the normal edge) weighs
 * minEdge ÷ (minEdge + extraEdge) — size less where our price is less sure, in
 * the same proportion as its edge is widened. Equally weighted, a ladder that
 * gains nine wide strikes shrank every good strike's quote by a third (issue
 * #17, docs/STRATEGY-RESULTS.md §13).
 */
export function strikeWeight(
  /** the normal edge, Micros */
  minEdge: Micros,
  /** the strike's extra edge, probability (dollars) */
  extraEdge: number,
): number {
  const extra = Number.isFinite(extraEdge) ? Math.max(0, extraEdge) * MICROS_PER_DOLLAR : 0;
  if (extra === 0) return 1;
  // A zero normal edge would weigh every wide strike 0: count it as one micro so the order holds.
  const base = Math.max(1, minEdge);
  return base / (base + extra);
}

/**
 * Each market's size per side when the game's limit is shared by weight
 * (`strikeWeight`): market i gets limit × wᵢ ÷ Σw in whole lots, at least one
 * lot, never above the base size. A market whose share is under a lot is held
 * at one lot and the rest of the limit is shared again over the others, so the
 * whole ladder stays within the limit whenever the limit allows a lot each
 * (rounding an under-a-lot share up for every wide strike alone could overrun
 * it). Equal weights give `strikeQuoteSize` for every market. Weights must be
 * in (0, 1]; the answer is in the weights' order.
 */
export function weightedQuoteSizes(
  /** the game's limit, Centis */
  limit: Centis,
  /** one per quoted market: its winners and its priced strikes */
  weights: readonly number[],
  /** the winners' size per side, Centis */
  baseSize: Centis,
  /** size step, Centis */
  lot: Centis,
): Centis[] {
  const step = Math.max(1, lot);
  const n = weights.length;
  if (limit <= 0 || baseSize <= 0 || n === 0) return weights.map(() => 0);
  const w = weights.map((x) => (Number.isFinite(x) && x > 0 ? Math.min(1, x) : 1));
  const atOneLot = new Array<boolean>(n).fill(false);
  // Each pass holds at least one more market at one lot or stops: at most n passes.
  for (;;) {
    let free = 0;
    let held = 0;
    for (let i = 0; i < n; i++) {
      if (atOneLot[i]) held++;
      else free += w[i]!;
    }
    const room = limit - held * step;
    let changed = false;
    for (let i = 0; i < n; i++) {
      if (atOneLot[i]) continue;
      if (room <= 0 || (room * w[i]!) / free < step) {
        atOneLot[i] = true;
        changed = true;
      }
    }
    if (!changed) {
      return w.map((wi, i) => {
        if (atOneLot[i]) return Math.min(baseSize, step);
        const share = Math.floor((room * wi) / free / step) * step;
        return Math.min(baseSize, Math.max(step, share));
      });
    }
  }
}

/**
 * The game's strike quotes with each strike sized by weight (`weightedQuoteSizes`: the winners weigh 1,
 * each strike `strikeWeight`): `quote` prices a group of strikes at one size (the quoter takes one size a
 * call), called once per distinct size, and the quotes come back in the strikes' order so the gate sees
 * them as it did with one size for all.
 */
export function quoteStrikesBySize<
  S extends { ticker: string; extraEdge: number },
  Q extends { ticker: string },
>(
  priced: readonly S[],
  share: {
    /** the game's limit, Centis */
    limit: Centis;
    /** the game's winner markets quoted beside its strikes */
    winners: number;
    /** the normal edge, Micros */
    minEdge: Micros;
    baseSize: Centis;
    lot: Centis;
  },
  quote: (group: readonly S[], size: Centis) => Q[],
): Q[] {
  const weights = [
    ...new Array<number>(share.winners).fill(1),
    ...priced.map((p) => strikeWeight(share.minEdge, p.extraEdge)),
  ];
  const sizes = weightedQuoteSizes(share.limit, weights, share.baseSize, share.lot).slice(share.winners);
  const groups = new Map<Centis, S[]>();
  priced.forEach((p, i) => {
    const size = sizes[i] ?? 0;
    const group = groups.get(size);
    if (group) group.push(p);
    else groups.set(size, [p]);
  });
  const out: Q[] = [];
  for (const [size, group] of groups) out.push(...quote(group, size));
  if (groups.size <= 1) return out;
  const rank = new Map(priced.map((p, i) => [p.ticker, i]));
  return out.sort((a, b) => (rank.get(a.ticker) ?? 0) - (rank.get(b.ticker) ?? 0));
}
