/**
 * Fills, idempotent by Kalshi trade id: the WebSocket, reconciliation and a
 * replayed message may all report the same fill; only the first write lands.
 */
import * as z from 'zod';
import { keyPart, putOnce, queryAll, type ReadStats, type TableRef, timeKey } from './client.ts';
import { GSI1, ttlAfter } from './table.ts';

export const fillRecordSchema = z.object({
  tradeId: z.string().min(1),
  orderId: z.string().min(1),
  clientOrderId: z.string().optional(),
  /** Market ticker. */
  ticker: z.string().min(1),
  /** Game (Kalshi event ticker): the inventory unit. */
  eventTicker: z.string().min(1),
  /** Our side on the YES price scale: bid = bought YES, ask = sold YES (≡ bought NO). */
  side: z.enum(['bid', 'ask']),
  /** YES price, Micros, strictly inside (0, $1). */
  price: z.number().int().positive().lt(1_000_000),
  /** Contracts, Centis. */
  count: z.number().int().positive(),
  isTaker: z.boolean().optional(),
  /** Fee charged, Micros, when known (negative would be a rebate: kept as the exchange said it). */
  fee: z.number().int().optional(),
  /** Exchange time of the fill, epoch ms. */
  ts: z.number().int().nonnegative(),
  shardId: z.string().optional(),
});
export type FillRecord = z.infer<typeof fillRecordSchema>;

/** Fills are kept for a year (tax and PnL history); PITR covers disasters. */
const FILL_TTL_DAYS = 400;

export class FillStore {
  readonly stats: ReadStats = { dropped: 0 };

  constructor(private readonly table: TableRef) {}

  /** Records a fill once; `inserted: false` means this trade id was already stored. */
  async put(fill: FillRecord): Promise<{ inserted: boolean }> {
    const record = fillRecordSchema.parse(fill);
    const inserted = await putOnce(this.table, {
      pk: `FILL#${keyPart('tradeId', record.tradeId)}`,
      sk: 'FILL',
      gsi1pk: `FILLS#${keyPart('eventTicker', record.eventTicker)}`,
      gsi1sk: `${timeKey(record.ts)}#${record.tradeId}`,
      ttl: ttlAfter(record.ts, FILL_TTL_DAYS),
      ...record,
    });
    return { inserted };
  }

  /** A game's fills at or after `since` (epoch ms), oldest first. */
  async listByGame(eventTicker: string, since = 0): Promise<FillRecord[]> {
    const items = await queryAll(this.table, {
      index: GSI1,
      keyName: 'gsi1pk',
      key: `FILLS#${keyPart('eventTicker', eventTicker)}`,
      from: timeKey(since),
    });
    const out: FillRecord[] = [];
    for (const item of items) {
      const parsed = fillRecordSchema.safeParse(item);
      if (parsed.success) out.push(parsed.data);
      else this.stats.dropped++;
    }
    return out;
  }
}
