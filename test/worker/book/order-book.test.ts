import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderBook, onGrid, slotUnit } from '../../../worker/book/order-book.ts';

const CENT = [{ start: 0, end: 1_000_000, step: 10_000 }];
const TAPERED = [
  { start: 0, end: 100_000, step: 1_000 },
  { start: 100_000, end: 900_000, step: 10_000 },
  { start: 900_000, end: 1_000_000, step: 1_000 },
];

describe('tick grid', () => {
  it('slot unit is the gcd of the grid; prices strictly inside (0, 1) and on a step', () => {
    expect(slotUnit(CENT)).toBe(10_000);
    expect(slotUnit(TAPERED)).toBe(1_000);
    expect(slotUnit(null)).toBe(100);
    expect(onGrid(440_000, CENT)).toBe(true);
    expect(onGrid(445_000, CENT)).toBe(false);
    expect(onGrid(45_000, TAPERED)).toBe(true);
    expect(onGrid(455_000, TAPERED)).toBe(false);
    expect(onGrid(0, CENT)).toBe(false);
    expect(onGrid(1_000_000, CENT)).toBe(false);
  });
});

describe('OrderBook', () => {
  it('starts stale; a snapshot makes it live with best prices', () => {
    const b = new OrderBook('T', CENT);
    expect(b.state).toBe('stale');
    expect(
      b.applySnapshot(
        [
          [410_000, 25_000],
          [440_000, 32_000],
        ],
        [[460_000, 9_000]],
      ),
    ).toBeNull();
    expect(b.state).toBe('live');
    expect(b.bestBid()).toEqual({ price: 440_000, size: 32_000 });
    expect(b.bestAsk()).toEqual({ price: 460_000, size: 9_000 });
  });

  it('a cleared best level falls back to the next one', () => {
    const b = new OrderBook('T', CENT);
    b.applySnapshot(
      [
        [410_000, 100],
        [440_000, 100],
      ],
      [
        [460_000, 100],
        [480_000, 100],
      ],
    );
    expect(b.applyDelta('bid', 440_000, -100)).toBeNull();
    expect(b.bestBid()?.price).toBe(410_000);
    expect(b.applyDelta('ask', 460_000, -100)).toBeNull();
    expect(b.bestAsk()?.price).toBe(480_000);
    b.applyDelta('bid', 410_000, -100);
    expect(b.bestBid()).toBeNull();
  });

  it('negative level, off-grid price and crossing make the market invalid and leave the level unchanged', () => {
    const mk = () => {
      const b = new OrderBook('T', CENT);
      b.applySnapshot([[440_000, 100]], [[460_000, 100]]);
      return b;
    };
    let b = mk();
    expect(b.applyDelta('bid', 440_000, -101)).toBe('negative_level');
    expect(b.state).toBe('invalid');
    expect(b.sizeAt('bid', 440_000)).toBe(100);
    b = mk();
    expect(b.applyDelta('bid', 445_000, 10)).toBe('off_grid');
    expect(b.state).toBe('invalid');
    b = mk();
    expect(b.applyDelta('bid', 460_000, 10)).toBeNull(); // locked (bid = ask): valid
    expect(b.state).toBe('live');
    expect(b.applyDelta('bid', 470_000, 10)).toBe('crossed');
    expect(b.state).toBe('invalid');
    b = mk();
    expect(b.applyDelta('ask', 1_000_000, 10)).toBe('out_of_range');
    expect(b.applySnapshot([[440_000, 100]], [[460_000, 100]])).toBeNull();
    expect(b.state).toBe('live');
  });

  it('a crossed or off-grid snapshot is refused; a locked one is live', () => {
    expect(new OrderBook('T', CENT).applySnapshot([[470_000, 1]], [[460_000, 1]])).toBe('crossed');
    expect(new OrderBook('T', CENT).applySnapshot([[460_000, 1]], [[460_000, 1]])).toBeNull();
    expect(new OrderBook('T', CENT).applySnapshot([[470_500, 1]], [])).toBe('off_grid');
  });

  it('own orders are distinguishable: the book without us', () => {
    const b = new OrderBook('T', CENT);
    b.applySnapshot(
      [
        [430_000, 18_000],
        [440_000, 1_000],
      ],
      [[460_000, 500]],
    );
    b.setOwn('bid', 440_000, 1_000);
    expect(b.bestBid()?.price).toBe(440_000);
    expect(b.bestExcludingOwn('bid')).toEqual({ price: 430_000, size: 18_000 });
    expect(b.othersAt('bid', 440_000)).toBe(0);
    expect(b.levels('bid', { excludeOwn: true })).toEqual([{ price: 430_000, size: 18_000 }]);
    b.setOwn('bid', 440_000, 400);
    expect(b.bestExcludingOwn('bid')).toEqual({ price: 440_000, size: 600 });
    expect(b.bestExcludingOwn('ask')).toEqual({ price: 460_000, size: 500 });
  });

  it('best prices always equal a full scan (random deltas on a tapered grid)', () => {
    const prices = [5_000, 50_000, 99_000, 100_000, 300_000, 500_000, 700_000, 900_000, 950_000, 999_000];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.constantFrom(...prices), fc.integer({ min: -500, max: 500 })), {
          maxLength: 200,
        }),
        (ops) => {
          const b = new OrderBook('T', TAPERED);
          b.applySnapshot([], []);
          const model = { bid: new Map<number, number>(), ask: new Map<number, number>() };
          for (const [isBid, p, d] of ops) {
            const side = isBid ? 'bid' : 'ask';
            const cur = model[side].get(p) ?? 0;
            const err = b.applyDelta(side, p, d);
            if (cur + d < 0) {
              expect(err).toBe('negative_level');
              return;
            }
            model[side].set(p, cur + d);
            const bids = [...model.bid].filter(([, s]) => s > 0).map(([q]) => q);
            const asks = [...model.ask].filter(([, s]) => s > 0).map(([q]) => q);
            const bb = bids.length ? Math.max(...bids) : null;
            const ba = asks.length ? Math.min(...asks) : null;
            if (bb !== null && ba !== null && bb > ba) {
              expect(err).toBe('crossed');
              return;
            }
            expect(err).toBeNull();
            expect(b.bestBid()?.price ?? null).toBe(bb);
            expect(b.bestAsk()?.price ?? null).toBe(ba);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
