/**
 * Event mapping: which Odds API event prices which Kalshi game, and which
 * Kalshi market is which outcome. Written by whoever matches games (the worker
 * at discovery), read by the worker on restart and by tools.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { keyPart, type ReadStats, type TableRef } from './client.ts';
import { GSI1, ttlAfter } from './table.ts';

export const eventMappingSchema = z.object({
  kalshiEventTicker: z.string().min(1),
  seriesTicker: z.string().min(1),
  oddsEventId: z.string().min(1),
  sportKey: z.string().min(1),
  /** Game start, epoch ms. */
  commenceTime: z.number().int().nonnegative(),
  /** Kalshi market ticker → Odds API outcome name ('Draw' for a TIE market). */
  markets: z.array(z.object({ ticker: z.string().min(1), outcome: z.string().min(1) })).min(1),
  matchedAt: z.number().int().nonnegative(),
});
export type EventMapping = z.infer<typeof eventMappingSchema>;

const MAPPING_TTL_DAYS_AFTER_START = 30;

export class MappingStore {
  readonly stats: ReadStats = { dropped: 0 };

  constructor(private readonly table: TableRef) {}

  /** Upserts the mapping of one Kalshi game. */
  async put(mapping: EventMapping): Promise<void> {
    const r = eventMappingSchema.parse(mapping);
    await this.table.doc.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          pk: `MAP#${keyPart('kalshiEventTicker', r.kalshiEventTicker)}`,
          sk: 'MAP',
          gsi1pk: `MAPODDS#${keyPart('oddsEventId', r.oddsEventId)}`,
          gsi1sk: r.kalshiEventTicker,
          ttl: ttlAfter(r.commenceTime, MAPPING_TTL_DAYS_AFTER_START),
          ...r,
        },
      }),
    );
  }

  async get(kalshiEventTicker: string): Promise<EventMapping | null> {
    const out = await this.table.doc.send(
      new GetCommand({
        TableName: this.table.tableName,
        Key: { pk: `MAP#${keyPart('kalshiEventTicker', kalshiEventTicker)}`, sk: 'MAP' },
      }),
    );
    return out.Item ? this.parse(out.Item) : null;
  }

  /** The Kalshi games priced by one Odds API event (normally exactly one). */
  async byOddsEvent(oddsEventId: string): Promise<EventMapping[]> {
    const out = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': `MAPODDS#${keyPart('oddsEventId', oddsEventId)}` },
      }),
    );
    return (out.Items ?? []).flatMap((item) => {
      const m = this.parse(item);
      return m ? [m] : [];
    });
  }

  private parse(item: Record<string, unknown>): EventMapping | null {
    const parsed = eventMappingSchema.safeParse(item);
    if (parsed.success) return parsed.data;
    this.stats.dropped++;
    return null;
  }
}
