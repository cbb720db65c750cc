/**
 * The trader's dashboard: one static page, live state over Server-Sent Events,
 * and three state-changing actions (kill, pause game, resume game) that need
 * the bearer token printed at start. Bound to loopback by default; requests
 * naming a foreign Host are refused so a web page elsewhere cannot read state
 * through DNS rebinding. Strict CSP: the page runs only its own scripts.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import { type Clock, systemClock, type TimerHandle } from '../../shared/clock.ts';
import { ChartHistory, DEFAULT_HISTORY, type HistoryOptions } from './history.ts';
import {
  type DashboardActions,
  type DashboardSource,
  type DashboardState,
  zDashboardState,
} from './view-model.ts';

export interface DashboardServerOptions {
  source: DashboardSource;
  actions: DashboardActions;
  /** Bearer token for actions; at least 16 characters. */
  token: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Updates to one client are coalesced to at most one per this interval. */
  pushIntervalMs?: number;
  /** A push at least this often even without changes, so ages and countdowns move (0 = never). */
  refreshMs?: number;
  history?: HistoryOptions;
  clock?: Clock;
  /** Structured log sink (never receives the token). */
  log?: (entry: Record<string, unknown>) => void;
}

export interface DashboardServer {
  /** Base URL, e.g. http://127.0.0.1:8080/ */
  readonly url: string;
  readonly port: number;
  /** Pushes the current state now (tests, shutdown). */
  flush(): void;
  close(): Promise<void>;
}

/** A fresh random token: 32 url-safe characters. */
export function newDashboardToken(): string {
  return randomBytes(24).toString('base64url');
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

export const zKillRequest = z.strictObject({ reason: z.string().trim().min(1).max(200) });
export const zGameActionRequest = z.strictObject({});
/** Resuming after a kill is deliberate: the same confirmation the kill-switch Lambda asks for. */
export const zResumeRequest = z.strictObject({ confirm: z.literal('RESUME-TRADING') });
const MAX_BODY_BYTES = 4_096;
const KEEPALIVE_MS = 15_000;
/** A client that cannot keep up is dropped rather than buffered without bound. */
const MAX_CLIENT_BACKLOG_BYTES = 4 * 1024 * 1024;

interface StaticFile {
  body: Buffer;
  type: string;
}

function loadStatic(): Map<string, StaticFile> {
  const here = join(import.meta.dirname, 'static');
  const require = createRequire(import.meta.url);
  const uplotDir = join(require.resolve('uplot'), '..');
  const files: [string, string, string][] = [
    ['/', join(here, 'index.html'), 'text/html; charset=utf-8'],
    ['/static/app.js', join(here, 'app.js'), 'text/javascript; charset=utf-8'],
    ['/static/format.js', join(here, 'format.js'), 'text/javascript; charset=utf-8'],
    ['/static/style.css', join(here, 'style.css'), 'text/css; charset=utf-8'],
    ['/vendor/uplot.js', join(uplotDir, 'uPlot.esm.js'), 'text/javascript; charset=utf-8'],
    ['/vendor/uplot.css', join(uplotDir, 'uPlot.min.css'), 'text/css; charset=utf-8'],
  ];
  return new Map(files.map(([route, path, type]) => [route, { body: readFileSync(path), type }]));
}

const digest = (s: string) => createHash('sha256').update(s).digest();

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1';
}

export async function startDashboard(opts: DashboardServerOptions): Promise<DashboardServer> {
  if (opts.token.length < 16) throw new RangeError('dashboard token must be at least 16 characters');
  const host = opts.host ?? '127.0.0.1';
  const clock = opts.clock ?? systemClock;
  const pushIntervalMs = opts.pushIntervalMs ?? 250;
  const log = opts.log ?? (() => {});
  const files = loadStatic();
  const history = new ChartHistory(opts.history ?? DEFAULT_HISTORY);
  const tokenDigest = digest(opts.token);
  const clients = new Set<ServerResponse>();
  let allowedHosts = new Set<string>();
  let pending: TimerHandle | null = null;
  let keepalive: TimerHandle | null = null;
  let refresher: TimerHandle | null = null;
  const refreshMs = opts.refreshMs ?? 1_000;
  let closed = false;
  let invalidReported = '';

  /** The source's state, checked against the contract; a bad state is reported, not shown. */
  function readState(): DashboardState | null {
    const parsed = zDashboardState.safeParse(opts.source.snapshot());
    if (parsed.success) {
      invalidReported = '';
      return parsed.data;
    }
    const issue = parsed.error.issues[0];
    const message = `dashboard state invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`;
    if (message !== invalidReported) log({ level: 'error', msg: message });
    invalidReported = message;
    return null;
  }

  /** A fresh snapshot, recorded into the chart history; null when the source's state is invalid. */
  function current(): DashboardState | null {
    const state = readState();
    if (state) history.record(state);
    return state;
  }

  function send(res: ServerResponse, event: string, data: unknown): void {
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    if (res.writableLength > MAX_CLIENT_BACKLOG_BYTES) {
      log({ level: 'warn', msg: 'dashboard client too slow, dropped' });
      res.destroy();
      clients.delete(res);
    }
  }

  function flush(): void {
    if (pending) {
      clock.clearTimeout(pending);
      pending = null;
    }
    if (closed) return;
    const state = readState();
    if (!state) {
      for (const res of clients) send(res, 'problem', { message: invalidReported });
      return;
    }
    const points = history.record(state);
    if (clients.size === 0) return;
    const frame = `event: update\ndata: ${JSON.stringify({ state, points })}\n\n`;
    for (const res of clients) {
      res.write(frame);
      if (res.writableLength > MAX_CLIENT_BACKLOG_BYTES) {
        res.destroy();
        clients.delete(res);
      }
    }
  }

  function scheduleKeepalive(): void {
    keepalive = clock.setTimeout(() => {
      for (const res of clients) res.write(': keepalive\n\n');
      if (!closed) scheduleKeepalive();
    }, KEEPALIVE_MS);
  }

  function scheduleRefresh(): void {
    if (refreshMs <= 0) return;
    refresher = clock.setTimeout(() => {
      if (clients.size > 0) flush();
      if (!closed) scheduleRefresh();
    }, refreshMs);
  }

  const unsubscribe = opts.source.subscribe(() => {
    if (pending || closed) return;
    pending = clock.setTimeout(flush, pushIntervalMs);
  });

  function reply(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }

  function checkToken(req: IncomingMessage): void {
    const header = req.headers.authorization;
    if (!header) throw new HttpError(401, 'missing Authorization: Bearer token');
    const m = /^Bearer ([A-Za-z0-9._~+/=-]{1,256})$/.exec(header);
    if (!m) throw new HttpError(401, 'Authorization must be "Bearer <token>"');
    if (!timingSafeEqual(digest(m[1]!), tokenDigest)) throw new HttpError(403, 'wrong token');
  }

  async function readJson(req: IncomingMessage): Promise<unknown> {
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(type))
      throw new HttpError(415, 'content-type must be application/json');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw new HttpError(413, `body over ${MAX_BODY_BYTES} bytes`);
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      return text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      throw new HttpError(400, 'body is not valid JSON');
    }
  }

  function validate<T>(schema: z.ZodType<T>, body: unknown): T {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new HttpError(400, `${issue?.path.join('.') || 'body'}: ${issue?.message}`);
  }

  function knownGame(id: string): void {
    const state = current();
    if (!state?.games.some((g) => g.id === id)) throw new HttpError(404, `unknown game ${id}`);
  }

  async function handleAction(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    // Token first: without it nothing else about the request is looked at.
    checkToken(req);
    const body = await readJson(req);
    if (path === '/api/kill') {
      const { reason } = validate(zKillRequest, body);
      log({ level: 'warn', msg: 'kill switch requested from dashboard', reason });
      await opts.actions.kill(`dashboard: ${reason}`);
      flush();
      return reply(res, 200, { ok: true });
    }
    if (path === '/api/resume') {
      if (!opts.actions.resumeTrading) throw new HttpError(404, 'resume is not offered here');
      validate(zResumeRequest, body);
      log({ level: 'warn', msg: 'trading resume requested from dashboard' });
      await opts.actions.resumeTrading();
      flush();
      return reply(res, 200, { ok: true });
    }
    const m = /^\/api\/games\/([A-Za-z0-9._:-]{1,128})\/(pause|resume)$/.exec(path);
    if (!m) throw new HttpError(404, 'no such action');
    validate(zGameActionRequest, body);
    const [, gameId, verb] = m as unknown as [string, string, 'pause' | 'resume'];
    knownGame(gameId);
    log({ level: 'info', msg: `game ${verb} from dashboard`, gameId });
    await (verb === 'pause' ? opts.actions.pause(gameId) : opts.actions.resume(gameId));
    flush();
    return reply(res, 200, { ok: true });
  }

  function openStream(req: IncomingMessage, res: ServerResponse): void {
    const state = current();
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    clients.add(res);
    req.on('close', () => clients.delete(res));
    if (state) {
      send(res, 'init', { state, history: history.all() });
    } else send(res, 'problem', { message: invalidReported });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hostHeader = (req.headers.host ?? '').toLowerCase();
    if (!allowedHosts.has(hostHeader)) throw new HttpError(403, 'unexpected Host header');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const method = req.method ?? 'GET';
    if (path.startsWith('/api/') && path !== '/api/state' && path !== '/api/events') {
      if (method !== 'POST') throw new HttpError(405, 'use POST');
      return handleAction(req, res, path);
    }
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'use GET');
    if (path === '/api/events') {
      // HEAD would register a stream client whose headers are never flushed: the request hangs.
      if (method !== 'GET') throw new HttpError(405, 'use GET');
      return openStream(req, res);
    }
    if (path === '/api/state') {
      const state = current();
      if (!state) throw new HttpError(503, invalidReported);
      return reply(res, 200, { state, history: history.all() });
    }
    const file = files.get(path);
    if (!file) throw new HttpError(404, 'not found');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': file.type,
      'content-length': file.body.length,
    });
    res.end(method === 'HEAD' ? undefined : file.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof HttpError ? err.message : 'action failed';
      if (status >= 500) log({ level: 'error', msg: 'dashboard request failed', error: String(err) });
      if (!res.headersSent) reply(res, status, { error: message });
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const names = new Set([host, ...(isLoopback(host) ? ['127.0.0.1', 'localhost', '[::1]'] : [])]);
  allowedHosts = new Set(
    [...names].map((n) => `${n.includes(':') && !n.startsWith('[') ? `[${n}]` : n}:${port}`),
  );
  scheduleKeepalive();
  scheduleRefresh();
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}/`,
    port,
    flush,
    async close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      if (pending) clock.clearTimeout(pending);
      if (keepalive) clock.clearTimeout(keepalive);
      if (refresher) clock.clearTimeout(refresher);
      for (const res of clients) res.end();
      clients.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
