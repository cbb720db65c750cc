/**
 * The executor's send path over the production gateway, REST client and sign
 * queue, against a loopback Kalshi that verifies every signature: a plan's
 * cancels are signed (and so sent) before its amends and creates even when
 * the signer is busy (and ahead of creates queued before them), and a batch create answered with one per-item error
 * acknowledges the accepted order and refuses only the other.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import { KalshiRestClient } from '../../../shared/kalshi/rest-client.ts';
import { withSignQueue } from '../../../shared/kalshi/sign-queue.ts';
import { createRsaSigner, type Signer } from '../../../shared/kalshi/signer.ts';
import type { Centis, Micros } from '../../../shared/units.ts';
import { KalshiGateway } from '../../../worker/engine/adapters/kalshi-gateway.ts';
import { OrderExecutor } from '../../../worker/engine/order-executor.ts';
import type { OrderGroups } from '../../../worker/engine/order-groups.ts';
import { type LedgerOrder, listed, placed } from '../../../worker/engine/order-ledger.ts';
import { OrderStore } from '../../../worker/engine/order-store.ts';
import { RefusalBackoff } from '../../../worker/engine/refusal-backoff.ts';
import { undiciTransport } from '../../../worker/kalshi/undici-transport.ts';
import {
  json,
  keyPair,
  type Recorded,
  startServer,
  VirtualClock,
  verifySignature,
} from '../../shared/kalshi/support.ts';

const GAME = 'KXNBAGAME-26NOV14BOSMIL';
const BOS = `${GAME}-BOS`;
const MIL = `${GAME}-MIL`;
const rsa = createRsaSigner({ keyId: 'k', privateKeyPem: keyPair.privatePem });
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function signed(r: Recorded): boolean {
  const ts = String(r.headers['kalshi-access-timestamp']);
  return verifySignature(
    keyPair.publicPem,
    `${ts}${r.method}${r.url.split('?')[0]}`,
    String(r.headers['kalshi-access-signature']),
  );
}

/** Kalshi on loopback: cancels and amends succeed; a batch create accepts every item but those priced 0.4500. */
async function exchange() {
  return startServer((req, res) => {
    if (!signed(req)) return json(res, 401, { error: { code: 'unauthorized', message: 'bad signature' } });
    const path = req.url.split('?')[0]!;
    if (req.method === 'DELETE') {
      const id = path.split('/').pop()!;
      return json(res, 200, { order_id: id, client_order_id: `c-${id}`, reduced_by: '10.00', ts_ms: 5 });
    }
    if (path.endsWith('/amend')) {
      const id = path.split('/').at(-2)!;
      return json(res, 200, {
        order_id: id,
        client_order_id: `c-${id}`,
        remaining_count: '10.00',
        fill_count: '0.00',
        ts_ms: 5,
      });
    }
    if (path.endsWith('/batched')) {
      const b = JSON.parse(req.body) as { orders: { client_order_id: string; price: string }[] };
      return json(res, 201, {
        orders: b.orders.map((o, i) =>
          o.price === '0.4500'
            ? {
                client_order_id: o.client_order_id,
                error: { code: 'invalid_price', message: 'price is not on the grid' },
              }
            : {
                order_id: `new-${i}`,
                client_order_id: o.client_order_id,
                fill_count: '0.00',
                remaining_count: '10.00',
                ts_ms: 5,
              },
        ),
      });
    }
    return json(res, 404, { error: { code: 'not_found', message: path } });
  });
}

function rig(server: Awaited<ReturnType<typeof exchange>>, offLoop: Signer) {
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
  const clock = new ManualClock(1_000);
  const store = new OrderStore(clock);
  const counted: Record<string, number> = {};
  const backoff = new RefusalBackoff();
  const executor = new OrderExecutor({
    gateway: new KalshiGateway(client),
    clock,
    log: { info() {}, warn() {}, error() {} },
    metrics: {
      count: (name, value = 1) => {
        counted[name] = (counted[name] ?? 0) + value;
      },
      gauge() {},
      timing() {},
    },
    store,
    backoff,
    groups: { trip() {} } as unknown as OrderGroups,
    onSettled() {},
  });
  const resting = (id: string, ticker: string, price: number): LedgerOrder => {
    const o = listed(
      store.newKey(),
      GAME,
      {
        orderId: id,
        clientOrderId: `c-${id}`,
        ticker,
        side: 'bid',
        price: price as Micros,
        remaining: 1000 as Centis,
        filled: 0 as Centis,
      },
      'resting',
      clock.now(),
    );
    store.add(o);
    return o;
  };
  const pendingCreate = (clientId: string, price: number): LedgerOrder => {
    const o = placed(
      store.newKey(),
      GAME,
      clientId,
      { ticker: MIL, side: 'ask', price: price as Micros, size: 1000 as Centis },
      clock.now(),
    );
    store.add(o);
    return o;
  };
  return { executor, store, counted, backoff, clock, resting, pendingCreate };
}

const target = { eventTicker: GAME, exchangeIndex: () => 0 };

describe('order executor, to the wire', () => {
  it('signs a cancel and an amend ahead of creates queued before them while the signer is busy with an earlier write', async () => {
    const server = await exchange();
    const started: string[] = [];
    let release!: () => void;
    const busy = new Promise<void>((r) => {
      release = r;
    });
    const offLoop: Signer = {
      keyId: 'k',
      async sign(ts, method, path) {
        started.push(`${method} ${path.replace('/trade-api/v2/portfolio/events/orders', '')}`);
        if (started.length === 1) await busy;
        return rsa.sign(ts, method, path);
      },
    };
    const r = rig(server, offLoop);
    // An earlier requote's create holds the only signing slot.
    const earlier = r.executor.send(
      { cancels: [], decreases: [], amends: [], creates: [r.pendingCreate('c-early', 480_000)] },
      target,
      undefined,
    );
    const stale = r.resting('o-stale', BOS, 440_000);
    r.store.apply(stale, { type: 'sent', write: 'cancel', nowMs: r.clock.now() });
    const moved = r.resting('o-moved', BOS, 430_000);
    r.store.apply(moved, {
      type: 'sent',
      write: 'amend',
      price: 420_000 as Micros,
      total: 1000 as Centis,
      nowMs: r.clock.now(),
    });
    // The next requote's creates queue for it, unsigned…
    const creates = r.executor.send(
      {
        creates: [r.pendingCreate('c-a', 470_000), r.pendingCreate('c-b', 460_000)],
        amends: [],
        decreases: [],
        cancels: [],
      },
      target,
      undefined,
    );
    // …and then a requote takes a stale quote down and moves a touched one: those go ahead of the creates.
    const urgent = r.executor.send(
      {
        creates: [],
        amends: [{ o: moved, price: 420_000 as Micros, remaining: 1000 as Centis }],
        decreases: [],
        cancels: [stale],
      },
      target,
      undefined,
    );
    release();
    await Promise.all([earlier, creates, urgent]);
    expect(started).toEqual(['POST ', 'DELETE /o-stale', 'POST /o-moved/amend', 'POST /batched']);
    expect(server.requests).toHaveLength(4);
    expect(r.counted.OrdersCancelled).toBe(1);
  });

  it('a batch create with one refused item: the accepted order rests under its id, only the refused one is dropped, the game backs off once', async () => {
    const server = await exchange();
    const r = rig(server, rsa);
    const ok = r.pendingCreate('c-ok', 470_000);
    const off = r.pendingCreate('c-off', 450_000);
    await r.executor.send({ cancels: [], decreases: [], amends: [], creates: [ok, off] }, target, undefined);
    expect(server.requests.map((q) => `${q.method} ${q.url}`)).toEqual([
      'POST /trade-api/v2/portfolio/events/orders/batched',
    ]);
    expect(ok).toMatchObject({ orderId: 'new-0', state: 'resting', remaining: 1000 });
    expect(r.store.byClient('c-ok')).toBe(ok);
    expect(r.store.byClient('c-off')).toBeUndefined();
    expect(r.counted.OrdersCreated).toBe(1);
    expect(r.counted.WritesRefused).toBe(1);
    expect(r.executor.stats.writeFailures).toBe(1);
  });
});
