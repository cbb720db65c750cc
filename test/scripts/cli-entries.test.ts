/**
 * Every command line reads the one way (shared/cli.ts): chaos and the calibration table take the
 * shared --help layout, and a bad flag or value is one line naming it, exit 2.
 */
import { describe, expect, it } from 'vitest';
import { CHAOS_COMMAND, parseChaosArgs } from '../../scripts/chaos.ts';
import { readCommandLine, UsageError } from '../../shared/cli.ts';
import { CALIBRATION_COMMAND, main as calibrationMain } from '../../sim/scenario/calibration-cli.ts';

function io() {
  const text = { out: '', err: '' };
  return {
    text,
    out: { write: (s: string) => (text.out += s) },
    err: { write: (s: string) => (text.err += s) },
  };
}

describe('npm run chaos command line', () => {
  it('defaults and values as runChaos takes them', () => {
    expect(parseChaosArgs([])).toEqual({ scenario: 'chaos', minutes: 30, seed: 1 });
    expect(
      parseChaosArgs(['--minutes', '2.5', '--seed', '7', '--json', 'r.json', '--lease-ttl-ms', '5000']),
    ).toEqual({ scenario: 'chaos', minutes: 2.5, seed: 7, json: 'r.json', leaseTtlMs: 5000 });
  });

  it.each([
    [['--minutes', '0'], '--minutes'],
    [['--minutes', 'soon'], '--minutes'],
    [['--seed', '-1'], '--seed'],
    [['--lease-ttl-ms', '100'], '--lease-ttl-ms'],
    [['--warp'], '--warp'],
  ])('%j: one line naming the flag, exit 2', (argv, flag) => {
    expect(() => parseChaosArgs(argv)).toThrow(UsageError);
    const x = io();
    expect(readCommandLine(CHAOS_COMMAND, argv, x)).toBe(2);
    expect(x.text.err.trim().split('\n')).toHaveLength(1);
    expect(x.text.err.startsWith(`error: ${flag}: `)).toBe(true);
  });

  it('--help in the shared layout', () => {
    const x = io();
    expect(readCommandLine(CHAOS_COMMAND, ['--help'], x)).toBe(0);
    expect(x.text.out).toMatch(/^usage: npm run chaos -- \[options\]\n/);
    expect(x.text.out).toMatch(/\n {2}--lease-ttl-ms N\s+/);
  });
});

describe('calibration table command line', () => {
  it('a bad --games is one line, exit 2; --help the shared layout', () => {
    const x = io();
    expect(calibrationMain(['--games', '0'], x)).toBe(2);
    expect(x.text.err).toMatch(/^error: --games: must be a positive integer \(see .*--help\)\n$/);
    const h = io();
    expect(readCommandLine(CALIBRATION_COMMAND, ['-h'], h)).toBe(0);
    expect(h.text.out).toMatch(/^usage: npx tsx sim\/scenario\/calibration-cli.ts \[options\]/);
  });

  it('runs on a few games', () => {
    const x = io();
    expect(calibrationMain(['--games', '4', '--scenarios', 'nba-quiet-evening'], x)).toBe(0);
    expect(x.text.out).toMatch(/^4 games \(nba-quiet-evening\)/);
  });
});
