import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCENARIO,
  parseLiveEnv,
  parseStartOptions,
  SIMULATE_COMMAND,
  UsageError,
} from '../../../scripts/paper/options.ts';
import { parseCommandLine, readCommandLine, usageOf } from '../../../shared/cli.ts';

/** `npm run simulate`'s options, through the one command-line reader. */
function parseSimulateOptions(argv: readonly string[]) {
  const r = parseCommandLine(SIMULATE_COMMAND, argv);
  if (r.help) throw new Error('unexpected --help');
  return r.options;
}

function usage(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error('expected a UsageError');
}

describe('npm start options', () => {
  it('has documented defaults', () => {
    expect(parseStartOptions([])).toEqual({
      scenario: DEFAULT_SCENARIO,
      speed: 1,
      port: 8787,
      host: '127.0.0.1',
      live: false,
      'no-journal': false,
      help: false,
    });
  });

  it('parses every option', () => {
    expect(
      parseStartOptions([
        '--scenario',
        'a.json',
        '--speed',
        '30',
        '--port',
        '0',
        '--seed',
        '7',
        '--config',
        'c.json',
      ]),
    ).toMatchObject({ scenario: 'a.json', speed: 30, port: 0, seed: 7, config: 'c.json' });
    expect(parseStartOptions(['--live']).live).toBe(true);
    expect(parseStartOptions(['--journal', 'j']).journal).toBe('j');
    expect(parseStartOptions(['--no-journal'])['no-journal']).toBe(true);
  });

  it('names the bad option', () => {
    expect(usage(() => parseStartOptions(['--speed', 'fast'])).field).toBe('--speed');
    expect(usage(() => parseStartOptions(['--speed', '-1'])).field).toBe('--speed');
    expect(usage(() => parseStartOptions(['--port', '70000'])).field).toBe('--port');
    expect(usage(() => parseStartOptions(['--seed', '1.5'])).field).toBe('--seed');
    expect(usage(() => parseStartOptions(['--bogus'])).field).toBe('--bogus');
    expect(usage(() => parseStartOptions(['--port'])).message).toMatch(/--port/);
  });
});

describe('npm run simulate options', () => {
  it('defaults to the in-process backtest at max speed, baselines on, reports/simulate', () => {
    expect(parseSimulateOptions([])).toMatchObject({
      transport: 'backtest',
      speed: 'max',
      baselines: true,
      report: 'reports/simulate',
      latency: {
        orderEntry: { kind: 'uniform', minMs: 5, maxMs: 25 },
        feed: { kind: 'uniform', minMs: 5, maxMs: 20 },
      },
    });
    expect(
      parseSimulateOptions(['--transport', 'socket', '--speed', '50', '--no-baselines', '--report', 'out']),
    ).toMatchObject({ transport: 'socket', speed: 50, baselines: false, report: 'out' });
    expect(usage(() => parseSimulateOptions(['--speed', 'warp'])).field).toBe('--speed');
    expect(usage(() => parseSimulateOptions(['--transport', 'pigeon'])).field).toBe('--transport');
  });

  it('reads backtest latencies (constant, uniform, exponential) and refuses a paced backtest', () => {
    expect(parseSimulateOptions(['--order-latency', '12', '--feed-latency', 'exp:2:8']).latency).toEqual({
      orderEntry: { kind: 'constant', ms: 12 },
      feed: { kind: 'exponential', minMs: 2, meanMs: 8 },
    });
    expect(parseSimulateOptions(['--feed-latency', '3-9']).latency.feed).toEqual({
      kind: 'uniform',
      minMs: 3,
      maxMs: 9,
    });
    expect(usage(() => parseSimulateOptions(['--order-latency', '9-3'])).field).toBe('--order-latency');
    expect(usage(() => parseSimulateOptions(['--feed-latency', 'soon'])).field).toBe('--feed-latency');
    // A backtest has no wall pace: --speed X belongs to the socket transport.
    expect(usage(() => parseSimulateOptions(['--speed', '50'])).field).toBe('--speed');
  });

  it('reads its command line the one way: the shared --help, one line and exit 2 on a bad flag', () => {
    let out = '';
    let err = '';
    const io = { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) } };
    expect(readCommandLine(SIMULATE_COMMAND, ['--help'], io)).toBe(0);
    expect(out).toBe(`${usageOf(SIMULATE_COMMAND)}\n`);
    expect(out).toMatch(/^usage: npm run simulate -- \[options\]/);
    expect(out).toMatch(/--no-baselines\s+run only our strategy/);
    expect(readCommandLine(SIMULATE_COMMAND, ['--warp'], io)).toBe(2);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/^error: --warp: .*\(see npm run simulate -- --help\)/);
  });
});

describe('--live environment', () => {
  const good = {
    KALSHI_ENV: 'demo',
    KALSHI_KEY_ID: 'abc',
    KALSHI_PRIVATE_KEY_FILE: '/k.pem',
    ODDS_API_KEY: 'x',
  };
  it('accepts a complete environment', () => {
    expect(parseLiveEnv(good).KALSHI_ENV).toBe('demo');
  });
  it('names the missing or bad variable without echoing secrets', () => {
    expect(usage(() => parseLiveEnv({ ...good, KALSHI_ENV: 'staging' })).field).toBe('env KALSHI_ENV');
    const e = usage(() => parseLiveEnv({ ...good, ODDS_API_KEY: undefined }));
    expect(e.field).toBe('env ODDS_API_KEY');
    const secret = usage(() => parseLiveEnv({ ...good, KALSHI_ENV: 'sekrit-value' }));
    expect(secret.message).not.toContain('sekrit-value');
  });
});
