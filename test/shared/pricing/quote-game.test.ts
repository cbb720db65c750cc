import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type FeeSchedule,
  FeeScheduleSchema,
  feePerContract,
  QUADRATIC_FEES,
} from '../../../shared/pricing/fees.ts';
import { QuotingParamsSchema } from '../../../shared/pricing/params.ts';
import {
  type GameQuoteDecision,
  type GameQuoteInput,
  type MarketQuoteInput,
  quoteGame,
  requiredEdge,
  type TargetQuote,
} from '../../../shared/pricing/quote-game.ts';
import {
  isOnGrid,
  LINEAR_CENT_GRID,
  makeTickGrid,
  TAPERED_DECI_CENT_RANGES,
  type TickGrid,
} from '../../../shared/pricing/tick-grid.ts';

const c = (cents: number) => cents * 10_000;
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 25, 0, 0, 0);

function market(ticker: string, theo: number | null, over: Partial<MarketQuoteInput> = {}): MarketQuoteInput {
  return {
    ticker,
    outcome: ticker,
    grid: LINEAR_CENT_GRID,
    theo,
    fees: QUADRATIC_FEES,
    book: { bestBid: null, bestAsk: null },
    competition: { bid: false, ask: false },
    position: 0,
    avgEntry: null,
    pending: { bid: 0, ask: 0 },
    ...over,
  };
}

function game(markets: MarketQuoteInput[], over: Partial<GameQuoteInput> = {}): GameQuoteInput {
  return {
    now: NOW,
    stopTime: NOW + 3 * HOUR,
    params: QuotingParamsSchema.parse({ minEdge: 10_000 }),
    limit: 5_000,
    markets,
    ...over,
  };
}

const find = (d: GameQuoteDecision, ticker: string, side: 'bid' | 'ask'): TargetQuote | undefined =>
  d.quotes.find((q) => q.ticker === ticker && q.side === side);

describe('quoteGame examples (defaults but min edge 1¢: AS, γ 0.004 held to settlement, k 40/$)', () => {
  it('flat two-way game, nobody competing: monopsony quotes on all four sides', () => {
    // τ = 10 800 s: V = min(0.0003²·10 800, 0.55·0.45) = 9.72e-4
    // half = ½·0.2·9.72e-4 + (1/0.2)·ln(1 + 0.2/40) = 0.0000972 + 0.0249377 = 0.0250349
    // A: bid 0.55 − 0.02503 = 0.52497 → 52¢, ask 0.57503 → 58¢; B (theo 0.45): 42¢ / 48¢
    const d = quoteGame(game([market('A', 0.55), market('B', 0.45)]));
    expect(d.suppressed).toEqual([]);
    expect(d.quotes).toEqual([
      { ticker: 'A', side: 'bid', price: c(52), size: 1_000, mode: 'monopsony', edge: c(3) },
      { ticker: 'A', side: 'ask', price: c(58), size: 1_000, mode: 'monopsony', edge: c(3) },
      { ticker: 'B', side: 'bid', price: c(42), size: 1_000, mode: 'monopsony', edge: c(3) },
      { ticker: 'B', side: 'ask', price: c(48), size: 1_000, mode: 'monopsony', edge: c(3) },
    ]);
  });

  it('outbid: improve by a tick up to the ceiling (theo − 1¢), then join, then fall back', () => {
    const withBestBid = (cents: number) =>
      quoteGame(
        game([
          market('A', 0.55, {
            book: { bestBid: { price: c(cents), size: 500 }, bestAsk: null },
            competition: { bid: true, ask: false },
          }),
          market('B', 0.45),
        ]),
      );
    expect(find(withBestBid(53), 'A', 'bid')).toMatchObject({
      price: c(54),
      mode: 'competitive',
      edge: c(1),
    });
    expect(find(withBestBid(54), 'A', 'bid')).toMatchObject({ price: c(54), mode: 'competitive' });
    // 55¢ is past the 54¢ ceiling: back to the safer of ceiling (54) and monopsony (52)
    expect(find(withBestBid(55), 'A', 'bid')).toMatchObject({ price: c(52), mode: 'monopsony' });
  });

  it('buying a longshot needs the extra edge (bid below 10¢ theo, ask above 90¢)', () => {
    // theo 8¢: bid ceiling = 8 − 1 − 1 = 6¢; its ask (selling the longshot) only needs 1¢: 9¢.
    // Competing on both sides at 7¢ / 10¢ shows the ceilings: bid falls back, ask improves to 9¢.
    const d = quoteGame(
      game([
        market('A', 0.08, {
          book: { bestBid: { price: c(7), size: 500 }, bestAsk: { price: c(10), size: 500 } },
          competition: { bid: true, ask: true },
        }),
        market('B', 0.92),
      ]),
    );
    expect(find(d, 'A', 'bid')?.price).toBeLessThanOrEqual(c(6));
    expect(find(d, 'A', 'ask')).toMatchObject({ price: c(9), mode: 'competitive' });
    // B's ask at theo 92¢ is buying NO on the 8¢ longshot: floor 92 + 1 + 1 = 94¢
    expect(find(d, 'B', 'ask')?.price).toBeGreaterThanOrEqual(c(94));
  });

  it('a bait order smaller than minCompetitorSize does not pull our bid up', () => {
    const d = quoteGame(
      game([
        market('A', 0.55, {
          book: { bestBid: { price: c(53), size: 1 }, bestAsk: null },
          competition: { bid: true, ask: false },
        }),
        market('B', 0.45),
      ]),
    );
    expect(find(d, 'A', 'bid')).toMatchObject({ price: c(52), mode: 'monopsony' });
  });

  it('a maker fee must be cleared: the ceiling moves away from theo', () => {
    // quadratic_with_maker_fees, 10 contracts: at 49¢ fee = 0.0175·10·0.49·0.51 = 0.04373 → $0.05 → 0.5¢/contract,
    // edge 50 − 49 − 0.5 = 0.5¢ < 1¢; at 48¢ fee 0.04368 → 0.5¢, edge 1.5¢ ≥ 1¢ → ceiling 48¢
    const fees = FeeScheduleSchema.parse({ feeType: 'quadratic_with_maker_fees' });
    const d = quoteGame(
      game([
        market('A', 0.5, {
          fees,
          book: { bestBid: { price: c(48), size: 100 }, bestAsk: null },
          competition: { bid: true, ask: false },
        }),
        market('B', 0.5, { fees }),
      ]),
    );
    expect(find(d, 'A', 'bid')).toMatchObject({ price: c(48), mode: 'competitive', edge: 5_000 + 10_000 });
  });

  it('long A at the limit: no side adding long A (bid A, ask B); reducing sides stay', () => {
    const d = quoteGame(game([market('A', 0.55, { position: 5_000 }), market('B', 0.45)]));
    expect(find(d, 'A', 'bid')).toBeUndefined();
    expect(find(d, 'B', 'ask')).toBeUndefined();
    expect(d.suppressed.map((s) => `${s.ticker} ${s.side} ${s.reason}`).sort()).toEqual([
      'A bid at-limit',
      'B ask at-limit',
    ]);
    expect(find(d, 'A', 'ask')?.size).toBe(1_000);
    expect(find(d, 'B', 'bid')?.size).toBe(1_000);
  });

  it('an order in flight counts as filled, once: its side counts the larger of it and the quote', () => {
    // long A 30, bid A's order in flight at 15: room for long A = 50 − 30 = 20 contracts across
    // max(15, bid A) and ask B — the in-flight order and the quote for its side are the same order.
    const d = quoteGame(
      game([market('A', 0.55, { position: 3_000, pending: { bid: 1_500, ask: 0 } }), market('B', 0.45)]),
    );
    const bidA = find(d, 'A', 'bid')?.size ?? 0;
    const askB = find(d, 'B', 'ask')?.size ?? 0;
    expect(askB).toBeGreaterThan(0);
    expect(Math.max(1_500, bidA) + askB).toBeLessThanOrEqual(2_000);
  });

  it('break-even: over-exposed long A may sell A down to the entry price, buy B up to 1 − entry', () => {
    // long A 30 ≥ 0.6·50 at 50¢ (theo 55¢). Others ask A at 53¢ and bid B at 47¢, both competing.
    // ask A: improve 53 → 52¢ (≥ break-even 50¢, below the normal floor 56¢) → break-even, edge −3¢
    // bid B: improve 47 → 48¢ (≤ break-even 1 − 0.50 = 50¢, above the normal ceiling 44¢) → break-even
    const d = quoteGame(
      game([
        market('A', 0.55, {
          position: 3_000,
          avgEntry: 500_000,
          book: { bestBid: null, bestAsk: { price: c(53), size: 100 } },
          competition: { bid: false, ask: true },
        }),
        market('B', 0.45, {
          avgEntry: 500_000,
          book: { bestBid: { price: c(47), size: 100 }, bestAsk: null },
          competition: { bid: true, ask: false },
        }),
      ]),
    );
    expect(find(d, 'A', 'ask')).toMatchObject({ price: c(52), mode: 'break-even', edge: -c(3) });
    expect(find(d, 'B', 'bid')).toMatchObject({ price: c(48), mode: 'break-even', edge: -c(3) });
    expect(d.markets.map((m) => m.breakEven)).toEqual([true, true]);
    // Below the share: the same book gives the normal floor
    const calm = quoteGame(
      game([
        market('A', 0.55, {
          position: 2_000,
          avgEntry: 500_000,
          book: { bestBid: null, bestAsk: { price: c(53), size: 100 } },
          competition: { bid: false, ask: true },
        }),
        market('B', 0.45),
      ]),
    );
    expect(find(calm, 'A', 'ask')?.mode).not.toBe('break-even');
    expect(find(calm, 'A', 'ask')?.price).toBeGreaterThanOrEqual(c(56));
  });

  it('break-even ignores an entry price that belongs to a leg pointing the other way', () => {
    // +10 YES A @ 40¢ but +40 YES B: the game is short A by 30. A's 40¢ entry is a LONG entry,
    // not a price we sold A at, so it must not let us bid A at 40¢ when theo is 30¢.
    const d = quoteGame(
      game([
        market('A', 0.3, {
          position: 1_000,
          avgEntry: 400_000,
          book: { bestBid: { price: c(38), size: 100 }, bestAsk: null },
          competition: { bid: true, ask: false },
        }),
        market('B', 0.7, { position: 4_000 }),
      ]),
    );
    expect(d.markets[0]?.breakEven).toBe(true);
    const bidA = find(d, 'A', 'bid');
    expect(bidA?.mode).not.toBe('break-even');
    expect(bidA?.price).toBeLessThanOrEqual(c(29));
  });

  it('stop time, unknown start, missing theo, bad input: suppressed with reasons, never thrown', () => {
    const two = [market('A', 0.55), market('B', 0.45)];
    const stopped = quoteGame(game(two, { now: NOW + 3 * HOUR }));
    expect(stopped.quotes).toEqual([]);
    expect(new Set(stopped.suppressed.map((s) => s.reason))).toEqual(new Set(['stop-time']));
    expect(
      quoteGame(game(two, { stopTime: null })).suppressed.every((s) => s.reason === 'no-start-time'),
    ).toBe(true);
    const noTheo = quoteGame(game([market('A', null), market('B', 0.45)]));
    expect(noTheo.suppressed.filter((s) => s.ticker === 'A').map((s) => s.reason)).toEqual([
      'no-theo',
      'no-theo',
    ]);
    expect(quoteGame(game([market('A', 0.01), market('B', 0.99)])).suppressed.map((s) => s.reason)).toContain(
      'theo-out-of-range',
    );
    const bad = quoteGame(game([market('A', 0.55, { position: 1.5 }), market('B', 0.45)]));
    expect(bad.quotes).toEqual([]);
    expect(bad.suppressed[0]?.detail).toMatch(/markets\[0\]\.position/);
    const nanSize = quoteGame(
      game([market('A', 0.55), market('B', 0.45)], {
        params: { ...QuotingParamsSchema.parse({}), baseSize: Number.NaN },
      }),
    );
    expect(nanSize.quotes).toEqual([]);
    expect(nanSize.suppressed[0]?.detail).toMatch(/params\.baseSize/);
    const dup = quoteGame(game([market('A', 0.55), market('A', 0.45)]));
    expect(dup.suppressed[0]?.detail).toMatch(/duplicated/);
  });

  it('three-way game (home/away/tie) quotes six sides around theo', () => {
    const d = quoteGame(game([market('H', 0.45), market('A', 0.3), market('T', 0.25)]));
    expect(d.quotes).toHaveLength(6);
    const bids = d.quotes.filter((q) => q.side === 'bid').reduce((s, q) => s + q.price, 0);
    expect(bids).toBeLessThan(1_000_000);
  });
});

// ---------------------------------------------------------------------------
// Properties

const TAPERED = makeTickGrid(TAPERED_DECI_CENT_RANGES);
const arbFees: fc.Arbitrary<FeeSchedule> = fc
  .constantFrom('quadratic', 'quadratic_with_maker_fees', 'quadratic_with_combo_maker_fees')
  .map((feeType) => FeeScheduleSchema.parse({ feeType }));

const arbParams = fc
  .record({
    model: fc.constantFrom('as' as const, 'glft' as const, 'linear' as const),
    gamma: fc.double({ min: 0.001, max: 3, noNaN: true }),
    k: fc.double({ min: 10, max: 200, noNaN: true }),
    sigma: fc.double({ min: 1e-5, max: 0.003, noNaN: true }),
    minEdge: fc.integer({ min: 0, max: 30_000 }),
    longshotExtraEdge: fc.integer({ min: 0, max: 30_000 }),
    longshotBelow: fc.constantFrom(0, 0.1, 0.3),
    minCompetitorSize: fc.constantFrom(0, 100, 1_000),
    improveTicks: fc.integer({ min: 0, max: 2 }),
    baseSize: fc.integer({ min: 100, max: 3_000 }),
    sizeStep: fc.constantFrom(1, 100),
    breakEvenShare: fc.double({ min: 0, max: 1, noNaN: true }),
    minTheo: fc.constantFrom(0, 0.03),
  })
  .map((p) => QuotingParamsSchema.parse(p));

function arbBook(grid: TickGrid) {
  const tick = fc.nat().map((i) => grid.ticks[i % grid.ticks.length] as number);
  return fc
    .record({
      a: fc.option(tick),
      b: fc.option(tick),
      sa: fc.integer({ min: 1, max: 5_000 }),
      sb: fc.integer({ min: 1, max: 5_000 }),
    })
    .map(({ a, b, sa, sb }) => {
      // The book of others is never crossed.
      if (a !== null && b !== null && a >= b) return { bestBid: { price: b, size: sb }, bestAsk: null };
      return {
        bestBid: a === null ? null : { price: a, size: sa },
        bestAsk: b === null ? null : { price: b, size: sb },
      };
    });
}

function arbMarket(ticker: string, theo: number, limit: number) {
  return fc.constantFrom(LINEAR_CENT_GRID, TAPERED).chain((grid) =>
    fc
      .record({
        fees: arbFees,
        book: arbBook(grid),
        competition: fc.record({ bid: fc.boolean(), ask: fc.boolean() }),
        position: fc.integer({ min: -2 * limit - 100, max: 2 * limit + 100 }),
        avgEntry: fc.option(fc.integer({ min: 10_000, max: 990_000 })),
        pending: fc.record({ bid: fc.nat(limit + 100), ask: fc.nat(limit + 100) }),
      })
      .map((r) => market(ticker, theo, { ...r, grid })),
  );
}

const arbGame = fc
  .record({
    limit: fc.integer({ min: 0, max: 10_000 }),
    theos: fc.oneof(
      fc.double({ min: 0.02, max: 0.98, noNaN: true }).map((p) => [p, 1 - p]),
      fc
        .tuple(
          fc.double({ min: 0.05, max: 1, noNaN: true }),
          fc.double({ min: 0.05, max: 1, noNaN: true }),
          fc.double({ min: 0.05, max: 1, noNaN: true }),
        )
        .map((w) => w.map((x) => x / (w[0] + w[1] + w[2]))),
    ),
    params: arbParams,
    horizon: fc.integer({ min: 1, max: 48 * HOUR }),
  })
  .chain(({ limit, theos, params, horizon }) =>
    fc
      .tuple(...theos.map((t, i) => arbMarket(`M${i}`, t, limit)))
      .map((markets) => game(markets, { limit, params, stopTime: NOW + horizon })),
  );

const mapNo = (p: number | undefined) => (p === undefined ? undefined : 1_000_000 - p);

function pairTotals(input: GameQuoteInput, d: GameQuoteDecision) {
  const e = d.exposure;
  const size = (j: number, side: 'bid' | 'ask') => find(d, input.markets[j]?.ticker ?? '', side)?.size ?? 0;
  const out: { added: number; total: number }[] = [];
  for (let i = 0; i < e.length; i += 1) {
    for (let k = 0; k < e.length; k += 1) {
      if (i === k) continue;
      const b = i < input.markets.length ? size(i, 'bid') : 0;
      const a = k < input.markets.length ? size(k, 'ask') : 0;
      const pb = input.markets[i]?.pending.bid ?? 0;
      const pa = input.markets[k]?.pending.ask ?? 0;
      // A side's quote is the total its one order will hold: an order in flight counts once, at the larger size.
      out.push({
        added: Math.max(0, b - pb) + Math.max(0, a - pa),
        total: (e[i] as number) + Math.max(pb, b) - (e[k] as number) + Math.max(pa, a),
      });
    }
  }
  return out;
}

describe('quoteGame properties', () => {
  it('every side decided once; prices on the grid in (0,1); bid < ask; post-only vs the book', () => {
    fc.assert(
      fc.property(arbGame, (input) => {
        const d = quoteGame(input);
        const keys = [...d.quotes, ...d.suppressed].map((x) => `${x.ticker}/${x.side}`).sort();
        expect(keys).toEqual(input.markets.flatMap((m) => [`${m.ticker}/ask`, `${m.ticker}/bid`]).sort());
        for (const q of d.quotes) {
          const m = input.markets.find((x) => x.ticker === q.ticker) as MarketQuoteInput;
          expect(isOnGrid(m.grid, q.price)).toBe(true);
          expect(q.price).toBeGreaterThan(0);
          expect(q.price).toBeLessThan(1_000_000);
          expect(q.size % input.params.sizeStep).toBe(0);
          expect(q.size).toBeGreaterThanOrEqual(input.params.minSize);
          if (q.side === 'bid' && m.book.bestAsk) expect(q.price).toBeLessThan(m.book.bestAsk.price);
          if (q.side === 'ask' && m.book.bestBid) expect(q.price).toBeGreaterThan(m.book.bestBid.price);
        }
        for (const m of input.markets) {
          const b = find(d, m.ticker, 'bid');
          const a = find(d, m.ticker, 'ask');
          if (b && a) expect(b.price).toBeLessThan(a.price);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('bid < theo < ask with at least min edge after the maker fee, except break-even', () => {
    fc.assert(
      fc.property(arbGame, (input) => {
        const d = quoteGame(input);
        for (const q of d.quotes) {
          const m = input.markets.find((x) => x.ticker === q.ticker) as MarketQuoteInput;
          const theo = (m.theo as number) * 1_000_000;
          const fee = feePerContract(m.fees, 'maker', q.price, q.size);
          const edge = q.side === 'bid' ? theo - q.price - fee : q.price - theo - fee;
          expect(q.edge).toBe(Math.floor(edge));
          if (q.mode === 'break-even') {
            // only on the reducing side, never worse than the entry net of the exit fee
            const risk = d.markets.find((x) => x.ticker === q.ticker);
            expect(risk?.breakEven).toBe(true);
            expect(q.side).toBe((risk?.inventory ?? 0) > 0 ? 'ask' : 'bid');
            const entry = m.avgEntry as number;
            if (q.side === 'ask') expect(q.price - fee).toBeGreaterThanOrEqual(entry - 1e-6);
            else expect(q.price + fee).toBeLessThanOrEqual(entry + 1e-6);
          } else {
            if (q.side === 'bid') expect(q.price).toBeLessThan(theo);
            else expect(q.price).toBeGreaterThan(theo);
            expect(edge).toBeGreaterThanOrEqual(
              Math.max(requiredEdge(input.params, m.theo as number, q.side), 1),
            );
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('no quote adds exposure past the limit, orders in flight counted as filled', () => {
    fc.assert(
      fc.property(arbGame, (input) => {
        const d = quoteGame(input);
        for (const p of pairTotals(input, d))
          if (p.added > 0) expect(p.total).toBeLessThanOrEqual(input.limit);
      }),
      { numRuns: 300 },
    );
  });

  it('our own quotes never lock in a loss across the game (all bids < $1, all asks > $1, fees included)', () => {
    fc.assert(
      fc.property(arbGame, (input) => {
        const d = quoteGame(input);
        for (const side of ['bid', 'ask'] as const) {
          const legs = d.quotes.filter((q) => q.side === side);
          if (legs.length < input.markets.length) continue;
          const total = legs.reduce((s, q) => {
            const m = input.markets.find((x) => x.ticker === q.ticker) as MarketQuoteInput;
            const fee = feePerContract(m.fees, 'maker', q.price, q.size);
            return s + (side === 'bid' ? q.price + fee : q.price - fee);
          }, 0);
          if (side === 'bid') expect(total).toBeLessThan(1_000_000);
          else expect(total).toBeGreaterThan(1_000_000);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('two-way: on A’s price scale our implied best bid stays below our implied best ask', () => {
    // bid B at b ≡ ask A at 1 − b; ask B at a ≡ bid A at 1 − a
    fc.assert(
      fc.property(
        arbGame.filter((g) => g.markets.length === 2),
        (input) => {
          const d = quoteGame(input);
          const [a, b] = input.markets as [MarketQuoteInput, MarketQuoteInput];
          const bids = [find(d, a.ticker, 'bid')?.price, mapNo(find(d, b.ticker, 'ask')?.price)];
          const asks = [find(d, a.ticker, 'ask')?.price, mapNo(find(d, b.ticker, 'bid')?.price)];
          const bestBid = Math.max(...bids.filter((x): x is number => x !== undefined));
          const bestAsk = Math.min(...asks.filter((x): x is number => x !== undefined));
          expect(bestBid).toBeLessThan(bestAsk);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('no quote at or after the stop time', () => {
    fc.assert(
      fc.property(arbGame, fc.integer({ min: 0, max: 10 * HOUR }), (input, late) => {
        const d = quoteGame({ ...input, now: (input.stopTime as number) + late });
        expect(d.quotes).toEqual([]);
        expect(d.suppressed.every((s) => s.reason === 'stop-time')).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('monotonic skew: more long A → lower (or equal) bid and ask on A, higher on B', () => {
    const arbTwoWay = arbGame.filter((g) => g.markets.length === 2);
    fc.assert(
      fc.property(arbTwoWay, fc.integer({ min: 1, max: 5_000 }), (input, more) => {
        const lessLong = quoteGame(input);
        const [a, b] = input.markets as [MarketQuoteInput, MarketQuoteInput];
        const moreLong = quoteGame({ ...input, markets: [{ ...a, position: a.position + more }, b] });
        for (const side of ['bid', 'ask'] as const) {
          const a1 = find(lessLong, a.ticker, side);
          const a2 = find(moreLong, a.ticker, side);
          if (a1 && a2) expect(a2.price).toBeLessThanOrEqual(a1.price);
          const b1 = find(lessLong, b.ticker, side);
          const b2 = find(moreLong, b.ticker, side);
          if (b1 && b2) expect(b2.price).toBeGreaterThanOrEqual(b1.price);
        }
      }),
      { numRuns: 300 },
    );
  });
});
