/**
 * Orders and bounds a REST client's signatures (issue #16: to the wire).
 *
 * A requote hands all its writes to the signer in one turn. Unbounded, they
 * all compute at once on libuv's four pool threads over the machine's cores,
 * so the first — most urgent — write waits for the others' CPU. Here:
 *
 * - At most `concurrency` signatures compute at once (default: the cores);
 *   the rest wait, unsigned, in the rate limiter's priority order (cancels
 *   first, then other writes and reads, creates last; FIFO within one), so a
 *   kill switch's cancel never waits behind a slate of creates.
 * - Optionally (`inline`), the first signature of a turn is computed in the
 *   caller's turn when nothing else is signing and its budget allows: no
 *   hand-off to a pool thread and back through a busy loop for the write that
 *   leads the requote, while the writes behind it sign off the loop in
 *   parallel. The budget (signatures per second, refilled on the request
 *   timestamps the caller passes, no clock of its own) caps the loop time it
 *   may take.
 *
 * A signature's timestamp is taken by the caller before it waits here, so a
 * wait ages it; the send gate in front keeps the wait to a few signatures.
 */
import { availableParallelism } from 'node:os';
import { PRIORITY, type Priority } from './rate-limiter.ts';
import type { Signer } from './signer.ts';

export interface SignQueueOptions {
  /** Signatures computing at once (default: `os.availableParallelism()`). */
  concurrency?: number;
  /** In-process signer for the first signature of a turn (omit: always the queue). */
  inline?: Signer;
  /** Inline signatures allowed per second, as a bucket of this size (default 50: ≈ 1–2 % of the loop). */
  inlinePerSec?: number;
}

export interface QueuedSigner extends Signer {
  sign(tsMs: number, method: string, path: string, priority?: Priority): Promise<string>;
  /** Signatures computing now (off the loop). */
  readonly inFlight: number;
  /** Signatures waiting for a free slot. */
  readonly waiting: number;
  /** Signatures computed in their caller's turn so far. */
  readonly inlined: number;
  close(): Promise<void>;
}

interface Waiter {
  priority: number;
  start: () => void;
  reject: (e: Error) => void;
}

/** `offLoop` signs (thread pool, worker thread, with its fallback); this orders and bounds its calls. */
export function withSignQueue(
  offLoop: Signer & { close?: () => Promise<void> },
  opts: SignQueueOptions = {},
): QueuedSigner {
  const concurrency = opts.concurrency ?? availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`sign queue needs a positive whole concurrency, got ${concurrency}`);
  if (opts.inline && opts.inline.keyId !== offLoop.keyId)
    throw new RangeError('sign queue: inline and off-loop signers for different key ids');
  const inlinePerSec = opts.inlinePerSec ?? 50;
  let inFlight = 0;
  let inlined = 0;
  /** Sorted: lowest priority first, then arrival. */
  const queue: Waiter[] = [];
  // Inline budget: a bucket of `inlinePerSec` tokens refilled by the request timestamps.
  let tokens = inlinePerSec;
  let lastTsMs = Number.NEGATIVE_INFINITY;
  /** Set while the current turn has signed inline; cleared by the first microtask after it. */
  let turnUsed = false;
  let closed = false;

  const release = () => {
    const next = queue.shift();
    if (next) next.start();
    else inFlight--;
  };

  const offLoopSign = (tsMs: number, method: string, path: string): Promise<string> => {
    let p: Promise<string>;
    try {
      p = offLoop.sign(tsMs, method, path);
    } catch (e) {
      p = Promise.reject(e);
    }
    return p.finally(release);
  };

  const takeInline = (tsMs: number): boolean => {
    if (!opts.inline || turnUsed || inFlight > 0 || queue.length > 0 || inlinePerSec <= 0) return false;
    if (lastTsMs !== Number.NEGATIVE_INFINITY && tsMs > lastTsMs)
      tokens = Math.min(inlinePerSec, tokens + ((tsMs - lastTsMs) * inlinePerSec) / 1000);
    lastTsMs = Math.max(lastTsMs, tsMs);
    if (tokens < 1) return false;
    tokens -= 1;
    turnUsed = true;
    queueMicrotask(() => {
      turnUsed = false;
    });
    return true;
  };

  return {
    keyId: offLoop.keyId,
    get inFlight() {
      return inFlight;
    },
    get waiting() {
      return queue.length;
    },
    get inlined() {
      return inlined;
    },
    sign(tsMs, method, path, priority = PRIORITY.read) {
      if (closed) return Promise.reject(new Error('Kalshi signer closed'));
      if (takeInline(tsMs)) {
        inlined++;
        return opts.inline!.sign(tsMs, method, path);
      }
      if (inFlight < concurrency && queue.length === 0) {
        inFlight++;
        return offLoopSign(tsMs, method, path);
      }
      return new Promise<string>((resolve, reject) => {
        const w: Waiter = {
          priority,
          start: () => offLoopSign(tsMs, method, path).then(resolve, reject),
          reject,
        };
        let i = queue.length;
        while (i > 0 && queue[i - 1]!.priority > priority) i--;
        queue.splice(i, 0, w);
      });
    },
    async close() {
      closed = true;
      for (const w of queue.splice(0)) w.reject(new Error('Kalshi signer closed'));
      await offLoop.close?.();
    },
    toJSON: () => ({ keyId: '[redacted]' }),
    [Symbol.for('nodejs.util.inspect.custom')]: () => 'Signer { [redacted] }',
  } as QueuedSigner;
}
