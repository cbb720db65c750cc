/**
 * worker/config.ts against the values the CDK app deploys: the placeholder Kalshi secret the
 * stack creates is refused with a message that says what to do, and the theo age limit the
 * stack derives from the poll interval reaches the engine config.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { KALSHI_KEY_PLACEHOLDER as STACK_PLACEHOLDER } from '../../infra/constructs/data.ts';
import { KALSHI_KEY_PLACEHOLDER, parseWorkerEnv, WorkerEnvError } from '../../worker/config.ts';
import { cdkJsonContext } from '../infra/cdk-context.ts';

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

  it('LADDER_SPORTS switches spread/total ladders on: none by default, all, or Odds API sport keys', () => {
    expect(parseWorkerEnv(base).ladderSports).toEqual([]);
    expect(parseWorkerEnv({ ...base, LADDER_SPORTS: 'none' }).ladderSports).toEqual([]);
    expect(parseWorkerEnv({ ...base, LADDER_SPORTS: 'all' }).ladderSports).toBe('all');
    expect(
      parseWorkerEnv({ ...base, LADDER_SPORTS: 'basketball_nba, americanfootball_nfl' }).ladderSports,
    ).toEqual(['basketball_nba', 'americanfootball_nfl']);
    expect(() => parseWorkerEnv({ ...base, LADDER_SPORTS: 'NBA' })).toThrow(/LADDER_SPORTS/);
    expect(() => parseWorkerEnv({ ...base, LADDER_SPORTS: ',' })).toThrow(/LADDER_SPORTS/);
  });

  it('THEO_MAX_AGE_MS sets the theo age limit unless the engine config names its own', () => {
    expect(parseWorkerEnv(base).config.theoMaxAgeMs).toBe(10 * 60_000); // engine default
    expect(parseWorkerEnv({ ...base, THEO_MAX_AGE_MS: '3900000' }).config.theoMaxAgeMs).toBe(3_900_000);
    expect(
      parseWorkerEnv({ ...base, THEO_MAX_AGE_MS: '3900000', ENGINE_CONFIG: '{"theoMaxAgeMs":120000}' }).config
        .theoMaxAgeMs,
    ).toBe(120_000);
    expect(() => parseWorkerEnv({ ...base, THEO_MAX_AGE_MS: '65m' })).toThrow(/THEO_MAX_AGE_MS/);
  });

  it('the deployed container (30-minute polls by default) quotes theos up to 65 minutes old', () => {
    const { stack } = buildApp({
      context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], kalshiMm: { stage: 'test' } },
    });
    const resources = Template.fromStack(stack).toJSON().Resources as Record<
      string,
      { Type: string; Properties: Record<string, unknown> }
    >;
    const [task] = Object.values(resources).filter((r) => r.Type === 'AWS::ECS::TaskDefinition');
    const [container] = task!.Properties['ContainerDefinitions'] as {
      Environment: { Name: string; Value: unknown }[];
    }[];
    const env: Record<string, string> = { KALSHI_KEY_ID: 'key-1', KALSHI_PRIVATE_KEY_PEM: PEM };
    for (const e of container!.Environment) env[e.Name] = typeof e.Value === 'string' ? e.Value : 'resolved';
    expect(parseWorkerEnv(env).config.theoMaxAgeMs).toBe(65 * 60_000);
  }, 60_000);
});

describe('ladders as deployed: one deploy key, the worker and the odds Lambdas agree', () => {
  const envOf = (kalshiMm: Record<string, unknown>) => {
    const { stack } = buildApp({
      context: {
        ...cdkJsonContext(),
        'aws:cdk:bundling-stacks': [],
        kalshiMm: { stage: 'test', ...kalshiMm },
      },
    });
    const resources = Object.values(
      Template.fromStack(stack).toJSON().Resources as Record<
        string,
        { Type: string; Properties: Record<string, unknown> }
      >,
    );
    const [task] = resources.filter((r) => r.Type === 'AWS::ECS::TaskDefinition');
    const [container] = task!.Properties['ContainerDefinitions'] as {
      Environment: { Name: string; Value: unknown }[];
    }[];
    const worker: Record<string, string> = { KALSHI_KEY_ID: 'key-1', KALSHI_PRIVATE_KEY_PEM: PEM };
    for (const e of container!.Environment)
      worker[e.Name] = typeof e.Value === 'string' ? e.Value : 'resolved';
    const lambdas = resources
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map(
        (r) =>
          (r.Properties['Environment'] as { Variables?: Record<string, string> } | undefined)?.Variables ??
          {},
      )
      .filter((v) => 'ODDS_SPORTS' in v);
    return { worker, lambdas };
  };

  it('off by default: the worker quotes winners only and the odds Lambdas request no spreads/totals', () => {
    const { worker, lambdas } = envOf({});
    expect(parseWorkerEnv(worker).ladderSports).toEqual([]);
    expect(lambdas.length).toBe(2); // odds-poll and odds-refresh
    for (const v of lambdas) expect(v['ODDS_LADDER_SPORTS']).toBe('none');
  }, 60_000);

  it('ladderSports ["basketball_nba"]: both sides on for NBA only', () => {
    const { worker, lambdas } = envOf({ ladderSports: ['basketball_nba'] });
    expect(parseWorkerEnv(worker).ladderSports).toEqual(['basketball_nba']);
    for (const v of lambdas) expect(v['ODDS_LADDER_SPORTS']).toBe('basketball_nba');
  }, 60_000);
});
