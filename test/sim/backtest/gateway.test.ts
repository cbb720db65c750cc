/**
 * The backtest's in-memory gateway lists events through the production KalshiGateway over the
 * simulator's REST handlers. A listing whose bytes equal the last one of its series reuses that
 * parse; one whose bytes changed (a market closed, a fee override, a moved start) is parsed again.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../sim/backtest/clock.ts';
import { InMemoryGateway } from '../../../sim/backtest/gateway.ts';
import { LatencySampler } from '../../../sim/backtest/latency.ts';
import { KalshiEngine } from '../../../sim/kalshi/engine.ts';
import { Faults } from '../../../sim/kalshi/faults.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function rig() {
  const clock = new VirtualClock(T0);
  const engine = new KalshiEngine({ clock, seed: 1 });
  engine.createSeries({ ticker: 'KXG', title: 'Games', feeType: 'quadratic' });
  engine.createEvent({
    eventTicker: 'KXG-AB',
    seriesTicker: 'KXG',
    title: 'A at B',
    startTimeMs: T0 + 3_600_000,
  });
  for (const side of ['A', 'B'])
    engine.createMarket({
      ticker: `KXG-AB-${side}`,
      eventTicker: 'KXG-AB',
      title: `${side} wins`,
      yesSubTitle: side,
      openTimeMs: T0 - 60_000,
      closeTimeMs: T0 + 7_200_000,
    });
  engine.tick(); // opens the markets (open time passed)
  const gateway = new InMemoryGateway({
    engine,
    userId: 'maker',
    clock,
    latency: new LatencySampler({ kind: 'uniform', minMs: 5, maxMs: 25 }, 7),
    faults: new Faults(undefined, 1),
  });
  /** Runs the clock until `p` settles (the gateway's latency and token waits are clock timers). */
  const settle = async <T>(p: Promise<T>): Promise<T> => {
    let done = false;
    void p.finally(() => {
      done = true;
    });
    for (let i = 0; i < 1_000 && !done; i++) {
      await new Promise<void>((r) => setImmediate(r));
      if (!done) clock.fireNext();
    }
    return p;
  };
  return { clock, engine, gateway, settle };
}

describe('InMemoryGateway.listEvents', () => {
  it('the same bytes give the same listing; a change in them is seen at the next listing', async () => {
    const { engine, gateway, settle } = rig();
    const first = await settle(gateway.listEvents('KXG'));
    expect(first.map((e) => e.markets.map((m) => [m.ticker, m.status]))).toEqual([
      [
        ['KXG-AB-A', 'active'],
        ['KXG-AB-B', 'active'],
      ],
    ]);
    const again = await settle(gateway.listEvents('KXG'));
    expect(again).toEqual(first);
    engine.setMarketStatus('KXG-AB-B', 'inactive');
    engine.setEventStartTime('KXG-AB', T0 + 5_400_000);
    const changed = await settle(gateway.listEvents('KXG'));
    expect(changed[0]!.markets.map((m) => m.status)).toEqual(['active', 'inactive']);
    expect(changed[0]!.startMs).toBe(T0 + 5_400_000);
    expect(first[0]!.markets[1]!.status).toBe('active'); // an earlier listing is not changed under its reader
    engine.setEventFeeOverride('KXG-AB', { feeMultiplier: 0.5 });
    const fees = await settle(gateway.listEvents('KXG'));
    expect(fees[0]!.fees).not.toEqual(first[0]!.fees);
  });
});
