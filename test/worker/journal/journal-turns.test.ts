/**
 * The requote loop's turns between games (`Clock.yieldTurn`) are journaled as deferred tasks, in the
 * same numbering as `defer`, and the head says the clock had them (`clockTurns`): the replay's clock
 * then numbers its own turns the same way, so a replayed flush runs each game at its recorded `run`.
 * A clock without turns journals none and its journal's replay has none.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import type { JournalEntry } from '../../../worker/journal/journal-entry.ts';
import { journalPorts } from '../../../worker/journal/journal-ports.ts';
import { ReplayClock } from '../../../worker/replay/replay-clock.ts';
import { sessionRig, T0 } from '../engine/session-rig.ts';

/** A driven clock with turns: they queue with the deferred tasks. */
class TurnClock extends ManualClock {
  yieldTurn(fn: () => void): void {
    this.defer(fn);
  }
}

function journaled(clock: ManualClock) {
  const r = sessionRig({ clock });
  const entries: JournalEntry[] = [];
  const j = journalPorts(r.ports, { append: (e) => entries.push(e) }, { config: r.config });
  return { clock, entries, ports: j.ports };
}

describe('journaled clock turns', () => {
  it('numbers a turn as a deferred task and lists clockTurns in the head', () => {
    const { clock, entries, ports } = journaled(new TurnClock(T0));
    const ran: string[] = [];
    ports.clock.defer(() => ran.push('flush'));
    ports.clock.yieldTurn!(() => ran.push('next game'));
    ports.clock.defer(() => ran.push('later flush'));
    clock.drain();
    expect(ran).toEqual(['flush', 'next game', 'later flush']);
    const head = entries.find((e) => e.k === 'head');
    expect(head?.k === 'head' && head.ports).toContain('clockTurns');
    expect(entries.filter((e) => e.k === 'run').map((e) => (e.k === 'run' ? e.n : 0))).toEqual([1, 2, 3]);

    // The replay's clock, told the recording had turns, numbers them as the recorder did.
    const replay = new ReplayClock(T0, true);
    const replayed: string[] = [];
    replay.defer(() => replayed.push('flush'));
    replay.yieldTurn!(() => replayed.push('next game'));
    replay.defer(() => replayed.push('later flush'));
    for (const n of [1, 2, 3]) expect(replay.run(n)).toBe(true);
    expect(replayed).toEqual(['flush', 'next game', 'later flush']);
    expect(replay.misses.deferrals).toBe(0);
  });

  it('a clock without turns journals none, and its replay has none', () => {
    const { entries, ports } = journaled(new ManualClock(T0));
    expect(ports.clock.yieldTurn).toBeUndefined();
    const head = entries.find((e) => e.k === 'head');
    expect(head?.k === 'head' && head.ports).not.toContain('clockTurns');
    expect(new ReplayClock(T0).yieldTurn).toBeUndefined();
  });
});
