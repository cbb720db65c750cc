import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ceilToGrid,
  DECI_CENT_RANGES,
  floorToGrid,
  isOnGrid,
  LINEAR_CENT_GRID,
  makeTickGrid,
  maxTick,
  minTick,
  nextTick,
  prevTick,
  TAPERED_DECI_CENT_RANGES,
  tryMakeTickGrid,
} from '../../../shared/pricing/tick-grid.ts';

const TAPERED = makeTickGrid(TAPERED_DECI_CENT_RANGES);
const DECI = makeTickGrid(DECI_CENT_RANGES);
const GRIDS = [LINEAR_CENT_GRID, TAPERED, DECI];

describe('tick grid from price_ranges', () => {
  it('linear_cent (the default) has 1¢…99¢, never 0 or $1', () => {
    expect(makeTickGrid().ticks).toEqual(LINEAR_CENT_GRID.ticks);
    expect(LINEAR_CENT_GRID.ticks.length).toBe(99);
    expect(minTick(LINEAR_CENT_GRID)).toBe(10_000);
    expect(maxTick(LINEAR_CENT_GRID)).toBe(990_000);
    expect(isOnGrid(LINEAR_CENT_GRID, 0)).toBe(false);
    expect(isOnGrid(LINEAR_CENT_GRID, 1_000_000)).toBe(false);
    expect(isOnGrid(LINEAR_CENT_GRID, 560_000)).toBe(true);
    expect(isOnGrid(LINEAR_CENT_GRID, 561_000)).toBe(false);
  });

  it('tapered_deci_cent: 0.1¢ below 10¢ and above 90¢, 1¢ between', () => {
    // 0.1¢..9.9¢ (99) + 10¢..90¢ (81) + 90.1¢..99.9¢ (99)
    expect(TAPERED.ticks.length).toBe(99 + 81 + 99);
    expect(isOnGrid(TAPERED, 1_000)).toBe(true);
    expect(isOnGrid(TAPERED, 99_000)).toBe(true);
    expect(isOnGrid(TAPERED, 101_000)).toBe(false);
    expect(isOnGrid(TAPERED, 901_000)).toBe(true);
    expect(nextTick(TAPERED, 99_000)).toBe(100_000);
    expect(nextTick(TAPERED, 100_000)).toBe(110_000);
    expect(prevTick(TAPERED, 910_000)).toBe(909_000);
    expect(floorToGrid(TAPERED, 105_500)).toBe(100_000);
    expect(ceilToGrid(TAPERED, 105_500)).toBe(110_000);
    expect(ceilToGrid(TAPERED, 95_500)).toBe(96_000);
  });

  it('rounds down/up and steps on the 1¢ grid', () => {
    expect(floorToGrid(LINEAR_CENT_GRID, 567_890)).toBe(560_000);
    expect(ceilToGrid(LINEAR_CENT_GRID, 567_890)).toBe(570_000);
    expect(floorToGrid(LINEAR_CENT_GRID, 560_000)).toBe(560_000);
    expect(ceilToGrid(LINEAR_CENT_GRID, 560_000)).toBe(560_000);
    expect(nextTick(LINEAR_CENT_GRID, 560_000)).toBe(570_000);
    expect(prevTick(LINEAR_CENT_GRID, 560_000)).toBe(550_000);
    expect(floorToGrid(LINEAR_CENT_GRID, 9_999)).toBeNull();
    expect(ceilToGrid(LINEAR_CENT_GRID, 990_001)).toBeNull();
    expect(nextTick(LINEAR_CENT_GRID, 990_000)).toBeNull();
    expect(prevTick(LINEAR_CENT_GRID, 10_000)).toBeNull();
    expect(floorToGrid(LINEAR_CENT_GRID, Number.NaN)).toBeNull();
  });

  it('rejects bad ranges with an error naming the field', () => {
    const zeroStep = tryMakeTickGrid([{ start: 0, end: 1_000_000, step: 0 }]);
    expect(zeroStep.ok).toBe(false);
    if (!zeroStep.ok) expect(zeroStep.error).toMatch(/price_ranges\.0\.step/);
    const reversed = tryMakeTickGrid([{ start: 500_000, end: 100_000, step: 10_000 }]);
    expect(!reversed.ok && reversed.error).toMatch(/price_ranges\.0\.start/);
    const fine = tryMakeTickGrid([{ start: 0, end: 1_000_000, step: 50 }]);
    expect(!fine.ok && fine.error).toMatch(/step/);
    expect(tryMakeTickGrid([]).ok).toBe(false);
    expect(() => makeTickGrid([{ start: 0, end: 2_000_000, step: 10_000 }])).toThrow(/price_ranges\.0\.end/);
  });

  it('property: floor ≤ x ≤ ceil, both valid ticks in (0, 1), no tick strictly between', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...GRIDS),
        fc.double({ min: -10, max: 1_000_010, noNaN: true }),
        (grid, x) => {
          const lo = floorToGrid(grid, x);
          const hi = ceilToGrid(grid, x);
          if (lo !== null) {
            expect(lo).toBeLessThanOrEqual(x);
            expect(isOnGrid(grid, lo)).toBe(true);
            expect(lo).toBeGreaterThan(0);
            const after = nextTick(grid, lo);
            if (after !== null) expect(after).toBeGreaterThan(x);
          } else expect(x).toBeLessThan(minTick(grid));
          if (hi !== null) {
            expect(hi).toBeGreaterThanOrEqual(x);
            expect(isOnGrid(grid, hi)).toBe(true);
            expect(hi).toBeLessThan(1_000_000);
            const before = prevTick(grid, hi);
            if (before !== null) expect(before).toBeLessThan(x);
          } else expect(x).toBeGreaterThan(maxTick(grid));
        },
      ),
    );
  });

  it('property: next/prev are strict neighbours and inverse on the grid', () => {
    fc.assert(
      fc.property(fc.constantFrom(...GRIDS), fc.nat(), (grid, i) => {
        const p = grid.ticks[i % grid.ticks.length] as number;
        const n = nextTick(grid, p);
        if (n !== null) {
          expect(n).toBeGreaterThan(p);
          expect(prevTick(grid, n)).toBe(p);
        }
      }),
    );
  });
});

describe('one grid per price structure (memory: 10,000 markets share a few grids)', () => {
  it('equal ranges from different listings give the same grid object', () => {
    const a = tryMakeTickGrid(TAPERED_DECI_CENT_RANGES.map((r) => ({ ...r })));
    const b = tryMakeTickGrid(TAPERED_DECI_CENT_RANGES.map((r) => ({ ...r })));
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      expect(b.grid).toBe(a.grid);
      expect(a.grid.ticks).toEqual(TAPERED.ticks);
    }
    const other = tryMakeTickGrid([{ start: 0, end: 1_000_000, step: 5_000 }]);
    expect(other.ok && other.grid !== (a.ok ? a.grid : null)).toBe(true);
  });

  it('still refuses what the schema refuses after a valid grid of the same numbers was built', () => {
    expect(tryMakeTickGrid([{ start: 0, end: 1_000_000, step: 10_000 }]).ok).toBe(true);
    const asStrings = [{ start: '0', end: 1_000_000, step: 10_000 }] as unknown as Parameters<
      typeof tryMakeTickGrid
    >[0];
    expect(tryMakeTickGrid(asStrings).ok).toBe(false);
    expect(tryMakeTickGrid([{ start: 0, end: 1_000_000, step: 150 }])).toEqual({
      ok: false,
      error: expect.stringContaining('step'),
    });
    expect(tryMakeTickGrid([{ start: 0, end: 1_000_000, step: 150 }]).ok).toBe(false);
  });
});
