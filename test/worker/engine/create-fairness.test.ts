/**
 * Liveness under a tight write budget (issue #17: a far NFL total strike that never got an order). The
 * gate spends the budget on a game's amends first and then on its creates in plan order, so once the
 * resting orders reprice on every requote the budget left for creates went to the first markets of the
 * plan and the last one (the top of a total ladder) waited for ever, with no refusal to explain it; a
 * busy game, requoting on every book change, took the tokens before a quieter one's retry came.
 *
 * Now every market side that wants an order gets one in bounded time (create-queue.ts): creates go oldest
 * waiting first, one that has waited past `STARVED_AFTER_MS` before the game's amends, and a game with such
 * a create keeps one create's tokens from the others until it takes them. The budget still holds.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import {
  CREATE_STARVED_GAUGE_MS,
  CreateQueue,
  HOLD_LAPSES_MS,
  STARVED_AFTER_MS,
} from '../../../worker/engine/create-queue.ts';
import { type GameBinding, OrderManager } from '../../../worker/engine/order-manager.ts';
import type { BookSide, DesiredQuote } from '../../../worker/engine/ports.ts';
import { WriteBudget } from '../../../worker/engine/write-budget.ts';
import { FakeExchange } from './fake-exchange.ts';
import { drain, recordingLog, recordingMetrics, unlimitedBinding } from './support.ts';

const MARKETS = 8;
const tickersOf = (game: string) => Array.from({ length: MARKETS }, (_, i) => `${game}-${i}`);

/** Every side of every market of the game, a cent apart from one requote to the next (each rests an amend). */
function desired(game: string, step: number): DesiredQuote[] {
  const wobble = step % 2;
  return tickersOf(game).flatMap((t, i) => [
    { ticker: t, side: 'bid' as BookSide, price: (20 + i + wobble) * 10_000, size: 100 },
    { ticker: t, side: 'ask' as BookSide, price: (40 + i + wobble) * 10_000, size: 100 },
  ]);
}

function rig(tokensPerSec: number) {
  const clock = new ManualClock(1_000_000);
  const ex = new FakeExchange();
  const budget = new WriteBudget(clock, tokensPerSec, 20);
  const spent: number[] = [];
  const take = budget.tryTake.bind(budget);
  budget.tryTake = (cost: number) => {
    const ok = take(cost);
    if (ok) spent.push(clock.now());
    return ok;
  };
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
  const binding = (game: string): GameBinding => unlimitedBinding(clock, game, tickersOf(game));
  /** ticker:side → when an order of ours first rested there (virtual ms after the start). */
  const firstResting = new Map<string, number>();
  const start = clock.now();
  const observe = () => {
    for (const o of ex.orders.values())
      if (!firstResting.has(`${o.ticker}:${o.side}`))
        firstResting.set(`${o.ticker}:${o.side}`, clock.now() - start);
  };
  return { clock, ex, manager, binding, firstResting, observe, spent, start, budget };
}

describe('create fairness: every market side that wants an order gets one under a tight budget', () => {
  it('two games, 32 sides, 2 writes/s, a busy game requoting every 250 ms and a quiet one every 2 s: every side rests within 60 virtual s', async () => {
    const r = rig(20); // 20 tokens/s at 10 a write: 2 writes/s, the bucket holds 2
    const busy = r.binding('BUSY');
    const quiet = r.binding('QUIET');
    for (let step = 0; step < 240; step++) {
      r.clock.advance(250);
      await r.manager.sync(busy, desired('BUSY', step));
      if (step % 8 === 0) await r.manager.sync(quiet, desired('QUIET', step >> 3));
      await drain();
      r.observe();
    }
    const want = ['BUSY', 'QUIET'].flatMap((g) => tickersOf(g).flatMap((t) => [`${t}:bid`, `${t}:ask`]));
    const missing = want.filter((k) => !r.firstResting.has(k));
    expect(missing).toEqual([]);
    // The budget held: never more writes than the bucket's capacity plus its refill since the start.
    r.spent.forEach((t, i) => {
      expect(i + 1).toBeLessThanOrEqual(2 + Math.floor(((t - r.start) * 20) / 1000 / 10));
    });
  });

  it('orders a game plan oldest waiting first, and names a create starved once it waited STARVED_AFTER_MS', () => {
    const q = new CreateQueue();
    const c = (ticker: string) => ({ ticker, side: 'bid' as BookSide });
    q.wanted('G', [c('A')], 0);
    q.wanted('G', [c('B'), c('A')], 500);
    q.wanted('G', [c('C'), c('B'), c('A')], 1_000);
    const { starved, rest } = q.ordered('G', [c('C'), c('B'), c('A')], STARVED_AFTER_MS + 500);
    expect(starved.map((x) => x.ticker)).toEqual(['A', 'B']);
    expect(rest.map((x) => x.ticker)).toEqual(['C']);
    expect(q.queued()).toBe(3);
    expect(q.starved(STARVED_AFTER_MS + 500)).toBe(2);
    // Refused by the risk gate at its last judgement: still oldest first, but not ahead of the amends.
    q.judged('G', 'A', 'bid', true);
    const after = q.ordered('G', [c('C'), c('B'), c('A')], STARVED_AFTER_MS + 500);
    expect(after.starved.map((x) => x.ticker)).toEqual(['B']);
    expect(after.rest.map((x) => x.ticker)).toEqual(['A', 'C']);
    q.judged('G', 'A', 'bid', false);
    // A side no longer wanted (it got its order, or the quoter dropped it) leaves the queue.
    q.wanted('G', [c('C')], STARVED_AFTER_MS + 1);
    expect(q.queued()).toBe(1);
    expect(q.starved(STARVED_AFTER_MS + 999)).toBe(0);
  });

  it('the CreatesStarved count leaves out a side the risk gate refused, and a forgotten game leaves the queue', () => {
    const q = new CreateQueue();
    const c = (ticker: string) => ({ ticker, side: 'ask' as BookSide });
    q.wanted('G', [c('A'), c('B')], 0);
    q.judged('G', 'A', 'ask', true); // at the game's limit: not the budget's doing
    q.judged('G', 'B', 'ask', false);
    expect(q.starved(CREATE_STARVED_GAUGE_MS)).toBe(1);
    // B counts from the plan that first wanted it: not a millisecond before it has waited the gauge's 30 s.
    expect(q.starved(CREATE_STARVED_GAUGE_MS - 1, CREATE_STARVED_GAUGE_MS)).toBe(0);
    q.sent('G', 'B', 'ask');
    expect(q.starved(CREATE_STARVED_GAUGE_MS)).toBe(0);
    expect(q.queued()).toBe(1);
    q.forget('G');
    expect(q.queued()).toBe(0);
  });

  it('a game holding the budget for its starved create is the one the others keep tokens for, oldest first, until it lapses', () => {
    const q = new CreateQueue();
    q.holdFor('A', true, 0);
    q.holdFor('B', true, 100);
    expect(q.heldFor('A', 200)).toBeNull();
    expect(q.heldFor('B', 200)).toBe('A');
    expect(q.heldFor('C', 200)).toBe('A');
    q.holdFor('A', false, 300); // A paid: B is next
    expect(q.heldFor('C', 300)).toBe('B');
    expect(q.heldFor('C', 100 + HOLD_LAPSES_MS + 1)).toBeNull();
  });

  it('an amend that pulls a price back goes before a starved create: a side without an order waits, a stale price does not', async () => {
    const r = rig(10); // 1 write/s, the bucket holds 2
    const g = r.binding('G');
    const [m0, m1] = tickersOf('G');
    const bid = (ticker: string, cents: number): DesiredQuote => ({
      ticker: ticker!,
      side: 'bid',
      price: cents * 10_000,
      size: 100,
    });
    const empty = () => {
      while (r.budget.tryTake(1));
    };
    await r.manager.sync(g, [bid(m0!, 30)]);
    await drain();
    empty();
    await r.manager.sync(g, [bid(m0!, 30), bid(m1!, 25)]); // m1 waits for the budget
    await drain();
    r.clock.advance(STARVED_AFTER_MS + 1_000); // m1 is starved now
    empty();
    r.clock.advance(1_000); // one write's tokens
    await r.manager.sync(g, [bid(m0!, 28), bid(m1!, 25)]); // the theo fell: m0's bid must come down
    await drain();
    const resting = [...r.ex.orders.values()];
    expect(resting.find((o) => o.ticker === m0)?.price).toBe(28 * 10_000);
    expect(resting.some((o) => o.ticker === m1)).toBe(false);
  });
});
