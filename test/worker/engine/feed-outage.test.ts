/**
 * A WebSocket outage pauses quoting instead of latching the global kill
 * (issue 18 item 9): quotes are pulled at once; past `feedDownPauseMs` every
 * order of ours is cancelled through the flattener (so cancels lost with the
 * socket do not leave orders resting), the games hold as ws-down (feed-down),
 * and quoting resumes after the reconnect's trusted reconciliation.
 */
import { describe, expect, it } from 'vitest';
import { advance, sessionRig, started } from './session-rig.ts';

const rig = (extra: Record<string, unknown> = {}) => sessionRig({ config: extra });

describe('feed outage', () => {
  it('past the bound: flattens what the lost cancels left resting, no kill; resumes after reconnect + resync', async () => {
    const r = await started(rig());
    await advance(r.clock, 1_000);
    const before = r.ex.resting().length;
    expect(before).toBeGreaterThan(0);
    // The socket drops; the order manager pulls the quotes, but those cancels "succeed" without effect.
    r.ex.lyingCancels = before;
    r.ex.emit({ type: 'connection', state: 'down' });
    await advance(r.clock, 1_000);
    expect(r.ex.resting().length).toBe(before);
    await advance(r.clock, r.config.feedDownPauseMs, 250);
    expect(r.session.feedOutage().state).not.toBe('normal');
    await advance(r.clock, 3_000, 250); // the flattener re-lists and cancels again
    expect(r.ex.resting()).toEqual([]);
    expect(r.session.killSwitch.tripped).toBe(false);
    expect(r.metrics.counts.get('FeedDownPauses')).toBe(1);
    // Still down long after: still paused, still no kill (exchange maintenance is routine).
    await advance(r.clock, 120_000, 1_000);
    expect(r.session.killSwitch.tripped).toBe(false);
    expect(r.ex.resting()).toEqual([]);
    // Back: the trusted pass runs, then quoting resumes.
    r.ex.emit({ type: 'connection', state: 'up' });
    await r.session.idle();
    await advance(r.clock, 1_000);
    expect(r.session.feedOutage().state).toBe('normal');
    expect(r.ex.resting().length).toBeGreaterThan(0);
    expect(r.session.killSwitch.tripped).toBe(false);
  });

  it('a failed reconnect pass does not leave the pause stuck: the next successful pass resumes', async () => {
    const r = await started(rig());
    r.ex.emit({ type: 'connection', state: 'down' });
    await advance(r.clock, r.config.feedDownPauseMs + 3_000, 250);
    expect(r.session.feedOutage().state).toBe('paused');
    r.ex.failListings = 1; // the reconnect's trusted pass cannot list
    r.ex.emit({ type: 'connection', state: 'up' });
    await r.session.idle();
    await advance(r.clock, 500);
    expect(r.session.feedOutage().state).toBe('paused');
    await advance(r.clock, r.config.reconcileMs + 1_000, 250);
    expect(r.session.feedOutage().state).toBe('normal');
    expect(r.ex.resting().length).toBeGreaterThan(0);
  });

  it('a short outage pulls quotes but does not pause; kill.wsDownMs, when configured, still kills', async () => {
    const r = await started(rig());
    r.ex.emit({ type: 'connection', state: 'down' });
    await advance(r.clock, r.config.feedDownPauseMs - 2_000, 500);
    r.ex.emit({ type: 'connection', state: 'up' });
    await r.session.idle();
    await advance(r.clock, 1_000);
    expect(r.session.feedOutage().state).toBe('normal');
    expect(r.ex.resting().length).toBeGreaterThan(0);

    const k = rig({ kill: { wsDownMs: 40_000 } });
    await started(k);
    k.ex.emit({ type: 'connection', state: 'down' });
    await advance(k.clock, 30_000, 500);
    expect(k.session.feedOutage().state).not.toBe('normal');
    expect(k.session.killSwitch.tripped).toBe(false);
    await advance(k.clock, 11_000, 500);
    expect(k.session.killSwitch.state.source).toBe('ws_down');
  });

  it('kill.wsDownMs, when configured, also bounds a second outage that begins while still paused', async () => {
    const k = rig({ kill: { wsDownMs: 40_000 } });
    await started(k);
    k.ex.emit({ type: 'connection', state: 'down' });
    await advance(k.clock, k.config.feedDownPauseMs + 3_000, 500);
    expect(k.session.feedOutage().state).toBe('paused');
    // Back briefly, but no reconciliation succeeds (REST failing): still paused.
    k.ex.failListings = 1_000_000;
    k.ex.emit({ type: 'connection', state: 'up' });
    await advance(k.clock, 1_000, 500);
    expect(k.session.feedOutage().state).toBe('paused');
    // Down again, for longer than kill.wsDownMs.
    k.ex.emit({ type: 'connection', state: 'down' });
    await advance(k.clock, 45_000, 500);
    expect(k.session.killSwitch.state.source).toBe('ws_down');
  });
});
