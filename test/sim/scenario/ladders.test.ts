/**
 * Spread and total ladders in the simulated exchange (issue #17): listed
 * under their series with Kalshi's strike metadata, read back through the
 * REST listing by the production strike mapper (every strike mapped, from
 * metadata, none from the ticker), truths monotone in the strike and
 * consistent with the winner truth, settled from the same draw as the winner.
 */
import { describe, expect, it } from 'vitest';
import { MarketSchema } from '../../../shared/kalshi/schemas/rest.ts';
import { mapStrikeMarkets } from '../../../shared/mapping/strikes.ts';
import { SteppedClock } from '../../../sim/clock.ts';
import { KalshiEngine } from '../../../sim/kalshi/engine.ts';
import { Faults } from '../../../sim/kalshi/faults.ts';
import { marketJson, wsLifecycleMsg } from '../../../sim/kalshi/present.ts';
import { RateLimiter } from '../../../sim/kalshi/ratelimit.ts';
import { handleRest, type RestContext } from '../../../sim/kalshi/rest.ts';
import { type GameLadders, marketsOf, trueYes } from '../../../sim/scenario/ladders.ts';
import { ScenarioRunner } from '../../../sim/scenario/runner.ts';
import { loadScenario, parseScenario } from '../../../sim/scenario/schema.ts';
import { buildWorld } from '../../../sim/scenario/world.ts';
import { game, harness, MIN, PINNACLE, START, world } from '../traders/helpers.ts';

const NFL = {
  id: 'phi-was',
  league: 'NFL',
  oddsSportKey: 'americanfootball_nfl',
  seriesTicker: 'KXNFLGAME',
  home: { name: 'Washington Commanders', code: 'WAS', short: 'Washington' },
  away: { name: 'Philadelphia Eagles', code: 'PHI', short: 'Philadelphia' },
  startMinute: 60,
  durationMinutes: 180,
  truth: { home: 0.35, volatility: 0.1, inGameVolatility: 1 },
};
const ON = { spreads: true, totals: true, strikes: 7 };

function rest(ctx: RestContext, path: string, query: Record<string, string> = {}) {
  const r = handleRest(ctx, {
    method: 'GET',
    path,
    query: new URLSearchParams(query),
    body: undefined,
    userId: undefined,
  });
  expect(r.status).toBe(200);
  return r.body as Record<string, unknown>;
}

describe('ladder listing', () => {
  it('lists spread and total events under their series, every strike mapped from metadata by mapStrikeMarkets', () => {
    const h = harness({ games: [{ ...NFL, ladders: ON }] });
    const ctx: RestContext = {
      engine: h.engine,
      faults: new Faults(),
      limiter: new RateLimiter({ enabled: false }),
      later: () => {},
    };
    const sim = h.world.games[0]!;
    expect(sim.ladders?.events.map((e) => e.seriesTicker)).toEqual(['KXNFLSPREAD', 'KXNFLTOTAL']);
    const series = rest(ctx, '/series/KXNFLSPREAD').series as Record<string, unknown>;
    expect(series.fee_type).toBe('quadratic');
    for (const ev of sim.ladders!.events) {
      const events = rest(ctx, '/events', { series_ticker: ev.seriesTicker, with_nested_markets: 'true' })
        .events as Record<string, unknown>[];
      expect(events.map((e) => e.event_ticker)).toEqual([ev.eventTicker]);
      expect(events[0]!.mutually_exclusive).toBe(false);
      const raw = rest(ctx, '/markets', { event_ticker: ev.eventTicker }).markets as unknown[];
      expect(raw).toHaveLength(7);
      const markets = raw.map((m) => MarketSchema.parse(m));
      for (const m of markets) {
        expect(m.strike_type).toBe('greater');
        expect(typeof m.floor_strike).toBe('number');
        expect(m.status).toBe('active');
      }
      const gameRef = { sportKey: NFL.oddsSportKey, homeTeam: NFL.home.name, awayTeam: NFL.away.name };
      const r = mapStrikeMarkets(markets, ev.seriesTicker, gameRef);
      expect(r.unmapped).toEqual([]);
      expect(r.mapped).toHaveLength(7);
      for (const m of r.mapped) expect(m.source).toBe('metadata');
      // The mapping must not come from the ticker: the same markets under scrambled tickers map alike.
      const scrambled = mapStrikeMarkets(
        markets.map((m, i) => ({ ...m, ticker: `X-${i}` })),
        ev.seriesTicker,
        gameRef,
      );
      expect(scrambled.mapped.map((m) => m.query)).toEqual(r.mapped.map((m) => m.query));
      // Mapped strike = the simulator's own definition of YES.
      for (const [i, m] of r.mapped.entries()) {
        const own = ev.markets[i]!;
        if (own.kind === 'total')
          expect(m.query).toEqual({ kind: 'total', direction: 'over', threshold: own.floorStrike });
        else if (own.team === 'home')
          expect(m.query).toEqual({ kind: 'spread', direction: 'over', threshold: own.floorStrike });
        else expect(m.query).toEqual({ kind: 'spread', direction: 'under', threshold: -own.floorStrike });
      }
    }
  });

  it.each(['nfl-sunday-ladders', 'nba-ladders-night'])(
    'shipped %s: every strike of every game maps from metadata to its own definition',
    (name) => {
      const w = buildWorld(loadScenario(`sim/scenarios/${name}.json`), { startMs: START });
      const clock = new SteppedClock(START);
      const engine = new KalshiEngine({ clock, seed: w.seed });
      new ScenarioRunner({ world: w, exchange: engine, clock }).setup();
      for (const sim of w.games) {
        const ref = {
          sportKey: sim.game.oddsSportKey,
          homeTeam: sim.game.home.name,
          awayTeam: sim.game.away.name,
        };
        expect(sim.ladders?.events).toHaveLength(2);
        for (const ev of sim.ladders!.events) {
          const markets = ev.markets.map((m) =>
            MarketSchema.parse(marketJson(engine, engine.market(m.ticker)!)),
          );
          const r = mapStrikeMarkets(markets, ev.seriesTicker, ref);
          expect(r.unmapped).toEqual([]);
          expect(r.mapped.map((m) => m.team)).toEqual(ev.markets.map((m) => m.team));
        }
      }
    },
  );

  it('is off by default: a scenario without the switch lists only winners', () => {
    const w = world({ games: [NFL] });
    expect(w.games[0]!.ladders).toBeUndefined();
    expect(marketsOf(w.games[0]!)).toBe(w.games[0]!.markets);
  });

  it('a scenario-wide switch skips sports without ladder series; a game-level switch on one is refused', () => {
    const w = world({
      ladders: ON,
      games: [
        NFL,
        game({
          id: 'ars-che',
          league: 'EPL',
          oddsSportKey: 'soccer_epl',
          seriesTicker: 'KXEPLGAME',
          outcomes: 3,
          home: { name: 'Arsenal', code: 'ARS' },
          away: { name: 'Chelsea', code: 'CFC' },
          truth: { home: 0.5, draw: 0.25 },
        }),
      ],
    });
    expect(w.games[0]!.ladders?.markets).toHaveLength(14);
    expect(w.games[1]!.ladders).toBeUndefined();
    expect(() =>
      parseScenario({
        name: 'x',
        bookmakers: [PINNACLE],
        games: [game({ oddsSportKey: 'icehockey_nhl', seriesTicker: 'KXNHLGAME', ladders: ON })],
      }),
    ).toThrow(/no spread series/);
  });
});

function truths(l: GameLadders, kind: 'spread' | 'total', ms: number): { strike: number; p: number }[] {
  return l.markets
    .filter((m) => m.kind === kind)
    .map((m) => ({
      strike: m.kind === 'total' || m.team === 'home' ? m.floorStrike : -m.floorStrike,
      p: m.kind === 'total' || m.team === 'home' ? l.probability(m, ms) : 1 - l.probability(m, ms),
    }))
    .sort((a, b) => a.strike - b.strike);
}

describe('ladder truth and settlement', () => {
  it('P(home margin > s) and P(total > s) fall as the strike rises, at every instant', () => {
    const w = world({ games: [{ ...NFL, ladders: { ...ON, strikes: 11 } }] }, 3);
    const l = w.games[0]!.ladders!;
    for (const ms of [START, START + 90 * MIN, START + 200 * MIN])
      for (const kind of ['spread', 'total'] as const) {
        const ps = truths(l, kind, ms).map((x) => x.p);
        for (let i = 1; i < ps.length; i++) expect(ps[i]!).toBeLessThan(ps[i - 1]!);
        for (const p of ps) expect(p > 0 && p < 1).toBe(true);
      }
  });

  it('trueYes of a winner market is the winner truth; a ladder market reads the ladder truth', () => {
    const w = world({ games: [{ ...NFL, ladders: ON }] });
    const sim = w.games[0]!;
    const [away, home] = sim.markets;
    expect(trueYes(sim, home!, START)).toBeCloseTo(0.35, 12);
    expect(trueYes(sim, away!, START)).toBeCloseTo(0.65, 12);
    const ladder = sim.ladders!.markets[0]!;
    expect(trueYes(sim, ladder, START)).toBe(sim.ladders!.probability(ladder, START));
  });

  it('settles from one draw: margin > 0 ⇔ the home winner market is YES, each strike by the final score, over many seeds', () => {
    let spreadYes = 0;
    let spreadP = 0;
    let n = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const h = harness({ games: [{ ...NFL, ladders: ON }] }, seed);
      const sim = h.world.games[0]!;
      const end = sim.path.times.endMs;
      h.runner.step(end + MIN);
      const score = sim.ladders!.finalScore;
      const home = h.engine.market(sim.markets[1]!.ticker)!;
      expect(home.result).toBe(score.margin > 0 ? 'yes' : 'no');
      expect(score.home - score.away).toBe(score.margin);
      expect(score.home + score.away).toBe(score.total);
      for (const m of sim.ladders!.markets) {
        const r = h.engine.market(m.ticker)!.result;
        const want =
          m.kind === 'total'
            ? score.total > m.floorStrike
            : m.team === 'home'
              ? score.margin > m.floorStrike
              : -score.margin > m.floorStrike;
        expect(r).toBe(want ? 'yes' : 'no');
        // Nested strikes settle monotonically: a YES on "over s" means YES on every lower strike.
        if (m.kind === 'spread') {
          spreadYes += r === 'yes' ? 1 : 0;
          spreadP += sim.ladders!.probability(m, end);
          n++;
        }
      }
      const totals = sim.ladders!.markets.filter((m) => m.kind === 'total');
      const results = totals.map((m) => h.engine.market(m.ticker)!.result);
      const firstNo = results.indexOf('no');
      if (firstNo >= 0) expect(results.slice(firstNo).every((r) => r === 'no')).toBe(true);
    }
    // The truth at the end is the settlement's distribution: frequencies within a few standard errors.
    expect(Math.abs(spreadYes - spreadP) / n).toBeLessThan(4 * Math.sqrt(0.25 / n));
  });
});

describe('ladder truth is a martingale', () => {
  it('the pre-game truth of every strike is the mean of its truth at the end (settlement law), over seeds', () => {
    // In-game volatility widens the end law of p: f at today's p (the old truth) was 5–18¢ off here.
    const seeds = 40;
    const stop: number[][] = [];
    const end: number[][] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const lively = { ...NFL, truth: { ...NFL.truth, inGameVolatility: 2 }, ladders: ON };
      const sim = world({ games: [lively] }, seed).games[0]!;
      const l = sim.ladders!;
      stop.push(l.markets.map((m) => l.probability(m, sim.path.times.startMs - MIN)));
      end.push(l.markets.map((m) => l.probability(m, sim.path.times.endMs)));
    }
    for (let i = 0; i < stop[0]!.length; i++) {
      const s = stop.map((r) => r[i]!);
      const e = end.map((r) => r[i]!);
      const d = e.map((x, k) => x - s[k]!);
      const mean = d.reduce((a, b) => a + b, 0) / seeds;
      const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (seeds - 1));
      expect(Math.abs(mean), `strike ${i}: E[end] − stop = ${mean.toFixed(3)}`).toBeLessThan(
        3.5 * (sd / Math.sqrt(seeds)) + 0.005,
      );
    }
  }, 120_000);
});

describe('listing lives with the game', () => {
  it('announces each strike on the lifecycle channel with its strike metadata; winners carry none', () => {
    const h = harness({ games: [{ ...NFL, ladders: ON }] });
    const sim = h.world.games[0]!;
    const ladder = h.engine.market(sim.ladders!.markets[0]!.ticker)!;
    const meta = wsLifecycleMsg(ladder, 'created', START).additional_metadata as Record<string, unknown>;
    expect(meta).toMatchObject({
      strike_type: 'greater',
      floor_strike: sim.ladders!.markets[0]!.floorStrike,
      yes_sub_title: sim.ladders!.markets[0]!.yesSubTitle,
      event_ticker: sim.ladders!.events[0]!.eventTicker,
    });
    const winner = h.engine.market(sim.markets[0]!.ticker)!;
    expect(wsLifecycleMsg(winner, 'created', START).additional_metadata).not.toHaveProperty('strike_type');
  });

  it('opens the ladder markets with the winner markets and moves their start with it', () => {
    const h = harness({
      games: [{ ...NFL, ladders: ON, openMinute: 10, startDelays: [{ atMinute: 30, byMinutes: 15 }] }],
    });
    const sim = h.world.games[0]!;
    h.runner.step(START + 11 * MIN);
    for (const m of marketsOf(sim)) expect(h.engine.market(m.ticker)?.status).toBe('active');
    h.runner.step(START + 31 * MIN);
    const winner = h.engine.event(sim.eventTicker)!.startTimeMs;
    for (const ev of sim.ladders!.events) expect(h.engine.event(ev.eventTicker)!.startTimeMs).toBe(winner);
  });
});

describe('flow on ladders', () => {
  it('competitors quote every strike around its own truth and takers trade them', () => {
    const h = harness({
      games: [{ ...NFL, ladders: ON }],
      traders: {
        noiseTakers: [
          { name: 'retail', intensityPerMinute: 2, decayPerCent: 0.2, contracts: { min: 1, max: 5 } },
        ],
        competitors: [{ name: 'alpha', edgeCents: 2, requoteMs: 2000 }],
      },
    });
    const sim = h.world.games[0]!;
    h.runner.step(START + 20 * MIN);
    const at = h.clock.now();
    for (const m of sim.ladders!.markets) {
      const truth = trueYes(sim, m, at) * 1_000_000;
      const { bids, asks } = h.engine.book(m.ticker);
      expect(bids[0]![0]).toBeLessThan(truth);
      expect(asks[0]![0]).toBeGreaterThan(truth);
      // alpha's ceilings are its view of this strike's truth ∓ 2¢, on the 1¢ grid.
      const last = (side: 'bid' | 'ask') =>
        h.runner.actions.findLast((x) => x.trader === 'alpha' && x.ticker === m.ticker && x.side === side)!;
      const bid = last('bid');
      const ask = last('ask');
      expect(Math.abs(bid.ceiling! - (trueYes(sim, m, bid.at) * 1e6 - 20_000))).toBeLessThanOrEqual(10_000);
      expect(Math.abs(ask.ceiling! - (trueYes(sim, m, ask.at) * 1e6 + 20_000))).toBeLessThanOrEqual(10_000);
    }
    const traded = new Set(
      h.runner.actions.filter((a) => a.trader === 'retail' && (a.filled ?? 0) > 0).map((a) => a.ticker),
    );
    expect(sim.ladders!.markets.filter((m) => traded.has(m.ticker)).length).toBeGreaterThan(0);
  });
});
