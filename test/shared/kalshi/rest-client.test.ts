/**
 * The REST client against a loopback HTTP server that verifies Kalshi's
 * signature on every request: retries, idempotent creates, confirmed cancels,
 * pagination, and errors that never leak the key.
 */
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KalshiApiError, KalshiFencedError, KalshiNetworkError } from '../../../shared/kalshi/errors.ts';
import {
  type CancelOutcome,
  KalshiRequestError,
  KalshiRestClient,
  type RestEvent,
} from '../../../shared/kalshi/rest-client.ts';
import { createRsaSigner, type Signer } from '../../../shared/kalshi/signer.ts';
import type { RestTransport } from '../../../shared/kalshi/transport.ts';
import { undiciTransport } from '../../../worker/kalshi/undici-transport.ts';
import {
  type Handler,
  json,
  keyPair,
  ORDER,
  type Recorded,
  startServer,
  VirtualClock,
  verifySignature,
} from './support.ts';

const signer = createRsaSigner({ keyId: 'test-key', privateKeyPem: keyPair.privatePem });

/**
 * Every behaviour holds over both transports: Node's built-in fetch (the default: the kill-switch
 * Lambda) and the worker's undici pool.
 */
const TRANSPORTS: [string, (baseUrl: string) => RestTransport | undefined][] = [
  ['built-in fetch (default)', () => undefined],
  ['the worker undici pool', (baseUrl) => undiciTransport(baseUrl, { connectMs: 1000 })],
];
let transportFor: (baseUrl: string) => RestTransport | undefined = () => undefined;
const withTransport = (baseUrl: string) => {
  const transport = transportFor(baseUrl);
  return transport ? { transport } : {};
};
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function signatureOk(r: Recorded): boolean {
  const ts = String(r.headers['kalshi-access-timestamp']);
  const path = r.url.split('?')[0]!;
  return (
    r.headers['kalshi-access-key'] === 'test-key' &&
    verifySignature(
      keyPair.publicPem,
      `${ts}${r.method}${path}`,
      String(r.headers['kalshi-access-signature']),
    )
  );
}

async function setup(
  handler: Handler,
  opts: {
    timeouts?: { requestMs: number };
    writeFence?: () => string | null;
    signer?: Signer;
  } = {},
) {
  const server = await startServer((req, res) => {
    if (!signatureOk(req))
      return json(res, 401, { error: { code: 'unauthorized', message: 'bad signature' } });
    return handler(req, res);
  });
  const clock = new VirtualClock();
  const events: RestEvent[] = [];
  const client = new KalshiRestClient({
    baseUrl: server.baseUrl,
    signer: opts.signer ?? signer,
    clock,
    random: () => 0.5,
    retry: { baseMs: 100, capMs: 1000, maxAttempts: 4 },
    timeouts: { connectMs: 1000, headersMs: 5000, bodyMs: 5000, requestMs: opts.timeouts?.requestMs ?? 5000 },
    onEvent: (e) => events.push(e),
    ...(opts.writeFence ? { writeFence: opts.writeFence } : {}),
    ...withTransport(server.baseUrl),
  });
  cleanups.push(async () => {
    await client.close();
    await server.close();
  });
  return { server, client, clock, events };
}

function restingOrder(orderId: string, coid: string) {
  return {
    order_id: orderId,
    client_order_id: coid,
    ticker: ORDER.ticker,
    outcome_side: 'yes',
    book_side: 'bid',
    status: 'resting',
    yes_price_dollars: '0.4400',
    fill_count_fp: '0.00',
    remaining_count_fp: '10.00',
    initial_count_fp: '10.00',
  };
}

describe.each(TRANSPORTS)('KalshiRestClient over %s', (_name, transport) => {
  beforeEach(() => {
    transportFor = transport;
  });

  it('signs with the /trade-api/v2 path and no query; the server accepts; query is sent', async () => {
    const { server, client } = await setup((_req, res) => {
      json(res, 200, { markets: [], cursor: '' });
    });
    await client.getMarkets({ event_ticker: 'KXNBAGAME-26NOV14BOSMIL', status: 'open', limit: 100 });
    expect(server.requests[0]!.url).toBe(
      '/trade-api/v2/markets?event_ticker=KXNBAGAME-26NOV14BOSMIL&status=open&limit=100',
    );
  });

  it('a tampered signature is refused by the verifier and surfaces as a final 401 (not retried)', async () => {
    const server = await startServer((req, res) =>
      signatureOk(req)
        ? json(res, 200, {})
        : json(res, 401, { code: 'unauthorized', message: 'bad signature' }),
    );
    const tampered = {
      keyId: 'test-key',
      sign: async (ts: number, m: string, p: string) => signer.sign(ts + 1, m, p),
    };
    const client = new KalshiRestClient({
      baseUrl: server.baseUrl,
      signer: tampered,
      clock: new VirtualClock(),
      ...withTransport(server.baseUrl),
    });
    cleanups.push(async () => {
      await client.close();
      await server.close();
    });
    const err = await client.getExchangeStatus().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KalshiApiError);
    expect((err as KalshiApiError).status).toBe(401);
    expect(server.requests).toHaveLength(1);
  });

  it('retries 429 with full-jitter backoff and drains the local bucket', async () => {
    let n = 0;
    const { server, client, clock, events } = await setup((_req, res) => {
      if (++n <= 2) return json(res, 429, { error: 'too many requests' });
      json(res, 200, { exchange_active: true, trading_active: true });
    });
    const s = await client.getExchangeStatus();
    expect(s.trading_active).toBe(true);
    expect(server.requests).toHaveLength(3);
    const retries = events.filter((e) => e.type === 'retry');
    expect(retries.map((e) => e.type === 'retry' && e.delayMs)).toEqual([50, 100]);
    expect(events.filter((e) => e.type === 'rate_limited')).toHaveLength(2);
    expect(clock.delays).toEqual(expect.arrayContaining([50, 100]));
  });

  it('honours Retry-After on 503 and gives up after maxAttempts', async () => {
    const { server, client, events } = await setup((_req, res) =>
      json(res, 503, { error: { code: 'unavailable' } }, { 'retry-after': '2' }),
    );
    const err = await client.getBalance().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KalshiApiError);
    expect((err as KalshiApiError).attempt).toBe(4);
    expect(server.requests).toHaveLength(4);
    expect(events.filter((e) => e.type === 'retry').map((e) => e.type === 'retry' && e.delayMs)).toEqual([
      2000, 2000, 2000,
    ]);
  });

  it('never retries a final 4xx, and the error carries no signature, key id header or key', async () => {
    const { server, client } = await setup((_req, res) =>
      json(res, 400, { error: { code: 'invalid_price', message: 'price is not on the grid' } }),
    );
    const err = await client.createOrder({ ...ORDER, client_order_id: 'c-400' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KalshiApiError);
    expect((err as KalshiApiError).code).toBe('invalid_price');
    expect(server.requests).toHaveLength(1);
    const text = `${String(err)} ${inspect(err, { depth: 5 })} ${JSON.stringify(err)}`;
    const sig = String(server.requests[0]!.headers['kalshi-access-signature']);
    expect(text).not.toContain(sig.slice(0, 20));
    expect(text).not.toContain(keyPair.privatePem.split('\n')[1]!.slice(0, 20));
    expect(text.toLowerCase()).not.toContain('kalshi-access');
  });

  it('does not repeat an amend after a 500 (ambiguous), but repeats a read', async () => {
    const { server, client } = await setup((_req, res) => json(res, 500, { error: 'internal' }));
    await expect(
      client.amendOrder('o-1', { ticker: ORDER.ticker, side: 'bid', price: 450_000, count: 1000 }),
    ).rejects.toBeInstanceOf(KalshiApiError);
    expect(server.requests).toHaveLength(1);
    await expect(client.getOrders({ status: 'resting' })).rejects.toBeInstanceOf(KalshiApiError);
    expect(server.requests).toHaveLength(5);
  });

  it('a create whose response is lost to a timeout is retried with the same client_order_id and leaves one order', async () => {
    const book = new Map<string, ReturnType<typeof restingOrder>>();
    let creates = 0;
    const { server, client } = await setup(
      (req, res) => {
        if (req.method === 'POST' && req.url === '/trade-api/v2/portfolio/events/orders') {
          creates++;
          const body = JSON.parse(req.body) as { client_order_id: string };
          if (book.has(body.client_order_id)) {
            return json(res, 409, {
              error: {
                code: 'order_already_exists',
                message: 'order with this client_order_id already exists',
              },
            });
          }
          book.set(body.client_order_id, restingOrder(`ord-${book.size + 1}`, body.client_order_id));
          // First answer never arrives in time: the client's headers timeout fires.
          setTimeout(() => json(res, 201, {}), 1000).unref();
          return;
        }
        if (req.method === 'GET' && req.url.startsWith('/trade-api/v2/portfolio/orders')) {
          return json(res, 200, { orders: [...book.values()], cursor: '' });
        }
        json(res, 404, { error: { code: 'not_found' } });
      },
      { timeouts: { requestMs: 300 } },
    );
    const created = await client.createOrder({ ...ORDER, client_order_id: 'kmm-1' });
    expect(created).toMatchObject({
      order_id: 'ord-1',
      client_order_id: 'kmm-1',
      recovered: true,
      remaining_count: 1000,
    });
    expect(creates).toBe(2);
    expect(book.size).toBe(1);
    const bodies = server.requests.filter((r) => r.method === 'POST').map((r) => JSON.parse(r.body));
    expect(bodies[0]).toEqual(bodies[1]);
    expect(bodies[0]).toMatchObject({ price: '0.4400', count: '10.00', client_order_id: 'kmm-1' });
  });

  it('a closed write fence stops creates and amends before signing; cancels and decreases still go', async () => {
    let fence: string | null = 'kill switch';
    const { server, client } = await setup(
      (req, res) => {
        if (req.method === 'DELETE')
          return json(res, 200, { order_id: 'o-1', reduced_by: '10.00', ts_ms: 1 });
        if (req.url.endsWith('/decrease'))
          return json(res, 200, { order_id: 'o-1', remaining_count: '0.00', fill_count: '0.00', ts_ms: 1 });
        json(res, 201, { order_id: 'o-2', client_order_id: 'kmm-2', fill_count: '0', remaining_count: '10' });
      },
      { writeFence: () => fence },
    );
    const refused = await Promise.all([
      client.createOrder({ ...ORDER, client_order_id: 'kmm-1' }).catch((e: unknown) => e),
      client.batchCreateOrders([{ ...ORDER, client_order_id: 'kmm-2' }]).catch((e: unknown) => e),
      client
        .amendOrder('o-1', { ticker: ORDER.ticker, side: 'bid', price: 450_000, count: 1000 })
        .catch((e: unknown) => e),
    ]);
    for (const e of refused) {
      expect(e).toBeInstanceOf(KalshiFencedError);
      expect(e).toMatchObject({ reason: 'kill switch', maybeApplied: false });
    }
    expect(server.requests).toEqual([]);
    await client.cancelOrder('o-1');
    await client.decreaseOrder('o-1', { reduce_to: 0 });
    expect(server.requests.map((r) => r.method)).toEqual(['DELETE', 'POST']);
    fence = null;
    expect((await client.createOrder({ ...ORDER, client_order_id: 'kmm-2' })).order_id).toBe('o-2');
  });

  it('a fence that closes while the request is being signed (off the loop) stops it before the wire', async () => {
    let fence: string | null = null;
    const tripping: Signer = {
      keyId: signer.keyId,
      sign: async (ts, method, path) => {
        const sig = await signer.sign(ts, method, path);
        if (method === 'POST') fence = 'kill switch'; // the kill switch trips while the signature is computed
        return sig;
      },
    };
    const { server, client } = await setup(
      (_req, res) =>
        json(res, 201, { order_id: 'o-1', client_order_id: 'kmm-1', fill_count: '0', remaining_count: '10' }),
      { writeFence: () => fence, signer: tripping },
    );
    const e = await client.createOrder({ ...ORDER, client_order_id: 'kmm-1' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KalshiFencedError);
    expect((e as KalshiFencedError).maybeApplied).toBe(false);
    expect(server.requests).toEqual([]);
  });

  it('a fence that closes during a retry stops the retry and says the first attempt may have rested', async () => {
    let fence: string | null = null;
    const { server, client } = await setup(
      (_req, res) => {
        fence = 'kill switch'; // trips while the 503 is on its way back
        json(res, 503, { error: { code: 'service_unavailable' } });
      },
      { writeFence: () => fence },
    );
    const e = await client.createOrder({ ...ORDER, client_order_id: 'kmm-1' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KalshiFencedError);
    expect((e as KalshiFencedError).maybeApplied).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('a create answered 5xx (it may rest) and then 429 until attempts run out stays maybe-applied', async () => {
    let posts = 0;
    const { client } = await setup((_req, res) => {
      posts++;
      if (posts === 1) return json(res, 503, { error: { code: 'unavailable' } }); // placed, answer lost
      return json(res, 429, { error: 'too many requests' });
    });
    const e = await client.createOrder({ ...ORDER, client_order_id: 'kmm-1' }).catch((x: unknown) => x);
    expect(posts).toBe(4);
    expect(e).toBeInstanceOf(KalshiApiError);
    expect(e).toMatchObject({ status: 429, maybeApplied: true });
  });

  it('a create answered 5xx and then never sent again (connection refused) stays maybe-applied', async () => {
    const { server, client } = await setup((_req, res) => {
      // The first attempt may have rested; then the host goes away, so every retry fails to connect.
      res.on('finish', () => void server.close());
      json(res, 503, { error: { code: 'unavailable' } });
    });
    const e = await client.createOrder({ ...ORDER, client_order_id: 'kmm-1' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KalshiNetworkError);
    expect((e as KalshiNetworkError).errorCode).toBe('ECONNREFUSED');
    expect((e as KalshiNetworkError).maybeApplied).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('a final 429 or connect failure without an ambiguous attempt is still "not applied"', async () => {
    const { client } = await setup((_req, res) => json(res, 429, { error: 'too many requests' }));
    const e = await client.createOrder({ ...ORDER, client_order_id: 'kmm-1' }).catch((x: unknown) => x);
    expect(e).toMatchObject({ status: 429, maybeApplied: false });
  });

  it('a retried create told "already exists" that the lookup cannot find is maybe-applied, not rejected', async () => {
    let posts = 0;
    const { client } = await setup((req, res) => {
      if (req.method === 'GET') return json(res, 200, { orders: [], cursor: '' }); // listing lags
      posts++;
      if (posts === 1) return json(res, 502, { error: { code: 'bad_gateway' } });
      return json(res, 409, { error: { code: 'order_already_exists', message: 'dup' } });
    });
    const e = await client.createOrder({ ...ORDER, client_order_id: 'kmm-1' }).catch((x: unknown) => x);
    expect(e).toMatchObject({ status: 409, code: 'order_already_exists', maybeApplied: true });
  });

  it('a batch create answered 5xx, then per-item errors: the items are unconfirmed, not failed', async () => {
    let posts = 0;
    const { client } = await setup((req, res) => {
      posts++;
      if (posts === 1) return json(res, 500, { error: 'internal' });
      const b = JSON.parse(req.body) as { orders: { client_order_id: string }[] };
      json(res, 201, {
        orders: b.orders.map((o) => ({
          client_order_id: o.client_order_id,
          error: { code: 'insufficient_balance', message: 'the first attempt used it' },
        })),
      });
    });
    const r = await client.batchCreateOrders([
      { ...ORDER, client_order_id: 'x1' },
      { ...ORDER, client_order_id: 'x2' },
    ]);
    expect(r).toMatchObject([
      { ok: false, client_order_id: 'x1', unconfirmed: true },
      { ok: false, client_order_id: 'x2', unconfirmed: true },
    ]);
  });

  it('a 409 on the first attempt is the caller’s duplicate and is reported, not papered over', async () => {
    const { client } = await setup((_req, res) =>
      json(res, 409, { error: { code: 'order_already_exists', message: 'dup' } }),
    );
    const err = await client.createOrder({ ...ORDER, client_order_id: 'dup' }).catch((e: unknown) => e);
    expect((err as KalshiApiError).code).toBe('order_already_exists');
  });

  it('a create without client_order_id gets one generated, so it is safe to retry', async () => {
    const { server, client } = await setup((req, res) => {
      const b = JSON.parse(req.body) as { client_order_id: string };
      json(res, 201, {
        order_id: 'o-9',
        client_order_id: b.client_order_id,
        fill_count: '0',
        remaining_count: '10',
        ts_ms: 1,
      });
    });
    const r = await client.createOrder(ORDER);
    expect(r.client_order_id).toMatch(/^kmm-/);
    expect(JSON.parse(server.requests[0]!.body).client_order_id).toBe(r.client_order_id);
  });

  it('cancel reports what the exchange confirms', async () => {
    const answers: Record<string, () => [number, unknown]> = {
      'o-ok': () => [200, { order_id: 'o-ok', client_order_id: 'c', reduced_by: '10.00', ts_ms: 1 }],
      'o-zero': () => [200, { order_id: 'o-zero', reduced_by: '0.00', ts_ms: 1 }],
      'o-other': () => [200, { order_id: 'someone-else', reduced_by: '10.00', ts_ms: 1 }],
      'o-gone': () => [404, { error: { code: 'not_found', message: 'order not found' } }],
    };
    const { server, client } = await setup((req, res) => {
      const id = req.url.split('?')[0]!.split('/').pop()!;
      const [status, body] = answers[id]!();
      json(res, status, body);
    });
    const out: Record<string, CancelOutcome> = {};
    for (const id of Object.keys(answers))
      out[id] = await client.cancelOrder(id, { market_ticker: ORDER.ticker });
    expect(out['o-ok']).toMatchObject({ kind: 'cancelled', reduced_by: 1000 });
    expect(out['o-zero']).toMatchObject({ kind: 'nothing_cancelled', reason: 'reduced_by_zero' });
    expect(out['o-other']).toMatchObject({ kind: 'unconfirmed', reason: 'response_for_other_order' });
    expect(out['o-gone']).toMatchObject({ kind: 'nothing_cancelled', reason: 'not_found' });
    expect(server.requests[0]!.method).toBe('DELETE');
    expect(server.requests[0]!.url).toBe(
      `/trade-api/v2/portfolio/events/orders/o-ok?market_ticker=${ORDER.ticker}`,
    );
  });

  it('batch cancel gives one outcome per requested id and flags items about other orders', async () => {
    const { client } = await setup((_req, res) =>
      json(res, 200, {
        orders: [
          { order_id: 'a', reduced_by: '5.00', ts_ms: 1 },
          { order_id: 'stranger', reduced_by: '5.00', ts_ms: 1 },
          { order_id: 'c', reduced_by: '0.00', error: { code: 'invalid_order', message: 'x' } },
        ],
      }),
    );
    const r = await client.batchCancelOrders([{ order_id: 'a' }, { order_id: 'b' }, { order_id: 'c' }]);
    expect(r.map((x) => x.kind)).toEqual(['cancelled', 'unconfirmed', 'failed']);
  });

  it('batch create keeps request order and reports per-item errors', async () => {
    const { client } = await setup((req, res) => {
      const b = JSON.parse(req.body) as { orders: { client_order_id: string }[] };
      json(res, 201, {
        orders: [
          {
            order_id: 'o-1',
            client_order_id: b.orders[0]!.client_order_id,
            fill_count: '0.00',
            remaining_count: '10.00',
          },
          {
            client_order_id: b.orders[1]!.client_order_id,
            error: { code: 'invalid_price', message: 'off grid' },
          },
        ],
      });
    });
    const r = await client.batchCreateOrders([
      { ...ORDER, client_order_id: 'x1' },
      { ...ORDER, client_order_id: 'x2', price: 450_000 },
    ]);
    expect(r[0]).toMatchObject({ ok: true, order: { order_id: 'o-1', client_order_id: 'x1' } });
    expect(r[1]).toMatchObject({ ok: false, client_order_id: 'x2', error: { code: 'invalid_price' } });
  });

  it('cancel-all accepts 204 with an empty body', async () => {
    const { server, client } = await setup((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    await client.cancelAll();
    expect(server.requests[0]!.method).toBe('DELETE');
    expect(server.requests[0]!.url).toBe('/trade-api/v2/portfolio/events/orders');
  });

  it('follows cursors until empty', async () => {
    const { server, client } = await setup((req, res) => {
      const cursor = new URL(req.url, 'http://x').searchParams.get('cursor');
      const page = cursor === null ? 0 : Number(cursor);
      json(res, 200, {
        fills: [
          {
            fill_id: `f-${page}`,
            order_id: 'o',
            ticker: 'T-1',
            outcome_side: 'yes',
            book_side: 'bid',
            count_fp: '1.00',
            yes_price_dollars: '0.5000',
            is_taker: false,
            fee_cost: '0.0000',
          },
        ],
        cursor: page < 2 ? String(page + 1) : '',
      });
    });
    const fills = await client.allFills({ min_ts: 100 });
    expect(fills.map((f) => f.fill_id)).toEqual(['f-0', 'f-1', 'f-2']);
    expect(server.requests).toHaveLength(3);
  });

  it('connection refused is retried (never sent) and then reported as a network error', async () => {
    const { server, client } = await setup((_req, res) => json(res, 200, {}));
    await server.close();
    const err = await client.getExchangeStatus().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KalshiNetworkError);
    expect((err as KalshiNetworkError).maybeApplied).toBe(false);
    expect((err as KalshiNetworkError).attempt).toBe(4);
  });

  it('a redirect is a final answer: the signed request is never sent to another host', async () => {
    const { server, client } = await setup((req, res) => {
      if (req.url.startsWith('/elsewhere'))
        return json(res, 200, { exchange_active: true, trading_active: true });
      res.writeHead(307, { location: `${server.baseUrl.replace('/trade-api/v2', '')}/elsewhere` }).end();
    });
    const err = await client.getExchangeStatus().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KalshiApiError);
    expect((err as KalshiApiError).status).toBe(307);
    expect(server.requests.map((r) => r.url)).toEqual(['/trade-api/v2/exchange/status']);
  });

  it('a connection dropped before any answer: a create is maybe-applied and not repeated blindly', async () => {
    const { server, client } = await setup((req, res) => {
      if (req.method === 'GET') return json(res, 200, { orders: [], cursor: '' });
      res.socket?.destroy(); // the request arrived; the answer never leaves
    });
    const e = await client
      .amendOrder('o-1', { ticker: ORDER.ticker, side: 'bid', price: 450_000, count: 1000 })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KalshiNetworkError);
    expect((e as KalshiNetworkError).maybeApplied).toBe(true);
    expect((e as KalshiNetworkError).errorCode).toMatch(/^(UND_ERR_SOCKET|ECONNRESET)$/);
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('a batch is billed per item: one larger than the write bucket is refused before sending', async () => {
    const { server, client } = await setup((_req, res) => json(res, 201, { orders: [] }));
    const eleven = Array.from({ length: 11 }, (_, i) => ({ ...ORDER, client_order_id: `x${i}` }));
    await expect(client.batchCreateOrders(eleven)).rejects.toThrow(/costs 110 tokens .* holds 100/);
    expect(server.requests).toHaveLength(0);
  });

  it('an invalid request is refused before sending, naming the field', async () => {
    const { server, client } = await setup((_req, res) => json(res, 201, {}));
    await expect(client.createOrder({ ...ORDER, price: 1_000_000 })).rejects.toThrow(
      /invalid request: price/,
    );
    await expect(client.createOrder({ ...ORDER, count: 0 })).rejects.toBeInstanceOf(KalshiRequestError);
    expect(server.requests).toHaveLength(0);
  });

  it('a write with tokens at hand reaches sign() in the caller’s turn, its body as sent', async () => {
    const signed: string[] = [];
    const recording: Signer = {
      keyId: signer.keyId,
      sign: (ts, method, path) => {
        signed.push(`${method} ${path}`);
        return signer.sign(ts, method, path);
      },
    };
    const { server, client } = await setup(
      (_req, res) => json(res, 201, { order_id: 'o-1', fill_count: '0.00', remaining_count: '10.00' }),
      { signer: recording },
    );
    const create = client.createOrder({ ...ORDER, client_order_id: 'c-1' });
    // No promise turn between the decision and the signature (no await on the limiter, no zod pass).
    expect(signed).toEqual(['POST /trade-api/v2/portfolio/events/orders']);
    await create;
    const amend = client.amendOrder('o-1', {
      ticker: ORDER.ticker,
      side: 'bid',
      price: 450_000,
      count: 1000,
    });
    expect(signed).toHaveLength(2);
    await amend.catch(() => {});
    expect(JSON.parse(server.requests[0]!.body)).toMatchObject({
      client_order_id: 'c-1',
      ticker: ORDER.ticker,
    });
    expect(JSON.parse(server.requests[1]!.body)).toEqual({
      ticker: ORDER.ticker,
      side: 'bid',
      price: '0.4500',
      count: '10.00',
    });
  });

  it('a success body that does not match the schema is an error naming the field', async () => {
    const { client } = await setup((_req, res) =>
      json(res, 200, { exchange_active: 'yes', trading_active: true }),
    );
    await expect(client.getExchangeStatus()).rejects.toThrow(/exchange_active/);
  });
});
