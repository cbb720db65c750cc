/**
 * The backtest's in-memory gateway lists events through the production KalshiGateway over the
 * simulator's REST handlers. A listing whose bytes equal the last one of its series reuses that
 * parse; one whose bytes changed (a market closed, a fee override, a moved start) is parsed again.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../sim/backtest/clock.ts';
import { InMemoryGateway, sameJson } from '../../../sim/backtest/gateway.ts';
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

describe('sameJson (the listing cache compares bodies by it)', () => {
  /** JSON-ish values with what a presenter may hold besides JSON: undefined, NaN, -0, a Date. */
  const value = fc.letrec((tie) => ({
    leaf: fc.oneof(
      fc.constantFrom(undefined, null, Number.NaN, -0, 0, 1, 'a', '', true, false, new Date(0), new Date(1)),
      fc.integer({ min: -3, max: 3 }),
      fc.string({ maxLength: 2 }),
    ),
    node: fc.oneof(
      { depthSize: 'small' },
      tie('leaf'),
      fc.array(tie('node'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('node'), { maxKeys: 3 }),
    ),
  })).node;

  it('property: never equal where the JSON texts differ', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        if (sameJson(a, b)) expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      }),
    );
  });

  it('property: a JSON value equals its own copy (the cache hits on the same bytes)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(sameJson(v, JSON.parse(JSON.stringify(v)))).toBe(true);
      }),
    );
  });

  it('a key order, an array length or a nested value that differs is a difference', () => {
    expect(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(sameJson([1, 2], [1, 2, 3])).toBe(false);
    expect(sameJson({ m: [{ p: '0.42' }] }, { m: [{ p: '0.43' }] })).toBe(false);
    expect(sameJson([], {})).toBe(false);
  });
});
