/**
 * Behind the sign queue (sign-queue.ts), the REST client's writes are signed
 * in the rate limiter's priority order: over a real loopback socket, with one
 * signature computing at a time, a cancel requested after a slate of creates
 * and an amend is signed — and so sent — before them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { KalshiRestClient } from '../../../shared/kalshi/rest-client.ts';
import { withSignQueue } from '../../../shared/kalshi/sign-queue.ts';
import { createRsaSigner, type Signer } from '../../../shared/kalshi/signer.ts';
import { undiciTransport } from '../../../worker/kalshi/undici-transport.ts';
import { json, keyPair, ORDER, startServer, VirtualClock, verifySignature } from './support.ts';

const rsa = createRsaSigner({ keyId: 'test-key', privateKeyPem: keyPair.privatePem });
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('REST client behind the sign queue', () => {
  it('signs a cancel requested last before the creates and the amend queued ahead of it', async () => {
    const server = await startServer((req, res) => {
      const ts = String(req.headers['kalshi-access-timestamp']);
      if (
        !verifySignature(
          keyPair.publicPem,
          `${ts}${req.method}${req.url.split('?')[0]}`,
          String(req.headers['kalshi-access-signature']),
        )
      )
        return json(res, 401, { error: { code: 'unauthorized', message: 'bad signature' } });
      if (req.method === 'DELETE')
        return json(res, 200, { order_id: 'o-9', client_order_id: 'c-9', reduced_by: '10.00', ts_ms: 1 });
      if (req.url.includes('/amend'))
        return json(res, 200, {
          order_id: 'o-8',
          client_order_id: 'c-8',
          remaining_count: '10.00',
          fill_count: '0.00',
          ts_ms: 1,
        });
      const body = JSON.parse(req.body) as { client_order_id: string };
      return json(res, 201, {
        order_id: `o-${body.client_order_id}`,
        client_order_id: body.client_order_id,
        fill_count: '0.00',
        remaining_count: '10.00',
        ts_ms: 1,
      });
    });
    // The off-loop signer: signs for real, holding the first signature until the test lets it go.
    const started: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const offLoop: Signer = {
      keyId: rsa.keyId,
      async sign(ts, method, path) {
        started.push(`${method} ${path.replace('/trade-api/v2/portfolio/events/orders', '')}`);
        if (started.length === 1) await held;
        return rsa.sign(ts, method, path);
      },
    };
    const client = new KalshiRestClient({
      baseUrl: server.baseUrl,
      signer: withSignQueue(offLoop, { concurrency: 1 }),
      clock: new VirtualClock(),
      limiter: false,
      transport: undiciTransport(server.baseUrl, { connectMs: 1000 }),
    });
    cleanups.push(async () => {
      await client.close();
      await server.close();
    });
    const writes = [
      client.createOrder({ ...ORDER, client_order_id: 'c-1' }),
      client.createOrder({ ...ORDER, client_order_id: 'c-2' }),
      client.amendOrder('o-8', { ticker: ORDER.ticker, side: 'bid', price: 450_000, count: 1000 }),
      client.createOrder({ ...ORDER, client_order_id: 'c-3' }),
      client.cancelOrder('o-9', { market_ticker: ORDER.ticker }),
    ];
    expect(started).toEqual(['POST ']);
    release();
    await Promise.all(writes);
    expect(started).toEqual(['POST ', 'DELETE /o-9', 'POST /o-8/amend', 'POST ', 'POST ']);
    // Every request reached the exchange with a signature it accepted.
    expect(server.requests).toHaveLength(5);
  });
});
