/**
 * Wire latency of the in-process backtest: how long an order write takes to
 * reach the exchange (and its answer to come back), and how long an exchange
 * event takes to reach the worker's feed. Constant, or drawn from the run's
 * seeded stream (so the same seed gives the same latencies), never zero by
 * accident: a backtest that reacts instantly earns edge no real worker can.
 *
 * Text form (`--order-latency`, `--feed-latency`): `12` (constant ms),
 * `5-25` (uniform), `exp:5:15` (5 ms floor plus an exponential tail of mean 15 ms).
 */
import { SeededRng } from '../kalshi/rng.ts';

export type LatencySpec =
  | { kind: 'constant'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  | { kind: 'exponential'; minMs: number; meanMs: number };

export interface LatencyConfig {
  /** One way, worker → exchange; the answer takes another draw back. */
  orderEntry: LatencySpec;
  /** Exchange event → the worker's feed handler. */
  feed: LatencySpec;
}

/** Defaults: a worker in us-east-1 against Kalshi, a few ms to a few tens each way. */
export const DEFAULT_LATENCY: LatencyConfig = {
  orderEntry: { kind: 'uniform', minMs: 5, maxMs: 25 },
  feed: { kind: 'uniform', minMs: 5, maxMs: 20 },
};

const NUM = String.raw`(\d+(?:\.\d+)?)`;

/** Parses the text form; throws a RangeError naming what is wrong. */
export function parseLatency(text: string): LatencySpec {
  const t = text.trim();
  let m = new RegExp(`^${NUM}$`).exec(t);
  if (m) return { kind: 'constant', ms: Number(m[1]) };
  m = new RegExp(`^${NUM}-${NUM}$`).exec(t);
  if (m) {
    const minMs = Number(m[1]);
    const maxMs = Number(m[2]);
    if (maxMs < minMs) throw new RangeError(`latency ${t}: the maximum is below the minimum`);
    return { kind: 'uniform', minMs, maxMs };
  }
  m = new RegExp(`^exp:${NUM}:${NUM}$`).exec(t);
  if (m) return { kind: 'exponential', minMs: Number(m[1]), meanMs: Number(m[2]) };
  throw new RangeError(`latency ${t}: expected MS, MIN-MAX or exp:MIN:MEAN (milliseconds)`);
}

export function latencyText(s: LatencySpec): string {
  if (s.kind === 'constant') return `${s.ms}`;
  if (s.kind === 'uniform') return `${s.minMs}-${s.maxMs}`;
  return `exp:${s.minMs}:${s.meanMs}`;
}

/** Draws latencies of one spec from its own seeded stream, whole milliseconds. */
export class LatencySampler {
  private readonly rng: SeededRng;

  constructor(
    readonly spec: LatencySpec,
    seed: number,
  ) {
    this.rng = new SeededRng(seed);
  }

  sample(): number {
    const s = this.spec;
    if (s.kind === 'constant') return Math.round(s.ms);
    if (s.kind === 'uniform') return Math.round(s.minMs + this.rng.next() * (s.maxMs - s.minMs));
    // 1 − u is in (0, 1]: the log is finite.
    return Math.round(s.minMs - s.meanMs * Math.log(1 - this.rng.next()));
  }
}
