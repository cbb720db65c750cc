import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import { StartWatch } from '../../../worker/engine/start-watch.ts';

const G = 'KXNBAGAME-26NOV25BOSMIL';

describe('StartWatch: a game whose dates changed is uncertain until a later listing answers', () => {
  it('a listing begun before the change does not settle it; one begun at or after it does', () => {
    const clock = new ManualClock(1_000);
    const w = new StartWatch(clock);
    w.changed(G, 1_000);
    expect(w.uncertain(G)).toBe(true);
    expect(w.listed([{ eventTicker: G }], 999)).toEqual([]);
    expect(w.uncertain(G)).toBe(true);
    expect(w.listed([{ eventTicker: 'OTHER' }], 2_000)).toEqual([]);
    expect(w.listed([{ eventTicker: G }], 1_000)).toEqual([G]);
    expect(w.uncertain(G)).toBe(false);
  });

  it('failed listings are asked for again on a doubling floor, capped, and not once the game is settled', () => {
    const clock = new ManualClock(0);
    const w = new StartWatch(clock, { retryMs: 1_000, maxRetryMs: 3_000 });
    const at: number[] = [];
    w.changed(G, 0);
    const relist = () => {
      at.push(clock.now());
      w.retry(G, relist); // the listing failed again
    };
    w.retry(G, relist);
    w.retry(G, relist); // one pending retry per game
    for (let t = 0; t < 10_000; t += 100) clock.advance(100);
    expect(at).toEqual([1_000, 3_000, 6_000, 9_000]);
    w.listed([{ eventTicker: G }], clock.now());
    for (let t = 0; t < 10_000; t += 100) clock.advance(100);
    expect(at).toHaveLength(4);
    w.close();
  });
});
