import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runTheoCli } from '../../../shared/odds/theo-cli.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'shared/odds/theo-cli.ts');
const fixture = (name: string) => join(ROOT, 'test/fixtures/odds', name);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as `npm run theo` does (tsx), in a child process. */
function theo(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface CliEvent {
  id: string;
  status: 'theo' | 'no-theo';
  reason?: string;
  theo?: { name: string; probability: number; cents: number; micros: number }[];
  books: { used: { key: string }[]; dropped: { key: string; reason: string; detail: string }[] };
  method: string;
  oddsFormat: string;
}

describe('npm run theo (spawned)', () => {
  it('prints one JSON document with a theo per event for decimal and American files', async () => {
    const r = await theo(
      '--as-of',
      '2026-01-20T18:15:00Z',
      fixture('basketball_nba_odds_h2h_spreads_totals_decimal.json'),
      fixture('basketball_nba_odds_h2h_american.json'),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      asOf: string;
      method: string;
      summary: { events: number };
      events: CliEvent[];
    };
    expect(doc.asOf).toBe('2026-01-20T18:15:00.000Z');
    expect(doc.method).toBe('shin');
    expect(doc.summary.events).toBe(8);
    expect(doc.events.map((e) => e.oddsFormat)).toEqual([
      ...Array(6).fill('decimal'),
      'american',
      'american',
    ]);
    for (const e of doc.events) {
      expect(e.status).toBe('theo');
      const total = e.theo!.reduce((s, o) => s + o.probability, 0);
      expect(total).toBeCloseTo(1, 12);
      for (const o of e.theo!) {
        expect(Number.isInteger(o.cents)).toBe(true);
        expect(o.micros).toBe(Math.round(o.probability * 1e6));
      }
      expect(e.books.used.map((b) => b.key)).toContain('pinnacle');
    }
  });

  it('reports dropped books with reasons and no-theo events with a reason', async () => {
    const r = await theo('--as-of=2026-01-20T18:05:00Z', fixture('theo_edge_cases.json'));
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { events: CliEvent[] };
    expect(doc.events[0]!.books.dropped).toContainEqual(
      expect.objectContaining({ key: 'kalshi', reason: 'excluded' }),
    );
    expect(doc.events.map((e) => e.reason ?? e.status)).toEqual([
      'theo',
      'insufficient-books',
      'event-started',
      'no-books',
      'theo',
    ]);
  });

  it('accepts a single per-event odds object and a --method', async () => {
    const r = await theo(
      '--as-of',
      '2026-01-20T18:15:00Z',
      '--method',
      'power',
      fixture('basketball_nba_event_odds.json'),
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { events: CliEvent[] };
    expect(doc.events).toHaveLength(1);
    expect(doc.events[0]!.method).toBe('power');
  });

  it('defaults --as-of to now: the January 2026 samples have started by now', async () => {
    const r = await theo(fixture('basketball_nba_odds_h2h_american.json'));
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { asOf: string; events: CliEvent[] };
    expect(Math.abs(Date.parse(doc.asOf) - Date.now())).toBeLessThan(60_000);
    expect(doc.events.every((e) => e.reason === 'event-started')).toBe(true);
  });

  it('a malformed file is a clear stderr error and exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'theo-cli-'));
    const notJson = join(dir, 'broken.json');
    writeFileSync(notJson, '[{"id": ');
    const wrongField = join(dir, 'wrong.json');
    writeFileSync(
      wrongField,
      JSON.stringify([
        {
          id: 'x',
          sport_key: 'basketball_nba',
          commence_time: '2026-01-21T00:40:00Z',
          home_team: 'A',
          away_team: 'B',
          bookmakers: [
            {
              key: 'pinnacle',
              title: 'P',
              markets: [{ key: 'h2h', outcomes: [{ name: 'A', price: 'evens' }] }],
            },
          ],
        },
      ]),
    );

    const a = await theo(notJson);
    expect(a.code).toBe(2);
    expect(a.stdout).toBe('');
    expect(a.stderr).toContain(`${notJson}: not valid JSON`);

    const b = await theo('--as-of', '2026-01-20T18:00:00Z', fixture('sports.json'));
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(
      /sports\.json: not an Odds API odds response: \[0\]\.id: required field missing/,
    );

    const c = await theo(wrongField);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('[0].bookmakers[0].markets[0].outcomes[0].price');

    const d = await theo(join(dir, 'missing.json'));
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('cannot read file (ENOENT)');
  });

  it('usage errors exit 2 with one line naming the flag and pointing to --help', async () => {
    for (const args of [
      [],
      ['--as-of', 'yesterday', 'f.json'],
      ['--method', 'additive', 'f.json'],
      ['--bogus', 'f.json'],
    ]) {
      const r = await theo(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: (--[a-z-]+|arguments): [^\n]+ \(see npm run theo -- --help\)\n$/);
    }
  });
});

describe('runTheoCli with injected I/O', () => {
  it('judges line age at the injected now', () => {
    let out = '';
    const code = runTheoCli(['x.json'], {
      readFile: () =>
        JSON.stringify({
          id: 'e1',
          sport_key: 'basketball_nba',
          commence_time: '2026-01-21T00:00:00Z',
          home_team: 'A',
          away_team: 'B',
          bookmakers: [
            {
              key: 'pinnacle',
              title: 'Pinnacle',
              last_update: '2026-01-20T17:00:00Z',
              markets: [
                {
                  key: 'h2h',
                  outcomes: [
                    { name: 'A', price: 1.9 },
                    { name: 'B', price: 1.9 },
                  ],
                },
              ],
            },
          ],
        }),
      now: () => Date.parse('2026-01-20T18:30:00Z'),
      stdout: (t) => {
        out += t;
      },
      stderr: () => {},
    });
    expect(code).toBe(0);
    const doc = JSON.parse(out) as { events: CliEvent[] };
    // 90 minutes old > 60 minute cut-off: dropped as stale, so no theo.
    expect(doc.events[0]!.books.dropped[0]).toMatchObject({ key: 'pinnacle', reason: 'stale' });
    expect(doc.events[0]!.status).toBe('no-theo');
  });
});
