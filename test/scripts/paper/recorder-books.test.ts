import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameLevelsInOrder } from '../../../scripts/paper/recorder.ts';

// The order-blind comparison the recorder falls back to: the fast path may only ever agree with it.
const norm = (levels: readonly { price: number; size: number }[]) =>
  levels
    .filter((l) => l.size > 0)
    .map((l) => `${l.price}:${l.size}`)
    .sort()
    .join(',');

const level = fc.record({ price: fc.integer({ min: 1, max: 5 }), size: fc.integer({ min: -1, max: 3 }) });

describe('sameLevelsInOrder (the recorder book check fast path)', () => {
  it('says equal only when the order-blind comparison does', () => {
    fc.assert(
      fc.property(fc.array(level, { maxLength: 6 }), fc.array(level, { maxLength: 6 }), (mine, other) => {
        const rows = other.map((l): [number, number] => [l.price, l.size]);
        if (sameLevelsInOrder(mine, rows)) expect(norm(mine)).toBe(norm(other));
      }),
    );
  });

  it('says equal for the same levels, empty ones anywhere', () => {
    fc.assert(
      fc.property(fc.array(level, { maxLength: 6 }), (mine) => {
        const rows: [number, number][] = mine.flatMap((l) => [[9, 0] as [number, number], [l.price, l.size]]);
        expect(sameLevelsInOrder(mine, rows)).toBe(true);
      }),
    );
  });

  it('tells a changed size or a missing level', () => {
    expect(sameLevelsInOrder([{ price: 3, size: 2 }], [[3, 1]])).toBe(false);
    expect(sameLevelsInOrder([{ price: 3, size: 2 }], [])).toBe(false);
    expect(sameLevelsInOrder([], [[3, 1]])).toBe(false);
  });
});
