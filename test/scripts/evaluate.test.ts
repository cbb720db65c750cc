/**
 * `npm run evaluate`: the command line (a bad flag exits 2 with one line),
 * reading simulate scoreboards, the truth calibration at the stop without a
 * worker, and the evaluation's paired statistics.
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cpuPerSeed,
  heaviestFirst,
  parseEvaluateOptions,
  pointsOf,
  scenarioPaths,
  scenarioWeight,
  shippedScenarios,
  truthAtStop,
} from '../../scripts/evaluate.ts';
import { evaluateScenario, evaluationText, type RunPoint } from '../../sim/scenario/evaluation.ts';

function sink() {
  let text = '';
  return {
    write: (s: string) => {
      text += s;
      return true;
    },
    get text() {
      return text;
    },
  };
}

describe('evaluate command line', () => {
  it('parses scenarios, seed ranges and jobs', () => {
    const err = sink();
    const o = parseEvaluateOptions(
      ['--scenarios', 'a.json, nba-quiet-evening', '--seeds', '1-3,7', '--jobs', '2'],
      { out: sink(), err },
    );
    expect(o).toMatchObject({
      scenarios: ['a.json', 'nba-quiet-evening'],
      seedList: [1, 2, 3, 7],
      jobs: 2,
      transport: 'backtest',
    });
    expect(
      parseEvaluateOptions(['--scenarios', 'a', '--transport', 'socket'], { out: sink(), err }),
    ).toMatchObject({ transport: 'socket' });
    expect(err.text).toBe('');
  });

  it.each([
    [['--scenarios', 'a', '--jobs', 'many'], /--jobs/],
    [['--scenarios', 'a', '--seeds', '5-1'], /--seeds/],
    [['--seeds', '1-3'], /--scenarios/],
    [['--scenarios', 'a', '--warp'], /warp/],
    [['--scenarios', 'a', '--transport', 'carrier-pigeon'], /--transport/],
  ])('exits 2 on a bad flag with one clear line: %j', (argv, pattern) => {
    const err = sink();
    expect(parseEvaluateOptions(argv, { out: sink(), err })).toBe(2);
    expect(err.text).toMatch(pattern);
    expect(err.text.trim().split('\n')).toHaveLength(1);
    expect(err.text).toMatch(/\(see npm run evaluate -- --help\)$/m);
  });

  it('`--scenarios all` is every scenario shipped in sim/scenarios, beside any other named', () => {
    const shipped = readdirSync(resolve(__dirname, '../../sim/scenarios')).filter((f) => f.endsWith('.json'));
    expect(shippedScenarios()).toHaveLength(shipped.length);
    expect(shippedScenarios()).toContain('nfl-sunday-ladders');
    const paths = scenarioPaths(['all', 'x/mine.json']);
    expect(paths).toHaveLength(shipped.length + 1);
    expect(paths).toContain(resolve(__dirname, '../../sim/scenarios/nba-ladders-night.json'));
    expect(paths.at(-1)).toBe(resolve('x/mine.json'));
  });

  it('prints the shared --help layout', () => {
    const out = sink();
    expect(parseEvaluateOptions(['--help'], { out, err: sink() })).toBe(0);
    expect(out.text).toMatch(/^usage: npm run evaluate -- \[options\]\n/);
    expect(out.text).toMatch(/\n {2}--scenarios LIST\s+scenario files/);
    expect(out.text).toMatch(/\n {2}-h, --help\s+this help/);
  });
});

describe('evaluation', () => {
  it('reads each strategy of a scoreboard', () => {
    const points = pointsOf('s', 3, {
      ours: {
        truth_marked_pnl: 1.5,
        edge_at_fill: 2,
        markout_10s: 1.9,
        markout_60s: 1.7,
        markout_5m: 1.6,
        settlement_luck: -4,
        fills: 12,
        quoting_uptime: 0.97,
      },
      'top-of-book': {
        truth_marked_pnl: -0.5,
        edge_at_fill: 0,
        markout_10s: 0,
        markout_60s: 0,
        markout_5m: 0,
        settlement_luck: null,
        fills: 0,
      },
    });
    expect(points).toHaveLength(2);
    expect(points[0]).toMatchObject({ strategy: 'ours', seed: 3, truthMarked: 1.5, settlementLuck: -4 });
    expect(points[1]!.settlementLuck).toBeNull();
    expect(points[0]!.uptime).toBe(0.97);
    expect(points[1]!.uptime).toBeNull(); // a scoreboard from before uptime was measured
  });

  it('is the same to the bit whatever order the runs finished in (jobs finish in any order)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 6, maxLength: 30 }),
        fc.integer(),
        (pnl, salt) => {
          const pts: RunPoint[] = pnl.flatMap((v, i) =>
            ['ours', 'fixed-spread'].map((strategy, k) => ({
              scenario: 's',
              seed: i + 1,
              strategy,
              truthMarked: v * (k + 1) + 0.1 * i,
              edge: v / 3,
              markout10s: v / 7,
              markout60s: v / 11,
              markout5m: v / 13,
              settlementLuck: null,
              fills: i,
              uptime: 0.9 + i / 1000,
            })),
          );
          // A job (one seed: its strategies in the scoreboard's order) lands whole, in any order.
          const key = (seed: number) => Math.imul(seed, salt | 1) ^ Math.imul(seed, 0x9e3779b1);
          const shuffled = [...pts].sort(
            (a, b) => key(a.seed) - key(b.seed) || (a.seed === b.seed ? 0 : a.seed - b.seed),
          );
          const calibration = [{ p: 0.6, won: true }];
          expect(JSON.stringify(evaluateScenario('s', shuffled, calibration))).toBe(
            JSON.stringify(evaluateScenario('s', pts, calibration)),
          );
        },
      ),
    );
  });

  it('pairs ours with each baseline by seed', () => {
    const pts: RunPoint[] = [];
    for (let seed = 1; seed <= 5; seed++) {
      const world = seed * 10; // a shared per-seed effect the pairing removes
      const base = {
        scenario: 's',
        seed,
        edge: 0,
        markout10s: 0,
        markout60s: 0,
        markout5m: 0,
        settlementLuck: null,
        fills: 1,
      };
      pts.push({
        ...base,
        strategy: 'ours',
        truthMarked: world + 1 + (seed % 2) * 0.1,
        uptime: 0.9 + seed / 100,
      });
      pts.push({ ...base, strategy: 'fixed-spread', truthMarked: world, uptime: null });
    }
    const e = evaluateScenario('s', pts, [{ p: 0.6, won: true }]);
    expect(e.seeds).toEqual([1, 2, 3, 4, 5]);
    expect(e.strategies.ours!.n).toBe(5);
    expect(e.paired['fixed-spread']!.mean).toBeCloseTo(1.06, 9);
    expect(e.paired['fixed-spread']!.t!).toBeGreaterThan(10);
    expect(e.calibration).toHaveLength(1);
    expect(evaluationText([e])).toMatch(/ours − fixed-spread\s+1\.06 ± 0\.\d\d\s+t = \d/);
    // Mean quoting uptime per strategy: ours 0.91..0.95 → 93 %; the baseline did not measure it.
    expect(e.strategies.ours!.uptime.mean).toBeCloseTo(0.93, 9);
    expect(e.strategies['fixed-spread']!.uptime.n).toBe(0);
    expect(evaluationText([e])).toMatch(/uptime %/);
    expect(evaluationText([e])).toMatch(/ours .*93\.0 ± 0\.7/);
  });

  it('takes the truth at each game stop from the scenario alone, one sample per market', () => {
    const a = truthAtStop('sim/scenarios/epl-draw.json', 4, 60_000);
    expect(a.length).toBe(6); // two 3-way games
    for (const s of a) expect(s.p).toBeGreaterThan(0);
    expect(a.filter((s) => s.won)).toHaveLength(2);
    expect(truthAtStop('sim/scenarios/epl-draw.json', 4, 60_000)).toEqual(a);
  });
});

describe('evaluate job order', () => {
  it('runs the heaviest scenario first (seeds in order within one), so the evaluation ends on short runs', () => {
    const job = (scenario: string, seed: number) => ({ scenario, seed, dir: `${scenario}/${seed}` });
    const jobs = [job('light', 1), job('light', 2), job('heavy', 1), job('mid', 1), job('heavy', 2)];
    const weight = (s: string) => ({ light: 1, mid: 5, heavy: 9 })[s] ?? 0;
    expect(heaviestFirst(jobs, weight).map((j) => `${j.scenario} ${j.seed}`)).toEqual([
      'heavy 1',
      'heavy 2',
      'mid 1',
      'light 1',
      'light 2',
    ]);
  });

  it('weighs a scenario by markets × quoted minutes: twelve games and ladders above one game', () => {
    const w = (name: string) => scenarioWeight(`sim/scenarios/${name}.json`, 5 * 60_000);
    expect(w('ncaab-saturday')).toBeGreaterThan(w('nba-quiet-evening'));
    expect(w('nba-ladders-night')).toBeGreaterThan(w('nba-quiet-evening'));
    expect(w('nba-quiet-evening')).toBeGreaterThan(w('injury-shock'));
  });
});

describe('evaluate CPU a seed', () => {
  it("divides each scenario's CPU by the seeds, heaviest first, with the total a seed", () => {
    const r = cpuPerSeed(
      new Map([
        ['epl-draw', 4_200],
        ['nfl-sunday-ladders', 40_500],
      ]),
      3,
    );
    expect(r?.bySeed).toEqual({ 'nfl-sunday-ladders': 13.5, 'epl-draw': 1.4 });
    expect(Object.keys(r!.bySeed)).toEqual(['nfl-sunday-ladders', 'epl-draw']);
    expect(r?.text).toBe('nfl-sunday-ladders 13.50, epl-draw 1.40; all 14.90');
    expect(cpuPerSeed(new Map(), 3)).toBeNull();
  });
});
