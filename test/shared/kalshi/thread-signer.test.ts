import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createRsaSigner, KalshiKeyError } from '../../../shared/kalshi/signer.ts';
import {
  createThreadPoolSigner,
  createThreadSigner,
  type ThreadSigner,
  withFallback,
} from '../../../shared/kalshi/thread-signer.ts';
import { keyPair, verifySignature } from './support.ts';

describe('worker-thread signer', () => {
  it('produces signatures the public key verifies, concurrently, off the main thread', async () => {
    const signer = await createThreadSigner({ keyId: 'k', privateKeyPem: keyPair.privatePem });
    try {
      const paths = Array.from({ length: 20 }, (_, i) => `/trade-api/v2/portfolio/orders/${i}`);
      const sigs = await Promise.all(paths.map((p, i) => signer.sign(1000 + i, 'DELETE', `${p}?x=1`)));
      for (const [i, p] of paths.entries()) {
        expect(verifySignature(keyPair.publicPem, `${1000 + i}DELETE${p}`, sigs[i]!)).toBe(true);
      }
    } finally {
      await signer.close();
    }
    await expect(signer.sign(1, 'GET', '/x')).rejects.toThrow(/closed/);
  });

  it('refuses a bad key without echoing it', async () => {
    const err = await createThreadSigner({ keyId: 'k', privateKeyPem: 'not a key at all' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KalshiKeyError);
    expect(String(err)).not.toContain('not a key at all');
  });
});

describe('thread-pool signer (crypto.sign with a callback)', () => {
  it('produces signatures the public key verifies, concurrently; a closed signer refuses', async () => {
    const signer = createThreadPoolSigner({ keyId: 'k', privateKeyPem: keyPair.privatePemPkcs1 });
    const paths = Array.from({ length: 20 }, (_, i) => `/trade-api/v2/portfolio/orders/${i}`);
    const sigs = await Promise.all(paths.map((p, i) => signer.sign(1000 + i, 'delete', `${p}?x=1`)));
    for (const [i, p] of paths.entries())
      expect(verifySignature(keyPair.publicPem, `${1000 + i}DELETE${p}`, sigs[i]!)).toBe(true);
    // Same bytes as the in-process signer would verify (PSS is randomised: compare by verification).
    const inProcess = createRsaSigner({ keyId: 'k', privateKeyPem: keyPair.privatePem });
    const a = await inProcess.sign(5, 'POST', '/trade-api/v2/portfolio/orders');
    expect(verifySignature(keyPair.publicPem, '5POST/trade-api/v2/portfolio/orders', a)).toBe(true);
    await signer.close();
    await expect(signer.sign(1, 'GET', '/x')).rejects.toThrow(/closed/);
  });

  it('refuses a bad or non-RSA key without echoing it, and never serialises the key', () => {
    const bad = (() => {
      try {
        createThreadPoolSigner({ keyId: 'k', privateKeyPem: 'not a key at all' });
      } catch (e) {
        return e;
      }
    })();
    expect(bad).toBeInstanceOf(KalshiKeyError);
    expect(String(bad)).not.toContain('not a key at all');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    expect(() => createThreadPoolSigner({ keyId: 'k', privateKeyPem: ec.toString() })).toThrow(/must be RSA/);
    const signer = createThreadPoolSigner({ keyId: 'k', privateKeyPem: keyPair.privatePem });
    const body = keyPair.privatePem.split('\n')[1]!;
    expect(JSON.stringify({ signer })).not.toContain(body);
    expect(inspect(signer, { showHidden: true, depth: 5 })).not.toContain(body);
  });
});

describe('withFallback', () => {
  const failing = (message: string): ThreadSigner => ({
    keyId: 'k',
    sign: () => Promise.reject(new Error(message)),
    close: async () => {},
  });

  it('signs in-process when the off-loop signer fails, and says why without key material', async () => {
    const reasons: string[] = [];
    const signer = withFallback(
      failing('Kalshi signing worker crashed'),
      createRsaSigner({ keyId: 'k', privateKeyPem: keyPair.privatePem }),
      (r) => reasons.push(r),
    );
    const sig = await signer.sign(7, 'POST', '/trade-api/v2/portfolio/orders?x=1');
    expect(verifySignature(keyPair.publicPem, '7POST/trade-api/v2/portfolio/orders', sig)).toBe(true);
    expect(signer.fallbacks).toBe(1);
    expect(reasons).toEqual(['Kalshi signing worker crashed']);
    expect(JSON.stringify(signer)).not.toContain(keyPair.privatePem.split('\n')[1]!);
  });

  it('uses the off-loop signer while it works; after close every signature fails', async () => {
    const primary = createThreadPoolSigner({ keyId: 'k', privateKeyPem: keyPair.privatePem });
    const signer = withFallback(primary, failing('in-process must not be used'));
    const sig = await signer.sign(8, 'GET', '/trade-api/v2/portfolio/balance');
    expect(verifySignature(keyPair.publicPem, '8GET/trade-api/v2/portfolio/balance', sig)).toBe(true);
    expect(signer.fallbacks).toBe(0);
    await signer.close();
    await expect(signer.sign(9, 'GET', '/x')).rejects.toThrow(/closed/);
    await expect(primary.sign(9, 'GET', '/x')).rejects.toThrow(/closed/);
  });

  it('a worker-thread signer that is gone fails at once (no signature waits forever), then falls back', async () => {
    const worker = await createThreadSigner({
      keyId: 'k',
      privateKeyPem: keyPair.privatePem,
      timeoutMs: 500,
    });
    await worker.close();
    const signer = withFallback(worker, createRsaSigner({ keyId: 'k', privateKeyPem: keyPair.privatePem }));
    // The wrapper itself is open: it falls back to in-process signing.
    const sig = await signer.sign(10, 'GET', '/trade-api/v2/markets');
    expect(verifySignature(keyPair.publicPem, '10GET/trade-api/v2/markets', sig)).toBe(true);
    expect(signer.fallbacks).toBe(1);
  });
});
