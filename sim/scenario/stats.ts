/**
 * Small statistics for judging strategies over seeds: mean ± standard error,
 * paired differences with their t-statistic (common random numbers: every
 * strategy runs on the same seeds), and the calibration table of a forecast
 * (does a side priced p win p of the time?). Pure functions.
 */

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

export interface CalibrationRow {
  /** Bucket [lo, hi) of the forecast probability (the last bucket includes 1). */
  lo: number;
  hi: number;
  n: number;
  /** Mean forecast in the bucket. */
  meanP: number;
  /** Share of the bucket that won. */
  winRate: number;
  /** Standard error of the win rate if the forecast is right: √(Σp(1−p))/n. */
  se: number;
  /** (winRate − meanP) / se; null when se is 0. */
  z: number | null;
}

/** Calibration of forecasts `p` against outcomes, in `buckets` equal-width buckets (empty ones omitted). */
export function calibrationTable(
  samples: readonly { p: number; won: boolean }[],
  buckets = 10,
): CalibrationRow[] {
  const acc = Array.from({ length: buckets }, () => ({ n: 0, sumP: 0, wins: 0, variance: 0 }));
  for (const { p, won } of samples) {
    if (!(p >= 0 && p <= 1)) continue;
    const b = acc[Math.min(buckets - 1, Math.floor(p * buckets))]!;
    b.n++;
    b.sumP += p;
    b.wins += won ? 1 : 0;
    b.variance += p * (1 - p);
  }
  const rows: CalibrationRow[] = [];
  acc.forEach((b, i) => {
    if (b.n === 0) return;
    const meanP = b.sumP / b.n;
    const winRate = b.wins / b.n;
    const se = Math.sqrt(b.variance) / b.n;
    rows.push({
      lo: i / buckets,
      hi: (i + 1) / buckets,
      n: b.n,
      meanP,
      winRate,
      se,
      z: se > 0 ? (winRate - meanP) / se : null,
    });
  });
  return rows;
}

/**
 * One number for the whole table: Σ(won − p) / √Σp(1−p), standard normal when
 * the forecast is calibrated.
 */
export function calibrationZ(samples: readonly { p: number; won: boolean }[]): number {
  let excess = 0;
  let variance = 0;
  for (const { p, won } of samples) {
    excess += (won ? 1 : 0) - p;
    variance += p * (1 - p);
  }
  return variance > 0 ? excess / Math.sqrt(variance) : 0;
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
