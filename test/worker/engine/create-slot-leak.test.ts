// A throw between CreateSlots.tryTake (order-gate.ts admit) and the send must give the slot back: else every game stops creating.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import { SLOT_BACKSTOP_MS } from '../../../worker/engine/create-slots.ts';
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
const four = (e: string) => [
  q(`${e}-A`, 'bid', 40, 500),
  q(`${e}-A`, 'ask', 45, 500),
  q(`${e}-B`, 'bid', 55, 500),
  q(`${e}-B`, 'ask', 60, 500),
];

describe('create slots after a throw', () => {
  it('a requote whose create gate throws gives its slot back (else every game stops creating)', async () => {
    const clock = new ManualClock(1_000_000);
    const ex = new FakeExchange();
    const inventory = new Inventory();
    const settled: string[] = [];
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
      onSettled: (g) => settled.push(g),
      maxCreatesInFlight: 2,
    });
    const binding = (e: string, throws: boolean): GameBinding => {
      const tickers = [`${e}-A`, `${e}-B`];
      return {
        eventTicker: e,
        tickers,
        exchangeIndex: () => undefined,
        orderGroupLimit: 100_000,
        risk: () => {
          // Stands for any throw in the create loop: game.risk(), gate() (ladder-risk gameBook / payoff
          // validate RangeErrors), nextClientOrderId, store.add.
          if (throws) throw new RangeError('X-1 has no contract in this game');
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
    };
    // Two requotes of a broken game (say two book changes).
    // (the gate's throw is a gate_error refusal since admit-throw.test.ts; the slot must come back either way)
    for (let i = 0; i < 2; i++) {
      const r = await manager.sync(binding('X', true), four('X'));
      expect(r.denials.map((d) => d.reason)).toEqual([
        'gate_error',
        'gate_error',
        'gate_error',
        'gate_error',
      ]);
    }
    await drain();
    clock.advance(SLOT_BACKSTOP_MS * 3);
    await drain();
    // Nothing is in flight on the wire ...
    expect(ex.created).toHaveLength(0);
    expect(manager.writesInFlight()).toBe(0);
    // ... so a healthy game must be able to create.
    const r = await manager.sync(binding('H', false), four('H'));
    expect(manager.slots.taken()).toBe(0);
    expect(r).toMatchObject({ writes: 4 });
    expect(ex.created).toHaveLength(4);
  });
});
