/**
 * The simulator's margin/total truth and the spread/total lines its books
 * serve: consistent with the winner truth, a different shape from the theo's
 * model, and readable end to end by the production line reader and fit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readBookLines } from '../../../shared/odds/lines.ts';
import { EventOddsSchema, OddsResponseSchema } from '../../../shared/odds/schemas.ts';
import { probabilityOver } from '../../../shared/pricing/margin-model.ts';
import {
  computeGameStrikeTheo,
  StrikeTheoConfigSchema,
  strikeTheo,
} from '../../../shared/pricing/strike-theo.ts';
import { createOddsApiState, handleOddsRequest } from '../../../sim/odds/api.ts';
import {
  drawFinalScore,
  marginTruth,
  pmfAt,
  pmfOver,
  SPORT_TRUTH_SHAPES,
  totalTruth,
} from '../../../sim/scenario/margin-truth.ts';
import { loadScenario } from '../../../sim/scenario/schema.ts';
import { buildWorld } from '../../../sim/scenario/world.ts';

const KEY = 'fedcba9876543210fedcba9876543210';
const START = Date.parse('2026-01-20T23:00:00Z');
const MIN = 60_000;
const NFL = SPORT_TRUTH_SHAPES['americanfootball_nfl']!;
const NBA = SPORT_TRUTH_SHAPES['basketball_nba']!;
const world = (name: string) =>
  buildWorld(loadScenario(new URL(`../../../sim/scenarios/${name}.json`, import.meta.url).pathname), {
    startMs: START,
  });

describe('margin truth', () => {
  it('property: P(margin > 0) is the winner truth, the pmf sums to 1, no tie', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.02, max: 0.98, noNaN: true }),
        fc.constantFrom(...Object.keys(SPORT_TRUTH_SHAPES)),
        (p, sport) => {
          const d = marginTruth(SPORT_TRUTH_SHAPES[sport]!, p);
          expect(Math.abs(pmfOver(d, 0) - p)).toBeLessThan(1e-6);
          expect(pmfAt(d, 0)).toBe(0);
          expect(d.mass.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('NFL margins pile up on 3 and 7; NBA margins do not', () => {
    const nfl = marginTruth(NFL, 0.5);
    expect(pmfAt(nfl, 3)).toBeGreaterThan(1.8 * pmfAt(nfl, 2));
    expect(pmfAt(nfl, 3)).toBeGreaterThan(1.8 * pmfAt(nfl, 4));
    expect(pmfAt(nfl, 7)).toBeGreaterThan(1.5 * pmfAt(nfl, 8));
    const nba = marginTruth(NBA, 0.5);
    expect(pmfAt(nba, 3) / pmfAt(nba, 2)).toBeCloseTo(1, 1);
  });

  it('is a different model from the theo’s normal: a normal with the same P(>0) and σ misprices the key strikes', () => {
    // The theo's integer normal through the same winner probability and σ.
    const d = marginTruth(NFL, 0.6);
    const sd = Math.sqrt(
      d.mass.reduce((s, m, i) => s + m * (d.lo + i) ** 2, 0) -
        d.mass.reduce((s, m, i) => s + m * (d.lo + i), 0) ** 2,
    );
    let best = { mean: 0, err: 1 };
    for (let mean = -5; mean <= 10; mean += 0.01) {
      const err = Math.abs(probabilityOver({ mean, sd, noTies: true }, 0) - 0.6);
      if (err < best.err) best = { mean, err };
    }
    const normal = { mean: best.mean, sd, noTies: true };
    const gap = (s: number) => Math.abs(pmfOver(d, s) - probabilityOver(normal, s));
    expect(Math.max(gap(2.5), gap(3.5), gap(6.5), gap(7.5))).toBeGreaterThan(0.01);
  });

  it('the final score agrees with the drawn winner and is a real score', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.constantFrom<'home' | 'away'>('home', 'away'),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom(...Object.keys(SPORT_TRUTH_SHAPES)),
        (p, outcome, seed, sport) => {
          const shape = SPORT_TRUTH_SHAPES[sport]!;
          const f = drawFinalScore(shape, p, outcome, shape.totalMean, seed, 'g1');
          expect(outcome === 'home' ? f.margin > 0 : f.margin < 0).toBe(true);
          expect(Number.isInteger(f.home) && Number.isInteger(f.away)).toBe(true);
          expect(f.home).toBeGreaterThanOrEqual(0);
          expect(f.away).toBeGreaterThanOrEqual(0);
          expect(f.home - f.away).toBe(f.margin);
          expect(drawFinalScore(shape, p, outcome, shape.totalMean, seed, 'g1')).toEqual(f);
        },
      ),
      { numRuns: 100 },
    );
    const t = totalTruth(NBA, 226);
    expect(pmfOver(t, 225.5)).toBeCloseTo(0.5, 1);
  });
});

describe('spread and total lines served by the Odds API simulator', () => {
  const get = (w: ReturnType<typeof world>, path: string, nowMs: number) => {
    const r = handleOddsRequest(
      createOddsApiState(w, KEY),
      'GET',
      new URL(`http://x${path}&apiKey=${KEY}`),
      nowMs,
      0,
    );
    expect(r.status).toBe(200);
    return r;
  };

  it('/odds with h2h,spreads,totals: main lines per book, with vig, read cleanly', () => {
    const w = world('nba-quiet-evening');
    const now = START + 8 * MIN;
    const r = get(w, '/v4/sports/basketball_nba/odds?regions=us,eu&markets=h2h,spreads,totals', now);
    expect(r.headers['x-requests-last']).toBe('6');
    const events = OddsResponseSchema.parse(r.body);
    expect(events.length).toBe(4);
    for (const e of events) {
      for (const b of e.bookmakers) expect(b.markets.map((m) => m.key)).toEqual(['h2h', 'spreads', 'totals']);
      const { lines, dropped } = readBookLines(e, {
        asOf: now,
        oddsFormat: 'decimal',
        method: 'shin',
        excludedBooks: [],
        maxLineAgeMs: 3_600_000,
        futureToleranceMs: 120_000,
        placeholderMaxDecimal: 1.01,
        minOverround: -0.01,
        maxOverround: 0.25,
      });
      expect(dropped).toEqual([]);
      expect(lines.length).toBe(2 * e.bookmakers.length);
      for (const l of lines) expect(l.overround).toBeGreaterThan(0.01);
    }
  });

  it('/events/{id}/odds serves alternates; the theo fitted to them reproduces the winner and the truth', () => {
    const w = world('nba-quiet-evening');
    const now = START + 8 * MIN;
    for (const sim of w.games) {
      const r = get(
        w,
        `/v4/sports/basketball_nba/events/${sim.oddsEventId}/odds?regions=us,eu&markets=h2h,spreads,totals,alternate_spreads,alternate_totals`,
        now,
      );
      const e = EventOddsSchema.parse(r.body);
      const game = computeGameStrikeTheo(e, { asOf: now, oddsFormat: 'decimal' });
      if (!game.margin.ok) throw new Error(`${game.margin.reason}: ${game.margin.detail}`);
      if (!game.total.ok) throw new Error(`${game.total.reason}: ${game.total.detail}`);
      expect(game.winnerError!).toBeLessThan(0.005);
      expect(game.margin.diagnostics.lines.length).toBeGreaterThan(40);
      // The fit against the simulator's (logistic) truth, on strikes the books bracket.
      const truth = marginTruth(NBA, sim.path.at(now).home);
      for (const s of [-6.5, -2.5, 1.5, 4.5, 8.5]) {
        const t = strikeTheo(game, { kind: 'spread', direction: 'over', threshold: s });
        if (!t.ok) throw new Error(t.detail);
        expect(Math.abs(t.probability - pmfOver(truth, s))).toBeLessThan(0.03);
      }
    }
  });

  it('NFL with alternates: the key-number margin fits the key-number ladder itself; a plain normal misses it and the dense quotes price it (shape overruled); both within 3.5¢ of truth', () => {
    const overruled = { keyed: 0, normal: 0 };
    let worst = 0;
    for (const [model, config] of [
      ['keyed', StrikeTheoConfigSchema.parse({})],
      ['normal', StrikeTheoConfigSchema.parse({ keyMargins: {} })],
    ] as const) {
      for (let seed = 1; seed <= 6; seed++) {
        const w = buildWorld(
          loadScenario(new URL('../../../sim/scenarios/nfl-contested.json', import.meta.url).pathname),
          { startMs: START, seed },
        );
        const now = START + 8 * MIN;
        for (const sim of w.games) {
          const r = get(
            w,
            `/v4/sports/americanfootball_nfl/events/${sim.oddsEventId}/odds?regions=us,eu&markets=h2h,alternate_spreads`,
            now,
          );
          const game = computeGameStrikeTheo(
            EventOddsSchema.parse(r.body),
            { asOf: now, oddsFormat: 'decimal' },
            config,
          );
          if (!game.margin.ok) throw new Error(`${game.margin.reason}: ${game.margin.detail}`);
          if (game.shapeOverruled.margin !== null) overruled[model]++;
          const truth = marginTruth(NFL, sim.path.at(now).home);
          for (const s of [-7.5, -3.5, -2.5, 2.5, 3.5, 6.5, 7.5, 10.5]) {
            const t = strikeTheo(game, { kind: 'spread', direction: 'over', threshold: s }, config);
            if (t.ok && !t.wideEdge) {
              const e = Math.abs(t.probability - pmfOver(truth, s));
              expect(e).toBeLessThan(0.035);
              if (model === 'keyed') worst = Math.max(worst, e);
            }
          }
        }
      }
    }
    expect(overruled.keyed).toBe(0);
    expect(overruled.normal).toBeGreaterThan(0);
    console.info(`NFL alternates, key-number margin: max |theo − truth| ${(worst * 100).toFixed(2)}¢`);
  });

  it('NFL: key-number truth lines still fit within the books’ noise, and the sports without a shape get none', () => {
    const w = world('nfl-contested');
    const now = START + 8 * MIN;
    const r = get(
      w,
      '/v4/sports/americanfootball_nfl/odds?bookmakers=pinnacle,draftkings,fanduel&markets=h2h,spreads',
      now,
    );
    for (const e of OddsResponseSchema.parse(r.body)) {
      const game = computeGameStrikeTheo(e, { asOf: now, oddsFormat: 'decimal' });
      expect(game.margin.ok).toBe(true);
    }
    const epl = world('epl-draw');
    const soccer = get(epl, '/v4/sports/soccer_epl/odds?regions=uk,eu&markets=h2h,spreads', START + 5 * MIN);
    for (const e of OddsResponseSchema.parse(soccer.body))
      for (const b of e.bookmakers) expect(b.markets.map((m) => m.key)).toEqual(['h2h']);
  });
});
