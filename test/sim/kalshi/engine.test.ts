import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SteppedClock } from '../../../sim/clock.ts';
import { ExchangeError, KalshiEngine } from '../../../sim/kalshi/engine.ts';
import { feeMicros } from '../../../sim/kalshi/fees.ts';
import type { EngineEvent, OrderRequest } from '../../../sim/kalshi/types.ts';

const T0 = Date.UTC(2026, 10, 14, 21, 0, 0);
const BOS = 'KXNBAGAME-26NOV14BOSMIL-BOS';
const MIL = 'KXNBAGAME-26NOV14BOSMIL-MIL';
const C = 100; // one contract in Centis
const c = (cents: number) => cents * 10_000; // cents → Micros

function setup(feeType: 'quadratic' | 'quadratic_with_maker_fees' = 'quadratic_with_maker_fees') {
  const clock = new SteppedClock(T0);
  const engine = new KalshiEngine({ clock, seed: 7 });
  engine.createSeries({ ticker: 'KXNBAGAME', title: 'Pro Basketball Game', feeType });
  engine.createEvent({
    eventTicker: 'KXNBAGAME-26NOV14BOSMIL',
    seriesTicker: 'KXNBAGAME',
    title: 'Boston at Milwaukee',
    startTimeMs: T0 + 3 * 3600_000,
  });
  for (const [ticker, team] of [
    [BOS, 'Boston'],
    [MIL, 'Milwaukee'],
  ] as const)
    engine.createMarket({
      ticker,
      eventTicker: 'KXNBAGAME-26NOV14BOSMIL',
      title: 'Boston at Milwaukee Winner?',
      yesSubTitle: team,
      openTimeMs: T0 - 1000,
      closeTimeMs: T0 + 14 * 86_400_000,
      status: 'active',
    });
  for (const u of ['maker', 'alice', 'bob']) engine.deposit(u, 1_000 * 1_000_000);
  return { clock, engine };
}

const gtc = (
  side: 'bid' | 'ask',
  cents: number,
  contracts: number,
  extra: Partial<OrderRequest> = {},
): OrderRequest => ({
  ticker: BOS,
  side,
  price: c(cents),
  count: contracts * C,
  timeInForce: 'good_till_canceled',
  selfTradePrevention: 'taker_at_cross',
  ...extra,
});

function expectRefusal(fn: () => unknown, status: number, code: string) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ExchangeError);
    expect((e as ExchangeError).status).toBe(status);
    expect((e as ExchangeError).code).toBe(code);
    return;
  }
  throw new Error('expected a refusal');
}

describe('fees', () => {
  it("matches Kalshi's formula, rounded up to $0.0001", () => {
    // The sample fill: maker 10 @ 0.44 on a maker-fee series → 0.0175·10·0.44·0.56 = 0.04312 → $0.0432
    expect(feeMicros('quadratic_with_maker_fees', 1, false, c(44), 10 * C)).toBe(43_200);
    // One taker contract at 50¢: 0.07·0.25 = 0.0175
    expect(feeMicros('quadratic', 1, true, c(50), C)).toBe(17_500);
    expect(feeMicros('quadratic', 1, false, c(50), C)).toBe(0);
    expect(feeMicros('quadratic', 1, true, c(50), C, 10_000)).toBe(20_000);
    expect(feeMicros('quadratic_with_combo_maker_fees', 0.5, false, c(50), 100 * C)).toBe(437_500);
  });

  it('is never negative and never below the exact fee', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          'quadratic',
          'quadratic_with_maker_fees',
          'quadratic_with_combo_maker_fees',
          'flat' as const,
        ),
        fc.boolean(),
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (type, taker, p100, count) => {
          const price = p100 * 100;
          const fee = feeMicros(type, 1, taker, price, count);
          expect(fee).toBeGreaterThanOrEqual(0);
          expect(fee % 100).toBe(0);
          const rate = taker
            ? 0.07
            : {
                quadratic: 0,
                flat: 0,
                quadratic_with_maker_fees: 0.0175,
                quadratic_with_combo_maker_fees: 0.035,
              }[type];
          const exact = rate * (count / 100) * (price / 1e6) * (1 - price / 1e6) * 1e6;
          expect(fee).toBeGreaterThanOrEqual(exact - 1e-6);
          expect(fee).toBeLessThan(exact + 100 + 1e-6);
        },
      ),
    );
  });
});

describe('matching', () => {
  it('fills at the maker price, price-time priority, partial fills', () => {
    const { engine } = setup();
    const a1 = engine.placeOrder('alice', gtc('ask', 46, 5));
    const b1 = engine.placeOrder('bob', gtc('ask', 46, 5));
    engine.placeOrder('bob', gtc('ask', 45, 3));
    const take = engine.placeOrder('maker', gtc('bid', 47, 6, { timeInForce: 'immediate_or_cancel' }));
    // 3 @ 45 first (better price), then 3 of alice's (earlier at 46), bob's 46 untouched
    expect(take.fills.map((f) => [f.price, f.count])).toEqual([
      [c(45), 3 * C],
      [c(46), 3 * C],
    ]);
    expect(take.order.status).toBe('executed');
    expect(take.averageFillPrice).toBe(c(45.5));
    expect(engine.order(a1.order.orderId)?.remaining).toBe(2 * C);
    expect(engine.order(b1.order.orderId)?.remaining).toBe(5 * C);
    expect(engine.book(BOS).asks).toEqual([[c(46), 7 * C]]);
    expect(engine.position('maker', BOS)?.position).toBe(6 * C);
    expect(engine.position('alice', BOS)?.position).toBe(-3 * C);
  });

  it('rests the unfilled part of a GTC order and cancels the rest of an IOC', () => {
    const { engine } = setup();
    engine.placeOrder('alice', gtc('ask', 50, 2));
    const g = engine.placeOrder('maker', gtc('bid', 50, 5));
    expect(g.order).toMatchObject({ status: 'resting', filled: 2 * C, remaining: 3 * C });
    expect(engine.book(BOS).bids).toEqual([[c(50), 3 * C]]);
    engine.placeOrder('alice', gtc('bid', 40, 2));
    const i = engine.placeOrder('bob', gtc('ask', 40, 10, { timeInForce: 'immediate_or_cancel' }));
    expect(i.order).toMatchObject({ status: 'canceled', filled: 5 * C, remaining: 0 });
    expect(engine.book(BOS)).toEqual({ bids: [], asks: [] });
  });

  it('kills a FOK order that cannot fill completely, without trading', () => {
    const { engine } = setup();
    engine.placeOrder('alice', gtc('ask', 50, 2));
    const f = engine.placeOrder('maker', gtc('bid', 50, 3, { timeInForce: 'fill_or_kill' }));
    expect(f.fills).toEqual([]);
    expect(f.order.status).toBe('canceled');
    expect(engine.book(BOS).asks).toEqual([[c(50), 2 * C]]);
    const ok = engine.placeOrder('maker', gtc('bid', 50, 2, { timeInForce: 'fill_or_kill' }));
    expect(ok.order.status).toBe('executed');
  });

  it('cancels a post-only order that would cross (PostOnlyCrossCancel); refuses off-grid prices, duplicate client ids', () => {
    const { engine } = setup();
    engine.placeOrder('alice', gtc('ask', 50, 2));
    const crossing = engine.placeOrder('maker', gtc('bid', 50, 1, { postOnly: true }));
    expect(crossing.order).toMatchObject({
      status: 'canceled',
      remaining: 0,
      lastUpdateReason: 'PostOnlyCrossCancel',
    });
    expect(crossing.fills).toEqual([]);
    expect(engine.book(BOS).asks).toEqual([[c(50), 2 * C]]);
    expect(engine.placeOrder('maker', gtc('bid', 49, 1, { postOnly: true })).order.status).toBe('resting');
    expectRefusal(
      () => engine.placeOrder('maker', { ...gtc('bid', 49, 1), price: 495_000 }),
      400,
      'invalid_price',
    );
    expectRefusal(() => engine.placeOrder('maker', gtc('bid', 100, 1)), 400, 'invalid_price');
    engine.placeOrder('maker', gtc('bid', 30, 1, { clientOrderId: 'x1' }));
    expectRefusal(
      () => engine.placeOrder('maker', gtc('bid', 31, 1, { clientOrderId: 'x1' })),
      409,
      'order_already_exists',
    );
    // another user may use the same client id
    expect(engine.placeOrder('bob', gtc('bid', 31, 1, { clientOrderId: 'x1' })).order.clientOrderId).toBe(
      'x1',
    );
  });

  it('honours a finer tick grid (deci-cent) after a structure change', () => {
    const { engine } = setup();
    const events: EngineEvent[] = [];
    engine.subscribe((e) => events.push(e));
    engine.setPriceRanges(BOS, 'deci_cent', [{ start: 0, end: 1_000_000, step: 1_000 }]);
    expect(events.at(-1)).toMatchObject({ type: 'lifecycle', eventType: 'price_level_structure_updated' });
    expect(engine.placeOrder('maker', { ...gtc('bid', 49, 1), price: 495_000 }).order.price).toBe(495_000);
  });

  it('a tapered grid: 0.1¢ steps in the tails, 1¢ in the middle', () => {
    const { engine } = setup();
    engine.setPriceRanges(MIL, 'tapered_deci_cent', [
      { start: 0, end: 100_000, step: 1_000 },
      { start: 100_000, end: 900_000, step: 10_000 },
      { start: 900_000, end: 1_000_000, step: 1_000 },
    ]);
    const at = (price: number) => () =>
      engine.placeOrder('maker', { ...gtc('bid', 1, 1), ticker: MIL, price });
    expect(at(95_000)().order.price).toBe(95_000);
    expect(at(100_000)().order.price).toBe(100_000);
    expect(at(550_000)().order.price).toBe(550_000);
    expect(at(901_000)().order.price).toBe(901_000);
    expectRefusal(at(105_000), 400, 'invalid_price');
    expectRefusal(at(555_000), 400, 'invalid_price');
    expectRefusal(at(1_000_000), 400, 'invalid_price');
  });

  it('self-trade prevention: taker_at_cross cancels the taker, maker cancels the resting order', () => {
    const { engine } = setup();
    const own = engine.placeOrder('maker', gtc('ask', 50, 2));
    const t = engine.placeOrder('maker', gtc('bid', 50, 1));
    expect(t.order).toMatchObject({ status: 'canceled', lastUpdateReason: 'SelfTradeCancel', filled: 0 });
    expect(engine.order(own.order.orderId)?.status).toBe('resting');
    engine.placeOrder('alice', gtc('ask', 50, 1));
    const m = engine.placeOrder('maker', gtc('bid', 50, 3, { selfTradePrevention: 'maker' }));
    expect(engine.order(own.order.orderId)).toMatchObject({
      status: 'canceled',
      lastUpdateReason: 'SelfTradeCancel',
    });
    expect(m.fills.map((f) => f.count)).toEqual([C]);
    expect(m.order).toMatchObject({ status: 'resting', remaining: 2 * C });
  });

  it('charges taker and maker fees by the series fee type; fees go to the exchange', () => {
    const { engine } = setup('quadratic_with_maker_fees');
    engine.placeOrder('maker', gtc('bid', 44, 10));
    const t = engine.placeOrder('alice', gtc('ask', 44, 10));
    const [taker, maker] = t.fills.length === 1 ? [t.fills[0], engine.fills('maker')[0]] : [];
    expect(taker?.fee).toBe(feeMicros('quadratic', 1, true, c(44), 10 * C));
    expect(maker?.fee).toBe(43_200);
    expect(engine.exchangeFees()).toBe((taker?.fee ?? 0) + 43_200);
    expect(engine.totalBalance('maker')).toBe(1_000_000_000 - 4_400_000 - 43_200);
    expect(engine.totalBalance('alice')).toBe(1_000_000_000 - 5_600_000 - (taker?.fee ?? 0));
  });

  it('an event fee override replaces the series schedule', () => {
    const { engine } = setup('quadratic');
    const events: EngineEvent[] = [];
    engine.subscribe((e) => events.push(e));
    engine.setEventFeeOverride('KXNBAGAME-26NOV14BOSMIL', {
      feeType: 'quadratic_with_maker_fees',
      feeMultiplier: 0.5,
    });
    expect(events).toMatchObject([{ type: 'event_fee_update' }]);
    engine.placeOrder('maker', gtc('bid', 50, 100));
    engine.placeOrder('alice', gtc('ask', 50, 100, { timeInForce: 'immediate_or_cancel' }));
    // maker 0.0175·0.5·100·0.25 = 0.21875 → 0.2188
    expect(engine.fills('maker')[0]?.fee).toBe(218_800);
  });

  it('cent-precision members: the per-order accumulator charges many small fills like one big fill', () => {
    const clock = new SteppedClock(T0);
    const run = (fills: number) => {
      const engine = new KalshiEngine({ clock, seed: 1, feeRoundingMicros: 10_000 });
      engine.createSeries({ ticker: 'S', title: 's', feeType: 'quadratic' });
      engine.createEvent({ eventTicker: 'S-E', seriesTicker: 'S', title: 'e' });
      engine.createMarket({
        ticker: 'S-E-A',
        eventTicker: 'S-E',
        title: 't',
        yesSubTitle: 'A',
        openTimeMs: 0,
        closeTimeMs: T0 * 2,
        status: 'active',
      });
      engine.deposit('m', 1e9);
      engine.deposit('t', 1e9);
      const req = {
        ticker: 'S-E-A',
        price: c(50),
        timeInForce: 'good_till_canceled',
        selfTradePrevention: 'maker',
      } as const;
      for (let i = 0; i < fills; i++)
        engine.placeOrder('m', { ...req, side: 'ask', count: (10 / fills) * C });
      const taker = engine.placeOrder('t', { ...req, side: 'bid', count: 10 * C });
      return { total: taker.fills.reduce((s, f) => s + f.fee, 0), each: taker.fills.map((f) => f.fee) };
    };
    // 0.07·10·0.25 = 0.175 → $0.18 whether in one fill or ten (ten separate roundings would be $0.20)
    expect(run(1).total).toBe(180_000);
    expect(run(10).total).toBe(180_000);
    expect(run(10).each.every((f) => f % 10_000 === 0)).toBe(true);
  });

  it('nets YES against NO: selling what you hold releases cash', () => {
    const { engine } = setup('quadratic');
    engine.placeOrder('maker', gtc('bid', 40, 10));
    engine.placeOrder('alice', gtc('ask', 40, 10)); // maker +10 YES for $4 (maker fee 0 on this series)
    engine.placeOrder('bob', gtc('bid', 60, 10));
    engine.placeOrder('maker', gtc('ask', 60, 10, { timeInForce: 'immediate_or_cancel' }));
    const p = engine.position('maker', BOS);
    expect(p?.position).toBe(0);
    const takerFee = feeMicros('quadratic', 1, true, c(60), 10 * C);
    expect(engine.totalBalance('maker')).toBe(1_000_000_000 - 4_000_000 + 6_000_000 - takerFee);
    expect(p?.realizedPnl).toBe(2_000_000 - takerFee);
    expect(engine.market(BOS)?.openInterest).toBe(10 * C); // alice −10 vs bob +10 remain
  });

  it('refuses orders the balance cannot fund', () => {
    const { engine } = setup();
    engine.deposit('poor', 1_000_000);
    expectRefusal(() => engine.placeOrder('poor', gtc('bid', 50, 3)), 400, 'insufficient_balance');
    const one = engine.placeOrder('poor', gtc('bid', 50, 1));
    expectRefusal(() => engine.placeOrder('poor', gtc('bid', 50, 1)), 400, 'insufficient_balance');
    expectRefusal(
      () =>
        engine.amendOrder('poor', one.order.orderId, {
          ticker: BOS,
          side: 'bid',
          price: c(50),
          count: 3 * C,
        }),
      400,
      'insufficient_balance',
    );
    expect(engine.order(one.order.orderId)).toMatchObject({ status: 'resting', remaining: C });
  });

  it('amend: new total count, price change loses priority; decrease keeps it', () => {
    const { engine } = setup();
    const a = engine.placeOrder('alice', gtc('bid', 40, 5));
    const b = engine.placeOrder('bob', gtc('bid', 40, 5));
    engine.placeOrder('bob', gtc('ask', 40, 2, { timeInForce: 'immediate_or_cancel' }));
    expect(engine.order(a.order.orderId)?.filled).toBe(2 * C);
    // alice: total 4 = 2 filled + 2 remaining, same price → keeps priority
    engine.amendOrder('alice', a.order.orderId, { ticker: BOS, side: 'bid', price: c(40), count: 4 * C });
    expect(engine.queuePosition(a.order.orderId)).toBe(0);
    expect(engine.queuePosition(b.order.orderId)).toBe(2 * C);
    engine.decreaseOrder('bob', b.order.orderId, { reduceBy: C });
    expect(engine.order(b.order.orderId)?.remaining).toBe(4 * C);
    // alice moves to 41 and back to 40 → now behind bob
    engine.amendOrder('alice', a.order.orderId, { ticker: BOS, side: 'bid', price: c(41), count: 4 * C });
    engine.amendOrder('alice', a.order.orderId, { ticker: BOS, side: 'bid', price: c(40), count: 4 * C });
    expect(engine.queuePosition(a.order.orderId)).toBe(4 * C);
    engine.decreaseOrder('alice', a.order.orderId, { reduceTo: 0 });
    expect(engine.order(a.order.orderId)?.status).toBe('canceled');
    expectRefusal(
      () => engine.decreaseOrder('bob', b.order.orderId, { reduceBy: C, reduceTo: C }),
      400,
      'invalid_parameters',
    );
  });

  it('cancel reports reduced_by, 0 when nothing was left', () => {
    const { engine } = setup();
    const o = engine.placeOrder('maker', gtc('bid', 40, 5));
    expect(engine.cancelOrder('maker', o.order.orderId).reducedBy).toBe(5 * C);
    expect(engine.cancelOrder('maker', o.order.orderId).reducedBy).toBe(0);
    expectRefusal(() => engine.cancelOrder('alice', o.order.orderId), 404, 'not_found');
  });

  it('order groups cancel everything once the 15-s contracts limit is reached, and refuse until reset', () => {
    const { engine, clock } = setup();
    const g = engine.createOrderGroup('maker', 5 * C);
    engine.placeOrder('maker', gtc('bid', 40, 10, { orderGroupId: g.orderGroupId }));
    engine.placeOrder('maker', gtc('ask', 60, 10, { orderGroupId: g.orderGroupId }));
    engine.placeOrder('alice', gtc('ask', 40, 3, { timeInForce: 'immediate_or_cancel' }));
    clock.advance(16_000); // the first 3 leave the window
    engine.placeOrder('alice', gtc('ask', 40, 3, { timeInForce: 'immediate_or_cancel' }));
    expect(engine.restingOrders('maker')).toHaveLength(2);
    engine.placeOrder('alice', gtc('bid', 60, 2, { timeInForce: 'immediate_or_cancel' }));
    expect(engine.restingOrders('maker')).toHaveLength(0);
    expectRefusal(
      () => engine.placeOrder('maker', gtc('bid', 40, 1, { orderGroupId: g.orderGroupId })),
      400,
      'order_group_triggered',
    );
    engine.resetOrderGroup('maker', g.orderGroupId);
    expect(engine.placeOrder('maker', gtc('bid', 40, 1, { orderGroupId: g.orderGroupId })).order.status).toBe(
      'resting',
    );
  });

  it('an order group guards one shard: an order on a market of another shard is refused with it', () => {
    const { engine } = setup();
    const g = engine.createOrderGroup('maker', 5 * C, 1);
    expectRefusal(
      () => engine.placeOrder('maker', gtc('bid', 40, 1, { orderGroupId: g.orderGroupId })),
      400,
      'invalid_parameters',
    );
    expect(engine.restingOrders('maker')).toEqual([]);
  });

  it('an incoming order whose group trips while it trades stops and does not rest', () => {
    const { engine } = setup();
    const g = engine.createOrderGroup('maker', 5 * C);
    engine.placeOrder('alice', gtc('ask', 50, 6));
    engine.placeOrder('alice', gtc('ask', 51, 6));
    const p = engine.placeOrder('maker', gtc('bid', 51, 20, { orderGroupId: g.orderGroupId }));
    expect(p.order).toMatchObject({ status: 'canceled', filled: 6 * C, remaining: 0 });
    expect(engine.book(BOS)).toEqual({ bids: [], asks: [[c(51), 6 * C]] });
  });

  it('a pause cancels cancel_order_on_pause orders only and refuses new ones', () => {
    const { engine } = setup();
    const keep = engine.placeOrder('maker', gtc('bid', 40, 1));
    const drop = engine.placeOrder('maker', gtc('bid', 41, 1, { cancelOrderOnPause: true }));
    engine.setTradingActive(false);
    expect(engine.order(keep.order.orderId)?.status).toBe('resting');
    expect(engine.order(drop.order.orderId)?.lastUpdateReason).toBe('HaltCancel');
    expectRefusal(() => engine.placeOrder('maker', gtc('bid', 40, 1)), 409, 'trading_is_paused');
    expect(engine.cancelOrder('maker', keep.order.orderId).reducedBy).toBe(C);
  });

  it('expires GTC orders and opens/closes markets on schedule', () => {
    const { engine, clock } = setup();
    const o = engine.placeOrder('maker', gtc('bid', 40, 1, { expirationTime: Math.floor(T0 / 1000) + 60 }));
    clock.advance(61_000);
    engine.tick();
    expect(engine.order(o.order.orderId)?.lastUpdateReason).toBe('ExpiryCancel');
    engine.createMarket({
      ticker: 'KXNBAGAME-26NOV14BOSMIL-X',
      eventTicker: 'KXNBAGAME-26NOV14BOSMIL',
      title: 't',
      yesSubTitle: 'X',
      openTimeMs: clock.now() + 1000,
      closeTimeMs: clock.now() + 5000,
    });
    engine.tick();
    expect(engine.market('KXNBAGAME-26NOV14BOSMIL-X')?.status).toBe('initialized');
    clock.advance(1000);
    engine.tick();
    expect(engine.market('KXNBAGAME-26NOV14BOSMIL-X')?.status).toBe('active');
    clock.advance(4000);
    engine.tick();
    expect(engine.market('KXNBAGAME-26NOV14BOSMIL-X')?.status).toBe('closed');
  });

  it('maintenance windows pause trading on schedule and resume after', () => {
    const { engine, clock } = setup();
    engine.setMaintenanceWindows([{ startMs: T0 + 60_000, endMs: T0 + 120_000 }]);
    const keep = engine.placeOrder('maker', gtc('bid', 40, 1, { cancelOrderOnPause: true }));
    clock.advance(60_000);
    engine.tick();
    expect(engine.isTradingActive()).toBe(false);
    expect(engine.order(keep.order.orderId)?.lastUpdateReason).toBe('HaltCancel');
    expectRefusal(() => engine.placeOrder('maker', gtc('bid', 40, 1)), 409, 'trading_is_paused');
    clock.advance(60_000);
    engine.tick();
    expect(engine.isTradingActive()).toBe(true);
    expect(engine.placeOrder('maker', gtc('bid', 40, 1)).order.status).toBe('resting');
  });

  it('settles: determined cancels resting orders, then winners get $1 per contract', () => {
    const { engine, clock } = setup('quadratic');
    engine.placeOrder('maker', gtc('bid', 40, 10));
    engine.placeOrder('alice', gtc('ask', 40, 10));
    const resting = engine.placeOrder('bob', gtc('bid', 30, 1));
    const before = engine.totalBalance('maker');
    engine.determine(BOS, 'yes');
    expect(engine.order(resting.order.orderId)?.lastUpdateReason).toBe('CloseCancel');
    expectRefusal(() => engine.placeOrder('bob', gtc('bid', 30, 1)), 409, 'market_closed');
    clock.advance(300_000);
    engine.tick();
    expect(engine.market(BOS)?.status).toBe('finalized');
    expect(engine.totalBalance('maker')).toBe(before + 10_000_000);
    expect(engine.position('maker', BOS)).toMatchObject({ position: 0, realizedPnl: 6_000_000 });
    expect(engine.position('alice', BOS)?.position).toBe(0);
    expect(engine.settlements('alice')[0]?.revenue).toBe(0);
  });

  it('emits deltas per level with the cause, fills per user, order and position updates', () => {
    const { engine } = setup();
    const events: EngineEvent[] = [];
    engine.subscribe((e) => events.push(e));
    engine.placeOrder('maker', gtc('bid', 44, 10, { clientOrderId: 'mine' }));
    engine.placeOrder(
      'alice',
      gtc('ask', 44, 4, { clientOrderId: 'theirs', timeInForce: 'immediate_or_cancel' }),
    );
    const deltas = events.filter((e) => e.type === 'book_delta');
    expect(deltas).toMatchObject([
      { side: 'bid', price: c(44), delta: 10 * C, causeUserId: 'maker', causeClientOrderId: 'mine' },
      { side: 'bid', price: c(44), delta: -4 * C, causeUserId: 'alice', causeClientOrderId: 'theirs' },
    ]);
    expect(events.filter((e) => e.type === 'fill').map((e) => e.type === 'fill' && e.fill.userId)).toEqual([
      'alice',
      'maker',
    ]);
    expect(events.filter((e) => e.type === 'position')).toHaveLength(2);
    expect(
      events.some((e) => e.type === 'order' && e.order.userId === 'alice' && e.order.status === 'executed'),
    ).toBe(true);
  });
});

describe('determinism', () => {
  it('the same seed and the same order flow give the same ids, fills and books', () => {
    const run = () => {
      const { engine } = setup();
      for (let i = 0; i < 60; i++) {
        const side = i % 2 === 0 ? 'bid' : 'ask';
        try {
          engine.placeOrder(
            ['maker', 'alice', 'bob'][i % 3] ?? 'maker',
            gtc(side, 45 + ((i * 7) % 11), 1 + (i % 5)),
          );
        } catch (e) {
          if (!(e instanceof ExchangeError)) throw e;
        }
      }
      return JSON.stringify({
        fills: engine.fills(),
        book: engine.book(BOS),
        orders: engine.orders('maker'),
      });
    };
    expect(run()).toBe(run());
  });
});

describe('engine invariants under random order flow', () => {
  const op = fc.record({
    user: fc.constantFrom('u1', 'u2', 'u3'),
    kind: fc.constantFrom('place', 'place', 'place', 'cancel', 'amend', 'decrease'),
    ticker: fc.constantFrom(BOS, MIL),
    side: fc.constantFrom('bid' as const, 'ask' as const),
    cents: fc.integer({ min: 1, max: 99 }),
    count: fc.integer({ min: 1, max: 2000 }),
    tif: fc.constantFrom(
      'good_till_canceled' as const,
      'immediate_or_cancel' as const,
      'fill_or_kill' as const,
    ),
    stp: fc.constantFrom('taker_at_cross' as const, 'maker' as const),
    postOnly: fc.boolean(),
    pick: fc.nat(),
  });

  it('never rests a crossed book, conserves contracts and cash, fees ≥ 0', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), fc.boolean(), (ops, settleAtEnd) => {
        const { engine } = setup();
        const deposits = 3_000 * 1_000_000;
        for (const u of ['u1', 'u2', 'u3']) engine.deposit(u, 1_000 * 1_000_000);
        const users = ['maker', 'alice', 'bob', 'u1', 'u2', 'u3'];
        const total = 3_000 * 1_000_000 + deposits;
        for (const o of ops) {
          try {
            const mine = engine.restingOrders(o.user);
            const target = mine[o.pick % Math.max(1, mine.length)];
            if (o.kind === 'place')
              engine.placeOrder(o.user, {
                ticker: o.ticker,
                side: o.side,
                price: c(o.cents),
                count: o.count,
                timeInForce: o.tif,
                selfTradePrevention: o.stp,
                postOnly: o.postOnly,
              });
            else if (target && o.kind === 'cancel') engine.cancelOrder(o.user, target.orderId);
            else if (target && o.kind === 'decrease')
              engine.decreaseOrder(o.user, target.orderId, { reduceTo: Math.floor(target.remaining / 2) });
            else if (target && o.kind === 'amend')
              engine.amendOrder(o.user, target.orderId, {
                ticker: target.ticker,
                side: target.side,
                price: c(o.cents),
                count: target.filled + o.count,
              });
          } catch (e) {
            if (!(e instanceof ExchangeError)) throw e;
          }
          for (const t of [BOS, MIL]) {
            const { bids, asks } = engine.book(t);
            if (bids[0] && asks[0]) expect(bids[0][0]).toBeLessThan(asks[0][0]);
            for (const [, size] of [...bids, ...asks]) expect(size).toBeGreaterThan(0);
            let net = 0;
            let longs = 0;
            for (const u of users) {
              const p = engine.position(u, t)?.position ?? 0;
              net += p;
              longs += Math.max(0, p);
            }
            expect(net).toBe(0); // every YES has a NO on the other side
            // the aggregated book is exactly the resting orders
            const resting = users.flatMap((u) => engine.restingOrders(u)).filter((r) => r.ticker === t);
            const sizeOf = (side: 'bid' | 'ask') =>
              resting.filter((r) => r.side === side).reduce((a, r) => a + r.remaining, 0);
            expect(bids.reduce((a, [, q]) => a + q, 0)).toBe(sizeOf('bid'));
            expect(asks.reduce((a, [, q]) => a + q, 0)).toBe(sizeOf('ask'));
            for (const r of resting) expect(r.remaining).toBeGreaterThan(0);
            expect(engine.market(t)?.openInterest).toBe(longs);
          }
          let cash = engine.exchangeFees();
          for (const u of users) {
            expect(engine.totalBalance(u)).toBeGreaterThanOrEqual(0);
            cash += engine.totalBalance(u);
          }
          const locked =
            ((engine.market(BOS)?.openInterest ?? 0) + (engine.market(MIL)?.openInterest ?? 0)) * 10_000;
          expect(cash + locked).toBe(total);
        }
        for (const f of engine.fills()) expect(f.fee).toBeGreaterThanOrEqual(0);
        if (settleAtEnd) {
          engine.determine(BOS, 'no');
          engine.settle(BOS);
          engine.determine(MIL, 'yes');
          engine.settle(MIL);
          let cash = engine.exchangeFees();
          for (const u of users) cash += engine.totalBalance(u);
          expect(cash).toBe(total);
        }
      }),
      { numRuns: 150 },
    );
  });
});
