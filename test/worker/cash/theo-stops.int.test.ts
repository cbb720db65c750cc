/**
 * Theo against outcomes, recorded by the worker on local DynamoDB: at a game's stop its theo per
 * market is stored (quoted or not) and its game indexed for the stop's day; once Kalshi has
 * determined every market the record is written again with the results; the daily report then has
 * its calibration table and Brier score, leaving unresolved markets out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import { brierScore } from '../../../shared/pnl/calibration.ts';
import { buildDayReport, sportOfGame, storeRecordReader } from '../../../shared/pnl/day-report.ts';
import { createStore, type Store } from '../../../shared/store/index.ts';
import { TheoStopRecorder } from '../../../worker/cash/theo-stops.ts';
import { tradingDay } from '../../../worker/engine/day-drawdown.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';
import { recordingLog } from '../engine/support.ts';

let db: LocalDynamo;
let store: Store;
beforeAll(async () => {
  db = await startDynalite();
  store = createStore(db.doc, db.tableName);
});
afterAll(async () => {
  await db.close();
});

const GAME = 'KXNBAGAME-26NOV25BOSMIL';
const STOP = Date.UTC(2026, 10, 26, 0, 30);

describe('theo at the stop', () => {
  it('records every game at its stop, then its results, and the report calibrates theo against them', async () => {
    const clock = new ManualClock(STOP - 60_000);
    const results: Record<string, string | null> = { [`${GAME}-BOS`]: null, [`${GAME}-MIL`]: null };
    const asked: string[] = [];
    const rec = new TheoStopRecorder({
      clock,
      session: {
        snapshot: () => ({
          games: [
            {
              eventTicker: GAME,
              sport: 'nba',
              stopAtMs: STOP,
              theo: { books: 5 },
              markets: [
                { ticker: `${GAME}-BOS`, theo: 0.62 },
                { ticker: `${GAME}-MIL`, theo: 0.38 },
              ],
            },
            { eventTicker: 'KXNBAGAME-26NOV26LALDEN', sport: 'nba', stopAtMs: null, theo: null, markets: [] },
          ],
        }),
      },
      stops: store.theoStops!,
      gameDays: store.gameDays!,
      rest: {
        getMarket: async (t) => {
          asked.push(t);
          return { result: results[t] ?? null };
        },
      },
      resultEveryMs: 60_000,
      log: recordingLog(),
    });
    await rec.pass();
    expect(await store.theoStops!.get(GAME)).toBeNull();

    clock.advance(60_000);
    await rec.pass();
    expect(await store.theoStops!.get(GAME)).toEqual({
      eventTicker: GAME,
      sport: 'nba',
      stopAtMs: STOP,
      books: 5,
      markets: [
        { ticker: `${GAME}-BOS`, theo: 0.62, result: null },
        { ticker: `${GAME}-MIL`, theo: 0.38, result: null },
      ],
    });
    expect(await store.gameDays!.games('2026-11-25')).toContain(GAME);
    expect(asked).toHaveLength(2);
    const reader = storeRecordReader(store);
    const opts = { dayOf: (ms: number) => tradingDay(ms), sportOf: sportOfGame, now: clock.now() };
    expect((await buildDayReport(reader, '2026-11-25', opts)).calibration).toEqual({
      games: 1,
      markets: 0,
      unresolved: 2,
      brier: null,
      table: [],
    });

    // Asked again only after resultEveryMs; Boston won.
    results[`${GAME}-BOS`] = 'yes';
    results[`${GAME}-MIL`] = 'no';
    clock.advance(30_000);
    await rec.pass();
    expect(asked).toHaveLength(2);
    clock.advance(30_000);
    await rec.pass();
    expect((await store.theoStops!.get(GAME))?.markets.map((m) => m.result)).toEqual(['yes', 'no']);
    const c = (await buildDayReport(reader, '2026-11-25', opts)).calibration!;
    expect(c).toMatchObject({ games: 1, markets: 2, unresolved: 0 });
    expect(c.brier).toBeCloseTo(0.38 ** 2, 12);
    expect(c.table.map((r) => [r.lo, r.n, r.winRate])).toEqual([
      [0.3, 1, 0],
      [0.6, 1, 1],
    ]);
    // Done: nothing more is asked.
    clock.advance(600_000);
    await rec.pass();
    expect(asked).toHaveLength(4);
  });

  it('Brier: 0 for certain right forecasts, 0.25 for always 50 %, null without samples', () => {
    expect(
      brierScore([
        { p: 1, won: true },
        { p: 0, won: false },
      ]),
    ).toBe(0);
    expect(
      brierScore([
        { p: 0.5, won: true },
        { p: 0.5, won: false },
      ]),
    ).toBe(0.25);
    expect(brierScore([])).toBeNull();
  });
});
