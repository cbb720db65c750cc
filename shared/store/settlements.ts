/**
 * Settlements of our positions, idempotent by market (a market settles once): the settlement
 * poller and a replay may both report one; only the first write lands. Kept as long as the fills
 * (a year): realised PnL is the fills and these together (shared/pnl/realised.ts).
 */
import * as z from 'zod';
import { keyPart, putOnce, queryAll, type ReadStats, type TableRef, timeKey } from './client.ts';
import { GSI1, ttlAfter } from './table.ts';

export const settlementRecordSchema = z.object({
  ticker: z.string().min(1),
  eventTicker: z.string().min(1),
  /** The market's result as Kalshi reports it ("yes", "no", "scalar"…). */
  result: z.string().min(1),
  /** What one YES contract paid, Micros, in [0, $1]. */
  value: z.number().int().min(0).max(1_000_000),
  /** Our position when it settled, Centis (+ YES, − NO), as Kalshi counted it. */
  position: z.number().int(),
  /** What Kalshi paid us, Micros. */
  revenue: z.number().int(),
  /** Settlement fee, Micros. */
  fee: z.number().int(),
  /** Settlement time, epoch ms. */
  ts: z.number().int().nonnegative(),
});
export type SettlementRecord = z.infer<typeof settlementRecordSchema>;

const SETTLEMENT_TTL_DAYS = 400;

export class SettlementStore {
  readonly stats: ReadStats = { dropped: 0 };

  constructor(private readonly table: TableRef) {}

  /** Records a settlement once; `inserted: false` means this market's settlement was already stored. */
  async put(settlement: SettlementRecord): Promise<{ inserted: boolean }> {
    const record = settlementRecordSchema.parse(settlement);
    const inserted = await putOnce(this.table, {
      pk: `SETTLE#${keyPart('ticker', record.ticker)}`,
      sk: 'SETTLE',
      gsi1pk: `SETTLES#${keyPart('eventTicker', record.eventTicker)}`,
      gsi1sk: `${timeKey(record.ts)}#${record.ticker}`,
      ttl: ttlAfter(record.ts, SETTLEMENT_TTL_DAYS),
      ...record,
    });
    return { inserted };
  }

  /** A game's settlements, oldest first; unreadable items are counted in `stats.dropped`. */
  async listByGame(eventTicker: string): Promise<SettlementRecord[]> {
    const items = await queryAll(this.table, {
      index: GSI1,
      keyName: 'gsi1pk',
      key: `SETTLES#${keyPart('eventTicker', eventTicker)}`,
      from: timeKey(0),
    });
    const out: SettlementRecord[] = [];
    for (const item of items) {
      const parsed = settlementRecordSchema.safeParse(item);
      if (parsed.success) out.push(parsed.data);
      else this.stats.dropped++;
    }
    return out;
  }
}
