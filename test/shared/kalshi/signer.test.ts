import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  authHeaders,
  createRsaSigner,
  createRsaSignerFromFile,
  KalshiKeyError,
  stringToSign,
} from '../../../shared/kalshi/signer.ts';
import { keyPair, verifySignature } from './support.ts';

describe('Kalshi request signing', () => {
  it('signs ts + METHOD + path, with the query string cut off', () => {
    expect(stringToSign(1703123456789, 'get', '/trade-api/v2/portfolio/orders?limit=5')).toBe(
      '1703123456789GET/trade-api/v2/portfolio/orders',
    );
  });

  it('produces RSA-PSS SHA-256 signatures a verifier with the public key accepts (PKCS#8 and PKCS#1 keys)', async () => {
    for (const pem of [keyPair.privatePem, keyPair.privatePemPkcs1]) {
      const signer = createRsaSigner({ keyId: 'key-1', privateKeyPem: pem });
      const h = await authHeaders(signer, 1_794_692_412_337, 'POST', '/trade-api/v2/portfolio/events/orders');
      expect(h['KALSHI-ACCESS-KEY']).toBe('key-1');
      expect(h['KALSHI-ACCESS-TIMESTAMP']).toBe('1794692412337');
      const msg = '1794692412337POST/trade-api/v2/portfolio/events/orders';
      expect(verifySignature(keyPair.publicPem, msg, h['KALSHI-ACCESS-SIGNATURE']!)).toBe(true);
    }
  });

  it('a signature does not verify for any other timestamp, method or path', async () => {
    const signer = createRsaSigner({ keyId: 'k', privateKeyPem: keyPair.privatePem });
    const sig = await signer.sign(1000, 'GET', '/trade-api/v2/markets');
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), (suffix) => {
        expect(verifySignature(keyPair.publicPem, `1000GET/trade-api/v2/markets${suffix}`, sig)).toBe(false);
      }),
      { numRuns: 30 },
    );
    expect(verifySignature(keyPair.publicPem, '1001GET/trade-api/v2/markets', sig)).toBe(false);
    expect(verifySignature(keyPair.publicPem, '1000POST/trade-api/v2/markets', sig)).toBe(false);
  });

  it('never reveals key material: bad PEM error, inspect and JSON of the signer', async () => {
    const secretish = keyPair.privatePem.replace('PRIVATE KEY-----\n', 'PRIVATE KEY-----\nAAAA');
    let message = '';
    try {
      createRsaSigner({ keyId: 'k', privateKeyPem: secretish });
    } catch (e) {
      expect(e).toBeInstanceOf(KalshiKeyError);
      message = `${(e as Error).message} ${inspect(e)}`;
    }
    expect(message).toContain('not a valid PEM');
    const body = keyPair.privatePem.split('\n')[1]!;
    expect(message).not.toContain(body.slice(0, 16));
    const signer = createRsaSigner({ keyId: 'k', privateKeyPem: keyPair.privatePem });
    expect(inspect(signer)).not.toContain(body.slice(0, 16));
    expect(JSON.stringify(signer)).not.toContain(body.slice(0, 16));
  });

  it('refuses a non-RSA key and an unreadable key file by path only', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    expect(() => createRsaSigner({ keyId: 'k', privateKeyPem: ec.toString() })).toThrow(/must be RSA/);
    await expect(createRsaSignerFromFile({ keyId: 'k', pemPath: '/nonexistent/key.pem' })).rejects.toThrow(
      /cannot read Kalshi private key file \/nonexistent\/key.pem \(ENOENT\)/,
    );
  });
});
