/**
 * The backtest's virtual clock: timers fire in time order, then in the order
 * they were set; a cleared timer never fires; time never moves by itself and
 * cannot be moved past a pending timer (that would reorder events).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../sim/backtest/clock.ts';
import { LatencySampler, parseLatency } from '../../../sim/backtest/latency.ts';

describe('VirtualClock', () => {
  it('fires timers in (due time, order set) order, whatever the order they were set in', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 60 }), (delays) => {
        const clock = new VirtualClock(1_000);
        const fired: { at: number; i: number }[] = [];
        for (const [i, d] of delays.entries()) clock.setTimeout(() => fired.push({ at: clock.now(), i }), d);
        while (clock.fireNext());
        const expected = delays
          .map((d, i) => ({ at: 1_000 + d, i }))
          .sort((a, b) => a.at - b.at || a.i - b.i);
        expect(fired).toEqual(expected);
      }),
    );
  });

  it('never fires a cleared timer, and counts only live ones as pending', () => {
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    const a = clock.setTimeout(() => fired.push('a'), 10);
    clock.setTimeout(() => fired.push('b'), 20);
    clock.clearTimeout(a);
    expect(clock.pending).toBe(1);
    expect(clock.nextDue()).toBe(20);
    while (clock.fireNext());
    expect(fired).toEqual(['b']);
    clock.clearTimeout(a); // clearing a fired or cleared timer is harmless
    expect(clock.pending).toBe(0);
  });

  it('keeps pending equal to the timers neither fired nor cleared, whatever is cleared when (and a handle of another clock changes nothing)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), ms: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ kind: fc.constant('clear' as const), i: fc.nat() }),
      fc.record({ kind: fc.constant('foreign' as const), i: fc.nat() }),
      fc.record({ kind: fc.constant('fire' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const clock = new VirtualClock(0);
        const other = new VirtualClock(0);
        const handles: ReturnType<VirtualClock['setTimeout']>[] = [];
        const foreign = [other.setTimeout(() => {}, 5)];
        const live = new Set<number>();
        const fired: number[] = [];
        for (const o of ops) {
          if (o.kind === 'set') {
            const i = handles.length;
            handles.push(clock.setTimeout(() => fired.push(i), o.ms));
            live.add(i);
          } else if (o.kind === 'clear' && handles.length > 0) {
            const i = o.i % handles.length;
            clock.clearTimeout(handles[i]!);
            live.delete(i);
          } else if (o.kind === 'foreign') {
            clock.clearTimeout(foreign[0]!);
            clock.clearTimeout({ id: o.i }); // a bare id, as another Clock would hand out
          } else if (o.kind === 'fire') {
            const n = fired.length;
            clock.fireNext();
            for (const i of fired.slice(n)) live.delete(i);
          }
          expect(clock.pending).toBe(live.size);
        }
        while (clock.fireNext());
        expect(clock.pending).toBe(0);
        expect(other.pending).toBe(1);
        // Each timer fired at most once, and a cleared one never after its clear.
        expect(new Set(fired).size).toBe(fired.length);
      }),
    );
  });

  it('timers set while firing run in order, at their own due time', () => {
    const clock = new VirtualClock(0);
    const seen: [string, number][] = [];
    clock.setTimeout(() => {
      seen.push(['outer', clock.now()]);
      clock.setTimeout(() => seen.push(['inner', clock.now()]), 0);
      clock.setTimeout(() => seen.push(['later', clock.now()]), 5);
    }, 3);
    while (clock.fireNext());
    expect(seen).toEqual([
      ['outer', 3],
      ['inner', 3],
      ['later', 8],
    ]);
  });

  it('says which kind of timer it fired: the harness’s own need no drain after them', () => {
    const clock = new VirtualClock(0);
    const seen: string[] = [];
    clock.setHarnessTimeout(() => seen.push('sample'), 2);
    clock.setTimeout(() => seen.push('delivery'), 1);
    expect(clock.fireNext()).toBe('timer');
    expect(clock.fireNext()).toBe('harness');
    expect(clock.fireNext()).toBeNull();
    expect(seen).toEqual(['delivery', 'sample']);
    expect(clock.now()).toBe(2);
  });

  it('runs deferred work at the current time, in order, only when drained (deferrals made while draining too)', () => {
    const clock = new VirtualClock(50);
    const seen: [string, number][] = [];
    clock.defer(() => {
      seen.push(['a', clock.now()]);
      clock.defer(() => seen.push(['c', clock.now()]));
    });
    clock.defer(() => seen.push(['b', clock.now()]));
    expect(seen).toEqual([]);
    expect(clock.deferredCount()).toBe(2);
    expect(clock.drain()).toBe(3);
    expect(seen).toEqual([
      ['a', 50],
      ['b', 50],
      ['c', 50],
    ]);
    expect(clock.drain()).toBe(0);
  });

  it('set() moves time only up to the next pending timer', () => {
    const clock = new VirtualClock(100);
    clock.setTimeout(() => {}, 50);
    clock.set(150);
    expect(clock.now()).toBe(150);
    expect(() => clock.set(151)).toThrow(/past a pending timer/);
    expect(() => clock.set(10)).toThrow(/backwards/);
  });
});

describe('latency', () => {
  it('parses constant, uniform and exponential forms, and refuses anything else', () => {
    expect(parseLatency('12')).toEqual({ kind: 'constant', ms: 12 });
    expect(parseLatency('5-25')).toEqual({ kind: 'uniform', minMs: 5, maxMs: 25 });
    expect(parseLatency('exp:5:15')).toEqual({ kind: 'exponential', minMs: 5, meanMs: 15 });
    expect(() => parseLatency('25-5')).toThrow(/below the minimum/);
    expect(() => parseLatency('fast')).toThrow(/expected MS/);
  });

  it('draws the same latencies from the same seed, within the spec’s bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const spec = { kind: 'uniform', minMs: 5, maxMs: 25 } as const;
        const a = new LatencySampler(spec, seed);
        const b = new LatencySampler(spec, seed);
        const xs = Array.from({ length: 20 }, () => a.sample());
        expect(Array.from({ length: 20 }, () => b.sample())).toEqual(xs);
        for (const x of xs) expect(x >= 5 && x <= 25).toBe(true);
      }),
    );
    const exp = new LatencySampler({ kind: 'exponential', minMs: 3, meanMs: 10 }, 7);
    for (let i = 0; i < 100; i++) expect(exp.sample()).toBeGreaterThanOrEqual(3);
  });
});
