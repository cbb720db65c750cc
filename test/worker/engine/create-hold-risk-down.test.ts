/**
 * The create queue's hold (create-queue.ts) and the writes that take risk down. A game whose starved
 * create found no tokens keeps one create's tokens from the other games' amends and newer creates; and a
 * game's starved creates go before its amends that improve a price. Neither may keep a price the new
 * theo no longer pays for resting, nor a size the quoter wants smaller: an amend that pulls a price back
 * and a decrease only take risk down, as a cancel does.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import { CREATE_STARVED_GAUGE_MS, STARVED_AFTER_MS } from '../../../worker/engine/create-queue.ts';
import { type GameBinding, OrderManager } from '../../../worker/engine/order-manager.ts';
import type { DesiredQuote } from '../../../worker/engine/ports.ts';
import { WriteBudget } from '../../../worker/engine/write-budget.ts';
import { FakeExchange } from './fake-exchange.ts';
import { drain, recordingLog, recordingMetrics, unlimitedBinding } from './support.ts';

function rig() {
  const clock = new ManualClock(1_000_000);
  const ex = new FakeExchange();
  const budget = new WriteBudget(clock, 10, 20); // 10 tokens/s at 10 a write: one write a second
  const manager = new OrderManager({
    gateway: ex,
    clock,
    log: recordingLog(),
    metrics: recordingMetrics(),
    budget,
    clientOrderPrefix: 'kmm',
    amend: true,
    writeCost: 10,
    cancelCost: 2,
    onSettled: () => {},
  });
  const binding = (game: string, tickers: string[]): GameBinding => unlimitedBinding(clock, game, tickers);
  /** Spends every whole token: the bucket is empty until the clock moves. */
  const empty = () => {
    while (budget.tryTake(1));
  };
  /** Game A's create starved and unpaid: A holds one create's tokens from every other game. */
  const holdForA = async () => {
    const a = binding('A', ['A-0']);
    empty();
    await manager.sync(a, [bid('A-0', 25)]);
    clock.advance(STARVED_AFTER_MS + 1_000);
    empty();
    await manager.sync(a, [bid('A-0', 25)]);
    expect(manager.createQueue.heldFor('B', clock.now())).toBe('A');
  };
  return { clock, ex, manager, binding, empty, holdForA, budget };
}

const bid = (ticker: string, cents: number, size = 100): DesiredQuote => ({
  ticker,
  side: 'bid',
  price: cents * 10_000,
  size,
});

describe('the create queue never keeps risk resting that the quoter takes down', () => {
  it("another game's hold does not keep a bid the theo no longer pays for: its amend down goes with one write's tokens", async () => {
    const r = rig();
    const b = r.binding('B', ['B-0']);
    await r.manager.sync(b, [bid('B-0', 30)]);
    await drain();
    await r.holdForA();
    r.clock.advance(1_000); // one write's tokens
    await r.manager.sync(b, [bid('B-0', 28)]); // B's theo fell: its bid must come down
    await drain();
    const resting = [...r.ex.orders.values()];
    expect(resting.find((o) => o.ticker === 'B-0')?.price).toBe(28 * 10_000);
    expect(resting.some((o) => o.ticker === 'A-0')).toBe(false); // A's create waits for the next tokens
  });

  it("a write deferred only for another game's hold retries once the budget can pay it past the hold, not at once", async () => {
    const r = rig();
    const b = r.binding('B', ['B-0']);
    await r.holdForA();
    r.clock.advance(1_000); // one write's tokens: kept for A
    const report = await r.manager.sync(b, [bid('B-0', 25)]);
    expect(report.deferred).toBe(1);
    // A retry at 1 ms found the same tokens kept for A: the game requoted every millisecond until they were taken.
    expect(report.retryAfterMs).toBeGreaterThanOrEqual(r.budget.waitMs(20));
    expect(report.retryAfterMs).toBeGreaterThan(500);
  });

  it("a decrease goes before the game's starved create: the size the quoter took down does not rest while a new quote is added", async () => {
    const r = rig();
    const g = r.binding('G', ['G-0', 'G-1']);
    await r.manager.sync(g, [bid('G-0', 30, 300)]);
    await drain();
    r.empty();
    await r.manager.sync(g, [bid('G-0', 30, 300), bid('G-1', 25)]); // G-1 waits for the budget
    await drain();
    r.clock.advance(STARVED_AFTER_MS + 1_000); // G-1 is starved now
    r.empty();
    r.clock.advance(1_000); // one write's tokens
    await r.manager.sync(g, [bid('G-0', 30, 100), bid('G-1', 25)]); // G-0 is to rest 1 contract, not 3
    await drain();
    const resting = [...r.ex.orders.values()];
    expect(resting.find((o) => o.ticker === 'G-0')?.remaining).toBe(100);
    expect(resting.some((o) => o.ticker === 'G-1')).toBe(false);
  });

  it('a side waiting on an order group that cannot be created counts as starved (CreatesStarved), as one waiting on a tripped group does', async () => {
    const r = rig();
    r.ex.failGroups = 1_000;
    const g = r.binding('G', ['G-0']);
    for (let t = 0; t <= CREATE_STARVED_GAUGE_MS + 5_000; t += 1_000) {
      const report = await r.manager.sync(g, [bid('G-0', 25)]);
      expect(report.writes).toBe(0);
      r.clock.advance(1_000);
    }
    expect(r.ex.created).toEqual([]);
    expect(r.manager.createQueue.starved(r.clock.now(), CREATE_STARVED_GAUGE_MS)).toBe(1);
  });
});
