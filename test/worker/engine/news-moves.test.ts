import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sweepOf } from '../../../shared/pricing/news-guard.ts';
import { type NewsMove, RecentMoves } from '../../../worker/engine/news-moves.ts';

const WINDOW = 5_000;

describe('the news guard memory keeps only the window it is read with', () => {
  it('after fills on many games over an evening, moves older than the window are gone (keys too)', () => {
    const m = new RecentMoves();
    // 200 games, one fill each, a minute apart: a long evening's worth of keys.
    for (let i = 0; i < 200; i++) m.add(`GAME-${i}`, { t: i * 60_000, delta: 100 }, WINDOW);
    // Only the last fill is within the window of the last fill's time.
    expect(m.held()).toBe(1);
    expect(m.keys()).toBe(1);
  });

  it('a key whose fills stopped is dropped once another key fills past its window', () => {
    const m = new RecentMoves();
    m.add('A', { t: 0, delta: 100 }, WINDOW);
    m.add('A', { t: 1_000, delta: 100 }, WINDOW);
    m.add('B', { t: 2_000, delta: -100 }, WINDOW);
    expect(m.held()).toBe(3); // all within 5 s of t = 2 s
    m.add('B', { t: 10_000, delta: -100 }, WINDOW);
    expect(m.held()).toBe(1);
    expect(m.keys()).toBe(1);
  });

  it('what add returns is exactly the key’s moves within the window: the sweep read is unchanged', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            key: fc.constantFrom('A', 'B', 'C'),
            dt: fc.integer({ min: 0, max: 4_000 }),
            delta: fc.integer({ min: -500, max: 500 }),
          }),
          { maxLength: 60 },
        ),
        (fills) => {
          const m = new RecentMoves();
          const all: (NewsMove & { key: string })[] = [];
          let t = 0;
          for (const f of fills) {
            t += f.dt;
            const got = m.add(f.key, { t, delta: f.delta }, WINDOW);
            all.push({ key: f.key, t, delta: f.delta });
            const want = all
              .filter((x) => x.key === f.key && t - x.t < WINDOW)
              .map(({ t, delta }) => ({ t, delta }));
            expect(got).toEqual(want);
            const rule = { sweepSize: 800, windowMs: WINDOW };
            expect(sweepOf(got, t, rule)).toBe(sweepOf(want, t, rule));
            // Nothing older than the window is held, on any key.
            expect(m.held()).toBe(all.filter((x) => t - x.t < WINDOW).length);
          }
        },
      ),
    );
  });
});
