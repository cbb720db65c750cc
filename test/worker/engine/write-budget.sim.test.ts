/**
 * One write budget: the engine spends the REST client's own write bucket, sized from the
 * exchange's `GET /account/limits` (here the simulated exchange over loopback), and a write the
 * engine decided is paid once — by its reservation — not once in an engine mirror and again in
 * the limiter the request waits on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../../shared/clock.ts';
import { KalshiRateLimiter } from '../../../shared/kalshi/rate-limiter.ts';
import { KalshiRestClient } from '../../../shared/kalshi/rest-client.ts';
import { WriteBudget } from '../../../worker/engine/write-budget.ts';
import { signer, startSim } from '../kalshi/sim-setup.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** The simulated exchange on a write tier of 3 creates (30 tokens, 10 a second), and a client on it. */
async function setup() {
  const sim = await startSim({ limits: { write: { refillRate: 10, capacity: 30 } } });
  // The limiter's clock stands still: no refill happens while the test runs (signatures use the wall).
  const clock = new ManualClock(1_000_000);
  const rest = new KalshiRestClient({
    baseUrl: sim.restBaseUrl,
    signer,
    clock: systemClock,
    limiter: new KalshiRateLimiter(clock),
  });
  cleanups.push(async () => {
    await rest.close();
    await sim.close();
  });
  await rest.configureLimiter();
  const limiter = rest.limiter;
  if (!limiter) throw new Error('the client has a limiter');
  return { clock, rest, limiter, budget: new WriteBudget(limiter) };
}

describe('the one write budget', () => {
  it("is sized from the exchange's /account/limits, not from the engine's config", async () => {
    const { budget } = await setup();
    expect(budget.available()).toBe(30);
    expect([1, 2, 3, 4].map(() => budget.tryTake(10))).toEqual([true, true, true, false]);
    expect(budget.waitMs(10)).toBe(1_000); // 10 tokens at 10 a second
  });

  it('a write the engine reserved is paid once: its request spends the reservation', async () => {
    const { rest, limiter, budget } = await setup();
    expect(budget.tryTake(10)).toBe(true);
    await rest.createOrderGroup({ contracts_limit: 100 });
    expect(limiter.snapshot().write.tokens).toBe(20);
    expect(budget.tryTake(10)).toBe(true);
    expect(budget.tryTake(10)).toBe(true);
    expect(budget.tryTake(10)).toBe(false);
  });

  it("a write the engine did not decide (group upkeep, reconciliation) leaves the engine's budget smaller", async () => {
    const { rest, budget } = await setup();
    await rest.createOrderGroup({ contracts_limit: 100 });
    await rest.createOrderGroup({ contracts_limit: 100 });
    expect(budget.available()).toBe(10);
    expect(budget.tryTake(10)).toBe(true);
    expect(budget.tryTake(10)).toBe(false);
  });

  it("the exchange's 429 empties the engine's budget too, and a cancel still goes into debt", async () => {
    const { limiter, budget } = await setup();
    limiter.drain('write');
    expect(budget.tryTake(10)).toBe(false);
    budget.force(2);
    expect(budget.available()).toBe(-2);
    expect(budget.waitMs(10)).toBe(1_200);
  });

  it('without a REST client, a standalone bucket of the configured size', () => {
    const clock = new ManualClock(0);
    const budget = new WriteBudget(clock, 10, 20);
    expect([1, 2, 3].map(() => budget.tryTake(10))).toEqual([true, true, false]);
    clock.advance(1_000);
    expect(budget.tryTake(10)).toBe(true);
  });
});
