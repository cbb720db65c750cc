/**
 * Market status (issue 12, finding 5): learnt from every listing and every
 * lifecycle message, and re-learnt from a fresh listing after every reconnect.
 * A market not open at discovery is never quoted; a pause whose resume was
 * missed while disconnected ends with the next listing.
 */
import { describe, expect, it } from 'vitest';
import { MarketStatusTracker } from '../../../worker/engine/market-status.ts';
import { A, advance, B, EVENT, type SessionRig, START, sessionRig, started } from './session-rig.ts';
import { drain, sessionListing } from './support.ts';

const rig = () => sessionRig();
type Rig = SessionRig;

const restingOn = (r: Rig, ticker: string) => r.ex.resting().filter((o) => o.ticker === ticker).length;

describe('MarketStatusTracker', () => {
  it('reads listed statuses, lifecycle events, and lets a newer lifecycle event outrank an older listing', () => {
    const m = new MarketStatusTracker();
    expect(
      m.learnListing(
        [
          { ticker: 'A', status: 'active' },
          { ticker: 'B', status: 'inactive' },
          { ticker: 'C', status: 'initialized' },
        ],
        1_000,
      ),
    ).toEqual(['B', 'C']);
    expect([...m.blocked].sort()).toEqual(['B', 'C']);
    expect(m.reasonFor(['A', 'B'])).toBe('market-paused');
    expect(m.reasonFor(['B', 'C'])).toBe('market-inactive');
    expect(m.reasonFor(['A'])).toBeNull();
    expect(m.learnLifecycle('B', 'resumed', 2_000)).toBe(true);
    // A listing that started before the resume may predate it: it does not undo it.
    expect(m.learnListing([{ ticker: 'B', status: 'inactive' }], 1_500)).toEqual([]);
    expect(m.stateOf('B')).toBe('open');
    expect(m.learnListing([{ ticker: 'B', status: 'inactive' }], 2_500)).toEqual(['B']);
    expect(m.learnLifecycle('A', 'other', 3_000)).toBe(false);
    expect(m.learnLifecycle('A', 'settled', 3_000)).toBe(true);
    expect(m.reasonFor(['A'])).toBe('market-inactive');
  });
});

describe('MarketStatusTracker ordering', () => {
  it('a lifecycle event received in the same millisecond a listing started outranks the listing', () => {
    // The listing was requested at 5 000 and may have been answered before the pause; the pause
    // arrived at 5 000 too (same ms, or a clock that does not move during I/O, as in the lockstep sim).
    const m = new MarketStatusTracker();
    m.learnListing([{ ticker: 'A', status: 'active' }], 1_000);
    expect(m.learnLifecycle('A', 'paused', 5_000)).toBe(true);
    expect(m.learnListing([{ ticker: 'A', status: 'active' }], 5_000)).toEqual([]);
    expect(m.stateOf('A')).toBe('paused');
    expect(m.learnLifecycle('A', 'resumed', 6_000)).toBe(true);
    expect(m.learnListing([{ ticker: 'A', status: 'inactive' }], 6_000)).toEqual([]);
    expect(m.stateOf('A')).toBe('open');
    // A listing started later is newer: it wins.
    expect(m.learnListing([{ ticker: 'A', status: 'inactive' }], 6_001)).toEqual(['A']);
  });
});

describe('market status in the session', () => {
  it('a market not open at discovery is not quoted (its sibling is); it is once a listing shows it open', async () => {
    const r = rig();
    r.ex.events = sessionListing(START).map((ev) => ({
      ...ev,
      markets: ev.markets.map((m) => (m.ticker === A ? { ...m, status: 'inactive' } : m)),
    }));
    await started(r);
    await advance(r.clock, 1_000);
    expect(restingOn(r, B)).toBeGreaterThan(0);
    expect(restingOn(r, A)).toBe(0);
    expect(r.session.marketReason(EVENT)).toBe('market-paused');
    r.ex.events = sessionListing(START);
    await r.session.discover();
    await advance(r.clock, 1_000);
    expect(r.session.marketReason(EVENT)).toBeNull();
    expect(restingOn(r, A)).toBeGreaterThan(0);
  });

  it('a market paused before a disconnect and resumed during it is quoted again after the reconnect', async () => {
    const r = rig();
    await r.session.start();
    r.ex.emit({ type: 'lifecycle', ticker: A, kind: 'paused' });
    r.ex.emit({ type: 'connection', state: 'up' });
    await r.session.idle();
    await advance(r.clock, 1_000);
    expect(restingOn(r, B)).toBeGreaterThan(0);
    expect(restingOn(r, A)).toBe(0);
    r.ex.emit({ type: 'connection', state: 'down' });
    await advance(r.clock, 1_000);
    // The 'resumed' message is lost with the socket; the exchange lists the market active again.
    r.ex.emit({ type: 'connection', state: 'up' });
    await r.session.idle();
    await advance(r.clock, 1_000);
    expect(restingOn(r, A)).toBeGreaterThan(0);
    expect(r.session.marketReason(EVENT)).toBeNull();
  });

  it('a listing already in flight when the feed drops does not stand for the re-listing after the reconnect', async () => {
    const r = await started(rig());
    await advance(r.clock, 1_000);
    expect(restingOn(r, A)).toBeGreaterThan(0);
    // A re-listing (dates changed) is in flight: the exchange answered it with what was true then.
    const listEvents = r.ex.listEvents.bind(r.ex);
    let release: (() => void) | null = null;
    r.ex.listEvents = (series) => {
      const answer = listEvents(series);
      return new Promise((resolve) => {
        release = () => resolve(answer);
      });
    };
    r.ex.emit({ type: 'lifecycle', ticker: A, kind: 'other' });
    await drain(3);
    expect(release).not.toBeNull();
    r.ex.listEvents = listEvents;
    // The feed drops; the market is paused meanwhile (the lifecycle message is lost with the socket).
    r.ex.emit({ type: 'connection', state: 'down' });
    await advance(r.clock, 1_000);
    r.ex.events = sessionListing(START).map((ev) => ({
      ...ev,
      markets: ev.markets.map((m) => (m.ticker === A ? { ...m, status: 'inactive' } : m)),
    }));
    r.ex.emit({ type: 'connection', state: 'up' });
    await drain(3);
    release!(); // the old listing lands after the reconnect
    await r.session.idle();
    await advance(r.clock, 1_000);
    expect(r.session.marketReason(EVENT)).toBe('market-paused');
  });
});
