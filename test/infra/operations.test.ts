/**
 * A day of operations on AWS without self-inflicted kills (issue 18), as template assertions:
 * every metric and alarm carries its stage, so one stage can neither hide nor kill another.
 * Bundling is skipped so the file synthesises in seconds.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { METRICS_NAMESPACE } from '../../shared/metrics/names.ts';
import { parseWorkerEnv } from '../../worker/config.ts';
import { cdkJsonContext } from './cdk-context.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

function synth(kalshiMm: Record<string, unknown>): Record<string, Resource> {
  const { stack } = buildApp({
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], kalshiMm },
    nag: false,
  });
  return Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
}

const ENABLED = {
  stage: 'prod',
  shards: 2,
  worker: { enabled: true },
  alarms: { email: 'ops@example.com' },
};

let prod: Record<string, Resource>;
beforeAll(() => {
  prod = synth(ENABLED);
});

const ofType = (all: Record<string, Resource>, type: string) =>
  Object.entries(all).filter(([, r]) => r.Type === type);
const alarms = (all: Record<string, Resource>) =>
  ofType(all, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
const containerEnv = (task: Resource) => {
  const [container] = task.Properties['ContainerDefinitions'] as Record<string, unknown>[];
  return Object.fromEntries(
    (container!['Environment'] as { Name: string; Value: unknown }[]).map((e) => [
      e.Name,
      typeof e.Value === 'string' ? e.Value : `resolved-${e.Name}`,
    ]),
  );
};
/** Every metric an alarm watches, plain or inside metric math. */
const watched = (a: Record<string, unknown>) =>
  a['MetricName'] !== undefined
    ? [{ Namespace: a['Namespace'], Dimensions: a['Dimensions'] }]
    : ((a['Metrics'] as { MetricStat?: { Metric: { Namespace: string; Dimensions: unknown } } }[]) ?? [])
        .filter((m) => m.MetricStat)
        .map((m) => m.MetricStat!.Metric as { Namespace: unknown; Dimensions: unknown });

describe('item 6: every metric and alarm carries its stage', () => {
  it("every alarm on the project's namespace watches dimension Stage = its own stage", () => {
    let ours = 0;
    for (const a of alarms(prod))
      for (const m of watched(a)) {
        if (m.Namespace !== METRICS_NAMESPACE) continue;
        ours++;
        expect(m.Dimensions, String(a['AlarmName'])).toContainEqual({ Name: 'Stage', Value: 'prod' });
      }
    expect(ours).toBeGreaterThan(10);
  });

  it('two stages in one account: no alarm of one watches a metric of the other, nor shares a name', () => {
    const demo = synth({ ...ENABLED, stage: 'demo' });
    const key = (a: Record<string, unknown>) =>
      watched(a)
        .filter((m) => m.Namespace === METRICS_NAMESPACE)
        .map((m) => JSON.stringify(m.Dimensions));
    const prodKeys = new Set(alarms(prod).flatMap(key));
    for (const a of alarms(demo)) for (const k of key(a)) expect(prodKeys.has(k), k).toBe(false);
    const prodNames = new Set(alarms(prod).map((a) => a['AlarmName']));
    for (const a of alarms(demo)) expect(prodNames.has(a['AlarmName'])).toBe(false);
  });

  it('the worker task gets STAGE and METRICS_NAMESPACE, and worker/config.ts reads both', () => {
    for (const [, task] of ofType(prod, 'AWS::ECS::TaskDefinition')) {
      const env = containerEnv(task);
      const parsed = parseWorkerEnv({
        ...env,
        KALSHI_KEY_ID: 'key-1',
        KALSHI_PRIVATE_KEY_PEM: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
      });
      expect(parsed.stage).toBe('prod');
      expect(parsed.metricsNamespace).toBe(METRICS_NAMESPACE);
    }
  });

  it('every Lambda gets STAGE (the Stage dimension of its metrics)', () => {
    const fns = ofType(prod, 'AWS::Lambda::Function').filter(([, r]) =>
      JSON.stringify(r.Properties['Environment'] ?? {}).includes('POWERTOOLS_SERVICE_NAME'),
    );
    expect(fns.length).toBe(3);
    for (const [, fn] of fns)
      expect(
        (fn.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables['STAGE'],
      ).toBe('prod');
  });
});
