/** `npm start`'s refusals, in-process: nothing starts and the message names what to fix (exit 2). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../scripts/start.ts';

function io(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const stream = (sink: string[]) =>
    ({ isTTY: false, write: (s: string) => sink.push(s) }) as unknown as NodeJS.WriteStream;
  let signals = 0;
  return {
    io: {
      argv,
      env,
      out: stream(out),
      err: stream(err),
      onSignal: (_handler: (signal: string) => void): (() => void) => {
        signals++;
        return () => {};
      },
    },
    out,
    err,
    signals: () => signals,
  };
}

describe('npm start refuses bad input before starting anything', () => {
  it('--help prints the usage and exits 0', async () => {
    const t = io(['--help']);
    expect(await main(t.io)).toBe(0);
    expect(t.out.join('')).toMatch(/--scenario FILE[\s\S]*--live/);
  });

  it('a bad config field is named, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kmm-start-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ kill: { maxDrift: -1 } }));
    const t = io(['--config', file]);
    expect(await main(t.io)).toBe(2);
    expect(t.err.join('')).toMatch(/kill\.maxDrift/);
    expect(t.signals()).toBe(0); // never got as far as running
  });

  it('--live without its environment names the missing variable, exit 2', async () => {
    const t = io(['--live'], { KALSHI_ENV: 'staging' });
    expect(await main(t.io)).toBe(2);
    expect(t.err.join('')).toMatch(/env KALSHI_ENV: must be "demo" or "prod"/);
  });

  it('--live with an unreadable key file says so without printing secrets, exit 2', async () => {
    const t = io(['--live'], {
      KALSHI_ENV: 'demo',
      KALSHI_KEY_ID: 'id',
      KALSHI_PRIVATE_KEY_FILE: '/nonexistent/key.pem',
      ODDS_API_KEY: 'secret-odds-key-123',
    });
    expect(await main(t.io)).toBe(2);
    const text = t.err.join('');
    expect(text).toMatch(/KALSHI_PRIVATE_KEY_FILE: cannot read the key file/);
    expect(text).not.toContain('secret-odds-key-123');
  });

  it('an unknown scenario is named, exit 2', async () => {
    const t = io(['--scenario', 'sim/scenarios/no-such-scenario.json', '--port', '0']);
    expect(await main(t.io)).toBe(2);
    expect(t.err.join('')).toMatch(/no-such-scenario/);
  });

  it('a Ctrl-C while starting is held: once up, the kill switch runs and everything stops (exit 0)', async () => {
    const t = io(['--port', '0', '--speed', '5']);
    let handler: ((s: string) => void) | null = null;
    t.io.onSignal = (h: (s: string) => void) => {
      handler = h;
      h('SIGINT'); // arrives before the stack is up
      return () => {};
    };
    expect(await main(t.io)).toBe(0);
    expect(handler).not.toBeNull();
    const text = t.err.join('');
    expect(text).toMatch(/ready[\s\S]*SIGINT: kill switch[\s\S]*flat: no resting orders left/);
  }, 60_000);
});
