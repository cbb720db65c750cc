/**
 * The sweep guard (pure): which sides of a game to pull after one-way fills
 * say the theo is stale. Informed takers move first on news; a maker whose
 * quotes they swept must not re-offer the same stale price to the next taker
 * (the simulator's retail flow, like real flow, trades against the truth).
 *
 * Two choices, both parameters (params.ts):
 * - scope: `leg` counts each market's own fills; `game` counts a two-way game's
 *   fills by direction — a bid filled on one team is the same exposure as an
 *   ask filled on the other, so ten contracts taken across both legs pull the
 *   sides that would add to that direction on both legs (issue #14: the
 *   insider took exactly 10 a leg, and the per-leg guard never fired first);
 * - release: `theo-update` forgets the fills once any newer theo arrives;
 *   `theo-moved` keeps them until the theo has itself moved the fills' way by
 *   at least the minimum edge (a refreshed theo from books that have not moved
 *   yet is just as stale), or the window passes.
 */

export const SWEEP_SCOPES = ['leg', 'game'] as const;
export type SweepScope = (typeof SWEEP_SCOPES)[number];
export const SWEEP_RELEASES = ['theo-update', 'theo-moved'] as const;
export type SweepRelease = (typeof SWEEP_RELEASES)[number];

export interface PositionMove {
  t: number;
  /** Signed change of the YES position, Centis (+ = our bid was hit). */
  delta: number;
  /** The theo's updatedMs when the move was seen. */
  theoMs: number;
  /** This market's theo probability when the move was seen (NaN when none). */
  theo: number;
}

export interface SweepRule {
  /** Net one-way fills (Centis) that pull a side. */
  size: number;
  windowMs: number;
  release: SweepRelease;
  /** `theo-moved`: how far (probability) the theo must move the fills' way to release them. */
  releaseMove: number;
}

/**
 * Is a move still evidence that the current theo is stale? A bid hit (+delta)
 * says the truth is below the theo of that moment, until the theo has come
 * down by `releaseMove`; an ask lifted says the reverse.
 */
export function stillStale(
  m: PositionMove,
  now: number,
  theoMs: number,
  theo: number | null,
  rule: SweepRule,
): boolean {
  if (now - m.t >= rule.windowMs) return false;
  if (m.theoMs === theoMs) return true;
  if (rule.release === 'theo-update') return false;
  if (theo === null || !Number.isFinite(theo) || !Number.isFinite(m.theo)) return false;
  return m.delta > 0 ? theo > m.theo - rule.releaseMove : theo < m.theo + rule.releaseMove;
}

/**
 * The side to pull, or null: the moves that still say "stale" add up to
 * ≥ size one way. Moves of a two-way game's other leg arrive here mirrored
 * (`mirrorMoves`), so a game-scope guard is this same sum.
 */
export function sweptSideOf(
  moves: readonly PositionMove[],
  now: number,
  theoMs: number,
  theo: number | null,
  rule: SweepRule,
): 'bid' | 'ask' | null {
  let net = 0;
  for (const m of moves) if (stillStale(m, now, theoMs, theo, rule)) net += m.delta;
  if (net >= rule.size) return 'bid';
  if (net <= -rule.size) return 'ask';
  return null;
}

/**
 * Another leg's moves as this leg's (two-way exhaustive game): long YES on the
 * other team is short this one, and its theo is 1 − ours.
 */
export function mirrorMoves(moves: readonly PositionMove[]): PositionMove[] {
  return moves.map((m) => ({ t: m.t, delta: -m.delta, theoMs: m.theoMs, theo: 1 - m.theo }));
}
