/**
 * Live snapshots on a real local DynamoDB: one item per shard and game,
 * overwritten in place, expiring, size-capped, read back with one query.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LIVE_PK,
  LIVE_SNAPSHOT_MAX_BYTES,
  LIVE_SNAPSHOT_TTL_SECONDS,
  LiveSnapshotStore,
} from '../../../shared/store/live-snapshot.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

let db: LocalDynamo;
let live: LiveSnapshotStore;
const T0 = 1_800_000_000_000;

beforeAll(async () => {
  db = await startDynalite();
  live = new LiveSnapshotStore({ doc: db.doc, tableName: db.tableName });
});
afterAll(async () => db?.close());

describe('live snapshots', () => {
  it('keeps one item per shard and game (a newer write replaces the older) and reads all in one list', async () => {
    await live.put({ kind: 'shard', id: '0', shardId: '0', body: { killed: false }, now: T0 });
    await live.put({ kind: 'game', id: 'NBA-A', shardId: '0', body: { theo: 0.5 }, now: T0 });
    await live.put({ kind: 'game', id: 'NBA-A', shardId: '0', body: { theo: 0.52 }, now: T0 + 5_000 });
    await live.put({ kind: 'game', id: 'NBA-B', shardId: '1', body: { theo: 0.4 }, now: T0 + 5_000 });
    const all = await live.list(T0 + 6_000);
    expect(all.map((r) => `${r.kind}:${r.id}`).sort()).toEqual(['game:NBA-A', 'game:NBA-B', 'shard:0']);
    const a = all.find((r) => r.id === 'NBA-A')!;
    expect(a.body).toEqual({ theo: 0.52 });
    expect(a.publishedAt).toBe(T0 + 5_000);
    expect(a.ttl).toBe(Math.floor((T0 + 5_000) / 1000) + LIVE_SNAPSHOT_TTL_SECONDS);
  });

  it('an expired snapshot is not shown even before DynamoDB deletes it', async () => {
    const later = T0 + 5_000 + LIVE_SNAPSHOT_TTL_SECONDS * 1000 + 1;
    const ids = (await live.list(later)).map((r) => r.id);
    expect(ids).not.toContain('NBA-A');
    expect(ids).not.toContain('0');
  });

  it('refuses a body over the size cap, and a key with the key separator', async () => {
    const big = { pad: 'x'.repeat(LIVE_SNAPSHOT_MAX_BYTES) };
    await expect(live.put({ kind: 'game', id: 'BIG', shardId: '0', body: big, now: T0 })).rejects.toThrow(
      /bytes \(cap/,
    );
    await expect(live.put({ kind: 'game', id: 'A#B', shardId: '0', body: {}, now: T0 })).rejects.toThrow(
      RangeError,
    );
    expect((await live.list(T0)).map((r) => r.id)).not.toContain('BIG');
  });

  it('a malformed item is counted and skipped, not shown', async () => {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          pk: LIVE_PK,
          sk: 'GAME#BROKEN',
          kind: 'game',
          id: 'BROKEN',
          shardId: '0',
          publishedAt: T0,
          ttl: 9e9,
          body: '{not json',
        },
      }),
    );
    const before = live.stats.dropped;
    expect((await live.list(T0)).map((r) => r.id)).not.toContain('BROKEN');
    expect(live.stats.dropped).toBe(before + 1);
  });
});
