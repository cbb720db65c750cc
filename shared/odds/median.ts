/**
 * The median of the books' fair probabilities of one outcome, as the
 * aggregation's outlier and anchor rules take it. A typed array per call
 * (allocated, filled, sorted) was the dearest line of the aggregation once the
 * de-vig was solved directly (docs/BENCHMARKS.md, "Odds aggregation"): here
 * the values go into one reused buffer and Wirth's quickselect finds the
 * middle in linear time. Same number as sorting numerically (the inputs are
 * finite probabilities: no NaN, no −0).
 */

/** Grown on demand, never shrunk; only ever read up to the current call's n. */
let scratch = new Float64Array(64);

/** Median of `rows[j].probabilities[i]` over the rows (at least one row). */
export function medianAt(rows: readonly { readonly probabilities: readonly number[] }[], i: number): number {
  const n = rows.length;
  if (n > scratch.length) scratch = new Float64Array(Math.max(n, scratch.length * 2));
  const a = scratch;
  for (let j = 0; j < n; j++) a[j] = rows[j]!.probabilities[i]!;
  const mid = n >> 1;
  const upper = select(a, n, mid);
  if (n % 2 === 1) return upper;
  // After selection a[0..mid−1] are the smaller half: the lower middle is their largest.
  let lower = a[0]!;
  for (let j = 1; j < mid; j++) if (a[j]! > lower) lower = a[j]!;
  return (lower + upper) / 2;
}

/** Wirth's selection: a[k] becomes the k-th smallest, with a[0..k−1] ≤ a[k] ≤ a[k+1..n−1]. */
function select(a: Float64Array, n: number, k: number): number {
  let l = 0;
  let r = n - 1;
  while (l < r) {
    const x = a[k]!;
    let i = l;
    let j = r;
    do {
      while (a[i]! < x) i++;
      while (x < a[j]!) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    } while (i <= j);
    if (j < k) l = i;
    if (k < i) r = j;
  }
  return a[k]!;
}
