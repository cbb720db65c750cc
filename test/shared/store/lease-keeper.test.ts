import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import { fnv1a32, LeaseKeeper, shardOf } from '../../../shared/store/index.ts';
import { runWithIo as run, store, useLocalStore } from '../../support/local-store.ts';

useLocalStore();

describe('LeaseKeeper: two workers, one shard', () => {
  it('the second waits; the first renews and keeps it; on release the second takes over with a larger token', async () => {
    const clock = new ManualClock(1_000_000);
    const a = new LeaseKeeper({ store: store.leases, shardId: 's-keep', owner: 'task-a', clock });
    const b = new LeaseKeeper({ store: store.leases, shardId: 's-keep', owner: 'task-b', clock });
    const leaseA = await a.acquire();
    let bGot = false;
    const bAcquired = b.acquire().then((l) => {
      bGot = true;
      return l;
    });
    await run(clock, 60_000);
    // 60 s is two lease lengths: only renewals can have kept A's lease alive.
    expect(bGot).toBe(false);
    expect(a.valid(clock.now())).toBe(true);
    expect(b.valid(clock.now())).toBe(false);
    await store.leases.assertFence('s-keep', leaseA.token, clock.now());

    await a.release();
    expect(a.valid(clock.now())).toBe(false);
    await run(clock, 3_000);
    const leaseB = await bAcquired;
    expect(leaseB.token).toBe(leaseA.token + 1);
    expect(b.token()).toBe(leaseB.token);
    await b.release();
  });

  it('a partitioned holder stops being valid before the other task can take over after expiry', async () => {
    const clock = new ManualClock(5_000_000);
    // A's heartbeats cannot reach the store (partition): renew always fails with a network error.
    const partitioned = {
      ...store.leases,
      acquire: store.leases.acquire.bind(store.leases),
      release: store.leases.release.bind(store.leases),
      renew: async () => {
        throw new Error('ECONNRESET');
      },
    };
    const a = new LeaseKeeper({
      store: partitioned,
      shardId: 's-stall',
      owner: 'task-a',
      clock,
    });
    await a.acquire();
    expect(a.valid(clock.now())).toBe(true);
    await run(clock, 20_000);
    // Local validity ends a safety margin before the stored expiry, before anyone else can take over.
    expect(a.valid(clock.now())).toBe(false);
    const b = new LeaseKeeper({ store: store.leases, shardId: 's-stall', owner: 'task-b', clock });
    const bAcquired = b.acquire();
    await run(clock, 12_000);
    const leaseB = await bAcquired;
    expect(b.valid(clock.now())).toBe(true);
    expect(leaseB.token).toBeGreaterThan(a.token() ?? 0);
    expect(a.valid(clock.now())).toBe(false);
    await b.release();
  });

  it('after a store blip the lease is valid again within the retry floor, not a whole renewal period later', async () => {
    const clock = new ManualClock(7_000_000);
    let down = false;
    const errors: unknown[] = [];
    const blippy = {
      acquire: store.leases.acquire.bind(store.leases),
      release: store.leases.release.bind(store.leases),
      renew: async (...a: Parameters<typeof store.leases.renew>) => {
        if (down) throw new Error('ECONNREFUSED');
        return store.leases.renew(...a);
      },
    };
    // The chaos settings: 15-s lease, 3-s margin, renewal every 2.5 s.
    const a = new LeaseKeeper({
      store: blippy,
      shardId: 's-blip',
      owner: 'task-a',
      clock,
      ttlMs: 15_000,
      maxWriteMs: 2_000,
      clockSkewMs: 0,
      onRenewError: (e) => errors.push(e),
    });
    await a.acquire();
    await run(clock, 2_000, 250);
    down = true; // every renewal from 2.5 s on fails; validity (expiry − margin) ends at 12 s
    await run(clock, 10_500, 250);
    expect(a.valid(clock.now())).toBe(false);
    expect(errors.length).toBeGreaterThan(0);
    down = false; // the store answers again at 12.5 s
    await run(clock, 1_250, 250);
    // Within the retry cap (1 s) plus one step: before, the next try came a whole period (2.5 s) later.
    expect(a.valid(clock.now())).toBe(true);
    expect(a.token()).not.toBeNull();
    await a.release();
  });

  it('a renewal refused by the store marks the lease lost for good', async () => {
    const clock = new ManualClock(9_000_000);
    const lost: string[] = [];
    const a = new LeaseKeeper({
      store: store.leases,
      shardId: 's-lost',
      owner: 'task-a',
      clock,
      onLost: (r) => lost.push(r),
    });
    const leaseA = await a.acquire();
    // Someone force-expires and takes the shard (e.g. an operator, or a skewed clock).
    await store.leases.release(leaseA, clock.now());
    const other = await store.leases.acquire('s-lost', 'task-b', clock.now(), 15_000);
    expect(other.acquired).toBe(true);
    await run(clock, 6_000);
    expect(lost).toEqual(['superseded']);
    expect(a.token()).toBeNull();
    expect(a.valid(clock.now())).toBe(false);
  });

  it('rejects settings where the heartbeat could miss the lease', () => {
    const clock = new ManualClock(0);
    expect(
      () =>
        new LeaseKeeper({
          store: store.leases,
          shardId: 'x',
          owner: 'y',
          clock,
          ttlMs: 6_000,
          renewEveryMs: 4_000,
        }),
    ).toThrow(/renewEveryMs/);
  });
});

describe('shard assignment', () => {
  it('FNV-1a matches the reference vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('is stable, in range, and spreads games across shards', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 16 }), (ticker, n) => {
        const s = shardOf(ticker, n);
        expect(s).toBe(shardOf(ticker, n));
        expect(Number.isInteger(s) && s >= 0 && s < n).toBe(true);
      }),
    );
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[shardOf(`KXNBAGAME-26NOV${i}BOSMIL`, 4)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
    expect(() => shardOf('X', 0)).toThrow(/shardCount/);
  });
});
