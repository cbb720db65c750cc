/**
 * A cancel's time to the exchange while creates hold every connection they may use: the worker's
 * REST client and undici transport against a loopback server that answers each create after
 * HOLD_MS. With the send gate's cancel reserve (send-gate.ts, CANCEL_RESERVE) the cancel goes
 * straight out; the same-run baseline is the same transport with no reserve, where it waits for a
 * create's answer to free a slot (about HOLD_MS).
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { KalshiRestClient } from '../shared/kalshi/rest-client.ts';
import { createRsaSigner } from '../shared/kalshi/signer.ts';
import type { RestTransport } from '../shared/kalshi/transport.ts';
import { undiciTransport } from '../worker/kalshi/undici-transport.ts';
import { type Figure, figure, Latency } from './figures.ts';
import { rsaKeyPair } from './fixture.ts';

/** How long the server sits on each create's answer. */
export const HOLD_MS = 50;
const ROUNDS = 30;

const ORDER = {
  ticker: 'KXNBAGAME-26NOV14BOSMIL-BOS',
  side: 'bid' as const,
  count: 1000,
  price: 440_000,
  time_in_force: 'good_till_canceled' as const,
  self_trade_prevention_type: 'taker_at_cross' as const,
  post_only: true,
  exchange_index: 0,
};

function reply(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function measure(reserve: boolean): Promise<Latency> {
  let held = 0;
  let cancelIn: (() => void) | null = null;
  let onHeld: (() => void) | null = null;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST') {
        held++;
        onHeld?.();
        setTimeout(() => {
          held--;
          reply(res, 201, { order_id: 'o-c', fill_count: '0.00', remaining_count: '10.00' });
        }, HOLD_MS);
      } else {
        cancelIn?.();
        reply(res, 200, { order_id: 'o-1', client_order_id: null, reduced_by: '10.00' });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/trade-api/v2`;
  const worker = undiciTransport(base);
  const transport: RestTransport = reserve
    ? worker
    : { send: worker.send, close: worker.close, maxInFlight: worker.maxInFlight!, reservedForCancels: 0 };
  const keys = rsaKeyPair();
  const client = new KalshiRestClient({
    baseUrl: base,
    signer: createRsaSigner({ keyId: 'bench', privateKeyPem: keys.privateKey }),
    limiter: false,
    transport,
  });
  const createSlots = transport.maxInFlight! - (transport.reservedForCancels ?? 0);
  const lat = new Latency();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const creates = Array.from({ length: createSlots + 4 }, (_, i) =>
        client.createOrder({ ...ORDER, client_order_id: `r${round}-${i}` }),
      );
      // Every slot creates may use is held by a create the server sits on.
      await new Promise<void>((resolve) => {
        onHeld = () => {
          if (held >= createSlots) resolve();
        };
        onHeld();
      });
      onHeld = null;
      const t0 = performance.now();
      const arrived = new Promise<void>((resolve) => {
        cancelIn = resolve;
      });
      const cancel = client.cancelOrder('o-1');
      await arrived;
      lat.recordNs(Math.round((performance.now() - t0) * 1_000_000));
      cancelIn = null;
      await Promise.all([cancel, ...creates]);
    }
  } finally {
    await client.close();
    await new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  }
  return lat;
}

export async function benchCancelUnderLoad(): Promise<Figure[]> {
  const without = await measure(false);
  const withReserve = await measure(true);
  const baseline = (p: number) => ({
    name: 'no cancel reserve (every slot open to creates)',
    value: without.ms(p),
    unit: 'ms',
    samples: without.count,
  });
  const note = `every create slot held, the server answering each create after ${HOLD_MS} ms; ${ROUNDS} rounds`;
  return [
    figure(
      'cancel_to_exchange_under_creates_p50',
      withReserve.ms(50),
      'ms',
      null,
      'lower',
      withReserve.count,
      note,
      baseline(50),
    ),
    figure(
      'cancel_to_exchange_under_creates_p99',
      withReserve.ms(99),
      'ms',
      null,
      'lower',
      withReserve.count,
      note,
      baseline(99),
    ),
  ];
}
