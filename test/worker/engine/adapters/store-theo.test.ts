import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TheoRecord } from '../../../../shared/store/theos.ts';
import { theoSnapshotOf } from '../../../../worker/engine/adapters/store.ts';

const record: TheoRecord = {
  eventId: 'ev-1',
  sportKey: 'basketball_nba',
  homeTeam: 'Boston Celtics',
  awayTeam: 'Milwaukee Bucks',
  commenceTime: 1_800_000_000_000,
  outcomes: [
    { name: 'Boston Celtics', probability: 0.6 },
    { name: 'Milwaukee Bucks', probability: 0.4 },
  ],
  method: 'shin',
  booksUsed: ['pinnacle', 'draftkings', 'fanduel'],
  booksDropped: 0,
  asOf: 1_799_999_000_000,
  source: 'poll',
};

describe('theoSnapshotOf', () => {
  it('carries the books’ dispersion to the quoter (theo-quality minimum edge)', () => {
    expect(theoSnapshotOf({ ...record, dispersion: 0.012 })).toMatchObject({ books: 3, dispersion: 0.012 });
  });
  it('an older record without dispersion has none (the flat minimum edge applies)', () => {
    expect('dispersion' in theoSnapshotOf(record)).toBe(false);
  });
  it('property: probabilities are the outcomes by name, as Object.fromEntries gives them (repeats, __proto__)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            name: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'Boston Celtics')),
            probability: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
          { maxLength: 5 },
        ),
        (outcomes) => {
          const p = theoSnapshotOf({ ...record, outcomes }).probabilities;
          const expected = Object.fromEntries(outcomes.map((o) => [o.name, o.probability]));
          expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
          expect(Object.entries(p)).toEqual(Object.entries(expected));
        },
      ),
    );
  });
});
