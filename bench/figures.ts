/**
 * The shape of `bench/results.json` and the helpers every benchmark uses:
 * figures carry their target and whether it was met, latencies go through an
 * HDR histogram (nanosecond resolution, reported in the unit asked for).
 */
import { cpus, loadavg, totalmem } from 'node:os';
import hdr from 'hdr-histogram-js';
import { z } from 'zod';

/** What a figure is read against: the same kind of work measured in the same run (same load). */
export const BaselineSchema = z
  .object({
    /** what the baseline is, e.g. "bare JSON.parse of the same frames", "echo worker", "official SDK" */
    name: z.string().min(1),
    value: z.number().finite(),
    unit: z.string().min(1),
    samples: z.number().int().nonnegative(),
    /** figure value ÷ baseline value (both in their own units; same unit unless said) */
    ratio: z.number().finite().nullable(),
  })
  .strict();
export type Baseline = z.infer<typeof BaselineSchema>;

export const FigureSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9_-]+$/),
    value: z.number().finite(),
    unit: z.string().min(1),
    target: z.number().finite().nullable(),
    better: z.enum(['lower', 'higher']),
    met: z.boolean().nullable(),
    /** how many measurements the value summarises (latencies, processes, runs); 0 = unmeasured */
    samples: z.number().int().nonnegative(),
    /** true exactly when samples is 0: the value means nothing and a target is never met */
    unmeasured: z.boolean(),
    baseline: BaselineSchema.optional(),
    note: z.string().optional(),
  })
  .strict()
  .refine((f) => (f.target === null) === (f.met === null), 'met is null exactly when there is no target')
  .refine((f) => f.unmeasured === (f.samples === 0), 'unmeasured exactly when there are no samples')
  .refine((f) => !f.unmeasured || f.met !== true, 'a figure without samples never meets its target');

/** `bench/results.json`: the format, plus the errors of benches that failed. */
export const ResultsSchema = z
  .object({
    machine: z.object({
      cores: z.number().int().positive(),
      cpu: z.string(),
      memory_gb: z.number(),
      node: z.string().regex(/^v\d+\./),
      platform: z.string(),
      load_average: z.array(z.number()).length(3),
    }),
    date: z.iso.datetime(),
    figures: z.array(FigureSchema),
    errors: z.array(z.object({ bench: z.string(), error: z.string() })),
  })
  .strict();
export type Results = z.infer<typeof ResultsSchema>;

export type Figure = z.infer<typeof FigureSchema>;

/** A same-run baseline for `figure()`: its ratio is computed there. */
export interface BaselineInput {
  name: string;
  value: number;
  unit: string;
  samples: number;
}

const round4 = (v: number) => (Number.isInteger(v) ? v : Number(v.toPrecision(4)));

/**
 * One figure. `samples` is how many measurements `value` summarises: with none
 * the figure is unmeasured — `met` is false whatever the value (an empty
 * histogram reads 0, which would "meet" any upper bound) and the run fails
 * (`unmeasuredErrors`). A value that is not a finite number (a ratio over
 * nothing) is unmeasured too, and reported with 0 samples and value 0.
 */
export function figure(
  name: string,
  value: number,
  unit: string,
  target: number | null,
  better: 'lower' | 'higher',
  samples: number,
  note?: string,
  baseline?: BaselineInput,
): Figure {
  const unmeasured = !(samples > 0) || !Number.isFinite(value);
  const met =
    target === null ? null : unmeasured ? false : better === 'lower' ? value <= target : value >= target;
  const base =
    baseline === undefined
      ? undefined
      : {
          name: baseline.name,
          value: round4(baseline.value),
          unit: baseline.unit,
          samples: Math.max(0, Math.floor(baseline.samples)),
          ratio:
            baseline.samples > 0 && !unmeasured && baseline.value !== 0 && Number.isFinite(baseline.value)
              ? round4(value / baseline.value)
              : null,
        };
  return {
    name,
    value: Number.isFinite(value) ? round4(value) : 0,
    unit,
    target,
    better,
    met,
    samples: unmeasured ? 0 : Math.floor(samples),
    unmeasured,
    ...(base ? { baseline: base } : {}),
    ...(note ? { note } : {}),
  };
}

/** One error per figure without samples (or whose baseline has none): such a run fails. */
export function unmeasuredErrors(
  bench: string,
  figures: readonly Figure[],
): { bench: string; error: string }[] {
  const errors: { bench: string; error: string }[] = [];
  for (const f of figures) {
    if (f.unmeasured) errors.push({ bench, error: `${f.name}: no samples, unmeasured` });
    else if (f.baseline && f.baseline.samples === 0)
      errors.push({ bench, error: `${f.name}: baseline "${f.baseline.name}" has no samples, unmeasured` });
  }
  return errors;
}

export function machine() {
  const cpu = cpus();
  return {
    cores: cpu.length,
    cpu: cpu[0]?.model ?? 'unknown',
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    // Other processes share these cores: every latency here is read against this.
    load_average: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** The results document, checked against its schema before anything is written. */
export function buildResults(
  figures: Figure[],
  errors: { bench: string; error: string }[],
  date = new Date(),
): Results {
  return ResultsSchema.parse({ machine: machine(), date: date.toISOString(), figures, errors });
}

/** A latency recorder in nanoseconds. */
export class Latency {
  private readonly h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000_000,
    numberOfSignificantValueDigits: 3,
  });

  recordNs(ns: number | bigint): void {
    this.h.recordValue(Math.max(1, Number(ns)));
  }

  get count(): number {
    return this.h.totalCount;
  }

  /** Percentile in microseconds. */
  us(p: number): number {
    return this.h.getValueAtPercentile(p) / 1000;
  }

  ms(p: number): number {
    return this.h.getValueAtPercentile(p) / 1e6;
  }
}
