import { describe, expect, it } from 'vitest';
import { ManualClock, type TimerHandle } from '../../../shared/clock.ts';
import { PollLoop } from '../../../worker/cash/poll-loop.ts';
import { drain } from '../engine/support.ts';

/** A ManualClock that knows how many timers are armed (timers due together share one run). */
class CountingClock extends ManualClock {
  readonly armed = new Set<number>();
  override setTimeout(fn: () => void, ms: number): TimerHandle {
    const h = super.setTimeout(() => {
      this.armed.delete(h.id);
      fn();
    }, ms);
    this.armed.add(h.id);
    return h;
  }
  override clearTimeout(h: TimerHandle): void {
    this.armed.delete(h.id);
    super.clearTimeout(h);
  }
}

/** A loop whose runs the test settles by hand: `runs` counts them, `release` ends the one in flight. */
function rig(o: { runAtStart?: boolean } = {}) {
  const clock = new CountingClock(0);
  const s = {
    clock,
    runs: 0,
    fail: null as string | null,
    errors: [] as string[],
    release: () => {},
    hold: false,
  };
  const loop = new PollLoop({
    clock,
    everyMs: 1_000,
    ...o,
    run: () => {
      s.runs++;
      if (s.fail) return Promise.reject(new Error(s.fail));
      if (!s.hold) return Promise.resolve();
      return new Promise<void>((r) => {
        s.release = r;
      });
    },
    onError: (err) => s.errors.push(err instanceof Error ? err.message : String(err)),
  });
  return { s, loop, clock };
}

describe('PollLoop', () => {
  it('runs at start, then once every everyMs after each run', async () => {
    const { s, loop, clock } = rig();
    loop.start();
    await drain();
    expect(s.runs).toBe(1);
    clock.advance(999);
    await drain();
    expect(s.runs).toBe(1);
    clock.advance(1);
    await drain();
    expect(s.runs).toBe(2);
    clock.advance(3_000);
    await drain();
    // Re-armed only after each run ends: one run per advance however far time jumps.
    expect(s.runs).toBe(3);
    loop.stop();
  });

  it('arms one timer at most however often start() is called, even during a run', async () => {
    const { s, loop, clock } = rig();
    s.hold = true;
    loop.start();
    loop.start();
    loop.start();
    await drain();
    expect(s.runs).toBe(1);
    s.release();
    await drain();
    expect(clock.armed.size).toBe(1);
    loop.start();
    expect(clock.armed.size).toBe(1);
    s.hold = false;
    clock.advance(1_000);
    await drain();
    expect(s.runs).toBe(2);
    clock.advance(1_000);
    await drain();
    expect(s.runs).toBe(3);
    expect(clock.armed.size).toBe(1);
    loop.stop();
    expect(clock.armed.size).toBe(0);
  });

  it('runs nothing after stop(), including after a run in flight at stop() ends', async () => {
    const { s, loop, clock } = rig();
    s.hold = true;
    loop.start();
    await drain();
    loop.stop();
    s.release();
    await drain();
    clock.advance(10_000);
    await drain();
    expect(s.runs).toBe(1);
    expect(clock.armed.size).toBe(0);
  });

  it('shares the run in flight between runNow() callers and the timer', async () => {
    const { s, loop } = rig();
    s.hold = true;
    loop.start();
    const a = loop.runNow();
    const b = loop.runNow();
    expect(a).toBe(b);
    expect(s.runs).toBe(1);
    const idle = loop.idle();
    s.release();
    await Promise.all([a, idle]);
    expect(s.runs).toBe(1);
    loop.stop();
  });

  it('keeps polling after a failing run, reporting it; runNow() rejects with it; idle() does not', async () => {
    const { s, loop, clock } = rig();
    s.fail = 'read timed out';
    loop.start();
    await drain();
    expect(s.errors).toEqual(['read timed out']);
    await expect(loop.runNow()).rejects.toThrow('read timed out');
    await loop.idle();
    s.fail = null;
    clock.advance(1_000);
    await drain();
    expect(s.runs).toBe(3);
    expect(s.errors).toEqual(['read timed out']);
    loop.stop();
  });

  it('with runAtStart false, waits everyMs for the first run', async () => {
    const { s, loop, clock } = rig({ runAtStart: false });
    loop.start();
    loop.start();
    await drain();
    expect(s.runs).toBe(0);
    expect(clock.armed.size).toBe(1);
    clock.advance(1_000);
    await drain();
    expect(s.runs).toBe(1);
    clock.advance(1_000);
    await drain();
    expect(s.runs).toBe(2);
    loop.stop();
    clock.advance(5_000);
    await drain();
    expect(s.runs).toBe(2);
  });
});
