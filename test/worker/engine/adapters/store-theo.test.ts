import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Theo } from '../../../../shared/odds/aggregate.ts';
import { type TheoRecord, theoRecordFromTheo, theoRecordSchema } from '../../../../shared/store/theos.ts';
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

describe('the sharp lean from the store to the quoter (news guard)', () => {
  it('maps the stored lean by outcome name', () => {
    expect(theoSnapshotOf({ ...record, sharpLean: [0.05, -0.05] }).sharpLean).toEqual({
      'Boston Celtics': 0.05,
      'Milwaukee Bucks': -0.05,
    });
  });
  it('an older record without it still reads, and carries no lean', () => {
    expect(theoRecordSchema.parse(record)).toEqual(record);
    expect('sharpLean' in theoSnapshotOf(record)).toBe(false);
  });
  it('a lean out of range does not validate (the record is refused, never priced from)', () => {
    expect(theoRecordSchema.safeParse({ ...record, sharpLean: [2, -2] }).success).toBe(false);
  });
});

describe('theoRecordFromTheo keeps the sharp lean', () => {
  const theo = (sharpLean?: number[]): Theo => ({
    kind: 'theo',
    eventId: 'ev-1',
    sportKey: 'basketball_nba',
    homeTeam: 'Boston Celtics',
    awayTeam: 'Milwaukee Bucks',
    commenceTime: '2027-01-15T08:00:00.000Z',
    asOf: '2027-01-15T07:00:00.000Z',
    method: 'shin',
    books: { used: [], dropped: [] },
    outcomes: record.outcomes,
    threeWay: false,
    anchorUsed: true,
    effectiveBooks: 1.5,
    dispersion: 0.02,
    ...(sharpLean === undefined ? {} : { sharpLean }),
  });
  it('stores it aligned with the outcomes, and only when it would validate', () => {
    expect(theoRecordFromTheo(theo([0.05, -0.05]), 'refresh').sharpLean).toEqual([0.05, -0.05]);
    expect('sharpLean' in theoRecordFromTheo(theo(), 'poll')).toBe(false);
    expect('sharpLean' in theoRecordFromTheo(theo([Number.NaN, 0]), 'poll')).toBe(false);
    expect(theoRecordSchema.parse(theoRecordFromTheo(theo([0.05, -0.05]), 'poll')).sharpLean).toHaveLength(2);
  });
});
