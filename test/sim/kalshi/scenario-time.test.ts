/**
 * The exchange simulator keeps scenario time: its rate-limit buckets refill,
 * its slow responses answer and its heartbeats ping as the scenario clock
 * moves, never with the wall clock (a stepped run is then exact and as fast
 * as the machine allows).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SteppedClock, stallTolerantNow } from '../../../sim/clock.ts';
import type { KalshiSim } from '../../../sim/kalshi/index.ts';
import { waitFor } from '../../support/wait-for.ts';
import { BOS, setupSim, WsClient } from './harness.ts';

let sim: KalshiSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const order = (price: string) => ({
  ticker: BOS,
  side: 'bid',
  count: '1.00',
  price,
  time_in_force: 'good_till_canceled',
  self_trade_prevention_type: 'taker_at_cross',
});

const wallPause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('scenario time in the exchange simulator', () => {
  it('refills the write bucket with scenario time, not wall time', async () => {
    const s = await setupSim();
    sim = s.sim;
    // Spend the bucket in one burst: wall time refills it while the scenario stands still, and one request
    // at a time on a loaded machine was slower than that refill (60 in a row, none refused).
    const burst = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        s.call('POST', '/portfolio/events/orders', order(`0.${10 + (i % 40)}00`)),
      ),
    );
    expect(burst.some((r) => r.status === 429)).toBe(true);
    s.clock.advance(1_000); // a scenario second: the whole Basic write bucket, at once
    for (let i = 0; i < 10; i++)
      expect((await s.call('POST', '/portfolio/events/orders', order(`0.${30 + i}00`))).status).toBe(201);
  });

  it('counts wall time only while scenario time stands still', () => {
    let scenario = 1_000;
    let wall = 50;
    const now = stallTolerantNow(
      () => scenario,
      () => wall,
    );
    expect(now()).toBe(1_000);
    wall += 30; // stalled: the wall counts
    expect(now()).toBe(1_030);
    scenario += 1_000; // moving: scenario time alone (the 5 wall ms are not counted)
    wall += 5;
    expect(now()).toBe(2_030);
    wall += 7;
    expect(now()).toBe(2_037);
    scenario += 2;
    expect(now()).toBe(2_039);
  });

  it('answers a slow response when scenario time reaches it', async () => {
    const s = await setupSim({ faults: { slowResponseMs: 5_000 } });
    sim = s.sim;
    let answered = false;
    const pending = s.call('GET', '/portfolio/balance').then((r) => {
      answered = true;
      return r;
    });
    // Held once it has arrived (at load, arriving alone can take longer than any fixed pause).
    await waitFor(() => s.sim.parkedRequests() === 1, { what: 'the request held at the exchange' });
    expect(answered).toBe(false);
    // A lockstep driver must not wait for it before moving time (it did, and stalled).
    s.clock.advance(4_999);
    await wallPause(50);
    expect(answered).toBe(false);
    s.clock.advance(1);
    expect((await pending).status).toBe(200);
    expect(s.sim.parkedRequests()).toBe(0);
  });

  it('pings on scenario time', async () => {
    const s = await setupSim({ pingIntervalMs: 10_000 });
    sim = s.sim;
    const ws = await WsClient.connect(s.sim);
    await wallPause(50);
    expect(ws.pings).toBe(0);
    s.clock.advance(30_000);
    await waitFor(() => ws.pings >= 3, { what: 'three pings at the client' });
    expect(ws.pings).toBe(3);
    ws.ws.close();
  });

  it('fires stepped-clock timers in time order, each reading its own due time', () => {
    const clock = new SteppedClock(1_000);
    const seen: [string, number][] = [];
    clock.after(() => seen.push(['b', clock.now()]), 20);
    clock.after(() => seen.push(['a', clock.now()]), 10);
    const cancel = clock.after(() => seen.push(['x', clock.now()]), 15);
    clock.after(() => seen.push(['c', clock.now()]), 20);
    cancel();
    clock.set(1_015);
    expect(seen).toEqual([['a', 1_010]]);
    clock.set(1_100);
    expect(seen).toEqual([
      ['a', 1_010],
      ['b', 1_020],
      ['c', 1_020],
    ]);
    expect(clock.now()).toBe(1_100);
  });
});
