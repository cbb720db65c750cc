/**
 * Theos: one current record per game (Odds API event id), versioned by the
 * theo's `asOf` time. A write only lands if it is strictly newer than what is
 * stored, so a slow poll finishing after a fast refresh can never roll a theo back.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { Theo } from '../odds/aggregate.ts';
import {
  batchGetAll,
  keyPart,
  putIfNewer,
  queryAll,
  type ReadStats,
  type TableRef,
  timeKey,
} from './client.ts';
import { GSI1, ttlAfter } from './table.ts';

export const theoOutcomeSchema = z.object({
  name: z.string().min(1),
  probability: z.number().gt(0).lt(1),
});

/** What the store keeps per game. `asOf` (epoch ms) is the record's version. */
export const theoRecordSchema = z.object({
  eventId: z.string().min(1),
  sportKey: z.string().min(1),
  homeTeam: z.string().min(1),
  awayTeam: z.string().min(1),
  /** Odds feed commence time, epoch ms. */
  commenceTime: z.number().int().nonnegative(),
  outcomes: z.array(theoOutcomeSchema).min(2).max(3),
  method: z.string().min(1),
  booksUsed: z.array(z.string()),
  booksDropped: z.number().int().nonnegative(),
  /** Version: when the theo was computed from the odds, epoch ms. */
  asOf: z.number().int().nonnegative(),
  source: z.enum(['poll', 'refresh', 'manual']),
  threeWay: z.boolean().optional(),
  anchorUsed: z.boolean().optional(),
  /** (Σw)² / Σw² of the book weights. */
  effectiveBooks: z.number().nonnegative().optional(),
  dispersion: z.number().nonnegative().optional(),
  /**
   * Each used book's no-vig probabilities, aligned with `outcomes` (the calibration against
   * Pinnacle alone and against the plain average of books). Absent in records written before.
   */
  bookFair: z
    .array(z.object({ key: z.string().min(1), probabilities: z.array(z.number().min(0).max(1)) }))
    .optional(),
});
export type TheoRecord = z.infer<typeof theoRecordSchema>;

/** The record of an aggregated theo (shared/odds/aggregate.ts); times become epoch ms. */
export function theoRecordFromTheo(theo: Theo, source: TheoRecord['source']): TheoRecord {
  const commenceTime = Date.parse(theo.commenceTime);
  const asOf = Date.parse(theo.asOf);
  if (!Number.isFinite(commenceTime))
    throw new RangeError(`theo.commenceTime is not a time: ${theo.commenceTime}`);
  if (!Number.isFinite(asOf)) throw new RangeError(`theo.asOf is not a time: ${theo.asOf}`);
  return {
    eventId: theo.eventId,
    sportKey: theo.sportKey,
    homeTeam: theo.homeTeam,
    awayTeam: theo.awayTeam,
    commenceTime,
    outcomes: theo.outcomes.map((o) => ({ name: o.name, probability: o.probability })),
    method: theo.method,
    booksUsed: theo.books.used.map((b) => b.key),
    booksDropped: theo.books.dropped.length,
    asOf,
    source,
    threeWay: theo.threeWay,
    anchorUsed: theo.anchorUsed,
    effectiveBooks: theo.effectiveBooks,
    dispersion: theo.dispersion,
    // Only for the calibration: a book whose numbers would not validate is left out, never the theo.
    bookFair: theo.books.used
      .filter(
        (b) =>
          b.probabilities.length === theo.outcomes.length &&
          b.probabilities.every((p) => Number.isFinite(p) && p >= 0 && p <= 1),
      )
      .map((b) => ({ key: b.key, probabilities: [...b.probabilities] })),
  };
}

export type PutTheoResult = { written: true } | { written: false; reason: 'not-newer' };

/** Theos stay readable a week past commence time, then expire. */
const THEO_TTL_DAYS_AFTER_START = 7;

const pkOf = (eventId: string) => `THEO#${keyPart('eventId', eventId)}`;
const SK = 'THEO';

export class TheoStore {
  readonly stats: ReadStats = { dropped: 0 };

  constructor(private readonly table: TableRef) {}

  /** Conditional write: lands only when no theo is stored or the stored one is strictly older. */
  async put(theo: TheoRecord): Promise<PutTheoResult> {
    const record = theoRecordSchema.parse(theo);
    const probSum = record.outcomes.reduce((s, o) => s + o.probability, 0);
    if (Math.abs(probSum - 1) > 1e-6)
      throw new RangeError(`theo.outcomes probabilities sum to ${probSum}, not 1`);
    const written = await putIfNewer(
      this.table,
      {
        pk: pkOf(record.eventId),
        sk: SK,
        gsi1pk: `THEOS#${keyPart('sportKey', record.sportKey)}`,
        gsi1sk: `${timeKey(record.commenceTime)}#${record.eventId}`,
        ttl: ttlAfter(record.commenceTime, THEO_TTL_DAYS_AFTER_START),
        ...record,
      },
      record.asOf,
    );
    return written ? { written: true } : { written: false, reason: 'not-newer' };
  }

  async get(eventId: string): Promise<TheoRecord | null> {
    const out = await this.table.doc.send(
      new GetCommand({
        TableName: this.table.tableName,
        Key: { pk: pkOf(eventId), sk: SK },
        ConsistentRead: true,
      }),
    );
    return out.Item ? this.parse(out.Item) : null;
  }

  /** Current theos for many games (BatchGet in chunks of 100, unprocessed keys retried). */
  async getMany(eventIds: readonly string[]): Promise<Map<string, TheoRecord>> {
    const result = new Map<string, TheoRecord>();
    const keys = [...new Set(eventIds)].map((id) => ({ pk: pkOf(id), sk: SK }));
    for (const item of await batchGetAll(this.table, keys, 'theos.getMany')) {
      const theo = this.parse(item);
      if (theo) result.set(theo.eventId, theo);
    }
    return result;
  }

  /** Theos of one sport whose game starts at or after `commenceFrom` (epoch ms), in start order. */
  async listBySport(sportKey: string, commenceFrom = 0): Promise<TheoRecord[]> {
    const items = await queryAll(this.table, {
      index: GSI1,
      keyName: 'gsi1pk',
      key: `THEOS#${keyPart('sportKey', sportKey)}`,
      from: timeKey(commenceFrom),
    });
    return items.flatMap((item) => {
      const theo = this.parse(item);
      return theo ? [theo] : [];
    });
  }

  private parse(item: Record<string, unknown>): TheoRecord | null {
    const parsed = theoRecordSchema.safeParse(item);
    if (!parsed.success) {
      this.stats.dropped++;
      return null;
    }
    return parsed.data;
  }
}
