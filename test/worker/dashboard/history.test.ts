import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChartHistory, chartPointOf } from '../../../worker/dashboard/history.ts';
import { FakeDesk } from './fixtures.ts';

describe('chart history', () => {
  it('samples each game at most once per interval and never keeps more than its capacity', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.array(fc.integer({ min: 0, max: 3_000 }), { maxLength: 200 }),
        (capacity, minIntervalMs, steps) => {
          const desk = new FakeDesk();
          const h = new ChartHistory({ capacity, minIntervalMs });
          for (const dt of steps) {
            desk.state.now += dt;
            h.record(desk.snapshot());
          }
          for (const points of Object.values(h.all())) {
            expect(points.length).toBeLessThanOrEqual(capacity);
            for (let i = 1; i < points.length; i++) {
              expect(points[i]!.t - points[i - 1]!.t).toBeGreaterThanOrEqual(minIntervalMs);
            }
          }
        },
      ),
    );
  });

  it('a point carries theo in Micros, our quotes and the best levels of the first market', () => {
    const desk = new FakeDesk();
    const g = desk.state.games[0]!;
    const p = chartPointOf(g, 123);
    expect(p).toEqual({
      t: 123,
      theo: 560_000,
      ourBid: 540_000,
      ourAsk: 580_000,
      bestBid: 530_000,
      bestAsk: 590_000,
      inventory: 0,
      pnlRealized: 0,
      pnlMarked: 0,
    });
    g.markets[0]!.ours.bid = null;
    g.markets[0]!.theo = null;
    expect(chartPointOf(g, 0)).toMatchObject({ ourBid: null, theo: null });
  });
});
