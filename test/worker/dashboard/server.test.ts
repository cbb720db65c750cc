import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  type DashboardServer,
  startDashboard,
} from '../../../worker/dashboard/server.ts';
import { FakeDesk } from './fixtures.ts';

const TOKEN = 'test-token-0123456789abcdef';
let server: DashboardServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** A dashboard on a random port; `refreshMs: 0` (the stream tests) keeps the 1 s refresh push out of a count of events. */
async function start(desk = new FakeDesk(), pushIntervalMs = 10, refreshMs?: number) {
  server = await startDashboard({
    source: desk,
    actions: desk,
    token: TOKEN,
    port: 0,
    pushIntervalMs,
    ...(refreshMs === undefined ? {} : { refreshMs }),
  });
  return { desk, server };
}

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(new URL(path, server!.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

interface EventStream {
  /** Resolves once `count` events in all have arrived (the init one included). */
  received(count: number): Promise<{ event: string; data: unknown }[]>;
  close(): void;
}

/**
 * Opens a server-sent event stream and collects its events: a test waits on the events themselves
 * (the init one says the stream is registered with the server), never on a real-time sleep.
 */
function openEvents(url: string): EventStream {
  const events: { event: string; data: unknown }[] = [];
  const waiters: { count: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  let failed: Error | null = null;
  const wake = () => {
    for (const w of waiters.splice(0)) {
      if (events.length >= w.count) w.resolve();
      else if (failed) w.reject(failed);
      else waiters.push(w);
    }
  };
  const req = request(url, { headers: { accept: 'text/event-stream' } }, (res) => {
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buf += chunk;
      for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
      wake();
    });
  });
  req.on('error', (e) => {
    failed = e;
    wake();
  });
  req.end();
  return {
    received: (count) =>
      new Promise((resolve, reject) => {
        waiters.push({ count, resolve: () => resolve(events.slice(0, count)), reject });
        wake();
      }),
    close: () => req.destroy(),
  };
}

describe('dashboard server', () => {
  it('serves the page, its scripts and uPlot with a strict CSP and no inline script', async () => {
    await start();
    const page = await fetch(server!.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script has a src
    expect(html).not.toMatch(/\sstyle=/);
    for (const path of ['/static/app.js', '/static/format.js', '/vendor/uplot.js', '/vendor/uplot.css']) {
      const res = await fetch(new URL(path, server!.url));
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
    expect((await fetch(new URL('/nope', server!.url))).status).toBe(404);
  });

  it('binds to 127.0.0.1 by default and refuses requests naming a foreign Host (DNS rebinding)', async () => {
    await start();
    expect(server!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        new URL('/api/state', server!.url),
        { headers: { host: `evil.example:${server!.port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('GET /api/state returns the validated view model with chart history', async () => {
    const { desk } = await start();
    const body = (await (await fetch(new URL('/api/state', server!.url))).json()) as {
      state: { games: { id: string }[] };
      history: Record<string, unknown[]>;
    };
    expect(body.state.games.map((g) => g.id)).toEqual(desk.state.games.map((g) => g.id));
    expect(Object.keys(body.history)).toEqual(['NBA1', 'NBA2']);
  });

  it('streams the state over SSE: init with history, then updates as the desk changes', async () => {
    const { desk } = await start(new FakeDesk(), 10, 0);
    const stream = openEvents(new URL('/api/events', server!.url).href);
    await stream.received(1); // init: the stream is registered
    desk.tick();
    await stream.received(2);
    desk.tick();
    const events = await stream.received(3);
    stream.close();
    expect(events.map((e) => e.event)).toEqual(['init', 'update', 'update']);
    const last = events[2]!.data as {
      state: { now: number; fills: unknown[] };
      points: Record<string, unknown[]>;
    };
    expect(last.state.fills).toHaveLength(2);
    expect(last.state.now).toBe(desk.state.now);
    expect(last.points.NBA1).toHaveLength(1);
  });

  it('coalesces bursts of changes into one push per interval', async () => {
    const { desk } = await start(new FakeDesk(), 100, 0);
    const stream = openEvents(new URL('/api/events', server!.url).href);
    await stream.received(1); // init: the stream is registered
    for (let i = 0; i < 50; i++) desk.tick();
    const events = await stream.received(2);
    stream.close();
    expect((events[1]!.data as { state: { fills: unknown[] } }).state.fills).toHaveLength(50);
  });

  it('refuses actions without the token (401) or with a wrong one (403) and changes nothing', async () => {
    const { desk } = await start();
    const before = desk.snapshot();
    const none = await post('/api/kill', { reason: 'x' });
    expect(none.status).toBe(401);
    const malformed = await post('/api/kill', { reason: 'x' }, { authorization: TOKEN });
    expect(malformed.status).toBe(401);
    const wrong = await post(
      '/api/kill',
      { reason: 'x' },
      { authorization: 'Bearer wrong-token-wrong-token' },
    );
    expect(wrong.status).toBe(403);
    const pause = await post('/api/games/NBA1/pause', {}, { authorization: 'Bearer nope' });
    expect(pause.status).toBe(403);
    expect((await wrong.json()) as unknown).toEqual({ error: 'wrong token' });
    expect(desk.calls).toEqual([]);
    expect(desk.snapshot()).toEqual(before);
    expect(desk.restingQuotes()).toBe(8);
  });

  it('validates action bodies with zod and names the field', async () => {
    const { desk } = await start();
    const auth = { authorization: `Bearer ${TOKEN}` };
    const missing = await post('/api/kill', {}, auth);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toMatch(/^reason:/);
    expect((await post('/api/kill', { reason: 'x', extra: 1 }, auth)).status).toBe(400);
    expect((await post('/api/kill', '{not json', auth)).status).toBe(400);
    expect((await post('/api/kill', { reason: 'a'.repeat(5000) }, auth)).status).toBe(413);
    const textPlain = await fetch(new URL('/api/kill', server!.url), {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...auth },
      body: '{"reason":"x"}',
    });
    expect(textPlain.status).toBe(415);
    expect((await post('/api/games/NOPE/pause', {}, auth)).status).toBe(404);
    expect((await post('/api/games/NBA1/explode', {}, auth)).status).toBe(404);
    expect((await fetch(new URL('/api/kill', server!.url))).status).toBe(405);
    expect(desk.calls).toEqual([]);
  });

  it('with the token: kill withdraws every quote; pause and resume act on one game', async () => {
    const { desk } = await start();
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await post('/api/games/NBA2/pause', {}, auth)).status).toBe(200);
    expect(desk.state.games[1]!.state).toBe('paused');
    expect(desk.state.games[0]!.state).toBe('quoting');
    expect((await post('/api/games/NBA2/resume', {}, auth)).status).toBe(200);
    expect(desk.state.games[1]!.state).toBe('quoting');
    const kill = await post('/api/kill', { reason: 'test' }, auth);
    expect(kill.status).toBe(200);
    expect(desk.calls).toEqual(['pause:NBA2', 'resume:NBA2', 'kill:dashboard: test']);
    expect(desk.restingQuotes()).toBe(0);
    const state = (await (await fetch(new URL('/api/state', server!.url))).json()) as {
      state: { killed: boolean };
    };
    expect(state.state.killed).toBe(true);
  });

  it('resume trading: offered only where the actions have it, needs the token and the typed confirmation', async () => {
    await start();
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await post('/api/resume', { confirm: 'RESUME-TRADING' }, auth)).status).toBe(404); // the worker's own page
    await server!.close();
    const desk = new FakeDesk();
    let resumed = 0;
    server = await startDashboard({
      source: desk,
      actions: Object.assign(desk, { resumeTrading: async () => void resumed++ }),
      token: TOKEN,
      port: 0,
    });
    expect((await post('/api/resume', { confirm: 'RESUME-TRADING' })).status).toBe(401);
    const wrong = await post('/api/resume', { confirm: 'yes' }, auth);
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: string }).error).toMatch(/^confirm:/);
    expect(resumed).toBe(0);
    expect((await post('/api/resume', { confirm: 'RESUME-TRADING' }, auth)).status).toBe(200);
    expect(resumed).toBe(1);
  });

  it('a state that breaks the contract is reported by field, not shown, and does not crash', async () => {
    const desk = new FakeDesk();
    const logs: Record<string, unknown>[] = [];
    server = await startDashboard({ source: desk, actions: desk, token: TOKEN, log: (e) => logs.push(e) });
    desk.state.games[0]!.inventoryLimit = -5;
    const res = await fetch(new URL('/api/state', server.url));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toMatch(/games\.0\.inventoryLimit/);
    expect(logs.some((l) => String(l.msg).includes('games.0.inventoryLimit'))).toBe(true);
    expect(JSON.stringify(logs)).not.toContain(TOKEN);
  });

  it('refuses a short token and closes with live SSE clients attached', async () => {
    const desk = new FakeDesk();
    await expect(startDashboard({ source: desk, actions: desk, token: 'short' })).rejects.toThrow(/token/);
    await start(desk);
    const stream = openEvents(new URL('/api/events', server!.url).href);
    await stream.received(1); // attached: its init has arrived
    await server!.close();
    stream.close();
    server = null;
  });
});
