/**
 * The ruler on spread and total ladders: a ladder fill is marked at its own
 * strike's truth (not NaN), its game's stop applies, and the score, the
 * evaluation and its text report spread and total markets apart from
 * winners, with ours − baseline paired per kind. Without ladders nothing
 * changes shape.
 */
import { describe, expect, it } from 'vitest';
import { kindPointsOf } from '../../../scripts/evaluate.ts';
import { evaluateScenario, evaluationText, type RunPoint } from '../../../sim/scenario/evaluation.ts';
import { type RulerFill, rulerScore } from '../../../sim/scenario/ruler.ts';
import { RulerRecorder } from '../../../sim/scenario/ruler-recorder.ts';
import { harness, MIN, START } from '../traders/helpers.ts';

const NBA_LADDERS = { spreads: true, totals: true, strikes: 5 };

function fill(ticker: string, side: 'bid' | 'ask', price: number, time: number): RulerFill {
  return { time, ticker, side, price, contracts: 10, fee: 0.01, counterparty: 'retail', mode: null };
}

describe('ruler by market kind', () => {
  it('marks a ladder fill at its strike truth and splits the score by kind, the parts summing to the whole', () => {
    const h = harness({ games: [{ ...gameNba(), ladders: NBA_LADDERS }] });
    const sim = h.world.games[0]!;
    const rec = new RulerRecorder({ exchange: h.engine, world: h.world, userId: 'me', stopMarginMs: MIN });
    const spread = sim.ladders!.markets.find((m) => m.kind === 'spread')!;
    const total = sim.ladders!.markets.find((m) => m.kind === 'total')!;
    const t = START + 5 * MIN;
    expect(rec.truth(spread.ticker, t)).toBe(sim.ladders!.probability(spread, t));
    expect(rec.truth(total.ticker, t)).toBe(sim.ladders!.probability(total, t));
    expect(rec.markAt(spread.ticker)).toBe(sim.path.times.startMs - MIN);
    rec.fills.push(
      fill(sim.markets[0]!.ticker, 'bid', 0.45, t),
      fill(spread.ticker, 'ask', 0.6, t),
      fill(total.ticker, 'bid', 0.3, t),
    );
    const s = rec.finish();
    expect(Number.isFinite(s.truthMarked)).toBe(true);
    expect(Object.keys(s.byKind!).sort()).toEqual(['spread', 'total', 'winner']);
    const sum = Object.values(s.byKind!).reduce((a, k) => a + k.truthMarked, 0);
    expect(sum).toBeCloseTo(s.truthMarked, 5);
    expect(s.byKind!.spread!.truthMarked).toBeCloseTo(
      -10 * (sim.ladders!.probability(spread, rec.markAt(spread.ticker)) - 0.6) - 0.01,
      5,
    );
  });

  it('has no byKind without ladders (existing scoreboards keep their shape)', () => {
    const s = rulerScore({ fills: [fill('A', 'bid', 0.5, 0)], truth: () => 0.5, markAt: () => 0 });
    expect(s.byKind).toBeUndefined();
  });
});

function gameNba() {
  return {
    id: 'mia-bos',
    league: 'NBA',
    oddsSportKey: 'basketball_nba',
    seriesTicker: 'KXNBAGAME',
    home: { name: 'Boston Celtics', code: 'BOS', short: 'Boston' },
    away: { name: 'Miami Heat', code: 'MIA', short: 'Miami' },
    startMinute: 60,
    durationMinutes: 120,
    truth: { home: 0.6 },
  };
}

describe('evaluation by market kind', () => {
  const point = (strategy: string, seed: number, spread: number | null): RunPoint => ({
    scenario: 's',
    seed,
    strategy,
    truthMarked: 1 + seed,
    edge: 0,
    markout10s: 0,
    markout60s: 0,
    markout5m: 0,
    settlementLuck: null,
    fills: 1,
    uptime: 1,
    byKind: {
      winner: { truthMarked: 1, edge: 0, markout10s: 0, markout60s: 0, markout5m: 0, fills: 1 },
      ...(spread === null
        ? {}
        : { spread: { truthMarked: spread, edge: 0, markout10s: 0, markout60s: 0, markout5m: 0, fills: 2 } }),
    },
  });

  it('summarises spread and total apart and pairs ours − baseline per kind (a run with no fill in a kind scores 0 there)', () => {
    const points = [1, 2, 3, 4].flatMap((seed) => [
      point('ours', seed, 0.5 + seed / 10),
      point('fixed-spread', seed, seed === 4 ? null : 0.1),
    ]);
    const e = evaluateScenario('s', points, []);
    expect(e.strategies.ours!.byKind!.spread!.truthMarked.mean).toBeCloseTo(0.75, 10);
    expect(e.strategies['fixed-spread']!.byKind!.spread!.truthMarked.mean).toBeCloseTo(0.075, 10);
    expect(e.pairedByKind!.spread!['fixed-spread']!.n).toBe(4);
    expect(e.pairedByKind!.spread!['fixed-spread']!.mean).toBeCloseTo(0.675, 10);
    const text = evaluationText([e]);
    expect(text).toContain('[spread]');
    expect(text).toContain('[winner]');
  });

  it('runs without ladders evaluate exactly as before (no per-kind keys)', () => {
    const points = [1, 2].map((seed): RunPoint => {
      const { byKind: _, ...p } = point('ours', seed, null);
      return p;
    });
    const e = evaluateScenario('s', points, []);
    expect(e.strategies.ours!.byKind).toBeUndefined();
    expect(e.pairedByKind).toBeUndefined();
    expect(evaluationText([e])).not.toContain('[');
  });

  it('reads the per-kind split from a scoreboard ruler', () => {
    expect(kindPointsOf({ truthMarked: 1 })).toEqual({});
    expect(
      kindPointsOf({
        byKind: {
          total: { truthMarked: -0.5, edge: 0.2, fills: 3, markout: { '10s': 0.1, '60s': 0, '5m': -0.1 } },
        },
      }),
    ).toEqual({
      byKind: {
        total: { truthMarked: -0.5, edge: 0.2, markout10s: 0.1, markout60s: 0, markout5m: -0.1, fills: 3 },
      },
    });
  });
});

describe('calibration at the stop', () => {
  it('counts every ladder strike as a forecast beside the winners', async () => {
    const { truthAtStop } = await import('../../../scripts/evaluate.ts');
    const rows = truthAtStop('sim/scenarios/nba-ladders-night.json', 1, 60_000);
    // two games × (2 winners + 7 spread + 7 total strikes)
    expect(rows).toHaveLength(32);
    for (const r of rows) expect(r.p > 0 && r.p < 1).toBe(true);
    expect(truthAtStop('sim/scenarios/nba-quiet-evening.json', 1, 60_000)).toHaveLength(8);
  }, 60_000);
});
