/**
 * Errors thrown by the Kalshi clients. They carry the method, the path (no
 * query, no headers), the HTTP status and Kalshi's error code — never request
 * headers, signatures or key material.
 */
import type { ApiError } from './schemas/rest.ts';

/** The exchange answered with a non-success status (after any retries). */
export class KalshiApiError extends Error {
  override name = 'KalshiApiError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly api: ApiError,
    /** 1-based attempt that produced this answer. */
    readonly attempt: number,
    /**
     * An earlier attempt of the same call ended without a verdict (5xx, lost
     * response), or the answer itself says the write exists (409 on a retried
     * create): it may have been applied, whatever this final status says.
     */
    readonly maybeApplied = false,
  ) {
    super(
      `Kalshi ${method} ${path} → ${status}${api.code ? ` ${api.code}` : ''}${api.message ? `: ${api.message.slice(0, 200)}` : ''}${maybeApplied ? ' (an earlier attempt may have been applied)' : ''}`,
    );
  }
  get code(): string | null {
    return this.api.code;
  }
}

/** No usable answer: connection failed, reset or timed out. */
export class KalshiNetworkError extends Error {
  override name = 'KalshiNetworkError';
  constructor(
    readonly method: string,
    readonly path: string,
    /** undici / errno code, e.g. UND_ERR_HEADERS_TIMEOUT, ECONNRESET. */
    readonly errorCode: string,
    /**
     * False only when no attempt of the call can have been applied: this one
     * provably never reached the server (connect failure) and no earlier one
     * ended ambiguously.
     */
    readonly maybeApplied: boolean,
    readonly attempt: number,
  ) {
    super(
      `Kalshi ${method} ${path}: network error ${errorCode}${maybeApplied ? ' (request may have been applied)' : ''}`,
    );
  }
}

/** A success status with a body that does not match the schema. */
export class KalshiResponseError extends Error {
  override name = 'KalshiResponseError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(`Kalshi ${method} ${path} → ${status}: unexpected response body: ${detail.slice(0, 300)}`);
  }
}

/**
 * A risk-adding write (create, amend) refused locally because the caller's
 * write fence was closed when it reached the head of the queue or a retry:
 * this attempt was never signed nor sent. It certainly did not happen unless
 * an earlier attempt ended ambiguously (`maybeApplied`).
 */
export class KalshiFencedError extends Error {
  override name = 'KalshiFencedError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly reason: string,
    readonly maybeApplied: boolean,
  ) {
    super(
      `Kalshi ${method} ${path}: not sent, writes are fenced (${reason})${maybeApplied ? '; an earlier attempt may have been applied' : ''}`,
    );
  }
}
