import { describe, expect, it } from 'vitest';
import { KalshiKeyError } from '../../../shared/kalshi/signer.ts';
import { createThreadSigner } from '../../../shared/kalshi/thread-signer.ts';
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
