/**
 * Active Odds API sport keys per catalogue sport, as the odds-poll Lambda last
 * read them from `/v4/sports`. Tennis is keyed per tournament, so the theos of
 * one sport sit under several keys; the worker's mapper reads this record to
 * list them all. Versioned by `asOf`: an older poll never replaces a newer list.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { isConditionFailed, keyPart, type TableRef } from './client.ts';
import { ttlAfter } from './table.ts';

export const activeOddsKeysSchema = z.object({
  /** catalogue sport id ("atp") */
  sport: z.string().regex(/^[a-z0-9_]+$/),
  keys: z.array(z.string().regex(/^[a-z0-9_]+$/)),
  /** when `/v4/sports` was read, epoch ms */
  asOf: z.number().int().nonnegative(),
});
export type ActiveOddsKeys = z.infer<typeof activeOddsKeysSchema>;

const pkOf = (sport: string) => `ODDSKEYS#${keyPart('sport', sport)}`;
const SK = 'ODDSKEYS';

export class ActiveOddsKeysStore {
  constructor(private readonly table: TableRef) {}

  /** Lands only if no list is stored or the stored one is strictly older. */
  async put(rec: ActiveOddsKeys): Promise<boolean> {
    const r = activeOddsKeysSchema.parse(rec);
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          // A list older than a few days is stale anyway (the poll runs every few minutes).
          Item: { pk: pkOf(r.sport), sk: SK, ttl: ttlAfter(r.asOf, 7), ...r },
          ConditionExpression: 'attribute_not_exists(pk) OR asOf < :v',
          ExpressionAttributeValues: { ':v': r.asOf },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /** The stored list, or null (never polled, or a malformed record). */
  async get(sport: string): Promise<ActiveOddsKeys | null> {
    const out = await this.table.doc.send(
      new GetCommand({
        TableName: this.table.tableName,
        Key: { pk: pkOf(sport), sk: SK },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return null;
    const parsed = activeOddsKeysSchema.safeParse(out.Item);
    return parsed.success ? parsed.data : null;
  }
}
