/**
 * The one timer order of the simulator and the backtest (sim/scenario/scheduler.ts):
 * by due time, then by the order set — what makes a seeded run replay exactly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Scheduler, TimeQueue } from '../../../sim/scenario/scheduler.ts';

describe('TimeQueue', () => {
  it('pops by due time, ties in insertion order (a stable sort), pushes while popping included', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), fc.nat(50), (ats, split) => {
        const q = new TimeQueue<number>();
        const all: { at: number; i: number }[] = [];
        const cut = Math.min(split, ats.length);
        ats.slice(0, cut).forEach((at, i) => {
          q.push(at, i);
          all.push({ at, i });
        });
        const out: { at: number; i: number }[] = [];
        // Pop one, then push the rest (never earlier than what was popped, as a clock would).
        const first = q.pop();
        if (first) out.push({ at: first.at, i: first.item });
        const floor = first?.at ?? 0;
        ats.slice(cut).forEach((a, k) => {
          const at = floor + a;
          q.push(at, cut + k);
          all.push({ at, i: cut + k });
        });
        for (let e = q.pop(); e; e = q.pop()) out.push({ at: e.at, i: e.item });
        const expected = [...all].sort((a, b) => a.at - b.at || a.i - b.i);
        expect(out).toEqual(expected);
        expect(q.size).toBe(0);
      }),
    );
  });
});

describe('Scheduler', () => {
  it('gives only what is due, earliest first, and ignores a non-finite time', () => {
    const s = new Scheduler();
    const ran: string[] = [];
    s.schedule(20, () => ran.push('b'));
    s.schedule(10, () => ran.push('a'));
    s.schedule(20, () => ran.push('c'));
    s.schedule(Number.POSITIVE_INFINITY, () => ran.push('never'));
    expect(s.size).toBe(3);
    for (let e = s.popDue(15); e; e = s.popDue(15)) e.task();
    expect(ran).toEqual(['a']);
    expect(s.peek()).toBe(20);
    for (let e = s.popDue(20); e; e = s.popDue(20)) e.task();
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(s.popDue(1e9)).toBeUndefined();
  });
});
