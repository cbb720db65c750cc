import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import { gatewayFlattener } from '../../../worker/engine/adapters/flatten.ts';
import { KillSwitch } from '../../../worker/engine/kill-switch.ts';
import { type FlattenResult, remainingText } from '../../../worker/engine/ports.ts';
import { FakeExchange } from './fake-exchange.ts';
import { drain, recordingLog, recordingMetrics } from './support.ts';

function rig(resting: number, drain?: { drain: () => Promise<void>; drainMs: number }) {
  const clock = new ManualClock(0);
  const ex = new FakeExchange();
  for (let i = 0; i < resting; i++)
    ex.orders.set(`o${i}`, {
      orderId: `o${i}`,
      clientOrderId: null,
      ticker: 'M',
      side: 'bid',
      price: 10_000,
      remaining: 100,
      filled: 0,
    });
  const trips: string[] = [];
  const log = recordingLog();
  const metrics = recordingMetrics();
  const kill = new KillSwitch({
    clock,
    flatten: gatewayFlattener(ex, { clock, deadlineMs: 60_000, pauseMs: 500 }),
    log,
    metrics,
    onTrip: (source, reason) => trips.push(`${source}: ${reason}`),
    ...drain,
  });
  return { clock, ex, kill, trips, log, metrics };
}

async function run(clock: ManualClock, until: () => boolean, maxMs = 70_000) {
  for (let t = 0; t < maxMs && !until(); t += 250) {
    clock.advance(250);
    await drain(3);
  }
}

describe('KillSwitch', () => {
  it('stops quoting synchronously on the first trip; later trips share its result', async () => {
    const { kill, trips, clock } = rig(2);
    const a = kill.trip('sigterm', 'shutdown');
    expect(trips).toEqual(['sigterm: shutdown']);
    expect(kill.tripped).toBe(true);
    const b = kill.trip('drift', 'later');
    expect(b).toBe(a);
    expect(trips).toHaveLength(1);
    await run(clock, () => kill.state.phase !== 'flattening');
    expect((await a).flat).toBe(true);
    expect(kill.state).toMatchObject({ phase: 'flat', source: 'sigterm' });
  });

  it('keeps cancelling through lying cancels until two empty listings, within 60 s', async () => {
    const { kill, ex, clock } = rig(5);
    ex.lyingCancels = 12; // acknowledged, not done
    const done = kill.trip('flag', 'kill flag');
    await run(clock, () => kill.state.phase !== 'flattening');
    const r = await done;
    expect(r.flat).toBe(true);
    expect(ex.resting()).toEqual([]);
    expect(r.elapsedMs).toBeLessThanOrEqual(60_000);
    expect(ex.calls.filter((c) => c === 'listResting').length).toBeGreaterThanOrEqual(3);
  });

  it('reports not flat (and how many remain) when the exchange never lets go', async () => {
    const { kill, ex, clock, metrics } = rig(3);
    ex.lyingCancels = Number.POSITIVE_INFINITY;
    const done = kill.trip('limit_breach', 'test');
    await run(clock, () => kill.state.phase !== 'flattening');
    const r = await done;
    expect(r.flat).toBe(false);
    expect(r.remaining).toBe(3);
    expect(kill.state.phase).toBe('not_flat');
    expect(metrics.gauges.get('KillOrdersRemaining')).toBe(3);
  });

  it('a flatten that crashes is not flat, and its remaining count is not reported as zero', async () => {
    const clock = new ManualClock(0);
    const metrics = recordingMetrics();
    const kill = new KillSwitch({
      clock,
      flatten: async () => {
        throw new Error('listing client closed');
      },
      log: recordingLog(),
      metrics,
      onTrip: () => {},
    });
    const r = await kill.trip('operator', 'test');
    expect(r).toMatchObject({ flat: false, remaining: -1 });
    expect(kill.state.phase).toBe('not_flat');
    expect(metrics.gauges.get('KillOrdersRemaining')).toBeGreaterThan(0);
  });

  it('does not take a failed listing for an empty one', async () => {
    const { kill, ex, clock } = rig(1);
    ex.failListings = 3;
    const done = kill.trip('operator', 'test');
    await run(clock, () => kill.state.phase !== 'flattening');
    expect((await done).flat).toBe(true);
    expect(ex.resting()).toEqual([]);
  });

  it('waits for our writes already on the wire before its first listing, so one landing late is cancelled', async () => {
    let land!: () => void;
    const inFlight = new Promise<void>((resolve) => {
      land = resolve;
    });
    const { kill, ex, clock } = rig(0, { drain: () => inFlight, drainMs: 5_000 });
    const done = kill.trip('sigterm', 'shutdown');
    await run(clock, () => false, 1_000);
    expect(ex.calls).not.toContain('listResting');
    // The create that was sent before the trip rests now, and its response comes back.
    ex.orders.set('late', {
      orderId: 'late',
      clientOrderId: 'kmm-1',
      ticker: 'M',
      side: 'bid',
      price: 10_000,
      remaining: 100,
      filled: 0,
    });
    land();
    await run(clock, () => kill.state.phase !== 'flattening');
    expect((await done).flat).toBe(true);
    expect(ex.resting()).toEqual([]);
  });

  it('does not let a write hung on a dead socket hold the cancels back past drainMs', async () => {
    const { kill, ex, clock, log } = rig(2, { drain: () => new Promise<void>(() => {}), drainMs: 2_000 });
    const done = kill.trip('sigterm', 'shutdown');
    await run(clock, () => ex.calls.includes('listResting'), 10_000);
    expect(clock.now()).toBeLessThanOrEqual(2_250);
    expect(log.lines.some((l) => l.event === 'kill_drain_timeout')).toBe(true);
    await run(clock, () => kill.state.phase !== 'flattening');
    expect((await done).flat).toBe(true);
    expect(ex.resting()).toEqual([]);
  });
});

describe('KillSwitch flood', () => {
  it('reports flat at the first flat verdict and keeps cancelling for the flood: an order that appears after a lying empty listing still goes', async () => {
    const clock = new ManualClock(0);
    const ex = new FakeExchange();
    const log = recordingLog();
    const kill = new KillSwitch({
      clock,
      flatten: gatewayFlattener(ex, { clock, deadlineMs: 60_000, pauseMs: 500, floodMs: 60_000 }),
      log,
      metrics: recordingMetrics(),
      onTrip: () => {},
    });
    let result: { flat: boolean } | null = null;
    void kill.trip('flag', 'test').then((r) => {
      result = r;
    });
    await run(clock, () => result !== null);
    expect(result).toMatchObject({ flat: true });
    // The exchange's listing lied: an order of ours still rests and shows up now.
    ex.orders.set('late', {
      orderId: 'late',
      clientOrderId: null,
      ticker: 'M',
      side: 'bid',
      price: 10_000,
      remaining: 100,
      filled: 0,
    });
    let flooded = false;
    void kill.flooded().then(() => {
      flooded = true;
    });
    await run(clock, () => flooded);
    expect(ex.resting()).toEqual([]);
    expect(clock.now()).toBeGreaterThanOrEqual(59_000);
    expect(kill.state.phase).toBe('flat');
  });

  it('a flatten that can never list says remaining unknown (−1), and the operator text says "unknown", not "0"', async () => {
    const clock = new ManualClock(0);
    const ex = new FakeExchange();
    ex.failListings = Number.POSITIVE_INFINITY;
    const kill = new KillSwitch({
      clock,
      flatten: gatewayFlattener(ex, { clock, deadlineMs: 5_000, pauseMs: 500 }),
      log: recordingLog(),
      metrics: recordingMetrics(),
      onTrip: () => {},
    });
    let result: FlattenResult | null = null;
    void kill.trip('flag', 'test').then((r) => {
      result = r;
    });
    await run(clock, () => result !== null);
    expect(result).toMatchObject({ flat: false, remaining: -1 });
    expect(remainingText(result!)).toMatch(/unknown/);
    expect(remainingText({ remaining: 3 })).toBe('3 order(s)');
  });
});
