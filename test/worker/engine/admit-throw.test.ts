/**
 * A risk gate that throws (a payoff RangeError, a risk state it cannot read) is a refusal, never a half-applied
 * plan: the plan's cancels still go, amends judged before it are sent (never left marked sent and unsent), and
 * the refusal is reported as `gate_error` (order-gate.ts `judged`; found in review).
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import { Inventory } from '../../../worker/engine/inventory.ts';
import { type GameBinding, OrderManager } from '../../../worker/engine/order-manager.ts';
import type { BookSide, DesiredQuote } from '../../../worker/engine/ports.ts';
import { WriteBudget } from '../../../worker/engine/write-budget.ts';
import { FakeExchange } from './fake-exchange.ts';
import { drain, recordingLog, recordingMetrics } from './support.ts';

const q = (ticker: string, side: BookSide, cents: number, size: number): DesiredQuote => ({
  ticker,
  side,
  price: cents * 10_000,
  size,
});
const four = (e: string, c: number) => [
  q(`${e}-A`, 'bid', c, 500),
  q(`${e}-A`, 'ask', c + 5, 500),
  q(`${e}-B`, 'bid', 95 - c - 5, 500),
  q(`${e}-B`, 'ask', 95 - c, 500),
];

function setup(amend: boolean) {
  const clock = new ManualClock(1_000_000);
  const log = recordingLog();
  const ex = new FakeExchange();
  const inventory = new Inventory();
  const manager = new OrderManager({
    gateway: ex,
    clock,
    log,
    metrics: recordingMetrics(),
    budget: new WriteBudget(clock, 1e9, 1e9),
    clientOrderPrefix: 'kmm',
    amend,
    writeCost: 10,
    cancelCost: 2,
    onSettled: () => {},
    maxCreatesInFlight: 2,
  });
  let okCalls = Number.POSITIVE_INFINITY;
  let calls = 0;
  const tickers = ['X-A', 'X-B', 'X-C'];
  const binding: GameBinding = {
    eventTicker: 'X',
    tickers,
    exchangeIndex: () => undefined,
    orderGroupLimit: 100_000,
    risk: () => {
      if (++calls > okCalls) throw new RangeError('X-C has no contract in this game');
      return {
        now: clock.now(),
        killed: false,
        lease: null,
        stopAtMs: clock.now() + 3_600_000,
        pausedTickers: new Set(),
        tickers,
        positions: inventory.positions(tickers),
        limit: 100_000,
        lot: 100,
      };
    },
  };
  return {
    ex,
    manager,
    binding,
    log,
    throwAfter: (n: number) => {
      calls = 0;
      okCalls = n;
    },
  };
}

describe('admit: a create gate that throws', () => {
  it('still sends the plan cancels (amend off: a reprice is cancel + create)', async () => {
    const { ex, manager, binding, throwAfter } = setup(false);
    await manager.sync(binding, four('X', 40));
    await drain();
    expect(ex.orders.size).toBe(4);
    throwAfter(0); // the first create gate throws
    await Promise.resolve(manager.sync(binding, four('X', 20))).catch(() => {});
    await drain();
    // The 4 orders at the old prices must come down even though no new order could be judged.
    expect(ex.cancelRequests.length).toBeGreaterThan(0);
    expect(ex.orders.size).toBe(0);
  });

  it('sends the amends judged before it, strands nothing, and reports the refusal as gate_error', async () => {
    const { ex, manager, binding, log, throwAfter } = setup(true);
    await manager.sync(binding, four('X', 40));
    await drain();
    throwAfter(4); // the 4 amend gates pass, the create gate (new slot X-C) throws
    const report = await manager.sync(binding, [...four('X', 30), q('X-C', 'bid', 10, 500)]);
    await drain();
    expect(report.denials).toEqual([expect.objectContaining({ ticker: 'X-C', reason: 'gate_error' })]);
    expect(log.lines.filter((e) => e.level === 'error').map((e) => e.event)).toEqual(['risk_gate_error']);
    expect(ex.calls.filter((c) => c.startsWith('amend'))).toHaveLength(4);
    expect(manager.ordersOf(['X-A', 'X-B']).map((o) => o.state)).not.toContain('pending');
    throwAfter(Number.POSITIVE_INFINITY);
    await manager.cancelAll(binding); // the game's stop (the kill switch's path) takes every order down
    await drain();
    expect(ex.orders.size).toBe(0);
  });
});
