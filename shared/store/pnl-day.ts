/**
 * A shard's PnL for one trading day: the realised total and the peak of realised + marked PnL, so the
 * drawdown kill alarm measures the whole day across worker restarts (worker/engine/day-drawdown.ts).
 * One item per shard and day, overwritten at most once per heartbeat; kept two weeks for audit.
 *
 * Summing the day's stored fills at start-up was the alternative, but fills are keyed by trade id and
 * indexed by game only: finding a shard's fills of a day would need a Scan, which no principal may run.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { keyPart, type TableRef } from './client.ts';
import { ttlAfter } from './table.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const pnlDaySchema = z.object({
  /** The trading day, yyyy-mm-dd of its start. */
  day: z.string().regex(DAY),
  /** The day's realised PnL net of fees, Micros. */
  realised: z.number().finite(),
  /** The day's peak of realised + marked PnL, Micros. */
  peak: z.number().finite(),
  /** When written (epoch ms). */
  at: z.number().int().nonnegative(),
});
export type PnlDay = z.infer<typeof pnlDaySchema>;

const PNL_DAY_TTL_DAYS = 14;

function key(shardId: string, day: string) {
  return { pk: `PNLDAY#${keyPart('shardId', shardId)}`, sk: day };
}

export class PnlDayStore {
  constructor(private readonly table: TableRef) {}

  /** Overwrites the shard's record of `day` (one writer: the shard's lease holder). */
  async save(shardId: string, record: PnlDay): Promise<void> {
    const v = pnlDaySchema.parse(record);
    await this.table.doc.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...key(shardId, v.day), ...v, ttl: ttlAfter(v.at, PNL_DAY_TTL_DAYS) },
      }),
    );
  }

  /** The shard's record of `day`, or null if none. An unreadable record throws: a silent null would reset the peak. */
  async load(shardId: string, day: string): Promise<PnlDay | null> {
    if (!DAY.test(day)) throw new Error(`pnl day: bad day ${JSON.stringify(day)}`);
    const out = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: key(shardId, day), ConsistentRead: true }),
    );
    if (!out.Item) return null;
    return pnlDaySchema.parse(out.Item);
  }
}
