/**
 * The order ledger's transition table, specified by its invariants against a
 * model exchange: one order of ours, fills and at most one decrease on the
 * exchange, and every message about it (create ack, fills, user_orders
 * snapshots, the decrease's own send and ack) delivered in any order the
 * network allows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import { GhostBook } from '../../../worker/engine/order-ghosts.ts';
import {
  exposureOf,
  FILL_CLOCK_SKEW_MS,
  type LedgerInput,
  type LedgerOrder,
  listed,
  placed,
  transition,
} from '../../../worker/engine/order-ledger.ts';
import { OrderStore } from '../../../worker/engine/order-store.ts';

const T = 'G-A';
const CLIENT = 'kmm-test-1';
const ID = 'X1';

/** What the exchange does to the order, in exchange time order. */
type ExEvent = { kind: 'fill'; count: number } | { kind: 'decrease'; reduceTo: number } | { kind: 'snap' };

/** A message as it reaches us, with the exchange time it describes. */
type Msg =
  | { kind: 'ack'; at: number }
  | { kind: 'fill'; at: number; count: number }
  | { kind: 'snap'; at: number; filled: number; remaining: number; withTs: boolean }
  | { kind: 'dec-ack'; at: number; remaining: number; filled: number | null };

interface World {
  size: number;
  messages: Msg[];
  /** Exchange time of the decrease, if any. */
  decAt: number | null;
  final: { filled: number; remaining: number };
}

/** Runs the exchange: fills never exceed what rests, a decrease only shrinks what rests. */
function exchange(size: number, events: ExEvent[], snapTs: boolean[], decFilledKnown: boolean): World {
  let filled = 0;
  let remaining = size;
  let decAt: number | null = null;
  const messages: Msg[] = [{ kind: 'ack', at: 0 }];
  let snaps = 0;
  events.forEach((e, i) => {
    const at = i + 1;
    if (e.kind === 'fill') {
      const count = Math.min(e.count, remaining);
      if (count <= 0) return;
      filled += count;
      remaining -= count;
      messages.push({ kind: 'fill', at, count });
    } else if (e.kind === 'decrease') {
      if (decAt !== null || e.reduceTo >= remaining) return;
      decAt = at;
      remaining = e.reduceTo;
      messages.push({ kind: 'dec-ack', at, remaining, filled: decFilledKnown ? filled : null });
    } else
      messages.push({ kind: 'snap', at, filled, remaining, withTs: snapTs[snaps++ % snapTs.length] ?? true });
  });
  return { size, messages, decAt, final: { filled, remaining } };
}

const worldArb = fc
  .record({
    size: fc.integer({ min: 1, max: 20 }).map((c) => c * 100),
    events: fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('fill' as const), count: fc.integer({ min: 1, max: 900 }) }),
        fc.record({ kind: fc.constant('decrease' as const), reduceTo: fc.integer({ min: 0, max: 1500 }) }),
        fc.record({ kind: fc.constant('snap' as const) }),
      ),
      { maxLength: 10 },
    ),
    snapTs: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
    decFilledKnown: fc.boolean(),
  })
  .map((r) => exchange(r.size, r.events, r.snapTs, r.decFilledKnown));

/** Any delivery order the network allows, with our decrease sent after the create ack and before the exchange acts on it. */
const deliveryArb = worldArb
  .chain((w) =>
    fc
      .tuple(
        fc.shuffledSubarray(w.messages, { minLength: w.messages.length, maxLength: w.messages.length }),
        fc.nat(),
      )
      .map(([order, pick]) => {
        const seq: (Msg | { kind: 'sent' })[] = [...order];
        if (w.decAt !== null) {
          const after = seq.findIndex((m) => m.kind === 'ack') + 1;
          const firstLater = seq.findIndex((m) => m.kind !== 'sent' && m.at >= w.decAt!);
          const before = firstLater === -1 ? seq.length : firstLater;
          if (after <= before) seq.splice(after + (pick % (before - after + 1)), 0, { kind: 'sent' });
          else return null; // the create ack came after something the decrease caused: impossible
        }
        return { world: w, seq };
      }),
  )
  .filter((d): d is NonNullable<typeof d> => d !== null);

/** Drives the store the way the order manager does (fills of an order no longer tracked go to its ghost). */
function run(w: World, seq: readonly (Msg | { kind: 'sent' })[], check: (s: Snapshot) => void): Snapshot {
  const clock = new ManualClock(1_000);
  const store = new OrderStore(clock);
  const o = placed(store.newKey(), 'G', CLIENT, { ticker: T, side: 'bid', price: 500_000, size: w.size }, 0);
  store.add(o);
  let delivered = 0;
  let decAcked = false;
  const snapshot = (): Snapshot => {
    const tracked = store.find({ orderId: ID, clientOrderId: CLIENT });
    const counted = store.gateOrders([T]).reduce((s, x) => s + x.remaining, 0);
    return { tracked, counted, delivered, decAcked };
  };
  for (const m of seq) {
    clock.advance(1);
    const t = store.find({ orderId: ID, clientOrderId: CLIENT });
    if (m.kind === 'fill') {
      delivered += m.count;
      if (t) store.apply(t, { type: 'fill', count: m.count });
      else store.ghosts.onFill({ orderId: ID, clientOrderId: CLIENT, count: m.count });
    } else if (t) {
      const input = inputOf(m, w, t);
      if (input) store.apply(t, input);
    }
    if (m.kind === 'dec-ack') decAcked = true;
    check(snapshot());
  }
  return snapshot();
}

function inputOf(m: Msg | { kind: 'sent' }, w: World, t: LedgerOrder): LedgerInput | null {
  const ack = (remaining: number, filled: number | null, at: number) => ({
    orderId: ID,
    clientOrderId: CLIENT,
    remaining,
    filled,
    tsMs: at,
  });
  switch (m.kind) {
    case 'ack':
      return { type: 'ack', write: 'create', price: t.price, ack: ack(w.size, 0, m.at), nowMs: 0 };
    case 'sent':
      return t.state === 'resting' ? { type: 'sent', write: 'decrease', nowMs: 0 } : null;
    case 'dec-ack':
      return t.state === 'pending'
        ? { type: 'ack', write: 'decrease', price: t.price, ack: ack(m.remaining, m.filled, m.at), nowMs: 0 }
        : null;
    case 'snap':
      return {
        type: 'order-update',
        update: {
          type: 'order',
          orderId: ID,
          clientOrderId: CLIENT,
          ticker: T,
          side: 'bid',
          price: t.price,
          remaining: m.remaining,
          filled: m.filled,
          status: m.remaining > 0 ? 'resting' : 'executed',
          ...(m.withTs ? { tsMs: m.at } : {}),
        },
      };
    case 'fill':
      return null;
  }
}

interface Snapshot {
  tracked: LedgerOrder | undefined;
  /** What the risk gate counts for this order: the tracked order's exposure plus its ghost. */
  counted: number;
  /** Fill messages delivered so far (they are in the position now). */
  delivered: number;
  decAcked: boolean;
}

describe('order ledger (transition table)', () => {
  it('never understates: what is counted covers everything the exchange can still add to the position, in any delivery order', () => {
    fc.assert(
      fc.property(deliveryArb, ({ world, seq }) => {
        run(world, seq, (s) => {
          // Until the decrease is acknowledged the order may still be its full size on the exchange.
          const total = s.decAcked ? world.final.filled + world.final.remaining : world.size;
          expect(s.counted).toBeGreaterThanOrEqual(total - s.delivered);
        });
      }),
      { numRuns: 400 },
    );
  });

  it('filled + remaining never exceeds what was placed, and nothing is negative', () => {
    fc.assert(
      fc.property(deliveryArb, ({ world, seq }) => {
        run(world, seq, (s) => {
          if (!s.tracked) return;
          expect(s.tracked.filled + s.tracked.remaining).toBeLessThanOrEqual(world.size);
          expect(s.tracked.remaining).toBeGreaterThanOrEqual(0);
          expect(s.tracked.reserve).toBeGreaterThanOrEqual(0);
          expect(s.tracked.seen).toBe(s.delivered);
        });
      }),
      { numRuns: 400 },
    );
  });

  it('a fill is counted once: once every message is in, a listing leaves exactly what rests counted', () => {
    fc.assert(
      fc.property(deliveryArb, ({ world, seq }) => {
        const end = replayAndList(world, seq, new OrderStore(new ManualClock(1_000)));
        if (world.final.remaining > 0) {
          expect(end.tracked?.remaining).toBe(world.final.remaining);
          expect(exposureOf(end.tracked!)).toBe(world.final.remaining);
        } else expect(end.tracked).toBeUndefined();
      }),
      { numRuns: 400 },
    );
  });

  it('a decrease ack without a filled count, late behind a fill made after the decrease, never believes more than was placed', () => {
    // Found by the property above: 200 placed, decreased to 101, then 100 filled; the fill's message came first.
    let o = placed(1, 'G', CLIENT, { ticker: T, side: 'bid', price: 500_000, size: 200 }, 0);
    const ack = (remaining: number, filled: number | null) => ({
      orderId: ID,
      clientOrderId: CLIENT,
      remaining,
      filled,
    });
    o = transition(o, { type: 'ack', write: 'create', price: o.price, ack: ack(200, 0), nowMs: 0 }).order;
    o = transition(o, { type: 'sent', write: 'decrease', nowMs: 0 }).order;
    o = transition(o, { type: 'fill', count: 100 }).order;
    o = transition(o, {
      type: 'ack',
      write: 'decrease',
      price: o.price,
      ack: ack(101, null),
      nowMs: 0,
    }).order;
    expect(o.filled + o.remaining).toBeLessThanOrEqual(200);
    expect(exposureOf(o)).toBeGreaterThanOrEqual(1); // what still rests: 1
  });

  it('is pure: a transition never modifies the order it is given', () => {
    fc.assert(
      fc.property(deliveryArb, ({ world, seq }) => {
        let o = placed(1, 'G', CLIENT, { ticker: T, side: 'bid', price: 500_000, size: world.size }, 0);
        for (const m of seq) {
          const input: LedgerInput | null =
            m.kind === 'fill' ? { type: 'fill', count: m.count } : inputOf(m, world, o);
          if (!input) continue;
          const before = structuredClone(o);
          const step = transition(o, input);
          expect(o).toEqual(before);
          o = step.order;
        }
      }),
      { numRuns: 200 },
    );
  });
});

function replayAndList(w: World, seq: readonly (Msg | { kind: 'sent' })[], store: OrderStore) {
  const o = placed(store.newKey(), 'G', CLIENT, { ticker: T, side: 'bid', price: 500_000, size: w.size }, 0);
  store.add(o);
  for (const m of seq) {
    const t = store.find({ orderId: ID, clientOrderId: CLIENT });
    if (m.kind === 'fill') {
      if (t) store.apply(t, { type: 'fill', count: m.count });
      else store.ghosts.onFill({ orderId: ID, clientOrderId: CLIENT, count: m.count });
    } else if (t) {
      const input = inputOf(m, w, t);
      if (input) store.apply(t, input);
    }
  }
  const t = store.find({ orderId: ID, clientOrderId: CLIENT });
  if (t)
    store.apply(
      t,
      w.final.remaining > 0
        ? {
            type: 'listed',
            exchange: {
              orderId: ID,
              clientOrderId: CLIENT,
              ticker: T,
              side: 'bid',
              price: t.price,
              remaining: w.final.remaining,
              filled: w.final.filled,
            },
            listingStartedMs: Number.POSITIVE_INFINITY,
          }
        : { type: 'unlisted' },
    );
  return { tracked: store.find({ orderId: ID, clientOrderId: CLIENT }) };
}

describe('ghosts', () => {
  it('a ghost is dropped only by a listing begun after it, and never in a market whose position drift is still pending', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            id: fc.integer({ min: 1, max: 8 }),
            ticker: fc.constantFrom('A', 'B', 'C'),
            at: fc.integer({ min: 0, max: 100 }),
            remaining: fc.integer({ min: 1, max: 500 }),
          }),
        ),
        fc.integer({ min: 0, max: 100 }),
        fc.subarray(['A', 'B', 'C']),
        (adds, beforeMs, keep) => {
          const book = new GhostBook();
          const latest = new Map<string, (typeof adds)[number]>();
          for (const a of adds) {
            book.add(
              { orderId: `o${a.id}`, clientOrderId: null, eventTicker: 'G', ticker: a.ticker, side: 'bid' },
              a.remaining,
              a.at,
            );
            latest.set(`o${a.id}`, a);
          }
          book.drop(beforeMs, new Set(keep));
          const expected = [...latest.values()].filter((a) => a.at >= beforeMs || keep.includes(a.ticker));
          expect(book.size).toBe(expected.length);
          const counted = book.of(['A', 'B', 'C']).reduce((s, g) => s + g.remaining, 0);
          expect(counted).toBe(expected.reduce((s, a) => s + a.remaining, 0));
        },
      ),
    );
  });

  it("a fill consumes its order's ghost once, by order id or by client id", () => {
    const book = new GhostBook();
    book.add({ orderId: null, clientOrderId: 'c1', eventTicker: 'G', ticker: 'A', side: 'ask' }, 300, 0);
    book.onFill({ orderId: 'unknown-id', clientOrderId: 'c1', count: 100 });
    expect(book.of(['A'])).toEqual([{ ticker: 'A', side: 'ask', remaining: 200 }]);
    book.onFill({ orderId: 'unknown-id', clientOrderId: 'c1', count: 200 });
    expect(book.size).toBe(0);
  });
});

describe('a refused write restores the order as it was, less the fills meanwhile', () => {
  const ack = (remaining: number, filled: number | null) => ({
    orderId: ID,
    clientOrderId: CLIENT,
    remaining,
    filled,
  });
  /** 200 placed; 100 filled before a decrease to 100, whose ack does not say so: 100 held in reserve. */
  const reserved = (): LedgerOrder => {
    let o = placed(1, 'G', CLIENT, { ticker: T, side: 'bid', price: 500_000, size: 200 }, 0);
    o = transition(o, { type: 'ack', write: 'create', price: o.price, ack: ack(200, 0), nowMs: 0 }).order;
    o = transition(o, { type: 'sent', write: 'decrease', nowMs: 0 }).order;
    o = transition(o, {
      type: 'ack',
      write: 'decrease',
      price: o.price,
      ack: ack(100, null),
      nowMs: 0,
    }).order;
    expect(o.reserve).toBe(100);
    expect(exposureOf(o)).toBe(200);
    return o;
  };

  for (const write of ['amend', 'decrease'] as const) {
    it(`${write}: a fill the reserve covered, arriving while the ${write} is in flight, still leaves what rests counted after a refusal`, () => {
      let o = reserved();
      o = transition(
        o,
        write === 'amend'
          ? { type: 'sent', write: 'amend', total: o.seen + 100, nowMs: 0 }
          : { type: 'sent', write: 'decrease', nowMs: 0 },
      ).order;
      // The hidden fill's message: 100 filled before the decrease; 100 still rest on the exchange.
      o = transition(o, { type: 'fill', count: 100 }).order;
      expect(exposureOf(o)).toBe(100);
      const step = transition(o, { type: 'refusal', write, kind: 'rejected' });
      expect(step.effects).not.toContainEqual({ type: 'drop' });
      expect(exposureOf(step.order)).toBeGreaterThanOrEqual(100);
      expect(step.order.remaining).toBe(100);
    });
  }
});

describe('a fill the listing already counted is not counted again', () => {
  const onExchange = { orderId: ID, clientOrderId: null, ticker: T, side: 'bid' as const, price: 500_000 };

  describe('an order adopted from a listing (requested at 10 000 on our clock, applied at 10 300)', () => {
    // 1 000 placed before a restart; the listing shows 400 filled, 600 resting.
    const adopted = () => listed(1, 'G', { ...onExchange, remaining: 600, filled: 400 }, 'resting', 10_300);

    it('a fill stamped before the listing, in its flight, or within clock skew of its answer leaves what rests counted', () => {
      for (const tsMs of [9_000, 10_100, 10_300 + FILL_CLOCK_SKEW_MS - 1]) {
        const step = transition(adopted(), { type: 'fill', count: 400, tsMs });
        expect(step.effects).toEqual([]);
        expect(exposureOf(step.order)).toBe(600);
        expect(step.order.remaining).toBe(600);
      }
    });

    it('a fill stamped after that is counted, once', () => {
      const step = transition(adopted(), { type: 'fill', count: 200, tsMs: 10_300 + FILL_CLOCK_SKEW_MS });
      expect(exposureOf(step.order)).toBe(400);
      expect(step.order.remaining).toBe(400);
    });

    it('whatever the fills and their stamps, exposure never drops below what rests on the exchange', () => {
      fc.assert(
        fc.property(
          fc.array(fc.record({ count: fc.integer({ min: 1, max: 300 }), after: fc.boolean() }), {
            maxLength: 6,
          }),
          (fills) => {
            // The exchange: 400 filled before the listing; each later fill takes from the 600 resting.
            let resting = 600;
            let o = adopted();
            const replays: LedgerInput[] = [{ type: 'fill', count: 400, tsMs: 9_999 }];
            for (const f of fills) {
              const count = Math.min(f.count, resting);
              if (count === 0) continue;
              resting -= count;
              // Stamped in the listing's flight (a trade the snapshot may have missed) or well after it.
              const tsMs = f.after ? 10_300 + FILL_CLOCK_SKEW_MS + 1 : 10_200;
              replays.push({ type: 'fill', count, tsMs });
            }
            for (const input of replays) {
              o = transition(o, input).order;
              expect(exposureOf(o)).toBeGreaterThanOrEqual(resting);
            }
          },
        ),
      );
    });
  });

  describe('an order we placed: `seen` counts fill messages only, a listing never sets it', () => {
    for (const listingStartedMs of [-1, 10]) {
      it(`listing begun ${listingStartedMs < 0 ? 'before' : 'after'} the create ack`, () => {
        let o = placed(1, 'G', CLIENT, { ticker: T, side: 'bid', price: 500_000, size: 1_000 }, 0);
        const ack = { orderId: ID, clientOrderId: CLIENT, remaining: 1_000, filled: 0 };
        o = transition(o, { type: 'ack', write: 'create', price: o.price, ack, nowMs: 0 }).order;
        // 400 filled; the listing shows it before its message arrives.
        const exchange = { ...onExchange, clientOrderId: CLIENT, remaining: 600, filled: 400 };
        o = transition(o, { type: 'listed', exchange, listingStartedMs }).order;
        // (A listing that may predate the ack does not lower what the planner sees resting.)
        expect(o.remaining).toBe(listingStartedMs < 0 ? 1_000 : 600);
        expect(exposureOf(o)).toBe(1_000); // the 400 are not in the position yet
        o = transition(o, { type: 'fill', count: 400, tsMs: 5 }).order;
        expect(o.remaining).toBe(600);
        expect(exposureOf(o)).toBe(600);
      });
    }
  });
});
