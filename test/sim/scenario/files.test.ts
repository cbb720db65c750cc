/**
 * Every shipped scenario validates, starts its first game 10–20 scenario
 * minutes in (so a run shows quoting and the stop), names only faults the
 * simulators know, and runs headless on the real engine without errors.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SteppedClock } from '../../../sim/clock.ts';
import { KalshiEngine } from '../../../sim/kalshi/engine.ts';
import { Faults } from '../../../sim/kalshi/faults.ts';
import { createOddsFaults } from '../../../sim/odds/api.ts';
import { kalshiFaultSwitch, unknownKalshiFaults } from '../../../sim/scenario/kalshi-faults.ts';
import { type RunnerEvent, ScenarioRunner } from '../../../sim/scenario/runner.ts';
import { loadScenario, parseScenario, ScenarioError } from '../../../sim/scenario/schema.ts';
import { buildWorld } from '../../../sim/scenario/world.ts';

const dir = join(import.meta.dirname, '../../../sim/scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const START = Date.parse('2026-01-20T23:00:00Z');

describe('shipped scenarios', () => {
  it('are the ones the simulator promises', () => {
    expect(files.sort()).toEqual([
      'chaos.json',
      'epl-draw.json',
      'fight-card.json',
      'heavy-favourites.json',
      'injury-shock.json',
      'laliga-sunday.json',
      'mlb-thin-evening.json',
      'nba-ladders-night.json',
      'nba-lines-drift.json',
      'nba-quiet-evening.json',
      'ncaab-saturday.json',
      'nfl-contested.json',
      'nfl-sunday-ladders.json',
      'tennis-australian-open.json',
    ]);
  });

  // Reference §7: the big leagues' game-winner series pay maker fees; MLB, college, soccer and fights do not.
  it.each(files)('%s gives its series their real fee types', (file) => {
    const s = loadScenario(join(dir, file));
    for (const g of s.games) {
      const makerFees = ['KXNBAGAME', 'KXNFLGAME', 'KXNHLGAME'].includes(g.seriesTicker);
      expect(g.seriesFeeType, `${g.id} (${g.seriesTicker})`).toBe(
        makerFees ? 'quadratic_with_maker_fees' : 'quadratic',
      );
      // Spread/total ladder series are not on Kalshi's maker-fee list: taker-only.
      const ladders = g.ladders ?? s.ladders;
      if (ladders) expect(ladders.feeType, `${g.id} ladders`).toBe('quadratic');
    }
  });

  it.each(files)('%s validates, starts games 10–20 minutes in and knows its faults', (file) => {
    const s = loadScenario(join(dir, file));
    const first = Math.min(...s.games.map((g) => g.startMinute));
    expect(first).toBeGreaterThanOrEqual(10);
    expect(first).toBeLessThanOrEqual(20);
    expect(s.bookmakers.some((b) => b.key === 'pinnacle')).toBe(true);
    expect(unknownKalshiFaults(s.faults.filter((f) => f.target === 'kalshi').map((f) => f.name))).toEqual([]);
  });

  it.each(files)(
    '%s runs headless to the end: no errors, every game settled with exactly one winner',
    (file) => {
      const s = loadScenario(join(dir, file));
      const world = buildWorld(s, { startMs: START });
      const clock = new SteppedClock(START);
      const engine = new KalshiEngine({ clock, seed: world.seed });
      const errors: RunnerEvent[] = [];
      const runner = new ScenarioRunner({
        world,
        exchange: engine,
        clock,
        oddsFaults: createOddsFaults(),
        kalshiFaults: kalshiFaultSwitch(new Faults(), engine),
        onEvent: (e) => e.type === 'error' && errors.push(e),
      });
      runner.step(START + 25 * 60_000);
      const summary = runner.summary();
      expect(summary['starting-book']?.placed ?? 0).toBeGreaterThan(0);
      expect(Object.values(summary).reduce((n, t) => n + t.placed, 0)).toBeGreaterThan(4);
      runner.step(world.endMs);
      expect(errors).toEqual([]);
      expect(runner.finished).toBe(true);
      for (const g of world.games) {
        expect(engine.series(g.game.seriesTicker)?.feeType).toBe(g.game.seriesFeeType);
        const markets = g.markets.map((m) => engine.market(m.ticker)!);
        expect(markets.every((m) => m.status === 'finalized')).toBe(true);
        expect(markets.filter((m) => m.result === 'yes').map((m) => m.ticker)).toEqual([
          g.markets.find((m) => m.outcome === g.path.outcome)!.ticker,
        ]); // Ladders: listed in their series, all settled by the one final score (margin > 0 ⇔ home won).
        for (const ev of g.ladders?.events ?? [])
          expect(engine.series(ev.seriesTicker)?.feeType).toBe(ev.feeType);
        for (const m of g.ladders?.markets ?? []) {
          expect(engine.market(m.ticker)?.status).toBe('finalized');
          expect(engine.market(m.ticker)?.result).toBe(g.ladders!.result(m));
        }
        if (g.ladders) expect(g.ladders.finalScore.margin > 0).toBe(g.path.outcome === 'home');
      }
      for (const t of runner.traders) {
        expect(engine.restingOrders(t.userId)).toEqual([]);
        for (const p of engine.positions(t.userId)) expect(p.position).toBe(0);
      }
      // Competitors never quoted past their ceiling, all run long.
      for (const a of runner.actions)
        if (a.kind === 'place' && a.ceiling !== undefined && a.trader !== 'starting-book') {
          if (a.side === 'bid') expect(a.price!).toBeLessThanOrEqual(a.ceiling);
          else expect(a.price!).toBeGreaterThanOrEqual(a.ceiling);
        }
    },
  );

  it('the chaos scenario switches every fault of both simulators', () => {
    const s = loadScenario(join(dir, 'chaos.json'));
    const odds = new Set(s.faults.filter((f) => f.target === 'odds').map((f) => f.name));
    expect(odds).toEqual(new Set(['outage', 'rateLimit', 'slow', 'quotaExhausted']));
    const kalshi = new Set(s.faults.filter((f) => f.target === 'kalshi').map((f) => f.name));
    for (const name of [
      'wsDropRate',
      'seqGapRate',
      'duplicateFillRate',
      'lateFillMs',
      'slowResponseMs',
      'lyingCancelMs',
      'wrongOrderResponseRate',
      'numbersAsNumbersRate',
      'halfOpenWebSockets',
      'burst429',
      'burst5xx',
    ])
      expect(kalshi).toContain(name);
  });

  it('the soccer scenario is 3-way with a TIE market', () => {
    const world = buildWorld(loadScenario(join(dir, 'epl-draw.json')), { startMs: START });
    for (const g of world.games) expect(g.markets.map((m) => m.ticker.split('-').at(-1))).toContain('TIE');
  });
});

describe('scenario validation', () => {
  const base = { name: 'x', bookmakers: [{ key: 'pinnacle', title: 'P', region: 'eu', vig: 0.02 }] };
  const g = {
    id: 'a-b',
    league: 'NBA',
    oddsSportKey: 'basketball_nba',
    seriesTicker: 'KXNBAGAME',
    home: { name: 'A', code: 'AAA' },
    away: { name: 'B', code: 'BBB' },
    startMinute: 10,
    truth: { home: 0.5 },
  };

  it.each([
    [{ games: [] }, 'games'],
    [{ games: [{ ...g, truth: { home: 1.2 } }] }, 'games.0.truth.home'],
    [{ games: [{ ...g, outcomes: 3 }] }, 'games.0.truth.draw'],
    [{ games: [{ ...g, home: { name: 'A', code: 'lower' } }] }, 'games.0.home.code'],
    [{ games: [{ ...g, openMinute: 20 }] }, 'games.0.openMinute'],
    [{ games: [g, g] }, 'games.1.id'],
    [
      { games: [g], traders: { competitors: [{ name: 'c', edgeCents: 1, games: ['nope'] }] } },
      'traders.competitors.0.games',
    ],
    [{ games: [g], faults: [{ target: 'odds', name: 'meteor', atMinute: 1 }] }, 'faults.0.name'],
    [{ games: [g], tick: [{ start: '0.00', end: '1.00', step: '0.03' }] }, 'tick.0'],
    [
      { games: [g, { ...g, id: 'c-d', seriesFeeType: 'quadratic_with_maker_fees' }] },
      'games.1.seriesFeeType',
    ],
    [{ games: [g], bookmakers: [{ ...base.bookmakers[0], margin: 'additive' }] }, 'bookmakers.0.margin'],
  ])('rejects %j naming %s', (over, field) => {
    expect(() => parseScenario({ ...base, ...over })).toThrow(ScenarioError);
    try {
      parseScenario({ ...base, ...over });
    } catch (e) {
      expect((e as Error).message).toContain(field);
    }
  });

  it('fills in defaults: 1¢ ticks, a 3¢/97¢ starting book, quota, start at the minute', () => {
    const s = parseScenario({ ...base, games: [g] });
    expect(s.tick).toEqual([{ start: 0, end: 1_000_000, step: 10_000 }]);
    expect(s.traders.startingBook).toEqual({ bid: 30_000, ask: 970_000, contracts: 10 });
    expect(s.odds.quota).toEqual({ limit: 20_000, used: 0 });
    expect(buildWorld(s, { now: START + 12_345 }).startMs).toBe(START);
  });
});
