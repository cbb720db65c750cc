/**
 * The worker's flattener: account-wide for a lone worker (cancel-all first),
 * scoped to its own orders when other shards share the account.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import { gatewayFlattener } from '../../../worker/engine/adapters/flatten.ts';
import type { ExchangeOrder } from '../../../worker/engine/ports.ts';
import { FakeExchange } from './fake-exchange.ts';
import { drain } from './support.ts';

function order(orderId: string, clientOrderId: string | null, ticker = 'M'): ExchangeOrder {
  return { orderId, clientOrderId, ticker, side: 'bid', price: 10_000, remaining: 100, filled: 0 };
}

function rig() {
  const clock = new ManualClock(0);
  const ex = new FakeExchange();
  let cancelAllCalls = 0;
  const exchange = Object.assign(ex, {
    cancelAll: async () => {
      cancelAllCalls++;
      ex.orders.clear();
    },
  });
  for (const o of [
    order('mine-1', 'kmms0-b1-1'),
    order('mine-2', 'kmms0-b2-7'),
    order('other-shard', 'kmms1-b1-1'),
    order('manual', null),
    order('adopted', 'kmms1-b0-3', 'MINE-TICKER'),
  ])
    ex.orders.set(o.orderId, o);
  return { clock, ex: exchange, cancelAlls: () => cancelAllCalls };
}

async function flatten(clock: ManualClock, run: Promise<{ flat: boolean }>) {
  let done = false;
  void run.then(() => {
    done = true;
  });
  for (let t = 0; t < 70_000 && !done; t += 250) {
    clock.advance(250);
    await drain(3);
  }
  return run;
}

describe('gatewayFlattener', () => {
  it('alone on the account: cancel-all first, and every resting order goes', async () => {
    const { clock, ex, cancelAlls } = rig();
    const r = await flatten(clock, gatewayFlattener(ex, { clock, deadlineMs: 60_000, pauseMs: 500 })('stop'));
    expect(r.flat).toBe(true);
    expect(cancelAlls()).toBe(1);
    expect(ex.resting()).toEqual([]);
  });

  it("one shard of several: cancels only what it owns, never cancel-all, and leaves the other shards' quotes", async () => {
    const { clock, ex, cancelAlls } = rig();
    const owns = (o: Pick<ExchangeOrder, 'ticker' | 'clientOrderId'>) =>
      o.clientOrderId?.startsWith('kmms0-') === true || o.ticker === 'MINE-TICKER';
    const r = await flatten(
      clock,
      gatewayFlattener(ex, { clock, deadlineMs: 60_000, pauseMs: 500, owns })('sigterm'),
    );
    expect(r.flat).toBe(true);
    expect(cancelAlls()).toBe(0);
    expect(
      ex
        .resting()
        .map((o) => o.orderId)
        .sort(),
    ).toEqual(['manual', 'other-shard']);
  });
});
