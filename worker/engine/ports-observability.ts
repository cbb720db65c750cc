/**
 * The engine's observability ports (logger, metrics) and the day-PnL store
 * port: the parts of worker/engine/ports.ts that carry no trading vocabulary,
 * kept apart so ports.ts stays one screenful of trading interfaces.
 * Re-exported by ports.ts; import from there.
 */
import type { Micros } from '../../shared/units.ts';

export type LogFields = Record<
  string,
  string | number | boolean | null | undefined | readonly (string | number)[]
>;

export interface EngineLogger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export type Dimensions = Record<string, string>;

export interface EngineMetrics {
  count(name: string, value?: number, dims?: Dimensions): void;
  gauge(name: string, value: number, dims?: Dimensions): void;
  timing(name: string, ms: number, dims?: Dimensions): void;
}

/** A shard's PnL of one trading day, as stored (worker/engine/day-drawdown.ts). */
export interface DayPnlRecord {
  day: string;
  /** The day's realised PnL (net of fees), Micros, as of the last heartbeat. */
  realised: Micros;
  /** The day's peak of realised + marked PnL, Micros. */
  peak: Micros;
}

/** The store side, bound to one shard. */
export interface DayPnlPort {
  load(day: string): Promise<DayPnlRecord | null>;
  save(record: DayPnlRecord): Promise<void>;
}
