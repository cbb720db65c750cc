/**
 * Simulated traders on the real matching engine: noise takers' arrival rate
 * falls with the distance of the best price from the truth, competitors never
 * quote past their ceiling and end a bidding war at it, informed takers pick
 * off stale prices right after a jump.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { competitorTarget } from '../../../sim/traders/competitor.ts';
import { drawContracts, takeProbability } from '../../../sim/traders/noise-taker.ts';
import { TickGrid } from '../../../sim/traders/ticks.ts';
import { game, harness, MIN, START } from './helpers.ts';

const CENT = 10_000;
const LINEAR = new TickGrid([{ start: 0, end: 1_000_000, step: CENT }]);
const TAPERED = new TickGrid([
  { start: 0, end: 100_000, step: 1_000 },
  { start: 100_000, end: 900_000, step: CENT },
  { start: 900_000, end: 1_000_000, step: 1_000 },
]);

describe('tick grid', () => {
  it('snaps bids down and asks up onto a tapered grid, strictly inside (0, 1)', () => {
    expect(TAPERED.floor(55_555)).toBe(55_000);
    expect(TAPERED.ceil(55_555)).toBe(56_000);
    expect(TAPERED.floor(505_000)).toBe(500_000);
    expect(TAPERED.ceil(505_000)).toBe(510_000);
    expect(TAPERED.up(99_000)).toBe(100_000);
    expect(TAPERED.up(100_000)).toBe(110_000);
    expect(TAPERED.down(100_000)).toBe(99_000);
    expect(TAPERED.min).toBe(1_000);
    expect(TAPERED.max).toBe(999_000);
    expect(LINEAR.floor(-5)).toBe(CENT);
    expect(LINEAR.ceil(2_000_000)).toBe(990_000);
  });
});

describe('noise takers', () => {
  it('take with probability exp(−k·δ), capped at 1 for prices better than the truth', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        (d, k) => {
          const p = takeProbability(d, k);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
          expect(takeProbability(d + 1, k)).toBeLessThanOrEqual(p);
        },
      ),
    );
  });

  it('draw ticket sizes within [min, max]; log-uniform sizes are mostly small', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 500 }),
        fc.double({ min: 0, max: 0.9999999, noNaN: true }),
        fc.constantFrom('uniform' as const, 'logUniform' as const),
        (min, extra, u, distribution) => {
          const n = drawContracts({ min, max: min + extra, distribution }, u);
          expect(Number.isInteger(n)).toBe(true);
          expect(n).toBeGreaterThanOrEqual(min);
          expect(n).toBeLessThanOrEqual(min + extra);
        },
      ),
    );
    const sizes = Array.from({ length: 1000 }, (_, i) =>
      drawContracts({ min: 1, max: 200, distribution: 'logUniform' }, i / 1000),
    );
    const median = [...sizes].sort((a, b) => a - b)[500]!;
    expect(median).toBeLessThan(20);
    expect(Math.max(...sizes)).toBeGreaterThan(150);
  });

  it('arrive less often the further the best price sits from the true probability', () => {
    const hours = 3;
    const A = 2; // per minute per side
    const k = 0.2; // per cent
    const fills = (deltaCents: number) => {
      const h = harness({
        games: [game({ startMinute: hours * 60, durationMinutes: 10 })],
        traders: {
          startingBook: null,
          noiseTakers: [
            { name: 'retail', intensityPerMinute: A, decayPerCent: k, contracts: { min: 1, max: 1 } },
          ],
        },
      });
      const ticker = h.world.games[0]!.markets.find((m) => m.outcome === 'home')!.ticker;
      h.engine.deposit('wall', 1e15);
      // A deep resting maker δ cents either side of the true 50¢.
      for (const side of ['bid', 'ask'] as const) {
        const price = 500_000 + (side === 'ask' ? 1 : -1) * deltaCents * CENT;
        h.engine.placeOrder('wall', {
          ticker,
          side,
          price,
          count: 1e7,
          timeInForce: 'good_till_canceled',
          selfTradePrevention: 'maker',
        });
      }
      h.runner.step(START + hours * 60 * MIN);
      return h.runner.actions.filter(
        (a) => a.trader === 'retail' && a.ticker === ticker && a.kind === 'place',
      ).length;
    };
    const distances = [1, 5, 12];
    const at = distances.map(fills);
    expect(at[0]!).toBeGreaterThan(at[1]!);
    expect(at[1]!).toBeGreaterThan(at[2]!);
    // Two sides × A × minutes × exp(−kδ), within sampling error.
    distances.forEach((d, i) => {
      const expected = 2 * A * hours * 60 * Math.exp(-k * d);
      expect(Math.abs(at[i]! - expected)).toBeLessThan(4 * Math.sqrt(expected) + 3);
    });
  });
});

describe('competitor makers', () => {
  const arbitraryTarget = fc.record({
    side: fc.constantFrom('bid' as const, 'ask' as const),
    grid: fc.constantFrom(LINEAR, TAPERED),
    bestOther: fc.option(fc.integer({ min: 1, max: 999 }), { nil: undefined }),
    bestOpposite: fc.option(fc.integer({ min: 1, max: 999 }), { nil: undefined }),
    limit: fc.integer({ min: 1, max: 999 }),
    whenOutbid: fc.constantFrom('sit' as const, 'backoff' as const),
    backoff: fc.integer({ min: 0, max: 10 }),
  });

  it('never quote past their ceiling, never cross, always on the grid (property)', () => {
    fc.assert(
      fc.property(arbitraryTarget, (x) => {
        const snap = (m: number | undefined) => (m === undefined ? undefined : x.grid.floor(m * 1_000));
        const limit = x.side === 'bid' ? x.grid.floor(x.limit * 1_000) : x.grid.ceil(x.limit * 1_000);
        const t = competitorTarget({
          side: x.side,
          grid: x.grid,
          bestOther: snap(x.bestOther),
          bestOpposite: snap(x.bestOpposite),
          limit,
          whenOutbid: x.whenOutbid,
          backoff: x.backoff * CENT,
        });
        if (t === undefined) return;
        expect(x.grid.prices).toContain(t);
        if (x.side === 'bid') expect(t).toBeLessThanOrEqual(limit);
        else expect(t).toBeGreaterThanOrEqual(limit);
        const opp = snap(x.bestOpposite);
        if (opp !== undefined) {
          if (x.side === 'bid') expect(t).toBeLessThan(opp);
          else expect(t).toBeGreaterThan(opp);
        }
      }),
    );
  });

  it('outbid by one tick below the ceiling, share the ceiling, or back off past it', () => {
    const base = {
      side: 'bid' as const,
      grid: LINEAR,
      bestOpposite: undefined,
      limit: 480_000,
      backoff: 3 * CENT,
    };
    expect(competitorTarget({ ...base, bestOther: 400_000, whenOutbid: 'sit' })).toBe(410_000);
    expect(competitorTarget({ ...base, bestOther: 480_000, whenOutbid: 'backoff' })).toBe(480_000);
    expect(competitorTarget({ ...base, bestOther: 490_000, whenOutbid: 'sit' })).toBe(480_000);
    expect(competitorTarget({ ...base, bestOther: 490_000, whenOutbid: 'backoff' })).toBe(450_000);
    expect(
      competitorTarget({ ...base, side: 'ask', limit: 520_000, bestOther: 600_000, whenOutbid: 'sit' }),
    ).toBe(590_000);
  });

  it('in a bidding war on the engine, both end sitting at the shared ceiling and no quote ever passed it', () => {
    const h = harness({
      games: [game({ truth: { home: 0.6, volatility: 0, inGameVolatility: 0 } })],
      traders: {
        startingBook: { bid: '0.03', ask: '0.97', contracts: 10 },
        competitors: [
          { name: 'alpha', edgeCents: 2, requoteMs: 1000, pullMinutesBeforeStart: 1 },
          { name: 'beta', edgeCents: 2, requoteMs: 1500, pullMinutesBeforeStart: 1 },
        ],
      },
    });
    h.runner.step(START + 30 * MIN);
    const home = h.world.games[0]!.markets.find((m) => m.outcome === 'home')!.ticker;
    const book = h.engine.book(home);
    expect(book.bids[0]).toEqual([580_000, 2_000]); // 60¢ − 2¢, both makers' 10 contracts
    expect(book.asks[0]).toEqual([620_000, 2_000]);
    const places = h.runner.actions.filter(
      (a) => a.kind === 'place' && (a.trader === 'alpha' || a.trader === 'beta'),
    );
    expect(places.length).toBeGreaterThan(20); // a real war: many improvements
    for (const a of places) {
      if (a.side === 'bid') expect(a.price!).toBeLessThanOrEqual(a.ceiling!);
      else expect(a.price!).toBeGreaterThanOrEqual(a.ceiling!);
    }
    // They pull before the game starts.
    h.runner.step(START + 60 * MIN);
    expect(h.engine.restingOrders('sim-alpha')).toEqual([]);
    expect(h.engine.restingOrders('sim-beta')).toEqual([]);
  });

  it('with noisy views, no quote ever passes the ceiling of the moment it was placed', () => {
    const h = harness({
      games: [game({ truth: { home: 0.45, volatility: 0.5, inGameVolatility: 0 } })],
      traders: {
        competitors: [
          { name: 'fast', edgeCents: 1, requoteMs: 700, noiseLogit: 0.05, whenOutbid: 'backoff' },
          { name: 'slow', edgeCents: 3, requoteMs: 3000, lagMs: 20_000, noiseLogit: 0.1 },
        ],
      },
    });
    h.runner.step(START + 25 * MIN);
    const places = h.runner.actions.filter((a) => a.kind === 'place' && a.ceiling !== undefined);
    expect(places.length).toBeGreaterThan(40);
    for (const a of places) {
      if (a.side === 'bid') expect(a.price!).toBeLessThanOrEqual(a.ceiling!);
      else expect(a.price!).toBeGreaterThanOrEqual(a.ceiling!);
    }
  });
});

describe('informed takers', () => {
  it('pick off a stale price right after a jump, and only then', () => {
    const h = harness({
      games: [
        game({
          truth: {
            home: 0.5,
            volatility: 0,
            inGameVolatility: 0,
            jumps: [{ atMinute: 10, deltaLogit: 1.2 }],
          },
        }),
      ],
      traders: {
        startingBook: null,
        informedTakers: [
          { name: 'insider', reactionMs: { min: 200, max: 800 }, minEdgeCents: 2, maxContracts: 30 },
        ],
      },
    });
    const home = h.world.games[0]!.markets.find((m) => m.outcome === 'home')!.ticker;
    h.engine.deposit('stale-maker', 1e12);
    h.engine.placeOrder('stale-maker', {
      ticker: home,
      side: 'ask',
      price: 520_000,
      count: 5_000,
      timeInForce: 'good_till_canceled',
      selfTradePrevention: 'maker',
    });
    h.runner.step(START + 10 * MIN - 1);
    expect(h.runner.actions).toEqual([]);
    h.runner.step(START + 10 * MIN + 1000);
    const [buy] = h.runner.actions.filter((a) => a.trader === 'insider');
    expect(buy).toMatchObject({ kind: 'place', side: 'bid', ticker: home, filled: 3_000 });
    expect(buy!.at).toBeGreaterThanOrEqual(START + 10 * MIN + 200);
    expect(buy!.at).toBeLessThanOrEqual(START + 10 * MIN + 800);
    // New truth ≈ 76.9¢: it paid the stale 52¢, never more than truth − edge.
    expect(buy!.price!).toBeLessThanOrEqual(749_000);
    expect(h.engine.positions('stale-maker')[0]!.position).toBe(-3_000);
  });
});
