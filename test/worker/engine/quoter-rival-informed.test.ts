import { describe, expect, it } from 'vitest';
import { DEFAULT_QUOTING_PARAMS, type QuotingParams } from '../../../shared/pricing/params.ts';
import { gameQuoter } from '../../../worker/engine/adapters/quoter.ts';
import { type LiveOrder, type QuoteContext, slotId } from '../../../worker/engine/ports.ts';
import { A, at, B, book, c, T0 } from './two-way-game.ts';

type Q = ReturnType<ReturnType<typeof gameQuoter>>;
const price = (q: Q, ticker: string, side: 'bid' | 'ask') =>
  q.quotes.find((x) => x.ticker === ticker && x.side === side)?.price;

// A 1¢ minimum edge: the ceiling then leaves room to improve a rival 3¢ under the theo.
const BASE: QuotingParams = { ...DEFAULT_QUOTING_PARAMS, toxicityTaper: false, minEdge: 10_000 };
const ON: QuotingParams = { ...BASE, rivalInformed: true };

const ourBid = (cents: number): LiveOrder => ({
  orderId: 'o-bid',
  clientOrderId: null,
  ticker: A,
  side: 'bid',
  price: c(cents),
  remaining: 1_000,
  filled: 0,
  state: 'resting',
  sinceMs: T0,
});

/**
 * Boston at `theoCents`; a rival quotes Boston 3¢ / 1¢ under it (its middle 2¢ below our theo);
 * our bid rests at `mine` (behind the rival: it has outbid us).
 */
function ctx(now: number, theoCents: number, mine?: number): QuoteContext {
  const base = at(now, 0, 0, now, theoCents / 100);
  const bids = [{ price: c(theoCents - 3), size: 1_000 }];
  if (mine !== undefined) bids.push({ price: c(mine), size: 1_000 });
  return {
    ...base,
    books: new Map([
      [A, { ...book(A), bids, asks: [{ price: c(theoCents - 1), size: 1_000 }] }],
      [B, book(B)],
    ]),
    ownOrders: mine === undefined ? [] : [ourBid(mine)],
  };
}

/**
 * Twenty minutes in which the rival was right: every two minutes our theo falls 2¢, to where the
 * rival's middle was (a decision every 10 s). Then one decision at theo 50¢ with our bid (46¢) outbid.
 */
function afterRightRival(
  params: QuotingParams,
  theoAt: (k: number) => number = (k) => 70 - 2 * Math.floor(k / 12),
): Q {
  const q = gameQuoter({ params });
  for (let k = 0; k < 120; k++) q(ctx(T0 + k * 10_000, theoAt(k)));
  return q(ctx(T0 + 120 * 10_000, 50, 46));
}

describe('gameQuoter rival informedness (rivalInformed)', () => {
  it('off by default: the same quotes as with the switch off', () => {
    expect(afterRightRival(DEFAULT_QUOTING_PARAMS).quotes).toEqual(
      afterRightRival({ ...DEFAULT_QUOTING_PARAMS, rivalInformed: false }).quotes,
    );
  });

  it('a rival whose quotes the theo went on to follow: our bid stops improving it and leans down', () => {
    const off = afterRightRival(BASE);
    const on = afterRightRival(ON);
    // Off: the bid improves the rival's 47¢ by a tick, as the competition rule says.
    expect(off.modes[slotId(A, 'bid')]).toBe('competitive');
    expect(price(off, A, 'bid')).toBe(c(48));
    // On: not competing on the side the informed rival warns against, and the theo leaned towards its view.
    expect(on.modes[slotId(A, 'bid')]).not.toBe('competitive');
    expect(price(on, A, 'bid')).toBeLessThan(c(47));
    // The ask (the side its view favours) comes down with the lean.
    expect(price(on, A, 'ask')!).toBeLessThan(price(off, A, 'ask')!);
  });

  it('rivalTrust above 1: the lean alone — the bid still follows the rival, the ask leans down', () => {
    const off = afterRightRival(BASE);
    const lean = afterRightRival({ ...ON, rivalTrust: 2 });
    expect(lean.modes[slotId(A, 'bid')]).toBe('competitive');
    expect(price(lean, A, 'bid')!).toBeLessThanOrEqual(price(off, A, 'bid')!);
    expect(price(lean, A, 'ask')!).toBeLessThan(price(off, A, 'ask')!);
  });

  it('a rival the theo did not follow leaves the quotes as they were', () => {
    const flat = (_k: number) => 50;
    expect(afterRightRival(ON, flat).quotes).toEqual(afterRightRival(BASE, flat).quotes);
  });
});
