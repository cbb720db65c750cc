/**
 * Competitors and the theo's staleness (issue #14). Two pure rules, each behind a switch
 * (params.ts `staleCompetitor`, `bookReference`); decisions are data.
 *
 * 1. A stale competitor is not followed. A competitor's level that has not moved while our
 *    theo moved against it by at least `move` (the minimum edge) was priced on an older view:
 *    joining or improving it is trading on that view. For a bid the danger is a theo that fell
 *    (their bid is now too high); for an ask, one that rose. The level's anchor is the theo
 *    when that price was first seen at the top of the others' book.
 *
 * 2. The others' best on the wrong side of theo is information. Someone bidding above our theo
 *    (or offering below it) either knows the price moved — the books and so the theo lag news —
 *    or is wrong; a maker cannot trade against them, only be picked off beside them. So the
 *    side facing that level takes its reference from the level: an ask must earn the minimum
 *    edge over max(theo, their best bid), a bid over min(theo, their best ask). Without the
 *    rule the post-only clamp sells one tick above their bid, which earns against a stale
 *    theo and loses against the truth.
 */
import type { Micros } from '../units.ts';
import type { BookLevel, Side } from './competitive.ts';

/** The others' best price on one side, and our theo (probability) when it was first seen there. */
export interface CompetitorAnchor {
  readonly price: Micros;
  readonly theo: number;
}

/**
 * The anchor after this decision: kept while the level stays at the same price, set anew
 * (at the current theo) when it moved, forgotten when there is no level or no theo.
 */
export function nextAnchor(
  prev: CompetitorAnchor | undefined,
  level: BookLevel | null,
  theo: number | null,
): CompetitorAnchor | undefined {
  if (level === null || theo === null || !Number.isFinite(theo)) return undefined;
  if (prev !== undefined && prev.price === level.price) return prev;
  return { price: level.price, theo };
}

export type CompetitorVerdict = { follow: true } | { follow: false; reason: 'stale'; detail: string };

const FOLLOW: CompetitorVerdict = { follow: true };

/**
 * Follow this side's competitor or not: stale when the theo moved against its unchanged level
 * by at least `move` (probability) since the anchor. A theo that moved in the level's favour
 * never makes it stale (following it is then less aggressive, and priceSide never backs off
 * for a competitor).
 */
export function judgeCompetitor(
  side: Side,
  anchor: CompetitorAnchor | undefined,
  theo: number | null,
  move: number,
): CompetitorVerdict {
  if (anchor === undefined || theo === null || !Number.isFinite(theo) || !(move > 0)) return FOLLOW;
  const against = side === 'bid' ? anchor.theo - theo : theo - anchor.theo;
  if (against + 1e-12 < move) return FOLLOW;
  return {
    follow: false,
    reason: 'stale',
    detail: `${side} level ${anchor.price} unchanged since theo ${anchor.theo.toFixed(4)}, theo now ${theo.toFixed(4)}`,
  };
}

/**
 * The reference price (Micros) a side's ceiling earns its edge against: the theo, or the
 * others' opposite best when that sits on the wrong side of the theo (a bid's reference never
 * above their best ask, an ask's never below their best bid). Never more aggressive than the
 * theo alone.
 */
export function bookReference(side: Side, theo: number, opposite: BookLevel | null): number {
  if (opposite === null) return theo;
  return side === 'bid' ? Math.min(theo, opposite.price) : Math.max(theo, opposite.price);
}
