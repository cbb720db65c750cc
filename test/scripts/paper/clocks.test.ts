import { describe, expect, it } from 'vitest';
import { LockstepClock, ScaledWorkerClock, StallTolerantClock } from '../../../scripts/paper/clocks.ts';
import { ManualClock } from '../../../shared/clock.ts';
import { SteppedClock } from '../../../sim/clock.ts';
import { waitFor } from '../../support/wait-for.ts';

describe('paper clocks', () => {
  it('scaled clock reads the simulator clock and refuses a bad speed', () => {
    let t = 50_000;
    const c = new ScaledWorkerClock(() => t, 60);
    expect(c.now()).toBe(50_000);
    t += 60_000;
    expect(c.now()).toBe(110_000);
    expect(() => new ScaledWorkerClock(() => 0, 0)).toThrow(/speed/);
    expect(() => new ScaledWorkerClock(() => 0, Number.POSITIVE_INFINITY)).toThrow(/speed/);
  });

  it('scaled clock: a timer of ms scenario time fires after ms/speed wall time', async () => {
    const c = new ScaledWorkerClock(() => 0, 100);
    const started = Date.now();
    await new Promise<void>((resolve) => c.setTimeout(resolve, 2_000));
    const wall = Date.now() - started;
    expect(wall).toBeGreaterThanOrEqual(15);
    const cancelled = c.setTimeout(() => {
      throw new Error('must not fire');
    }, 10);
    c.clearTimeout(cancelled);
    await new Promise((r) => setTimeout(r, 20));
  });

  it('lockstep clock moves the simulator and fires worker timers in order', () => {
    const sim = new SteppedClock(0);
    const c = new LockstepClock(0, sim);
    const fired: number[] = [];
    c.setTimeout(() => fired.push(c.now()), 1_500);
    c.setTimeout(() => fired.push(c.now()), 500);
    c.moveTo(1_000);
    expect(sim.now()).toBe(1_000);
    expect(fired).toEqual([500]);
    c.moveTo(2_000);
    expect(fired).toEqual([500, 1_500]);
    expect(() => c.moveTo(1_000)).toThrow(/backwards/);
  });
});

describe('StallTolerantClock (the worker REST buckets in lockstep)', () => {
  it('fires a timer when scenario time reaches it, long before the wall would', () => {
    const scenario = new ManualClock(1_000_000);
    const clock = new StallTolerantClock(scenario);
    let fired = 0;
    clock.setTimeout(() => fired++, 60_000);
    scenario.advance(59_999);
    expect(fired).toBe(0);
    scenario.advance(1);
    expect(fired).toBe(1);
    expect(clock.now()).toBeGreaterThanOrEqual(1_060_000);
  });

  it('fires on the wall clock while scenario time stands still (no deadlock), once', async () => {
    const scenario = new ManualClock(1_000_000);
    const clock = new StallTolerantClock(scenario);
    let fired = 0;
    clock.setTimeout(() => fired++, 5);
    await waitFor(() => fired > 0, { what: 'the timer on the wall clock' });
    expect(fired).toBe(1);
    scenario.advance(10);
    expect(fired).toBe(1);
    const cancelled = clock.setTimeout(() => fired++, 1);
    clock.clearTimeout(cancelled);
    scenario.advance(10);
    await new Promise((r) => setTimeout(r, 20));
    expect(fired).toBe(1);
  });
});
