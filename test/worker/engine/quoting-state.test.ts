import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isExpectedIdle, QuotingReason } from '../../../shared/liveness/quoting-state.ts';
import {
  afterQuoting,
  countByReason,
  isStalled,
  LivenessTracker,
  observeLiveness,
  type QuotingInputs,
  quotingReason,
} from '../../../worker/engine/quoting-state.ts';

const NOW = 1_000_000;
const quotable: QuotingInputs = {
  now: NOW,
  killed: false,
  closed: false,
  stopAtMs: NOW + 60_000,
  operatorFlag: null,
  marketPaused: false,
  leaseValid: true,
  feedUp: true,
  warming: false,
  theoUpdatedMs: NOW - 1_000,
  theoMaxAgeMs: 600_000,
  booksLive: true,
};

describe('quoting reason', () => {
  it('a quotable game quotes; each input that stops it names its own reason', () => {
    expect(quotingReason(quotable)).toBe('quoting');
    expect(quotingReason({ ...quotable, killed: true })).toBe('killed');
    expect(quotingReason({ ...quotable, closed: true })).toBe('market-inactive');
    expect(quotingReason({ ...quotable, stopAtMs: NOW })).toBe('outside-window');
    expect(quotingReason({ ...quotable, stopAtMs: null })).toBe('outside-window');
    expect(quotingReason({ ...quotable, operatorFlag: 'pause' })).toBe('paused-by-operator');
    expect(quotingReason({ ...quotable, operatorFlag: 'kill' })).toBe('killed');
    expect(quotingReason({ ...quotable, leaseValid: false })).toBe('lease-lost');
    expect(quotingReason({ ...quotable, feedUp: false })).toBe('feed-down');
    expect(quotingReason({ ...quotable, warming: true })).toBe('warming');
    expect(quotingReason({ ...quotable, marketPaused: true })).toBe('market-paused');
    expect(quotingReason({ ...quotable, theoUpdatedMs: null })).toBe('no-theo');
    expect(quotingReason({ ...quotable, theoUpdatedMs: null, noOddsSource: true })).toBe('no-odds-source');
    expect(quotingReason({ ...quotable, theoUpdatedMs: NOW - 600_001 })).toBe('theo-stale');
    expect(quotingReason({ ...quotable, booksLive: false })).toBe('book-not-live');
  });

  it('is always one reason of the closed set', () => {
    fc.assert(
      fc.property(
        fc.record({
          killed: fc.boolean(),
          closed: fc.boolean(),
          stop: fc.option(fc.integer({ min: -10_000, max: 10_000 })),
          flag: fc.constantFrom('kill' as const, 'pause' as const, null),
          marketPaused: fc.boolean(),
          leaseValid: fc.boolean(),
          feedUp: fc.boolean(),
          warming: fc.boolean(),
          theoAge: fc.option(fc.integer({ min: 0, max: 1_000_000 })),
          booksLive: fc.boolean(),
        }),
        (x) => {
          const r = quotingReason({
            ...quotable,
            ...x,
            operatorFlag: x.flag,
            stopAtMs: x.stop === null ? null : NOW + x.stop,
            theoUpdatedMs: x.theoAge === null ? null : NOW - x.theoAge,
          });
          expect(QuotingReason.safeParse(r).success).toBe(true);
          if (r === 'quoting') expect(x.feedUp && x.leaseValid && !x.killed && x.booksLive).toBe(true);
        },
      ),
    );
  });

  it('no side left to quote at the limit is at-limit (idle by design); a lasting refusal names the state', () => {
    expect(afterQuoting('quoting', 0, 2_000, 2_000)).toBe('at-limit');
    expect(afterQuoting('quoting', 2, 2_000, 2_000)).toBe('quoting');
    expect(afterQuoting('quoting', 0, 100, 2_000)).toBe('quoting');
    expect(afterQuoting('quoting', 4, 0, 2_000, 'group-tripped')).toBe('group-tripped');
    expect(afterQuoting('no-theo', 0, 0, 0, 'group-tripped')).toBe('no-theo');
  });
});

describe('liveness', () => {
  it('a game is idle only while nothing rests and its reason is not idle by design', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ reason: fc.constantFrom(...QuotingReason.options), resting: fc.boolean() }), {
          maxLength: 30,
        }),
        (steps) => {
          let l: ReturnType<typeof observeLiveness> | undefined;
          let idleStart: number | null = null;
          steps.forEach((s, i) => {
            const now = NOW + i * 1_000;
            l = observeLiveness(l, s.reason, s.resting, now);
            const idle = !s.resting && !isExpectedIdle(s.reason);
            idleStart = idle ? (idleStart ?? now) : null;
            expect(l.idleSinceMs).toBe(idleStart);
          });
        },
      ),
    );
  });

  it('stalls once the unexpected idle lasts stallAfterMs; resting again clears it', () => {
    const t = new LivenessTracker(300_000);
    t.observe('G', 'group-tripped', false, NOW);
    t.observe('H', 'no-theo', false, NOW);
    expect(t.stalled(NOW + 299_999)).toEqual([]);
    t.observe('G', 'writes-refused', false, NOW + 200_000);
    expect(t.stalled(NOW + 300_000)).toEqual(['G']);
    t.observe('G', 'quoting', true, NOW + 310_000);
    expect(t.stalled(NOW + 900_000)).toEqual([]);
    expect(isStalled({ reason: 'quoting', idleSinceMs: NOW }, NOW + 5, 5)).toBe(true);
  });

  it('counts every reason of the closed set, zeros included', () => {
    const m = countByReason(['quoting', 'quoting', 'no-theo']);
    expect(m.size).toBe(QuotingReason.options.length);
    expect(m.get('quoting')).toBe(2);
    expect(m.get('no-theo')).toBe(1);
    expect(m.get('group-tripped')).toBe(0);
  });
});
