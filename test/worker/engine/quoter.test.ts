import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUOTING_PARAMS, type QuotingParams } from '../../../shared/pricing/params.ts';
import {
  DEFAULT_COMPETITION_MEMORY_MS,
  EMPTY_GAME_MEMORY,
  type GameMemory,
  gameQuoter,
  quoterSettings,
  quoteWithMemory,
  sweptSide,
} from '../../../worker/engine/adapters/quoter.ts';
import type { BookLevel, LiveOrder, MarketBook, QuoteContext } from '../../../worker/engine/ports.ts';
import { referenceGameQuoter } from './reference-decisions.ts';

const T0 = Date.UTC(2026, 10, 25, 18, 0, 0);
const A = 'KXNBAGAME-26NOV25BOSMIL-BOS';
const B = 'KXNBAGAME-26NOV25BOSMIL-MIL';
const c = (cents: number) => cents * 10_000;

function book(ticker: string, bids: BookLevel[], asks: BookLevel[]): MarketBook {
  return { ticker, bids, asks, valid: true, updatedMs: T0 };
}

function resting(ticker: string, side: 'bid' | 'ask', price: number, remaining = 1_000): LiveOrder {
  return {
    orderId: `o-${ticker}-${side}`,
    clientOrderId: null,
    ticker,
    side,
    price,
    remaining,
    filled: 0,
    state: 'resting',
    sinceMs: T0,
  };
}

/** Theo 50/50; flat; stop 1 h out. Rival's bid in A at `rivalBid`, our resting bid at `ourBid`. */
function ctx(now: number, rivalBid: number | null, ourBid: number | null): QuoteContext {
  const bids: BookLevel[] = [];
  if (rivalBid !== null) bids.push({ price: rivalBid, size: 500 });
  if (ourBid !== null) {
    const same = bids.find((l) => l.price === ourBid);
    if (same) same.size += 1_000;
    else bids.push({ price: ourBid, size: 1_000 });
  }
  bids.sort((x, y) => y.price - x.price);
  return {
    game: {
      eventTicker: 'KXNBAGAME-26NOV25BOSMIL',
      seriesTicker: 'KXNBAGAME',
      sport: 'nba',
      title: 'Boston at Milwaukee',
      oddsEventId: 'odds-1',
      markets: [
        { ticker: A, outcome: 'Boston' },
        { ticker: B, outcome: 'Milwaukee' },
      ],
      kalshiStartMs: T0 + 3_600_000,
      oddsCommenceMs: T0 + 3_600_000,
    },
    theo: { oddsEventId: 'odds-1', probabilities: { Boston: 0.5, Milwaukee: 0.5 }, updatedMs: now, books: 5 },
    books: new Map([
      [A, book(A, bids, [{ price: c(97), size: 1_000 }])],
      [B, book(B, [{ price: c(3), size: 1_000 }], [{ price: c(97), size: 1_000 }])],
    ]),
    positions: new Map(),
    entryPrices: new Map(),
    ownOrders: ourBid === null ? [] : [resting(A, 'bid', ourBid)],
    limit: 3_000,
    stopAtMs: T0 + 3_300_000,
    now,
  };
}

/**
 * The rules before #14's combination and news guard (docs/STRATEGY-RESULTS.md §14, §15): each leg's own
 * fills, released by any newer theo, the blind size taper, no news hold (the reference quoter's rules).
 */
const PER_LEG: QuotingParams = {
  ...DEFAULT_QUOTING_PARAMS,
  sweepScope: 'leg',
  sweepRelease: 'theo-update',
  newsSweepSize: 0,
  toxicityTaper: false,
};

const bidOf = (q: ReturnType<ReturnType<typeof gameQuoter>>) =>
  q.quotes.find((x) => x.ticker === A && x.side === 'bid');

describe('gameQuoter competition memory', () => {
  const quoter = () => gameQuoter({ params: DEFAULT_QUOTING_PARAMS });

  it('alone: the monopsony bid (theo − ≈1/k = 47.5¢, floored to 47¢)', () => {
    const q = quoter()(ctx(T0, null, null));
    expect(bidOf(q)).toMatchObject({ price: c(47) });
    expect(q.modes[`${A}|bid`]).toBe('monopsony');
  });

  it('outbid by a rival: improve its price by a tick, then fade back to monopsony once it has gone', () => {
    const qt = quoter();
    // we rest at 46¢, a rival bids 47¢: we are outbid → 48¢ competitive (the ceiling, theo − 2¢)
    let q = qt(ctx(T0, c(47), c(46)));
    expect(bidOf(q)).toMatchObject({ price: c(48) });
    expect(q.modes[`${A}|bid`]).toBe('competitive');
    expect(qt.competition.has(`${A}|bid`)).toBe(true);
    // the rival leaves; within the memory we stay competitive but with nobody to improve on
    // we are back at the monopsony price (competition never makes us more passive)
    q = qt(ctx(T0 + 10_000, null, c(48)));
    expect(bidOf(q)).toMatchObject({ price: c(47) });
    expect(qt.competition.has(`${A}|bid`)).toBe(true);
    // a rival at 47¢ re-appears BEHIND our resting 48¢ after the memory ran out: not an outbid,
    // so we stay at the monopsony price instead of chasing it up to the ceiling
    q = qt(ctx(T0 + DEFAULT_COMPETITION_MEMORY_MS + 1, c(47), c(48)));
    expect(qt.competition.has(`${A}|bid`)).toBe(false);
    expect(bidOf(q)).toMatchObject({ price: c(47) });
    expect(q.modes[`${A}|bid`]).toBe('monopsony');
  });

  it('a rival that keeps joining us keeps the side competitive', () => {
    const qt = quoter();
    for (let i = 0; i < 10; i++) {
      const now = T0 + i * 30_000;
      const q = qt(ctx(now, c(47), c(47)));
      expect(qt.competition.has(`${A}|bid`)).toBe(true);
      expect(bidOf(q)).toMatchObject({ price: c(48) });
      expect(q.modes[`${A}|bid`]).toBe('competitive');
    }
  });

  it('the memory length is configurable', () => {
    const qt = gameQuoter({ params: DEFAULT_QUOTING_PARAMS, competitionMemoryMs: 5_000 });
    qt(ctx(T0, c(47), c(46)));
    expect(qt.competition.has(`${A}|bid`)).toBe(true);
    qt(ctx(T0 + 4_999, null, c(48)));
    expect(qt.competition.has(`${A}|bid`)).toBe(true);
    qt(ctx(T0 + 5_000, null, c(48)));
    expect(qt.competition.has(`${A}|bid`)).toBe(false);
  });
});

describe('gameQuoter sweep guard', () => {
  const at = (now: number, position: number, theoMs: number): QuoteContext => {
    const base = ctx(now, null, null);
    return {
      ...base,
      positions: new Map([[A, position]]),
      theo: { ...base.theo, updatedMs: theoMs },
    };
  };
  const slots = (q: ReturnType<ReturnType<typeof gameQuoter>>) =>
    q.quotes.filter((x) => x.ticker === A).map((x) => x.side);

  it('sweptSide: net fills ≥ size one way since the current theo, within the window', () => {
    const moves = [
      { t: 0, delta: 600, theoMs: 5 },
      { t: 1_000, delta: 400, theoMs: 5 },
    ];
    expect(sweptSide(moves, 2_000, 5, 1_000, 30_000)).toBe('bid');
    expect(sweptSide(moves, 2_000, 6, 1_000, 30_000)).toBeNull(); // a newer theo
    expect(sweptSide(moves, 30_001, 5, 1_000, 30_000)).toBeNull(); // window passed for the first move
    expect(sweptSide([{ t: 0, delta: -1_000, theoMs: 5 }], 1, 5, 1_000, 30_000)).toBe('ask');
    expect(sweptSide([...moves, { t: 1_500, delta: -500, theoMs: 5 }], 2_000, 5, 1_000, 30_000)).toBeNull();
  });

  it('per leg, theo-update release: pulls the hit side after a sweep until the theo refreshes', () => {
    const qt = gameQuoter({ params: PER_LEG });
    expect(slots(qt(at(T0, 0, T0)))).toEqual(['bid', 'ask']);
    // our bid in A was hit for 10 contracts; theo unchanged: the bid is pulled, the ask stays
    const q = qt(at(T0 + 1_000, 1_000, T0));
    expect(slots(q)).toEqual(['ask']);
    expect(q.modes[`${A}|bid`]).toBe('off:swept');
    expect(slots(qt(at(T0 + 5_000, 1_000, T0)))).toEqual(['ask']);
    // a newer theo: quoting resumes (with the inventory skew)
    expect(slots(qt(at(T0 + 6_000, 1_000, T0 + 6_000)))).toEqual(['bid', 'ask']);
  });

  it("game scope, theo-moved release: a refresh at the same theo keeps the swept direction pulled on both legs; a theo that moves the fills' way releases it", () => {
    const at2 = (now: number, position: number, theoMs: number, boston: number): QuoteContext => {
      const base = at(now, position, theoMs);
      return { ...base, theo: { ...base.theo, probabilities: { Boston: boston, Milwaukee: 1 - boston } } };
    };
    const sides = (q: ReturnType<ReturnType<typeof gameQuoter>>) =>
      q.quotes.map((x) => `${x.ticker === A ? 'A' : 'B'} ${x.side}`).sort();
    const qt = gameQuoter({
      params: { ...DEFAULT_QUOTING_PARAMS, sweepScope: 'game', sweepRelease: 'theo-moved' },
    });
    expect(sides(qt(at2(T0, 0, T0, 0.5)))).toEqual(['A ask', 'A bid', 'B ask', 'B bid']);
    // our bid in Boston hit for 10 contracts: "long Boston" is pulled on both legs (A bid, B ask)
    expect(sides(qt(at2(T0 + 1_000, 1_000, T0, 0.5)))).toEqual(['A ask', 'B bid']);
    // the books refresh but say the same: the takers knew something the theo has not caught — still pulled
    expect(sides(qt(at2(T0 + 6_000, 1_000, T0 + 6_000, 0.5)))).toEqual(['A ask', 'B bid']);
    // the theo falls 3¢ on Boston, the fills' way (more than minEdge, 2¢): quoting resumes on all four sides
    expect(sides(qt(at2(T0 + 9_000, 1_000, T0 + 9_000, 0.47)))).toHaveLength(4);
  });

  it('game scope: a bid hit on one team and an ask lifted on the other add up (one direction)', () => {
    // 5 contracts bought on Boston, 5 sold on Milwaukee: 10 contracts long Boston, below the per-leg size
    const both = (now: number, a: number, b: number): QuoteContext => {
      const base = ctx(now, null, null);
      return {
        ...base,
        positions: new Map([
          [A, a],
          [B, b],
        ]),
        theo: { ...base.theo, updatedMs: T0 },
      };
    };
    const sides = (q: ReturnType<ReturnType<typeof gameQuoter>>) =>
      q.quotes.map((x) => `${x.ticker === A ? 'A' : 'B'} ${x.side}`).sort();
    const leg = gameQuoter({ params: PER_LEG });
    const game = gameQuoter({ params: { ...DEFAULT_QUOTING_PARAMS, sweepScope: 'game' } });
    for (const qt of [leg, game]) qt(both(T0, 0, 0));
    expect(sides(leg(both(T0 + 1_000, 500, -500)))).toEqual(['A ask', 'A bid', 'B ask', 'B bid']);
    const q = game(both(T0 + 1_000, 500, -500));
    // the sides that would add to "long Boston" are pulled on both legs; the reducing ones stay
    expect(sides(q)).toEqual(['A ask', 'B bid']);
    expect(q.modes[`${A}|bid`]).toBe('off:swept');
    expect(q.modes[`${B}|ask`]).toBe('off:swept');
    // opposite directions cancel out: bought on both teams is no sweep
    const g2 = gameQuoter({ params: { ...DEFAULT_QUOTING_PARAMS, sweepScope: 'game' } });
    g2(both(T0, 0, 0));
    expect(sides(g2(both(T0 + 1_000, 500, 500)))).toHaveLength(4);
  });

  it('game scope and theo-moved release only ever remove quotes (property)', () => {
    let pulls = 0;
    const step = fc.record({
      dt: fc.integer({ min: 1, max: 20_000 }),
      a: fc.integer({ min: -2_000, max: 2_000 }),
      b: fc.integer({ min: -2_000, max: 2_000 }),
      theo: fc.double({ min: 0.2, max: 0.8, noNaN: true }),
      refresh: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        const guarded = gameQuoter({
          params: { ...DEFAULT_QUOTING_PARAMS, sweepScope: 'game', sweepRelease: 'theo-moved' },
        });
        const plain = gameQuoter({ params: DEFAULT_QUOTING_PARAMS, sweepSize: 1e9 });
        let now = T0;
        let theoMs = T0;
        for (const s of steps) {
          now += s.dt;
          if (s.refresh) theoMs = now;
          const base = ctx(now, null, null);
          const c1: QuoteContext = {
            ...base,
            positions: new Map([
              [A, s.a],
              [B, s.b],
            ]),
            theo: {
              ...base.theo,
              probabilities: { Boston: s.theo, Milwaukee: 1 - s.theo },
              updatedMs: theoMs,
            },
          };
          const g = guarded(c1).quotes;
          const u = plain(c1).quotes;
          for (const q of g) expect(u).toContainEqual(q);
          if (g.length < u.length) pulls++;
        }
      }),
      { numRuns: 200 },
    );
    expect(pulls).toBeGreaterThan(0); // the guard did act in these sequences
  });

  it('small fills do not trip it, and it never adds a quote', () => {
    const qt = gameQuoter({ params: DEFAULT_QUOTING_PARAMS });
    const plain = gameQuoter({ params: DEFAULT_QUOTING_PARAMS, sweepSize: 1e9 });
    qt(at(T0, 0, T0));
    plain(at(T0, 0, T0));
    for (const [i, pos] of [300, 600, 900, 1_500, 1_200].entries()) {
      const c1 = at(T0 + (i + 1) * 1_000, pos, T0);
      const guarded = qt(c1).quotes;
      const unguarded = plain(c1).quotes;
      for (const g of guarded) expect(unguarded).toContainEqual(g);
      if (pos < 1_000) expect(guarded).toEqual(unguarded);
    }
  });
});

describe('quoteWithMemory: (context, memory) → { quotes, memory′ }', () => {
  const settings = quoterSettings({ params: DEFAULT_QUOTING_PARAMS });
  const freeze = (m: GameMemory): GameMemory => {
    for (const v of m.values()) {
      Object.freeze(v.moves);
      Object.freeze(v);
    }
    return m;
  };

  it('the decision depends on the memory passed in, and only on it', () => {
    const c0 = ctx(T0, null, null);
    const first = quoteWithMemory(c0, EMPTY_GAME_MEMORY, settings);
    // our bid in A filled for 10 contracts since the current theo
    const hit: QuoteContext = { ...ctx(T0 + 1_000, null, null), positions: new Map([[A, 1_000]]) };
    hit.theo = { ...hit.theo, updatedMs: T0 };
    const withPast = quoteWithMemory(hit, freeze(first.memory), settings);
    expect(withPast.quotes.modes[`${A}|bid`]).toBe('off:swept');
    expect(withPast.memory.get(A)?.moves).toEqual([{ t: T0 + 1_000, delta: 1_000, theoMs: T0, theo: 0.5 }]);
    // the same context with no memory: no position change seen, nothing pulled
    const fresh = quoteWithMemory(hit, EMPTY_GAME_MEMORY, settings);
    expect(fresh.quotes.modes[`${A}|bid`]).not.toBe('off:swept');
    // same inputs, same outputs; the memory passed in is left as it was (frozen above)
    expect(quoteWithMemory(hit, first.memory, settings)).toEqual(withPast);
    expect(first.memory.get(A)?.moves).toEqual([]);
  });

  it('competition memory is carried in the returned memory and fades', () => {
    const outbidNow = quoteWithMemory(ctx(T0, c(47), c(46)), EMPTY_GAME_MEMORY, settings);
    expect(outbidNow.memory.get(A)?.bidOutbidMs).toBe(T0);
    const later = quoteWithMemory(ctx(T0 + 10_000, null, c(48)), freeze(outbidNow.memory), settings);
    expect(later.memory.get(A)?.bidOutbidMs).toBe(T0);
    const gone = quoteWithMemory(
      ctx(T0 + DEFAULT_COMPETITION_MEMORY_MS, null, c(48)),
      freeze(later.memory),
      settings,
    );
    expect(gone.memory.get(A)?.bidOutbidMs).toBeUndefined();
    expect(gone.quotes.modes[`${A}|bid`]).toBe('monopsony');
  });

  it('the engine config’s quoting params set the memory lengths', () => {
    const params = {
      ...DEFAULT_QUOTING_PARAMS,
      competitionMemoryMs: 5_000,
      sweepSize: 300,
      sweepWindowMs: 1_000,
    };
    const s = quoterSettings({ params });
    expect(s.competitionMemoryMs).toBe(5_000);
    expect(s.sweepRule).toMatchObject({ size: 300, windowMs: 1_000 });
  });
});

describe('gameQuoter: minimum edge from the theo quality', () => {
  it('books that disagree push the competitive ceiling back by their dispersion', () => {
    const params = { ...DEFAULT_QUOTING_PARAMS, minEdge: 10_000, dispersionEdge: 1 };
    const outbidAt = (dispersion: number | undefined) => {
      const c0 = ctx(T0, c(47), c(46)); // a rival at 47¢ outbids our 46¢: we compete up to the ceiling
      if (dispersion !== undefined) c0.theo = { ...c0.theo, dispersion };
      return bidOf(gameQuoter({ params })(c0));
    };
    // agreeing books: 1¢ edge (no maker fee here), ceiling 49¢ → improve the rival to 48¢
    expect(outbidAt(undefined)).toMatchObject({ price: c(48) });
    expect(outbidAt(0)).toMatchObject({ price: c(48) });
    // books 3¢ apart: the ceiling is theo − 4¢ = 46¢, behind the rival: we do not follow it
    expect(outbidAt(0.03)?.price).toBeLessThanOrEqual(c(46));
  });
});

describe('gameQuoter equals the reference (pre-rewrite) quoter', () => {
  const M = ['G-A', 'G-B', 'G-T'] as const;
  const OUT = ['Home', 'Away', 'Tie'] as const;
  const cents = fc.integer({ min: 1, max: 99 }).map(c);
  const level = fc.record({ price: cents, size: fc.integer({ min: -100, max: 3_000 }) });
  const levels = fc
    .array(level, { maxLength: 6 })
    .map((ls) => [...new Map(ls.map((l) => [l.price, l])).values()]);
  const order = fc.record({
    m: fc.integer({ min: 0, max: 2 }),
    side: fc.constantFrom<'bid' | 'ask'>('bid', 'ask'),
    price: cents,
    remaining: fc.integer({ min: 0, max: 2_000 }),
    state: fc.constantFrom<LiveOrder['state']>('resting', 'resting', 'pending', 'uncertain'),
  });
  const step = fc.record({
    dt: fc.integer({ min: 0, max: 40_000 }),
    bids: fc.array(levels, { minLength: 3, maxLength: 3 }),
    asks: fc.array(levels, { minLength: 3, maxLength: 3 }),
    missingBook: fc.integer({ min: -1, max: 2 }),
    own: fc.array(order, { maxLength: 6 }),
    positions: fc.array(fc.integer({ min: -3_000, max: 3_000 }), { minLength: 3, maxLength: 3 }),
    theo: fc.array(fc.double({ min: 0.02, max: 0.9, noNaN: true }), { minLength: 3, maxLength: 3 }),
    theoRefresh: fc.boolean(),
    entry: fc.option(cents, { nil: undefined }),
  });
  const game = (n: 2 | 3) => ({
    eventTicker: 'G',
    seriesTicker: 'S',
    sport: 'nba',
    title: 'g',
    oddsEventId: 'o',
    markets: M.slice(0, n).map((ticker, i) => ({ ticker, outcome: OUT[i]! })),
    kalshiStartMs: T0 + 10_000_000,
    oddsCommenceMs: T0 + 10_000_000,
  });

  it('same quotes, modes, reasons and competition slots over random sequences of requotes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<2 | 3>(2, 3),
        fc.array(step, { minLength: 1, maxLength: 12 }),
        (n, steps) => {
          // the reference predates the game-scope guard: it is compared on the per-leg rule it implements
          const opts = {
            params: PER_LEG,
            competitionMemoryMs: 30_000,
            sweepSize: 500,
            sweepWindowMs: 45_000,
          };
          const ours = gameQuoter(opts);
          const ref = referenceGameQuoter(opts);
          const g = game(n);
          let now = T0;
          let theoMs = T0;
          for (const s of steps) {
            now += s.dt;
            if (s.theoRefresh) theoMs = now;
            const probabilities: Record<string, number> = {};
            g.markets.forEach((m, i) => {
              probabilities[m.outcome] = s.theo[i]!;
            });
            const books = new Map<string, MarketBook | undefined>(
              g.markets.map((m, i) => [
                m.ticker,
                i === s.missingBook
                  ? undefined
                  : book(
                      m.ticker,
                      [...s.bids[i]!].sort((x, y) => y.price - x.price),
                      [...s.asks[i]!].sort((x, y) => x.price - y.price),
                    ),
              ]),
            );
            const ownOrders: LiveOrder[] = s.own
              .filter((o) => o.m < n)
              .map((o, k) => ({
                orderId: `o${k}`,
                clientOrderId: null,
                ticker: M[o.m]!,
                side: o.side,
                price: o.price,
                remaining: o.remaining,
                filled: 0,
                state: o.state,
                sinceMs: now,
              }));
            const context: QuoteContext = {
              game: g,
              theo: { oddsEventId: 'o', probabilities, updatedMs: theoMs, books: 5 },
              books,
              positions: new Map(g.markets.map((m, i) => [m.ticker, s.positions[i]!])),
              entryPrices: new Map(s.entry === undefined ? [] : [[M[0], s.entry]]),
              ownOrders,
              limit: 5_000,
              stopAtMs: T0 + 9_000_000,
              now,
            };
            expect(ours(context)).toEqual(ref(context));
            expect([...ours.competition].sort()).toEqual([...ref.competition].sort());
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('gameQuoter: a 3-way book listed without a TIE market', () => {
  it('long YES on both winners is no hedge: a draw loses both, so the bids shrink to the limit', () => {
    const H = 'KXLALIGAGAME-26NOV25RMABAR-RMA';
    const W = 'KXLALIGAGAME-26NOV25RMABAR-BAR';
    const base = ctx(T0, null, null);
    const q = gameQuoter({ params: DEFAULT_QUOTING_PARAMS })({
      ...base,
      game: {
        ...base.game,
        eventTicker: 'KXLALIGAGAME-26NOV25RMABAR',
        seriesTicker: 'KXLALIGAGAME',
        sport: 'laliga',
        markets: [
          { ticker: H, outcome: 'Real Madrid' },
          { ticker: W, outcome: 'Barcelona' },
        ],
      },
      theo: {
        oddsEventId: 'odds-1',
        probabilities: { 'Real Madrid': 0.45, Barcelona: 0.3, Draw: 0.25 },
        updatedMs: T0,
        books: 5,
      },
      books: new Map([
        [H, book(H, [{ price: c(3), size: 1_000 }], [{ price: c(97), size: 1_000 }])],
        [W, book(W, [{ price: c(3), size: 1_000 }], [{ price: c(97), size: 1_000 }])],
      ]),
      positions: new Map([
        [H, 2_500],
        [W, 2_500],
      ]),
    });
    const bid = (t: string) => q.quotes.find((x) => x.ticker === t && x.side === 'bid');
    // 25 contracts long each: 25 lost on a draw against a limit of 30 leaves at most 5 more on a bid.
    for (const t of [H, W]) expect(bid(t)?.size ?? 0).toBeLessThanOrEqual(500);
    // Each price is on its own side of its 3-way theo.
    expect(bid(H)?.price ?? 0).toBeLessThan(c(45));
    expect(bid(W)?.price ?? 0).toBeLessThan(c(30));
  });
});

describe('gameQuoter: toxicityTaper — the taper follows how our fills marked out', () => {
  // the markouts alone decide (no lot floor): what these tests specify
  const params: QuotingParams = {
    ...DEFAULT_QUOTING_PARAMS,
    toxicityTaper: true,
    toxicityTaperFloor: 'none',
    breakEvenShare: 1,
  };
  const sizeOf = (q: ReturnType<ReturnType<typeof gameQuoter>>, ticker: string, side: 'bid' | 'ask') =>
    q.quotes.find((x) => x.ticker === ticker && x.side === side)?.size ?? 0;
  /** Our A bid is hit for 10 contracts at theo 50¢; two minutes on the theo of Boston is `later`. */
  const markedAt = (later: number) => {
    const qt = gameQuoter({ params, sweepSize: 1e9 });
    qt(ctx(T0, null, null));
    qt({ ...ctx(T0 + 1_000, null, null), positions: new Map([[A, 1_000]]) });
    const c2 = { ...ctx(T0 + 121_000, null, null), positions: new Map([[A, 1_000]]) };
    c2.theo = { ...c2.theo, probabilities: { Boston: later, Milwaukee: 1 - later } };
    return qt(c2);
  };

  it('the theo then rose (benign buy): long 10 of 30, the adding sides keep the base size', () => {
    const q = markedAt(0.53);
    expect([sizeOf(q, A, 'bid'), sizeOf(q, B, 'ask')]).toEqual([1_000, 1_000]);
  });

  it('the theo then fell 3¢ (adverse buy): the adding sides of both legs shrink, the reducing sides do not', () => {
    const q = markedAt(0.47);
    // 10 × 3¢ adverse over 10 + 10 contracts: 1.5¢ a contract, ¾ of the 2¢ min edge → ¾ of the taper
    expect([sizeOf(q, A, 'bid'), sizeOf(q, B, 'ask')]).toEqual([700, 700]);
    expect([sizeOf(q, A, 'ask'), sizeOf(q, B, 'bid')]).toEqual([1_000, 1_000]);
  });

  it('the blind taper (toxicityTaper off) shrinks them whatever the markouts', () => {
    const qt = gameQuoter({ params: { ...params, toxicityTaper: false }, sweepSize: 1e9 });
    qt(ctx(T0, null, null));
    const q = qt({ ...ctx(T0 + 1_000, null, null), positions: new Map([[A, 1_000]]) });
    expect(sizeOf(q, A, 'bid')).toBeLessThan(1_000);
  });
});

describe('gameQuoter: toxicityScope', () => {
  const sizeOf = (q: ReturnType<ReturnType<typeof gameQuoter>>, ticker: string, side: 'bid' | 'ask') =>
    q.quotes.find((x) => x.ticker === ticker && x.side === side)?.size ?? 0;
  /** Bought 10 A at 50¢, the theo fell to 47¢; two minutes on we are short 10 A (sold 20 at 47¢, not yet marked). */
  const shortAfterBadBuy = (toxicityScope: 'direction' | 'game') => {
    const params: QuotingParams = {
      ...DEFAULT_QUOTING_PARAMS,
      toxicityTaper: true,
      toxicityTaperFloor: 'none',
      toxicityScope,
      breakEvenShare: 1,
      newsSweepSize: 0, // no guard pulls a side here (sweepSize 1e9 below): the taper alone
    };
    const qt = gameQuoter({ params, sweepSize: 1e9 });
    qt(ctx(T0, null, null));
    qt({ ...ctx(T0 + 1_000, null, null), positions: new Map([[A, 1_000]]) });
    const c2 = { ...ctx(T0 + 121_000, null, null), positions: new Map([[A, -1_000]]) };
    c2.theo = { ...c2.theo, probabilities: { Boston: 0.47, Milwaukee: 0.53 } };
    return qt(c2);
  };

  it('direction: a bad buy says nothing about selling — short A, the adding sides keep the base size', () => {
    const q = shortAfterBadBuy('direction');
    expect([sizeOf(q, A, 'ask'), sizeOf(q, B, 'bid')]).toEqual([1_000, 1_000]);
  });

  it('game: a bad buy is evidence about the game — short A, the adding sides carry ¾ of the taper', () => {
    const q = shortAfterBadBuy('game');
    expect([sizeOf(q, A, 'ask'), sizeOf(q, B, 'bid')]).toEqual([700, 700]);
  });
});
