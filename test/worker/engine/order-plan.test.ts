import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPlan, planOrders, writeCount } from '../../../worker/engine/order-plan.ts';
import { type BookSide, type DesiredQuote, type LiveOrder, slotId } from '../../../worker/engine/ports.ts';
import { referencePlanOrders } from './reference-decisions.ts';

const TICKERS = ['G-A', 'G-B'] as const;
const SIDES: BookSide[] = ['bid', 'ask'];
const price = fc.integer({ min: 1, max: 99 }).map((c) => c * 10_000);
const size = fc.integer({ min: 1, max: 5 }).map((c) => c * 100);

const liveOrders = fc
  .array(
    fc.record({ t: fc.constantFrom(...TICKERS), side: fc.constantFrom(...SIDES), price, size, filled: size }),
    { maxLength: 8 },
  )
  .map((rows) =>
    rows.map(
      (r, i): LiveOrder => ({
        orderId: `o${i}`,
        clientOrderId: `kmm-${i}`,
        ticker: r.t,
        side: r.side,
        price: r.price,
        remaining: r.size,
        filled: r.filled,
        state: 'resting',
        sinceMs: 0,
      }),
    ),
  );

const desiredQuotes = fc
  .uniqueArray(fc.record({ t: fc.constantFrom(...TICKERS), side: fc.constantFrom(...SIDES), price, size }), {
    selector: (r) => `${r.t}|${r.side}`,
    maxLength: 4,
  })
  .map((rows) =>
    rows.map((r): DesiredQuote => ({ ticker: r.t, side: r.side, price: r.price, size: r.size })),
  );

const bySlot = (
  orders: readonly { ticker: string; side: BookSide; price: number; size?: number; remaining?: number }[],
) =>
  orders
    .map((o) => `${slotId(o.ticker, o.side)}@${o.price}x${o.size ?? o.remaining}`)
    .sort()
    .join(',');

describe('planOrders', () => {
  for (const amend of [true, false]) {
    it(`applied to the live orders yields exactly the desired quotes (amend=${amend})`, () => {
      fc.assert(
        fc.property(liveOrders, desiredQuotes, (live, desired) => {
          const plan = planOrders(desired, live, { amend });
          expect(bySlot(applyPlan(live, plan, 0))).toBe(bySlot(desired));
        }),
      );
    });

    it(`never writes more than cancel-everything-then-create (amend=${amend})`, () => {
      fc.assert(
        fc.property(liveOrders, desiredQuotes, (live, desired) => {
          expect(writeCount(planOrders(desired, live, { amend }))).toBeLessThanOrEqual(
            live.length + desired.length,
          );
        }),
      );
    });
  }

  it('writes nothing when the live orders already match', () => {
    fc.assert(
      fc.property(desiredQuotes, (desired) => {
        const live = applyPlan([], planOrders(desired, [], { amend: true }), 0);
        const plan = planOrders(desired, live, { amend: true });
        expect(writeCount(plan)).toBe(0);
        expect(plan.keeps).toHaveLength(desired.length);
      }),
    );
  });

  it('leaves a slot with an in-flight or uncertain order alone', () => {
    fc.assert(
      fc.property(
        liveOrders,
        desiredQuotes,
        fc.constantFrom('pending', 'uncertain' as const),
        (live, desired, state) => {
          if (live.length === 0) return;
          const busy = { ...live[0]!, state, orderId: state === 'pending' ? null : live[0]!.orderId };
          const plan = planOrders(desired, [busy, ...live.slice(1)], { amend: true });
          const slot = slotId(busy.ticker, busy.side);
          expect(plan.blocked).toContain(slot);
          const touched = [...plan.cancels, ...plan.decreases, ...plan.amends, ...plan.creates].some(
            (w) => slotId(w.ticker, w.side) === slot,
          );
          expect(touched).toBe(false);
        },
      ),
    );
  });

  it('shrinks with a decrease (keeps queue priority) and reprices with an amend', () => {
    const live: LiveOrder[] = [
      {
        orderId: 'a',
        clientOrderId: null,
        ticker: 'G-A',
        side: 'bid',
        price: 400_000,
        remaining: 500,
        filled: 0,
        state: 'resting',
        sinceMs: 0,
      },
      {
        orderId: 'b',
        clientOrderId: null,
        ticker: 'G-A',
        side: 'ask',
        price: 600_000,
        remaining: 500,
        filled: 200,
        state: 'resting',
        sinceMs: 0,
      },
    ];
    const plan = planOrders(
      [
        { ticker: 'G-A', side: 'bid', price: 400_000, size: 300 },
        { ticker: 'G-A', side: 'ask', price: 590_000, size: 500 },
      ],
      live,
      { amend: true },
    );
    expect(plan.decreases).toEqual([{ orderId: 'a', ticker: 'G-A', side: 'bid', reduceTo: 300 }]);
    expect(plan.amends).toEqual([
      { orderId: 'b', ticker: 'G-A', side: 'ask', price: 590_000, remaining: 500, filled: 200 },
    ]);
    expect(plan.creates).toEqual([]);
    expect(plan.cancels).toEqual([]);
  });

  it('keeps the matching duplicate and cancels the rest of a slot (restart adoption)', () => {
    const mk = (id: string, p: number): LiveOrder => ({
      orderId: id,
      clientOrderId: null,
      ticker: 'G-B',
      side: 'bid',
      price: p,
      remaining: 100,
      filled: 0,
      state: 'resting',
      sinceMs: 0,
    });
    const plan = planOrders(
      [{ ticker: 'G-B', side: 'bid', price: 300_000, size: 100 }],
      [mk('x', 200_000), mk('y', 300_000)],
      {
        amend: true,
      },
    );
    expect(plan.keeps).toEqual(['y']);
    expect(plan.cancels.map((c) => c.orderId)).toEqual(['x']);
  });
});

describe('planOrders equals the reference (pre-rewrite) planner', () => {
  // Tickers where one is a prefix of another: the slot order is the order of the `ticker|side` strings.
  const T = ['G-A', 'G-A-X', 'G-AB', 'G-B', 'G'] as const;
  const anyLive = fc
    .array(
      fc.record({
        t: fc.constantFrom(...T),
        side: fc.constantFrom(...SIDES),
        price,
        size,
        filled: fc.integer({ min: 0, max: 500 }),
        state: fc.constantFrom<LiveOrder['state']>('resting', 'resting', 'resting', 'pending', 'uncertain'),
        noId: fc.boolean(),
      }),
      { maxLength: 10 },
    )
    .map((rows) =>
      rows.map(
        (r, i): LiveOrder => ({
          orderId: r.noId && r.state !== 'resting' ? null : `o${i}`,
          clientOrderId: `kmm-${i}`,
          ticker: r.t,
          side: r.side,
          price: r.price,
          remaining: r.size,
          filled: r.filled,
          state: r.noId && r.state === 'resting' ? 'resting' : r.state,
          sinceMs: 0,
        }),
      ),
    );
  // Duplicate slots and non-positive sizes included: the first positive quote of a slot wins.
  const anyDesired = fc.array(
    fc.record({
      ticker: fc.constantFrom(...T),
      side: fc.constantFrom(...SIDES),
      price,
      size: fc.integer({ min: -100, max: 500 }),
    }),
    { maxLength: 8 },
  );

  it('same plan (every list in the same order) on random inputs', () => {
    fc.assert(
      fc.property(anyLive, anyDesired, fc.boolean(), (live, desired, amend) => {
        expect(planOrders(desired, live, { amend })).toEqual(referencePlanOrders(desired, live, { amend }));
      }),
      { numRuns: 2_000 },
    );
  });
});
