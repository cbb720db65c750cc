import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRIORITY, type Priority } from '../../../shared/kalshi/rate-limiter.ts';
import { withSignQueue } from '../../../shared/kalshi/sign-queue.ts';
import { createRsaSigner, type Signer } from '../../../shared/kalshi/signer.ts';
import { createThreadPoolSigner } from '../../../shared/kalshi/thread-signer.ts';
import { keyPair, verifySignature } from './support.ts';

/** An off-loop signer whose signatures finish when the test says so, recording the order they started in. */
function manualSigner() {
  const started: string[] = [];
  const pending = new Map<string, { resolve: (s: string) => void; reject: (e: Error) => void }>();
  const signer: Signer = {
    keyId: 'k',
    sign(_ts, method, path) {
      const id = `${method} ${path}`;
      started.push(id);
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
    },
  };
  const finish = (id: string, error?: string) => {
    const p = pending.get(id);
    if (!p) throw new Error(`${id} is not signing`);
    pending.delete(id);
    if (error) p.reject(new Error(error));
    else p.resolve(`sig(${id})`);
  };
  return { signer, started, finish, isPending: (id: string) => pending.has(id) };
}

const turn = () => new Promise<void>((r) => setImmediate(r));

describe('sign queue', () => {
  it('computes at most `concurrency` signatures at once; a finished one hands its slot to the next', async () => {
    const m = manualSigner();
    const q = withSignQueue(m.signer, { concurrency: 2 });
    const sigs = ['a', 'b', 'c', 'd'].map((p) =>
      q.sign(1, 'POST', `/${p}`, PRIORITY.write).then(
        () => 'signed',
        (e: Error) => e.message,
      ),
    );
    expect(m.started).toEqual(['POST /a', 'POST /b']);
    expect([q.inFlight, q.waiting]).toEqual([2, 2]);
    m.finish('POST /b');
    await turn();
    expect(m.started).toEqual(['POST /a', 'POST /b', 'POST /c']);
    m.finish('POST /a', 'pool error');
    await turn();
    expect(m.started).toEqual(['POST /a', 'POST /b', 'POST /c', 'POST /d']);
    m.finish('POST /c');
    m.finish('POST /d');
    expect(await Promise.all(sigs)).toEqual(['pool error', 'signed', 'signed', 'signed']);
    // A failed signature gave its slot back like any other.
    expect([q.inFlight, q.waiting]).toEqual([0, 0]);
  });

  it('serves waiting signatures cancels first, creates last, in arrival order within a priority', async () => {
    const m = manualSigner();
    const q = withSignQueue(m.signer, { concurrency: 1 });
    const all = [
      q.sign(1, 'POST', '/create-0', PRIORITY.create), // takes the only slot
      q.sign(1, 'POST', '/create-1', PRIORITY.create),
      q.sign(1, 'POST', '/amend-1', PRIORITY.write),
      q.sign(1, 'POST', '/create-2', PRIORITY.create),
      q.sign(1, 'DELETE', '/cancel-1', PRIORITY.cancel), // the kill switch's cancel, last to arrive
      q.sign(1, 'POST', '/amend-2', PRIORITY.write),
      q.sign(1, 'DELETE', '/cancel-2', PRIORITY.cancel),
    ];
    for (let i = 0; i < all.length; i++) {
      m.finish(m.started.at(-1)!);
      await turn();
    }
    await Promise.all(all);
    expect(m.started).toEqual([
      'POST /create-0',
      'DELETE /cancel-1',
      'DELETE /cancel-2',
      'POST /amend-1',
      'POST /amend-2',
      'POST /create-1',
      'POST /create-2',
    ]);
  });

  it('inline: signs the first signature of a turn in the caller’s turn, the rest of that turn off the loop', async () => {
    const m = manualSigner();
    const inlineCalls: string[] = [];
    const inline: Signer = {
      keyId: 'k',
      async sign(_ts, method, path) {
        inlineCalls.push(`${method} ${path}`);
        return 'inline';
      },
    };
    const q = withSignQueue(m.signer, { concurrency: 2, inline, inlinePerSec: 2 });
    const first = q.sign(1_000, 'DELETE', '/cancel', PRIORITY.cancel);
    const second = q.sign(1_000, 'POST', '/create', PRIORITY.create);
    expect(inlineCalls).toEqual(['DELETE /cancel']);
    expect(m.started).toEqual(['POST /create']);
    expect(await first).toBe('inline');
    // A later turn while a signature is still computing off the loop: no inline (it would wait anyway).
    await turn();
    void q.sign(1_000, 'POST', '/amend', PRIORITY.write);
    expect(m.started).toEqual(['POST /create', 'POST /amend']);
    m.finish('POST /create');
    m.finish('POST /amend');
    await second;
    await turn();
    // Idle again, a new turn: inline, until the budget (2 a second, refilled by request time) runs out.
    expect(await q.sign(1_000, 'POST', '/x', PRIORITY.write)).toBe('inline');
    await turn();
    void q.sign(1_000, 'POST', '/y', PRIORITY.write);
    expect(m.started.at(-1)).toBe('POST /y');
    m.finish('POST /y');
    await turn();
    expect(await q.sign(1_600, 'POST', '/z', PRIORITY.write)).toBe('inline');
    expect(q.inlined).toBe(3);
  });

  it('with the real thread-pool and in-process signers: every signature verifies, nothing is redacted away', async () => {
    const pool = createThreadPoolSigner({ keyId: 'k', privateKeyPem: keyPair.privatePem });
    const q = withSignQueue(pool, {
      concurrency: 2,
      inline: createRsaSigner({ keyId: 'k', privateKeyPem: keyPair.privatePem }),
    });
    const paths = Array.from({ length: 8 }, (_, i) => `/trade-api/v2/portfolio/events/orders/${i}`);
    const sigs = await Promise.all(paths.map((p, i) => q.sign(2000 + i, 'DELETE', p, PRIORITY.cancel)));
    for (const [i, p] of paths.entries())
      expect(verifySignature(keyPair.publicPem, `${2000 + i}DELETE${p}`, sigs[i]!)).toBe(true);
    expect(q.inlined).toBe(1);
    expect(inspect(q)).not.toContain('PRIVATE');
    expect(JSON.stringify(q)).not.toContain('PRIVATE');
    await q.close();
    await expect(q.sign(1, 'GET', '/x')).rejects.toThrow(/closed/);
  });

  it('close refuses the signatures still waiting and every later one', async () => {
    const m = manualSigner();
    const q = withSignQueue(m.signer, { concurrency: 1 });
    void q.sign(1, 'POST', '/a', PRIORITY.create).catch(() => {});
    const waiting = q.sign(1, 'POST', '/b', PRIORITY.create);
    await q.close();
    await expect(waiting).rejects.toThrow(/closed/);
    await expect(q.sign(1, 'DELETE', '/c', PRIORITY.cancel)).rejects.toThrow(/closed/);
    expect(m.started).toEqual(['POST /a']);
  });

  it('property: never more than `concurrency` computing; waiting signatures start by priority, then arrival; every one settles', async () => {
    const priorities: Priority[] = [PRIORITY.cancel, PRIORITY.write, PRIORITY.create];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.oneof(fc.constantFrom(...priorities), fc.nat({ max: 7 })), { maxLength: 40 }),
        async (concurrency, ops) => {
          const m = manualSigner();
          const q = withSignQueue(m.signer, { concurrency });
          const prio = new Map<string, { priority: Priority; n: number }>();
          const results: Promise<unknown>[] = [];
          let arrivals = 0;
          for (const op of ops) {
            if (typeof op === 'number' && !priorities.includes(op as Priority)) {
              // Finish the op-th oldest signature still computing, if any (some fail).
              const computing = m.started.filter((id) => m.isPending(id));
              if (computing.length === 0) continue;
              m.finish(computing[op % computing.length]!, op % 3 === 0 ? 'pool error' : undefined);
            } else {
              const n = arrivals++;
              prio.set(`POST /${n}`, { priority: op as Priority, n });
              results.push(q.sign(n, 'POST', `/${n}`, op as Priority).catch(() => 'failed'));
            }
            await turn();
            expect(q.inFlight).toBeLessThanOrEqual(concurrency);
            expect(q.inFlight).toBe(m.started.filter((id) => m.isPending(id)).length);
          }
          // Drain: whatever waited starts by priority, then arrival.
          const startedBefore = m.started.length;
          while (q.inFlight > 0) {
            m.finish(m.started.find((id) => m.isPending(id))!);
            await turn();
            expect(q.inFlight).toBeLessThanOrEqual(concurrency);
          }
          const drained = m.started.slice(startedBefore).map((id) => prio.get(id)!);
          expect(drained).toEqual([...drained].sort((a, b) => a.priority - b.priority || a.n - b.n));
          expect(m.started).toHaveLength(arrivals);
          expect(await Promise.all(results)).toHaveLength(arrivals);
          expect(q.waiting).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a nonsensical concurrency and signers for different keys', () => {
    const m = manualSigner();
    expect(() => withSignQueue(m.signer, { concurrency: 0 })).toThrow(RangeError);
    expect(() => withSignQueue(m.signer, { inline: { keyId: 'other', sign: async () => '' } })).toThrow(
      /different key/,
    );
  });
});
