/**
 * A `Signer` that signs on a worker thread, so the ~1 ms of RSA work per
 * request leaves the trading event loop. Same algorithm as `createRsaSigner`
 * (RSA-PSS / SHA-256 / salt = digest length); the PEM goes to the worker once
 * and never comes back in a message, log or error.
 */
import { Worker } from 'node:worker_threads';
import { KalshiKeyError, type Signer, stringToSign } from './signer.ts';

// Plain JavaScript so the worker needs no TypeScript loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createPrivateKey, sign, constants } = require('node:crypto');
let key = null;
try {
  key = createPrivateKey({ key: workerData.pem, format: 'pem' });
  if (key.asymmetricKeyType !== 'rsa') key = null;
} catch { key = null; }
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

export interface ThreadSigner extends Signer {
  /** Stops the worker; pending signatures fail. */
  close(): Promise<void>;
}

export async function createThreadSigner(opts: {
  keyId: string;
  privateKeyPem: string;
}): Promise<ThreadSigner> {
  if (!opts.keyId) throw new KalshiKeyError('Kalshi key id is empty');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { pem: opts.privateKeyPem } });
  worker.unref();
  const pending = new Map<number, { resolve: (s: string) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let closed = false;
  const failAll = (why: string) => {
    for (const p of pending.values()) p.reject(new Error(why));
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
    if (pending.size === 0) worker.unref();
    if (m.sig !== undefined) p.resolve(m.sig);
    else p.reject(new Error(m.error ?? 'signing failed'));
  });
  worker.on('error', () => failAll('Kalshi signing worker crashed'));
  worker.on('exit', () => failAll('Kalshi signing worker exited'));
  return {
    keyId: opts.keyId,
    sign(tsMs, method, path) {
      if (closed) return Promise.reject(new Error('Kalshi signing worker closed'));
      const id = nextId++;
      return new Promise<string>((resolve, reject) => {
        if (pending.size === 0) worker.ref();
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, text: stringToSign(tsMs, method, path) });
      });
    },
    async close() {
      closed = true;
      await worker.terminate();
      failAll('Kalshi signing worker closed');
    },
    toJSON: () => ({ keyId: '[redacted]' }),
    [Symbol.for('nodejs.util.inspect.custom')]: () => 'ThreadSigner { [redacted] }',
  } as ThreadSigner;
}
