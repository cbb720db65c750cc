import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fullJitterDelay, retryAfterMs } from '../../../shared/kalshi/backoff.ts';

describe('full-jitter backoff', () => {
  it('stays within [0, min(cap, base·2^attempt))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, base, cap, r) => {
          const d = fullJitterDelay(attempt, { baseMs: base, capMs: cap }, () => r);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(Math.min(cap, base * 2 ** Math.min(attempt, 30)));
          expect(Number.isInteger(d)).toBe(true);
        },
      ),
    );
  });

  it('the ceiling doubles per attempt until the cap', () => {
    const top = (a: number) => fullJitterDelay(a, { baseMs: 100, capMs: 1000 }, () => 0.999999);
    expect([0, 1, 2, 3, 4, 10].map(top)).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-25T03:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs('0.5', now)).toBe(500);
    expect(retryAfterMs('Wed, 25 Nov 2026 03:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs(undefined, now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
  });
});
