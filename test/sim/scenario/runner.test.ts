/**
 * The scenario runner on the real matching engine: game life on the exchange
 * (listed with its start milestone, open, determined from the truth's outcome,
 * settled), scheduled faults, and determinism per seed.
 */
import { describe, expect, it } from 'vitest';
import { SteppedClock } from '../../../sim/clock.ts';
import { KalshiEngine } from '../../../sim/kalshi/engine.ts';
import { Faults } from '../../../sim/kalshi/faults.ts';
import { createOddsFaults } from '../../../sim/odds/api.ts';
import { startOddsSim } from '../../../sim/odds/server.ts';
import { kalshiFaultSwitch, unknownKalshiFaults } from '../../../sim/scenario/kalshi-faults.ts';
import { hexId, Rng } from '../../../sim/scenario/rng.ts';
import { type RunnerEvent, ScenarioRunner } from '../../../sim/scenario/runner.ts';
import { parseScenario } from '../../../sim/scenario/schema.ts';
import { TruthPath } from '../../../sim/scenario/truth.ts';
import { buildWorld, tickerDate } from '../../../sim/scenario/world.ts';
import { game, harness, MIN, START, world } from '../traders/helpers.ts';

const busy = {
  noiseTakers: [{ name: 'retail', intensityPerMinute: 3, decayPerCent: 0.2, contracts: { min: 1, max: 10 } }],
  informedTakers: [{ name: 'insider' }],
  competitors: [
    { name: 'alpha', edgeCents: 2, requoteMs: 2000, noiseLogit: 0.05 },
    { name: 'beta', edgeCents: 3, requoteMs: 3000, lagMs: 10_000, whenOutbid: 'backoff' as const },
  ],
};

describe('seeded randomness', () => {
  it('derives independent, reproducible streams and 32-hex ids', () => {
    const a = Rng.derive(5, 'x');
    const b = Rng.derive(5, 'x');
    const c = Rng.derive(5, 'y');
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
    for (const x of seqA) expect(x >= 0 && x < 1).toBe(true);
    expect(hexId(1, 'event/a')).toMatch(/^[0-9a-f]{32}$/);
    expect(hexId(1, 'event/a')).not.toBe(hexId(2, 'event/a'));
  });
});

describe('truth paths', () => {
  it('start at the given probabilities, apply jumps at their time, and sum to one for 3-way games', () => {
    const w = world({
      games: [
        game({
          truth: { home: 0.6, volatility: 0, inGameVolatility: 0, jumps: [{ atMinute: 5, deltaLogit: -1 }] },
        }),
        game({
          id: 'epl',
          outcomes: 3,
          home: { name: 'Arsenal', code: 'ARS' },
          away: { name: 'Chelsea', code: 'CFC' },
          truth: { home: 0.5, draw: 0.25 },
        }),
      ],
    });
    const [two, three] = w.games as [NonNullable<(typeof w.games)[0]>, NonNullable<(typeof w.games)[0]>];
    expect(two.path.at(START).home).toBeCloseTo(0.6, 12);
    const after = 1 / (1 + Math.exp(-(Math.log(0.6 / 0.4) - 1)));
    expect(two.path.at(START + 5 * MIN).home).toBeCloseTo(after, 12);
    expect(two.path.at(START + 5 * MIN - 1000).home).toBeCloseTo(0.6, 12);
    const p = three.path.at(START);
    expect(p.home).toBeCloseTo(0.5, 12);
    expect(p.draw!).toBeCloseTo(0.25, 12);
    for (let t = START; t < three.path.times.endMs; t += 7 * MIN) {
      const q = three.path.at(t);
      expect(q.home + q.away + q.draw!).toBeCloseTo(1, 12);
    }
    expect(three.markets.map((m) => m.ticker)).toEqual([
      'KXNBAGAME-26JAN20CFCARS-CFC',
      'KXNBAGAME-26JAN20CFCARS-ARS',
      'KXNBAGAME-26JAN20CFCARS-TIE',
    ]);
  });

  it('draws the winner from the final probabilities (frequency check over seeds)', () => {
    const g = parseScenario({
      name: 't',
      bookmakers: [{ key: 'pinnacle', title: 'P', region: 'eu', vig: 0.02 }],
      games: [
        game({
          startMinute: 1,
          durationMinutes: 5,
          truth: { home: 0.7, volatility: 0, inGameVolatility: 0 },
        }),
      ],
    }).games[0]!;
    let homeWins = 0;
    for (let seed = 0; seed < 2000; seed++) if (new TruthPath(g, START, seed).outcome === 'home') homeWins++;
    expect(homeWins / 2000).toBeGreaterThan(0.66);
    expect(homeWins / 2000).toBeLessThan(0.74);
  });

  it('writes ticker dates in US Eastern time, as Kalshi does', () => {
    expect(tickerDate(Date.parse('2026-01-21T03:30:00Z'))).toBe('26JAN20'); // 22:30 ET the day before
    expect(tickerDate(Date.parse('2026-11-14T18:00:00Z'))).toBe('26NOV14');
  });
});

describe('scenario runner', () => {
  it('lists each game, opens it, determines it from the truth at the end and settles it after the timer', () => {
    const h = harness({
      games: [game({ openMinute: 1, startMinute: 10, durationMinutes: 20, settleDelayMinutes: 2 })],
      traders: busy,
    });
    const sim = h.world.games[0]!;
    const ev = h.engine.event(sim.eventTicker)!;
    expect(ev.startTimeMs).toBe(START + 10 * MIN);
    expect(ev.milestoneType).toBe('basketball_game');
    expect(h.engine.series('KXNBAGAME')?.feeType).toBe('quadratic');
    for (const m of sim.markets) expect(h.engine.market(m.ticker)?.status).toBe('initialized');
    h.runner.step(START + 2 * MIN);
    for (const m of sim.markets) expect(h.engine.market(m.ticker)?.status).toBe('active');
    expect(h.engine.book(sim.markets[0]!.ticker).bids.length).toBeGreaterThan(0);
    h.runner.step(START + 30 * MIN);
    for (const m of sim.markets) {
      const market = h.engine.market(m.ticker)!;
      expect(market.status).toBe('determined');
      expect(market.result).toBe(m.outcome === sim.path.outcome ? 'yes' : 'no');
    }
    h.runner.step(START + 32 * MIN);
    for (const m of sim.markets) expect(h.engine.market(m.ticker)?.status).toBe('finalized');
    expect(h.runner.finished).toBe(true);
    // Traders' positions were paid out: nothing left open.
    for (const t of h.runner.traders)
      for (const p of h.engine.positions(t.userId)) expect(p.position).toBe(0);
  });

  it('is deterministic: same seed, same actions; another seed, other actions', () => {
    const run = (seed: number) => {
      const h = harness(
        {
          games: [
            game({
              truth: {
                home: 0.55,
                volatility: 0.3,
                inGameVolatility: 1,
                jumps: [{ atMinute: 12, deltaLogit: 0.8 }],
              },
            }),
          ],
          traders: busy,
        },
        seed,
      );
      h.runner.step(START + 20 * MIN);
      return h.runner.actions;
    };
    const a = run(11);
    expect(a.length).toBeGreaterThan(100);
    expect(new Set(a.map((x) => x.trader))).toEqual(
      new Set(['starting-book', 'retail', 'insider', 'alpha', 'beta']),
    );
    expect(run(11)).toEqual(a);
    expect(run(12)).not.toEqual(a);
  });

  it('switches scheduled faults on and off on both simulators', () => {
    const w = world({
      games: [game()],
      faults: [
        { target: 'odds', name: 'outage', atMinute: 2, durationMinutes: 1 },
        { target: 'kalshi', name: 'slowResponseMs', atMinute: 3, durationMinutes: 2, params: { value: 700 } },
        { target: 'kalshi', name: 'burst429', atMinute: 4, params: { count: 3 } },
      ],
    });
    const clock = new SteppedClock(START);
    const engine = new KalshiEngine({ clock });
    const oddsFaults = createOddsFaults();
    const kalshi = new Faults();
    const events: RunnerEvent[] = [];
    const runner = new ScenarioRunner({
      world: w,
      exchange: engine,
      clock,
      oddsFaults,
      kalshiFaults: kalshiFaultSwitch(kalshi),
      onEvent: (e) => events.push(e),
    });
    runner.step(START + 2 * MIN);
    expect(oddsFaults.isOn('outage')).toBe(true);
    runner.step(START + 3 * MIN);
    expect(oddsFaults.isOn('outage')).toBe(false);
    expect(kalshi.current.slowResponseMs).toBe(700);
    runner.step(START + 4 * MIN);
    expect(kalshi.current.rest429Remaining).toBe(3);
    runner.step(START + 5 * MIN);
    expect(kalshi.current.slowResponseMs).toBe(0);
    expect(
      events.filter((e) => e.type === 'fault').map((e) => e.type === 'fault' && `${e.name}:${e.on}`),
    ).toEqual([
      'outage:true',
      'outage:false',
      'slowResponseMs:true',
      'burst429:true',
      'slowResponseMs:false',
    ]);
    expect(unknownKalshiFaults(['wsDropRate', 'gapNow', 'meteorStrike'])).toEqual(['meteorStrike']);
  });

  it('announces a moved start on the exchange milestone and the odds feed at the same moment', async () => {
    const w = world({ games: [game({ startMinute: 20, startDelays: [{ atMinute: 5, byMinutes: -6 }] })] });
    const sim = w.games[0]!;
    expect(sim.path.times.startMs).toBe(START + 14 * MIN); // the real start
    const clock = new SteppedClock(START);
    const engine = new KalshiEngine({ clock });
    const events: RunnerEvent[] = [];
    const runner = new ScenarioRunner({ world: w, exchange: engine, clock, onEvent: (e) => events.push(e) });
    const odds = await startOddsSim({ clock, world: w, apiKey: 'k'.repeat(32) });
    try {
      const commence = async () => {
        const r = await fetch(`${odds.baseUrl}/v4/sports/basketball_nba/events?apiKey=${'k'.repeat(32)}`);
        return ((await r.json()) as { commence_time: string }[])[0]!.commence_time;
      };
      runner.step(START + 5 * MIN - 1);
      expect(engine.event(sim.eventTicker)!.startTimeMs).toBe(START + 20 * MIN);
      expect(await commence()).toBe(new Date(START + 20 * MIN).toISOString().replace('.000Z', 'Z'));
      runner.step(START + 5 * MIN);
      expect(engine.event(sim.eventTicker)!.startTimeMs).toBe(START + 14 * MIN);
      expect(await commence()).toBe(new Date(START + 14 * MIN).toISOString().replace('.000Z', 'Z'));
      expect(events.some((e) => e.type === 'start_moved' && e.startTime === START + 14 * MIN)).toBe(true);
    } finally {
      await odds.close();
    }
  });

  it('changes the tick grid mid-life and pauses the exchange on schedule', () => {
    const tapered = [
      { start: '0.00', end: '0.10', step: '0.001' },
      { start: '0.10', end: '0.90', step: '0.01' },
      { start: '0.90', end: '1.00', step: '0.001' },
    ];
    const w = world({
      games: [game({ tickChanges: [{ atMinute: 3, tick: tapered }] })],
      faults: [{ target: 'kalshi', name: 'exchangePaused', atMinute: 4, durationMinutes: 1 }],
    });
    const clock = new SteppedClock(START);
    const engine = new KalshiEngine({ clock });
    const runner = new ScenarioRunner({
      world: w,
      exchange: engine,
      clock,
      kalshiFaults: kalshiFaultSwitch(new Faults(), engine),
    });
    const ticker = w.games[0]!.markets[0]!.ticker;
    runner.step(START + 3 * MIN);
    expect(engine.market(ticker)!.priceLevelStructure).toBe('tapered_deci_cent');
    expect(engine.market(ticker)!.priceRanges[0]).toEqual({ start: 0, end: 100_000, step: 1_000 });
    runner.step(START + 4 * MIN);
    expect(engine.isTradingActive()).toBe(false);
    runner.step(START + 5 * MIN);
    expect(engine.isTradingActive()).toBe(true);
  });

  it('shares one truth with the odds side: the same world drives both', () => {
    const w = buildWorld(
      parseScenario({
        name: 't',
        start: new Date(START).toISOString(),
        bookmakers: [{ key: 'pinnacle', title: 'P', region: 'eu', vig: 0.02 }],
        games: [game()],
      }),
      {
        startMs: START,
      },
    );
    const again = buildWorld(w.scenario, { startMs: START });
    expect(again.games[0]!.oddsEventId).toBe(w.games[0]!.oddsEventId);
    expect(again.games[0]!.path.at(START + 70 * MIN)).toEqual(w.games[0]!.path.at(START + 70 * MIN));
  });
});
