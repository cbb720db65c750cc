/**
 * A cancel never waits behind creates for a connection: over a real loopback
 * socket and the worker's own undici transport, with every connection creates
 * may use held by creates whose answers the exchange sits on, a cancel and a
 * batch cancel still reach the exchange before any create
 * is answered. Creates cannot take the connections kept for cancels.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { KalshiRestClient } from '../../../shared/kalshi/rest-client.ts';
import { createRsaSigner } from '../../../shared/kalshi/signer.ts';
import { POOL_OPTIONS, undiciTransport } from '../../../worker/kalshi/undici-transport.ts';
import { json, keyPair, ORDER, type Recorded, startServer, VirtualClock } from './support.ts';

const rsa = createRsaSigner({ keyId: 'test-key', privateKeyPem: keyPair.privatePem });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** Breaks the deadlock a stuck cancel would cause, so the test fails on its ordering rather than hanging. */
const DEADLOCK_BREAKER_MS = 10_000;

describe('KalshiRestClient keeps connections for cancels', () => {
  it('the worker transport keeps some of its pool for cancels, within the pool', async () => {
    const t = undiciTransport('http://127.0.0.1:9');
    expect(t.maxInFlight).toBe(POOL_OPTIONS.connections * POOL_OPTIONS.pipelining);
    expect(t.reservedForCancels).toBeGreaterThanOrEqual(2);
    expect(t.reservedForCancels).toBeLessThan(t.maxInFlight!);
    await t.close();
  });

  it('with every create slot held by unanswered creates, cancels reach the exchange before any create reply', async () => {
    const events: string[] = [];
    const heldCreates: ServerResponse[] = [];
    let onArrival: () => void = () => {};
    const server = await startServer((req: Recorded, res) => {
      if (req.method === 'POST') {
        // The exchange sits on every create's answer.
        heldCreates.push(res);
        events.push('create in');
      } else {
        events.push(`${req.method} ${req.url.split('?')[0]} in`);
        if (req.url.includes('/batched')) {
          json(res, 200, { orders: [{ order_id: 'o-3', client_order_id: null, reduced_by: '10.00' }] });
        } else {
          json(res, 200, { order_id: 'o-1', client_order_id: null, reduced_by: '10.00' });
        }
      }
      onArrival();
    });
    const transport = undiciTransport(server.baseUrl);
    const client = new KalshiRestClient({
      baseUrl: server.baseUrl,
      signer: rsa,
      clock: new VirtualClock(),
      limiter: false,
      transport,
    });
    const releaseCreates = () => {
      for (const res of heldCreates.splice(0)) {
        events.push('create out');
        json(res, 201, { order_id: 'o-c', fill_count: '0.00', remaining_count: '10.00' });
      }
    };
    cleanups.push(async () => {
      releaseCreates();
      await client.close();
      await server.close();
    });
    const until = (done: () => boolean) =>
      new Promise<void>((resolve) => {
        onArrival = () => {
          if (done()) resolve();
        };
        onArrival();
      });

    const createSlots = transport.maxInFlight! - (transport.reservedForCancels ?? 0);
    // More creates than they have slots: every slot creates may use is held, and more creates wait.
    const creates = Array.from({ length: createSlots + 4 }, (_, i) =>
      client.createOrder({ ...ORDER, client_order_id: `c-${i}` }).catch((e: unknown) => e),
    );
    await until(() => heldCreates.length >= createSlots);

    const cancel = client.cancelOrder('o-1');
    const batch = client.batchCancelOrders([{ order_id: 'o-3' }]);
    const cancelsIn = () => events.filter((e) => e.startsWith('DELETE')).length >= 2;
    const breaker = setTimeout(releaseCreates, DEADLOCK_BREAKER_MS);
    await until(cancelsIn);
    clearTimeout(breaker);

    const firstReply = events.indexOf('create out');
    const cancelArrivals = events.flatMap((e, i) => (e.startsWith('DELETE') ? [i] : []));
    expect(cancelArrivals).toHaveLength(2);
    // No create was answered before both cancels arrived (none at all, unless the breaker fired).
    expect(firstReply).toBe(-1);
    await expect(cancel).resolves.toMatchObject({ kind: 'cancelled' });
    await expect(batch).resolves.toMatchObject([{ kind: 'cancelled' }]);
    // Creates never held more than their share of the pool, however many waited.
    expect(heldCreates.length).toBe(createSlots);

    releaseCreates();
    await until(() => events.filter((e) => e === 'create in').length === createSlots + 4);
    releaseCreates();
    await Promise.all(creates);
  }, 30_000);
});
