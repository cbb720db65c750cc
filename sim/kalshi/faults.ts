/**
 * Fault switches of the simulated exchange. Each can be set at construction
 * (`startKalshiSim({ faults })`) and changed at run time (`sim.faults.set(...)`,
 * or the one-shot actions). Random decisions come from a seeded RNG, so a run
 * with the same seed and the same traffic misbehaves the same way.
 */
import { SeededRng } from './rng.ts';

export interface FaultSettings {
  /** Probability, per outbound WS data frame, that the server drops the connection (TCP close, no close frame). */
  wsDropRate: number;
  /** When true every open WS session goes silent (no data, no pings, no pongs) but keeps its socket. */
  halfOpen: boolean;
  /** Probability that a sequenced WS message is lost while its seq is consumed (the client sees a gap). */
  seqGapRate: number;
  /** Probability that a fill message is sent twice. */
  duplicateFillRate: number;
  /** Delay (ms) applied to fill messages (they arrive after the book deltas and order updates). */
  lateFillMs: number;
  /** REST requests answered 429 with Kalshi's body, regardless of tokens (counts down). */
  rest429Remaining: number;
  /** REST requests answered 500/503 (alternating), counts down. */
  rest5xxRemaining: number;
  /** Probability of a 5xx on any REST request. */
  rest5xxRate: number;
  /** Write requests (non-GET) that are applied but answered 504, as when a gateway times out (counts down). */
  appliedErrorRemaining: number;
  /** REST positions trail fills by this much scenario time (ms): younger fills are not yet in them. */
  positionLagMs: number;
  /** Extra latency (ms) on every REST response. */
  slowResponseMs: number;
  /** Cancels answer success but the order keeps resting (and can fill) for this long, in ms; 0 = off. */
  lyingCancelMs: number;
  /** Probability that a cancel/amend response body describes another of the user's orders. */
  wrongOrderResponseRate: number;
  /** Probability that a WS frame's numeric strings are sent as JSON numbers. */
  numbersAsNumbersRate: number;
}

export const NO_FAULTS: FaultSettings = {
  wsDropRate: 0,
  halfOpen: false,
  seqGapRate: 0,
  duplicateFillRate: 0,
  lateFillMs: 0,
  rest429Remaining: 0,
  rest5xxRemaining: 0,
  rest5xxRate: 0,
  appliedErrorRemaining: 0,
  positionLagMs: 0,
  slowResponseMs: 0,
  lyingCancelMs: 0,
  wrongOrderResponseRate: 0,
  numbersAsNumbersRate: 0,
};

export class Faults {
  private settings: FaultSettings;
  readonly rng: SeededRng;
  /** Run-time actions the WS layer registers (drop / go silent now). */
  private readonly wsActions = new Set<(action: 'drop' | 'half_open' | 'gap') => void>();
  /** What happened, for tests and the dashboard. */
  readonly counts = {
    slowed: 0,
    appliedErrors: 0,
    wsDrops: 0,
    seqGaps: 0,
    duplicateFills: 0,
    rest429: 0,
    rest5xx: 0,
    lyingCancels: 0,
    wrongOrder: 0,
  };

  constructor(initial: Partial<FaultSettings> = {}, seed = 1) {
    this.settings = { ...NO_FAULTS, ...initial };
    this.rng = new SeededRng(seed ^ 0x5eed);
  }

  get current(): Readonly<FaultSettings> {
    return this.settings;
  }

  set(patch: Partial<FaultSettings>): void {
    this.settings = { ...this.settings, ...patch };
  }

  clear(): void {
    this.settings = { ...NO_FAULTS };
  }

  /** The next `n` REST requests answer 429. */
  burst429(n: number): void {
    this.settings.rest429Remaining += n;
  }

  /** The next `n` REST requests answer 5xx. */
  burst5xx(n: number): void {
    this.settings.rest5xxRemaining += n;
  }

  /** The next `n` write requests take effect but answer 504. */
  burstAppliedErrors(n: number): void {
    this.settings.appliedErrorRemaining += n;
  }

  /** Drops every open WebSocket now. */
  dropWebSockets(): void {
    for (const a of this.wsActions) a('drop');
  }

  /** Every WebSocket open now goes silent (no data, pings or pongs) but keeps its socket; new connections work. */
  halfOpenWebSockets(): void {
    for (const a of this.wsActions) a('half_open');
  }

  /** Skips one seq on every live sequenced subscription now (the next message reveals the gap). */
  gapNow(): void {
    for (const a of this.wsActions) a('gap');
  }

  onWsAction(fn: (action: 'drop' | 'half_open' | 'gap') => void): () => void {
    this.wsActions.add(fn);
    return () => this.wsActions.delete(fn);
  }

  // Decisions (consulted by the REST and WS layers).

  take429(): boolean {
    if (this.settings.rest429Remaining > 0) {
      this.settings.rest429Remaining--;
      this.counts.rest429++;
      return true;
    }
    return false;
  }

  take5xx(): 500 | 503 | null {
    if (this.settings.rest5xxRemaining > 0 || this.rng.chance(this.settings.rest5xxRate)) {
      if (this.settings.rest5xxRemaining > 0) this.settings.rest5xxRemaining--;
      this.counts.rest5xx++;
      return this.counts.rest5xx % 2 === 1 ? 500 : 503;
    }
    return null;
  }

  takeAppliedError(): boolean {
    if (this.settings.appliedErrorRemaining <= 0) return false;
    this.settings.appliedErrorRemaining--;
    this.counts.appliedErrors++;
    return true;
  }

  chance(p: number): boolean {
    return this.rng.chance(p);
  }
}

/** Fields whose fixed-point strings Kalshi has been seen to send as JSON numbers. */
const NUMERIC_KEY = /(_dollars|_fp|^fee_cost|^settlement_value)$/;

/**
 * Turns the fixed-point strings of numeric fields ("0.4400", "10.00", level
 * arrays) inside a payload into JSON numbers; ids and texts are left alone.
 */
export function numbersForStrings(value: unknown, numeric = false): unknown {
  if (typeof value === 'string') return numeric && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (Array.isArray(value)) return value.map((v) => numbersForStrings(v, numeric));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = numbersForStrings(v, NUMERIC_KEY.test(k));
    return out;
  }
  return value;
}
