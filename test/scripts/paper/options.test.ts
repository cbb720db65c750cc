import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCENARIO,
  parseLiveEnv,
  parseSimulateOptions,
  parseStartOptions,
  UsageError,
} from '../../../scripts/paper/options.ts';

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
  it('defaults to max speed, baselines on, reports/simulate', () => {
    expect(parseSimulateOptions([])).toMatchObject({
      speed: 'max',
      baselines: true,
      report: 'reports/simulate',
    });
    expect(parseSimulateOptions(['--speed', '50', '--no-baselines', '--report', 'out'])).toMatchObject({
      speed: 50,
      baselines: false,
      report: 'out',
    });
    expect(usage(() => parseSimulateOptions(['--speed', 'warp'])).field).toBe('--speed');
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
