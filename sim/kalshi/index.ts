/**
 * Starts the simulated Kalshi exchange on loopback: one node http server for
 * REST under /trade-api/v2 and a `ws` WebSocketServer on the same port under
 * /trade-api/ws/v2, both authenticated exactly like Kalshi.
 *
 *   const sim = await startKalshiSim({ clock, seed: 7 });
 *   sim.registerKey(keyId, publicKeyPem, 'maker');
 *   sim.admin.createSeries(...); sim.admin.deposit('maker', 1_000_000_000);
 *   // point the worker at sim.restBaseUrl / sim.wsUrl
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { ScaledClock, type SimClock, stallTolerantNow } from '../clock.ts';
import { KeyRegistry } from './auth.ts';
import { KalshiEngine } from './engine.ts';
import { type FaultSettings, Faults } from './faults.ts';
import { RateLimiter, type RateLimitOptions, requestCost } from './ratelimit.ts';
import { batchItems, errorBody, handleRest, needsAuth, type RestContext } from './rest.ts';
import { WsHub } from './ws.ts';

export { ExchangeError, KalshiEngine, onGrid } from './engine.ts';
export { type FaultSettings, Faults, NO_FAULTS } from './faults.ts';
export type * from './types.ts';

export const REST_PREFIX = '/trade-api/v2';
export const WS_PATH = '/trade-api/ws/v2';

export interface KalshiSimOptions {
  port?: number;
  host?: string;
  /** Scenario clock for exchange timestamps and schedules (default: real time). */
  clock?: SimClock;
  seed?: number;
  limits?: RateLimitOptions;
  faults?: Partial<FaultSettings>;
  /** Accepted signature timestamp skew in ms (default 30 s, measured on `authNow`). */
  maxSkewMs?: number;
  /**
   * Wall clock for signature freshness (default Date.now): the worker signs with
   * the wall clock. Rate limits, latencies and pings run on `clock` (scenario time).
   */
  authNow?: () => number;
  /** Open WebSocket connections allowed per user (Kalshi starts at 200); more are refused with 429. */
  maxConnectionsPerUser?: number;
  /** WS heartbeat ping period (default 10 s). */
  pingIntervalMs?: number;
  /** Fee rounding precision in Micros (default 100 = $0.0001). */
  feeRoundingMicros?: number;
  /** Period (wall ms) of engine.tick() for schedules and expiries; 0 = never (drive `admin.tick()` yourself). */
  tickIntervalMs?: number;
}

export interface KalshiSim {
  restBaseUrl: string;
  wsUrl: string;
  port: number;
  /** Registers an API key; requests signed with it act as `userId` (default 'maker'). */
  registerKey(keyId: string, publicKeyPem: string, userId?: string): void;
  admin: KalshiEngine;
  faults: Faults;
  limiter: RateLimiter;
  /** Open WebSocket connections. */
  connections(): number;
  /**
   * REST requests held back on scenario time (the slow-response fault): they
   * answer only when the scenario clock moves, so a lockstep driver must not
   * wait for them before moving it.
   */
  parkedRequests(): number;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export async function startKalshiSim(options: KalshiSimOptions = {}): Promise<KalshiSim> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? new ScaledClock(Date.now(), 1);
  const seed = options.seed ?? 1;
  const engine = new KalshiEngine({
    clock,
    seed,
    ...(options.feeRoundingMicros === undefined ? {} : { feeRoundingMicros: options.feeRoundingMicros }),
  });
  const faults = new Faults(options.faults, seed);
  const authNow = options.authNow ?? Date.now;
  const keys = new KeyRegistry({
    now: authNow,
    ...(options.maxSkewMs === undefined ? {} : { maxSkewMs: options.maxSkewMs }),
  });
  // The buckets refill in scenario time: a stepped run throttles as Kalshi would over that
  // scenario time, not by how fast the machine steps it (which made runs slow and irreproducible);
  // wall time counts only while scenario time stands still (see stallTolerantNow).
  const limiter = new RateLimiter({ now: stallTolerantNow(() => clock.now()), ...options.limits });
  const timers = new Set<() => void>();
  const later = (fn: () => void, ms: number): (() => void) => {
    const cancel = clock.after(() => {
      timers.delete(cancel);
      fn();
    }, ms);
    timers.add(cancel);
    return () => {
      timers.delete(cancel);
      cancel();
    };
  };
  const ctx: RestContext = { engine, faults, limiter, later };
  let parked = 0;
  const hub = new WsHub(engine, faults, {
    later,
    ...(options.pingIntervalMs === undefined ? {} : { pingIntervalMs: options.pingIntervalMs }),
  });

  const server = createServer((req, res) => {
    serveRest(req, res).catch(() => {
      // never crash the simulator on one request; answer if the socket is still there
      if (!res.headersSent) send(res, 500, errorBody('internal_server_error', 'internal error'));
    });
  });

  async function serveRest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const method = (req.method ?? 'GET').toUpperCase();
    if (!url.pathname.startsWith(`${REST_PREFIX}/`))
      return send(res, 404, errorBody('not_found', 'not found'));
    const path = url.pathname.slice(REST_PREFIX.length);
    let text: string;
    try {
      text = await readBody(req);
    } catch {
      return send(res, 413, errorBody('invalid_parameters', 'request body too large'));
    }
    const delay = faults.current.slowResponseMs;
    if (delay > 0) {
      faults.counts.slowed++;
      parked++;
      try {
        await new Promise((r) => later(() => r(undefined), delay));
      } finally {
        parked--;
      }
    }

    let userId: string | undefined;
    if (KeyRegistry.present(req.headers) || needsAuth(method, path)) {
      const auth = keys.verify(req.headers, method, url.pathname);
      if (!auth.ok) return send(res, 401, errorBody(auth.code, auth.message));
      userId = auth.userId;
    }
    if (faults.take429()) return send(res, 429, { error: 'too many requests' });
    const fivexx = faults.take5xx();
    if (fivexx !== null)
      return send(
        res,
        fivexx,
        errorBody(fivexx === 500 ? 'internal_server_error' : 'service_unavailable', 'simulated outage'),
      );

    let body: unknown;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        return send(res, 400, errorBody('invalid_parameters', 'request body is not valid JSON'));
      }
    }
    const { bucket, cost } = requestCost(method, path, batchItems(body));
    const who = userId ?? `ip:${req.socket.remoteAddress ?? ''}`;
    if (!limiter.take(who, bucket, cost)) return send(res, 429, { error: 'too many requests' });

    const out = handleRest(ctx, { method, path, query: url.searchParams, body, userId });
    if (method !== 'GET' && faults.takeAppliedError())
      return send(res, 504, errorBody('gateway_timeout', 'upstream request timed out'));
    send(res, out.status, out.body);
  }

  const wss = new WebSocketServer({ noServer: true, autoPong: false });
  const maxConnections = options.maxConnectionsPerUser ?? 200;
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    if (url.pathname !== WS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const auth = keys.verify(req.headers, 'GET', url.pathname);
    if (!auth.ok) {
      const text = JSON.stringify(errorBody(auth.code, auth.message));
      socket.end(
        `HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
      );
      return;
    }
    if (hub.connectionCount(auth.userId) >= maxConnections) {
      const text = JSON.stringify({ error: 'too many requests' });
      socket.end(
        `HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => hub.attach(ws, auth.userId));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const tickMs = options.tickIntervalMs ?? 250;
  const ticker = tickMs > 0 ? setInterval(() => engine.tick(), tickMs) : undefined;
  ticker?.unref();

  return {
    restBaseUrl: `http://${host}:${port}${REST_PREFIX}`,
    wsUrl: `ws://${host}:${port}${WS_PATH}`,
    port,
    registerKey: (keyId, pem, userId = 'maker') => keys.register(keyId, pem, userId),
    admin: engine,
    faults,
    limiter,
    connections: () => hub.connectionCount(),
    parkedRequests: () => parked,
    close: async () => {
      if (ticker) clearInterval(ticker);
      for (const cancel of timers) cancel();
      timers.clear();
      hub.close();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
