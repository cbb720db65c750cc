/**
 * Live snapshots: what each worker shard shows its trader, published to the
 * table every few seconds so a dashboard on the operator's machine can show
 * the deployed system (`npm run dashboard -- --stage <stage>`).
 *
 * All snapshots live under one partition (`LIVE`), so the dashboard reads
 * everything with a single Query: one `SHARD#<id>` item per shard (its
 * heartbeat: connection, kill phase, counters) and one `GAME#<ticker>` item
 * per game (theo, quotes, book summary, inventory, PnL, recent fills). Items
 * are overwritten in place (bounded: one per shard and game), carry a short
 * `ttl` so a finished game or a dead shard disappears on its own, and are
 * capped in size. The body is opaque JSON here: the worker's dashboard view
 * model owns its shape (`worker/dashboard/live-publisher.ts`).
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { keyPart, type ReadStats, type TableRef } from './client.ts';

export const LIVE_PK = 'LIVE';
/** A snapshot expires this long after it was written (DynamoDB TTL; reads also skip expired items). */
export const LIVE_SNAPSHOT_TTL_SECONDS = 15 * 60;
/** Largest body stored: a game's snapshot is ~2-5 KB; past this something is unbounded. */
export const LIVE_SNAPSHOT_MAX_BYTES = 32 * 1024;

export const liveSnapshotKindSchema = z.enum(['shard', 'game']);
export type LiveSnapshotKind = z.infer<typeof liveSnapshotKindSchema>;

export const liveSnapshotRecordSchema = z.object({
  kind: liveSnapshotKindSchema,
  /** The shard id, or the game's event ticker. */
  id: z.string().min(1),
  shardId: z.string().min(1),
  /** Epoch ms the worker wrote it: the heartbeat. */
  publishedAt: z.number().int().nonnegative(),
  /** Epoch seconds. */
  ttl: z.number().int().nonnegative(),
  body: z.unknown(),
});
export type LiveSnapshotRecord = z.infer<typeof liveSnapshotRecordSchema>;

const skOf = (kind: LiveSnapshotKind, id: string) =>
  `${kind === 'shard' ? 'SHARD' : 'GAME'}#${keyPart(kind === 'shard' ? 'shardId' : 'eventTicker', id)}`;

export class LiveSnapshotStore {
  readonly stats: ReadStats = { dropped: 0 };

  constructor(private readonly table: TableRef) {}

  /** Overwrites the snapshot of one shard or game. A body over the size cap is refused (RangeError). */
  async put(input: {
    kind: LiveSnapshotKind;
    id: string;
    shardId: string;
    body: unknown;
    now: number;
  }): Promise<void> {
    const body = JSON.stringify(input.body);
    if (body === undefined) throw new TypeError('live snapshot body must be JSON');
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > LIVE_SNAPSHOT_MAX_BYTES) {
      throw new RangeError(
        `live snapshot of ${input.kind} ${input.id} is ${bytes} bytes (cap ${LIVE_SNAPSHOT_MAX_BYTES})`,
      );
    }
    await this.table.doc.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          pk: LIVE_PK,
          sk: skOf(input.kind, input.id),
          kind: input.kind,
          id: input.id,
          shardId: input.shardId,
          publishedAt: input.now,
          ttl: Math.floor(input.now / 1000) + LIVE_SNAPSHOT_TTL_SECONDS,
          body,
        },
      }),
    );
  }

  /** Every unexpired snapshot (DynamoDB deletes expired items only eventually). Malformed items are counted and skipped. */
  async list(now: number): Promise<LiveSnapshotRecord[]> {
    const out: LiveSnapshotRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': LIVE_PK },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const record = parseItem(item);
        if (!record) this.stats.dropped++;
        else if (record.ttl * 1000 > now) out.push(record);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}

function parseItem(item: Record<string, unknown>): LiveSnapshotRecord | null {
  if (typeof item.body !== 'string') return null;
  let body: unknown;
  try {
    body = JSON.parse(item.body);
  } catch {
    return null;
  }
  const parsed = liveSnapshotRecordSchema.safeParse({ ...item, body });
  return parsed.success ? parsed.data : null;
}
