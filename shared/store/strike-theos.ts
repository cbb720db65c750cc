/**
 * Strike theos: beside each game's winner theo (theos.ts, same partition), the
 * game's fitted margin and total distributions, the books' consensus curves
 * and the lines they came from — everything `strikeTheo` reads, so the worker
 * prices any Kalshi strike from the store exactly as the fit would. Refusals
 * are stored too (a refused kind is a reason, never a missing field), with the
 * lines dropped and why. Versioned by `asOf` like the winner theo: a slow poll
 * never rolls a newer fit back.
 */
import { type StrikeTheoRecord, strikeTheoRecordSchema } from '../pricing/strike-record.ts';
import { GameRecordReader, keyPart, putIfNewer, type ReadStats, type TableRef } from './client.ts';
import { ttlAfter } from './table.ts';

export {
  MAX_DROPPED_KEPT,
  pricedGameFromRecord,
  type StoredFit,
  type StrikeTheoRecord,
  strikeTheoRecordFromGame,
  strikeTheoRecordSchema,
} from '../pricing/strike-record.ts';

export type PutStrikeTheoResult = { written: true } | { written: false; reason: 'not-newer' };

/** Kept as long as the winner theo: a week past commence time. */
const STRIKE_THEO_TTL_DAYS_AFTER_START = 7;

const pkOf = (eventId: string) => `THEO#${keyPart('eventId', eventId)}`;
const SK = 'STRIKES';

export class StrikeTheoStore {
  private readonly reader: GameRecordReader<StrikeTheoRecord>;
  readonly stats: ReadStats;

  constructor(private readonly table: TableRef) {
    this.reader = new GameRecordReader(table, {
      schema: strikeTheoRecordSchema,
      pkOf,
      sk: SK,
      label: 'strikeTheos.getMany',
    });
    this.stats = this.reader.stats;
  }

  /** Conditional write: lands only when none is stored or the stored one is strictly older. */
  async put(theo: StrikeTheoRecord): Promise<PutStrikeTheoResult> {
    const record = strikeTheoRecordSchema.parse(theo);
    const written = await putIfNewer(
      this.table,
      {
        pk: pkOf(record.eventId),
        sk: SK,
        ttl: ttlAfter(record.commenceTime, STRIKE_THEO_TTL_DAYS_AFTER_START),
        ...record,
      },
      record.asOf,
    );
    return written ? { written: true } : { written: false, reason: 'not-newer' };
  }

  /** A record that does not parse is counted and dropped: no strike is priced from it. */
  get(eventId: string): Promise<StrikeTheoRecord | null> {
    return this.reader.get(eventId);
  }

  /** Current strike theos for many games. */
  getMany(eventIds: readonly string[]): Promise<Map<string, StrikeTheoRecord>> {
    return this.reader.getMany(eventIds);
  }
}
