/**
 * The book as others show it: our own resting size taken out at each price, so a quote never
 * competes with itself. Pending and uncertain orders of ours are not in the exchange's book yet and
 * are left in (subtracting them would hide a competitor's level). One rule for winner and strike quotes.
 */
import type { BookLevel, BookSide, LiveOrder } from './ports.ts';

/** Others' best level on one side of one market's book, or null. `own` may hold other markets' orders. */
export function othersBest(
  levels: readonly BookLevel[],
  own: readonly LiveOrder[],
  ticker: string,
  side: BookSide,
): BookLevel | null {
  for (const l of levels) {
    let mine = 0;
    for (const o of own)
      if (o.state === 'resting' && o.ticker === ticker && o.side === side && shownAt(levels, o) === l.price)
        mine += o.remaining;
    const size = l.size - mine;
    if (size > 0) return { price: l.price, size };
  }
  return null;
}

/**
 * The price the book shows our resting order at: its own, unless an acknowledged amend moved it from
 * `bookPrice` and the book has not caught up — nothing of our size at the new price, room for all of it
 * at the old. Read as a competitor, our stale level had the quoter join it and then step back: two
 * amends that bought nothing (docs/BENCHMARKS.md "REST writes against the naive count").
 */
function shownAt(levels: readonly BookLevel[], o: LiveOrder): number {
  if (o.bookPrice === undefined) return o.price;
  let atNew = 0;
  let atOld = 0;
  for (const l of levels) {
    if (l.price === o.price) atNew = l.size;
    else if (l.price === o.bookPrice) atOld = l.size;
  }
  return atNew < o.remaining && atOld >= o.remaining ? o.bookPrice : o.price;
}

/**
 * Whether the book shows all of this order at its own price: an acknowledged amend's lag, if there was one, is
 * over, and the old level is an ordinary one again (the order manager then forgets `bookPrice`). Kept, a later
 * fill the book shows before its message arrives (less than our size at the new price) moved our size back
 * to the old level, hiding the competitor there. A competitor at the new price can end the lag early: the
 * stale level then reads as before `bookPrice` existed, never a level of others' hidden.
 */
export function shownAtPrice(
  levels: readonly BookLevel[],
  o: Pick<LiveOrder, 'price' | 'remaining'>,
): boolean {
  for (const l of levels) if (l.price === o.price) return l.size >= o.remaining;
  return false;
}
