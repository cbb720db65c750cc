/** The shared REST client against the simulated exchange over loopback. */
import { afterEach, describe, expect, it } from 'vitest';
import { KalshiApiError } from '../../../shared/kalshi/errors.ts';
import { KalshiRestClient, type RestEvent } from '../../../shared/kalshi/rest-client.ts';
import { createRsaSigner } from '../../../shared/kalshi/signer.ts';
import { SteppedClock } from '../../../sim/clock.ts';
import type { KalshiSim } from '../../../sim/kalshi/index.ts';
import { ORDER } from '../../shared/kalshi/support.ts';
import { waitFor } from '../../support/wait-for.ts';
import { BOS, KEY_ID, keys, rest, signer, startSim, T0 } from './sim-setup.ts';

let sim: KalshiSim;
let client: KalshiRestClient | null = null;
afterEach(async () => {
  await client?.close();
  client = null;
  await sim?.close();
});

function make(opts: { requestMs?: number } = {}) {
  const events: RestEvent[] = [];
  client = new KalshiRestClient({
    baseUrl: sim.restBaseUrl,
    signer,
    retry: { baseMs: 20, capMs: 200, maxAttempts: 5 },
    timeouts: { connectMs: 1000, headersMs: 5000, bodyMs: 5000, requestMs: opts.requestMs ?? 5000 },
    onEvent: (e) => events.push(e),
  });
  return { client, events };
}

describe('REST client × simulator', () => {
  it('signed requests are accepted; discovery, book and account reads parse', async () => {
    sim = await startSim();
    rest(sim, BOS, 'bid', 430_000, 18_000);
    rest(sim, BOS, 'ask', 460_000, 9_000);
    const { client } = make();
    expect((await client.getExchangeStatus()).trading_active).toBe(true);
    const markets = await client.getMarkets({ series_ticker: 'KXNBAGAME' });
    expect(markets.markets.map((m) => m.ticker).sort()).toContain(BOS);
    expect(markets.markets[0]?.price_ranges?.[0]?.step).toBe(10_000);
    const events = await client.getEvents({
      series_ticker: 'KXNBAGAME',
      with_milestones: true,
      with_nested_markets: true,
    });
    expect(events.events[0]?.markets?.length).toBe(2);
    const book = await client.getOrderbook(BOS);
    expect(book.yes_dollars).toContainEqual([430_000, 18_000]);
    expect((await client.getBalance()).balance_dollars).toBe(1_000_000_000);
    await client.configureLimiter();
    expect(client.limiter?.snapshot().write.capacity).toBeGreaterThan(0);
  });

  it('a tampered signature is refused (401, not retried)', async () => {
    sim = await startSim();
    const other = createRsaSigner({ keyId: KEY_ID, privateKeyPem: keys.privateKey });
    client = new KalshiRestClient({
      baseUrl: sim.restBaseUrl,
      signer: { keyId: KEY_ID, sign: (ts, m, p) => other.sign(ts, m, `${p}x`) },
    });
    const err = await client.getBalance().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KalshiApiError);
    expect((err as KalshiApiError).status).toBe(401);
    expect((err as KalshiApiError).attempt).toBe(1);
  });

  it('rides out 429 and 5xx bursts with backoff', async () => {
    sim = await startSim();
    const { client, events } = make();
    sim.faults.burst429(3);
    expect((await client.getExchangeStatus()).exchange_active).toBe(true);
    sim.faults.burst5xx(2);
    expect((await client.getOrders({ status: 'resting' })).orders).toEqual([]);
    const retries = events.filter((e) => e.type === 'retry');
    expect(retries).toHaveLength(5);
    expect(events.filter((e) => e.type === 'rate_limited')).toHaveLength(3);
  });

  it('a create retried after a timeout leaves exactly one order', async () => {
    // The exchange holds a slow request on its (stepped) scenario clock: the first attempt stays held,
    // its client gives up on it, and it lands only when the test moves that clock.
    const clock = new SteppedClock(T0);
    sim = await startSim({ clock });
    const { client, events } = make({ requestMs: 1_500 });
    sim.faults.set({ slowResponseMs: 700 });
    const creating = client.createOrder({ ...ORDER, client_order_id: 'kmm-once' });
    // Only the first attempt is slow: the fault is cleared once that attempt is held, not after a guess.
    await waitFor(() => sim.parkedRequests() === 1, { what: 'the first attempt held at the exchange' });
    sim.faults.set({ slowResponseMs: 0 });
    const created = await creating;
    expect(created.client_order_id).toBe('kmm-once');
    expect(events.some((e) => e.type === 'retry')).toBe(true);
    clock.advance(700); // the slow first attempt lands at the exchange, after its retry
    await waitFor(() => sim.parkedRequests() === 0, { what: 'the first attempt answered' });
    expect(sim.faults.counts.slowed).toBe(1);
    const mine = (await client.allOrders({ ticker: BOS })).filter((o) => o.client_order_id === 'kmm-once');
    expect(mine).toHaveLength(1);
    expect(mine[0]?.order_id).toBe(created.order_id);
  });

  it('cancel confirms reduced_by; a second cancel reports nothing cancelled', async () => {
    sim = await startSim();
    const { client } = make();
    const created = await client.createOrder({ ...ORDER, client_order_id: 'kmm-c' });
    const first = await client.cancelOrder(created.order_id, { market_ticker: BOS });
    expect(first).toMatchObject({ kind: 'cancelled', reduced_by: 1000 });
    const second = await client.cancelOrder(created.order_id, { market_ticker: BOS });
    expect(second.kind).toBe('nothing_cancelled');
  });

  it('batch create, batch cancel and cancel-all round-trip', async () => {
    sim = await startSim();
    const { client } = make();
    const made = await client.batchCreateOrders([
      { ...ORDER, client_order_id: 'b1' },
      { ...ORDER, client_order_id: 'b2', price: 420_000 },
      { ...ORDER, client_order_id: 'b3', price: 445_000 },
    ]);
    expect(made.map((m) => m.ok)).toEqual([true, true, false]);
    const ids = made.flatMap((m) => (m.ok ? [m.order.order_id] : []));
    const cancelled = await client.batchCancelOrders(ids.slice(0, 1).map((order_id) => ({ order_id })));
    expect(cancelled[0]?.kind).toBe('cancelled');
    await client.cancelAll();
    expect((await client.getOrders({ status: 'resting' })).orders).toEqual([]);
  });
});
