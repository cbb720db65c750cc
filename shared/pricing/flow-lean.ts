/**
 * The sweep lean (issue #14), pure: order flow leans the theo until the next theo catches up.
 *
 * A sweep across a game (news-guard.ts) is a taker who knew the price moved: it took our quote, which
 * stood at least the minimum edge from the theo, and it needed its own edge beyond that. So, Glosten–
 * Milgrom style with a bounded weight, the fair value is presumed at least `shift` beyond the theo of
 * the sweep in the swept direction while the hold stands. The held side stays pulled (the news guard);
 * what changes is the other side, which otherwise waits a poll or two far from where the price went,
 * earning nothing from the retail flow that keeps trading at the new price. The lean never goes past
 * `shift` from the sweep's theo, never against the sweep, and ends with the hold (a theo that moved the
 * fills' way by the minimum edge, or `newsHoldMs`).
 */
import { holdStands, type NewsHold, type NewsRule } from './news-guard.ts';

export function sweepLeanedTheo(
  theo: number | null,
  hold: NewsHold | undefined,
  now: number,
  rule: Pick<NewsRule, 'holdMs' | 'releaseMove'>,
  shift: number,
): number | null {
  if (theo === null || hold === undefined || !(shift > 0) || !Number.isFinite(hold.theo)) return theo;
  if (!holdStands(hold, now, theo, rule)) return theo;
  // Our bid was hit: the truth is below. Lean down to the sweep's theo − shift (never up).
  const p = hold.side === 'bid' ? Math.min(theo, hold.theo - shift) : Math.max(theo, hold.theo + shift);
  return Math.min(0.999, Math.max(0.001, p));
}
