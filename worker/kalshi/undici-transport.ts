/**
 * The trading worker's REST transport: one undici `Pool` per client, sized and
 * timed for order traffic. Kept out of shared/kalshi so the Lambdas, which use
 * Node's built-in fetch, do not bundle undici (≈ 520 KB).
 *
 * - Keep-alive, `pipelining: 1`: no request ever queues behind a
 *   non-idempotent write on the same socket; concurrency comes from
 *   `connections`.
 * - Connect / headers / body timers; undici's headers/body timers tick
 *   coarsely (~1 s), so the client's per-attempt deadline is the precise bound.
 */
import { Pool } from 'undici';
import { DEFAULT_TIMEOUTS, type RestTimeouts } from '../../shared/kalshi/rest-client.ts';
import { errorCode, type RestTransport, TransportError } from '../../shared/kalshi/transport.ts';

/**
 * Of the pool's sockets, how many only cancels (cancel, batch cancel, decrease, group trigger) may
 * use: the send gate holds a socket until its answer is read, so without these a cancel waits a
 * round trip behind 16 creates. Two: a hard stop's batch cancel and a stale-quote cancel at once.
 */
export const CANCEL_RESERVE = 2;

/**
 * Pool sizing: 16 keep-alive sockets for every call plus `CANCEL_RESERVE` kept for cancels, no
 * pipelining, idle sockets kept 30 s (Kalshi's hint may shorten it). Kalshi bounds REST by tokens,
 * not connections (docs/KALSHI-CONNECTIVITY.md).
 */
export const POOL_OPTIONS = {
  connections: 16 + CANCEL_RESERVE,
  pipelining: 1,
  keepAliveTimeout: 30_000,
  keepAliveMaxTimeout: 60_000,
};

export function undiciTransport(
  baseUrl: string,
  timeouts: Partial<Pick<RestTimeouts, 'connectMs' | 'headersMs' | 'bodyMs'>> = {},
): RestTransport {
  const t = { ...DEFAULT_TIMEOUTS, ...timeouts };
  const pool = new Pool(new URL(baseUrl).origin, {
    ...POOL_OPTIONS,
    connect: { timeout: t.connectMs },
    headersTimeout: t.headersMs,
    bodyTimeout: t.bodyMs,
  });
  return {
    // The client signs an attempt only when one of these is free, so no signature ages in the pool's queue.
    maxInFlight: POOL_OPTIONS.connections * POOL_OPTIONS.pipelining,
    reservedForCancels: CANCEL_RESERVE,
    async send(req) {
      try {
        const res = await pool.request({
          signal: req.signal,
          origin: req.origin,
          path: req.path,
          method: req.method,
          headers: req.headers,
          body: req.body,
          headersTimeout: t.headersMs,
          bodyTimeout: t.bodyMs,
        });
        const retryAfter = res.headers['retry-after'];
        return {
          status: res.statusCode,
          retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
          text: await res.body.text(),
        };
      } catch (e) {
        throw new TransportError(errorCode(e), { cause: e });
      }
    },
    close: () => pool.close(),
  };
}
