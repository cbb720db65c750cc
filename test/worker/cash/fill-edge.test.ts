/**
 * Edge on real fills in the worker: at each session fill the tracker reads theo and mid from the
 * session's view, then again 10 s, 60 s and 5 min later on the injected clock; it emits the sums
 * the metrics carry, keeps rolling tables per sport, series, mode and size, and forgets fills past
 * its window.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import { FillEdgeTracker, type SessionForEdge } from '../../../worker/cash/fill-edge.ts';
import type { SessionEvent } from '../../../worker/engine/session.ts';
import { recordingMetrics } from '../engine/support.ts';

const c = (cents: number) => cents * 10_000;

function rig() {
  const clock = new ManualClock(1_000_000);
  const market = {
    ticker: 'KXNBAGAME-26NOV25BOSMIL-BOS',
    theo: 0.6 as number | null,
    bestBid: c(57) as number | null,
    bestAsk: c(61) as number | null,
    modeBid: 'competitive' as string | null,
    modeAsk: 'monopsony' as string | null,
  };
  const listeners = new Set<(e: SessionEvent) => void>();
  const session: SessionForEdge = {
    snapshot: () => ({ games: [{ sport: 'nba', markets: [{ ...market }] }] }),
    onEvent: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  const metrics = recordingMetrics();
  const tracker = new FillEdgeTracker({ clock, session, metrics, windowMs: 3_600_000 });
  const fill = (
    tradeId: string,
    side: 'bid' | 'ask',
    cents: number,
    contracts: number,
    ticker = market.ticker,
  ) => {
    for (const l of listeners)
      l({
        type: 'fill',
        fill: {
          atMs: clock.now(),
          eventTicker: 'KXNBAGAME-26NOV25BOSMIL',
          ticker,
          side,
          price: c(cents),
          count: contracts * 100,
          tradeId,
        },
      });
  };
  return { clock, market, metrics, tracker, fill, listeners };
}

describe('fill edge tracker', () => {
  it('edge at the fill, then markouts at 10 s, 60 s and 5 min as the theo and book move', () => {
    const r = rig();
    let changes = 0;
    r.tracker.onChange(() => changes++);
    r.fill('t1', 'bid', 58, 10);
    const [f] = r.tracker.recent();
    expect(f).toMatchObject({
      sport: 'nba',
      series: 'KXNBAGAME',
      mode: 'competitive',
      atFill: { theo: c(60), mid: c(59) },
    });
    // Bought 10 at 58¢: +$0.20 against theo, +$0.10 against mid.
    expect(r.metrics.counts.get('FillEdgeDollars')).toBeCloseTo(0.3, 9);

    r.market.theo = 0.55;
    r.market.bestBid = c(54);
    r.market.bestAsk = c(56);
    r.clock.advance(9_999);
    expect(f!.later['10s']).toBeUndefined();
    r.clock.advance(1);
    expect(f!.later['10s']).toEqual({ theo: c(55), mid: c(55) });
    r.market.bestAsk = null;
    r.clock.advance(290_000);
    expect(f!.later['5m']).toEqual({ theo: c(55), mid: null });
    expect(changes).toBe(4);

    const t = r.tracker.tables();
    expect(t.all).toMatchObject({ fills: 1, contracts: 1_000, edge: { theo: c(2), mid: c(1) } });
    expect(t.all!.markout['10s']).toEqual({ theo: -c(3), mid: -c(3) });
    expect(t.all!.markout['5m']).toEqual({ theo: -c(3), mid: null });
    expect(t.byMode.map((x) => x.key)).toEqual(['bid competitive']);
    expect(t.bySize.map((x) => x.key)).toEqual(['10-99']);
  });

  it('a fill on a market the session does not show has no references, and is never priced at zero', () => {
    const r = rig();
    r.fill('t1', 'ask', 40, 1, 'KXNBAGAME-26NOV25BOSMIL-TIE');
    expect(r.tracker.recent()[0]).toMatchObject({ sport: 'unknown', atFill: { theo: null, mid: null } });
    expect(r.metrics.counts.get('FillEdgeDollars')).toBeUndefined();
    expect(r.tracker.tables().all?.edge).toEqual({ theo: null, mid: null });
  });

  it('forgets fills past its window; close stops the pending markouts and the subscription', () => {
    const r = rig();
    r.fill('t1', 'ask', 62, 1);
    r.clock.advance(3_600_001);
    r.fill('t2', 'ask', 62, 1);
    expect(r.tracker.recent().map((f) => f.tradeId)).toEqual(['t2']);
    r.tracker.close();
    expect(r.listeners.size).toBe(0);
    r.clock.advance(300_000);
    expect(r.tracker.recent()[0]!.later).toEqual({});
  });
});
