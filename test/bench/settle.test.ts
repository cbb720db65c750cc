import { describe, expect, it } from 'vitest';
import { type SettleIo, waitForOpeningQuotes } from '../../bench/settle.ts';

/** A scripted worker on a virtual clock: `writesAt[i]` is the virtual time of its i-th write. */
function worker(writesAt: number[]): SettleIo & { t: number } {
  const w = {
    t: 0,
    writes: () => writesAt.filter((at) => at <= w.t).length,
    now: () => w.t,
    sleep: async (ms: number) => {
      w.t += ms;
    },
  };
  return w;
}

describe('waitForOpeningQuotes', () => {
  it('waits for a first write that comes later than one quiet period (a loaded machine), then for the writes to stop', async () => {
    // Books live at t = 0; the engine's first write at 4 s, then one every 100 ms until 9.9 s.
    const writesAt = Array.from({ length: 60 }, (_, i) => 4_000 + i * 100);
    const w = worker(writesAt);
    expect(await waitForOpeningQuotes(w, 200_000)).toEqual({ started: true });
    expect(w.writes()).toBe(60);
    expect(w.t).toBeGreaterThanOrEqual(9_900);
    expect(w.t).toBeLessThan(9_900 + 2 * 1_500 + 50);
  });

  it('says the quotes never started when no write comes before the deadline', async () => {
    const w = worker([]);
    expect(await waitForOpeningQuotes(w, 10_000)).toEqual({ started: false });
    expect(w.t).toBeGreaterThanOrEqual(10_000);
  });

  it('stops at the deadline while writes are still going', async () => {
    const w = worker(Array.from({ length: 1_000 }, (_, i) => i * 100));
    expect(await waitForOpeningQuotes(w, 20_000)).toEqual({ started: true });
    expect(w.t).toBeLessThan(20_000 + 1_500 + 1);
    expect(w.writes()).toBeLessThan(1_000);
  });
});

describe('waitForOpeningQuotes with writes still in flight', () => {
  it('waits until the writes handed to the REST client are answered, not only until no new one is handed over', async () => {
    // 60 writes handed over by 5.9 s; the exchange (a simulator on loaded cores) answers the last at 30 s.
    const writesAt = Array.from({ length: 60 }, (_, i) => i * 100);
    const w = worker(writesAt);
    const io: SettleIo = { ...w, inFlight: () => (w.t < 30_000 ? 60 - Math.floor(w.t / 500) : 0) };
    expect(await waitForOpeningQuotes(io, 200_000)).toEqual({ started: true });
    expect(w.t).toBeGreaterThanOrEqual(30_000);
    expect(w.t).toBeLessThan(30_000 + 1_500 + 100);
  });

  it('still stops at the deadline when the answers never come', async () => {
    const w = worker([0, 100, 200]);
    const io: SettleIo = { ...w, inFlight: () => 3 };
    expect(await waitForOpeningQuotes(io, 20_000)).toEqual({ started: true });
    expect(w.t).toBeGreaterThanOrEqual(20_000);
    expect(w.t).toBeLessThan(20_000 + 1_500 + 100);
  });
});
