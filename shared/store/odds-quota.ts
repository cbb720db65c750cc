/**
 * The Odds API credits left, as the last response said (`x-requests-remaining`): odds-poll and
 * odds-refresh both record it, and odds-refresh spends nothing when a refresh would eat into the
 * reserve kept for the scheduled polls. One item; an older reading never overwrites a newer one.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { isConditionFailed, type TableRef } from './client.ts';

const KEY = { pk: 'ODDSQUOTA', sk: 'LAST' };

export const oddsQuotaSchema = z.object({
  remaining: z.number().nonnegative(),
  /** When the response carrying it arrived (epoch ms). */
  at: z.number().int().nonnegative(),
});
export type OddsQuota = z.infer<typeof oddsQuotaSchema>;

export class OddsQuotaStore {
  constructor(private readonly table: TableRef) {}

  async record(remaining: number, at: number): Promise<void> {
    const v = oddsQuotaSchema.parse({ remaining, at });
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: KEY,
          UpdateExpression: 'SET remaining = :r, #at = :at',
          ConditionExpression: 'attribute_not_exists(pk) OR #at <= :at',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':r': v.remaining, ':at': v.at },
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
  }

  /** The last recorded reading, or null if none (or unreadable). */
  async last(): Promise<OddsQuota | null> {
    const out = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: KEY, ConsistentRead: true }),
    );
    const p = oddsQuotaSchema.safeParse(out.Item);
    return p.success ? p.data : null;
  }
}
