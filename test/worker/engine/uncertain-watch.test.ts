import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UncertainWatch } from '../../../worker/engine/uncertain-watch.ts';

/** The times (ms) at which the watch asks for a listing, checked every `stepMs` over `spanMs` of uncertainty. */
function asks(w: UncertainWatch, spanMs: number, stepMs = 1_000, from = 0): number[] {
  const out: number[] = [];
  for (let t = from; t <= from + spanMs; t += stepMs) if (w.due(true, t)) out.push(t);
  return out;
}

describe('UncertainWatch: a listing soon after a write of unknown outcome, then on a doubling floor', () => {
  it('waits the settle time, asks, then backs off 2 s, 4 s, 8 s, 10 s, 10 s', () => {
    const w = new UncertainWatch();
    expect(asks(w, 40_000)).toEqual([1_000, 3_000, 7_000, 15_000, 25_000, 35_000]);
  });

  it('nothing uncertain: never asks, and the backoff starts over', () => {
    const w = new UncertainWatch();
    expect(asks(w, 5_000)).toEqual([1_000, 3_000]);
    expect(w.due(false, 6_000)).toBe(false);
    expect(asks(w, 4_000, 1_000, 10_000)).toEqual([11_000, 13_000]);
  });

  it('never asks more often than the floor, whatever the recheck cadence', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000 }),
        fc.integer({ min: 1_000, max: 120_000 }),
        (step, span) => {
          const t = asks(new UncertainWatch(), span, step);
          for (let i = 1; i < t.length; i++) expect(t[i]! - t[i - 1]!).toBeGreaterThanOrEqual(2_000);
          if (t.length > 0) expect(t[0]).toBeGreaterThanOrEqual(1_000);
        },
      ),
    );
  });
});
