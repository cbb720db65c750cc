/**
 * Each game's theo at its stop and, once Kalshi has determined its markets, their results: the
 * daily report's calibration table (theo against outcomes). Every game the worker saw, quoted or
 * not. Written at the stop, written again with the results; kept a year.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { keyPart, type TableRef } from './client.ts';
import { ttlAfter } from './table.ts';

export const theoStopSchema = z.object({
  eventTicker: z.string().min(1),
  sport: z.string(),
  stopAtMs: z.number().int().nonnegative(),
  /** Books behind the theo at the stop (0 without a theo). */
  books: z.number().int().nonnegative(),
  markets: z.array(
    z.object({
      ticker: z.string().min(1),
      /** Theo of YES at the stop, (0, 1); null without one. */
      theo: z.number().gt(0).lt(1).nullable(),
      /** Kalshi's result once determined ("yes", "no", …); null until then. */
      result: z.string().nullable(),
      /** Pinnacle's no-vig probability of YES at the stop; absent or null: not known. */
      pinnacle: z.number().gt(0).lt(1).nullable().optional(),
      /** The plain average of the used books' no-vig probabilities of YES; absent or null: not known. */
      average: z.number().gt(0).lt(1).nullable().optional(),
    }),
  ),
});
export type TheoStop = z.infer<typeof theoStopSchema>;

const TTL_DAYS = 400;
const key = (eventTicker: string) => ({
  pk: `THEOSTOP#${keyPart('eventTicker', eventTicker)}`,
  sk: 'THEOSTOP',
});

export class TheoStopStore {
  constructor(private readonly table: TableRef) {}

  /** Writes the game's record (again, once its results are known). */
  async put(record: TheoStop): Promise<void> {
    const v = theoStopSchema.parse(record);
    await this.table.doc.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...key(v.eventTicker), ...v, ttl: ttlAfter(v.stopAtMs, TTL_DAYS) },
      }),
    );
  }

  /** The game's record, or null; an unreadable one throws (never a silent gap in the table). */
  async get(eventTicker: string): Promise<TheoStop | null> {
    const out = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: key(eventTicker) }),
    );
    return out.Item ? theoStopSchema.parse(out.Item) : null;
  }
}
