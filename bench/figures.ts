/**
 * The shape of `bench/results.json` and the helpers every benchmark uses:
 * figures carry their target and whether it was met, latencies go through an
 * HDR histogram (nanosecond resolution, reported in the unit asked for).
 */
import { cpus, totalmem } from 'node:os';
import hdr from 'hdr-histogram-js';

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
  };
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
