/**
 * The shape of `bench/results.json` and the helpers every benchmark uses:
 * figures carry their target and whether it was met, latencies go through an
 * HDR histogram (nanosecond resolution, reported in the unit asked for).
 */
import { cpus, loadavg, totalmem } from 'node:os';
import hdr from 'hdr-histogram-js';
import { z } from 'zod';

export const FigureSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9_-]+$/),
    value: z.number().finite(),
    unit: z.string().min(1),
    target: z.number().finite().nullable(),
    better: z.enum(['lower', 'higher']),
    met: z.boolean().nullable(),
    note: z.string().optional(),
  })
  .strict()
  .refine((f) => (f.target === null) === (f.met === null), 'met is null exactly when there is no target');

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

export interface Figure {
  name: string;
  value: number;
  unit: string;
  target: number | null;
  better: 'lower' | 'higher';
  met: boolean | null;
  note?: string;
}

export function figure(
  name: string,
  value: number,
  unit: string,
  target: number | null,
  better: 'lower' | 'higher',
  note?: string,
): Figure {
  const rounded = Number.isInteger(value) ? value : Number(value.toPrecision(4));
  const met = target === null ? null : better === 'lower' ? value <= target : value >= target;
  return { name, value: rounded, unit, target, better, met, ...(note ? { note } : {}) };
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
