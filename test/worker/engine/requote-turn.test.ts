/**
 * On a wall clock the requote of a book change runs in the frame's own turn
 * (a microtask after the socket read that carried it), not a macrotask later
 * behind every other I/O callback of the loop; a burst read in one turn still
 * costs one requote. Issue #16: the check-phase hop was most of the median
 * frame → sign() latency.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../../shared/clock.ts';
import { A, B, sessionRig, started, T0 } from './session-rig.ts';

/** Timers stay driven (nothing periodic runs); deferrals go to the wall clock as in production. */
class WallDeferClock extends ManualClock {
  override defer(fn: () => void): void {
    systemClock.defer(fn);
  }
  override drain(): number {
    return 0;
  }
}

describe('systemClock.defer', () => {
  it('runs in the current turn, after the work already queued, before any macrotask', async () => {
    const ran: string[] = [];
    setImmediate(() => ran.push('immediate'));
    void Promise.resolve().then(() => ran.push('settled before'));
    systemClock.defer(() => {
      ran.push('deferred');
      systemClock.defer(() => ran.push('deferred while running'));
    });
    ran.push('sync');
    await new Promise<void>((r) => setImmediate(r));
    expect(ran).toEqual(['sync', 'settled before', 'deferred', 'deferred while running', 'immediate']);
  });
});

describe('TradingSession on a wall clock', () => {
  it('requotes a burst of book changes once, before the next macrotask', async () => {
    const r = await started(sessionRig({ clock: new WallDeferClock(T0) }));
    const requotes = () => r.session.snapshot().counters['requotes']!;
    const before = requotes();
    let atNextMacrotask = -1;
    // Scheduled before the burst: a check-phase deferral would run after it.
    setImmediate(() => {
      atNextMacrotask = requotes() - before;
    });
    for (let i = 0; i < 50; i++) r.ex.emit({ type: 'book', ticker: i % 2 ? A : B });
    expect(requotes()).toBe(before); // never inside the read itself
    await new Promise<void>((res) => setImmediate(res));
    expect(atNextMacrotask).toBe(1);
    await r.session.idle();
    expect(requotes() - before).toBe(1);
  });
});
