/**
 * `npm run backtest`: its command line, and the agreement rule of the
 * backtest against lockstep (difference of means within two standard errors).
 * Whole runs: backtest.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  agreement,
  BACKTEST_COMMAND,
  type RunLine,
  runLineText,
  shareSeeds,
} from '../../scripts/backtest.ts';
import { parseCommandLine, readCommandLine } from '../../shared/cli.ts';

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

function parse(argv: readonly string[]) {
  const r = parseCommandLine(BACKTEST_COMMAND, argv);
  if (r.help) throw new Error('unexpected --help');
  return r.options;
}

const line = (seed: number, truthMarked: number, transport: RunLine['transport']): RunLine => ({
  scenario: 's',
  seed,
  strategy: 'ours',
  transport,
  wallMs: 1000,
  cpuMs: 500,
  exchangeEvents: transport === 'backtest' ? 2000 : null,
  fills: 3,
  truthMarked,
  flat: true,
});

describe('npm run backtest command line', () => {
  it('defaults to ours on nba-quiet-evening at the scenario seed, with the default latencies', () => {
    expect(parse([])).toMatchObject({
      scenario: 'nba-quiet-evening',
      seedList: null,
      strategies: ['ours'],
      compareSocket: false,
      latency: { orderEntry: { kind: 'uniform', minMs: 5, maxMs: 25 } },
    });
    expect(parse(['--strategies', 'all', '--seeds', '1-3', '--feed-latency', '7'])).toMatchObject({
      strategies: ['ours', 'fixed-spread', 'top-of-book', 'oracle'],
      seedList: [1, 2, 3],
      latency: { feed: { kind: 'constant', ms: 7 } },
    });
  });

  it('runs the seeds here by default; --jobs N deals them round-robin to N children, none idle', () => {
    expect(parse([]).jobs).toBe(1);
    expect(parse(['--jobs', '2', '--compare-socket']).jobs).toBe(2);
    expect(shareSeeds([1, 2, 3, 4, 5], 2)).toEqual([
      [1, 3, 5],
      [2, 4],
    ]);
    expect(shareSeeds([7, 8], 4)).toEqual([[7], [8]]);
  });

  it.each([
    [['--jobs', '0'], /--jobs/],
    [['--strategies', 'ours,genius'], /--strategies: .*not genius/],
    [['--seeds', '3-1'], /--seeds/],
    [['--order-latency', 'quick'], /--order-latency/],
    [['--warp'], /warp/],
  ])('exits 2 with one line naming the bad flag: %j', (argv, pattern) => {
    const err = sink();
    expect(readCommandLine(BACKTEST_COMMAND, argv, { out: sink(), err })).toBe(2);
    expect(err.text).toMatch(pattern);
    expect(err.text.trim().split('\n')).toHaveLength(1);
  });
});

describe('agreement of backtest and lockstep', () => {
  it('agrees when the means differ by at most two standard errors of the difference', () => {
    const bt = [1, 2, 3, 4].map((v, i) => line(i + 1, v, 'backtest'));
    const near = [1.5, 2.5, 3.5, 4.5].map((v, i) => line(i + 1, v, 'socket'));
    const a = agreement(bt, near);
    expect(a.diff).toBeCloseTo(0.5, 12);
    // se of each mean = sd/√n = 1.29/2; of the difference √2 times that.
    expect(a.se).toBeCloseTo(Math.sqrt(2) * (Math.sqrt(5 / 3) / 2), 12);
    expect(a.agree).toBe(true);
    expect(a.paired).toMatchObject({ n: 4, mean: 0.5 });
    const far = [11, 12, 13, 14].map((v, i) => line(i + 1, v, 'socket'));
    expect(agreement(bt, far).agree).toBe(false);
    // One run a side has no standard error: no verdict of agreement.
    expect(agreement(bt.slice(0, 1), near.slice(0, 1)).agree).toBe(false);
  });

  it('prints a run line with wall and CPU rates of exchange events', () => {
    expect(runLineText(line(1, -1.5, 'backtest'))).toBe(
      's seed 1 ours [backtest]: 1.00 s wall, 0.50 s CPU, 2,000 exchange events (2,000/s of wall, 4,000/s of CPU), 3 fills, truth-marked −$1.50',
    );
  });
});
