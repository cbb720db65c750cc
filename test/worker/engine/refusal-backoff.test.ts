import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyRefusal, RefusalBackoff, refusalReason } from '../../../worker/engine/refusal-backoff.ts';

describe('refusal backoff', () => {
  it('classifies the lasting refusals and leaves the transient ones alone', () => {
    expect(classifyRefusal('order_group_triggered')).toBe('group-tripped');
    expect(classifyRefusal('insufficient_balance')).toBe('insufficient-balance');
    expect(classifyRefusal('market_closed')).toBe('market-inactive');
    expect(classifyRefusal('trading_is_paused')).toBe('market-paused');
    expect(classifyRefusal('market_not_found')).toBe('unknown-market');
    expect(classifyRefusal('invalid_parameters', 'price 0.555 is not on the tick grid')).toBe(
      'invalid-price',
    );
    expect(classifyRefusal('invalid_parameters', 'count must be positive')).toBeNull();
    expect(classifyRefusal('post_only_cross')).toBeNull();
    expect(classifyRefusal('order_already_exists')).toBeNull();
    expect(classifyRefusal('429')).toBeNull();
    expect(classifyRefusal(undefined)).toBeNull();
    expect(refusalReason('unknown-market')).toBe('writes-refused');
    expect(refusalReason('group-tripped')).toBe('group-tripped');
  });

  it('waits base · 2^(n−1) after the n-th refusal in a row, capped, per game and reason', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), (n) => {
        const b = new RefusalBackoff({ baseMs: 1_000, maxMs: 60_000 });
        let until = 0;
        for (let i = 0; i < n; i++) until = b.refused('G', 'insufficient-balance', 0);
        expect(until).toBe(Math.min(60_000, 1_000 * 2 ** (n - 1)));
        expect(b.blocked('G', until - 1)?.refusal).toBe('insufficient-balance');
        expect(b.blocked('G', until)).toBeNull();
        expect(b.blocked('H', 0)).toBeNull(); // another game is not held
        expect(b.current('G')).toBe('insufficient-balance');
        b.cleared('G');
        expect(b.current('G')).toBeNull();
      }),
    );
  });

  it('a refused create loop cannot spend the budget: at most ~log2 + minutes tries', () => {
    const b = new RefusalBackoff({ baseMs: 1_000, maxMs: 60_000 });
    let tries = 0;
    for (let now = 0; now < 89_000; now += 10) {
      if (b.blocked('G', now)) continue;
      tries++;
      b.refused('G', 'group-tripped', now);
    }
    expect(tries).toBeLessThanOrEqual(8); // was 882 refused creates in 89 s
  });
});
