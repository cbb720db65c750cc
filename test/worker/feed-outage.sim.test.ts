/**
 * Issue 18 item 9: a Kalshi WebSocket outage pauses quoting instead of latching
 * the global kill. The whole worker over the simulated exchange: the socket is
 * dropped and kept from resubscribing; past `feedDownPauseMs` nothing of ours
 * rests and the game says ws-down (feed-down), with no kill; once the socket
 * is back and resynced, the quotes rest again.
 */
import { describe, expect, it } from 'vitest';
import { ours, sim, until, useWorkerHarness, worker } from './worker-harness.ts';

useWorkerHarness();

describe('WebSocket outage × worker × simulator', () => {
  it('pauses past the bound (nothing resting, no kill) and resumes after reconnect + resync', async () => {
    const log: Record<string, unknown>[] = [];
    const w = await worker(log, { feedDownPauseMs: 1_500 });
    await until(() => ours().length === 4, 'four resting quotes');
    // The exchange's WebSocket goes away: every socket dropped, new ones never acknowledged.
    sim.faults.set({ halfOpen: true });
    sim.faults.dropWebSockets();
    await until(() => w.session.feedOutage().state !== 'normal', 'feed-down pause');
    await until(() => ours().length === 0, 'nothing of ours resting');
    expect(w.session.killSwitch.tripped).toBe(false);
    expect(w.session.snapshot().games[0]?.status).toBe('feed-down');
    expect(log.some((e) => e.event === 'feed_down_pause')).toBe(true);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(ours()).toEqual([]);
    expect(w.session.killSwitch.tripped).toBe(false);
    // Back.
    sim.faults.set({ halfOpen: false });
    sim.faults.dropWebSockets();
    await until(() => w.session.feedOutage().state === 'normal', 'resumed');
    await until(() => ours().length === 4, 'quotes resting again');
    expect(w.session.killSwitch.tripped).toBe(false);
    expect(w.session.snapshot().games[0]?.status).toBe('quoting');
  });
});
