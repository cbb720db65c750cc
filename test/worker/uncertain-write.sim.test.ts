/**
 * Issue 12, liveness: a write whose outcome is unknown (every attempt answered 5xx) leaves its order
 * `uncertain`, its slot blocked. The worker must not wait for its periodic reconciliation (an hour
 * here) to learn that the write never landed: a prompt listing settles it and the quotes follow the
 * new theo. The whole worker over the simulated exchange.
 */
import { describe, expect, it } from 'vitest';
import { ours, START, sim, store, until, useWorkerHarness, worker } from './worker-harness.ts';

useWorkerHarness();

describe('uncertain writes × worker × simulator', () => {
  it('an uncertain requote is settled by a prompt listing, long before the periodic one', async () => {
    const log: Record<string, unknown>[] = [];
    const w = await worker(log, { reconcileMs: 3_600_000, theoPollMs: 200 });
    await until(() => ours().length === 4, 'four resting quotes');
    const before = new Map(ours().map((o) => [`${o.ticker}|${o.side}`, o.price]));
    // Every REST request fails (5xx) while the theo moves: the requotes end with their outcome unknown.
    sim.faults.set({ rest5xxRate: 1 });
    await store.theos.put({
      eventId: 'odds-bos-mil',
      sportKey: 'basketball_nba',
      homeTeam: 'Milwaukee Bucks',
      awayTeam: 'Boston Celtics',
      commenceTime: START,
      outcomes: [
        { name: 'Boston Celtics', probability: 0.52 },
        { name: 'Milwaukee Bucks', probability: 0.48 },
      ],
      method: 'test',
      booksUsed: ['pinnacle', 'draftkings', 'fanduel'],
      booksDropped: 0,
      asOf: Date.now(),
      source: 'poll',
    });
    await until(() => w.session.liveOrders().some((o) => o.state === 'uncertain'), 'an uncertain write');
    sim.faults.set({ rest5xxRate: 0 });
    // Settled and requoted at the new theo: every one of our quotes has moved.
    await until(
      () =>
        w.session.liveOrders().every((o) => o.state !== 'uncertain') &&
        ours().length === 4 &&
        ours().every((o) => o.price !== before.get(`${o.ticker}|${o.side}`)),
      'quotes at the new theo',
    );
    expect(w.session.killSwitch.tripped).toBe(false);
  });
});
