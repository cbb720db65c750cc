/**
 * Signers that keep the RSA work (≈ 0.25–0.9 ms of CPU per request) off the
 * trading event loop. Same algorithm as `createRsaSigner` (RSA-PSS / SHA-256 /
 * salt = digest length, over `stringToSign`).
 *
 * - `createThreadPoolSigner`: `crypto.sign` with a callback, which runs the
 *   signature on libuv's thread pool (≈ 10 µs of event-loop time per request).
 *   No extra thread to start, crash or shut down; the key is a parsed
 *   `KeyObject` in this process, as with the in-process signer. The default.
 * - `createThreadSigner`: a dedicated worker thread (the PEM is sent to it once,
 *   never comes back in a message, log or error). For deployments whose thread
 *   pool is busy with other work.
 * - `withFallback`: signs with the off-loop signer and, if that fails (worker
 *   crashed or stuck, thread pool error), in-process: a write is never lost to
 *   the signing machinery.
 *
 * None of them ever puts key material in an error message: the underlying
 * errors are dropped on purpose (some decoders echo input fragments).
 */
import { constants, createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { KalshiKeyError, type Signer, stringToSign } from './signer.ts';

export interface ThreadSigner extends Signer {
  /** Stops the signer; later and pending signatures fail with an error naming no key. */
  close(): Promise<void>;
}

const REDACTED = {
  toJSON: () => ({ keyId: '[redacted]' }),
  [Symbol.for('nodejs.util.inspect.custom')]: () => 'Signer { [redacted] }',
};

function loadRsaKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new KalshiKeyError('Kalshi private key is not a valid PEM private key');
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw new KalshiKeyError(`Kalshi private key must be RSA, got ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

/** Signs on libuv's thread pool (`crypto.sign` with a callback). */
export function createThreadPoolSigner(opts: { keyId: string; privateKeyPem: string }): ThreadSigner {
  if (!opts.keyId) throw new KalshiKeyError('Kalshi key id is empty');
  const key = loadRsaKey(opts.privateKeyPem);
  const options = {
    key,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  };
  let closed = false;
  return {
    keyId: opts.keyId,
    sign(tsMs, method, path) {
      if (closed) return Promise.reject(new Error('Kalshi signer closed'));
      const data = Buffer.from(stringToSign(tsMs, method, path), 'utf8');
      return new Promise<string>((resolve, reject) => {
        sign('sha256', data, options, (err, sig) => {
          if (err) reject(new Error(`Kalshi signing failed (${(err as { code?: string }).code ?? 'error'})`));
          else resolve(sig.toString('base64'));
        });
      });
    },
    async close() {
      closed = true;
    },
    ...REDACTED,
  } as ThreadSigner;
}

// Plain JavaScript so the worker needs no TypeScript loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createPrivateKey, sign, constants } = require('node:crypto');
let key = null;
try {
  key = createPrivateKey({ key: workerData.pem, format: 'pem' });
  if (key.asymmetricKeyType !== 'rsa') key = null;
} catch { key = null; }
workerData.pem = null;
parentPort.postMessage({ ready: key !== null });
parentPort.on('message', ({ id, text }) => {
  try {
    const sig = sign('sha256', Buffer.from(text, 'utf8'), {
      key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    }).toString('base64');
    parentPort.postMessage({ id, sig });
  } catch {
    parentPort.postMessage({ id, error: 'signing failed' });
  }
});
`;

/** How long a signature may take on the worker before it is failed (the caller may fall back). */
export const DEFAULT_THREAD_SIGN_TIMEOUT_MS = 2_000;

/** Signs on a dedicated worker thread. */
export async function createThreadSigner(opts: {
  keyId: string;
  privateKeyPem: string;
  /** A signature not back within this many ms fails (default 2 s). */
  timeoutMs?: number;
}): Promise<ThreadSigner> {
  if (!opts.keyId) throw new KalshiKeyError('Kalshi key id is empty');
  const timeoutMs = opts.timeoutMs ?? DEFAULT_THREAD_SIGN_TIMEOUT_MS;
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { pem: opts.privateKeyPem } });
  worker.unref();
  const pending = new Map<
    number,
    { resolve: (s: string) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  let nextId = 1;
  /** Why the signer can no longer sign (closed, crashed, exited), or null while it can. */
  let down: string | null = null;
  const failAll = (why: string) => {
    down ??= why;
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(why));
    }
    pending.clear();
  };
  const ready = await new Promise<boolean>((resolve, reject) => {
    worker.once('message', (m: { ready?: boolean }) => resolve(m.ready === true));
    worker.once('error', () => reject(new KalshiKeyError('Kalshi signing worker failed to start')));
  });
  if (!ready) {
    await worker.terminate();
    throw new KalshiKeyError('Kalshi private key is not a valid PEM RSA private key');
  }
  // Referenced only while signatures are outstanding: an idle signer never keeps the process alive.
  worker.on('message', (m: { id: number; sig?: string; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (pending.size === 0) worker.unref();
    if (m.sig !== undefined) p.resolve(m.sig);
    else p.reject(new Error(m.error ?? 'signing failed'));
  });
  // A dead worker fails every later signature at once (a message to it would never be answered).
  worker.on('error', () => failAll('Kalshi signing worker crashed'));
  worker.on('exit', () => failAll('Kalshi signing worker exited'));
  return {
    keyId: opts.keyId,
    sign(tsMs, method, path) {
      if (down !== null) return Promise.reject(new Error(down));
      const id = nextId++;
      return new Promise<string>((resolve, reject) => {
        if (pending.size === 0) worker.ref();
        const timer = setTimeout(() => {
          if (!pending.delete(id)) return;
          if (pending.size === 0) worker.unref();
          reject(new Error(`Kalshi signing worker did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
        timer.unref();
        pending.set(id, { resolve, reject, timer });
        worker.postMessage({ id, text: stringToSign(tsMs, method, path) });
      });
    },
    async close() {
      down ??= 'Kalshi signing worker closed';
      await worker.terminate();
      failAll('Kalshi signing worker closed');
    },
    ...REDACTED,
  } as ThreadSigner;
}

export interface FallbackSigner extends ThreadSigner {
  /** Signatures made in-process because the off-loop signer failed. */
  readonly fallbacks: number;
}

/**
 * Signs with `primary` (off the loop); when it fails, with `fallback` (in
 * process) and reports why through `onFallback` (a message naming no key).
 * After `close` every signature fails.
 */
export function withFallback(
  primary: ThreadSigner,
  fallback: Signer,
  onFallback?: (reason: string) => void,
): FallbackSigner {
  if (primary.keyId !== fallback.keyId) throw new KalshiKeyError('signers for different key ids');
  let closed = false;
  let fallbacks = 0;
  return {
    keyId: primary.keyId,
    get fallbacks() {
      return fallbacks;
    },
    async sign(tsMs, method, path) {
      if (closed) throw new Error('Kalshi signer closed');
      try {
        return await primary.sign(tsMs, method, path);
      } catch (err) {
        if (closed) throw new Error('Kalshi signer closed');
        fallbacks++;
        onFallback?.(err instanceof Error ? err.message.slice(0, 200) : 'signing failed');
        return fallback.sign(tsMs, method, path);
      }
    },
    async close() {
      closed = true;
      await primary.close();
    },
    ...REDACTED,
  } as FallbackSigner;
}
