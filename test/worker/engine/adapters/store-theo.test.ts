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
});
