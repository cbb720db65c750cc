/**
 * The news guard (pure): react to news before the next odds poll (issue #14, docs/PRICING.md
 * "News: sweeps and the sharp book").
 *
 * Informed takers move within seconds of news; the books, and our theo with them, a minute or more
 * later. Two signals arrive before the consensus does:
 * - a **sweep**: more than one full quote taken one way across a game within a few seconds. A retail
 *   taker takes one quote; taking everything shown one way, on both legs, is someone who knows the
 *   price moved. The worker asks for the game's odds at once (fill-intake.ts, reason `fill-burst`)
 *   and the quoter holds the swept direction on every leg until the theo has moved the fills' way by
 *   the minimum edge, or `newsHoldMs` passes (one poll plus the books' lag behind sharp money);
 * - the **sharp book ahead of the rest**: the aggregator marks books that are older than a fresh
 *   anchor (Pinnacle) and far from it as lagging (shared/odds/aggregate.ts); until they catch up,
 *   the theo snapshot carries the anchor's lead over the consensus (`sharpLean`), and the quoter leans
 *   the theo that share of the way to the anchor.
 */
import type { PositionMove } from './sweep-guard.ts';

export interface NewsRule {
  /** Net one-way contracts (Centis) across the game within `windowMs` that make a sweep; 0 = off. */
  sweepSize: number;
  windowMs: number;
  /** A hold lasts at most this long, ms. */
  holdMs: number;
  /** How far (probability) the theo must move the fills' way to release a hold. */
  releaseMove: number;
}

/**
 * The direction a game was swept, or null: the moves (one leg's own, the other leg's mirrored)
 * within the window add up to ≥ sweepSize one way. 'bid' = our bids were hit (the truth is below
 * the theo), 'ask' = our asks were lifted.
 */
export function sweepOf(
  moves: readonly Pick<PositionMove, 't' | 'delta'>[],
  now: number,
  rule: Pick<NewsRule, 'sweepSize' | 'windowMs'>,
): 'bid' | 'ask' | null {
  if (rule.sweepSize <= 0) return null;
  let net = 0;
  for (const m of moves) if (now - m.t < rule.windowMs) net += m.delta;
  if (net >= rule.sweepSize) return 'bid';
  if (net <= -rule.sweepSize) return 'ask';
  return null;
}

/** A held direction of one market: the side pulled, since when, and the theo it was swept at. */
export interface NewsHold {
  readonly side: 'bid' | 'ask';
  readonly sinceMs: number;
  /** This market's theo when the sweep was seen. */
  readonly theo: number;
}

/**
 * Does a hold still stand? Until `holdMs` has passed, and the theo has not moved the fills' way
 * by `releaseMove` (a hit bid says the truth is lower: released once the theo came down). A refresh
 * that returns the same theo — books that have not moved yet — does not release it.
 */
export function holdStands(
  hold: NewsHold,
  now: number,
  theo: number | null,
  rule: Pick<NewsRule, 'holdMs' | 'releaseMove'>,
): boolean {
  if (now - hold.sinceMs >= rule.holdMs) return false;
  if (theo === null || !Number.isFinite(theo) || !Number.isFinite(hold.theo)) return true;
  return hold.side === 'bid' ? theo > hold.theo - rule.releaseMove : theo < hold.theo + rule.releaseMove;
}

/**
 * The theo leaned `weight` of the way from the consensus to the sharp book (lean = sharp − consensus),
 * kept inside (0, 1). No lean, or weight 0: the theo unchanged.
 */
export function leanedTheo(theo: number, lean: number | undefined, weight: number): number {
  if (lean === undefined || !Number.isFinite(lean) || weight <= 0) return theo;
  const p = theo + weight * lean;
  return Math.min(0.999, Math.max(0.001, p));
}
