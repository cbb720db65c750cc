import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { parseWsFrame } from '../../../shared/kalshi/schemas/ws.ts';
import type { SteppedClock } from '../../../sim/clock.ts';
import { Faults, numbersForStrings } from '../../../sim/kalshi/faults.ts';
import type { KalshiSim } from '../../../sim/kalshi/index.ts';
import type { OrderRequest } from '../../../sim/kalshi/types.ts';
import { waitFor } from '../../support/wait-for.ts';
import { BOS, type Call, ofType, setupSim, WsClient } from './harness.ts';

let sim: KalshiSim;
let call: (method: string, path: string, body?: unknown, signed?: boolean) => Promise<Call>;
let clients: WsClient[] = [];
let stepped: SteppedClock;

beforeEach(async () => {
  ({ sim, call, clock: stepped } = await setupSim({ pingIntervalMs: 30 }));
  clients = [];
});
afterEach(async () => {
  for (const c of clients) c.close();
  await sim.close();
});

/** Scenario time passing while a test waits on the wire (the simulator's delays run on it): 10 ms per 5 wall ms. */
function passTime(): () => void {
  const t = setInterval(() => stepped.advance(10), 5);
  return () => clearInterval(t);
}

async function connect(): Promise<WsClient> {
  const c = await WsClient.connect(sim);
  clients.push(c);
  return c;
}

const req = (
  side: 'bid' | 'ask',
  price: number,
  count: number,
  extra: Partial<OrderRequest> = {},
): OrderRequest => ({
  ticker: BOS,
  side,
  price,
  count,
  timeInForce: 'good_till_canceled',
  selfTradePrevention: 'maker',
  ...extra,
});

const createBody = (price: string) => ({
  ticker: BOS,
  side: 'bid',
  count: '5.00',
  price,
  time_in_force: 'good_till_canceled',
  self_trade_prevention_type: 'taker_at_cross',
});

async function bookClient(): Promise<WsClient> {
  const c = await connect();
  c.send({ id: 1, cmd: 'subscribe', params: { channels: ['orderbook_delta'], market_tickers: [BOS] } });
  await c.next(ofType('orderbook_snapshot'));
  return c;
}

async function privateClient(): Promise<WsClient> {
  const c = await connect();
  c.send({ id: 1, cmd: 'subscribe', params: { channels: ['fill', 'user_orders'] } });
  await c.count('subscribed', 2);
  return c;
}

const closed = (c: WsClient) =>
  new Promise<void>((resolve) => (c.closed ? resolve() : c.ws.once('close', () => resolve())));

describe('WebSocket faults', () => {
  it('drop: the server closes connections now, or at random per frame', async () => {
    const a = await bookClient();
    sim.faults.dropWebSockets();
    await closed(a);
    expect(sim.faults.counts.wsDrops).toBe(1);
    const b = await bookClient();
    sim.faults.set({ wsDropRate: 1 });
    sim.admin.placeOrder('other', req('bid', 400_000, 100));
    await closed(b);
    expect(b.frames.filter(ofType('orderbook_delta'))).toEqual([]);
  });

  it('half-open: the session goes silent (no data, no pings, no pongs) but the socket stays; new connections work', async () => {
    const stop = passTime();
    onTestFinished(stop);
    const a = await bookClient();
    await new Promise<void>((r) => a.ws.once('ping', () => r()));
    sim.faults.halfOpenWebSockets();
    const pingsAt = a.pings;
    let ponged = false;
    a.ws.on('pong', () => {
      ponged = true;
    });
    a.ws.ping('x');
    sim.admin.placeOrder('other', req('bid', 400_000, 100));
    const b = await bookClient(); // a fresh connection is unaffected and proves time has passed
    sim.admin.placeOrder('other', req('bid', 410_000, 100));
    await b.next(ofType('orderbook_delta'));
    await new Promise<void>((r) => b.ws.once('ping', () => r()));
    await new Promise<void>((r) => b.ws.once('ping', () => r()));
    expect(a.closed).toBe(false);
    expect(a.frames.filter(ofType('orderbook_delta'))).toEqual([]);
    expect(a.pings).toBe(pingsAt);
    expect(ponged).toBe(false);
  });

  it('sequence gap: a lost delta shows as a seq jump; get_snapshot recovers', async () => {
    const c = await bookClient();
    sim.faults.set({ seqGapRate: 1 });
    sim.admin.placeOrder('other', req('bid', 400_000, 100));
    sim.faults.set({ seqGapRate: 0 });
    sim.admin.placeOrder('other', req('bid', 410_000, 100));
    expect(await c.next(ofType('orderbook_delta'))).toMatchObject({
      seq: 3,
      msg: { price_dollars: '0.4100' },
    });
    sim.faults.gapNow();
    sim.admin.placeOrder('other', req('bid', 420_000, 100));
    expect(await c.next(ofType('orderbook_delta'))).toMatchObject({ seq: 5 });
    c.send({
      id: 9,
      cmd: 'update_subscription',
      params: { sid: 1, market_tickers: [BOS], action: 'get_snapshot' },
    });
    expect(await c.next(ofType('orderbook_snapshot'))).toMatchObject({
      id: 9,
      seq: 6,
      msg: {
        yes_dollars_fp: [
          ['0.4000', '1.00'],
          ['0.4100', '1.00'],
          ['0.4200', '1.00'],
        ],
      },
    });
    expect(sim.faults.counts.seqGaps).toBe(1);
  });

  it('duplicated fills: the same fill message arrives twice', async () => {
    const c = await privateClient();
    sim.faults.set({ duplicateFillRate: 1 });
    sim.admin.placeOrder('maker', req('bid', 440_000, 100));
    sim.admin.placeOrder('other', req('ask', 440_000, 100, { timeInForce: 'immediate_or_cancel' }));
    const fills = await c.count('fill', 2);
    expect(fills[0]).toEqual(fills[1]);
  });

  it('late fills: the fill arrives after the order update that reports the execution', async () => {
    const stop = passTime();
    onTestFinished(stop);
    const c = await privateClient();
    sim.faults.set({ lateFillMs: 50 });
    sim.admin.placeOrder('maker', req('bid', 440_000, 100));
    sim.admin.placeOrder('other', req('ask', 440_000, 100, { timeInForce: 'immediate_or_cancel' }));
    await c.next(ofType('fill'));
    const kinds = c.raw
      .map((t) => (JSON.parse(t) as { type: string }).type)
      .filter((t) => t !== 'subscribed');
    expect(kinds.indexOf('fill')).toBeGreaterThan(kinds.lastIndexOf('user_order'));
  });

  it('numbers where strings are expected: fixed-point fields arrive as JSON numbers and still parse', async () => {
    const c = await bookClient();
    sim.faults.set({ numbersAsNumbersRate: 1 });
    sim.admin.placeOrder('other', req('bid', 440_000, 150));
    const d = await c.next(ofType('orderbook_delta'));
    expect(d.msg).toMatchObject({ price_dollars: 0.44, delta_fp: 1.5 });
    expect(numbersForStrings({ client_order_id: '12.50', yes_dollars_fp: [['0.4400', '10.00']] })).toEqual({
      client_order_id: '12.50',
      yes_dollars_fp: [[0.44, 10]],
    });
    const last = c.raw.at(-1) ?? '';
    const parsed = parseWsFrame(last);
    expect(parsed.ok && parsed.msg.type === 'orderbook_delta' && parsed.msg.msg.price_dollars).toBe(440_000);
  });
});

describe('REST faults', () => {
  it('429 burst: the next N requests answer 429 with Kalshi body, then service resumes', async () => {
    sim.faults.burst429(2);
    for (let i = 0; i < 2; i++) {
      const r = await call('GET', '/portfolio/balance');
      expect(r.status).toBe(429);
      expect(r.body).toEqual({ error: 'too many requests' });
    }
    expect((await call('GET', '/portfolio/balance')).status).toBe(200);
  });

  it('5xx burst: 500 then 503, nothing applied, then service resumes', async () => {
    sim.faults.burst5xx(2);
    expect((await call('POST', '/portfolio/events/orders', createBody('0.4000'))).status).toBe(500);
    expect((await call('POST', '/portfolio/events/orders', createBody('0.4000'))).status).toBe(503);
    expect(sim.admin.restingOrders('maker')).toEqual([]);
    expect((await call('POST', '/portfolio/events/orders', createBody('0.4000'))).status).toBe(201);
  });

  it('applied-then-504: the write takes effect but the answer is a gateway timeout; a retry with the same client_order_id gets 409', async () => {
    sim.faults.burstAppliedErrors(1);
    const body = { ...createBody('0.4000'), client_order_id: 'retry-me' };
    const first = await call('POST', '/portfolio/events/orders', body);
    expect(first.status).toBe(504);
    expect(sim.admin.restingOrders('maker')).toHaveLength(1);
    expect((await call('POST', '/portfolio/events/orders', body)).status).toBe(409);
    expect(sim.faults.counts.appliedErrors).toBe(1);
  });

  it('position lag: REST positions trail the fills until the lag has passed', async () => {
    sim.faults.set({ positionLagMs: 1000 });
    sim.admin.placeOrder('maker', req('bid', 440_000, 300));
    sim.admin.placeOrder('other', req('ask', 440_000, 300, { timeInForce: 'immediate_or_cancel' }));
    const fills = await call('GET', '/portfolio/fills');
    expect((fills.body as { fills: unknown[] }).fills).toHaveLength(1);
    const lagging = await call('GET', '/portfolio/positions');
    expect(
      (lagging.body as { market_positions: { position_fp: string }[] }).market_positions[0]?.position_fp,
    ).toBe('0.00');
    stepped.advance(1001);
    const caught = await call('GET', '/portfolio/positions');
    expect(
      (caught.body as { market_positions: { position_fp: string }[] }).market_positions[0]?.position_fp,
    ).toBe('3.00');
  });

  it('slow responses: a delayed request completes after a later, undelayed one', async () => {
    const stop = passTime();
    onTestFinished(stop);
    sim.faults.set({ slowResponseMs: 150 });
    const order: string[] = [];
    const slow = call('GET', '/exchange/status').then(() => order.push('slow'));
    await waitFor(() => sim.faults.counts.slowed > 0, { what: 'the first request held', everyMs: 2 });
    sim.faults.set({ slowResponseMs: 0 });
    await call('GET', '/exchange/status').then(() => order.push('fast'));
    await slow;
    expect(order).toEqual(['fast', 'slow']);
  });

  it('lying cancel: success is reported while the order keeps resting (and can fill) for a while', async () => {
    const stop = passTime();
    onTestFinished(stop);
    const id = (
      (await call('POST', '/portfolio/events/orders', createBody('0.4400'))).body as { order_id: string }
    ).order_id;
    sim.faults.set({ lyingCancelMs: 80 });
    const c = await call('DELETE', `/portfolio/events/orders/${id}`);
    expect(c.body).toMatchObject({ order_id: id, reduced_by: '5.00' });
    expect(sim.admin.order(id)?.status).toBe('resting');
    sim.admin.placeOrder('other', req('ask', 440_000, 200, { timeInForce: 'immediate_or_cancel' }));
    expect(sim.admin.position('maker', BOS)?.position).toBe(200);
    await waitFor(() => sim.admin.order(id)?.status !== 'resting', { what: 'the lied-about cancel applied' });
    expect(sim.admin.order(id)).toMatchObject({ status: 'canceled', filled: 200 });
  });

  it('wrong-order response: the cancel body names another order, the right one is cancelled', async () => {
    const ids: string[] = [];
    for (const p of ['0.4000', '0.4100'])
      ids.push(
        ((await call('POST', '/portfolio/events/orders', createBody(p))).body as { order_id: string })
          .order_id,
      );
    sim.faults.set({ wrongOrderResponseRate: 1 });
    const c = await call('DELETE', `/portfolio/events/orders/${ids[0]}`);
    expect((c.body as { order_id: string }).order_id).toBe(ids[1]);
    expect(sim.admin.order(ids[0] ?? '')?.status).toBe('canceled');
    expect(sim.admin.order(ids[1] ?? '')?.status).toBe('resting');
  });
});

describe('fault randomness', () => {
  it('is deterministic for a seed', () => {
    const draw = (seed: number) => {
      const f = new Faults({ rest5xxRate: 0.3 }, seed);
      return Array.from({ length: 50 }, () => f.take5xx());
    };
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5)).not.toEqual(draw(6));
  });
});
