/**
 * The backtest's theo source gives what the production store source gives for the same
 * table, poll after poll, and builds a record's snapshot once (the same object while the
 * record is unchanged, a new one once a newer record replaces it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TheoRecord } from '../../../shared/store/theos.ts';
import { InMemoryTheos } from '../../../sim/backtest/serverless.ts';
import { backtestTheoSource } from '../../../sim/backtest/theo-source.ts';
import { storeTheoSource } from '../../../worker/engine/adapters/store.ts';

const recordOf = (eventId: string, asOf: number, p: number, lean: boolean): TheoRecord => ({
  eventId,
  sportKey: 'basketball_nba',
  homeTeam: 'Boston Celtics',
  awayTeam: 'Miami Heat',
  commenceTime: 1_800_000_000_000,
  outcomes: [
    { name: 'Boston Celtics', probability: p },
    { name: 'Miami Heat', probability: 1 - p },
  ],
  method: 'shin',
  booksUsed: ['pinnacle', 'draftkings'],
  booksDropped: 0,
  asOf,
  source: 'poll',
  ...(lean ? { dispersion: 0.01, sharpLean: [0.02, -0.02] } : {}),
});

describe('backtestTheoSource', () => {
  it('property: reads equal the store source’s after any writes, and an unchanged record keeps its snapshot', async () => {
    const write = fc.record({
      id: fc.constantFrom('a', 'b', 'c'),
      asOf: fc.integer({ min: 0, max: 20 }),
      p: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
      lean: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(write, { maxLength: 3 }), { maxLength: 8 }), async (polls) => {
        const table = new InMemoryTheos();
        const memo = backtestTheoSource(table);
        const store = storeTheoSource(table);
        const ids = ['a', 'b', 'c', 'missing'];
        let last = new Map<string, unknown>();
        for (const writes of polls) {
          const before = await table.getMany(ids);
          for (const w of writes) await table.put(recordOf(w.id, w.asOf, w.p, w.lean));
          const after = await table.getMany(ids);
          const got = await memo.read(ids);
          expect(got).toEqual(await store.read(ids));
          const now = new Map(got.map((t) => [t.oddsEventId, t as unknown]));
          for (const [id, snap] of now)
            if (before.get(id) === after.get(id) && last.has(id)) expect(snap).toBe(last.get(id));
            else if (last.has(id)) expect(snap).not.toBe(last.get(id));
          last = now;
        }
      }),
    );
  });
});
