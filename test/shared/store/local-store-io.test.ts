/**
 * The stepper behind every store test whose clock is manual and whose I/O is real: a step is over only
 * when the store work its timers started has been answered, however slow the store (last stop's CI
 * failed on a lease test that slept a fixed 25 ms per step on a loaded machine and asserted mid-flight).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import { createStore } from '../../../shared/store/index.ts';
import { LeaseKeeper } from '../../../shared/store/lease-keeper.ts';
import { otherLayoutLease } from '../../../shared/store/shard-layout.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';
import { runWithIo } from '../../support/local-store.ts';

let db: LocalDynamo;
beforeAll(async () => {
  db = await startDynalite(undefined, { latencyMs: 60 });
});
afterAll(async () => {
  await db.close();
});

describe('runWithIo on a slow store', () => {
  it('ends a step only after the store round trips its timers started', async () => {
    const store = createStore(db.doc, db.tableName);
    const clock = new ManualClock(50_000_000);
    const done: number[] = [];
    // A timer that makes two sequential round trips, as a lease renewal does (renew, then report).
    clock.setTimeout(async () => {
      await store.leases.acquire('slow', 'a', clock.now(), 30_000);
      await store.leases.current('slow');
      done.push(clock.now());
    }, 500);
    await runWithIo(clock, 1_000);
    // Both round trips were answered inside the step (the clock reads the step's end by then).
    expect(done).toEqual([50_001_000]);
  });

  it('a new-layout keeper waiting on an old lease never leaves its own lease live between steps', async () => {
    const store = createStore(db.doc, db.tableName);
    const clock = new ManualClock(60_000_000);
    const old = new LeaseKeeper({ store: store.leases, shardId: '0', owner: 'old', clock, shardCount: 1 });
    await old.acquire();
    const fresh = new LeaseKeeper({
      store: store.leases,
      shardId: '1',
      owner: 'new',
      clock,
      shardCount: 2,
      layoutCheck: () => otherLayoutLease(store.leases, 2, '1', clock.now()),
    });
    const acquired = fresh.acquire();
    for (let i = 0; i < 4; i++) {
      await runWithIo(clock, 1_000);
      expect((await store.leases.current('1'))!.expiresAt).toBeLessThanOrEqual(clock.now());
    }
    await old.release();
    await runWithIo(clock, 4_000);
    expect((await acquired).shardCount).toBe(2);
    await fresh.release();
  });
});
