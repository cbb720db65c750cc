/**
 * The session schedules only through its injected clock: on a driven clock
 * (ManualClock) nothing it defers runs behind the driver's back, so the same
 * inputs give the same decisions at the same scenario time.
 */
import { describe, expect, it } from 'vitest';
import { A, B, sessionRig, started } from './session-rig.ts';
import { drain } from './support.ts';

describe('TradingSession on a driven clock', () => {
  it('a burst of feed events costs one requote, and nothing runs until the clock is drained', async () => {
    const r = await started(sessionRig());
    const requotes = () => r.session.snapshot().counters['requotes']!;
    const before = requotes();
    for (let i = 0; i < 50; i++) r.ex.emit({ type: 'book', ticker: i % 2 ? A : B });
    // The event loop turns, time stands still: the coalesced requote waits for the driver.
    await drain(10);
    expect(requotes()).toBe(before);
    expect(r.clock.deferredCount()).toBe(1);
    expect(r.clock.drain()).toBe(1);
    await r.session.idle();
    expect(requotes() - before).toBe(1);
    expect(r.clock.deferredCount()).toBe(0);
  });

  it('advancing the clock runs the deferred requote at the time it was asked for', async () => {
    const r = await started(sessionRig());
    const at: number[] = [];
    r.session.onEvent((e) => {
      if (e.type === 'quote') at.push(r.clock.now());
    });
    const asked = r.clock.now();
    r.ex.emit({ type: 'book', ticker: A });
    await drain(5);
    expect(at).toEqual([]);
    r.clock.advance(1_000);
    await r.session.idle();
    expect(at[0]).toBe(asked);
  });
});

describe('TradingSession phases', () => {
  it('new → discovering (listing) → loading (trusted pass) → live; stopped after dispose', async () => {
    const r = sessionRig();
    const seen: string[] = [];
    const listEvents = r.ex.listEvents.bind(r.ex);
    r.ex.listEvents = async (series) => {
      seen.push(`list:${r.session.sessionPhase()}`);
      return listEvents(series);
    };
    const listPositions = r.ex.listPositions.bind(r.ex);
    r.ex.listPositions = async () => {
      seen.push(`positions:${r.session.sessionPhase()}`);
      return listPositions();
    };
    expect(r.session.sessionPhase()).toBe('new');
    await started(r);
    const firstPass = seen.findIndex((x) => x.startsWith('positions:'));
    expect(seen[firstPass]).toBe('positions:loading');
    expect(new Set(seen.slice(0, firstPass))).toEqual(new Set(['list:discovering']));
    expect(r.session.sessionPhase()).toBe('live');
    r.session.dispose();
    expect(r.session.sessionPhase()).toBe('stopped');
  });
});

describe('TradingSession periodic tasks', () => {
  it('the heartbeat runs in its timer’s own turn: a driver advancing a minute at once sees every beat', async () => {
    const r = await started(sessionRig());
    const beats = () => r.metrics.counts.get('Heartbeat') ?? 0;
    const before = beats();
    // No event-loop turn between the timers: each beat reschedules itself before the driver moves on.
    r.clock.advance(6 * r.config.heartbeatMs);
    expect(beats() - before).toBe(6);
    r.session.dispose();
  });

  it('a heartbeat that throws is logged (timer_failed) and the next one still runs', async () => {
    const r = await started(sessionRig());
    const beats = () => r.metrics.counts.get('Heartbeat') ?? 0;
    const gauge = r.metrics.gauge;
    let failures = 1;
    r.metrics.gauge = (name, value, dims) => {
      if (name === 'GamesQuoted' && failures-- > 0) throw new Error('sink down');
      gauge(name, value, dims);
    };
    const before = beats();
    r.clock.advance(2 * r.config.heartbeatMs);
    expect(beats() - before).toBe(2);
    expect(r.log.lines.filter((l) => l.event === 'timer_failed')).toHaveLength(1);
    r.session.dispose();
  });
});
