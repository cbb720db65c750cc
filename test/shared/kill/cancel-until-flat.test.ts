import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import {
  type CancelPort,
  cancelUntilFlat,
  type RestingOrder,
} from '../../../shared/kill/cancel-until-flat.ts';

/** Drives the loop on a ManualClock: let promises settle, then move time a little. */
async function drive<T>(clock: ManualClock, work: Promise<T>, stepMs = 100): Promise<T> {
  let done = false;
  let result: T | undefined;
  let error: unknown;
  work.then(
    (v) => {
      done = true;
      result = v;
    },
    (e: unknown) => {
      done = true;
      error = e;
    },
  );
  for (let i = 0; i < 100_000 && !done; i++) {
    await new Promise((r) => setImmediate(r));
    if (!done) clock.advance(stepMs);
  }
  if (error) throw error;
  if (!done) throw new Error('loop never finished');
  return result as T;
}

/**
 * An in-memory exchange whose cancels can lie: the first `lies` cancel
 * acknowledgements of an order do nothing, and an order cancelled truthfully
 * keeps resting for `lagMs` more.
 */
function fakeExchange(
  clock: ManualClock,
  orders: RestingOrder[],
  opts: { lies?: number; lagMs?: number } = {},
) {
  const resting = new Map(orders.map((o) => [o.orderId, { order: o, goneAt: Number.POSITIVE_INFINITY }]));
  const lies = new Map<string, number>();
  const calls = { list: 0, cancel: 0, cancelAll: 0 };
  const port: CancelPort = {
    listResting: async () => {
      calls.list++;
      return [...resting.values()].filter((r) => r.goneAt > clock.now()).map((r) => r.order);
    },
    cancel: async (o) => {
      calls.cancel++;
      const told = lies.get(o.orderId) ?? 0;
      if (told < (opts.lies ?? 0)) {
        lies.set(o.orderId, told + 1);
        return; // acknowledged, but nothing happens
      }
      const r = resting.get(o.orderId);
      if (r) r.goneAt = Math.min(r.goneAt, clock.now() + (opts.lagMs ?? 0));
    },
  };
  return { port, calls, resting };
}

const orders = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ orderId: `o${i}`, ticker: `T-${i % 3}` }));

describe('cancelUntilFlat', () => {
  it('an already-flat book needs two empty listings and no cancels', async () => {
    const clock = new ManualClock(0);
    const ex = fakeExchange(clock, []);
    const report = await drive(clock, cancelUntilFlat(ex.port, { clock }));
    expect(report).toMatchObject({ flat: true, rounds: 2, cancelsSent: 0, remaining: [] });
    expect(ex.calls.list).toBe(2);
  });

  it('keeps cancelling through lying acknowledgements until two listings are empty', async () => {
    const clock = new ManualClock(0);
    const ex = fakeExchange(clock, orders(5), { lies: 2, lagMs: 300 });
    const report = await drive(clock, cancelUntilFlat(ex.port, { clock, pauseMs: 500 }));
    expect(report.flat).toBe(true);
    expect(report.remaining).toEqual([]);
    expect(report.ordersSeen).toBe(5);
    // Three rounds of cancels (two lies, one truth) and then two empty listings.
    expect(report.cancelsSent).toBe(15);
    expect(report.rounds).toBe(5);
    expect([...ex.resting.values()].every((r) => r.goneAt <= clock.now())).toBe(true);
  });

  it('uses the bulk cancel once, then mops up survivors one by one', async () => {
    const clock = new ManualClock(0);
    const ex = fakeExchange(clock, orders(4));
    let bulk = 0;
    const port: CancelPort = {
      ...ex.port,
      cancelAll: async () => {
        bulk++;
        // The bulk cancel misses the last order.
        for (const [id, r] of ex.resting) if (id !== 'o3') r.goneAt = clock.now();
      },
    };
    const report = await drive(clock, cancelUntilFlat(port, { clock }));
    expect(bulk).toBe(1);
    expect(report).toMatchObject({ flat: true, cancelAllCalls: 1, cancelsSent: 1 });
  });

  it('gives up at the deadline with what still rests, when cancels never work', async () => {
    const clock = new ManualClock(0);
    const ex = fakeExchange(clock, orders(3), { lies: Number.POSITIVE_INFINITY });
    const report = await drive(
      clock,
      cancelUntilFlat(ex.port, { clock, deadlineMs: 60_000, pauseMs: 1_000 }),
    );
    expect(report.flat).toBe(false);
    expect(report.remaining.map((o) => o.orderId)).toEqual(['o0', 'o1', 'o2']);
    expect(report.elapsedMs).toBeLessThanOrEqual(60_000);
    expect(report.elapsedMs).toBeGreaterThanOrEqual(59_000);
    expect(report.rounds).toBeGreaterThanOrEqual(59);
  });

  it('empty listings taken while a create of ours is still on the wire do not count: the late order is caught', async () => {
    const clock = new ManualClock(0);
    const ex = fakeExchange(clock, []);
    // A create sent before the trip lands 1.5 s in, after two empty listings.
    let inFlight = 1;
    clock.setTimeout(() => {
      ex.resting.set('late', { order: { orderId: 'late', ticker: 'T-0' }, goneAt: Number.POSITIVE_INFINITY });
      inFlight = 0;
    }, 1_500);
    const port: CancelPort = { ...ex.port, writesInFlight: () => inFlight };
    const report = await drive(clock, cancelUntilFlat(port, { clock, pauseMs: 500 }));
    expect(report).toMatchObject({ flat: true, remaining: [], ordersSeen: 1 });
    expect(ex.resting.get('late')!.goneAt).toBeLessThanOrEqual(clock.now());

    // Without the port's word the same two empty listings would have been believed.
    const blind = fakeExchange(new ManualClock(0), []);
    const c2 = new ManualClock(0);
    const early = await drive(c2, cancelUntilFlat(blind.port, { clock: c2, pauseMs: 500 }));
    expect(early.elapsedMs).toBeLessThan(1_500);
  });

  it('a failing listing never counts as empty, and a hung call is cut off by the deadline', async () => {
    const clock = new ManualClock(0);
    let listCalls = 0;
    const port: CancelPort = {
      listResting: async () => {
        listCalls++;
        if (listCalls % 2 === 1) throw new Error('503');
        return [];
      },
      cancel: async () => {},
    };
    const flaky = await drive(clock, cancelUntilFlat(port, { clock, deadlineMs: 10_000 }));
    expect(flaky.flat).toBe(false);
    expect(flaky.listErrors).toBeGreaterThan(0);

    const hung: CancelPort = { listResting: () => new Promise(() => {}), cancel: async () => {} };
    const report = await drive(
      clock,
      cancelUntilFlat(hung, { clock, deadlineMs: 5_000, callTimeoutMs: 2_000 }),
    );
    expect(report.flat).toBe(false);
    expect(report.listErrors).toBeGreaterThanOrEqual(2);
    expect(report.elapsedMs).toBeLessThanOrEqual(5_000);
  });

  it('property: with finitely many lies and any lag, it ends flat and nothing rests', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 2_000 }),
        async (n, lies, lagMs) => {
          const clock = new ManualClock(0);
          const ex = fakeExchange(clock, orders(n), { lies, lagMs });
          const report = await drive(clock, cancelUntilFlat(ex.port, { clock }), 250);
          expect(report.flat).toBe(true);
          expect(report.ordersSeen).toBe(n);
          expect((await ex.port.listResting()).length).toBe(0);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('cancelUntilFlat flood (one lying listing must not end it)', () => {
  /** Two orders rest, but the first three listings lie (empty), and the first two bulk cancels are acknowledged and do nothing. */
  function lyingExchange(clock: ManualClock) {
    const ex = fakeExchange(clock, orders(2));
    let listings = 0;
    let bulks = 0;
    const groupCancels = { n: 0 };
    const port: CancelPort = {
      ...ex.port,
      listResting: async () => (++listings <= 3 ? [] : ex.port.listResting()),
      cancelAll: async () => {
        if (++bulks <= 2) return;
        for (const r of ex.resting.values()) r.goneAt = Math.min(r.goneAt, clock.now());
      },
      cancelGroups: async () => {
        groupCancels.n++;
      },
    };
    const resting = () => [...ex.resting.values()].filter((r) => r.goneAt > clock.now()).length;
    return { port, resting, groupCancels };
  }

  it('without a flood, two lying empty listings end the loop with orders still resting (the finding)', async () => {
    const clock = new ManualClock(0);
    const ex = lyingExchange(clock);
    const report = await drive(clock, cancelUntilFlat(ex.port, { clock, pauseMs: 1_000 }));
    expect(report.flat).toBe(true);
    expect(ex.resting()).toBe(2);
  });

  it('floods for the whole minute: bulk and group cancels every pass, re-listing each time, and reports each pass', async () => {
    const clock = new ManualClock(0);
    const ex = lyingExchange(clock);
    let flatAt: number | null = null;
    const report = await drive(
      clock,
      cancelUntilFlat(ex.port, {
        clock,
        pauseMs: 1_000,
        floodMs: 60_000,
        onFlat: () => {
          flatAt ??= clock.now();
        },
      }),
    );
    expect(ex.resting()).toBe(0);
    expect(report.flat).toBe(true);
    expect(report.elapsedMs).toBeGreaterThanOrEqual(60_000 - 1_000); // the last pass starts within one pause of the end
    expect(flatAt).not.toBeNull();
    expect(report.cancelAllCalls).toBe(report.rounds);
    expect(ex.groupCancels.n).toBe(report.rounds);
    expect(report.passes.map((p) => p.listed).slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(report.passes.every((p) => p.usedCancelAll && p.usedCancelGroups)).toBe(true);
  });

  it('a flood still ends at once when aborted (the process closes)', async () => {
    const clock = new ManualClock(0);
    const ex = lyingExchange(clock);
    let stop = false;
    const report = await drive(
      clock,
      cancelUntilFlat(ex.port, {
        clock,
        pauseMs: 1_000,
        floodMs: 60_000,
        aborted: () => stop,
        onRound: (r) => {
          if (r.round === 2) stop = true;
        },
      }),
    );
    expect(report.rounds).toBe(2);
  });

  it('a listing that never succeeds leaves the count unknown, never "0 may still rest"', async () => {
    const clock = new ManualClock(0);
    const port: CancelPort = {
      listResting: async () => {
        throw new Error('503');
      },
      cancel: async () => {},
    };
    const report = await drive(clock, cancelUntilFlat(port, { clock, deadlineMs: 5_000 }));
    expect(report.flat).toBe(false);
    expect(report.remainingKnown).toBe(false);
  });
});

describe('cancelUntilFlat flood aborted mid-pass', () => {
  it('an abort while a pass is listing sends no more bulk or group cancels (the lease may already be the next task’s)', async () => {
    const clock = new ManualClock(0);
    let stop = false;
    let listings = 0;
    const afterAbort: string[] = [];
    const port: CancelPort = {
      listResting: async () => {
        // The third pass's listing is on the wire when the process closes.
        if (++listings === 3) stop = true;
        return [];
      },
      cancel: async () => {
        if (stop) afterAbort.push('cancel');
      },
      cancelAll: async () => {
        if (stop) afterAbort.push('cancelAll');
      },
      cancelGroups: async () => {
        if (stop) afterAbort.push('cancelGroups');
      },
    };
    const report = await drive(
      clock,
      cancelUntilFlat(port, { clock, pauseMs: 1_000, floodMs: 60_000, aborted: () => stop }),
    );
    expect(report.rounds).toBe(3);
    expect(afterAbort).toEqual([]);
  });
});
