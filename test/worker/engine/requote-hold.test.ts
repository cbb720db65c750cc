/**
 * A requote holds nothing past its own turn unless it has writes to wait for: most requotes (a book
 * change that moves no quote) end inside the flush, with no promise left in flight; one whose writes
 * go out is tracked until they settle (stop and quiesce wait for it). Issue #16: every requote was an
 * async call, so each kept a promise chain (and, while its creates waited for the game's order group,
 * its books, quotes and frame): 5,000 at once at the 10,000-market opening.
 */
import { describe, expect, it } from 'vitest';
import type { RequoteLoop } from '../../../worker/engine/requote-loop.ts';
import type { TradingSession } from '../../../worker/engine/session.ts';
import { A, sessionRig, started } from './session-rig.ts';

const requoterOf = (s: TradingSession) => (s as unknown as { requoter: RequoteLoop }).requoter;

describe('RequoteLoop in flight', () => {
  it('a requote that writes nothing leaves nothing in flight when its flush returns', async () => {
    const r = await started(sessionRig());
    const requotes = () => r.session.snapshot().counters['requotes']!;
    const writes = () => r.session.snapshot().counters['writes']!;
    expect(writes()).toBeGreaterThan(0); // the opening quotes rest
    const [before, writesBefore] = [requotes(), writes()];
    r.ex.emit({ type: 'book', ticker: A }); // the same book: no quote moves
    r.clock.drain(); // the flush runs, synchronously
    expect(requotes()).toBe(before + 1);
    expect(writes()).toBe(writesBefore);
    expect(requoterOf(r.session).inFlight()).toHaveLength(0);
    expect(requoterOf(r.session).quiet()).toBe(true);
  });

  it('a requote whose writes go out stays in flight until they settle', async () => {
    const r = await started(sessionRig());
    const requoter = requoterOf(r.session);
    const writesBefore = r.session.snapshot().counters['writes']!;
    // One of our orders filled: the inventory moves, so the quotes do.
    const ours = r.ex.resting()[0]!;
    r.ex.emit(r.ex.fill(ours.orderId, 100));
    r.clock.drain();
    expect(requoter.inFlight().length).toBeGreaterThan(0);
    await r.session.idle();
    expect(requoter.inFlight()).toHaveLength(0);
    expect(r.session.snapshot().counters['writes']!).toBeGreaterThan(writesBefore);
  });
});
