/**
 * How a simulated bookmaker marks fair probabilities up to implied ones summing
 * to 1 + vig. Which model real books follow is an empirical question (issue
 * #14): the theo de-vigs with Shin, so a book that applies its margin
 * proportionally makes the theo lean towards the favourite by ≈ 0.04·(p − ½)
 * against the truth, and a book that applies Shin's margin leaves no lean.
 *
 * - `proportional`: π_i = p_i·(1 + vig) (every outcome carries the same share
 *   of margin; the simulator's model before this switch, and the default);
 * - `shin`: Shin's (1993) insider model, the exact inverse of the Shin de-vig
 *   (shared/odds/devig.ts): s_i = √(z·p_i + (1 − z)·p_i²), π_i = s_i·Σ_j s_j,
 *   with the insider share z solved so Σπ = 1 + vig — longshots carry more of
 *   the margin (the favourite–longshot bias of real books).
 */
export const MARGIN_MODELS = ['proportional', 'shin'] as const;
export type MarginModel = (typeof MARGIN_MODELS)[number];

/** Implied probabilities for fair `probabilities` (summing to 1) under `model` at overround `vig`. */
export function applyMargin(probabilities: readonly number[], vig: number, model: MarginModel): number[] {
  if (model === 'proportional' || vig <= 0) return probabilities.map((p) => p * (1 + vig));
  const target = Math.sqrt(1 + vig);
  const rootSum = (z: number) => probabilities.reduce((s, p) => s + Math.sqrt(z * p + (1 - z) * p * p), 0);
  // Σ s_i rises monotonically from Σp = 1 at z = 0 to Σ√p at z = 1.
  if (rootSum(1) <= target) return probabilities.map((p) => Math.sqrt(p) * rootSum(1));
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (rootSum(mid) < target) lo = mid;
    else hi = mid;
  }
  const z = (lo + hi) / 2;
  const sum = rootSum(z);
  return probabilities.map((p) => Math.sqrt(z * p + (1 - z) * p * p) * sum);
}
