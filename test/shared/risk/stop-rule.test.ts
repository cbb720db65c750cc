import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gameStartTime, stopState, stopTime } from '../../../shared/risk/stop-rule.ts';

const T = Date.UTC(2026, 10, 25, 0, 0, 0);

describe('stop rule', () => {
  it('start = earlier of Kalshi and odds feed; stop = start − margin', () => {
    expect(gameStartTime({ kalshiStart: T, oddsCommence: T - 60_000 })).toBe(T - 60_000);
    expect(gameStartTime({ kalshiStart: T, oddsCommence: null })).toBe(T);
    expect(gameStartTime({ kalshiStart: null, oddsCommence: null })).toBeNull();
    expect(stopTime({ kalshiStart: T, oddsCommence: T + 5_000 }, 120_000)).toBe(T - 120_000);
    expect(() => stopTime({ kalshiStart: T, oddsCommence: null }, -1)).toThrow(/margin/);
  });

  it('no quoting without a start time, nor at or after the stop', () => {
    expect(stopState(T, null)).toEqual({ quoting: false, reason: 'no-start-time' });
    expect(stopState(T, T)).toEqual({ quoting: false, reason: 'stop-time' });
    expect(stopState(T - 1, T)).toEqual({ quoting: true, msToStop: 1 });
  });

  it('property: quoting iff now < min(starts) − margin', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 0, max: 1e13 })),
        fc.option(fc.integer({ min: 0, max: 1e13 })),
        fc.integer({ min: 0, max: 3_600_000 }),
        fc.integer({ min: 0, max: 1e13 }),
        (k, o, margin, now) => {
          const state = stopState(now, stopTime({ kalshiStart: k, oddsCommence: o }, margin));
          const starts = [k, o].filter((x): x is number => x !== null);
          const expected = starts.length > 0 && now < Math.min(...starts) - margin;
          expect(state.quoting).toBe(expected);
        },
      ),
    );
  });
});
