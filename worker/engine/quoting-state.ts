/**
 * A game's quoting reason, decided from plain inputs (the session gathers them), and the liveness
 * tracker that tells an expected idle game from a silent stop: a game whose reason is not idle by
 * design and that has had nothing resting on any side for longer than `stallAfterMs` is stalled.
 */
import { isExpectedIdle, QuotingReason } from '../../shared/liveness/quoting-state.ts';

export interface QuotingInputs {
  now: number;
  killed: boolean;
  /** A market of the game is closed, determined or settled. */
  closed: boolean;
  /** Our quoting ends here (null: no start time known, never quote). */
  stopAtMs: number | null;
  /** An operator flag on the game (or global): 'kill' or 'pause'; null when none. */
  operatorFlag: 'kill' | 'pause' | null;
  /** The exchange paused trading in a market of the game. */
  marketPaused: boolean;
  leaseValid: boolean;
  feedUp: boolean;
  /** Not every market has shown a live book yet, or a position correction is owed (start-up, after a gap). */
  warming: boolean;
  /** The sport has no odds source: no theo will ever come. */
  noOddsSource?: boolean;
  theoUpdatedMs: number | null;
  theoMaxAgeMs: number;
  booksLive: boolean;
}

/**
 * How often the session re-derives each game's reason from its inputs: some inputs (the lease's
 * validity, a theo's age, the clock against a stop time) change with no event to requote on.
 */
export const STATUS_RECHECK_MS = 1_000;

/** The first reason that applies, in order of what an operator must know first. */
export function quotingReason(i: QuotingInputs): QuotingReason {
  if (i.killed) return 'killed';
  if (i.closed) return 'market-inactive';
  if (i.stopAtMs === null || i.now >= i.stopAtMs) return 'outside-window';
  if (i.operatorFlag === 'kill') return 'killed';
  if (i.operatorFlag === 'pause') return 'paused-by-operator';
  if (!i.leaseValid) return 'lease-lost';
  if (!i.feedUp) return 'feed-down';
  if (i.warming) return 'warming';
  if (i.marketPaused) return 'market-paused';
  if (i.theoUpdatedMs === null) return i.noOddsSource ? 'no-odds-source' : 'no-theo';
  if (i.now - i.theoUpdatedMs > i.theoMaxAgeMs) return 'theo-stale';
  if (!i.booksLive) return 'book-not-live';
  return 'quoting';
}

/**
 * After the quoter ran on a quotable game: a lasting refusal the order manager backs off from (its
 * creates wait, the quoter still runs so cancels and amends go) names the game's state; no side to
 * quote because the inventory is at the limit (the adding sides vanished, nothing reduces) is idle
 * by design, not a stop.
 */
export function afterQuoting(
  reason: QuotingReason,
  quotes: number,
  worstExposure: number,
  limit: number,
  refusal: QuotingReason | null = null,
): QuotingReason {
  if (reason !== 'quoting') return reason;
  if (quotes === 0 && (limit <= 0 || worstExposure >= limit)) return 'at-limit';
  return refusal ?? reason;
}

export interface GameLiveness {
  reason: QuotingReason;
  /** Since when the game has had nothing resting on any side while its reason was not idle by design; null otherwise. */
  idleSinceMs: number | null;
}

/** One observation: the game's reason now and whether any order of it rests. */
export function observeLiveness(
  prev: GameLiveness | undefined,
  reason: QuotingReason,
  resting: boolean,
  now: number,
): GameLiveness {
  if (resting || isExpectedIdle(reason)) return { reason, idleSinceMs: null };
  return { reason, idleSinceMs: prev?.idleSinceMs ?? now };
}

export function isStalled(l: GameLiveness, now: number, stallAfterMs: number): boolean {
  return l.idleSinceMs !== null && now - l.idleSinceMs >= stallAfterMs;
}

/** Games by reason, every reason of the closed set present (zero included: a gauge that vanishes alarms on nothing). */
export function countByReason(reasons: Iterable<QuotingReason>): Map<QuotingReason, number> {
  const out = new Map<QuotingReason, number>(QuotingReason.options.map((r) => [r, 0]));
  for (const r of reasons) out.set(r, (out.get(r) ?? 0) + 1);
  return out;
}

/** Per-game liveness across observations (the session's heartbeat feeds it). */
export class LivenessTracker {
  private readonly games = new Map<string, GameLiveness>();

  constructor(private readonly stallAfterMs: number) {}

  observe(game: string, reason: QuotingReason, resting: boolean, now: number): GameLiveness {
    const next = observeLiveness(this.games.get(game), reason, resting, now);
    this.games.set(game, next);
    return next;
  }

  get(game: string): GameLiveness | undefined {
    return this.games.get(game);
  }

  forget(game: string): void {
    this.games.delete(game);
  }

  /** Games stalled now (unexpected reason, nothing resting, for at least stallAfterMs). */
  stalled(now: number): string[] {
    return [...this.games].filter(([, l]) => isStalled(l, now, this.stallAfterMs)).map(([g]) => g);
  }
}
