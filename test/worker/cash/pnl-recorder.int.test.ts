/**
 * The PnL recorder on local DynamoDB with a scripted settlements listing: a settlement whose value
 * is unknown is skipped and counted (never priced at a guess); a failed listing is counted and the
 * next poll asks again from the same point; the session's fills index their game once per day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import { SettlementSchema } from '../../../shared/kalshi/schemas/rest.ts';
import { createStore, type Store } from '../../../shared/store/index.ts';
import { PnlRecorder, settlementRecordOf } from '../../../worker/cash/pnl-recorder.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';
import { recordingLog, recordingMetrics } from '../engine/support.ts';

let db: LocalDynamo;
let store: Store;
beforeAll(async () => {
  db = await startDynalite();
  store = createStore(db.doc, db.tableName);
});
afterAll(async () => {
  await db.close();
});

const T = Date.UTC(2026, 10, 26, 5, 0);
const wire = (ticker: string, result: string, extra: Record<string, unknown> = {}) =>
  SettlementSchema.parse({
    ticker,
    event_ticker: 'KXNBAGAME-26NOV25ATLBKN',
    market_result: result,
    yes_count_fp: '0.00',
    no_count_fp: '12.00',
    revenue: 1_200,
    settled_time: new Date(T).toISOString(),
    fee_cost: '0.010000',
    ...extra,
  });

describe('settlement record', () => {
  it('prices yes and no from the result, takes a stated value, refuses an unknown result without one', () => {
    expect(settlementRecordOf(wire('A', 'no'))).toEqual({
      ticker: 'A',
      eventTicker: 'KXNBAGAME-26NOV25ATLBKN',
      result: 'no',
      value: 0,
      position: -1_200,
      revenue: 12_000_000,
      fee: 10_000,
      ts: T,
    });
    expect(settlementRecordOf(wire('A', 'yes'))).toMatchObject({ value: 1_000_000 });
    expect(settlementRecordOf(wire('A', 'scalar', { value: 37 }))).toMatchObject({ value: 370_000 });
    expect(settlementRecordOf(wire('A', 'void'))).toEqual({
      error: 'result "void" without a value per contract',
    });
  });
});

describe('PnL recorder', () => {
  it('stores what it can price, counts the rest and failed polls, and asks again from the same point', async () => {
    const clock = new ManualClock(T + 60_000);
    const metrics = recordingMetrics();
    const asked: number[] = [];
    let fail = false;
    const rec = new PnlRecorder({
      clock,
      rest: {
        allSettlements: async (q) => {
          asked.push(q.min_ts ?? -1);
          if (fail) throw new Error('HTTP 503');
          return [wire('KXNBAGAME-26NOV25ATLBKN-BKN', 'no'), wire('KXNBAGAME-26NOV25ATLBKN-ATL', 'void')];
        },
      },
      settlements: store.settlements!,
      gameDays: store.gameDays!,
      pollMs: 60_000,
      lookbackMs: 3_600_000,
      metrics,
      log: recordingLog(),
    });
    fail = true;
    await rec.poll();
    expect(metrics.counts.get('SettlementPollErrors')).toBe(1);
    fail = false;
    await rec.poll();
    expect(asked).toEqual([
      Math.floor((T + 60_000 - 3_600_000) / 1000),
      Math.floor((T + 60_000 - 3_600_000) / 1000),
    ]);
    expect(metrics.counts.get('SettlementsRecorded')).toBe(1);
    expect(metrics.counts.get('SettlementsUnpriced')).toBe(1);
    expect((await store.settlements!.listByGame('KXNBAGAME-26NOV25ATLBKN')).map((s) => s.ticker)).toEqual([
      'KXNBAGAME-26NOV25ATLBKN-BKN',
    ]);
    // The settlement indexed its game under its trading day (05:00 UTC is the previous day's).
    expect(await store.gameDays!.games('2026-11-25')).toEqual(['KXNBAGAME-26NOV25ATLBKN']);

    rec.fill({ eventTicker: 'KXNHLGAME-26NOV26BOSNYR', atMs: T + 6 * 3_600_000 });
    rec.fill({ eventTicker: 'KXNHLGAME-26NOV26BOSNYR', atMs: T + 6 * 3_600_000 + 1 });
    await rec.idle();
    expect(await store.gameDays!.games('2026-11-26')).toEqual(['KXNHLGAME-26NOV26BOSNYR']);
  });

  it('a settled market polls 5 s later, once for a burst, not a period later; nothing once stopped', async () => {
    const clock = new ManualClock(T + 60_000);
    let polls = 0;
    const rec = new PnlRecorder({
      clock,
      rest: {
        allSettlements: async () => {
          polls++;
          return [];
        },
      },
      settlements: store.settlements!,
      gameDays: store.gameDays!,
      pollMs: 3_600_000,
      metrics: recordingMetrics(),
      log: recordingLog(),
    });
    rec.start();
    await rec.idle();
    expect(polls).toBe(1);
    // Both markets of a game settle in the same second.
    rec.settled();
    rec.settled();
    clock.advance(4_999);
    await rec.idle();
    expect(polls).toBe(1);
    clock.advance(1);
    await rec.idle();
    expect(polls).toBe(2);
    clock.advance(60_000);
    await rec.idle();
    expect(polls).toBe(2);
    rec.settled();
    rec.stop();
    clock.advance(10_000);
    await rec.idle();
    expect(polls).toBe(2);
  });
});
