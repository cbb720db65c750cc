/**
 * KalshiGateway's outcome classification over the real REST client and a
 * loopback server: a write that may have been applied must never come back as
 * `rejected` or `rate_limited` ("certainly not applied"), or the order manager
 * forgets an order that rests (untracked exposure, slot re-created).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { KalshiApiError, KalshiNetworkError } from '../../../../shared/kalshi/errors.ts';
import { classify } from '../../../../worker/engine/adapters/kalshi-gateway.ts';
import type { CreateOrderRequest } from '../../../../worker/engine/ports.ts';
import { type Handler, json } from '../../../shared/kalshi/support.ts';
import { loopbackGateway } from './loopback-gateway.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const gateway = (handler: Handler) => loopbackGateway(handler, cleanups);

const CREATE: CreateOrderRequest = {
  ticker: 'KXNBAGAME-26NOV14BOSMIL-BOS',
  side: 'bid',
  price: 440_000,
  count: 1000,
  clientOrderId: 'kmm-x-1',
  postOnly: true,
  cancelOnPause: true,
};

/** 503 on the first write (the exchange applied it, the answer was lost), 429 on every retry. */
function placedThenThrottled(): { handler: Handler; writes: () => number } {
  let writes = 0;
  return {
    writes: () => writes,
    handler: (req, res) => {
      if (req.method !== 'POST') return json(res, 404, { error: { code: 'not_found' } });
      writes++;
      if (writes === 1) return json(res, 503, { error: { code: 'unavailable' } });
      return json(res, 429, { error: 'too many requests' });
    },
  };
}

describe('KalshiGateway outcomes', () => {
  it('a create that got a 5xx and then only 429s is unknown (it may rest), not rate_limited', async () => {
    const s = placedThenThrottled();
    const { gw } = await gateway(s.handler);
    const [r] = await gw.createOrders([CREATE]);
    expect(s.writes()).toBe(4);
    expect(r).toMatchObject({ ok: false, kind: 'unknown' });
  });

  it('the same for a batch create: every item unknown', async () => {
    const s = placedThenThrottled();
    const { gw } = await gateway(s.handler);
    const r = await gw.createOrders([CREATE, { ...CREATE, clientOrderId: 'kmm-x-2', side: 'ask' }]);
    expect(r).toMatchObject([
      { ok: false, kind: 'unknown' },
      { ok: false, kind: 'unknown' },
    ]);
  });

  it('the same for a decrease (reduce_to is retried after a 5xx)', async () => {
    const s = placedThenThrottled();
    const { gw } = await gateway(s.handler);
    const r = await gw.decreaseOrder({ orderId: 'o-1', ticker: CREATE.ticker, reduceTo: 500 });
    expect(s.writes()).toBe(4);
    expect(r).toMatchObject({ ok: false, kind: 'unknown' });
  });

  it('a create that got a 5xx and then could not connect any more is unknown, not rejected', async () => {
    const { server, gw } = await gateway((_req, res) => {
      res.on('finish', () => void server.close());
      json(res, 503, { error: { code: 'unavailable' } });
    });
    const [r] = await gw.createOrders([CREATE]);
    expect(r).toMatchObject({ ok: false, kind: 'unknown', code: 'ECONNREFUSED' });
  });

  it('plain 429s and plain refusals keep their "not applied" meaning', async () => {
    const { gw } = await gateway((_req, res) => json(res, 429, { error: 'too many requests' }));
    expect(await gw.createOrders([CREATE])).toMatchObject([{ ok: false, kind: 'rate_limited' }]);
    const api = (status: number, maybeApplied: boolean) =>
      new KalshiApiError('POST', '/p', status, { code: 'x', message: null, details: null }, 2, maybeApplied);
    expect(classify(api(400, false))).toMatchObject({ kind: 'rejected' });
    expect(classify(api(400, true))).toMatchObject({ kind: 'unknown' });
    expect(classify(api(429, true))).toMatchObject({ kind: 'unknown' });
    expect(classify(new KalshiNetworkError('POST', '/p', 'ECONNREFUSED', false, 4))).toMatchObject({
      kind: 'rejected',
    });
  });
});
