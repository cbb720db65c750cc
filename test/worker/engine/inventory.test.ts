import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exposures, signedInventory } from '../../../worker/engine/exposure.ts';
import { Inventory } from '../../../worker/engine/inventory.ts';
import type { BookSide } from '../../../worker/engine/ports.ts';

const fill = (tradeId: string, ticker: string, side: BookSide, price: number, count: number) => ({
  tradeId,
  ticker,
  side,
  price,
  count,
});

describe('Inventory', () => {
  it('ignores a fill whose trade id it has already applied (WS + REST backfill)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            id: fc.integer({ min: 0, max: 15 }).map(String),
            side: fc.constantFrom<BookSide>('bid', 'ask'),
            count: fc.integer({ min: 1, max: 1_000 }),
          }),
        ),
        (fills) => {
          const inv = new Inventory();
          const expected = new Map<string, number>();
          for (const f of fills) {
            const applied = inv.applyFill(fill(f.id, 'G-A', f.side, 500_000, f.count), 0);
            expect(applied).toBe(!expected.has(f.id));
            if (applied) expected.set(f.id, f.side === 'bid' ? f.count : -f.count);
          }
          expect(inv.position('G-A')).toBe([...expected.values()].reduce((a, b) => a + b, 0));
        },
      ),
    );
  });

  it('keeps one signed inventory per game: long YES A and long NO B are both long A', () => {
    const inv = new Inventory();
    inv.applyFill(fill('t1', 'G-A', 'bid', 400_000, 300), 0); // buy YES A
    inv.applyFill(fill('t2', 'G-B', 'ask', 600_000, 200), 0); // sell YES B = buy NO B
    const tickers = ['G-A', 'G-B'];
    expect(signedInventory(tickers, inv.positions(tickers))).toBe(500);
    expect(exposures(tickers, inv.positions(tickers)).get('G-B')).toBe(-500);
  });

  it('tracks the average entry and realises PnL on the reducing part', () => {
    const inv = new Inventory();
    inv.applyFill(fill('1', 'M', 'bid', 400_000, 100), 0);
    inv.applyFill(fill('2', 'M', 'bid', 500_000, 100), 0);
    expect(inv.entry('M')).toBe(450_000);
    inv.applyFill(fill('3', 'M', 'ask', 600_000, 300), 0); // sells 2 long, flips 1 short
    expect(inv.realised('M')).toBe(2 * 150_000);
    expect(inv.position('M')).toBe(-100);
    expect(inv.entry('M')).toBe(600_000);
    inv.applyFill(fill('4', 'M', 'bid', 550_000, 100), 0); // buys the short back 5¢ lower
    expect(inv.realised('M')).toBe(300_000 + 50_000);
    expect(inv.position('M')).toBe(0);
    expect(inv.entry('M')).toBeNull();
  });

  it('takes the exchange position on reconciliation and remembers the last fill time', () => {
    const inv = new Inventory();
    inv.applyFill(fill('1', 'M', 'bid', 400_000, 100), 1_234);
    expect(inv.lastFillMs('M')).toBe(1_234);
    inv.setPosition('M', 300);
    expect(inv.position('M')).toBe(300);
    expect(inv.entry('M')).toBe(400_000);
    inv.setPosition('M', -100);
    expect(inv.entry('M')).toBeNull();
  });

  it('forgets the oldest trade ids beyond its memory bound', () => {
    const inv = new Inventory(2);
    inv.applyFill(fill('a', 'M', 'bid', 1, 1), 0);
    inv.applyFill(fill('b', 'M', 'bid', 1, 1), 0);
    inv.applyFill(fill('c', 'M', 'bid', 1, 1), 0);
    expect(inv.hasSeen('a')).toBe(false);
    expect(inv.hasSeen('c')).toBe(true);
  });
});
