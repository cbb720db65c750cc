import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyGameFill,
  entryBookAtPositions,
  marketAverageEntry,
  newGameEntryBook,
} from '../../../shared/risk/inventory.ts';
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

  it('realised PnL is net of every fill fee, on opening fills too, and a duplicate fill pays no second fee', () => {
    const inv = new Inventory();
    inv.applyFill({ ...fill('1', 'M', 'bid', 400_000, 100), fee: 7_000 }, 0); // opens: only the fee is realised
    expect(inv.realised('M')).toBe(-7_000);
    inv.applyFill({ ...fill('1', 'M', 'bid', 400_000, 100), fee: 7_000 }, 0);
    expect(inv.realised('M')).toBe(-7_000);
    inv.applyFill({ ...fill('2', 'M', 'ask', 450_000, 100), fee: 7_000 }, 0); // closes 5¢ higher
    expect(inv.realised('M')).toBe(50_000 - 14_000);
    expect(inv.entry('M')).toBeNull();
  });

  it('takes the exchange position on reconciliation and remembers the last fill time', () => {
    const inv = new Inventory();
    inv.applyFill(fill('1', 'M', 'bid', 400_000, 100), 1_234);
    expect(inv.lastFillMs('M')).toBe(1_234);
    inv.setPosition('M', 300);
    expect(inv.position('M')).toBe(300);
    // The 2 contracts the correction added have no known cost: the entry is unknown, not 40c (B5).
    expect(inv.entry('M')).toBeNull();
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

describe('entry of contracts whose cost is unknown (start-up load, drift correction)', () => {
  const c = (cents: number) => cents * 10_000;

  it('adding to a loaded position keeps the entry unknown; flat or a flip makes it known again', () => {
    const inv = new Inventory();
    inv.setPosition('A', 1_000); // loaded: 10 contracts of unknown cost
    inv.applyFill(fill('t1', 'A', 'bid', c(50), 1_000), 0);
    expect(inv.entry('A')).toBeNull(); // not 25c: the old 10 were not free
    inv.applyFill(fill('t2', 'A', 'ask', c(55), 500), 0);
    expect(inv.entry('A')).toBeNull();
    expect(inv.realised('A')).toBe(0); // closed against an unknown cost: nothing claimed
    inv.applyFill(fill('t3', 'A', 'ask', c(60), 2_000), 0); // 15 long → 5 short, all from this fill
    expect(inv.position('A')).toBe(-500);
    expect(inv.entry('A')).toBe(c(60));
  });

  it('a correction that reduces keeps the average; one that grows makes it unknown', () => {
    const inv = new Inventory();
    inv.applyFill(fill('t1', 'A', 'bid', c(40), 1_000), 0);
    inv.setPosition('A', 600);
    expect(inv.entry('A')).toBe(c(40));
    inv.setPosition('A', 900);
    expect(inv.entry('A')).toBeNull();
    inv.setPosition('A', 0);
    inv.applyFill(fill('t2', 'A', 'bid', c(45), 100), 0);
    expect(inv.entry('A')).toBe(c(45));
  });

  it('property: an entry, when known, never lies outside the prices actually paid', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('fill' as const),
        side: fc.constantFrom<BookSide>('bid', 'ask'),
        price: fc.integer({ min: 1, max: 99 }),
        count: fc.integer({ min: 1, max: 20 }),
      }),
      fc.record({ kind: fc.constant('set' as const), position: fc.integer({ min: -30, max: 30 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const inv = new Inventory();
        const paid: number[] = [];
        ops.forEach((o, i) => {
          if (o.kind === 'set') inv.setPosition('A', o.position * 100);
          else {
            inv.applyFill(fill(`t${i}`, 'A', o.side, c(o.price), o.count * 100), 0);
            paid.push(c(o.price));
          }
          const e = inv.entry('A');
          if (inv.position('A') === 0) expect(e).toBeNull();
          if (e !== null) {
            expect(e).toBeGreaterThanOrEqual(Math.min(...paid));
            expect(e).toBeLessThanOrEqual(Math.max(...paid));
          }
        });
      }),
    );
  });

  it('game entry book: a correction moves the tracker to the held position with an unknown cost (no break-even)', () => {
    let book = newGameEntryBook(['A', 'B']);
    const bought = applyGameFill(book, { ticker: 'A', side: 'bid', price: c(60), size: 3_000 });
    if (!bought.ok) throw new Error(bought.error);
    book = bought.book;
    // Reconciliation finds 40 long A (10 more than the fills said): the extra 10 have no known cost.
    book = entryBookAtPositions(book, (t) => (t === 'A' ? 4_000 : 0));
    expect(marketAverageEntry(book, 'A')).toBeNull();
    // A small reducing fill at 40c must not make 40c the break-even of the 39 left.
    const sold = applyGameFill(book, { ticker: 'A', side: 'ask', price: c(40), size: 100 });
    if (!sold.ok) throw new Error(sold.error);
    expect(marketAverageEntry(sold.book, 'A')).toBeNull();
    // Flat, then a fresh position: known again.
    const flat = entryBookAtPositions(sold.book, () => 0);
    const fresh = applyGameFill(flat, { ticker: 'B', side: 'bid', price: c(30), size: 500 });
    if (!fresh.ok) throw new Error(fresh.error);
    expect(marketAverageEntry(fresh.book, 'B')).toBe(c(30));
    // A correction that only reduces keeps the average.
    const kept = entryBookAtPositions(bought.book, (t) => (t === 'A' ? 2_000 : 0));
    expect(marketAverageEntry(kept, 'A')).toBe(c(60));
  });
});
