/**
 * A Lambda entry point: on the first invocation of an execution environment,
 * parse the environment and wire the handler (clients, stores, the cached
 * Secrets Manager provider); every later invocation reuses that wiring.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { z } from 'zod';
import { parseEnv } from './env.ts';
import { cachedSecrets, type SecretProvider, secretsManagerProvider } from './secrets.ts';

/** Secrets are re-read at most this often, so a rotation is picked up without a cold start. */
const SECRET_TTL_MS = 5 * 60_000;

/** The part of Lambda's context a handler may use: how long this invocation has left. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

export function coldStart<S extends z.ZodType, R>(
  envSchema: S,
  wire: (
    env: z.infer<S>,
    secrets: SecretProvider,
  ) => (event: unknown, context?: InvocationContext) => Promise<R>,
): (event: unknown, context?: InvocationContext) => Promise<R> {
  let wired: ((event: unknown, context?: InvocationContext) => Promise<R>) | undefined;
  // async: a bad environment is a rejected invocation, not a synchronous throw.
  return async (event, context) => {
    wired ??= wire(
      parseEnv(envSchema, process.env),
      cachedSecrets(secretsManagerProvider(new SecretsManagerClient({})), SECRET_TTL_MS),
    );
    return wired(event, context);
  };
}
