import { describe, expect, it } from 'vitest';
import { startSchedule } from '../../../scripts/paper/schedule.ts';
import { ManualClock } from '../../../shared/clock.ts';

const tick = () => new Promise((r) => setImmediate(r));

describe('local schedule', () => {
  it('runs at once, then every period of clock time', async () => {
    const clock = new ManualClock(0);
    const at: number[] = [];
    const s = startSchedule(clock, 1_000, async () => at.push(clock.now()));
    await tick();
    for (let i = 0; i < 3; i++) {
      clock.advance(1_000);
      await tick();
    }
    expect(at).toEqual([0, 1_000, 2_000, 3_000]);
    await s.stop();
    clock.advance(10_000);
    await tick();
    expect(at).toHaveLength(4);
  });

  it('never overlaps runs and keeps going after a failure', async () => {
    const clock = new ManualClock(0);
    let running = 0;
    let maxRunning = 0;
    let n = 0;
    const errors: unknown[] = [];
    let release: () => void = () => {};
    const s = startSchedule(
      clock,
      100,
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        n++;
        if (n === 1) await new Promise<void>((r) => (release = r));
        running--;
        if (n === 2) throw new Error('odds API down');
      },
      (e) => errors.push(e),
    );
    await tick();
    void s.runNow(); // joins the in-flight run
    clock.advance(1_000);
    await tick();
    expect(n).toBe(1);
    release();
    await tick();
    clock.advance(100);
    await tick();
    clock.advance(100);
    await tick();
    expect(maxRunning).toBe(1);
    expect(errors).toHaveLength(1);
    expect(s.failures).toBe(1);
    expect(n).toBeGreaterThanOrEqual(3);
    await s.stop();
  });
});
