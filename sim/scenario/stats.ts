/**
 * Small statistics for judging strategies over seeds: mean ± standard error,
 * paired differences with their t-statistic (common random numbers: every
 * strategy runs on the same seeds), and the calibration table of a forecast
 * (does a side priced p win p of the time?). Pure functions.
 */

// The calibration table moved to shared/ (the live theo calibration uses it too): one definition.
export { type CalibrationRow, calibrationTable, calibrationZ } from '../../shared/pnl/calibration.ts';

export interface MeanSe {
  n: number;
  mean: number;
  /** Standard error of the mean (sample sd / √n); null below two values. */
  se: number | null;
}

export function meanSe(values: readonly number[]): MeanSe {
  const n = values.length;
  if (n === 0) return { n, mean: Number.NaN, se: null };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { n, mean, se: null };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  return { n, mean, se: Math.sqrt(variance / n) };
}

export interface PairedDifference extends MeanSe {
  /** mean / se; null when the s.e. is null or 0. */
  t: number | null;
}

/**
 * Paired difference a − b over the keys both have (seeds): the shared world's
 * variance cancels, so far fewer seeds tell two strategies apart.
 */
export function pairedDifference(
  a: ReadonlyMap<number, number>,
  b: ReadonlyMap<number, number>,
): PairedDifference {
  const diffs: number[] = [];
  for (const [key, va] of a) {
    const vb = b.get(key);
    if (vb !== undefined && Number.isFinite(va) && Number.isFinite(vb)) diffs.push(va - vb);
  }
  const m = meanSe(diffs);
  return { ...m, t: m.se === null || m.se === 0 ? null : m.mean / m.se };
}

/** Parses "1-30", "1,2,5" or "1-3,7" into a sorted list of distinct non-negative integers. */
export function parseSeedList(text: string): number[] {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new RangeError(`bad seed list part "${part.slice(0, 20)}" (use 1-30 or 1,2,5)`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new RangeError(`bad seed range ${lo}-${hi}`);
    if (hi - lo > 100_000) throw new RangeError('seed range too long');
    for (let s = lo; s <= hi; s++) out.add(s);
  }
  return [...out].sort((a, b) => a - b);
}
