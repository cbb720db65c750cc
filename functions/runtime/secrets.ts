/**
 * Secrets from Secrets Manager, cached across invocations of a warm Lambda
 * (one call per cold start and per TTL, not per invocation). Tests inject a
 * provider with local values. Secret values never reach logs or errors.
 */

import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { OddsApiClient } from '../../shared/odds/client.ts';

export interface SecretProvider {
  get(secretId: string): Promise<string>;
}

export function secretsManagerProvider(client: SecretsManagerClient): SecretProvider {
  return {
    async get(secretId) {
      const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      if (typeof out.SecretString !== 'string' || out.SecretString.length === 0) {
        throw new Error(`secret ${secretId} has no string value`);
      }
      return out.SecretString;
    },
  };
}

/** Caches each secret for `ttlMs` (rotation is picked up after at most that long); failures are not cached. */
export function cachedSecrets(
  inner: SecretProvider,
  ttlMs: number,
  now: () => number = Date.now,
): SecretProvider {
  const cache = new Map<string, { at: number; value: Promise<string> }>();
  return {
    get(secretId) {
      const hit = cache.get(secretId);
      if (hit && now() - hit.at < ttlMs) return hit.value;
      const value = inner.get(secretId);
      cache.set(secretId, { at: now(), value });
      value.catch(() => cache.delete(secretId));
      return value;
    },
  };
}

/** A fixed map of secrets (tests, local paper mode). */
export function staticSecrets(values: Record<string, string>): SecretProvider {
  return {
    async get(secretId) {
      const v = values[secretId];
      if (v === undefined) throw new Error(`secret ${secretId} not configured`);
      return v;
    },
  };
}

/**
 * An Odds API client for the key currently in Secrets Manager: reused across
 * invocations, rebuilt only when the secret rotates.
 */
export function oddsClientFromSecret(
  secrets: SecretProvider,
  secretArn: string,
  baseUrl: string,
): () => Promise<OddsApiClient> {
  let client: { key: string; odds: OddsApiClient } | undefined;
  return async () => {
    const key = (await secrets.get(secretArn)).trim();
    if (client?.key !== key) client = { key, odds: new OddsApiClient({ apiKey: key, baseUrl }) };
    return client.odds;
  };
}
