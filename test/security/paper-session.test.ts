/**
 * Security of a real paper-trading session (local DynamoDB, both simulators
 * with error faults on, odds poll, the worker, the dashboard), run in process
 * as `npm start` wires it, with every log line captured (worker, serverless
 * side, and anything written to stdout/stderr; the production logger at all
 * levels is grepped by the chaos run, see scripts/chaos.ts):
 *
 * - no log line, error message, dashboard response or state-stream frame
 *   contains the private key's PEM body, the key id, or the Odds API key;
 * - the dashboard binds to 127.0.0.1 by default and sets a strict CSP;
 * - every state-changing request without the right token is refused and
 *   changes nothing: the simulator's resting orders of ours, the session's
 *   kill state and the stored kill/pause flags are the same before and after.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStartOptions } from '../../scripts/paper/options.ts';
import { type PaperStack, startPaperStack } from '../../scripts/paper/stack.ts';
import { startPaperWorker } from '../../scripts/paper/worker.ts';
import type { PaperWorkerStarter } from '../../scripts/paper/worker-port.ts';
import { parseEngineConfig } from '../../shared/config/engine-config.ts';
import { MAKER_USER } from '../../sim/main.ts';
import { CONTENT_SECURITY_POLICY, startDashboard } from '../../worker/dashboard/server.ts';
import { FakeDesk } from '../worker/dashboard/fixtures.ts';

const lines: string[] = [];
const capture = (entry: Record<string, unknown>) => lines.push(JSON.stringify(entry));
let stack: PaperStack;
let secrets: { name: string; value: string }[] = [];
let restoreStd: (() => void) | null = null;

/** The worker exactly as `npm start` runs it, its log sink captured. */
const starter: PaperWorkerStarter = (o) =>
  startPaperWorker({
    ...o,
    log: (e) => {
      capture(e);
      o.log(e);
    },
  });

function tapStd(): () => void {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const tap =
    (orig: typeof out) =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      lines.push(String(chunk));
      return (orig as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
    };
  process.stdout.write = tap(out) as typeof process.stdout.write;
  process.stderr.write = tap(err) as typeof process.stderr.write;
  return () => {
    process.stdout.write = out;
    process.stderr.write = err;
  };
}

const base = () => stack.dashboard!.url.replace(/\/$/, '');
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readStream(ms: number, headers: Record<string, string> = {}): Promise<string> {
  const ctl = new AbortController();
  const res = await fetch(`${base()}/api/events`, { signal: ctl.signal, headers });
  const reader = res.body!.getReader();
  let text = '';
  const stop = setTimeout(() => ctl.abort(), ms);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
  } catch {
    // aborted: the expected end
  } finally {
    clearTimeout(stop);
  }
  return text;
}

/** A raw HTTP request (fetch drops a custom Host header; a browser under DNS rebinding does not). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  const u = new URL(`${base()}${path}`);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function assertNoSecret(text: string, where: string): void {
  for (const s of secrets) expect(text.includes(s.value), `${s.name} found in ${where}`).toBe(false);
}

beforeAll(async () => {
  restoreStd = tapStd();
  stack = await startPaperStack({
    scenario: 'nba-quiet-evening',
    seed: 5,
    speed: 1,
    config: parseEngineConfig({}),
    dashboard: { host: parseStartOptions([]).host, port: 0 },
    startWorker: starter,
    log: capture,
  });
  const sim = stack.sim!;
  const pem = sim.privateKeyPem!;
  // Every 64-char base64 line of the PEM body (a partial leak counts), the key id and the Odds key.
  secrets = [
    ...pem
      .split('\n')
      .filter((l) => l.length >= 40 && !l.startsWith('-----'))
      .map((value, i) => ({ name: `private key line ${i + 1}`, value })),
    { name: 'Kalshi key id', value: sim.keyId },
    { name: 'Odds API key', value: sim.oddsApiKey },
  ];
  // Errors on purpose, so error paths are logged too: 5xx/429 bursts, lying cancels, an odds outage.
  sim.kalshi.faults.set({ rest5xxRate: 0.2, lyingCancelMs: 1_500, wrongOrderResponseRate: 0.3 });
  sim.kalshi.faults.burst429(5);
  sim.runner.setFault({ target: 'odds', name: 'outage', on: true, params: {} });
  await stack.serverless.schedule.runNow().catch(() => {}); // a failing poll, logged
  sim.runner.setFault({ target: 'odds', name: 'outage', on: false, params: {} });
  // A request signed with a wrong key, so the simulator's 401 path runs as well.
  const bad = await fetch(`${sim.kalshi.restBaseUrl}/portfolio/balance`, {
    headers: {
      'KALSHI-ACCESS-KEY': sim.keyId,
      'KALSHI-ACCESS-SIGNATURE': 'AAAA',
      'KALSHI-ACCESS-TIMESTAMP': '1',
    },
  });
  lines.push(await bad.text());
  // Let it quote, get requotes, errors and fills for a while.
  for (let i = 0; i < 40 && sim.kalshi.admin.restingOrders(MAKER_USER).length === 0; i++) await wait(250);
  await wait(6_000);
}, 60_000);

afterAll(async () => {
  await stack?.stop('test over');
  restoreStd?.();
});

describe('dashboard access', () => {
  it('binds to 127.0.0.1 by default', async () => {
    expect(parseStartOptions([]).host).toBe('127.0.0.1');
    expect(new URL(stack.dashboard!.url).hostname).toBe('127.0.0.1');
    const desk = new FakeDesk();
    const d = await startDashboard({ source: desk, actions: desk, token: 'a-token-of-enough-length' });
    try {
      expect(new URL(d.url).hostname).toBe('127.0.0.1');
    } finally {
      await d.close();
    }
  });

  it('every page and API answer carries the strict content security policy', async () => {
    for (const path of ['/', '/static/app.js', '/api/state', '/nope']) {
      const res = await fetch(`${base()}${path}`);
      await res.arrayBuffer();
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toBe(CONTENT_SECURITY_POLICY);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('state-changing requests without the right token change nothing', async () => {
    const sim = stack.sim!;
    // The worker keeps requoting meanwhile (order ids change), so compare what only an
    // action could change: which games have orders of ours resting, kill state, flags, game states.
    const restingGames = () =>
      [
        ...new Set(sim.kalshi.admin.restingOrders(MAKER_USER).map((o) => o.ticker.replace(/-[^-]+$/, ''))),
      ].sort();
    const game = stack.view().games[0]!.id;
    const beforeOrders = restingGames();
    const beforeKill = stack.worker.session.snapshot().kill.phase;
    const beforeFlags = await stack.store.kill.list();
    const beforeGames = stack.view().games.map((g) => [g.id, g.state]);
    expect(beforeOrders.length).toBeGreaterThan(0);

    const token = stack.token!;
    const attempts: { path: string; headers: Record<string, string>; body: string }[] = [];
    const paths = ['/api/kill', `/api/games/${game}/pause`, `/api/games/${game}/resume`];
    const auths: Record<string, string>[] = [
      {},
      { authorization: '' },
      { authorization: 'Bearer ' },
      { authorization: `Bearer ${token.slice(0, -1)}` },
      { authorization: `Bearer ${token}x` },
      { authorization: `bearer${token}` },
      { authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` },
      { authorization: `Bearer ${token.toUpperCase()}` },
      { cookie: `token=${token}` },
      { 'x-token': token },
    ];
    for (const path of paths)
      for (const h of auths)
        attempts.push({
          path,
          headers: { 'content-type': 'application/json', ...h },
          body: '{"reason":"x"}',
        });
    // The right token with a foreign Host (DNS rebinding) is refused too.
    for (const path of paths)
      attempts.push({
        path,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          host: 'evil.example',
        },
        body: '{"reason":"x"}',
      });
    for (const a of attempts) {
      const { status, text } = await raw('POST', a.path, a.headers, a.body);
      expect([401, 403], `${a.path} ${JSON.stringify(a.headers)} → ${status} ${text}`).toContain(status);
      assertNoSecret(text, 'a refusal');
      expect(text).not.toContain(token);
    }
    // GET/PUT/DELETE on the actions are refused as well.
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      const { status } = await raw(method, '/api/kill', {});
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    }
    await wait(500);
    expect(stack.worker.session.snapshot().kill.phase).toBe(beforeKill);
    expect(await stack.store.kill.list()).toEqual(beforeFlags);
    expect(stack.view().games.map((g) => [g.id, g.state])).toEqual(beforeGames);
    // Every game that had orders of ours resting still has (a kill or pause would have cancelled them).
    expect(restingGames()).toEqual(beforeOrders);
    expect(stack.view().killed).toBe(false);
  });
});

describe('secrets', () => {
  it('appear in no log line, error, dashboard answer or state-stream frame of the run', async () => {
    // The dashboard's answers and its live stream, read like a browser would.
    const page = await (await fetch(`${base()}/`)).text();
    const state = await (await fetch(`${base()}/api/state`)).text();
    const stream = await readStream(2_500);
    expect(stream).toContain('event: init');
    // The kill switch through the dashboard with the token: its logs are part of the run too.
    const kill = await fetch(`${base()}/api/kill`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.token}` },
      body: JSON.stringify({ reason: 'security test' }),
    });
    expect(kill.status).toBe(200);
    await wait(3_000);
    const stateAfter = await (await fetch(`${base()}/api/state`)).text();

    const all = [...lines, page, state, stream, stateAfter];
    expect(lines.length).toBeGreaterThan(5);
    // The run did produce errors and warnings (so error paths were searched, not just happy logs).
    expect(lines.some((l) => /"level":"(warn|error)"/.test(l))).toBe(true);
    for (const [i, text] of all.entries())
      assertNoSecret(text, i < lines.length ? `log line ${i}: ${text.slice(0, 200)}` : 'a dashboard answer');
    // And the dashboard never shows its own token.
    for (const text of [page, state, stream, stateAfter]) expect(text).not.toContain(stack.token!);
    for (const l of lines) expect(l).not.toContain(stack.token!);
    const port = (stack.dashboard as unknown as { port: number }).port;
    expect(port satisfies AddressInfo['port']).toBeGreaterThan(0);
  }, 30_000);
});
