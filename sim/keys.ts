/**
 * RSA-2048 API key pairs for paper mode: Kalshi signs requests with RSA-PSS,
 * so the worker needs a private key and the simulator the matching public
 * key. Keys are written as PEM files into a folder (the private key readable
 * by the owner only) and reused if already there, so a paper setup survives
 * restarts.
 */
import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface KeyPairFiles {
  keyId: string;
  privateKeyPath: string;
  publicKeyPath: string;
  publicKeyPem: string;
  /** True when this call created the files (false: existing ones reused). */
  created: boolean;
}

export const PRIVATE_KEY_FILE = 'kalshi-private.pem';
export const PUBLIC_KEY_FILE = 'kalshi-public.pem';
export const KEY_ID_FILE = 'kalshi-key-id';

/** A fresh in-memory RSA-2048 pair (PKCS#8 private, SPKI public). */
export function generateKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** Writes a key pair and key id into `dir` (created if needed), or reuses the ones already there. */
export function ensureKeyPair(dir: string, keyId?: string): KeyPairFiles {
  mkdirSync(dir, { recursive: true });
  const privateKeyPath = join(dir, PRIVATE_KEY_FILE);
  const publicKeyPath = join(dir, PUBLIC_KEY_FILE);
  const idPath = join(dir, KEY_ID_FILE);
  if (existsSync(privateKeyPath) && existsSync(publicKeyPath)) {
    const publicKeyPem = readFileSync(publicKeyPath, 'utf8');
    createPublicKey(publicKeyPem); // fail early on a damaged file
    const stored = existsSync(idPath) ? readFileSync(idPath, 'utf8').trim() : '';
    const id = keyId ?? (stored || randomUUID());
    if (id !== stored) writeFileSync(idPath, `${id}\n`);
    return { keyId: id, privateKeyPath, publicKeyPath, publicKeyPem, created: false };
  }
  const { privateKeyPem, publicKeyPem } = generateKeyPair();
  writeFileSync(privateKeyPath, privateKeyPem, { mode: 0o600 });
  chmodSync(privateKeyPath, 0o600);
  writeFileSync(publicKeyPath, publicKeyPem);
  const id = keyId ?? randomUUID();
  writeFileSync(idPath, `${id}\n`);
  return { keyId: id, privateKeyPath, publicKeyPath, publicKeyPem, created: true };
}
