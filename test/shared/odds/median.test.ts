/**
 * The aggregation's median (quickselect in a reused buffer, no array per
 * call) is the median of the numerically sorted values, to the bit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { medianAt } from '../../../shared/odds/median.ts';

const sortedMedian = (xs: readonly number[]): number => {
  const s = Float64Array.from(xs).sort();
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const rows = (xs: readonly number[], i: number) =>
  xs.map((p) => ({ probabilities: i === 0 ? [p, 1 - p] : [1 - p, p] }));

describe('medianAt', () => {
  it('by hand: odd, even, ties', () => {
    expect(medianAt(rows([0.3, 0.1, 0.2], 0), 0)).toBe(0.2);
    expect(medianAt(rows([0.4, 0.1, 0.3, 0.2], 0), 0)).toBe((0.2 + 0.3) / 2);
    expect(medianAt(rows([0.5, 0.5, 0.1, 0.5], 1), 1)).toBe(0.5);
    expect(medianAt(rows([0.7], 0), 0)).toBe(0.7);
  });

  it('property: equals the sorted median of outcome i, for any size (the buffer grows) and many ties', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.constantFrom(0.25, 0.5, 0.75)),
          { minLength: 1, maxLength: 150 },
        ),
        fc.constantFrom(0, 1),
        (xs, i) => {
          const books = rows(xs, i);
          expect(medianAt(books, i)).toBe(sortedMedian(books.map((b) => b.probabilities[i]!)));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
