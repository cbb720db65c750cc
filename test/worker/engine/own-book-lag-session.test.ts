/**
 * An amended order's old level stays ours only while the book lags the amend. Once a requote has read the
 * book showing the order at its new price, the old level is an ordinary level again, whatever the book
 * shows later: a partial fill the book shows before its fill message arrives (the ledger still counts the
 * full size) must not move our size back to the old level, where it hid the competitor who joined there
 * and showed our own order as the best of others'.
 */
import { describe, expect, it } from 'vitest';
import { othersBest } from '../../../worker/engine/own-book.ts';
import type { MarketBook, QuoteContext } from '../../../worker/engine/ports.ts';
import { A, c, sessionRig, settle, started } from './session-rig.ts';

describe('our amended order once the book has shown it at its new price', () => {
  it('a later partial fill the book shows before its message does not hide the competitor at the old price', async () => {
    const seen: QuoteContext[] = [];
    let bidAt = 58;
    const lagging = new Map<string, MarketBook>();
    const r = await started(
      sessionRig({
        ports: ({ ex }) => ({
          quoter: (ctx) => {
            seen.push(ctx);
            return {
              quotes: [{ ticker: A, side: 'bid', price: c(bidAt), size: 1_000 }],
              modes: {},
              reasons: [],
            };
          },
          books: { book: (t) => lagging.get(t) ?? ex.book(t) },
        }),
      }),
    );
    const ours = () => [...r.ex.orders.values()].filter((o) => o.ticker === A && o.side === 'bid');
    expect(ours().map((o) => o.price)).toEqual([c(58)]);

    // The quote moves down a cent: an amend, acknowledged; the book (the fake's) shows it at 57¢ at once.
    bidAt = 57;
    r.ex.emit({ type: 'book', ticker: A });
    await settle(r.clock);
    await r.session.idle();
    expect(ours().map((o) => o.price)).toEqual([c(57)]);
    r.ex.emit({ type: 'book', ticker: A });
    await settle(r.clock);
    await r.session.idle();
    const caughtUp = seen.at(-1)!;
    expect(caughtUp.books.get(A)!.bids.find((l) => l.price === c(57))?.size).toBe(1_000);

    // A competitor joins at 58¢ for 1,000; 300 of ours trade at 57¢, the fill message still on its way.
    lagging.set(A, {
      ...r.ex.book(A)!,
      bids: [
        { price: c(58), size: 1_000 },
        { price: c(57), size: 700 },
        { price: c(45), size: 1_000 },
      ],
    });
    r.ex.emit({ type: 'book', ticker: A });
    await settle(r.clock);
    await r.session.idle();
    const ctx = seen.at(-1)!;
    expect(ctx).not.toBe(caughtUp);
    expect(othersBest(ctx.books.get(A)!.bids, ctx.ownOrders, A, 'bid')).toEqual({
      price: c(58),
      size: 1_000,
    });
  });
});
