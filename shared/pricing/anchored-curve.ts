/**
 * P(value > s) anchored to the books: at every strike a book quotes, the
 * weighted consensus of the books' no-vig prices; between quoted strikes the
 * fitted model's shape; beyond the outermost, the model's tail scaled to meet
 * the last quote. So where the books speak they set the price (the model's
 * shape — a normal against a key-number or fat-tailed reality — no longer
 * biases it), and the model only fills the gaps.
 *
 * Monotone by construction: the knot values are made non-increasing (pool
 * adjacent violators, weighted) and the interpolant between two knots is the
 * model's own monotone shape rescaled. The winner knot (margin > 0) is held
 * fixed, so P(margin > 0) stays the winner theo exactly.
 *
 * Outcomes are integers, so the curve lives on half-points: P(X > s) =
 * S(⌊s⌋ + ½) for any real s.
 */
import { type IntegerNormal, probabilityAt, probabilityOver } from './margin-model.ts';

export interface Knot {
  /** a half-point strike */
  at: number;
  /** P(X > at) */
  value: number;
  weight: number;
}

export interface AnchoredCurve {
  model: IntegerNormal;
  /** non-increasing in `at`, after pooling */
  knots: readonly { at: number; value: number }[];
}

/** A book line at strike s (P(X > s | X ≠ s) on integer s) as a knot on the half-point grid. */
export function knotOfLine(model: IntegerNormal, strike: number, probability: number, weight: number): Knot {
  if (Number.isInteger(strike)) {
    // The push is refunded: the book priced P(X > s | X ≠ s). Its mass is not
    // in the price, so the model's push probability converts it.
    return { at: strike + 0.5, value: probability * (1 - probabilityAt(model, strike)), weight };
  }
  return { at: Math.floor(strike) + 0.5, value: probability, weight };
}

/** Weighted pool-adjacent-violators for a non-increasing sequence. */
function poolNonIncreasing(
  points: { at: number; value: number; weight: number }[],
): { at: number; value: number }[] {
  const blocks: { ats: number[]; value: number; weight: number }[] = [];
  for (const p of points) {
    blocks.push({ ats: [p.at], value: p.value, weight: p.weight });
    while (blocks.length > 1 && blocks.at(-1)!.value > blocks.at(-2)!.value) {
      const b = blocks.pop()!;
      const a = blocks.pop()!;
      const weight = a.weight + b.weight;
      blocks.push({
        ats: [...a.ats, ...b.ats],
        value: (a.value * a.weight + b.value * b.weight) / weight,
        weight,
      });
    }
  }
  return blocks.flatMap((b) => b.ats.map((at) => ({ at, value: b.value })));
}

/**
 * Knots merged per strike (weighted mean), clamped around the fixed knot, and
 * pooled to be non-increasing. With `fixed` (the winner at ½ for a margin
 * without ties) the knots left of it are at least its value and right of it at
 * most.
 */
export function buildAnchoredCurve(
  model: IntegerNormal,
  knots: readonly Knot[],
  fixed: { at: number; value: number } | null,
): AnchoredCurve {
  const merged = new Map<number, { sum: number; weight: number }>();
  for (const k of knots) {
    if (!(k.weight > 0) || !Number.isFinite(k.value)) continue;
    if (fixed && k.at === fixed.at) continue;
    const m = merged.get(k.at) ?? { sum: 0, weight: 0 };
    m.sum += k.value * k.weight;
    m.weight += k.weight;
    merged.set(k.at, m);
  }
  const points = [...merged]
    .map(([at, m]) => ({ at, value: Math.min(1, Math.max(0, m.sum / m.weight)), weight: m.weight }))
    .sort((a, b) => a.at - b.at);
  if (!fixed) return { model, knots: poolNonIncreasing(points) };
  const left = points
    .filter((p) => p.at < fixed.at)
    .map((p) => ({ ...p, value: Math.max(p.value, fixed.value) }));
  const right = points
    .filter((p) => p.at > fixed.at)
    .map((p) => ({ ...p, value: Math.min(p.value, fixed.value) }));
  return {
    model,
    knots: [...poolNonIncreasing(left), { at: fixed.at, value: fixed.value }, ...poolNonIncreasing(right)],
  };
}

/** P(X > s) on the anchored curve, for any real s. */
export function curveOver(curve: AnchoredCurve, strike: number): number {
  const s = Math.floor(strike) + 0.5;
  const F = (x: number) => probabilityOver(curve.model, x);
  const k = curve.knots;
  if (k.length === 0) return F(s);
  const exact = k.find((x) => x.at === s);
  if (exact) return exact.value;
  const first = k[0]!;
  const last = k.at(-1)!;
  if (s <= first.at) {
    // Left tail: the model's complement scaled to meet the first knot.
    const base = 1 - F(first.at);
    return base <= 0 ? first.value : 1 - (1 - first.value) * ((1 - F(s)) / base);
  }
  if (s >= last.at) {
    const base = F(last.at);
    return base <= 0 ? last.value : last.value * (F(s) / base);
  }
  let i = 1;
  while (k[i]!.at < s) i++;
  const a = k[i - 1]!;
  const b = k[i]!;
  const span = F(a.at) - F(b.at);
  const u = span <= 0 ? (s - a.at) / (b.at - a.at) : (F(a.at) - F(s)) / span;
  return a.value + u * (b.value - a.value);
}

/** P(X < x) on the anchored curve: 1 − P(X ≥ ⌈x⌉) = 1 − S(⌈x⌉ − ½). */
export function curveUnder(curve: AnchoredCurve, x: number): number {
  return 1 - curveOver(curve, Math.ceil(x) - 1);
}
