import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  mirrorMoves,
  type PositionMove,
  type SweepRule,
  stillStale,
  sweptSideOf,
} from '../../../shared/pricing/sweep-guard.ts';

const rule = (over: Partial<SweepRule> = {}): SweepRule => ({
  size: 1_000,
  windowMs: 30_000,
  release: 'theo-update',
  releaseMove: 0.02,
  ...over,
});
const move = (t: number, delta: number, theoMs: number, theo = 0.5): PositionMove => ({
  t,
  delta,
  theoMs,
  theo,
});

describe('sweep guard', () => {
  it('theo-update: fills since the current theo, within the window, ≥ size one way pull that side', () => {
    const moves = [move(0, 600, 5), move(1_000, 400, 5)];
    expect(sweptSideOf(moves, 2_000, 5, 0.5, rule())).toBe('bid');
    expect(sweptSideOf(moves, 2_000, 6, 0.5, rule())).toBeNull(); // any newer theo releases
    expect(sweptSideOf(moves, 30_000, 5, 0.5, rule())).toBeNull(); // the first move left the window
    expect(sweptSideOf([move(0, -1_000, 5)], 1, 5, 0.5, rule())).toBe('ask');
    expect(sweptSideOf([...moves, move(1_500, -500, 5)], 2_000, 5, 0.5, rule())).toBeNull();
  });

  it('theo-moved: a refreshed theo that has not moved the fills’ way keeps the side pulled', () => {
    const r = rule({ release: 'theo-moved' });
    const hit = [move(0, 1_000, 5, 0.6)]; // our bid was hit at theo 60 %: the truth is lower
    expect(sweptSideOf(hit, 1_000, 6, 0.6, r)).toBe('bid'); // new theo, same price: still stale
    expect(sweptSideOf(hit, 1_000, 6, 0.61, r)).toBe('bid'); // moved the wrong way
    expect(sweptSideOf(hit, 1_000, 6, 0.585, r)).toBe('bid'); // moved less than releaseMove
    expect(sweptSideOf(hit, 1_000, 6, 0.575, r)).toBeNull(); // moved 2.5¢ down: released
    expect(sweptSideOf(hit, 30_000, 6, 0.6, r)).toBeNull(); // the window still ends it
    const lifted = [move(0, -1_000, 5, 0.4)];
    expect(sweptSideOf(lifted, 1_000, 6, 0.41, r)).toBe('ask');
    expect(sweptSideOf(lifted, 1_000, 6, 0.425, r)).toBeNull();
    expect(stillStale(move(0, 1_000, 5, Number.NaN), 1_000, 6, 0.6, r)).toBe(false); // no theo then
  });

  it('a mirrored leg: a bid hit on the other team is an ask lifted here, at 1 − its theo', () => {
    expect(mirrorMoves([move(3, 700, 5, 0.3)])).toEqual([move(3, -700, 5, 0.7)]);
    // 5 contracts bought on A and 5 contracts of B sold (≡ 5 more A bought): swept one way on the game
    const a = [move(0, 500, 5, 0.6)];
    const b = [move(500, -500, 5, 0.4)];
    expect(sweptSideOf(a, 1_000, 5, 0.6, rule())).toBeNull(); // per leg: 5 < 10
    expect(sweptSideOf(a.concat(mirrorMoves(b)), 1_000, 5, 0.6, rule())).toBe('bid');
    expect(sweptSideOf(b.concat(mirrorMoves(a)), 1_000, 5, 0.4, rule())).toBe('ask');
  });

  it('the theo-moved release keeps a side pulled at least as long as theo-update (property)', () => {
    const arb = fc.record({
      moves: fc.array(
        fc.record({
          t: fc.integer({ min: 0, max: 60_000 }),
          delta: fc.integer({ min: -2_000, max: 2_000 }).filter((d) => d !== 0),
          theoMs: fc.integer({ min: 0, max: 3 }),
          theo: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        }),
        { maxLength: 8 },
      ),
      now: fc.integer({ min: 0, max: 90_000 }),
      theoMs: fc.integer({ min: 0, max: 3 }),
      theo: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
    });
    fc.assert(
      fc.property(arb, ({ moves, now, theoMs, theo }) => {
        for (const m of moves) {
          if (stillStale(m, now, theoMs, theo, rule()))
            expect(stillStale(m, now, theoMs, theo, rule({ release: 'theo-moved' }))).toBe(true);
        }
        // and mirroring twice is the identity
        expect(mirrorMoves(mirrorMoves(moves)).map((m) => m.delta)).toEqual(moves.map((m) => m.delta));
      }),
    );
  });
});
