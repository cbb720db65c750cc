/**
 * The deployed worker gets its Kalshi key from Secrets Manager through ECS
 * secret injection (the execution role reads it; the task role cannot). This
 * checks the contract end to end on the synthesised template: the container's
 * environment and injected secrets, with placeholder values, must be accepted
 * by the worker's own environment parser (worker/config.ts), and no secret
 * value may be set as plain environment.
 *
 * It caught the boot failure where infra injected KALSHI_PRIVATE_KEY_PEM and the
 * worker did not accept it (fixed in eb6e49c).
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { parseWorkerEnv } from '../../worker/config.ts';
import { cdkJsonContext } from '../infra/cdk-context.ts';

interface Container {
  Environment?: { Name: string; Value: unknown }[];
  Secrets?: { Name: string; ValueFrom: unknown }[];
}
let containers: Container[] = [];

beforeAll(() => {
  const { stack } = buildApp({
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], kalshiMm: { stage: 'test', shards: 1 } },
  });
  const resources = (
    Template.fromStack(stack).toJSON() as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    }
  ).Resources;
  containers = Object.values(resources)
    .filter((r) => r.Type === 'AWS::ECS::TaskDefinition')
    .flatMap((r) => r.Properties['ContainerDefinitions'] as Container[]);
}, 120_000);

describe('worker secrets as deployed', () => {
  it('no secret-looking value is plain environment; the key comes from Secrets Manager', () => {
    expect(containers.length).toBeGreaterThan(0);
    for (const c of containers) {
      for (const e of c.Environment ?? []) expect(e.Name).not.toMatch(/PRIVATE|SECRET_VALUE|PEM|API_KEY$/);
      const injected = (c.Secrets ?? []).map((s) => s.Name);
      expect(injected.some((n) => /PRIVATE_KEY/.test(n))).toBe(true);
    }
  });

  it('the container environment (with the injected secrets) is accepted by worker/config.ts', () => {
    for (const c of containers) {
      const env: Record<string, string> = {};
      for (const e of c.Environment ?? [])
        env[e.Name] = typeof e.Value === 'string' ? e.Value : 'resolved-at-deploy';
      for (const s of c.Secrets ?? [])
        env[s.Name] = /PRIVATE_KEY/.test(s.Name)
          ? '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'
          : 'key-id';
      // URLs are CloudFormation tokens in the template only when not literal; these are literal.
      expect(() => parseWorkerEnv(env, () => '{}')).not.toThrow();
    }
  });
});
