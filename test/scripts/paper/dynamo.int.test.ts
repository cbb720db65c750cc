/**
 * The paper stack's local DynamoDB closes without a write landing on a closed database: writes it
 * had already received finish first, and a write arriving once it is closing is refused with a
 * clear error (and counted), never dynalite's uncaught "Database is closed".
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { startPaperDynamo } from '../../../scripts/paper/dynamo.ts';

const item = (i: number) => ({ pk: `TEST#${i}`, sk: 'x', payload: 'p'.repeat(2_000) });

/** Waits on a condition of real I/O by yielding to the event loop, never by a fixed sleep. */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setImmediate(r));
}

describe('paper DynamoDB close', () => {
  it('lets the writes it received finish before closing the database', async () => {
    const d = await startPaperDynamo();
    const puts = Array.from({ length: 100 }, (_, i) =>
      d.doc.send(new PutCommand({ TableName: d.tableName, Item: item(i) })).then(
        () => 'ok',
        (e: Error) => e.name,
      ),
    );
    // Close while the store is handling writes (the shutdown the lockstep child died on).
    await until(() => d.requestsInFlight() > 0);
    const accepted = d.requestsInFlight();
    await d.close();
    const results = await Promise.all(puts);
    expect(d.requestsInFlight()).toBe(0);
    // Every write the store had received landed; any other was refused, none crashed the process.
    const ok = results.filter((r) => r === 'ok').length;
    expect(ok).toBeGreaterThanOrEqual(accepted);
    // Anything else was refused as the store closed, by name, and counted.
    expect(results.filter((r) => r !== 'ok').every((r) => r === 'ServiceUnavailable')).toBe(true);
    expect(d.refusedWhileClosing()).toBeGreaterThanOrEqual(100 - ok);
  });

  it('refuses a write that arrives while it is closing, with a clear error, counted and logged', async () => {
    const logs: Record<string, unknown>[] = [];
    const d = await startPaperDynamo(undefined, (e) => logs.push(e));
    // A first write in flight holds the close open; the late one is sent while it is closing.
    const first = d.doc.send(new PutCommand({ TableName: d.tableName, Item: item(1) }));
    await until(() => d.requestsInFlight() > 0);
    const closing = d.close();
    const late = await d.doc.send(new PutCommand({ TableName: d.tableName, Item: item(2) })).then(
      () => null,
      (e: Error) => e,
    );
    await first;
    await closing;
    expect(late).toBeInstanceOf(Error);
    expect(late?.name).toBe('ServiceUnavailable');
    expect(late?.message).toMatch(/closing/);
    expect(d.refusedWhileClosing()).toBe(1);
    expect(logs).toEqual([
      { level: 'warn', msg: 'store requests refused at shutdown', refused: 1, tableName: d.tableName },
    ]);
  });

  it('never crashes the process when another client keeps writing while it closes', async () => {
    // Before: dynalite threw an uncaught "Database is closed" (the lockstep child died on it).
    const d = await startPaperDynamo();
    const other = new DynamoDBClient({
      endpoint: d.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'other', secretAccessKey: 'other' },
      maxAttempts: 1,
    });
    let writing = true;
    const writers = Array.from({ length: 20 }, async (_, w) => {
      for (let i = 0; writing; i++) {
        const Item = { pk: { S: `TEST#${w}#${i}` }, sk: { S: 'x' }, payload: { S: 'p'.repeat(2_000) } };
        await other.send(new PutItemCommand({ TableName: d.tableName, Item })).catch(() => {});
      }
    });
    await until(() => d.requestsInFlight() > 0);
    await d.close();
    writing = false;
    await Promise.all(writers);
    other.destroy();
    // The check that matters is Vitest's: no uncaught exception. Nothing is left half-handled.
    expect(d.requestsInFlight()).toBe(0);
  });
});
