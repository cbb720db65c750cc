/**
 * Kalshi request signing: RSA-PSS / SHA-256 / MGF1-SHA-256, salt length =
 * digest length, over `timestamp_ms + METHOD + path` where the path carries
 * the `/trade-api/v2` (or `/trade-api/ws/v2`) prefix and no query string.
 *
 * `Signer` is async so signing (~1 ms of CPU per request) can move to a worker
 * thread without touching callers. The private key lives only inside the
 * signer's closure: never logged, never in an error, never serialised.
 */
import { constants, createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Priority } from './rate-limiter.ts';

export interface Signer {
  /** The API key id sent as KALSHI-ACCESS-KEY (not secret, but not logged either). */
  readonly keyId: string;
  /**
   * Base64 signature of `tsMs + method + path` (path without query). `priority`
   * (the rate limiter's: cancels first) orders signatures that wait for one
   * another (sign-queue.ts); a signer that never queues ignores it.
   */
  sign(tsMs: number, method: string, path: string, priority?: Priority): Promise<string>;
}

export const HEADER_KEY = 'KALSHI-ACCESS-KEY';
export const HEADER_TIMESTAMP = 'KALSHI-ACCESS-TIMESTAMP';
export const HEADER_SIGNATURE = 'KALSHI-ACCESS-SIGNATURE';

/** Thrown for an unusable key; the message never contains key material. */
export class KalshiKeyError extends Error {
  override name = 'KalshiKeyError';
}

/** The exact string Kalshi verifies: the query string is cut off, the method upper-cased. */
export function stringToSign(tsMs: number, method: string, path: string): string {
  const q = path.indexOf('?');
  return `${tsMs}${method.toUpperCase()}${q === -1 ? path : path.slice(0, q)}`;
}

function loadKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    // The underlying error is dropped on purpose: some decoders echo input fragments.
    throw new KalshiKeyError('Kalshi private key is not a valid PEM private key');
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new KalshiKeyError(`Kalshi private key must be RSA, got ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  return key;
}

/** Signs in-process with Node's crypto. `privateKeyPem` is PKCS#1 or PKCS#8 PEM text (e.g. a Secrets Manager value). */
export function createRsaSigner(opts: { keyId: string; privateKeyPem: string }): Signer {
  if (!opts.keyId) throw new KalshiKeyError('Kalshi key id is empty');
  const key = loadKey(opts.privateKeyPem);
  const keyId = opts.keyId;
  return {
    keyId,
    async sign(tsMs, method, path) {
      const sig = sign('sha256', Buffer.from(stringToSign(tsMs, method, path), 'utf8'), {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
      });
      return sig.toString('base64');
    },
    toJSON: () => ({ keyId: '[redacted]' }),
    [Symbol.for('nodejs.util.inspect.custom')]: () => 'Signer { [redacted] }',
  } as Signer;
}

/** Reads the PEM from a file; an unreadable file is reported by path only. */
export async function createRsaSignerFromFile(opts: { keyId: string; pemPath: string }): Promise<Signer> {
  let pem: string;
  try {
    pem = await readFile(opts.pemPath, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'error';
    throw new KalshiKeyError(`cannot read Kalshi private key file ${opts.pemPath} (${code})`);
  }
  return createRsaSigner({ keyId: opts.keyId, privateKeyPem: pem });
}

/** The three auth headers for one request (fresh timestamp each call: sign again on every retry/reconnect). */
export async function authHeaders(
  signer: Signer,
  nowMs: number,
  method: string,
  path: string,
  priority?: Priority,
): Promise<Record<string, string>> {
  const ts = Math.floor(nowMs);
  return {
    [HEADER_KEY]: signer.keyId,
    [HEADER_TIMESTAMP]: String(ts),
    [HEADER_SIGNATURE]: await signer.sign(ts, method, path, priority),
  };
}
