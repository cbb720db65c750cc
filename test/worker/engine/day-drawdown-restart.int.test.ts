/**
 * The drawdown kill alarm across a restart: a worker killed mid-day (SIGKILL: no shutdown path) and
 * started again reports the drawdown from the day's earlier peak, read from local DynamoDB, not from
 * the new process's own peak.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import type { FillEvent } from '../../../worker/engine/ports.ts';
import { store, useLocalStore } from '../../support/local-store.ts';
import { FakeExchange } from './fake-exchange.ts';
import { A, B, c, START, sessionRig, T0 } from './session-rig.ts';
import { drain } from './support.ts';

useLocalStore();

/** A worker process for shard 0 on the shared exchange and table, with its own clock (a new process). */
function worker(ex: FakeExchange, startMs: number) {
  const days = store.pnlDay!;
  const { session, clock, config, metrics } = sessionRig({
    cap: 2_000,
    ex,
    clock: new ManualClock(startMs),
    audit: false,
    books: false,
    ports: ({ clock }) => ({
      mapper: {
        match: () => ({
          ok: true,
          oddsEventId: 'odds-1',
          commenceMs: START,
          outcomeByTicker: { [A]: 'Boston', [B]: 'Milwaukee' },
          homeTeam: 'Milwaukee',
          awayTeam: 'Boston',
        }),
      },
      dayPnl: {
        load: (day) => days.load('0', day),
        save: (record) => days.save('0', { ...record, at: clock.now() }),
      },
    }),
  });
  let seq = 0;
  /** A round trip in A: bought 10 at `buy`, sold 10 at `sell` (flat after; the exchange agrees). */
  const roundTrip = (buy: number, sell: number) => {
    for (const [side, price] of [
      ['bid', buy],
      ['ask', sell],
    ] as const) {
      const fill: FillEvent = {
        type: 'fill',
        tradeId: `t${startMs}-${seq++}`,
        orderId: 'x',
        ticker: A,
        side,
        price: c(price),
        count: 1_000,
        tsMs: clock.now(),
      };
      session.handle(fill);
    }
  };
  const heartbeat = async () => {
    for (let t = 0; t < config.heartbeatMs; t += 1_000) {
      clock.advance(1_000);
      await drain(3);
    }
    await session.idle();
    await drain(5);
  };
  const drawdown = () => metrics.gauges.get('PnlDrawdownDollars');
  return { session, clock, roundTrip, heartbeat, drawdown, ex };
}

describe('drawdown per trading day across a restart', () => {
  it("a worker restarted mid-day measures the drawdown from the day's earlier peak", async () => {
    const ex = new FakeExchange();
    ex.setBook(A, [{ price: c(45), size: 1_000 }], [{ price: c(75), size: 1_000 }]);
    ex.setBook(B, [{ price: c(25), size: 1_000 }], [{ price: c(55), size: 1_000 }]);

    const first = worker(ex, T0);
    await first.session.start();
    ex.emit({ type: 'connection', state: 'up' });
    await first.session.idle();
    first.roundTrip(50, 70); // +$2 realised: the day's peak
    await first.heartbeat();
    expect(first.drawdown()).toBe(0);
    first.roundTrip(60, 50); // −$1: the day at +$1, $1 below its peak
    await first.heartbeat();
    expect(first.drawdown()).toBeCloseTo(1, 6);
    await first.heartbeat(); // the stored record is settled
    expect(await store.pnlDay!.load('0', '2026-11-25')).toMatchObject({
      day: '2026-11-25',
      realised: 1_000_000,
      peak: 2_000_000,
    });

    // SIGKILL: the first process's clock never moves again; a new process starts a minute later.
    const second = worker(ex, first.clock.now() + 60_000);
    await second.session.start();
    ex.emit({ type: 'connection', state: 'up' });
    await second.session.idle();
    await second.heartbeat();
    // Still $1 below the day's peak (a per-process peak would say 0).
    expect(second.drawdown()).toBeCloseTo(1, 6);
    second.roundTrip(60, 45); // −$1.50 realised in the new process
    await second.heartbeat();
    // The day at −$0.50 against its +$2 peak (a per-process peak would say $1.50).
    expect(second.drawdown()).toBeCloseTo(2.5, 6);
    await second.heartbeat();
    expect(await store.pnlDay!.load('0', '2026-11-25')).toMatchObject({
      realised: -500_000,
      peak: 2_000_000,
    });
  });
});
