/**
 * A write is signed when a connection can carry it, not while it queues for
 * one: over a real loopback socket, a small undici pool and a burst of writes
 * far larger than the pool, no signature ages in the pool's queue, so a
 * stand-in for Kalshi's 30 s timestamp window refuses none; and a cancel
 * queued behind creates still goes first.
 */
import type { ServerResponse } from 'node:http';
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock, TimerHandle } from '../../../shared/clock.ts';
import { KalshiRestClient } from '../../../shared/kalshi/rest-client.ts';
import { createRsaSigner, type Signer } from '../../../shared/kalshi/signer.ts';
import { errorCode, type RestTransport, TransportError } from '../../../shared/kalshi/transport.ts';
import { POOL_OPTIONS, undiciTransport } from '../../../worker/kalshi/undici-transport.ts';
import { json, keyPair, ORDER, type Recorded, startServer, VirtualClock } from './support.ts';

const rsa = createRsaSigner({ keyId: 'test-key', privateKeyPem: keyPair.privatePem });
const CONNECTIONS = 2;

/** The worker's transport shape over a pool of `CONNECTIONS` sockets, declaring its capacity as the worker's does. */
function smallPool(baseUrl: string): RestTransport {
  const pool = new Pool(new URL(baseUrl).origin, { connections: CONNECTIONS, pipelining: 1 });
  return {
    maxInFlight: CONNECTIONS,
    async send(req) {
      try {
        const res = await pool.request({
          signal: req.signal,
          path: req.path,
          method: req.method,
          headers: req.headers,
          body: req.body,
        });
        return { status: res.statusCode, retryAfter: undefined, text: await res.body.text() };
      } catch (e) {
        throw new TransportError(errorCode(e), { cause: e });
      }
    },
    close: () => pool.close(),
  };
}

/** Exchange time that moves one second per answer the server has finished: how long a signature waited, in answers. */
class AnswerClock implements Clock {
  answered = 0;
  constructor(private readonly start = 1_800_000_000_000) {}
  now(): number {
    return this.start + this.answered * 1000;
  }
  setTimeout(fn: () => void, _ms: number): TimerHandle {
    setImmediate(fn);
    return { id: 0 };
  }
  clearTimeout(): void {}
  defer(fn: () => void): void {
    setImmediate(fn);
  }
}

const created = (coid: string) => ({ order_id: `o-${coid}`, fill_count: '0.00', remaining_count: '10.00' });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('KalshiRestClient signs an attempt only when a connection is free', () => {
  it('the worker transport declares its pool’s capacity', async () => {
    const t = undiciTransport('http://127.0.0.1:9');
    expect(t.maxInFlight).toBe(POOL_OPTIONS.connections * POOL_OPTIONS.pipelining);
    await t.close();
  });

  it('a burst of 40 creates over 2 connections: never more signed-but-unanswered than connections, none stale', async () => {
    const clock = new AnswerClock();
    const WINDOW_MS = 30_000;
    const ages: number[] = [];
    const server = await startServer((req, res) => {
      const age = clock.now() - Number(req.headers['kalshi-access-timestamp']);
      ages.push(age);
      res.on('finish', () => {
        clock.answered++;
      });
      // Kalshi refuses a timestamp outside its window.
      if (age > WINDOW_MS) return json(res, 401, { error: { code: 'unauthorized', message: 'stale' } });
      // A slow exchange: the answer comes a few loop turns later.
      setImmediate(() => json(res, 201, created(JSON.parse(req.body).client_order_id)));
    });
    let signed = 0;
    let worst = 0;
    const counting: Signer = {
      keyId: rsa.keyId,
      sign: (ts, method, path) => {
        signed++;
        worst = Math.max(worst, signed - clock.answered);
        return rsa.sign(ts, method, path);
      },
    };
    const client = new KalshiRestClient({
      baseUrl: server.baseUrl,
      signer: counting,
      clock,
      limiter: false,
      transport: smallPool(server.baseUrl),
    });
    cleanups.push(async () => {
      await client.close();
      await server.close();
    });

    const M = 40;
    const results = await Promise.allSettled(
      Array.from({ length: M }, (_, i) => client.createOrder({ ...ORDER, client_order_id: `c-${i}` })),
    );

    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(server.requests).toHaveLength(M);
    // The server answers before the client reads the answer and frees the slot, so this bounds what the pool queued.
    expect(worst).toBeLessThanOrEqual(CONNECTIONS);
    expect(Math.max(...ages)).toBeLessThanOrEqual(CONNECTIONS * 1000);
  });

  it('a cancel queued behind creates for a connection goes first; tokens are still taken per request', async () => {
    const held: { req: Recorded; res: ServerResponse }[] = [];
    let arrived: () => void = () => {};
    const server = await startServer((req, res) => {
      held.push({ req, res });
      arrived();
    });
    const arrivals = (n: number) =>
      new Promise<void>((resolve) => {
        arrived = () => {
          if (held.length >= n) resolve();
        };
        arrived();
      });
    const clock = new VirtualClock();
    const client = new KalshiRestClient({
      baseUrl: server.baseUrl,
      signer: rsa,
      clock,
      transport: smallPool(server.baseUrl),
    });
    cleanups.push(async () => {
      await client.close();
      await server.close();
    });
    const answer = (i: number) => {
      const { req, res } = held[i]!;
      if (req.method === 'DELETE') {
        json(res, 200, { order_id: 'o-rest', client_order_id: null, reduced_by: '10.00' });
      } else {
        json(res, 201, created(JSON.parse(req.body).client_order_id));
      }
    };

    const creates = Array.from({ length: 5 }, (_, i) =>
      client.createOrder({ ...ORDER, client_order_id: `c-${i}` }),
    );
    await arrivals(CONNECTIONS);
    const cancel = client.cancelOrder('o-rest');
    // Tokens are taken when each request is decided, whether or not it then waits for a connection.
    const write = client.limiter!.snapshot().write;
    expect(write.tokens).toBeCloseTo(100 - 5 * 10 - 2, 0);

    answer(0);
    await arrivals(CONNECTIONS + 1);
    expect(held[CONNECTIONS]!.req.method).toBe('DELETE');
    for (let i = 1; i < 6; i++) {
      await arrivals(Math.min(i + CONNECTIONS, 6));
      answer(i);
    }
    await expect(cancel).resolves.toMatchObject({ kind: 'cancelled' });
    expect((await Promise.all(creates)).map((c) => c.client_order_id)).toEqual([
      'c-0',
      'c-1',
      'c-2',
      'c-3',
      'c-4',
    ]);
    expect(held.map((h) => h.req.method)).toEqual(['POST', 'POST', 'DELETE', 'POST', 'POST', 'POST']);
  });
});
