/**
 * Plumbing every store module shares: the document-client options the
 * records need, the condition-failure test, and key formatting.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';

/** Document client with the marshalling options the store relies on (optional fields may be undefined). */
export function makeDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}

/** True when a write lost its condition (the expected outcome of a lost race, not a fault). */
export function isConditionFailed(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    'name' in err &&
    ((err as { name: unknown }).name === 'ConditionalCheckFailedException' ||
      (err as { name: unknown }).name === 'TransactionCanceledException')
  );
}

/** Epoch ms as a fixed-width string so lexicographic sort keys sort by time. */
export function timeKey(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0)
    throw new RangeError(`time key needs a non-negative integer ms, got ${ms}`);
  return String(ms).padStart(15, '0');
}

/** Rejects key parts that would break the `PREFIX#part` key grammar. */
export function keyPart(name: string, value: string): string {
  if (value.length === 0 || value.length > 200 || value.includes('#')) {
    throw new RangeError(
      `${name} must be 1-200 characters without '#', got ${JSON.stringify(value.slice(0, 40))}`,
    );
  }
  return value;
}

/** Where a store module writes: the injected document client and the table name. */
export interface TableRef {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** Counts of stored items that failed to parse on read (dropped, never returned half-valid). */
export interface ReadStats {
  dropped: number;
}

/** Writes an item only if its key is new: false means it was already there (idempotent writes). */
export async function putOnce(table: TableRef, item: Record<string, unknown>): Promise<boolean> {
  try {
    await table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}

/**
 * Writes a versioned item only when none is stored or the stored one is strictly older: a late or
 * retried writer never replaces a newer record. False means the stored one was as new or newer.
 */
export async function putIfNewer(
  table: TableRef,
  item: Record<string, unknown>,
  version: number,
): Promise<boolean> {
  try {
    await table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...item, version },
        ConditionExpression: 'attribute_not_exists(pk) OR version < :v',
        ExpressionAttributeValues: { ':v': version },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}

/** Every item of the given keys (BatchGet in chunks of 100, unprocessed keys retried up to 8 times). */
export async function batchGetAll(
  table: TableRef,
  keys: readonly Record<string, unknown>[],
  label: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let chunk: Record<string, unknown>[] = keys.slice(i, i + 100);
    for (let attempt = 0; chunk.length > 0; attempt++) {
      if (attempt >= 8) throw new Error(`${label}: ${chunk.length} keys still unprocessed after 8 attempts`);
      const out = await table.doc.send(
        new BatchGetCommand({ RequestItems: { [table.tableName]: { Keys: chunk, ConsistentRead: true } } }),
      );
      items.push(...(out.Responses?.[table.tableName] ?? []));
      chunk = (out.UnprocessedKeys?.[table.tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
  }
  return items;
}

/** What a record schema offers a reader (a zod schema fits). */
export interface RecordParser<T> {
  safeParse(item: unknown): { success: true; data: T } | { success: false };
}

/**
 * Reads one kind of per-game record (a fixed sort key under the game's partition): one game or many,
 * consistently; a stored record that does not parse is counted in `stats.dropped` and never returned,
 * so nothing is priced from it.
 */
export class GameRecordReader<T extends { eventId: string }> {
  readonly stats: ReadStats = { dropped: 0 };

  constructor(
    private readonly table: TableRef,
    private readonly o: {
      schema: RecordParser<T>;
      pkOf: (eventId: string) => string;
      sk: string;
      /** Names the read in errors, e.g. `theos.getMany`. */
      label: string;
    },
  ) {}

  async get(eventId: string): Promise<T | null> {
    const out = await this.table.doc.send(
      new GetCommand({
        TableName: this.table.tableName,
        Key: { pk: this.o.pkOf(eventId), sk: this.o.sk },
        ConsistentRead: true,
      }),
    );
    return out.Item ? this.parse(out.Item) : null;
  }

  /** Many games' records (BatchGet in chunks of 100, unprocessed keys retried), by event id. */
  async getMany(eventIds: readonly string[]): Promise<Map<string, T>> {
    const result = new Map<string, T>();
    const keys = [...new Set(eventIds)].map((id) => ({ pk: this.o.pkOf(id), sk: this.o.sk }));
    for (const item of await batchGetAll(this.table, keys, this.o.label)) {
      const record = this.parse(item);
      if (record) result.set(record.eventId, record);
    }
    return result;
  }

  parse(item: Record<string, unknown>): T | null {
    const parsed = this.o.schema.safeParse(item);
    if (!parsed.success) {
      this.stats.dropped++;
      return null;
    }
    return parsed.data;
  }
}

/** Every item of one key range (`key` = the partition, sort key ≥ `from`), across pages. */
export async function queryAll(
  table: TableRef,
  input: {
    index?: string;
    keyName: string;
    key: string;
    from: string;
    newestFirst?: boolean;
    limit?: number;
  },
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const skName = input.index ? 'gsi1sk' : 'sk';
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: input.index,
        KeyConditionExpression: `${input.keyName} = :p AND ${skName} >= :from`,
        ExpressionAttributeValues: { ':p': input.key, ':from': input.from },
        ScanIndexForward: !input.newestFirst,
        Limit: input.limit,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = input.limit !== undefined && items.length >= input.limit ? undefined : page.LastEvaluatedKey;
  } while (start);
  return input.limit !== undefined ? items.slice(0, input.limit) : items;
}
