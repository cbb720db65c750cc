/**
 * Aggregates many simulated runs (every strategy on the same seeds) into the
 * evaluation `npm run evaluate` prints and writes: per scenario and strategy,
 * mean ± s.e. of truth-marked PnL and of the markouts; per baseline, the paired
 * difference ours − baseline with its t; and the truth's calibration table.
 * Pure.
 */
import {
  type CalibrationRow,
  calibrationTable,
  type MeanSe,
  meanSe,
  type PairedDifference,
  pairedDifference,
} from './stats.ts';

/** What one strategy scored on one seed (from the simulate scoreboard). */
export interface RunPoint {
  scenario: string;
  seed: number;
  strategy: string;
  truthMarked: number;
  edge: number;
  markout10s: number;
  markout60s: number;
  markout5m: number;
  settlementLuck: number | null;
  fills: number;
  /** Quoting uptime outside fault windows (share 0–1), null from a scoreboard without it. */
  uptime: number | null;
}

export interface StrategySummary {
  n: number;
  truthMarked: MeanSe;
  edge: MeanSe;
  markout10s: MeanSe;
  markout60s: MeanSe;
  markout5m: MeanSe;
  settlementLuck: MeanSe;
  fills: MeanSe;
  /** Quoting uptime (share 0–1) over the runs that measured it. */
  uptime: MeanSe;
}

export interface ScenarioEvaluation {
  scenario: string;
  seeds: number[];
  strategies: Record<string, StrategySummary>;
  /** Ours − baseline, truth-marked PnL, paired by seed. */
  paired: Record<string, PairedDifference>;
  /** The truth at each game's stop against its outcome, every market, every seed. */
  calibration: CalibrationRow[];
}

export const OURS = 'ours';

export function evaluateScenario(
  scenario: string,
  points: readonly RunPoint[],
  calibration: readonly { p: number; won: boolean }[],
): ScenarioEvaluation {
  const mine = points.filter((p) => p.scenario === scenario);
  const names = [...new Set(mine.map((p) => p.strategy))];
  const strategies: Record<string, StrategySummary> = {};
  const bySeed = new Map<string, Map<number, number>>();
  for (const name of names) {
    const runs = mine.filter((p) => p.strategy === name);
    const col = (f: (r: RunPoint) => number | null) =>
      meanSe(runs.map(f).filter((v): v is number => v !== null && Number.isFinite(v)));
    strategies[name] = {
      n: runs.length,
      truthMarked: col((r) => r.truthMarked),
      edge: col((r) => r.edge),
      markout10s: col((r) => r.markout10s),
      markout60s: col((r) => r.markout60s),
      markout5m: col((r) => r.markout5m),
      settlementLuck: col((r) => r.settlementLuck),
      fills: col((r) => r.fills),
      uptime: col((r) => r.uptime),
    };
    bySeed.set(name, new Map(runs.map((r) => [r.seed, r.truthMarked])));
  }
  const paired: Record<string, PairedDifference> = {};
  const ours = bySeed.get(OURS);
  if (ours)
    for (const name of names) if (name !== OURS) paired[name] = pairedDifference(ours, bySeed.get(name)!);
  return {
    scenario,
    seeds: [...new Set(mine.map((p) => p.seed))].sort((a, b) => a - b),
    strategies,
    paired,
    calibration: calibrationTable(calibration),
  };
}

const fmt = (m: MeanSe, digits = 2) =>
  Number.isNaN(m.mean) ? '—' : `${m.mean.toFixed(digits)} ± ${m.se === null ? '—' : m.se.toFixed(digits)}`;

const fmtPercent = (m: MeanSe) => fmt({ ...m, mean: m.mean * 100, se: m.se === null ? null : m.se * 100 }, 1);

/** The evaluation as text (stdout). */
export function evaluationText(evals: readonly ScenarioEvaluation[]): string {
  const out: string[] = [];
  for (const e of evals) {
    out.push(`${e.scenario}  (${e.seeds.length} seeds)`);
    out.push(
      `  ${'strategy'.padEnd(14)}${'truth-marked $'.padStart(18)}${'edge $'.padStart(16)}${'markout 10s'.padStart(16)}${'markout 60s'.padStart(16)}${'markout 5m'.padStart(16)}${'uptime %'.padStart(16)}`,
    );
    for (const [name, s] of Object.entries(e.strategies))
      out.push(
        `  ${name.padEnd(14)}${fmt(s.truthMarked).padStart(18)}${fmt(s.edge).padStart(16)}${fmt(s.markout10s).padStart(16)}${fmt(s.markout60s).padStart(16)}${fmt(s.markout5m).padStart(16)}${fmtPercent(s.uptime).padStart(16)}`,
      );
    for (const [name, d] of Object.entries(e.paired))
      out.push(
        `  ours − ${name.padEnd(14)}${fmt(d).padStart(18)}   t = ${d.t === null ? '—' : d.t.toFixed(2)}  (n = ${d.n})`,
      );
  }
  return out.join('\n');
}
