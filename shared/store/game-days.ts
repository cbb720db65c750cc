/**
 * Which games had money move on which trading day (a fill or a settlement): the daily report's
 * way in. Fills and settlements are keyed by trade and market and indexed by game; finding a day's
 * games otherwise would need a Scan, which no principal may run. One item per day and game,
 * overwritten in place (idempotent); kept as long as the fills.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { keyPart, queryAll, type ReadStats, type TableRef } from './client.ts';
import { ttlAfter } from './table.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TTL_DAYS = 400;

const gameDaySchema = z.object({
  day: z.string().regex(DAY),
  eventTicker: z.string().min(1),
  at: z.number(),
});

export class GameDayStore {
  readonly stats: ReadStats = { dropped: 0 };

  constructor(private readonly table: TableRef) {}

  /** Notes that `eventTicker` had a fill or settlement on trading day `day`. */
  async touch(day: string, eventTicker: string, at: number): Promise<void> {
    if (!DAY.test(day)) throw new Error(`game day: bad day ${JSON.stringify(day)}`);
    await this.table.doc.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          pk: `PNLGAMES#${day}`,
          sk: keyPart('eventTicker', eventTicker),
          day,
          eventTicker,
          at,
          ttl: ttlAfter(at, TTL_DAYS),
        },
      }),
    );
  }

  /** The games of trading day `day`, by ticker. */
  async games(day: string): Promise<string[]> {
    if (!DAY.test(day)) throw new Error(`game day: bad day ${JSON.stringify(day)}`);
    const items = await queryAll(this.table, { keyName: 'pk', key: `PNLGAMES#${day}`, from: '!' });
    const out: string[] = [];
    for (const item of items) {
      const parsed = gameDaySchema.safeParse(item);
      if (parsed.success) out.push(parsed.data.eventTicker);
      else this.stats.dropped++;
    }
    return out;
  }
}
