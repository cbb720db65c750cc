/**
 * Retry delays: exponential backoff with full jitter (delay uniform in
 * [0, min(cap, base·2^attempt))), and Retry-After when the server gives one.
 * Pure: randomness and time are passed in.
 */

export interface BackoffPolicy {
  /** First retry's upper bound. */
  baseMs: number;
  /** Upper bound for any single delay. */
  capMs: number;
}

/** `attempt` counts retries from 0. `random()` in [0, 1). */
export function fullJitterDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

/** Retry-After as delta-seconds or an HTTP date → milliseconds from `nowMs`; null when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, nowMs: number): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (!Number.isFinite(at)) return null;
  return Math.max(0, at - nowMs);
}
