/**
 * The simulator as a whole: `npm run sim` with each shipped scenario prints one
 * ready line and exits cleanly on SIGINT; `startSimulation` wires both servers
 * to one world (the games listed on Kalshi are the events the odds server
 * prices), authenticates the maker key and plays a game to settlement.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants, createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventsResponseSchema, OddsResponseSchema, SportsResponseSchema } from '../../shared/odds/schemas.ts';
import { ensureKeyPair } from '../../sim/keys.ts';
import { type ReadyLine, type Simulation, startSimulation } from '../../sim/main.ts';
import { waitFor, waitForValue } from '../support/wait-for.ts';

const root = join(import.meta.dirname, '../..');
const scenarios = readdirSync(join(root, 'sim/scenarios'))
  .filter((f) => f.endsWith('.json'))
  .sort();

interface Spawned {
  child: ChildProcess;
  ready: Promise<ReadyLine>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

function spawnSim(args: string[], stdin: 'ignore' | 'pipe' = 'ignore'): Spawned {
  // Its own process group, signalled as a whole, as Ctrl-C in a terminal does (npm → sh → tsx → node).
  const child = spawn('npm', ['run', '-s', 'sim', '--', ...args], {
    cwd: root,
    stdio: [stdin, 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const ready = new Promise<ReadyLine>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as ReadyLine);
    });
    child.once('exit', () => reject(new Error(`sim exited before ready: ${err.slice(-2000)}`)));
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    // 'close' waits for every process holding the pipes (the node grandchild too), not just npm.
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, ready, exit, stderr: () => err };
}

function signal(s: Spawned, sig: NodeJS.Signals): void {
  try {
    process.kill(-s.child.pid!, sig);
  } catch {
    // already gone
  }
}

async function closed(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return false;
  } catch {
    return true;
  }
}

/** Kalshi's signature: RSA-PSS SHA-256 over timestamp + METHOD + path, base64. */
function kalshiHeaders(
  keyId: string,
  privateKeyPem: string,
  method: string,
  path: string,
): Record<string, string> {
  const ts = String(Date.now());
  const signature = sign('sha256', Buffer.from(ts + method + path), {
    key: createPrivateKey(privateKeyPem),
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  }).toString('base64');
  return { 'KALSHI-ACCESS-KEY': keyId, 'KALSHI-ACCESS-TIMESTAMP': ts, 'KALSHI-ACCESS-SIGNATURE': signature };
}

const temp: string[] = [];
const sims: Simulation[] = [];
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
  for (const d of temp) rmSync(d, { recursive: true, force: true });
});

describe('npm run sim', () => {
  it.concurrent.each(scenarios)('%s prints one ready line and stops cleanly on SIGINT', async (file) => {
    const s = spawnSim(['--scenario', join('sim/scenarios', file), '--speed', '30']);
    try {
      const ready = await s.ready;
      expect(ready.ready).toBe(true);
      expect(ready.kalshi.restBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/trade-api\/v2$/);
      expect(ready.kalshi.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/trade-api\/ws\/v2$/);
      const status = await fetch(`${ready.kalshi.restBaseUrl}/exchange/status`);
      expect(status.status).toBe(200);
      const sports = await fetch(`${ready.odds.baseUrl}/v4/sports?apiKey=${ready.odds.apiKey}`);
      expect(SportsResponseSchema.parse(await sports.json()).length).toBeGreaterThan(0);
      signal(s, 'SIGINT');
      await s.exit;
      expect(s.stderr()).toContain('"type":"stopped","signal":"SIGINT"');
      expect(await closed(`${ready.kalshi.restBaseUrl}/exchange/status`)).toBe(true);
      expect(await closed(`${ready.odds.baseUrl}/v4/sports`)).toBe(true);
    } finally {
      signal(s, 'SIGKILL');
    }
  });

  it('registers a generated key pair, stops on SIGTERM, and exits 2 with a clear error on a bad scenario', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-keys-'));
    temp.push(dir);
    const s = spawnSim(['--scenario', 'injury-shock', '--generate-keys', dir]);
    const ready = (await s.ready) as ReadyLine & { keyFiles: { privateKeyPath: string } };
    expect(statSync(ready.keyFiles.privateKeyPath).mode & 0o077).toBe(0); // owner-only private key
    const path = '/trade-api/v2/portfolio/balance';
    const res = await fetch(`${ready.kalshi.restBaseUrl}/portfolio/balance`, {
      headers: kalshiHeaders(
        ready.kalshi.keyId,
        readFileSync(ready.keyFiles.privateKeyPath, 'utf8'),
        'GET',
        path,
      ),
    });
    expect(res.status).toBe(200);
    signal(s, 'SIGTERM');
    await s.exit;
    expect(s.stderr()).toContain('"type":"stopped","signal":"SIGTERM"');
    // Re-running with the same folder reuses the key.
    expect(ensureKeyPair(dir).keyId).toBe(ready.kalshi.keyId);

    const bad = spawnSim(['--scenario', join(dir, 'kalshi-public.pem')]);
    await expect(bad.ready).rejects.toThrow();
    expect((await bad.exit).code).toBe(2);
    expect(bad.stderr()).toContain('is not JSON');
  });
});

describe('run-time fault commands on stdin', () => {
  it('switches an odds fault on and off, and reports a bad command without dying', async () => {
    const s = spawnSim(['--scenario', 'nba-quiet-evening'], 'pipe');
    try {
      const ready = await s.ready;
      const sports = () =>
        fetch(`${ready.odds.baseUrl}/v4/sports?apiKey=${ready.odds.apiKey}`).then((r) => r.status);
      // The child reads its stdin when it gets the CPU: wait for the answer, not for a number of tries.
      const until = (want: number) =>
        waitForValue(sports, (s) => s === want, { what: `/v4/sports answering ${want}`, everyMs: 50 });
      s.child.stdin!.write('{"target":"odds","name":"outage","on":true}\n');
      expect(await until(503)).toBe(503);
      s.child.stdin!.write('{"target":"odds","name":"meteor","on":true}\nnot json\n');
      s.child.stdin!.write('{"target":"odds","name":"outage","on":false}\n');
      expect(await until(200)).toBe(200);
      expect(s.stderr()).toContain('"type":"command_error"');
      expect(s.stderr()).toContain('"type":"fault","at"');
      signal(s, 'SIGINT');
      await s.exit;
      expect(s.stderr()).toContain('"type":"stopped"');
    } finally {
      signal(s, 'SIGKILL');
    }
  });
});

describe('startSimulation (scaled clock)', () => {
  it('follows the clock on its own: markets open and traders act without anyone stepping', async () => {
    const sim = await startSimulation({ scenario: 'nfl-contested', speed: 600 });
    sims.push(sim);
    await waitFor(() => sim.runner.actions.some((a) => a.trader === 'tight-mm'), {
      what: "the tight market maker's first action",
      everyMs: 50,
    });
    expect(sim.runner.actions.some((a) => a.trader === 'tight-mm' && a.kind === 'place')).toBe(true);
    const ticker = sim.world.games[0]!.markets[0]!.ticker;
    expect(sim.kalshi.admin.market(ticker)?.status).toBe('active');
    await sim.close();
  });
});

describe('startSimulation (stepped)', () => {
  it('serves one world on both sides and plays the games to settlement', async () => {
    const start = Date.parse('2026-01-20T23:00:00Z');
    const sim = await startSimulation({ scenario: 'epl-draw', speed: 'stepped', startMs: start });
    sims.push(sim);
    expect(sim.privateKeyPem).toContain('PRIVATE KEY');
    const markets = (await (await fetch(`${sim.kalshi.restBaseUrl}/markets?limit=100`)).json()) as {
      markets: { ticker: string }[];
    };
    expect(markets.markets.map((m) => m.ticker).sort()).toEqual(
      sim.ready.games.flatMap((g) => g.markets).sort(),
    );
    const events = EventsResponseSchema.parse(
      await (await fetch(`${sim.odds.baseUrl}/v4/sports/soccer_epl/events?apiKey=${sim.oddsApiKey}`)).json(),
    );
    expect(events.map((e) => e.id).sort()).toEqual(sim.ready.games.map((g) => g.oddsEventId).sort());

    // Signed request as the maker: the balance the simulation funded.
    const path = '/trade-api/v2/portfolio/balance';
    const bal = await fetch(`${sim.kalshi.restBaseUrl}/portfolio/balance`, {
      headers: kalshiHeaders(sim.keyId, sim.privateKeyPem!, 'GET', path),
    });
    expect(bal.status).toBe(200);

    sim.runner.step(start + 10 * 60_000);
    const odds = OddsResponseSchema.parse(
      await (
        await fetch(`${sim.odds.baseUrl}/v4/sports/soccer_epl/odds?apiKey=${sim.oddsApiKey}&regions=uk,eu`)
      ).json(),
    );
    for (const e of odds)
      for (const b of e.bookmakers) expect(b.markets[0]!.outcomes.map((o) => o.name)).toContain('Draw');

    sim.runner.step(sim.world.endMs);
    expect(sim.runner.finished).toBe(true);
    for (const g of sim.world.games) {
      const results = g.markets.map((m) => sim.kalshi.admin.market(m.ticker)!);
      expect(results.every((m) => m.status === 'finalized')).toBe(true);
      expect(results.filter((m) => m.result === 'yes')).toHaveLength(1); // exactly one outcome wins
    }
  });
});
