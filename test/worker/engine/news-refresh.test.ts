import { describe, expect, it } from 'vitest';
import type { RefreshRequest, TheoSnapshot } from '../../../worker/engine/ports.ts';
import { A, B, sessionGameMapper, sessionRig, started, T0 } from './session-rig.ts';

/** A session whose refresh requests are recorded; inventory skew alone never asks (refreshSkew 1 of a 20-contract cap). */
function rig(newsSweepSize: number, newsRefresh = true) {
  const theo: TheoSnapshot = {
    oddsEventId: 'odds-1',
    probabilities: { Boston: 0.6, Milwaukee: 0.4 },
    updatedMs: T0,
    books: 12,
  };
  const refreshes: RefreshRequest[] = [];
  const r = sessionRig({
    cap: 2_000,
    config: {
      refreshSkew: 1,
      refreshDebounceMs: 60_000,
      quoting: { baseSize: 500, newsSweepSize, newsRefresh },
    },
    audit: false,
    ports: () => ({
      theos: { read: async () => [theo] },
      mapper: sessionGameMapper('no odds event with these teams within 6 h'),
      refresh: { publish: async (req) => void refreshes.push(req) },
    }),
  });
  return { ...r, refreshes };
}

const take = (r: ReturnType<typeof rig>, ticker: string, side: 'bid' | 'ask') => {
  const o = r.ex.resting().find((x) => x.ticker === ticker && x.side === side)!;
  r.ex.fill(o.orderId, o.remaining);
};

describe('news guard: a sweep across the game asks for its odds at once', () => {
  it('a Boston bid hit and a Milwaukee ask lifted within seconds (one direction, both legs) request a fill-burst refresh', async () => {
    const r = await started(rig(800));
    take(r, A, 'bid');
    await r.session.idle();
    expect(r.refreshes).toHaveLength(0); // one quote taken: a retail taker
    take(r, B, 'ask');
    await r.session.idle();
    expect(r.refreshes).toHaveLength(1);
    expect(r.refreshes[0]).toMatchObject({
      eventId: 'odds-1',
      sportKey: 'basketball_nba',
      reason: 'fill-burst',
    });
  });

  it('fills both ways are no sweep; the guard off, or its refresh off (newsRefresh), asks for nothing', async () => {
    const both = await started(rig(800));
    take(both, A, 'bid');
    take(both, A, 'ask');
    await both.session.idle();
    expect(both.refreshes).toHaveLength(0);
    const off = await started(rig(0));
    take(off, A, 'bid');
    take(off, B, 'ask');
    await off.session.idle();
    expect(off.refreshes).toHaveLength(0);
    const holdOnly = await started(rig(800, false));
    take(holdOnly, A, 'bid');
    take(holdOnly, B, 'ask');
    await holdOnly.session.idle();
    expect(holdOnly.refreshes).toHaveLength(0);
  });
});
