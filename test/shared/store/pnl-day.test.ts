import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type PnlDayStore } from '../../../shared/store/index.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

let db: LocalDynamo;
let days: PnlDayStore;
beforeAll(async () => {
  db = await startDynalite();
  days = createStore(db.doc, db.tableName).pnlDay!;
});
afterAll(async () => {
  await db.close();
});

const AT = Date.UTC(2026, 10, 25, 20, 0, 0);

describe('PnlDayStore (PNLDAY#<shardId> / <day>)', () => {
  it('keeps one record per shard and day, overwritten in place, with a TTL', async () => {
    await days.save('0', { day: '2026-11-25', realised: 1_500_000, peak: 2_000_000, at: AT });
    await days.save('0', { day: '2026-11-25', realised: -250_000, peak: 2_000_000, at: AT + 10_000 });
    await days.save('1', { day: '2026-11-25', realised: 42, peak: 42, at: AT });
    expect(await days.load('0', '2026-11-25')).toEqual({
      day: '2026-11-25',
      realised: -250_000,
      peak: 2_000_000,
      at: AT + 10_000,
    });
    expect(await days.load('1', '2026-11-25')).toMatchObject({ realised: 42 });
    expect(await days.load('0', '2026-11-26')).toBeNull();
    const raw = await db.doc.send(
      new GetCommand({
        TableName: db.tableName,
        Key: { pk: 'PNLDAY#0', sk: '2026-11-25' },
      }),
    );
    expect(raw.Item?.['ttl']).toBe(Math.floor((AT + 10_000) / 1000) + 14 * 86_400);
  });

  it('refuses a malformed record or day rather than reading it as a fresh day (that would reset the peak)', async () => {
    await expect(days.save('0', { day: '25/11/2026', realised: 0, peak: 0, at: AT })).rejects.toThrow();
    await expect(days.save('a#b', { day: '2026-11-25', realised: 0, peak: 0, at: AT })).rejects.toThrow();
    await expect(days.load('0', '2026-11')).rejects.toThrow(/bad day/);
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { pk: 'PNLDAY#2', sk: '2026-11-25', day: '2026-11-25' },
      }),
    );
    await expect(days.load('2', '2026-11-25')).rejects.toThrow();
  });
});
