import { describe, expect, it } from 'vitest';
import { isExpectedIdle, QuotingReason } from '../../../shared/liveness/quoting-state.ts';

describe('quoting reasons', () => {
  it('a game that cannot get a theo, is outside its window or at its limit is idle by design', () => {
    for (const r of ['no-theo', 'no-odds-source', 'outside-window', 'at-limit'] as const) {
      expect(isExpectedIdle(r)).toBe(true);
    }
  });

  it('a tripped group, refused writes, a paused market or a feed down is an incident once it lasts', () => {
    for (const r of [
      'group-tripped',
      'writes-refused',
      'market-paused',
      'feed-down',
      'book-not-live',
    ] as const) {
      expect(isExpectedIdle(r)).toBe(false);
    }
  });

  it('rejects a reason outside the closed set', () => {
    expect(QuotingReason.safeParse('sleepy').success).toBe(false);
    expect(QuotingReason.parse('quoting')).toBe('quoting');
  });
});
