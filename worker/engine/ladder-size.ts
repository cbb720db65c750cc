/**
 * How big each strike quote is (issue #17). The payoff gate counts every
 * resting order as filled where it loses, and a game's ladder adds a dozen or
 * more markets to its two winners: at the winners' base size the first
 * strikes written use up the game's limit and the rest of the ladder is
 * refused (nba-ladders-night at defaults: five of seven total strikes never
 * quoted). So the game's limit is shared over all its quoted markets — each
 * side of each strike at most limit ÷ markets, in whole lots, never above the
 * base size — and the whole ladder can rest. The gate still decides; this
 * only keeps the first strikes from taking everyone's room. Pure.
 */
import type { Centis } from '../../shared/units.ts';

export function strikeQuoteSize(
  /** the game's limit, Centis */
  limit: Centis,
  /** every market the game quotes: its winners and its priced strikes */
  markets: number,
  /** the winners' size per side, Centis */
  baseSize: Centis,
  /** size step, Centis */
  lot: Centis,
): Centis {
  const step = Math.max(1, lot);
  if (limit <= 0 || baseSize <= 0 || markets <= 0) return 0;
  const share = Math.floor(limit / markets / step) * step;
  // At least one lot while there is a limit at all: the gate clips what does not fit.
  return Math.min(baseSize, Math.max(step, share));
}
