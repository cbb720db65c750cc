/**
 * The Odds API simulator on a loopback socket (node http). Bookmaker lines
 * follow the scenario's hidden truth through the shared World; scenario time
 * comes from the injected SimClock, the frequency limit from the wall clock.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimClock } from '../clock.ts';
import type { Scenario } from '../scenario/schema.ts';
import { buildWorld, type World } from '../scenario/world.ts';
import { createOddsApiState, handleOddsRequest, type OddsApiState, type OddsFaults } from './api.ts';

export interface OddsSimOptions {
  port?: number;
  host?: string;
  clock: SimClock;
  /** Either a scenario (a World is built from it and the seed)… */
  scenario?: Scenario;
  seed?: number;
  /** …or the World the rest of the simulation already uses. */
  world?: World;
  apiKey: string;
  /** Time for the frequency limit (default: wall time; scenario time under a SteppedClock). */
  wallNow?: () => number;
}

export interface OddsSim {
  /** e.g. `http://127.0.0.1:41234` (paths start with `/v4/`). */
  baseUrl: string;
  port: number;
  faults: OddsFaults;
  world: World;
  /** Credits used so far and requests handled. */
  usage(): { used: number; remaining: number; requests: number };
  close(): Promise<void>;
}

export async function startOddsSim(opts: OddsSimOptions): Promise<OddsSim> {
  const world =
    opts.world ??
    (opts.scenario
      ? buildWorld(opts.scenario, { seed: opts.seed ?? opts.scenario.seed, now: opts.clock.now() })
      : (() => {
          throw new TypeError('startOddsSim needs a scenario or a world');
        })());
  if (!/^[\x21-\x7e]{8,}$/.test(opts.apiKey))
    throw new TypeError('startOddsSim: apiKey must be at least 8 printable characters');
  const state: OddsApiState = createOddsApiState(world, opts.apiKey);
  // The frequency limit counts real seconds; a stepped (headless) run has none, so it counts scenario seconds.
  const wallNow = opts.wallNow ?? (Number.isFinite(opts.clock.speed) ? Date.now : () => opts.clock.now());
  const pending = new Set<() => void>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"Bad request"}');
      return;
    }
    let r: ReturnType<typeof handleOddsRequest>;
    try {
      r = handleOddsRequest(state, req.method ?? 'GET', url, opts.clock.now(), wallNow());
    } catch {
      // A simulator bug must answer like a server error, never take the process down.
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"Internal server error"}');
      return;
    }
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(r.status, { 'content-type': 'application/json; charset=utf-8', ...r.headers });
      res.end(JSON.stringify(r.body));
    };
    if (r.delayMs > 0) {
      // A slow answer is slow in scenario time (a stepped run answers when time gets there).
      const cancel = opts.clock.after(() => {
        pending.delete(cancel);
        send();
      }, r.delayMs);
      pending.add(cancel);
    } else send();
    req.resume();
  });
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host ?? '127.0.0.1';
  return {
    baseUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    faults: state.faults,
    world,
    usage: () => ({
      used: state.quotaUsed,
      remaining: Math.max(0, state.quotaLimit - state.quotaUsed),
      requests: state.requests,
    }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const cancel of pending) cancel();
        pending.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
