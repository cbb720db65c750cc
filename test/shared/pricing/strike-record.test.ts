/**
 * The stored strike-theo record refuses what the margin model cannot price soundly: a key number listed
 * twice (its excess would be counted twice in the normaliser and once in the mass, and P(X > s) would no
 * longer be monotone in the strike; found in review).
 */
import { describe, expect, it } from 'vitest';
import { strikeTheoRecordSchema } from '../../../shared/pricing/strike-record.ts';

const record = (keys: { at: number; weight: number }[]) => ({
  eventId: 'ev1',
  sportKey: 'americanfootball_nfl',
  homeTeam: 'Home',
  awayTeam: 'Away',
  commenceTime: 1_800_000_000_000,
  asOf: 1_799_990_000_000,
  source: 'poll',
  winnerProbability: 0.6,
  winnerError: 0,
  margin: {
    ok: true,
    distribution: { mean: 2.5, sd: 13.5, noTies: true, keys },
    curve: null,
    shapeOverruled: null,
  },
  total: { ok: false, reason: 'no-lines', detail: 'no total lines' },
  lines: [],
  dropped: [],
  droppedCount: 0,
});

describe('strikeTheoRecordSchema: key numbers', () => {
  it('reads distinct key numbers', () => {
    expect(
      strikeTheoRecordSchema.safeParse(
        record([
          { at: 3, weight: 0.15 },
          { at: 7, weight: 0.09 },
        ]),
      ).success,
    ).toBe(true);
  });

  it('refuses a key number listed twice, naming why', () => {
    const r = strikeTheoRecordSchema.safeParse(
      record([
        { at: 3, weight: 0.1 },
        { at: 3, weight: 0.1 },
      ]),
    );
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('each key number at most once');
  });
});
