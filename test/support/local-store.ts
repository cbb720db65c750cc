/**
 * One local DynamoDB table (dynalite) for a whole test file, and a clock
 * stepper for tests whose time is manual but whose store I/O is real.
 * `useLocalStore()` starts the table before the file's tests and closes it
 * after (`useLocalStorePerTest()`: one table per test); `store` is a live binding to it. Integration tests only.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { ManualClock } from '../../shared/clock.ts';
import { createStore, type Store } from '../../shared/store/index.ts';
import { type LocalDynamo, startDynalite, storeRequestsInFlight } from './dynalite.ts';

let db: LocalDynamo;
export let store: Store;

export function useLocalStore(): void {
  beforeAll(async () => {
    db = await startDynalite();
    store = createStore(db.doc, db.tableName);
  });
  afterAll(async () => {
    await db.close();
  });
}

/** A fresh local DynamoDB table for each test of the file, all closed after the file's tests. */
export function useLocalStorePerTest(): void {
  const open: LocalDynamo[] = [];
  afterAll(async () => {
    await Promise.all(open.map((o) => o.close()));
  });
  beforeEach(async () => {
    const db = await startDynalite();
    open.push(db);
    store = createStore(db.doc, db.tableName);
  });
}

/**
 * Advance a ManualClock in steps; after each, wait until the store work the step started has been
 * answered (no request in flight over two event-loop turns: the code is then parked on the clock),
 * however slow the store. Never a fixed real-time sleep: a loaded CI machine outlasts any.
 */
export async function runWithIo(clock: ManualClock, ms: number, step = 1_000): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await storeSettled();
  }
}

/** Resolves once no local store request has been in flight for two consecutive event-loop turns. */
export async function storeSettled(): Promise<void> {
  for (let quiet = 0; quiet < 2; ) {
    await new Promise((r) => setTimeout(r, 1));
    quiet = storeRequestsInFlight() === 0 ? quiet + 1 : 0;
  }
}
