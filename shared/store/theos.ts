/**
 * Theos: one current record per game (Odds API event id), versioned by the
 * theo's `asOf` time. A write only lands if it is strictly newer than what is
 * stored, so a slow poll finishing after a fast refresh can never roll a theo back.
 */
import * as z from 'zod';
import type { Theo } from '../odds/aggregate.ts';
import {
  GameRecordReader,
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
  /**
   * The sharp anchor's fair probability minus the theo's, aligned with `outcomes`, while other books
   * lag it (shared/odds/aggregate.ts `sharpLean`). Absent: no book lags, or a record written before.
   */
  sharpLean: z.array(z.number().min(-1).max(1)).optional(),
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
    // Only when it would validate: a lean is a refinement, never a reason to lose the theo.
    ...(theo.sharpLean !== undefined &&
    theo.sharpLean.length === theo.outcomes.length &&
    theo.sharpLean.every((x) => Number.isFinite(x) && Math.abs(x) <= 1)
      ? { sharpLean: [...theo.sharpLean] }
      : {}),
  };
}

export type PutTheoResult = { written: true } | { written: false; reason: 'not-newer' };

/** Theos stay readable a week past commence time, then expire. */
const THEO_TTL_DAYS_AFTER_START = 7;

const pkOf = (eventId: string) => `THEO#${keyPart('eventId', eventId)}`;
const SK = 'THEO';

export class TheoStore {
  private readonly reader: GameRecordReader<TheoRecord>;
  /** Stored theos that did not parse (counted, never priced from). */
  readonly stats: ReadStats;

  constructor(private readonly table: TableRef) {
    this.reader = new GameRecordReader(table, {
      schema: theoRecordSchema,
      pkOf,
      sk: SK,
      label: 'theos.getMany',
    });
    this.stats = this.reader.stats;
  }

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

  get(eventId: string): Promise<TheoRecord | null> {
    return this.reader.get(eventId);
  }

  /** Current theos for many games (BatchGet in chunks of 100, unprocessed keys retried). */
  getMany(eventIds: readonly string[]): Promise<Map<string, TheoRecord>> {
    return this.reader.getMany(eventIds);
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
      const theo = this.reader.parse(item);
      return theo ? [theo] : [];
    });
  }
}
