/**
 * Test harness for the Kalshi simulator: an RSA key, a signed fetch, a signed
 * WebSocket client that queues frames, and a standard NBA game.
 */
import { constants, generateKeyPairSync, sign } from 'node:crypto';
import WebSocket from 'ws';
import { SteppedClock } from '../../../sim/clock.ts';
import { type KalshiSim, type KalshiSimOptions, startKalshiSim } from '../../../sim/kalshi/index.ts';
import { listBostonAtMilwaukee } from '../../support/kalshi-listing.ts';

export const T0 = Date.UTC(2026, 10, 14, 21, 0, 0);
export const EVENT = 'KXNBAGAME-26NOV14BOSMIL';
export const BOS = `${EVENT}-BOS`;
export const MIL = `${EVENT}-MIL`;
export const KEY_ID = '8f1c2d3e-0000-4000-8000-000000000001';

let cachedKey: { publicKey: string; privateKey: string } | undefined;
export function rsaKey() {
  cachedKey ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return cachedKey;
}

export function signHeaders(
  method: string,
  path: string,
  opts: { ts?: number; keyId?: string; privateKey?: string; keepQuery?: boolean } = {},
) {
  const ts = String(opts.ts ?? Date.now());
  const signed = opts.keepQuery ? path : path.split('?')[0];
  const sig = sign('sha256', Buffer.from(`${ts}${method}${signed}`), {
    key: opts.privateKey ?? rsaKey().privateKey,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  }).toString('base64');
  return {
    'KALSHI-ACCESS-KEY': opts.keyId ?? KEY_ID,
    'KALSHI-ACCESS-TIMESTAMP': ts,
    'KALSHI-ACCESS-SIGNATURE': sig,
  };
}

export interface Call {
  status: number;
  body: unknown;
  headers: Headers;
}

export function client(sim: KalshiSim, keyId = KEY_ID) {
  return async function call(method: string, path: string, body?: unknown, signed = true): Promise<Call> {
    const url = `${sim.restBaseUrl}${path}`;
    const res = await fetch(url, {
      method,
      headers: {
        ...(signed ? signHeaders(method, new URL(url).pathname, { keyId }) : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
}

/**
 * Lets the simulator's scenario clock run with the wall clock (its deferred work, such as a lying
 * cancel landing later, happens on scenario time): for tests that drive the exchange in real time.
 * Returns the function that stops it.
 */
export function followWallClock(clock: SteppedClock, everyMs = 10): () => void {
  let last = Date.now();
  const t = setInterval(() => {
    const now = Date.now();
    clock.set(clock.now() + (now - last));
    last = now;
  }, everyMs);
  return () => clearInterval(t);
}

export async function setupSim(options: KalshiSimOptions = {}) {
  const clock = new SteppedClock(T0);
  const sim = await startKalshiSim({ clock, seed: 11, tickIntervalMs: 0, ...options });
  sim.registerKey(KEY_ID, rsaKey().publicKey, 'maker');
  const e = sim.admin;
  listBostonAtMilwaukee(e, {
    event: EVENT,
    feeType: 'quadratic_with_maker_fees',
    openTimeMs: T0 - 86_400_000,
    closeTimeMs: T0 + 14 * 86_400_000,
    eventDef: {
      subTitle: 'BOS at MIL (Nov 14)',
      startTimeMs: Date.UTC(2026, 10, 15, 0, 30),
      competition: 'Pro Basketball (M)',
    },
    marketDef: { expectedExpirationMs: Date.UTC(2026, 10, 15, 3, 30) },
  });
  e.deposit('maker', 1_000 * 1_000_000);
  e.deposit('other', 1_000 * 1_000_000);
  return { sim, clock, call: client(sim) };
}

/** A signed WebSocket client that queues parsed frames and lets tests await the next one matching a predicate. */
export class WsClient {
  readonly frames: Record<string, unknown>[] = [];
  readonly raw: string[] = [];
  private waiters: {
    pred: (f: Record<string, unknown>) => boolean;
    resolve: (f: Record<string, unknown>) => void;
  }[] = [];
  pings = 0;
  closed = false;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      this.raw.push(text);
      const f = JSON.parse(text) as Record<string, unknown>;
      this.frames.push(f);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(f)) return true;
        w.resolve(f);
        return false;
      });
    });
    ws.on('ping', () => {
      this.pings++;
    });
    ws.on('close', () => {
      this.closed = true;
    });
  }

  static async connect(sim: KalshiSim, headers = signHeaders('GET', '/trade-api/ws/v2')): Promise<WsClient> {
    const ws = new WebSocket(sim.wsUrl, { headers });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    return new WsClient(ws);
  }

  send(cmd: unknown): void {
    this.ws.send(JSON.stringify(cmd));
  }

  /** Resolves with the first frame (already received or future) matching `pred`. */
  next(pred: (f: Record<string, unknown>) => boolean, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    const seen = this.frames.find(pred);
    if (seen) {
      this.frames.splice(this.frames.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a frame')), timeoutMs);
      this.waiters.push({
        pred,
        resolve: (f) => {
          clearTimeout(timer);
          this.frames.splice(this.frames.indexOf(f), 1);
          resolve(f);
        },
      });
    });
  }

  /** Waits until `n` frames of `type` arrived (kept in `frames`). */
  async count(type: string, n: number, timeoutMs = 15_000): Promise<Record<string, unknown>[]> {
    const start = Date.now();
    for (;;) {
      const got = this.frames.filter((f) => f.type === type);
      if (got.length >= n) return got;
      if (Date.now() - start > timeoutMs) throw new Error(`timed out: ${got.length}/${n} ${type}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): void {
    this.ws.close();
  }
}

export const ofType = (type: string) => (f: Record<string, unknown>) => f.type === type;

/** A second game whose event lives on exchange shard 1 (per-shard balances, shard routing). */
export const SHARD_ONE_MARKET = 'KXNBAGAME-26NOV15LALGSW-LAL';

export function addShardOneGame(sim: KalshiSim): string {
  sim.admin.createEvent({
    eventTicker: 'KXNBAGAME-26NOV15LALGSW',
    seriesTicker: 'KXNBAGAME',
    title: 'LA at GS',
    exchangeIndex: 1,
  });
  sim.admin.createMarket({
    ticker: SHARD_ONE_MARKET,
    eventTicker: 'KXNBAGAME-26NOV15LALGSW',
    title: 'LA at GS Winner?',
    yesSubTitle: 'Los Angeles',
    openTimeMs: 0,
    closeTimeMs: T0 + 86_400_000,
    status: 'active',
  });
  return SHARD_ONE_MARKET;
}
