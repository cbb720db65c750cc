/**
 * The run recorder judges a game's position against the highest limit the gate had since the
 * game's start (the worker's `inventoryLimitMax`), not only the limits its 5-s samples happened to
 * see: a limit raised and lowered again between two samples is no breach; a position past every
 * limit the game ever had still is.
 */
import { describe, expect, it } from 'vitest';
import { RunRecorder } from '../../../scripts/paper/recorder.ts';
import type { DashboardState } from '../../../worker/dashboard/view-model.ts';

const GAME = 'KXNBAGAME-26NOV25BOSLAL';
const BOS = `${GAME}-BOS`;
const T0 = Date.UTC(2026, 10, 25, 18, 0);

function rig() {
  const pos = { current: 0 };
  const game = { inventoryLimit: 5_000, inventoryLimitMax: 5_000 };
  const view = () =>
    ({
      games: [{ id: GAME, markets: [], ...game }],
    }) as unknown as DashboardState;
  const recorder = new RunRecorder({
    strategy: 'ours',
    kalshi: {
      admin: {
        subscribe: () => () => {},
        positions: () => [{ ticker: BOS, position: pos.current }],
        restingOrders: () => [],
      },
    } as never,
    userId: 'maker',
    world: {
      startMs: T0,
      games: [
        { eventTicker: GAME, markets: [{ ticker: BOS }], path: { times: { startMs: T0 + 3 * 3_600_000 } } },
      ],
    } as never,
    stopMarginMs: 300_000,
    books: { book: () => undefined } as never,
    view,
    counters: () => ({}),
    feedStats: () => ({ reconnects: 0, bookResyncs: 0 }),
  });
  return { recorder, pos, game };
}

describe('run recorder: limit breaches', () => {
  it('a position reached under a limit raised between samples is no breach; past the highest limit it is', () => {
    const r = rig();
    r.recorder.sample(T0, false);
    // Between samples the book deepened (limit 8,000 contracts·100), we filled to 7,000, the book thinned.
    r.pos.current = 7_000;
    r.game.inventoryLimitMax = 8_000;
    r.recorder.sample(T0 + 5_000, false);
    let record = r.recorder.finish(T0 + 5_000);
    expect(record.invariantViolations).toBe(0);
    expect(record.games[0]!.limit).toBe(8_000);

    const past = rig();
    past.pos.current = 9_000;
    past.game.inventoryLimitMax = 8_000;
    past.recorder.sample(T0, false);
    record = past.recorder.finish(T0);
    expect(record.invariantViolations).toBe(1);
  });
});
