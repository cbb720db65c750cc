/** A trader's tick grid is the exchange's grid of the moment: a mid-life change is seen at once. */
import { describe, expect, it } from 'vitest';
import type { TraderContext } from '../../../sim/traders/trader.ts';
import { gridOf } from '../../../sim/traders/trader.ts';
import { game, harness, MIN, START } from './helpers.ts';

describe('gridOf', () => {
  it('follows the market through a tick change, and is the same grid while the ranges are the same', () => {
    const tapered = [
      { start: '0.00', end: '0.10', step: '0.001' },
      { start: '0.10', end: '0.90', step: '0.01' },
      { start: '0.90', end: '1.00', step: '0.001' },
    ];
    const h = harness({ games: [game({ tickChanges: [{ atMinute: 3, tick: tapered }] })] });
    const sim = h.world.games[0]!;
    const market = sim.markets[0]!;
    const ctx = { exchange: h.engine } as unknown as TraderContext;
    const before = gridOf(ctx, sim, market);
    expect(gridOf(ctx, sim, market)).toBe(before);
    expect(before.floor(51_000)).toBe(50_000); // one cent everywhere
    h.runner.step(START + 3 * MIN);
    const after = gridOf(ctx, sim, market);
    expect(after).not.toBe(before);
    expect(after.floor(51_500)).toBe(51_000); // a tenth of a cent below 0.10
    expect(after.floor(501_500)).toBe(500_000); // a cent in the middle
    expect(gridOf(ctx, sim, market)).toBe(after);
  });
});
