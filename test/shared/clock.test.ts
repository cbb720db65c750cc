import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.ts';

describe('ManualClock', () => {
  it('fires timers in time order as time advances, including timers set while firing', () => {
    const clock = new ManualClock(1_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => {
      fired.push(`a@${clock.now()}`);
      clock.setTimeout(() => fired.push(`c@${clock.now()}`), 5);
    }, 10);
    const cancelled = clock.setTimeout(() => fired.push('never'), 15);
    clock.clearTimeout(cancelled);
    clock.advance(30);
    expect(fired).toEqual(['a@1010', 'c@1015', 'b@1020']);
    expect(clock.now()).toBe(1_030);
  });
});

describe('ManualClock deferrals', () => {
  it('runs deferred work only when drained or advanced, in order, at the time it was deferred', async () => {
    const clock = new ManualClock(1_000);
    const ran: string[] = [];
    clock.defer(() => {
      ran.push(`a@${clock.now()}`);
      clock.defer(() => ran.push(`b@${clock.now()}`));
    });
    await new Promise<void>((r) => setImmediate(r));
    expect(ran).toEqual([]);
    expect(clock.deferredCount()).toBe(1);
    expect(clock.drain()).toBe(2);
    expect(ran).toEqual(['a@1000', 'b@1000']);
    clock.setTimeout(() => {
      ran.push(`t@${clock.now()}`);
      clock.defer(() => ran.push(`c@${clock.now()}`));
    }, 10);
    clock.setTimeout(() => ran.push(`u@${clock.now()}`), 20);
    clock.defer(() => ran.push(`d@${clock.now()}`));
    clock.advance(30);
    expect(ran.slice(2)).toEqual(['d@1000', 't@1010', 'c@1010', 'u@1020']);
  });
});
