import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import {
  CREDIT_TTL_MS,
  KalshiRateLimiter,
  PRIORITY,
  RateLimitError,
} from '../../../shared/kalshi/rate-limiter.ts';

const flush = () => new Promise<void>((r) => setImmediate(r));

describe('client-side token buckets', () => {
  it('admits up to capacity at once, then at the refill rate', async () => {
    const clock = new ManualClock(0);
    const lim = new KalshiRateLimiter(clock, {
      read: { refillPerSec: 10, capacity: 20 },
      write: { refillPerSec: 10, capacity: 10 },
    });
    let done = 0;
    for (let i = 0; i < 4; i++) void lim.acquire('write', 5, PRIORITY.write).then(() => done++);
    await flush();
    expect(done).toBe(2);
    clock.advance(499);
    await flush();
    expect(done).toBe(2);
    clock.advance(1);
    await flush();
    expect(done).toBe(3);
    clock.advance(500);
    await flush();
    expect(done).toBe(4);
  });

  it('serves cancels before creates when short, FIFO within a priority', async () => {
    const clock = new ManualClock(0);
    const lim = new KalshiRateLimiter(clock, {
      read: { refillPerSec: 10, capacity: 10 },
      write: { refillPerSec: 10, capacity: 10 },
    });
    await lim.acquire('write', 10, PRIORITY.create);
    const order: string[] = [];
    void lim.acquire('write', 10, PRIORITY.create).then(() => order.push('create-1'));
    void lim.acquire('write', 10, PRIORITY.create).then(() => order.push('create-2'));
    void lim.acquire('write', 2, PRIORITY.cancel).then(() => order.push('cancel-1'));
    void lim.acquire('write', 2, PRIORITY.cancel).then(() => order.push('cancel-2'));
    for (let i = 0; i < 30; i++) {
      clock.advance(100);
      await flush();
    }
    expect(order).toEqual(['cancel-1', 'cancel-2', 'create-1', 'create-2']);
  });

  it('read and write buckets are independent', async () => {
    const clock = new ManualClock(0);
    const lim = new KalshiRateLimiter(clock);
    await lim.acquire('write', 100, PRIORITY.create);
    await lim.acquire('read', 10, PRIORITY.read);
    expect(lim.snapshot().write.tokens).toBe(0);
    expect(lim.snapshot().read.tokens).toBe(190);
  });

  it('sizes buckets and costs from the exchange tables; batches pay per item', async () => {
    const clock = new ManualClock(0);
    const lim = new KalshiRateLimiter(clock);
    expect(lim.costOf('DELETE', '/portfolio/events/orders/abc-123')).toBe(2);
    expect(lim.costOf('POST', '/portfolio/events/orders')).toBe(10);
    lim.configure(
      {
        usage_tier: 'advanced',
        read: { refill_rate: 300, bucket_capacity: 300 },
        write: { refill_rate: 300, bucket_capacity: 600 },
      },
      {
        default_cost: 10,
        endpoint_costs: [
          { method: 'DELETE', path: '/trade-api/v2/portfolio/events/orders/{order_id}', cost: 1 },
          { method: 'POST', path: '/portfolio/events/orders', cost: 8 },
        ],
      },
    );
    expect(lim.costOf('DELETE', '/portfolio/events/orders/abc-123')).toBe(1);
    expect(lim.costOf('POST', '/portfolio/events/orders')).toBe(8);
    expect(lim.costOf('GET', '/markets')).toBe(10);
    expect(lim.snapshot().write).toMatchObject({ capacity: 600, refillPerSec: 300 });
  });

  it('prices a path by its most specific rule, whatever order the exchange lists them in', () => {
    const lim = new KalshiRateLimiter(new ManualClock(0));
    lim.configure(
      {
        usage_tier: 'basic',
        read: { refill_rate: 200, bucket_capacity: 200 },
        write: { refill_rate: 100, bucket_capacity: 100 },
      },
      {
        default_cost: 10,
        endpoint_costs: [
          { method: 'DELETE', path: '/portfolio/events/orders/{order_id}', cost: 2 },
          { method: 'DELETE', path: '/portfolio/events/orders/batched', cost: 3 },
          { method: 'GET', path: '/portfolio/orders/{order_id}', cost: 2 },
          { method: 'GET', path: '/portfolio/orders/queue_positions', cost: 5 },
        ],
      },
    );
    expect(lim.costOf('DELETE', '/portfolio/events/orders/batched')).toBe(3);
    expect(lim.costOf('DELETE', '/portfolio/events/orders/abc-123')).toBe(2);
    expect(lim.costOf('GET', '/portfolio/orders/queue_positions')).toBe(5);
    expect(lim.costOf('GET', '/portfolio/orders/o-1')).toBe(2);
  });

  it("a worker shard paces on its share of the account's buckets, never below one ordinary request", () => {
    const account = {
      usage_tier: 'advanced',
      read: { refill_rate: 300, bucket_capacity: 300 },
      write: { refill_rate: 300, bucket_capacity: 600 },
    };
    const quarter = new KalshiRateLimiter(new ManualClock(0), undefined, { share: 1 / 4 });
    expect(quarter.snapshot().write).toMatchObject({ capacity: 25, refillPerSec: 25 }); // Basic until configured
    quarter.configure(account);
    expect(quarter.snapshot().write).toMatchObject({ capacity: 150, refillPerSec: 75 });
    expect(quarter.snapshot().read).toMatchObject({ capacity: 75, refillPerSec: 75 });
    // Sixteen shards of a Basic account: 6.25 tokens a second each, but a bucket still holds one request.
    const sixteenth = new KalshiRateLimiter(new ManualClock(0), undefined, { share: 1 / 16 });
    expect(sixteenth.snapshot().write).toMatchObject({ capacity: 10, refillPerSec: 6.25 });
    // The worker sets its share once it knows its layout, before or after reading the account's limits.
    const later = new KalshiRateLimiter(new ManualClock(0));
    later.configure(account);
    later.setShare(1 / 4);
    expect(later.snapshot().write).toMatchObject({ capacity: 150, refillPerSec: 75 });
    expect(() => new KalshiRateLimiter(new ManualClock(0), undefined, { share: 0 })).toThrow(RangeError);
    expect(() => new KalshiRateLimiter(new ManualClock(0), undefined, { share: 2 })).toThrow(RangeError);
  });

  it('refuses a cost no bucket can ever hold, and drains on a 429', async () => {
    const clock = new ManualClock(0);
    const lim = new KalshiRateLimiter(clock);
    await expect(lim.acquire('write', 101, PRIORITY.create)).rejects.toBeInstanceOf(RateLimitError);
    lim.drain('read');
    expect(lim.snapshot().read.tokens).toBe(0);
    clock.advance(50);
    expect(lim.snapshot().read.tokens).toBeCloseTo(10);
  });
});

describe("reservations: the write bucket is the engine's write budget", () => {
  const small = () => {
    const clock = new ManualClock(0);
    const lim = new KalshiRateLimiter(clock, {
      read: { refillPerSec: 10, capacity: 10 },
      write: { refillPerSec: 10, capacity: 30 },
    });
    return { clock, lim };
  };

  it('a request spends what the engine reserved for it instead of taking the tokens again', async () => {
    const { lim } = small();
    expect(lim.reserve('write', 10)).toBe(true);
    expect(lim.snapshot().write.tokens).toBe(20);
    await lim.acquire('write', 10, PRIORITY.create);
    expect(lim.snapshot().write.tokens).toBe(20);
    // A second request has no reservation left to spend: it pays.
    await lim.acquire('write', 10, PRIORITY.create);
    expect(lim.snapshot().write.tokens).toBe(10);
  });

  it('refuses a reservation the bucket cannot pay, or while requests wait, and says how long to wait', async () => {
    const { clock, lim } = small();
    await lim.acquire('write', 25, PRIORITY.write);
    expect(lim.reserve('write', 10)).toBe(false);
    expect(lim.snapshot().write.tokens).toBe(5);
    expect(lim.waitMs('write', 10)).toBe(500);
    let served = false;
    void lim.acquire('write', 10, PRIORITY.create).then(() => {
      served = true;
    });
    // 5 tokens would pay a reservation of 2, but the waiting request comes first.
    expect(lim.reserve('write', 2)).toBe(false);
    expect(lim.waitMs('write', 2)).toBe(700);
    clock.advance(500);
    await flush();
    expect(served).toBe(true);
    expect(lim.reserve('write', 2)).toBe(false);
    expect(lim.waitMs('write', 2)).toBe(200);
  });

  it('a forced reservation (a cancel) goes into debt and delays what follows', () => {
    const { lim } = small();
    expect(lim.reserve('write', 30)).toBe(true);
    expect(lim.reserve('write', 2, true)).toBe(true);
    expect(lim.snapshot().write.tokens).toBe(-2);
    expect(lim.waitMs('write', 10)).toBe(1_200);
  });

  it('a reservation no request spent within CREDIT_TTL_MS is forfeited, never refunded', async () => {
    const { clock, lim } = small();
    expect(lim.reserve('write', 10)).toBe(true);
    clock.advance(CREDIT_TTL_MS + 1);
    expect(lim.snapshot().write.tokens).toBe(30); // refilled to capacity: the 10 are not given back on top
    await lim.acquire('write', 10, PRIORITY.create);
    expect(lim.snapshot().write.tokens).toBe(20);
  });

  it('every request is paid at least once and no token twice, whatever the mix of reservations and requests', async () => {
    type Op = { kind: 'reserve' | 'acquire'; cost: number } | { kind: 'advance'; ms: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constantFrom('reserve' as const, 'acquire' as const),
        cost: fc.integer({ min: 1, max: 12 }),
      }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 1_500 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        // No refill and a bucket too big to empty: what it lost is exactly what it charged.
        const clock = new ManualClock(0);
        const cap = 1e6;
        const lim = new KalshiRateLimiter(clock, {
          read: { refillPerSec: 1, capacity: 1 },
          write: { refillPerSec: 0, capacity: cap },
        });
        let reserved = 0;
        let requested = 0;
        for (const o of ops) {
          if (o.kind === 'advance') clock.advance(o.ms);
          else if (o.kind === 'reserve') {
            expect(lim.reserve('write', o.cost)).toBe(true);
            reserved += o.cost;
          } else {
            await lim.acquire('write', o.cost, PRIORITY.create);
            requested += o.cost;
          }
        }
        const charged = cap - lim.snapshot().write.tokens;
        expect(charged).toBeGreaterThanOrEqual(requested);
        expect(charged).toBeGreaterThanOrEqual(reserved);
        expect(charged).toBeLessThanOrEqual(reserved + requested);
      }),
      { numRuns: 200 },
    );
  });
});

describe('acquireNow: tokens at hand are taken without a promise turn', () => {
  const lim3 = () => {
    const clock = new ManualClock(0);
    const lim = new KalshiRateLimiter(clock, {
      read: { refillPerSec: 10, capacity: 10 },
      write: { refillPerSec: 10, capacity: 30 },
    });
    return { clock, lim };
  };

  it('takes the tokens, or the reserved credit, synchronously when nobody waits', () => {
    const { lim } = lim3();
    expect(lim.acquireNow('write', 10, PRIORITY.create)).toBeNull();
    expect(lim.snapshot().write.tokens).toBe(20);
    expect(lim.reserve('write', 10)).toBe(true);
    expect(lim.acquireNow('write', 10, PRIORITY.create)).toBeNull();
    expect(lim.snapshot().write.tokens).toBe(10);
  });

  it('queues behind a waiting request even when the tokens would pay it, and serves by priority', async () => {
    const { clock, lim } = lim3();
    expect(lim.acquireNow('write', 25, PRIORITY.write)).toBeNull();
    const order: string[] = [];
    void lim.acquireNow('write', 10, PRIORITY.create)?.then(() => order.push('create'));
    // 5 tokens pay a cancel of 2 but a create waits: the cancel goes in the queue (ahead of it).
    const cancel = lim.acquireNow('write', 2, PRIORITY.cancel);
    expect(cancel).not.toBeNull();
    void cancel?.then(() => order.push('cancel'));
    await flush();
    expect(order).toEqual(['cancel']);
    clock.advance(700);
    await flush();
    expect(order).toEqual(['cancel', 'create']);
  });

  it('refuses a cost above capacity as acquire does', async () => {
    const { lim } = lim3();
    await expect(lim.acquireNow('write', 31, PRIORITY.create)).rejects.toBeInstanceOf(RateLimitError);
  });

  it('leaves the buckets as acquire would, over any sequence of requests and clock steps', async () => {
    const step = fc.record({
      cost: fc.integer({ min: 0, max: 30 }),
      priority: fc.constantFrom(PRIORITY.cancel, PRIORITY.write, PRIORITY.create),
      reserve: fc.boolean(),
      advanceMs: fc.integer({ min: 0, max: 400 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), async (steps) => {
        const now = lim3();
        const promised = lim3();
        // close() below rejects whoever still waits: that is the end of the run, not a failure.
        const closed = () => {};
        const servedNow: number[] = [];
        const servedPromised: number[] = [];
        for (const [i, s] of steps.entries()) {
          if (s.reserve) {
            expect(now.lim.reserve('write', s.cost)).toBe(promised.lim.reserve('write', s.cost));
          }
          const wait = now.lim.acquireNow('write', s.cost, s.priority);
          if (wait === null) servedNow.push(i);
          else void wait.then(() => servedNow.push(i), closed);
          // The reference: the promise path that `await limiter.acquire()` took before.
          void promised.lim.acquire('write', s.cost, s.priority).then(() => servedPromised.push(i), closed);
          await flush();
          expect(servedNow).toEqual(servedPromised);
          expect(now.lim.snapshot()).toEqual(promised.lim.snapshot());
          now.clock.advance(s.advanceMs);
          promised.clock.advance(s.advanceMs);
          await flush();
        }
        now.lim.close();
        promised.lim.close();
      }),
      { numRuns: 100 },
    );
  });
});
