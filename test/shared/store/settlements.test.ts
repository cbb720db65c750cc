/**
 * Settlements (SETTLE#<ticker>) and the day's games (PNLGAMES#<day>) on local DynamoDB: a market's
 * settlement lands once, is listed by game, and a malformed item is counted, never returned; the
 * day index lists each game once however often it is touched.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../../shared/store/index.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

let db: LocalDynamo;
let store: Store;
beforeAll(async () => {
  db = await startDynalite();
  store = createStore(db.doc, db.tableName);
});
afterAll(async () => {
  await db.close();
});

const AT = Date.UTC(2026, 10, 26, 4, 30);
const settlement = (ticker: string, ts = AT) => ({
  ticker,
  eventTicker: 'KXNBAGAME-26NOV25BOSMIL',
  result: 'yes',
  value: 1_000_000,
  position: 1_000,
  revenue: 10_000_000,
  fee: 0,
  ts,
});

describe('SettlementStore', () => {
  it('stores a market settlement once and lists a game’s oldest first', async () => {
    const s = store.settlements!;
    expect(await s.put(settlement('KXNBAGAME-26NOV25BOSMIL-MIL', AT + 5))).toEqual({ inserted: true });
    expect(await s.put(settlement('KXNBAGAME-26NOV25BOSMIL-BOS'))).toEqual({ inserted: true });
    expect(await s.put({ ...settlement('KXNBAGAME-26NOV25BOSMIL-BOS'), revenue: 1 })).toEqual({
      inserted: false,
    });
    const listed = await s.listByGame('KXNBAGAME-26NOV25BOSMIL');
    expect(listed.map((x) => [x.ticker, x.revenue])).toEqual([
      ['KXNBAGAME-26NOV25BOSMIL-BOS', 10_000_000],
      ['KXNBAGAME-26NOV25BOSMIL-MIL', 10_000_000],
    ]);
    await expect(s.put({ ...settlement('X'), value: 2_000_000 })).rejects.toThrow();
  });

  it('counts a malformed stored item instead of returning it', async () => {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          pk: 'SETTLE#BAD',
          sk: 'SETTLE',
          gsi1pk: 'SETTLES#G-BAD',
          gsi1sk: '000000000000001#BAD',
          ticker: 'BAD',
        },
      }),
    );
    const s = store.settlements!;
    const before = s.stats.dropped;
    expect(await s.listByGame('G-BAD')).toEqual([]);
    expect(s.stats.dropped).toBe(before + 1);
  });
});

describe('GameDayStore', () => {
  it('lists each game of a day once, however often touched; other days apart', async () => {
    const d = store.gameDays!;
    await d.touch('2026-11-25', 'KXNBAGAME-B', AT);
    await d.touch('2026-11-25', 'KXNBAGAME-A', AT);
    await d.touch('2026-11-25', 'KXNBAGAME-B', AT + 1);
    await d.touch('2026-11-26', 'KXNHLGAME-C', AT);
    expect(await d.games('2026-11-25')).toEqual(['KXNBAGAME-A', 'KXNBAGAME-B']);
    expect(await d.games('2026-11-26')).toEqual(['KXNHLGAME-C']);
    expect(await d.games('2026-11-27')).toEqual([]);
    await expect(d.touch('26-11-25', 'X', AT)).rejects.toThrow(/bad day/);
  });
});
