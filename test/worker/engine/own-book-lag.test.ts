/**
 * Our own old level is not a competitor. An amend's acknowledgement can come before the feed's book
 * shows the order at its new price (Kalshi's REST answer and the WS delta race): the ledger has the
 * order resting at 69¢ while the book still shows our 1,000 at 70¢. Read as someone else's, that stale
 * level made the quoter join it (an amend to 70¢) and, once the book caught up, step back (an amend
 * to 69¢): two writes that bought nothing, 10 % of the backtest's writes (docs/BENCHMARKS.md).
 */
import { describe, expect, it } from 'vitest';
import type { Micros } from '../../../shared/units.ts';
import { placed, strip, transition } from '../../../worker/engine/order-ledger.ts';
import { othersBest } from '../../../worker/engine/own-book.ts';
import type { LiveOrder } from '../../../worker/engine/ports.ts';

const cents = (c: number) => (c * 10_000) as Micros;
const lvl = (c: number, size: number) => ({ price: cents(c), size });
const resting = (price: number, remaining: number, bookPrice?: number): LiveOrder => ({
  orderId: 'o',
  clientOrderId: 'c',
  ticker: 'T',
  side: 'bid',
  price: cents(price),
  remaining,
  filled: 0,
  state: 'resting',
  sinceMs: 0,
  ...(bookPrice === undefined ? {} : { bookPrice: cents(bookPrice) }),
});

describe('othersBest while the book has not shown our acknowledged amend', () => {
  it('takes our size out at the price the book still shows it at', () => {
    const stale = [lvl(70, 1_000), lvl(62, 500)];
    expect(othersBest(stale, [resting(69, 1_000, 70)], 'T', 'bid')).toEqual(lvl(62, 500));
  });

  it('once the book shows us at the new price, the old price is an ordinary level again', () => {
    // Caught up: a competitor joins at 70 right after we left it; it is seen.
    const caughtUp = [lvl(70, 400), lvl(69, 1_000), lvl(62, 500)];
    expect(othersBest(caughtUp, [resting(69, 1_000, 70)], 'T', 'bid')).toEqual(lvl(70, 400));
    expect(othersBest([lvl(69, 1_000), lvl(62, 500)], [resting(69, 1_000, 70)], 'T', 'bid')).toEqual(
      lvl(62, 500),
    );
  });

  it('an order the book cannot be showing at the old price either (the level there is smaller) changes nothing', () => {
    const book = [lvl(70, 300), lvl(62, 500)];
    expect(othersBest(book, [resting(69, 1_000, 70)], 'T', 'bid')).toEqual(lvl(70, 300));
  });
});

describe('the ledger remembers where an acknowledged amend moved the order from', () => {
  const ack = { orderId: 'o1', clientOrderId: 'c1', remaining: 1_000, filled: 0 };
  it('an amend that moved the price carries the old one until the next write', () => {
    let o = placed(1, 'G', 'c1', { ticker: 'T', side: 'bid', price: cents(70), size: 1_000 }, 0);
    o = transition(o, { type: 'ack', write: 'create', price: cents(70), ack, nowMs: 0 }).order;
    expect(strip(o).bookPrice).toBeUndefined();
    o = transition(o, { type: 'sent', write: 'amend', total: 1_000, price: cents(69), nowMs: 1 }).order;
    o = transition(o, { type: 'ack', write: 'amend', price: cents(69), ack, nowMs: 2 }).order;
    expect(strip(o)).toMatchObject({ price: cents(69), state: 'resting', bookPrice: cents(70) });
    // A size-only amend: the book shows the order where it was.
    o = transition(o, { type: 'sent', write: 'amend', total: 900, nowMs: 3 }).order;
    o = transition(o, {
      type: 'ack',
      write: 'amend',
      price: cents(69),
      ack: { ...ack, remaining: 900 },
      nowMs: 4,
    }).order;
    expect(strip(o).bookPrice).toBeUndefined();
  });
});
