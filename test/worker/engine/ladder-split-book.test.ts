import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Contract } from '../../../shared/risk/payoff.ts';
import { splitOnAxes, worstOfSplit } from '../../../shared/risk/payoff-worst.ts';
import { gameAxes, gameBook, maxSizeByPayoff, maxSizeOnSplit } from '../../../worker/engine/ladder-risk.ts';
import { type KeyedGateOrder, SplitBook } from '../../../worker/engine/ladder-split-book.ts';
import {
  gate,
  gateOnBook,
  type RiskDecision,
  type RiskState,
  type RiskWrite,
} from '../../../worker/engine/risk-gate.ts';

const c = (n: number) => n * 100; // contracts → Centis
const cents = (n: number) => n * 10_000; // cents → Micros
const dollars = (n: number) => n * 1_000_000;

const CONTRACTS = new Map<string, Contract>([
  ['HOME', { kind: 'winner', side: 'home' }],
  ['AWAY', { kind: 'winner', side: 'away' }],
  ['HOME7', { kind: 'spread', direction: 'over', threshold: 6.5 }],
  ['HOME3', { kind: 'spread', direction: 'over', threshold: 2.5 }],
  ['AWAY4', { kind: 'spread', direction: 'under', threshold: -3.5 }],
  ['O220', { kind: 'total', direction: 'over', threshold: 220.5 }],
  ['O230', { kind: 'total', direction: 'over', threshold: 230.5 }],
]);
const TICKERS = [...CONTRACTS.keys()];

function riskState(over: Partial<RiskState> & { orders: readonly KeyedGateOrder[] }): RiskState & {
  orders: readonly KeyedGateOrder[];
} {
  return {
    now: 0,
    killed: false,
    lease: null,
    stopAtMs: 1e15,
    pausedTickers: new Set(),
    tickers: TICKERS,
    positions: new Map(),
    limit: c(1000),
    lot: c(1),
    payoff: { contracts: CONTRACTS, entryPrices: new Map(), limit: dollars(20), ties: false },
    ...over,
  };
}

const arbTicker = fc.constantFrom(...TICKERS);
const arbSide = fc.constantFrom('bid' as const, 'ask' as const);
const arbPrice = fc.integer({ min: 1, max: 99 }).map(cents);
const arbOrder = fc.record({
  ticker: arbTicker,
  side: arbSide,
  remaining: fc.integer({ min: 0, max: 40 }).map(c),
  // a ghost's price may be unknown: booked at the price that loses most
  price: fc.option(arbPrice, { nil: undefined }),
});

/** One step between two judgements: what the gate's store and inventory may do. */
const arbStep = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), order: arbOrder }),
  fc.record({ kind: fc.constant('ghost' as const), order: arbOrder }),
  fc.record({
    kind: fc.constant('change' as const),
    at: fc.nat(),
    remaining: fc.integer({ min: 0, max: 40 }).map(c),
    price: arbPrice,
  }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('fill' as const),
    ticker: arbTicker,
    position: fc.integer({ min: -30, max: 30 }).map(c),
    entry: fc.option(arbPrice, { nil: undefined }),
  }),
  // an entry that moves without the position (a fill and its reverse between two judgements)
  fc.record({
    kind: fc.constant('entry' as const),
    ticker: arbTicker,
    entry: fc.option(arbPrice, { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('ties' as const), ties: fc.boolean() }),
  fc.record({ kind: fc.constant('relist' as const) }),
  fc.record({ kind: fc.constant('none' as const) }),
);

const arbWrite = fc.record({
  amend: fc.boolean(),
  at: fc.nat(),
  ticker: arbTicker,
  side: arbSide,
  price: arbPrice,
  size: fc.integer({ min: 0, max: 60 }).map(c),
});

describe('the payoff gate on a kept split (ladder-split-book.ts)', () => {
  it('judges every write exactly as the split built afresh for it, whatever changed in between', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(arbStep, arbWrite), { minLength: 1, maxLength: 40 }), (steps) => {
        const book = new SplitBook();
        let contracts: ReadonlyMap<string, Contract> = CONTRACTS;
        let ties = false;
        const positions = new Map<string, number>();
        const entries = new Map<string, number>();
        let orders: KeyedGateOrder[] = [];
        let key = 0;
        for (const [step, w] of steps) {
          switch (step.kind) {
            case 'add':
              orders.push({ ...step.order, price: step.order.price ?? cents(50), key: key++ });
              break;
            case 'ghost':
              orders.push({ ...step.order, key: -1 });
              break;
            case 'change': {
              const o = orders[step.at % Math.max(1, orders.length)];
              if (o)
                orders = orders.map((x) =>
                  x === o ? { ...o, remaining: step.remaining, price: step.price } : x,
                );
              break;
            }
            case 'remove':
              orders = orders.filter((_, i) => i !== step.at % Math.max(1, orders.length));
              break;
            case 'fill':
              positions.set(step.ticker, step.position);
              if (step.entry === undefined) entries.delete(step.ticker);
              else entries.set(step.ticker, step.entry);
              break;
            case 'entry':
              if (step.entry === undefined) entries.delete(step.ticker);
              else entries.set(step.ticker, step.entry);
              break;
            case 'ties':
              ties = step.ties;
              break;
            case 'relist':
              contracts = new Map(CONTRACTS); // a new listing: the same markets, a new map
              break;
            case 'none':
              break;
          }
          const exclude = w.amend && orders.length > 0 ? w.at % orders.length : -1;
          const state = { contracts, positions, entryPrices: entries, orders: [], limit: dollars(15), ties };
          const write = { ticker: w.ticker, side: w.side, price: w.price, size: w.size };
          const others = exclude >= 0 ? orders.filter((_, i) => i !== exclude) : orders;
          const kept = maxSizeOnSplit(state, write, c(1), () => book.splitFor(state, orders, exclude));
          expect(kept).toBe(maxSizeByPayoff(state, write, c(1), others));
          // and the split itself, not just the answer
          const fresh = splitOnAxes(gameBook(state, others), gameAxes(contracts, ties));
          const split = book.splitFor(state, orders, exclude);
          expect(split.margins.pnl).toEqual(fresh.margins.pnl);
          expect(split.totals.pnl).toEqual(fresh.totals.pnl);
          expect(worstOfSplit(split)).toEqual(worstOfSplit(fresh));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a plan that breaches the limit part-way is cut exactly where the per-write gate cuts it', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            ticker: arbTicker,
            side: arbSide,
            price: arbPrice,
            size: fc.integer({ min: 1, max: 30 }).map(c),
          }),
          {
            minLength: 1,
            maxLength: 25,
          },
        ),
        fc.array(arbOrder, { maxLength: 6 }),
        (plan, resting) => {
          const book = new SplitBook();
          const start: KeyedGateOrder[] = resting.map((o, i) => ({
            ...o,
            price: o.price ?? cents(40),
            key: i,
          }));
          const run = (judge: (s: ReturnType<typeof riskState>, w: RiskWrite) => RiskDecision) => {
            // as order-gate.ts admits a plan: each allowed create turns pending before the next is judged
            const orders = [...start];
            const out: RiskDecision[] = [];
            for (const [i, w] of plan.entries()) {
              const d = judge(riskState({ orders: [...orders] }), { kind: 'create', ...w });
              out.push(d);
              if (d.allow)
                orders.push({
                  ticker: w.ticker,
                  side: w.side,
                  remaining: d.size,
                  price: w.price,
                  key: 100 + i,
                });
            }
            return out;
          };
          expect(run((s, w) => gateOnBook(s, w, book))).toEqual(run((s, w) => gate(s, w)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('cuts a ladder plan where the limit is reached: full, clipped, then refused', () => {
    const book = new SplitBook();
    const orders: KeyedGateOrder[] = [];
    const decisions: RiskDecision[] = [];
    // $20 limit; each bid at 50¢ loses $0.50 a contract where it does not pay: 15 contracts = $7.50 on the
    // same side of the margin (HOME, HOME3, HOME7 all lose when away wins).
    for (const [i, ticker] of ['HOME', 'HOME3', 'HOME7'].entries()) {
      const write = { kind: 'create' as const, ticker, side: 'bid' as const, price: cents(50), size: c(15) };
      const state = riskState({ orders: [...orders] });
      const d = gateOnBook(state, write, book);
      expect(d).toEqual(gate(state, write));
      decisions.push(d);
      if (d.allow) orders.push({ ticker, side: 'bid', remaining: d.size, price: cents(50), key: i });
    }
    expect(decisions.map((d) => (d.allow ? d.size : 0))).toEqual([c(15), c(15), c(10)]);
    const state = riskState({ orders: [...orders] });
    const more = {
      kind: 'create' as const,
      ticker: 'HOME7',
      side: 'bid' as const,
      price: cents(50),
      size: c(5),
    };
    expect(gateOnBook(state, more, book)).toMatchObject({ allow: false, reason: 'limit' });
    expect(gate(state, more)).toMatchObject({ allow: false, reason: 'limit' });
  });

  it('a book it cannot read throws as the per-write gate throws, every time', () => {
    const book = new SplitBook();
    const orders: KeyedGateOrder[] = [
      { ticker: 'HOME', side: 'bid', remaining: c(2), price: cents(40), key: 1 },
      { ticker: 'NOT-THIS-GAME', side: 'bid', remaining: c(2), price: cents(40), key: 2 },
    ];
    const write = {
      kind: 'create' as const,
      ticker: 'HOME',
      side: 'bid' as const,
      price: cents(40),
      size: c(1),
    };
    for (let i = 0; i < 2; i++) {
      const state = riskState({ orders });
      expect(() => gateOnBook(state, write, book)).toThrow('NOT-THIS-GAME has no contract in this game');
      expect(() => gate(state, write)).toThrow('NOT-THIS-GAME has no contract in this game');
    }
    // the order gone, the same book judges again
    const state = riskState({ orders: orders.slice(0, 1) });
    expect(gateOnBook(state, write, book)).toEqual(gate(state, write));
  });
});
