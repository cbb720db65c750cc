/**
 * Kalshi request authentication, verified as the exchange does: three
 * KALSHI-ACCESS-* headers; the signature is RSA-PSS / SHA-256 (salt = digest
 * length) over `timestamp + METHOD + path` where path excludes the query.
 * Error messages never echo the signature or key material.
 */
import { constants, createPublicKey, type KeyObject, verify } from 'node:crypto';

export interface AuthOk {
  ok: true;
  userId: string;
  keyId: string;
}
export interface AuthFailure {
  ok: false;
  /** 401 body code/message, Kalshi-like. */
  code: 'missing_parameters' | 'authentication_error';
  message: string;
}

export interface AuthOptions {
  /** Wall clock for timestamp freshness (clients sign with their own wall clock, not scenario time). */
  now?: () => number;
  /** Accepted |now − timestamp| in ms. Kalshi does not document it; 30 s here. */
  maxSkewMs?: number;
}

export class KeyRegistry {
  private readonly keys = new Map<string, { key: KeyObject; userId: string }>();
  private readonly now: () => number;
  private readonly maxSkewMs: number;

  constructor(options: AuthOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxSkewMs = options.maxSkewMs ?? 30_000;
  }

  /** Registers an API key (id + RSA public key PEM) for a user. Throws if the PEM is not an RSA public key. */
  register(keyId: string, publicKeyPem: string, userId: string): void {
    const key = createPublicKey(publicKeyPem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error('API keys must be RSA keys');
    this.keys.set(keyId, { key, userId });
  }

  revoke(keyId: string): void {
    this.keys.delete(keyId);
  }

  hasAnyKey(): boolean {
    return this.keys.size > 0;
  }

  /** True when the request carries any of the three headers (then it must verify, even on public endpoints). */
  static present(headers: Record<string, string | string[] | undefined>): boolean {
    return (
      headers['kalshi-access-key'] !== undefined ||
      headers['kalshi-access-signature'] !== undefined ||
      headers['kalshi-access-timestamp'] !== undefined
    );
  }

  verify(
    headers: Record<string, string | string[] | undefined>,
    method: string,
    pathAndQuery: string,
  ): AuthOk | AuthFailure {
    const one = (name: string) => {
      const v = headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const keyId = one('kalshi-access-key');
    const ts = one('kalshi-access-timestamp');
    const sig = one('kalshi-access-signature');
    if (!keyId || !ts || !sig)
      return {
        ok: false,
        code: 'missing_parameters',
        message: 'missing KALSHI-ACCESS-* authentication headers',
      };
    const entry = this.keys.get(keyId);
    if (!entry) return { ok: false, code: 'authentication_error', message: 'unknown API key' };
    if (!/^\d{1,16}$/.test(ts))
      return {
        ok: false,
        code: 'authentication_error',
        message: 'KALSHI-ACCESS-TIMESTAMP must be Unix milliseconds',
      };
    const tsMs = Number(ts);
    if (Math.abs(this.now() - tsMs) > this.maxSkewMs)
      return {
        ok: false,
        code: 'authentication_error',
        message: 'request timestamp is outside the allowed window',
      };
    const path = pathAndQuery.split('?')[0] ?? '';
    const message = Buffer.from(`${ts}${method.toUpperCase()}${path}`);
    let good = false;
    try {
      good = verify(
        'sha256',
        message,
        {
          key: entry.key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        },
        Buffer.from(sig, 'base64'),
      );
    } catch {
      good = false;
    }
    if (!good) return { ok: false, code: 'authentication_error', message: 'invalid signature' };
    return { ok: true, userId: entry.userId, keyId };
  }
}
