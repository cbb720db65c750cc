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
  /** Per market kind (winner / spread / total) from a run that listed ladders; absent otherwise. */
  byKind?: Record<string, KindPoint>;
}

/** One market kind's share of a run's ruler (dollars; fills a count). */
export interface KindPoint {
  truthMarked: number;
  edge: number;
  markout10s: number;
  markout60s: number;
  markout5m: number;
  fills: number;
}

export interface KindSummary {
  /** Runs that scored this kind (a run without a fill in it counts as zero). */
  n: number;
  truthMarked: MeanSe;
  edge: MeanSe;
  markout10s: MeanSe;
  markout60s: MeanSe;
  markout5m: MeanSe;
  fills: MeanSe;
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
  /** Spread and total markets apart from winners (runs with ladders only). */
  byKind?: Record<string, KindSummary>;
}

export interface ScenarioEvaluation {
  scenario: string;
  seeds: number[];
  strategies: Record<string, StrategySummary>;
  /** Ours − baseline, truth-marked PnL, paired by seed. */
  paired: Record<string, PairedDifference>;
  /** Per market kind, ours − baseline on that kind's truth-marked PnL (runs with ladders only). */
  pairedByKind?: Record<string, Record<string, PairedDifference>>;
  /** The truth at each game's stop against its outcome, every market, every seed. */
  calibration: CalibrationRow[];
}

export const OURS = 'ours';

export function evaluateScenario(
  scenario: string,
  points: readonly RunPoint[],
  calibration: readonly { p: number; won: boolean }[],
): ScenarioEvaluation {
  // In seed order (stable: a seed's strategies keep theirs): jobs finish in any order, and a sum
  // taken in another order differs in its last bits.
  const mine = points.filter((p) => p.scenario === scenario).sort((a, b) => a.seed - b.seed);
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
    const kinds = kindSummaries(runs);
    if (kinds) strategies[name]!.byKind = kinds;
  }
  const paired: Record<string, PairedDifference> = {};
  const ours = bySeed.get(OURS);
  if (ours)
    for (const name of names) if (name !== OURS) paired[name] = pairedDifference(ours, bySeed.get(name)!);
  const pairedByKind = kindPairs(mine, names);
  return {
    scenario,
    seeds: [...new Set(mine.map((p) => p.seed))].sort((a, b) => a - b),
    strategies,
    paired,
    ...(pairedByKind ? { pairedByKind } : {}),
    calibration: calibrationTable(calibration),
  };
}

const ZERO_KIND: KindPoint = {
  truthMarked: 0,
  edge: 0,
  markout10s: 0,
  markout60s: 0,
  markout5m: 0,
  fills: 0,
};

function kindsIn(runs: readonly RunPoint[]): string[] {
  return [...new Set(runs.flatMap((r) => Object.keys(r.byKind ?? {})))].sort();
}

/** A kind a run listed but did not trade scores zero on that run (it had the markets, no fills). */
function kindSummaries(runs: readonly RunPoint[]): Record<string, KindSummary> | undefined {
  const withKinds = runs.filter((r) => r.byKind !== undefined);
  const kinds = kindsIn(withKinds);
  if (kinds.length === 0) return undefined;
  const out: Record<string, KindSummary> = {};
  for (const kind of kinds) {
    const pts = withKinds.map((r) => r.byKind![kind] ?? ZERO_KIND);
    const col = (f: (k: KindPoint) => number) => meanSe(pts.map(f).filter((v) => Number.isFinite(v)));
    out[kind] = {
      n: pts.length,
      truthMarked: col((k) => k.truthMarked),
      edge: col((k) => k.edge),
      markout10s: col((k) => k.markout10s),
      markout60s: col((k) => k.markout60s),
      markout5m: col((k) => k.markout5m),
      fills: col((k) => k.fills),
    };
  }
  return out;
}

function kindPairs(
  runs: readonly RunPoint[],
  names: readonly string[],
): Record<string, Record<string, PairedDifference>> | undefined {
  const withKinds = runs.filter((r) => r.byKind !== undefined);
  const kinds = kindsIn(withKinds);
  if (kinds.length === 0 || !names.includes(OURS)) return undefined;
  const out: Record<string, Record<string, PairedDifference>> = {};
  for (const kind of kinds) {
    const bySeed = (name: string) =>
      new Map(
        withKinds
          .filter((r) => r.strategy === name)
          .map((r) => [r.seed, (r.byKind![kind] ?? ZERO_KIND).truthMarked] as const),
      );
    const ours = bySeed(OURS);
    out[kind] = {};
    for (const name of names) if (name !== OURS) out[kind][name] = pairedDifference(ours, bySeed(name));
  }
  return out;
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
    out.push(...kindLines(e));
  }
  return out.join('\n');
}

/** Spread and total rows (and winners beside them) when the runs listed ladders. */
function kindLines(e: ScenarioEvaluation): string[] {
  const kinds = [...new Set(Object.values(e.strategies).flatMap((s) => Object.keys(s.byKind ?? {})))].sort();
  if (kinds.length === 0) return [];
  const out: string[] = [];
  for (const kind of kinds) {
    out.push(
      `  [${kind}]${' '.repeat(Math.max(1, 13 - kind.length))}${'truth-marked $'.padStart(18)}${'edge $'.padStart(16)}${'markout 10s'.padStart(16)}${'markout 60s'.padStart(16)}${'markout 5m'.padStart(16)}${'fills'.padStart(16)}`,
    );
    for (const [name, s] of Object.entries(e.strategies)) {
      const k = s.byKind?.[kind];
      if (!k) continue;
      out.push(
        `  ${name.padEnd(14)}${fmt(k.truthMarked).padStart(18)}${fmt(k.edge).padStart(16)}${fmt(k.markout10s).padStart(16)}${fmt(k.markout60s).padStart(16)}${fmt(k.markout5m).padStart(16)}${fmt(k.fills, 1).padStart(16)}`,
      );
    }
    for (const [name, d] of Object.entries(e.pairedByKind?.[kind] ?? {}))
      out.push(
        `  ours − ${name.padEnd(14)}${fmt(d).padStart(18)}   t = ${d.t === null ? '—' : d.t.toFixed(2)}  (n = ${d.n})`,
      );
  }
  return out;
}
