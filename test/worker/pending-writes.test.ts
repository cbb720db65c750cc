import { describe, expect, it } from 'vitest';
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
});
