/**
 * cancelUntilFlat over the real signed REST client against the Kalshi
 * simulator: lying cancels, cancel bodies naming other orders, 5xx bursts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../shared/clock.ts';
import { KalshiRestClient } from '../../../shared/kalshi/rest-client.ts';
import { createRsaSigner } from '../../../shared/kalshi/signer.ts';
import { cancelUntilFlat } from '../../../shared/kill/cancel-until-flat.ts';
import { kalshiCancelPort } from '../../../shared/kill/kalshi-cancel-port.ts';
import type { KalshiSim } from '../../../sim/kalshi/index.ts';
import {
  addShardOneGame,
  BOS,
  followWallClock,
  KEY_ID,
  MIL,
  rsaKey,
  setupSim,
} from '../../sim/kalshi/harness.ts';

let sim: KalshiSim;
let rest: KalshiRestClient;
let stopClock: () => void = () => {};

beforeEach(async () => {
  const setup = await setupSim();
  sim = setup.sim;
  // The simulator keeps scenario time (a lying cancel lands later in it): let it run with the wall clock.
  stopClock = followWallClock(setup.clock);
  rest = new KalshiRestClient({
    baseUrl: sim.restBaseUrl,
    signer: createRsaSigner({ keyId: KEY_ID, privateKeyPem: rsaKey().privateKey }),
    limiter: false,
    retry: { maxAttempts: 3, baseMs: 5, capMs: 20 },
  });
});
afterEach(async () => {
  stopClock();
  await rest.close();
  await sim.close();
});

function placeResting(n: number, user = 'maker') {
  for (let i = 0; i < n; i++) {
    sim.admin.placeOrder(user, {
      ticker: i % 2 ? BOS : MIL,
      side: 'bid',
      price: 200_000 + i * 10_000,
      count: 100,
      timeInForce: 'good_till_canceled',
      selfTradePrevention: 'maker',
    });
  }
}

describe('cancelUntilFlat × Kalshi simulator', () => {
  it('lists only our resting orders and gets them all cancelled through lies and 5xx bursts', async () => {
    placeResting(6);
    placeResting(2, 'other');
    sim.faults.set({ lyingCancelMs: 120, wrongOrderResponseRate: 0.3, rest5xxRemaining: 3 });
    const port = kalshiCancelPort(rest, { useCancelAll: false });
    const report = await cancelUntilFlat(port, { clock: systemClock, deadlineMs: 15_000, pauseMs: 50 });
    expect(report.flat).toBe(true);
    expect(report.ordersSeen).toBe(6);
    expect(sim.admin.restingOrders('maker')).toEqual([]);
    // Someone else's orders are not ours to cancel.
    expect(sim.admin.restingOrders('other')).toHaveLength(2);
    expect(sim.faults.counts.lyingCancels).toBeGreaterThan(0);
  });

  it('one-by-one cancels reach an order on another exchange shard (routed by its index and market)', async () => {
    const farMarket = addShardOneGame(sim);
    sim.admin.deposit('maker', 100 * 1_000_000, 1);
    const far = sim.admin.placeOrder('maker', {
      ticker: farMarket,
      side: 'bid',
      price: 300_000,
      count: 100,
      timeInForce: 'good_till_canceled',
      selfTradePrevention: 'maker',
    });
    placeResting(2);
    // Unrouted, the exchange looks on shard 0, finds nothing there, and the order keeps resting.
    expect((await rest.cancelOrder(far.order.orderId)).kind).toBe('nothing_cancelled');
    expect(sim.admin.restingOrders('maker').map((o) => o.orderId)).toContain(far.order.orderId);
    const report = await cancelUntilFlat(kalshiCancelPort(rest, { useCancelAll: false }), {
      clock: systemClock,
      deadlineMs: 10_000,
      pauseMs: 30,
    });
    expect(report).toMatchObject({ flat: true, ordersSeen: 3 });
    expect(sim.admin.restingOrders('maker')).toEqual([]);
  });

  it('the bulk cancel path ends flat too, and a second run finds nothing', async () => {
    placeResting(4);
    const port = kalshiCancelPort(rest);
    const first = await cancelUntilFlat(port, { clock: systemClock, deadlineMs: 10_000, pauseMs: 30 });
    expect(first).toMatchObject({ flat: true, cancelAllCalls: 1 });
    const second = await cancelUntilFlat(port, { clock: systemClock, deadlineMs: 10_000, pauseMs: 30 });
    expect(second).toMatchObject({ flat: true, rounds: 2, cancelsSent: 0, cancelAllCalls: 0 });
  });
});
