import { describe, expect, it } from 'vitest';
import type { ExchangeOrder, LiveOrder } from '../../../worker/engine/ports.ts';
import {
  driftMemory,
  holdDuringGap,
  reconcileOrders,
  reconcilePositions,
} from '../../../worker/engine/reconcile.ts';

const local = (over: Partial<LiveOrder>): LiveOrder => ({
  orderId: 'o1',
  clientOrderId: 'kmm-1',
  ticker: 'G-A',
  side: 'bid',
  price: 400_000,
  remaining: 100,
  filled: 0,
  state: 'resting',
  sinceMs: 1_000,
  ...over,
});
const onExchange = (over: Partial<ExchangeOrder>): ExchangeOrder => ({
  orderId: 'o1',
  clientOrderId: 'kmm-1',
  ticker: 'G-A',
  side: 'bid',
  price: 400_000,
  remaining: 100,
  filled: 0,
  ...over,
});
const tracked = new Set(['G-A', 'G-B']);

describe('reconcileOrders (docs/RECONCILIATION.md table)', () => {
  it('confirms a local order that rests, taking the exchange size', () => {
    const [a] = reconcileOrders(
      [local({})],
      [onExchange({ remaining: 40, filled: 60 })],
      tracked,
      'kmm',
      5_000,
    );
    expect(a).toMatchObject({ kind: 'confirm', exchange: { remaining: 40 } });
  });

  it('forgets an acknowledged or uncertain order older than the listing that no longer rests', () => {
    for (const state of ['resting', 'uncertain'] as const)
      expect(reconcileOrders([local({ state })], [], tracked, 'kmm', 5_000)).toEqual([
        { kind: 'forget', local: local({ state }) },
      ]);
  });

  it('does not judge orders newer than the listing, nor pending writes', () => {
    expect(reconcileOrders([local({ sinceMs: 6_000 })], [], tracked, 'kmm', 5_000)).toEqual([]);
    expect(reconcileOrders([local({ state: 'pending', orderId: null })], [], tracked, 'kmm', 5_000)).toEqual(
      [],
    );
  });

  it('matches by client order id when the order id is not known yet (lost ack)', () => {
    const actions = reconcileOrders(
      [local({ orderId: null, state: 'uncertain' })],
      [onExchange({ orderId: 'real' })],
      tracked,
      'kmm',
      5_000,
    );
    expect(actions).toEqual([
      {
        kind: 'confirm',
        local: local({ orderId: null, state: 'uncertain' }),
        exchange: onExchange({ orderId: 'real' }),
      },
    ]);
  });

  it('adopts unknown resting orders in tracked markets (restart): never duplicates them', () => {
    expect(reconcileOrders([], [onExchange({ clientOrderId: null })], tracked, 'kmm', 5_000)).toEqual([
      { kind: 'adopt', exchange: onExchange({ clientOrderId: null }) },
    ]);
  });

  it('cancels our own orders in untracked markets and ignores foreign ones', () => {
    const ours = onExchange({ ticker: 'OLD-X', clientOrderId: 'kmm-77' });
    const manual = onExchange({ orderId: 'm', ticker: 'OLD-X', clientOrderId: 'phone-1' });
    expect(reconcileOrders([], [ours, manual], tracked, 'kmm', 5_000)).toEqual([
      { kind: 'cancel', exchange: ours },
      { kind: 'ignore', exchange: manual },
    ]);
  });
});

describe('reconcilePositions', () => {
  const lastFill = new Map([['G-B', 9_500]]);
  const run = (
    localPos: Map<string, number>,
    exchange: { ticker: string; position: number }[],
    previous?: Map<string, number>,
  ) =>
    reconcilePositions(
      ['G-A', 'G-B'],
      (t) => localPos.get(t) ?? 0,
      (t) => lastFill.get(t) ?? Number.NEGATIVE_INFINITY,
      exchange,
      10_000,
      2_000,
      previous,
    );

  it('defers a first sighting and corrects it when the next pass sees the same drift', () => {
    const localPos = new Map([['G-A', 300]]);
    const first = run(localPos, [{ ticker: 'G-A', position: 500 }]);
    expect(first.corrections).toEqual([]);
    expect(first.deferred).toEqual([{ ticker: 'G-A', local: 300, exchange: 500, drift: 200 }]);
    const second = run(localPos, [{ ticker: 'G-A', position: 500 }], driftMemory(first));
    expect(second.corrections).toEqual([{ ticker: 'G-A', local: 300, exchange: 500, drift: 200 }]);
  });

  it('does not correct when the drift changed in between (a fill message was in flight)', () => {
    const first = run(new Map([['G-A', 300]]), [{ ticker: 'G-A', position: 500 }]);
    const second = run(new Map([['G-A', 500]]), [{ ticker: 'G-A', position: 500 }], driftMemory(first));
    expect(second).toEqual({ corrections: [], deferred: [] });
  });

  it('defers markets that filled within the lag window even when the drift repeats', () => {
    const d = run(new Map([['G-B', -100]]), [], new Map([['G-B', 100]]));
    expect(d.corrections).toEqual([]);
    expect(d.deferred).toEqual([{ ticker: 'G-B', local: -100, exchange: 0, drift: 100 }]);
  });

  it('trusts the exchange at once at start-up or after a feed gap', () => {
    const d = reconcilePositions(
      ['G-A'],
      () => 0,
      () => 9_999,
      [{ ticker: 'G-A', position: 400 }],
      10_000,
      2_000,
      new Map(),
      true,
    );
    expect(d.corrections).toEqual([{ ticker: 'G-A', local: 0, exchange: 400, drift: 400 }]);
  });

  it('a trusted pass defers a market that filled too close to the listing start (the snapshot may not count it)', () => {
    const judge = (lastFillMs: number, trust: boolean | ((t: string) => boolean) = true) =>
      reconcilePositions(
        ['G-A'],
        () => 2_500,
        () => lastFillMs,
        [],
        10_000,
        2_000,
        new Map(),
        trust,
        8_000, // listing started at 8 000, answered at 10 000
      );
    // Received after the listing started (or within the lag before it): deferred, the WS fill is kept.
    expect(judge(8_500).deferred).toEqual([{ ticker: 'G-A', local: 2_500, exchange: 0, drift: -2_500 }]);
    expect(judge(6_500).corrections).toEqual([]);
    // Received a full lag before the listing started: the snapshot counts it, the exchange wins at once.
    expect(judge(6_000).corrections).toEqual([{ ticker: 'G-A', local: 2_500, exchange: 0, drift: -2_500 }]);
    // Trust per market (a re-check owed a trusted correction).
    expect(judge(6_000, (t) => t === 'G-A').corrections).toHaveLength(1);
    expect(judge(6_000, (t) => t !== 'G-A').corrections).toEqual([]);
  });

  it('remembers only deferred drifts: a corrected one cannot confirm a same-size drift next pass', () => {
    const corrected = { ticker: 'G-A', local: 0, exchange: 500, drift: 500 };
    const deferred = { ticker: 'G-B', local: 0, exchange: 500, drift: 500 };
    expect([...driftMemory({ corrections: [corrected], deferred: [deferred] })]).toEqual([['G-B', 500]]);
    const next = reconcilePositions(
      ['G-A'],
      () => 500,
      () => Number.NEGATIVE_INFINITY,
      [{ ticker: 'G-A', position: 1_000 }],
      10_000,
      2_000,
      driftMemory({ corrections: [corrected], deferred: [] }),
    );
    expect(next.corrections).toEqual([]);
    expect(next.deferred).toEqual([{ ticker: 'G-A', local: 500, exchange: 1_000, drift: 500 }]);
  });

  it('reports nothing when local and exchange agree', () => {
    expect(run(new Map(), [])).toEqual({ corrections: [], deferred: [] });
  });
});

describe('holdDuringGap', () => {
  it('turns every correction into a deferral (the backfill after the gap decides)', () => {
    const d = reconcilePositions(
      ['A', 'B'],
      () => 0,
      () => 0,
      [{ ticker: 'A', position: 500 }],
      10_000,
      1_000,
      new Map([['A', 500]]),
    );
    expect(d.corrections).toHaveLength(1);
    const held = holdDuringGap(d);
    expect(held.corrections).toEqual([]);
    expect(held.deferred).toEqual([{ ticker: 'A', local: 0, exchange: 500, drift: 500 }]);
  });
});
