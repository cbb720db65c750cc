/**
 * Others' best level: the book less our own resting size at each price. One rule for winner and strike
 * quotes — an order we sent that the exchange has not acknowledged (pending) or whose outcome is
 * unknown (uncertain) is not in the book yet, so subtracting it would hide a competitor's level.
 */
import { describe, expect, it } from 'vitest';
import type { Micros } from '../../../shared/units.ts';
import { othersBest } from '../../../worker/engine/own-book.ts';
import type { LiveOrder, OrderState } from '../../../worker/engine/ports.ts';

const cents = (c: number) => (c * 10_000) as Micros;
const order = (state: OrderState, price: number, remaining: number): LiveOrder => ({
  orderId: 'o',
  clientOrderId: 'c',
  ticker: 'T',
  side: 'bid',
  price: cents(price),
  remaining,
  filled: 0,
  state,
  sinceMs: 0,
});
const bids = [
  { price: cents(47), size: 500 },
  { price: cents(45), size: 1_000 },
];

describe('othersBest', () => {
  it('takes our resting size out: a level that is all ours is skipped', () => {
    expect(othersBest(bids, [order('resting', 47, 500)], 'T', 'bid')).toEqual({
      price: cents(45),
      size: 1_000,
    });
    expect(othersBest(bids, [order('resting', 47, 200)], 'T', 'bid')).toEqual({
      price: cents(47),
      size: 300,
    });
  });

  it('leaves a pending or uncertain order of ours in: it is not in the book yet', () => {
    for (const state of ['pending', 'uncertain'] as const)
      expect(othersBest(bids, [order(state, 47, 500)], 'T', 'bid')).toEqual({ price: cents(47), size: 500 });
  });

  it('ignores our orders on other markets and the other side', () => {
    const other = { ...order('resting', 47, 500), ticker: 'U' };
    const ask = { ...order('resting', 47, 500), side: 'ask' as const };
    expect(othersBest(bids, [other, ask], 'T', 'bid')).toEqual({ price: cents(47), size: 500 });
  });
});
