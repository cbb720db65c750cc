/**
 * Issue 12, stop-time safety: Kalshi moves a game's start earlier, so far that the new stop time is
 * already past when it is announced. The worker must not wait for its next discovery listing (an
 * hour here) to learn it: the lifecycle channel's `metadata_updated` makes it pull the game's quotes at
 * once and re-list; the listing then moves the stop time. The whole worker over the simulated exchange.
 */
import { describe, expect, it } from 'vitest';
import { EVENT, ours, sim, until, useWorkerHarness, worker } from './worker-harness.ts';

useWorkerHarness();

describe('start moved by Kalshi × worker × simulator', () => {
  it('a start moved past the stop time: nothing of ours rests, long before the next discovery listing', async () => {
    const log: Record<string, unknown>[] = [];
    const margin = 300_000;
    const w = await worker(log, { discoveryMs: 3_600_000, stopMarginMs: margin });
    await until(() => ours().length === 4, 'four resting quotes');
    // The new stop (start − margin) is 40 s in the past when the move is announced.
    sim.admin.setEventStartTime(EVENT, Date.now() + margin - 40_000);
    await until(() => ours().length === 0, 'nothing of ours resting');
    await until(
      () => log.some((e) => e.event === 'game_start_moved' || e.message === 'game_start_moved'),
      'the move learnt',
    );
    expect(w.session.snapshot().games[0]?.status).toBe('outside-window');
    expect(w.session.killSwitch.tripped).toBe(false);
  });
});
