/**
 * Item 11 of issue 18: the fencing the docs promise, on local DynamoDB. A worker whose lease moved
 * to another task can no longer put an order on the exchange; its local validity ends by more than
 * a write's flight time + clock skew before anyone else may take the shard; and a worker of a new
 * shard layout does not trade while one of the old layout still holds a lease.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deployConfigSchema } from '../../../infra/config.ts';
import { ManualClock, systemClock } from '../../../shared/clock.ts';
import { KalshiApiError, KalshiFencedError } from '../../../shared/kalshi/errors.ts';
import { DEFAULT_TIMEOUTS, KalshiRestClient } from '../../../shared/kalshi/rest-client.ts';
import { createRsaSigner } from '../../../shared/kalshi/signer.ts';
import { LeaseKeeper } from '../../../shared/store/index.ts';
import { DEFAULT_MAX_WRITE_MS } from '../../../shared/store/lease-keeper.ts';
import { MAX_SHARDS, otherLayoutLease } from '../../../shared/store/shard-layout.ts';
import { runWithIo as run, store, useLocalStore } from '../../support/local-store.ts';
import { json, keyPair, ORDER, startServer } from '../kalshi/support.ts';

useLocalStore();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('a write refused after the lease moved', () => {
  it('the old holder’s create never reaches the exchange once another task holds the shard', async () => {
    const clock = new ManualClock(20_000_000);
    const lost: string[] = [];
    const a = new LeaseKeeper({
      store: store.leases,
      shardId: 's-fence',
      owner: 'task-a',
      clock,
      onLost: (r) => lost.push(r),
    });
    const leaseA = await a.acquire();
    const server = await startServer((_req, res) =>
      json(res, 400, { error: { code: 'invalid_price', message: 'not on the grid' } }),
    );
    cleanups.push(() => server.close());
    const rest = new KalshiRestClient({
      baseUrl: server.baseUrl,
      signer: createRsaSigner({ keyId: 'test-key', privateKeyPem: keyPair.privatePem }),
      clock: systemClock,
      limiter: false,
      // As the session wires it: the lease's local validity is the write fence.
      writeFence: () => (a.valid(clock.now()) ? null : 'shard lease lost'),
    });
    cleanups.push(() => rest.close());

    // While A holds the shard, its write reaches the exchange (which refuses the price).
    expect(
      await rest.createOrder({ ...ORDER, client_order_id: 'a-1' }).catch((e: unknown) => e),
    ).toBeInstanceOf(KalshiApiError);
    expect(server.requests).toHaveLength(1);

    // The lease moves to task B (an operator, or a skewed clock); A's next renewal is refused.
    await store.leases.release(leaseA, clock.now());
    const b = await store.leases.acquire('s-fence', 'task-b', clock.now(), 30_000);
    expect(b.acquired).toBe(true);
    await run(clock, 6_000);
    expect(lost).toEqual(['superseded']);

    const err = await rest.createOrder({ ...ORDER, client_order_id: 'a-2' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KalshiFencedError);
    expect(server.requests).toHaveLength(1); // nothing more reached the exchange
    await expect(store.leases.assertFence('s-fence', leaseA.token, clock.now())).rejects.toMatchObject({
      reason: 'superseded',
    });
  });

  it('a partitioned holder’s validity ends by more than a write’s flight + skew before the stored expiry', async () => {
    const clock = new ManualClock(30_000_000);
    const partitioned = {
      acquire: store.leases.acquire.bind(store.leases),
      release: store.leases.release.bind(store.leases),
      renew: async () => {
        throw new Error('ECONNRESET');
      },
    };
    const renewErrors: unknown[] = [];
    const a = new LeaseKeeper({
      store: partitioned,
      shardId: 's-margin',
      owner: 'task-a',
      clock,
      onRenewError: (e) => renewErrors.push(e),
    });
    const lease = await a.acquire();
    // Step a second at a time: the last valid instant is a write's flight + skew before expiry.
    let lastValid = clock.now();
    while (a.valid(clock.now())) {
      lastValid = clock.now();
      await run(clock, 1_000);
    }
    expect(lease.expiresAt - lastValid).toBeGreaterThan(DEFAULT_TIMEOUTS.requestMs + 2_000);
    // Every failed renewal was reported (the worker logs them: lease_renew_failed).
    expect(renewErrors.length).toBeGreaterThan(0);
    await a.release();
  });

  it('refuses a margin that does not cover a write’s flight time plus clock skew', () => {
    const clock = new ManualClock(0);
    const keeper = (o: Record<string, number>) => () =>
      new LeaseKeeper({ store: store.leases, shardId: 'x', owner: 'y', clock, ...o });
    expect(keeper({ safetyMarginMs: 3_000 })).toThrow(/maxWriteMs \+ clockSkewMs/);
    expect(keeper({ safetyMarginMs: 9_000, maxWriteMs: 8_000, clockSkewMs: 2_000 })).toThrow(/in flight/);
    expect(keeper({})).not.toThrow();
    // The keeper's default flight time is the REST client's per-attempt timeout.
    expect(DEFAULT_MAX_WRITE_MS).toBe(DEFAULT_TIMEOUTS.requestMs);
  });
});

describe('re-sharding while workers run', () => {
  it('a worker of the new layout waits until the old layout’s lease is gone, then trades', async () => {
    const clock = new ManualClock(40_000_000);
    // The old layout: SHARD_COUNT=1, shard 0 (every game).
    const old = new LeaseKeeper({ store: store.leases, shardId: '0', owner: 'old', clock, shardCount: 1 });
    await old.acquire();
    const waits: string[] = [];
    const fresh = new LeaseKeeper({
      store: store.leases,
      shardId: '1',
      owner: 'new',
      clock,
      shardCount: 2,
      layoutCheck: () => otherLayoutLease(store.leases, 2, '1', clock.now()),
      onLayoutWait: (h) => waits.push(`${h.shardId}:${h.shardCount}`),
    });
    let got = false;
    const acquired = fresh.acquire().then((l) => {
      got = true;
      return l;
    });
    await run(clock, 10_000);
    expect(got).toBe(false);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits[0]).toBe('0:1');
    // It gave its own lease back each time: no shard-1 lease stays live for the old layout to see.
    expect((await store.leases.current('1'))!.expiresAt).toBeLessThanOrEqual(clock.now());
    await old.release();
    await run(clock, 4_000);
    const lease = await acquired;
    expect(lease.shardCount).toBe(2);
    expect(fresh.valid(clock.now())).toBe(true);
    // A new-layout worker of shard 0 now sees only its own layout.
    expect(await otherLayoutLease(store.leases, 2, '0', clock.now())).toBeNull();
    await fresh.release();
  });

  it('MAX_SHARDS covers every shard the deploy config allows', () => {
    const max = deployConfigSchema.shape.shards.unwrap().maxValue;
    expect(max).toBe(MAX_SHARDS);
  });
});
