/**
 * An ended game's strike ticker stays mapped while a ghost (size gone as fills whose messages have not
 * arrived) is still counted on it: else the late fill lands on an untracked market, outside the game's risk.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import { Inventory } from '../../../worker/engine/inventory.ts';
import { LadderRegistry } from '../../../worker/engine/ladder-registry.ts';
import { type GameBinding, OrderManager } from '../../../worker/engine/order-manager.ts';
import { WriteBudget } from '../../../worker/engine/write-budget.ts';
import { FakeExchange } from './fake-exchange.ts';
import { drain, recordingLog, recordingMetrics } from './support.ts';

describe('releaseEnded and ghosts', () => {
  it('keeps a strike whose cancelled order left a ghost (fills not yet seen)', async () => {
    const clock = new ManualClock(1_000_000);
    const ex = new FakeExchange();
    const inventory = new Inventory();
    const manager = new OrderManager({
      gateway: ex,
      clock,
      log: recordingLog(),
      metrics: recordingMetrics(),
      budget: new WriteBudget(clock, 1e9, 1e9),
      clientOrderPrefix: 'kmm',
      amend: true,
      writeCost: 10,
      cancelCost: 2,
      onSettled: () => {},
      maxCreatesInFlight: 8,
    });
    const tickers = ['SP-1'];
    const binding: GameBinding = {
      eventTicker: 'G',
      tickers,
      exchangeIndex: () => undefined,
      orderGroupLimit: 100_000,
      risk: () => ({
        now: clock.now(),
        killed: false,
        lease: null,
        stopAtMs: clock.now() + 3_600_000,
        pausedTickers: new Set(),
        tickers,
        positions: inventory.positions(tickers),
        limit: 100_000,
        lot: 100,
      }),
    };
    await manager.sync(binding, [{ ticker: 'SP-1', side: 'bid', price: 400_000, size: 500 }]);
    await drain();
    const id = [...ex.orders.keys()][0]!;
    ex.delayFills = true;
    ex.fill(id, 200); // filled on the exchange; its message is late (a feed reconnect)
    await manager.sync(binding, []); // the game's stop: cancel everything
    await drain();
    expect(manager.ordersOf(tickers)).toHaveLength(0);
    expect(manager.exposureOrders(tickers).length).toBeGreaterThan(0); // the ghost: 200 still ours
    const gameOfTicker = new Map([['SP-1', 'G']]);
    const core = {
      games: new Map([['G', { closed: true, stopAtMs: null }]]),
      ports: { clock },
      manager,
      inventory,
      gameOfTicker,
    };
    const reg = new LadderRegistry(core as never);
    (reg as unknown as { strikesOf: Map<string, Set<string>> }).strikesOf.set('G', new Set(['SP-1']));
    reg.releaseEnded();
    // The late fill of 200 is still the game's: SP-1 must stay mapped until the ghost is consumed.
    expect(gameOfTicker.get('SP-1')).toBe('G');
  });
});
