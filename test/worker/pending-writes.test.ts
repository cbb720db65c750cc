import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.ts';
import { pendingWrites } from '../../worker/pending-writes.ts';

function deferred() {
  let resolve: () => void = () => {};
  let reject: (e: Error) => void = () => {};
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('pending store writes', () => {
  it('settled waits for every write, failed ones and those started meanwhile', async () => {
    const w = pendingWrites();
    const a = deferred();
    const b = deferred();
    const c = deferred();
    w.track(a.promise);
    w.track(b.promise).catch(() => {}); // its caller handles the failure
    let settled = false;
    const waiting = w.settled().then(() => {
      settled = true;
    });
    b.reject(new Error('throttled'));
    a.resolve();
    await Promise.resolve();
    w.track(c.promise); // a write started while the worker closes
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    expect(w.size()).toBe(1);
    c.resolve();
    await waiting;
    expect(w.size()).toBe(0);
  });

  it('returns the write unchanged, so its caller still sees its failure', async () => {
    const w = pendingWrites();
    await expect(w.track(Promise.reject(new Error('closed')))).rejects.toThrow('closed');
    await w.settled();
    expect(w.size()).toBe(0);
  });

  it('settledWithin gives up after its deadline on a write that never answers, and is true when all settle', async () => {
    const clock = new ManualClock(0);
    const w = pendingWrites();
    const hung = deferred();
    w.track(hung.promise);
    let outcome: boolean | undefined;
    const waiting = w.settledWithin(5_000, clock).then((v) => {
      outcome = v;
    });
    clock.advance(4_999);
    await new Promise((r) => setImmediate(r));
    expect(outcome).toBeUndefined();
    clock.advance(1);
    await waiting;
    expect(outcome).toBe(false);

    const quick = deferred();
    const w2 = pendingWrites();
    w2.track(quick.promise);
    const ok = w2.settledWithin(5_000, clock);
    quick.resolve();
    expect(await ok).toBe(true);
  });
});
