/**
 * The dashboard's trading-day PnL, from the stored record on local DynamoDB: the same figures as
 * the daily report, rebuilt on the worker's clock; a failed rebuild keeps the last figures with the
 * error; the panel carries them into the dashboard's state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import { sportOfGame, storeRecordReader } from '../../../shared/pnl/day-report.ts';
import { createStore, type Store } from '../../../shared/store/index.ts';
import { DayPnlWatch } from '../../../worker/cash/day-pnl-watch.ts';
import { withDayPnlPanel } from '../../../worker/dashboard/pnl-panel.ts';
import { zDashboardState } from '../../../worker/dashboard/view-model.ts';
import { tradingDay } from '../../../worker/engine/day-drawdown.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';
import { FakeDesk } from '../dashboard/fixtures.ts';
import { drain, recordingLog } from '../engine/support.ts';

let db: LocalDynamo;
let store: Store;
beforeAll(async () => {
  db = await startDynalite();
  store = createStore(db.doc, db.tableName);
});
afterAll(async () => {
  await db.close();
});

const GAME = 'KXNHLGAME-26NOV25BOSNYR';
const T = Date.UTC(2026, 10, 26, 2);

describe('day PnL watch', () => {
  it('rebuilds the day from the record, keeps the last figures on a failure, and feeds the panel', async () => {
    await store.fills.put({
      tradeId: 'd1',
      orderId: 'o1',
      ticker: `${GAME}-BOS`,
      eventTicker: GAME,
      side: 'ask',
      price: 300_000,
      count: 500,
      fee: 20_000,
      ts: T,
    });
    await store.settlements!.put({
      ticker: `${GAME}-BOS`,
      eventTicker: GAME,
      result: 'no',
      value: 0,
      position: -500,
      revenue: 3_500_000,
      fee: 0,
      ts: T + 3_600_000,
    });
    await store.gameDays!.touch('2026-11-25', GAME, T);
    const clock = new ManualClock(T + 4 * 3_600_000);
    const real = storeRecordReader(store);
    let fail = false;
    const watch = new DayPnlWatch({
      clock,
      reader: { ...real, games: (d) => (fail ? Promise.reject(new Error('throttled')) : real.games(d)) },
      refreshMs: 60_000,
      dayOf: (ms) => tradingDay(ms),
      sportOf: sportOfGame,
      log: recordingLog(),
    });
    const source = withDayPnlPanel(new FakeDesk(), watch);
    expect(zDashboardState.parse(source.snapshot()).pnlDay).toBeNull();
    watch.start();
    await watch.idle();
    await drain();
    // Sold 5 YES at 30¢, NO won: +$1.50 in the wave, −$0.02 fee.
    expect(zDashboardState.parse(source.snapshot()).pnlDay).toMatchObject({
      day: '2026-11-25',
      realised: 1_480_000,
      settlements: 1_500_000,
      fees: -20_000,
      trades: 0,
      bySport: [{ sport: 'nhl', games: 1, realised: 1_480_000 }],
      open: 0,
      error: null,
    });
    fail = true;
    clock.advance(60_000);
    await drain();
    await watch.idle();
    expect(source.snapshot().pnlDay).toMatchObject({ realised: 1_480_000, error: 'throttled' });
    watch.stop();
  });

  it('lazy: rebuilds only while someone listens', async () => {
    const clock = new ManualClock(T);
    let builds = 0;
    const real = storeRecordReader(store);
    const watch = new DayPnlWatch({
      clock,
      reader: {
        ...real,
        games: (d) => {
          builds++;
          return real.games(d);
        },
      },
      refreshMs: 60_000,
      dayOf: (ms) => tradingDay(ms),
      sportOf: sportOfGame,
      log: recordingLog(),
      lazy: true,
    });
    clock.advance(600_000);
    await drain();
    expect(builds).toBe(0);
    const off = withDayPnlPanel(new FakeDesk(), watch).subscribe(() => {});
    await watch.idle();
    await drain();
    expect(builds).toBe(3); // one rebuild: the day and both neighbours
    clock.advance(60_000);
    await drain();
    await watch.idle();
    expect(builds).toBe(6);
    off();
    clock.advance(600_000);
    await drain();
    expect(builds).toBe(6);
  });
});
