/**
 * How the REST client puts one signed request on the wire and reads the whole
 * answer back. Two implementations:
 *
 * - `fetchTransport` (here): Node's built-in `fetch`. No dependency, so a
 *   Lambda bundle (the kill switch) carries no HTTP library; Node's shared
 *   keep-alive pool. The default.
 * - `undiciTransport` (worker/kalshi/undici-transport.ts): one sized undici
 *   `Pool` per client with its own connect/headers/body timers — the trading
 *   worker's, where pool size and pipelining matter.
 *
 * Either way a failure that produced no response throws a `TransportError`
 * whose `code` is the socket or undici code (ECONNREFUSED, UND_ERR_SOCKET, …)
 * the client uses to tell "never sent" from "maybe applied".
 */

export interface TransportRequest {
  /** `https://host[:port]`, no path. */
  origin: string;
  /** Full path with query, e.g. `/trade-api/v2/markets?limit=100`. */
  path: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers: Record<string, string>;
  body: string | undefined;
  /** Aborts the attempt (the client's per-attempt deadline). */
  signal: AbortSignal;
}

export interface TransportResponse {
  status: number;
  /** The Retry-After header as sent, if any. */
  retryAfter: string | undefined;
  /** The whole body as text. */
  text: string;
}

export interface RestTransport {
  send(req: TransportRequest): Promise<TransportResponse>;
  /**
   * Requests it carries at once (a sized pool's connections × pipelining); more
   * would queue inside it. The client signs no more attempts than this at a
   * time (shared/kalshi/send-gate.ts). Absent: no bound (Node's global pool).
   */
  readonly maxInFlight?: number;
  /**
   * Of `maxInFlight`, how many only cancel-priority calls may use (send-gate.ts),
   * so a cancel never waits for a create's answer to free a connection. Default 0.
   */
  readonly reservedForCancels?: number;
  /** Releases sockets the transport owns (none for the shared fetch pool). */
  close(): Promise<void>;
}

/** No response came back; `code` says why (errno or undici code, else the error's name). */
export class TransportError extends Error {
  override name = 'TransportError';
  constructor(
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`transport error ${code}`, options);
  }
}

/** The most specific code on an error or its causes: fetch wraps the socket's error in `cause`. */
export function errorCode(e: unknown): string {
  for (let cur = e, depth = 0; cur && depth < 4; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
  }
  const name = (e as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name !== '' ? name : 'ERROR';
}

/**
 * Node's built-in fetch. Redirects are never followed (a signed request goes
 * to the host it was signed for; a 3xx is a final answer). Node's global pool
 * has no per-request connect timer, so a host that never accepts is bounded by
 * the client's per-attempt deadline and reads as REQUEST_TIMEOUT (maybe sent).
 */
export function fetchTransport(fetchImpl: typeof fetch = globalThis.fetch): RestTransport {
  return {
    async send(req) {
      let res: Response;
      try {
        res = await fetchImpl(req.origin + req.path, {
          method: req.method,
          headers: req.headers,
          ...(req.body === undefined ? {} : { body: req.body }),
          signal: req.signal,
          redirect: 'manual',
        });
      } catch (e) {
        throw new TransportError(errorCode(e), { cause: e });
      }
      try {
        return {
          status: res.status,
          retryAfter: res.headers.get('retry-after') ?? undefined,
          text: await res.text(),
        };
      } catch (e) {
        throw new TransportError(errorCode(e), { cause: e });
      }
    },
    close: async () => {},
  };
}
