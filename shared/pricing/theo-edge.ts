/**
 * The minimum edge from the theo's quality (issue #14). A flat minimum edge ignores how good
 * the theo is. When the books agree, the theo's error is small and a thin edge is enough; when
 * they disagree — typically because the sharp books have moved and the rest lag, the very
 * moment informed takers pick off quotes — the theo is off by about that disagreement, and the
 * edge must cover it.
 *
 *   required = minEdge + dispersionEdge × dispersion, at most maxMinEdge (never below minEdge)
 *
 * `dispersion` is the aggregator's largest weighted standard deviation of the books' fair
 * probabilities (shared/odds/aggregate.ts), carried on the theo snapshot; unknown counts as 0.
 */
import type { QuotingParams } from './params.ts';

export function theoQualityMinEdge(
  params: Pick<QuotingParams, 'minEdge' | 'dispersionEdge' | 'maxMinEdge'>,
  dispersion: number | undefined,
): number {
  const base = params.minEdge;
  if (params.dispersionEdge <= 0 || dispersion === undefined || !(dispersion > 0)) return base;
  const extra = Math.round(params.dispersionEdge * dispersion * 1_000_000);
  return Math.max(base, Math.min(base + extra, params.maxMinEdge));
}
