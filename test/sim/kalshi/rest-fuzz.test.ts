/**
 * Hostile input never crashes the simulator and never moves money: every
 * refusal is a 4xx with Kalshi's error shape naming what was wrong.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeApiError } from '../../../shared/kalshi/schemas/rest.ts';
import { SteppedClock } from '../../../sim/clock.ts';
import { KalshiEngine } from '../../../sim/kalshi/engine.ts';
import { Faults } from '../../../sim/kalshi/faults.ts';
import { RateLimiter } from '../../../sim/kalshi/ratelimit.ts';
import { handleRest, type RestContext } from '../../../sim/kalshi/rest.ts';

const TICKER = 'KXNBAGAME-26NOV14BOSMIL-BOS';

function context(): RestContext {
  const engine = new KalshiEngine({ clock: new SteppedClock(Date.UTC(2026, 10, 14)), seed: 1 });
  engine.createSeries({ ticker: 'KXNBAGAME', title: 'NBA', feeType: 'quadratic_with_maker_fees' });
  engine.createEvent({
    eventTicker: 'KXNBAGAME-26NOV14BOSMIL',
    seriesTicker: 'KXNBAGAME',
    title: 'BOS at MIL',
  });
  engine.createMarket({
    ticker: TICKER,
    eventTicker: 'KXNBAGAME-26NOV14BOSMIL',
    title: 'Winner?',
    yesSubTitle: 'Boston',
    openTimeMs: 0,
    closeTimeMs: Date.UTC(2027, 0, 1),
    status: 'active',
  });
  engine.deposit('maker', 100 * 1_000_000);
  engine.deposit('other', 100 * 1_000_000);
  engine.placeOrder('other', {
    ticker: TICKER,
    side: 'ask',
    price: 600_000,
    count: 500,
    timeInForce: 'good_till_canceled',
    selfTradePrevention: 'maker',
  });
  return { engine, faults: new Faults(), limiter: new RateLimiter({ enabled: false }), later: () => {} };
}

const wireValue = fc.oneof(
  fc.constantFrom('0.5000', '0.6000', '1.0000', '0', '-1', '10.00', '0.001', 'NaN', '', '1e3', '0.45001'),
  fc.integer({ min: -5, max: 200 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 8 }),
);

const validOrder = fc.record({
  ticker: fc.constant(TICKER),
  side: fc.constantFrom('bid', 'ask'),
  count: fc.constantFrom('1.00', '2', '0.50'),
  price: fc.constantFrom('0.5000', '0.6000', '0.61'),
  time_in_force: fc.constantFrom('good_till_canceled', 'immediate_or_cancel', 'fill_or_kill'),
  self_trade_prevention_type: fc.constantFrom('taker_at_cross', 'maker'),
});

const body = fc.record(
  {
    ticker: fc.oneof(fc.constant(TICKER), fc.constant('NOPE'), fc.string({ maxLength: 5 })),
    side: fc.oneof(fc.constantFrom('bid', 'ask', 'yes', 'BID'), wireValue),
    count: wireValue,
    price: wireValue,
    time_in_force: fc.oneof(
      fc.constantFrom('good_till_canceled', 'immediate_or_cancel', 'fill_or_kill', 'gtc'),
      wireValue,
    ),
    self_trade_prevention_type: fc.oneof(fc.constantFrom('taker_at_cross', 'maker', 'none'), wireValue),
    client_order_id: fc.oneof(fc.string({ maxLength: 200 }), wireValue),
    post_only: fc.oneof(fc.boolean(), wireValue),
    expiration_time: wireValue,
    exchange_index: wireValue,
    order_group_id: wireValue,
  },
  { requiredKeys: [] },
);

describe('REST input hardening', () => {
  it('create-order: any body gets 201 or a named 4xx; refusals leave cash and the book untouched', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(validOrder, body, fc.anything()), (b) => {
        const ctx = context();
        const before = ctx.engine.totalBalance('maker');
        const book = JSON.stringify(ctx.engine.book(TICKER));
        const res = handleRest(ctx, {
          method: 'POST',
          path: '/portfolio/events/orders',
          query: new URLSearchParams(),
          body: b,
          userId: 'maker',
        });
        if (res.status === 201) {
          accepted++;
          return;
        }
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        const e = normalizeApiError(res.body);
        expect(e.code).toBeTruthy();
        expect(e.message).toBeTruthy();
        expect(ctx.engine.totalBalance('maker')).toBe(before);
        expect(JSON.stringify(ctx.engine.book(TICKER))).toBe(book);
        expect(ctx.engine.orders('maker')).toEqual([]);
      }),
      { numRuns: 400 },
    );
    expect(accepted).toBeGreaterThan(0); // the generator reaches valid orders too
  });

  it('every route answers hostile queries and bodies without a 5xx', () => {
    const paths = [
      ['GET', '/markets'],
      ['GET', '/events'],
      ['GET', `/markets/${TICKER}/orderbook`],
      ['GET', '/portfolio/orders'],
      ['GET', '/portfolio/fills'],
      ['GET', '/portfolio/positions'],
      ['POST', '/portfolio/events/orders/batched'],
      ['DELETE', '/portfolio/events/orders/batched'],
      ['POST', '/portfolio/events/orders/x/amend'],
      ['POST', '/portfolio/events/orders/x/decrease'],
      ['POST', '/portfolio/order_groups/create'],
      ['PUT', '/portfolio/order_groups/x/limit'],
      ['POST', '/portfolio/intra_exchange_instance_transfer'],
    ] as const;
    const query = fc.dictionary(
      fc.constantFrom('limit', 'cursor', 'status', 'depth', 'min_ts', 'tickers', 'with_nested_markets'),
      fc.oneof(fc.string({ maxLength: 6 }), fc.integer().map(String)),
    );
    fc.assert(
      fc.property(fc.constantFrom(...paths), query, fc.anything(), ([method, path], q, b) => {
        const ctx = context();
        const res = handleRest(ctx, {
          method,
          path,
          query: new URLSearchParams(q),
          body: b,
          userId: 'maker',
        });
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });
});
