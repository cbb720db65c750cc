/** Test helpers for the Kalshi client tests: a key pair, a virtual clock, a tiny loopback HTTP server. */
import { constants, generateKeyPairSync, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock, TimerHandle } from '../../../shared/clock.ts';

export const keyPair = (() => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    privatePemPkcs1: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
})();

export function verifySignature(publicPem: string, message: string, signatureB64: string): boolean {
  return verify(
    'sha256',
    Buffer.from(message),
    {
      key: publicPem,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    },
    Buffer.from(signatureB64, 'base64'),
  );
}

/**
 * Virtual time that runs as fast as the event loop: a timer fires on the next
 * macrotask and moves `now` to its due time. Records every requested delay.
 */
export class VirtualClock implements Clock {
  private current: number;
  private nextId = 1;
  private readonly live = new Set<number>();
  readonly delays: number[] = [];
  constructor(start = 1_800_000_000_000) {
    this.current = start;
  }
  now(): number {
    return this.current;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const due = this.current + Math.max(0, ms);
    this.delays.push(ms);
    this.live.add(id);
    setImmediate(() => {
      if (!this.live.delete(id)) return;
      this.current = Math.max(this.current, due);
      fn();
    });
    return { id };
  }
  clearTimeout(h: TimerHandle): void {
    this.live.delete(h.id);
  }
  defer(fn: () => void): void {
    setImmediate(fn);
  }
}

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: Recorded, res: ServerResponse) => void | Promise<void>;

/** A loopback HTTP server that records requests and answers with `handler`. */
export async function startServer(handler: Handler) {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(r);
      void Promise.resolve(handler(r, res)).catch((e: unknown) => {
        res.statusCode = 500;
        res.end(String(e));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/trade-api/v2`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

/** A post-only resting bid on Boston (KXNBAGAME-26NOV14BOSMIL-BOS) at 44¢ for 10: the order the client tests send. */
export const ORDER = {
  ticker: 'KXNBAGAME-26NOV14BOSMIL-BOS',
  side: 'bid' as const,
  count: 1000,
  price: 440_000,
  time_in_force: 'good_till_canceled' as const,
  self_trade_prevention_type: 'taker_at_cross' as const,
  post_only: true,
  exchange_index: 0,
};
