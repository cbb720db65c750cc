/** The write-efficiency bench's tally: write kinds, and an amend that undoes the previous one within 2 s. */
import { describe, expect, it } from 'vitest';
import { REVERSAL_MS, tallyOrderEvent, type WriteTally } from '../../bench/write-tally.ts';

const tally = (): WriteTally => ({
  writes: 0,
  naiveWrites: 0,
  changedSides: 0,
  requotes: 0,
  kinds: {},
  reversals: 0,
});
const ev = (orderId: string, reason: string, price: number, updatedMs: number) => ({
  orderId,
  userId: 'maker',
  price,
  updatedMs,
  lastUpdateReason: reason,
});

describe('tallyOrderEvent', () => {
  it('counts kinds, and an amend back to the price before the previous amend within 2 s as a reversal', () => {
    const t = tally();
    const trails = new Map();
    tallyOrderEvent(trails, t, ev('o1', 'Created', 70, 0));
    tallyOrderEvent(trails, t, ev('o1', 'Amend', 69, 1_000)); // a move
    tallyOrderEvent(trails, t, ev('o1', 'Amend', 70, 1_020)); // back 20 ms later: bought nothing
    tallyOrderEvent(trails, t, ev('o1', 'Amend', 69, 1_050)); // and again
    tallyOrderEvent(trails, t, ev('o1', 'Amend', 70, 1_050 + REVERSAL_MS)); // back, but 2 s on: a decision
    tallyOrderEvent(trails, t, ev('o1', 'Trade', 70, 5_000));
    tallyOrderEvent(trails, t, ev('o1', 'Amend', 70, 5_100)); // a size change: no price move
    tallyOrderEvent(trails, t, ev('o2', 'Amend', 50, 5_200)); // an order never seen created
    expect(t.reversals).toBe(2);
    expect(t.kinds).toEqual({ Created: 1, Amend: 6, Trade: 1 });
  });
});
