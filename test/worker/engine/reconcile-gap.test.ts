/**
 * A feed gap (the private channels down) and the fills missed in it: the
 * periodic passes during the gap correct nothing (the mismatch is a fill the
 * backfill will bring), and the backfilled fills, emitted before the feed is
 * reported up, are counted once, with their records, and no drift.
 */
import { describe, expect, it } from 'vitest';
import { A, advance, fill, sessionRig, started } from './session-rig.ts';
import { drain } from './support.ts';

const rig = () => sessionRig();

describe('a feed gap and its backfilled fills', () => {
  it('no correction while the feed is down; the backfilled fill is counted once, recorded, and no drift', async () => {
    const r = await started(rig());
    r.ex.emit({ type: 'connection', state: 'down' });
    await r.session.idle();
    r.ex.positions.set(A, 700); // filled during the gap: its message never comes
    // Periodic (untrusted) passes during the gap see the mismatch twice, and still correct nothing.
    await advance(r.clock, 2 * r.config.reconcileMs + r.config.positionLagMs + 500, 250);
    expect(r.session.position(A)).toBe(0);
    expect(r.session.snapshot().counters['drifts']).toBe(0);
    // The feed adapter backfills the missed fill from REST, then reports the feed up (trusted pass).
    r.ex.emit(fill('t-gap', A, 'bid', 700));
    r.ex.emit({ type: 'connection', state: 'up' });
    await r.session.idle();
    await advance(r.clock, r.config.reconcileMs + r.config.positionLagMs + 500, 250);
    expect(r.session.position(A)).toBe(700);
    expect(r.session.snapshot().counters['drifts']).toBe(0);
    expect(r.audited.filter((f) => f.tradeId === 't-gap')).toHaveLength(1);
    expect(r.session.killSwitch.state.source ?? null).toBeNull();
  });

  it('a trusted pass that completes inside a new gap corrects nothing: the backfill brings the fill, counted once, no drift, no kill', async () => {
    const r = await started(rig());
    // The reconnect's trusted pass is slow: its positions listing answers only when released.
    const listPositions = r.ex.listPositions.bind(r.ex);
    let release: (() => void) | null = null;
    r.ex.listPositions = () =>
      new Promise((resolve) => {
        release = () => void listPositions().then(resolve);
      });
    r.ex.emit({ type: 'connection', state: 'down' });
    await r.session.idle();
    r.ex.emit({ type: 'connection', state: 'up' });
    await drain(3);
    expect(release).not.toBeNull();
    // The socket drops again while that pass runs; a fill lands in this new gap (its message never comes).
    r.ex.emit({ type: 'connection', state: 'down' });
    await drain(3);
    r.ex.positions.set(A, 2_500);
    r.ex.listPositions = listPositions;
    release!();
    await r.session.idle();
    // The adapter backfills the missed fill from REST, then reports the feed up (trusted pass).
    r.ex.emit(fill('t-gap2', A, 'bid', 2_500));
    r.ex.emit({ type: 'connection', state: 'up' });
    await r.session.idle();
    await advance(r.clock, r.config.reconcileMs + r.config.positionLagMs + 500, 250);
    expect(r.session.position(A)).toBe(2_500);
    expect(r.session.killSwitch.state.source ?? null).toBeNull();
    expect(r.session.snapshot().counters['drifts']).toBe(0);
    expect(r.audited.filter((f) => f.tradeId === 't-gap2')).toHaveLength(1);
  });
});
