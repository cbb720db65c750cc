/**
 * Liveness invariants for chaos and simulation, beside the safety ones: a pure tracker fed with
 * samples of each game's state over time.
 *
 * - Quoting uptime per game: the share of its quotable time (theo fresh, inside the window, below
 *   the limit, market open: a reason that is our failure, not the market's or the design's) during
 *   which every eligible side rested. Time inside a fault window is not counted: its injection and
 *   its direct effect (a socket fault until the worker has a new connection: `feedEffectEnd`).
 * - Recovery: after a fault's injection ends, how long until every quotable game rests all its
 *   eligible sides again (or stops being quotable), not counting time inside later fault windows. p99
 *   over every fault end.
 *
 * Time between two samples is attributed to the state of the first (piecewise constant).
 *
 * A run gives few samples (about 95 s quotable per game in a 10-minute chaos run), and a miss lasts
 * several seconds, so neighbouring samples are not independent: each uptime comes with a 95 %
 * confidence interval by batch means over blocks of `blockMs` (10 s) of wall time, the ratio
 * estimator's standard error over the blocks with any quotable time, and Student's t.
 */
import type { QuotingReason } from '../../shared/liveness/quoting-state.ts';

/** Reasons under which a game is not quotable: the design, the market or an operator stops it. */
export const NOT_QUOTABLE: ReadonlySet<QuotingReason> = new Set<QuotingReason>([
  'no-theo',
  'no-odds-source',
  'theo-stale',
  'outside-window',
  'at-limit',
  'market-paused',
  'market-inactive',
  'killed',
  'paused-by-operator',
]);

/** Is a game with this reason expected to quote (its time counts in the uptime denominator)? */
export function isQuotable(reason: QuotingReason): boolean {
  return !NOT_QUOTABLE.has(reason);
}

/** One market of a game as the worker shows it: the quoter's mode per side (null: not priced). */
export interface MarketModes {
  ticker: string;
  modeBid: string | null;
  modeAsk: string | null;
}

/**
 * The sides a game should have resting: those the quoter priced, when its reason is `quoting`; every
 * side when the quoter did not run (a stop of ours, not the design's). A side the quoter turned off
 * by design (`off:<reason>`: at the limit on that side, no edge, would cross the book, swept, self-
 * or cross-market) is not eligible; `off:invalid-input` is our failure, so it is.
 */
export function eligibleSides(reason: QuotingReason, markets: readonly MarketModes[]): string[] {
  // A plain loop: the backtest asks this for every game on every liveness sample (once a second).
  const sides: string[] = [];
  const all = reason !== 'quoting';
  for (const m of markets) {
    if (all || wanted(m.modeBid)) sides.push(`${m.ticker}|bid`);
    if (all || wanted(m.modeAsk)) sides.push(`${m.ticker}|ask`);
  }
  return sides;
}

const wanted = (mode: string | null) =>
  mode !== null && (!mode.startsWith('off:') || mode === 'off:invalid-input');

export interface GameSample {
  game: string;
  reason: QuotingReason;
  /** Sides the game should quote now (bid/ask per market the quoter wants; every side when it cannot tell). */
  eligibleSides: number;
  /** Of those, sides with an order of ours resting on the exchange. */
  restingSides: number;
}

/** A 95 % confidence interval of an uptime (batch means); null with fewer than 2 blocks. */
export interface UptimeCi {
  lo: number;
  hi: number;
  /** Blocks of `blockMs` with any quotable time: the effective sample count. */
  blocks: number;
}

export interface GameUptime {
  game: string;
  quotableMs: number;
  restingMs: number;
  /** restingMs / quotableMs; 1 when the game was never quotable. */
  uptime: number;
  ci: UptimeCi | null;
}

export interface UptimeReport {
  games: GameUptime[];
  /** Over all games: Σ resting / Σ quotable (1 when nothing was quotable). */
  uptime: number;
  /** 95 % interval of `uptime` (blocks of wall time, all games together). */
  uptimeCi: UptimeCi | null;
  /** The worst game's uptime (1 with no games). */
  minGameUptime: number;
  /** Time (ms) from each fault window's end until quotes rested again, in order of fault end. */
  recoveriesMs: number[];
  /** Fault ends after which quotes had not rested again by the last sample. */
  unrecovered: number;
  /** 99th percentile of recoveriesMs and, for each unrecovered end, the time it waited (nearest rank); 0 with none. */
  recoveryP99Ms: number;
  /** Time-weighted game-milliseconds spent in each reason (outside fault windows). */
  msByReason: Partial<Record<QuotingReason, number>>;
  /** Games per reason at the last sample. */
  lastByReason: Partial<Record<QuotingReason, number>>;
}

export interface LivenessFloor {
  /** Minimum uptime (overall and per game). Default 0.95. */
  uptime: number;
  /** Maximum p99 recovery after a fault window (ms). Default 30 s. */
  recoveryP99Ms: number;
  /** Ignore games with less quotable time than this (ms): too short to judge. Default 60 s. */
  minQuotableMs: number;
}

export const DEFAULT_LIVENESS_FLOOR: LivenessFloor = {
  uptime: 0.95,
  recoveryP99Ms: 30_000,
  minQuotableMs: 60_000,
};

interface Acc {
  quotableMs: number;
  restingMs: number;
  /** The same per block of wall time (block index → sums), for the interval. */
  blocks: Map<number, { q: number; r: number }>;
}

/** Block length of the batch-means interval: a few times the length of a typical miss. */
export const UPTIME_BLOCK_MS = 10_000;

export class UptimeTracker {
  private readonly acc = new Map<string, Acc>();
  private readonly allBlocks = new Map<number, { q: number; r: number }>();
  private readonly msByReason = new Map<QuotingReason, number>();
  private last: { atMs: number; samples: readonly GameSample[] } | null = null;
  /** Injection windows (recovery clocks run from their ends) and how long each one's effect lasted. */
  private readonly faults: { startMs: number; endMs: number; effectEndMs: number }[] = [];
  /** Fault ends waiting for quotes to rest again. */
  private readonly pending: number[] = [];
  private readonly recoveries: number[] = [];

  /**
   * A fault window (ms); may be added before or while it happens. Overlapping windows are fine.
   * `effectEndMs` (≥ `endMs`): when the fault's direct effect ended — a dropped or silent socket is
   * still down after its injection until the worker has a new connection. The uptime leaves
   * [start, effectEnd) out; the recovery is still timed from `endMs`, so the effect's length shows there.
   */
  fault(startMs: number, endMs: number, effectEndMs = endMs): void {
    if (!(endMs >= startMs)) throw new RangeError(`fault window ends before it starts: ${startMs}..${endMs}`);
    if (!(effectEndMs >= endMs))
      throw new RangeError(`fault effect ends before the injection: ${endMs}..${effectEndMs}`);
    this.faults.push({ startMs, endMs, effectEndMs });
    this.pending.push(endMs);
    this.pending.sort((a, b) => a - b);
  }

  /** Every game's state at `atMs` (samples in time order). */
  observe(atMs: number, samples: readonly GameSample[]): void {
    const prev = this.last;
    if (prev && atMs < prev.atMs) throw new RangeError('samples must be in time order');
    if (prev) this.account(prev.atMs, atMs, prev.samples);
    this.last = { atMs, samples: samples.map((s) => ({ ...s })) };
    this.settleRecoveries(atMs, samples);
  }

  report(): UptimeReport {
    const games = [...this.acc].map(([game, a]) => ({
      game,
      quotableMs: a.quotableMs,
      restingMs: a.restingMs,
      uptime: a.quotableMs > 0 ? a.restingMs / a.quotableMs : 1,
      ci: batchMeansCi([...a.blocks.values()]),
    }));
    const q = games.reduce((s, g) => s + g.quotableMs, 0);
    const r = games.reduce((s, g) => s + g.restingMs, 0);
    const lastByReason: Partial<Record<QuotingReason, number>> = {};
    for (const s of this.last?.samples ?? []) lastByReason[s.reason] = (lastByReason[s.reason] ?? 0) + 1;
    const lastAt = this.last?.atMs;
    // A fault end never recovered has waited at least until the last sample: in the p99 as that, not
    // left out (a run whose worker stayed down after a fault read a p99 of its quick recoveries alone).
    const waiting =
      lastAt === undefined
        ? []
        : this.pending
            .filter((end) => end <= lastAt)
            .map((end) => lastAt - end - this.faultOverlap(end, lastAt));
    const unrecovered = waiting.length;
    return {
      games,
      uptime: q > 0 ? r / q : 1,
      uptimeCi: batchMeansCi([...this.allBlocks.values()]),
      minGameUptime: games.length > 0 ? Math.min(...games.map((g) => g.uptime)) : 1,
      recoveriesMs: [...this.recoveries],
      unrecovered,
      recoveryP99Ms: percentile([...this.recoveries, ...waiting], 0.99),
      msByReason: Object.fromEntries(this.msByReason),
      lastByReason,
    };
  }

  /** Attributes [from, to) to the samples' states, leaving out the parts inside fault windows. */
  private account(from: number, to: number, samples: readonly GameSample[]): void {
    const ms = to - from - this.faultOverlap(from, to, 'effectEndMs');
    if (ms <= 0) return;
    for (const s of samples) {
      let a = this.acc.get(s.game);
      if (!a) {
        a = { quotableMs: 0, restingMs: 0, blocks: new Map() };
        this.acc.set(s.game, a);
      }
      this.msByReason.set(s.reason, (this.msByReason.get(s.reason) ?? 0) + ms);
      if (!isQuotable(s.reason) || s.eligibleSides <= 0) continue;
      const up = s.restingSides >= s.eligibleSides ? ms : 0;
      a.quotableMs += ms;
      a.restingMs += up;
      // The interval's blocks: the span goes to the block it starts in (samples are ~1 s, blocks 10 s).
      const block = Math.floor(from / UPTIME_BLOCK_MS);
      for (const m of [a.blocks, this.allBlocks]) {
        const b = m.get(block) ?? { q: 0, r: 0 };
        b.q += ms;
        b.r += up;
        m.set(block, b);
      }
    }
  }

  /** Time in [from, to) inside any fault window, up to each injection's end or its effect's end. */
  private faultOverlap(from: number, to: number, until: 'endMs' | 'effectEndMs' = 'endMs'): number {
    // Union of the windows clipped to [from, to).
    const clipped = this.faults
      .map((f) => [Math.max(from, f.startMs), Math.min(to, f[until])] as const)
      .filter(([a, b]) => b > a)
      .sort((x, y) => x[0] - y[0]);
    let total = 0;
    let end = from;
    for (const [a, b] of clipped) {
      const s = Math.max(a, end);
      if (b > s) total += b - s;
      end = Math.max(end, b);
    }
    return total;
  }

  /** A fault end is recovered at the first sample after it (outside any fault) where every quotable game rests all its sides. */
  private settleRecoveries(atMs: number, samples: readonly GameSample[]): void {
    if (this.pending.length === 0) return;
    if (this.faults.some((f) => f.startMs <= atMs && atMs < f.endMs)) return;
    const healthy = samples.every(
      (s) => !isQuotable(s.reason) || s.eligibleSides <= 0 || s.restingSides >= s.eligibleSides,
    );
    if (!healthy) return;
    // Time inside a later fault window is not recovery time of ours: that fault's own end starts its clock.
    while (this.pending.length > 0 && this.pending[0]! <= atMs) {
      const end = this.pending.shift()!;
      this.recoveries.push(atMs - end - this.faultOverlap(end, atMs));
    }
  }
}

/** The worker's feed as one liveness sample saw it (from a fresh snapshot; none while the worker is down). */
export interface FeedSample {
  atMs: number;
  up: boolean;
  /** When the worker's connection entered its current state. */
  sinceMs: number;
}

/**
 * Longest a socket fault's effect may outlast its injection and still be the fault's: a silent
 * socket is condemned within ping interval + pong deadline (2.5 + 3 s), the first reconnect waits
 * ≤ 0.5 s, the subscriptions' acknowledgement ≤ 3 s. Beyond it the feed's slowness is ours.
 */
export const FEED_EFFECT_MAX_MS = 10_000;

/**
 * When a socket fault's direct effect ended: the first sample at or after the injection's end with
 * the worker's feed up — on a connection made after the fault began, for a one-shot drop or silencing
 * (the socket it broke was up before it and the worker may not know yet). Never before `endMs`,
 * never past `endMs + capMs` (a slow reconnect counts against the uptime from there).
 */
export function feedEffectEnd(
  fault: { startMs: number; endMs: number; oneShot: boolean },
  feed: readonly FeedSample[],
  capMs: number = FEED_EFFECT_MAX_MS,
): number {
  return effectEnd(fault.endMs, feed, (f) => f.up && (!fault.oneShot || f.sinceMs >= fault.startMs), capMs);
}

/**
 * The first sample (in time order) at or after `endMs` at which a fault's effect is `over`, at most
 * `capMs` past `endMs` — e.g. a burst of queued REST errors ends when the exchange has served the last.
 */
export function effectEnd<S extends { atMs: number }>(
  endMs: number,
  samples: readonly S[],
  over: (s: S) => boolean,
  capMs: number = FEED_EFFECT_MAX_MS,
): number {
  const cap = endMs + capMs;
  for (const s of samples) {
    if (s.atMs < endMs) continue;
    if (s.atMs >= cap) break;
    if (over(s)) return s.atMs;
  }
  return cap;
}

/** Violations of the liveness floor, as lines a run prints and fails on (empty: the run passes). */
export function livenessViolations(r: UptimeReport, floor: LivenessFloor = DEFAULT_LIVENESS_FLOOR): string[] {
  const out: string[] = [];
  const judged = r.games.filter((g) => g.quotableMs >= floor.minQuotableMs);
  for (const g of judged)
    if (g.uptime < floor.uptime)
      out.push(
        `uptime: ${g.game} rested every eligible side ${(g.uptime * 100).toFixed(1)} % of its quotable time outside fault windows (< ${(floor.uptime * 100).toFixed(0)} %)`,
      );
  if (r.recoveryP99Ms > floor.recoveryP99Ms)
    out.push(
      `recovery: quotes rested again ${(r.recoveryP99Ms / 1000).toFixed(1)} s after a fault ended (p99 > ${(floor.recoveryP99Ms / 1000).toFixed(0)} s)`,
    );
  return out;
}

/**
 * 95 % interval of the ratio Σr / Σq over blocks (batch means): the ratio estimator's standard error
 * √(Σ (r_i − R·q_i)² / (n (n − 1))) / q̄ with Student's t at n − 1 degrees of freedom, clipped to [0, 1].
 */
export function batchMeansCi(blocks: readonly { q: number; r: number }[]): UptimeCi | null {
  const used = blocks.filter((b) => b.q > 0);
  const n = used.length;
  if (n < 2) return null;
  const q = used.reduce((s, b) => s + b.q, 0);
  const ratio = used.reduce((s, b) => s + b.r, 0) / q;
  const qMean = q / n;
  const ss = used.reduce((s, b) => s + (b.r - ratio * b.q) ** 2, 0);
  const se = Math.sqrt(ss / (n * (n - 1))) / qMean;
  const half = studentT975(n - 1) * se;
  return { lo: Math.max(0, ratio - half), hi: Math.min(1, ratio + half), blocks: n };
}

/** Student's t 97.5 % quantile (Cornish–Fisher expansion around the normal; < 1 % off from ν = 3). */
export function studentT975(nu: number): number {
  const exact = [12.706, 4.303, 3.182];
  if (nu >= 1 && nu <= 3) return exact[nu - 1]!;
  const z = 1.959964;
  return (
    z +
    (z ** 3 + z) / (4 * nu) +
    (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * nu ** 2) +
    (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * nu ** 3)
  );
}

/** Nearest-rank percentile; 0 for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
