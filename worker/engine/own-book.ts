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
      if (o.state === 'resting' && o.price === l.price && o.ticker === ticker && o.side === side)
        mine += o.remaining;
    const size = l.size - mine;
    if (size > 0) return { price: l.price, size };
  }
  return null;
}
