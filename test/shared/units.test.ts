import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  centisToCount,
  countToCentis,
  dollarsToMicros,
  microsToDollars,
  notionalMicros,
  zCount,
  zDollars,
} from '../../shared/units.ts';

describe('units: exact fixed-point conversion at the edge', () => {
  it('parses dollar strings exactly', () => {
    expect(dollarsToMicros('0.5600')).toBe(560_000);
    expect(dollarsToMicros('0.000001')).toBe(1);
    expect(dollarsToMicros('1')).toBe(1_000_000);
    expect(dollarsToMicros('-0.25')).toBe(-250_000);
    expect(dollarsToMicros('0.12340000')).toBe(123_400);
  });

  it('accepts JSON numbers where Kalshi sends them and avoids float noise', () => {
    expect(dollarsToMicros(0.56)).toBe(560_000);
    expect(dollarsToMicros(0.1 + 0.2)).toBe(300_000);
    expect(countToCentis(12)).toBe(1200);
    expect(countToCentis(0.07)).toBe(7);
  });

  it('rejects garbage and excess precision instead of rounding silently', () => {
    expect(dollarsToMicros('abc')).toBeNull();
    expect(dollarsToMicros('')).toBeNull();
    expect(dollarsToMicros('0.0000001')).toBeNull();
    expect(countToCentis('1.001')).toBeNull();
    expect(dollarsToMicros(Number.NaN)).toBeNull();
    expect(dollarsToMicros(Number.POSITIVE_INFINITY)).toBeNull();
  });

  it('formats requests with 4-decimal prices and 2-decimal counts', () => {
    expect(microsToDollars(560_000)).toBe('0.5600');
    expect(microsToDollars(5_000)).toBe('0.0050');
    expect(centisToCount(1000)).toBe('10.00');
    expect(centisToCount(7)).toBe('0.07');
    expect(() => microsToDollars(560_001)).toThrow(RangeError);
  });

  it('round-trips every 4-decimal price and every count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (p) => {
        const micros = p * 100;
        expect(dollarsToMicros(microsToDollars(micros))).toBe(micros);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), (c) => {
        expect(countToCentis(centisToCount(c))).toBe(c);
      }),
    );
  });

  it('computes notional exactly for whole contracts', () => {
    expect(notionalMicros(560_000, 1000)).toBe(5_600_000);
    expect(notionalMicros(333_300, 50)).toBe(166_650);
  });

  it('zod schemas name the bad value', () => {
    expect(zDollars.parse('0.4400')).toBe(440_000);
    expect(zCount.parse('3.00')).toBe(300);
    const r = zDollars.safeParse('x1');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain('not a fixed-point dollar amount');
  });
});
