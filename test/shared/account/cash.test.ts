import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AccountReading,
  CashConfigSchema,
  cashView,
  dollarsToFloor,
  type RestingCost,
  reservedBy,
} from '../../../shared/account/cash.ts';

const dollars = (n: number) => n * 1_000_000;
const cents = (n: number) => n * 10_000;
const contracts = (n: number) => n * 100;

const reading = (over: Partial<AccountReading> = {}): AccountReading => ({
  balance: dollars(100),
  shards: [],
  positions: [],
  orders: [],
  ...over,
});

const order = fc.record({
  side: fc.constantFrom<'bid' | 'ask'>('bid', 'ask'),
  price: fc.integer({ min: 1, max: 99 }).map(cents),
  remaining: fc.integer({ min: 0, max: 50_000 }),
  exchangeIndex: fc.constantFrom(0, 1),
}) satisfies fc.Arbitrary<RestingCost>;

describe('cash tied up and buying power', () => {
  it('a bid reserves price × count, an ask (buying NO) (1 − price) × count', () => {
    expect(reservedBy({ side: 'bid', price: cents(40), remaining: contracts(10) })).toBe(dollars(4));
    expect(reservedBy({ side: 'ask', price: cents(40), remaining: contracts(10) })).toBe(dollars(6));
    expect(reservedBy({ side: 'ask', price: cents(40), remaining: 0 })).toBe(0);
  });

  it('buying power is the balance less what resting orders reserve; positions are already paid for', () => {
    const v = cashView(
      reading({
        balance: dollars(50),
        positions: [
          { ticker: 'A', position: contracts(10), exposure: dollars(4) },
          { ticker: 'B', position: -contracts(5), exposure: dollars(3) },
          { ticker: 'C', position: 0, exposure: 0 },
        ],
        orders: [
          { side: 'bid', price: cents(45), remaining: contracts(20) },
          { side: 'ask', price: cents(55), remaining: contracts(20) },
        ],
      }),
      dollarsToFloor(25),
      7,
    );
    expect(v).toMatchObject({
      atMs: 7,
      balance: dollars(50),
      inPositions: dollars(7),
      inOrders: dollars(18),
      buyingPower: dollars(32),
      floor: dollars(25),
      belowFloor: false,
      openPositions: 2,
      restingOrders: 2,
      unpricedPositions: 0,
    });
  });

  it('is below the floor once buying power is under it, not at it', () => {
    const orders: RestingCost[] = [{ side: 'bid', price: cents(50), remaining: contracts(100) }];
    expect(cashView(reading({ balance: dollars(80), orders }), dollars(30), 0).belowFloor).toBe(false);
    expect(cashView(reading({ balance: dollars(79.99), orders }), dollars(30), 0).belowFloor).toBe(true);
  });

  it('counts positions the listing gives no cost for, rather than pricing them at zero silently', () => {
    const v = cashView(
      reading({ positions: [{ ticker: 'A', position: contracts(1), exposure: null }] }),
      0,
      0,
    );
    expect(v.unpricedPositions).toBe(1);
    expect(v.inPositions).toBe(0);
  });

  it('per shard: each shard buys with its own balance (Kalshi refuses per shard)', () => {
    const v = cashView(
      reading({
        balance: dollars(100),
        shards: [
          { exchangeIndex: 0, balance: dollars(90) },
          { exchangeIndex: 1, balance: dollars(10) },
        ],
        orders: [{ side: 'bid', price: cents(50), remaining: contracts(30), exchangeIndex: 1 }],
      }),
      0,
      0,
    );
    expect(v.shards).toEqual([
      { exchangeIndex: 0, balance: dollars(90), inOrders: 0, buyingPower: dollars(90) },
      { exchangeIndex: 1, balance: dollars(10), inOrders: dollars(15), buyingPower: -dollars(5) },
    ]);
  });

  it('property: the shards add up to the account, and every reservation is within [0, count × $1]', () => {
    fc.assert(
      fc.property(
        fc.array(order, { maxLength: 30 }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 0, max: 1e9 }),
        (orders, b0, b1) => {
          const v = cashView(
            reading({
              balance: b0 + b1,
              shards: [
                { exchangeIndex: 0, balance: b0 },
                { exchangeIndex: 1, balance: b1 },
              ],
              orders,
            }),
            0,
            0,
          );
          for (const o of orders) {
            const r = reservedBy(o);
            expect(r).toBeGreaterThanOrEqual(0);
            expect(r).toBeLessThanOrEqual(o.remaining * 10_000);
            expect(Number.isInteger(r)).toBe(true);
          }
          expect(v.shards.reduce((s, x) => s + x.inOrders, 0)).toBe(v.inOrders);
          expect(v.shards.reduce((s, x) => s + x.buyingPower, 0)).toBe(v.buyingPower);
          expect(v.buyingPower).toBe(v.balance - v.inOrders);
        },
      ),
    );
  });

  it('config: defaults, and a negative floor is refused', () => {
    expect(CashConfigSchema.parse({})).toEqual({
      pollMs: 30_000,
      floorDollars: 500,
      settlementPollMs: 300_000,
      dayPnlRefreshMs: 60_000,
    });
    expect(CashConfigSchema.safeParse({ floorDollars: -1 }).success).toBe(false);
    expect(CashConfigSchema.safeParse({ floor: 1 }).success).toBe(false);
  });
});
