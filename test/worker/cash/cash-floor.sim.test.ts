/**
 * Issue 21, cash: the whole worker over the simulated exchange on a small account. Takers hit our
 * bids until the cash runs down: the cash watch reads the balance, what positions and resting
 * orders tie up, and buying power from REST, crosses the floor (the gauge the `buying-power-low`
 * alarm watches goes under it, and the log says so once) before the exchange refuses a create, and
 * the refusal then shows as the game's `insufficient-balance` quoting reason.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { START, sim, store, until, useWorkerHarness, worker } from '../worker-harness.ts';

useWorkerHarness();

const POOR_KEY = '0b0b0b0b-0000-4000-8000-00000000ca54';
const poorKeys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const dollars = (n: number) => n * 1_000_000;
const poorOrders = () => sim.admin.restingOrders('poor');
/** The harness's theo (Boston 60 %), written again with a new time. */
const THEO = {
  eventId: 'odds-bos-mil',
  sportKey: 'basketball_nba',
  homeTeam: 'Milwaukee Bucks',
  awayTeam: 'Boston Celtics',
  commenceTime: START,
  outcomes: [
    { name: 'Boston Celtics', probability: 0.6 },
    { name: 'Milwaukee Bucks', probability: 0.4 },
  ],
  method: 'test',
  booksUsed: ['pinnacle', 'draftkings', 'fanduel'],
  booksDropped: 0,
  source: 'poll' as const,
};

describe('cash × worker × simulator', () => {
  it('runs the balance down: buying power crosses the floor first, then a refused create shows as insufficient-balance', async () => {
    sim.registerKey(POOR_KEY, poorKeys.publicKey, 'poor');
    sim.admin.deposit('poor', dollars(30));
    const log: Record<string, unknown>[] = [];
    const w = await worker(
      log,
      {
        cash: { pollMs: 100, floorDollars: 15 },
        theoPollMs: 100,
        limits: { default: { cap: 20_000, floor: 20_000, liquidityShare: 0 }, sports: {} },
      },
      {
        kalshi: {
          restBaseUrl: sim.restBaseUrl,
          wsUrl: sim.wsUrl,
          keyId: POOR_KEY,
          privateKeyPem: poorKeys.privateKey,
        },
      },
    );
    await until(() => poorOrders().length === 4, 'four resting quotes');
    // The watch's figures are the exchange's: balance, reservations of the resting quotes, buying power.
    await until(() => (w.cash.state().view?.restingOrders ?? 0) === 4, 'a reading with the four quotes');
    const first = w.cash.state().view!;
    expect(first.balance).toBe(sim.admin.totalBalance('poor'));
    expect(first.buyingPower).toBe(sim.admin.availableBalance('poor', 0));
    expect(first.inOrders).toBeGreaterThan(0);
    expect(first.belowFloor).toBe(false);

    // Takers sell into our Boston bid, again and again: cash goes into the position.
    let crossedWhileQuoting = false;
    for (let hits = 0; hits < 40; hits++) {
      const game = () => w.session.snapshot().games[0];
      if (game()?.status === 'insufficient-balance') break;
      // Both bids are taken: YES Boston and YES Milwaukee bought, a flat game whose cost stays tied up
      // until settlement (Kalshi nets within a market, not across), so the cash runs out, not the limit.
      const hit = new Set<string>();
      for (const o of poorOrders().filter((x) => x.side === 'bid' && x.remaining > 0)) {
        hit.add(o.orderId);
        sim.admin.placeOrder('other', {
          ticker: o.ticker,
          side: 'ask',
          price: o.price,
          count: o.remaining,
          timeInForce: 'immediate_or_cancel',
          selfTradePrevention: 'taker_at_cross',
        });
      }
      // A fresh theo each round: the quoter's sweep guard (no re-bid after a side is swept, until the
      // next theo) would otherwise stop the bids long before the cash runs out.
      await store.theos.put({ ...THEO, asOf: Date.now() });
      // The round is over when the worker has answered it (a new bid resting, or the refusal), not
      // after a fixed 400 ms: a loaded machine spent the 40 rounds before the cash ran out.
      await until(
        () =>
          game()?.status === 'insufficient-balance' ||
          poorOrders().some((x) => x.side === 'bid' && x.remaining > 0 && !hit.has(x.orderId)),
        'a new bid after the hit, or the refusal',
      );
      await w.cash.poll();
      const v = w.cash.state().view!;
      if (v.belowFloor && game()?.status !== 'insufficient-balance' && !crossedWhileQuoting) {
        crossedWhileQuoting = true;
      }
    }
    await until(
      () => w.session.snapshot().games[0]?.status === 'insufficient-balance',
      'the refusal as the game reason',
    );
    expect(crossedWhileQuoting).toBe(true);
    const last = w.cash.state().view!;
    expect(last.belowFloor).toBe(true);
    expect(last.inPositions).toBeGreaterThan(0);
    expect(log.filter((e) => e.event === 'buying_power_below_floor')).toHaveLength(1);
    expect(w.session.killSwitch.tripped).toBe(false);
  }, 60_000);
});
