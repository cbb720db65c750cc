import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyEntryFill,
  applyGameFill,
  averageEntry,
  directionalInventory,
  type EntryState,
  exposureVector,
  FLAT_ENTRY,
  type GameEntryBook,
  marketAverageEntry,
  newGameEntryBook,
  twoWayInventory,
} from '../../../shared/risk/inventory.ts';

describe('game inventory', () => {
  it('two-way: long YES A and long NO B are both long A', () => {
    // +10 YES A, −5 (NO) B: e_A = 10 + 5 = 15 contracts paid if A wins, e_B = 0 → long A 15
    expect(exposureVector([1_000, -500], true)).toEqual([1_500, 0]);
    expect(twoWayInventory(1_000, -500)).toBe(1_500);
    expect(directionalInventory([1_500, 0], 0)).toBe(1_500);
    expect(directionalInventory([1_500, 0], 1)).toBe(-1_500);
    // YES on both sides hedges: 10 A + 10 B pays 10 whatever happens → flat
    expect(exposureVector([1_000, 1_000], true)).toEqual([0, 0]);
  });

  it('three-way (home/away/tie): exposure = payoff per outcome, min 0', () => {
    // +10 YES home, −4 (NO) tie: home pays 10 + 4, away pays 4, tie pays 0
    expect(exposureVector([1_000, 0, -400], true)).toEqual([1_400, 400, 0]);
    // directional of home vs theo-weighted others (away 0.3, tie 0.2): 1400 − (0.3·400 + 0.2·0)/0.5 = 1160
    expect(directionalInventory([1_400, 400, 0], 0, [0.5, 0.3, 0.2])).toBeCloseTo(1_160, 9);
    // unknown weights → equal: 1400 − 200 = 1200
    expect(directionalInventory([1_400, 400, 0], 0)).toBe(1_200);
  });

  it('a lone market gets an implicit "none of these" outcome', () => {
    expect(exposureVector([700], false)).toEqual([700, 0]);
    expect(exposureVector([-700], false)).toEqual([0, 700]);
  });

  it('property: two-way exposure difference is pos_A − pos_B, directional mirrors', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -1e6, max: 1e6 }), (a, b) => {
        const e = exposureVector([a, b], true);
        expect((e[0] as number) - (e[1] as number)).toBe(twoWayInventory(a, b));
        expect(Math.min(...e)).toBe(0);
        expect(directionalInventory(e, 0, [0.6, 0.4])).toBe(a - b);
        expect(directionalInventory(e, 1, [0.6, 0.4])).toBe(b - a);
      }),
    );
  });
});

describe('average entry', () => {
  it('adds at a weighted average, keeps it while reducing, restarts on a flip', () => {
    let s: EntryState = FLAT_ENTRY;
    s = applyEntryFill(s, 1_000, 400_000); // +10 @ 40¢
    s = applyEntryFill(s, 1_000, 500_000); // +10 @ 50¢ → avg 45¢
    expect(averageEntry(s)).toBe(450_000);
    s = applyEntryFill(s, -500, 600_000); // sell 5: avg stays 45¢
    expect(s.position).toBe(1_500);
    expect(averageEntry(s)).toBeCloseTo(450_000, 6);
    s = applyEntryFill(s, -2_000, 550_000); // sell 20: flips to short 5 @ 55¢
    expect(s.position).toBe(-500);
    expect(averageEntry(s)).toBe(550_000);
    expect(averageEntry(applyEntryFill(s, 500, 1))).toBeNull();
  });

  it('two-way game: a fill on B is the opposite fill on A at 1 − p', () => {
    let book: GameEntryBook = newGameEntryBook(['A', 'B']);
    const r1 = applyGameFill(book, { ticker: 'A', side: 'bid', price: 400_000, size: 1_000 });
    if (!r1.ok) throw new Error(r1.error);
    // sell YES B at 50¢ ≡ buy YES A at 50¢ → long A 20 @ 45¢
    const r2 = applyGameFill(r1.book, { ticker: 'B', side: 'ask', price: 500_000, size: 1_000 });
    if (!r2.ok) throw new Error(r2.error);
    book = r2.book;
    expect(marketAverageEntry(book, 'A')).toBe(450_000);
    expect(marketAverageEntry(book, 'B')).toBe(550_000);
    const bad = applyGameFill(book, { ticker: 'C', side: 'bid', price: 1, size: 1 });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/fill\.ticker/);
  });

  it('property: while only adding, the average lies between the fill prices', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            size: fc.integer({ min: 1, max: 10_000 }),
            price: fc.integer({ min: 1, max: 999_999 }),
          }),
          {
            minLength: 1,
          },
        ),
        fc.boolean(),
        (fills, short) => {
          let s = FLAT_ENTRY;
          for (const f of fills) s = applyEntryFill(s, short ? -f.size : f.size, f.price);
          const avg = averageEntry(s) as number;
          const prices = fills.map((f) => f.price);
          expect(avg).toBeGreaterThanOrEqual(Math.min(...prices) - 1e-6);
          expect(avg).toBeLessThanOrEqual(Math.max(...prices) + 1e-6);
        },
      ),
    );
  });
});
