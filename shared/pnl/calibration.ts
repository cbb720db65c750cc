/**
 * Calibration of probability forecasts against outcomes: does a side priced p win p of the time?
 * Used by the simulator's truth check (sim/scenario/stats.ts re-exports it) and by the daily
 * report's theo-at-the-stop table. Pure.
 */

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

/** Brier score: mean (p − outcome)², 0 for perfect forecasts, 0.25 for always 50 %; null without samples. */
export function brierScore(samples: readonly { p: number; won: boolean }[]): number | null {
  const ok = samples.filter(({ p }) => p >= 0 && p <= 1);
  if (ok.length === 0) return null;
  return ok.reduce((s, { p, won }) => s + (p - (won ? 1 : 0)) ** 2, 0) / ok.length;
}
