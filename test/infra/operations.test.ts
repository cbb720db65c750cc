/**
 * A day of operations on AWS without self-inflicted kills (issue 18), as template assertions:
 * every metric and alarm carries its stage, so one stage can neither hide nor kill another.
 * Bundling is skipped so the file synthesises in seconds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { loadDeployConfig, refreshCreditReserve } from '../../infra/config.ts';
import {
  HEALTH_DIR,
  HEALTH_FILE,
  HEALTH_MAX_AGE_MS,
  healthCheckCommand,
} from '../../shared/metrics/health-check.ts';
import { METRICS_NAMESPACE, WorkerMetric } from '../../shared/metrics/names.ts';
import { parseWorkerEnv } from '../../worker/config.ts';
import { healthBeat } from '../../worker/health.ts';
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

const alarmNamed = (all: Record<string, Resource>, suffix: string) => {
  const found = alarms(all).filter((a) => String(a['AlarmName']).endsWith(suffix));
  expect(found, suffix).toHaveLength(1);
  return found[0]!;
};
const serviceIdOfShard = (all: Record<string, Resource>, shard: number) => {
  const [entry] = ofType(all, 'AWS::ECS::Service').filter(([id]) => id.includes(`Shard${shard}`));
  return entry![0];
};

describe('item 1: deploy step 2 and a new shard do not trip the kill switch', () => {
  it('the heartbeat alarm judges a shard only in minutes its service has a running task', () => {
    for (const shard of [0, 1]) {
      const a = alarmNamed(prod, `STOP-shard${shard}-heartbeat-missing`);
      const metrics = a['Metrics'] as {
        Id: string;
        Expression?: string;
        ReturnData?: boolean;
        MetricStat?: {
          Metric: { Namespace: string; MetricName: string; Dimensions: unknown[] };
          Stat: string;
        };
      }[];
      const expr = metrics.find((m) => m.Expression !== undefined)!;
      expect(expr.Expression).toBe('IF(FILL(running, 0) >= 1, FILL(heartbeat, 0), 1)');
      const running = metrics.find((m) => m.Id === 'running')!;
      expect(running.ReturnData).toBe(false);
      expect(running.MetricStat).toMatchObject({
        Metric: { Namespace: 'ECS/ContainerInsights', MetricName: 'RunningTaskCount' },
        Stat: 'Maximum',
      });
      // The gate is this shard's own service, in this stack's cluster.
      const dims = JSON.stringify(running.MetricStat!.Metric.Dimensions);
      expect(dims).toContain(serviceIdOfShard(prod, shard));
      expect(dims).toContain('ClusterName');
      // A task that never reports is judged after heartbeatMissingMinutes of running; no data is no verdict.
      expect(a).toMatchObject({
        EvaluationPeriods: 5,
        DatapointsToAlarm: 5,
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('step 2 (worker.enabled false → true) changes the services, never the alarms', () => {
    const disabled = synth({ ...ENABLED, worker: { enabled: false } });
    const byName = (all: Record<string, Resource>) =>
      Object.fromEntries(alarms(all).map((a) => [String(a['AlarmName']), JSON.stringify(a)]));
    expect(byName(disabled)).toEqual(byName(prod));
    for (const [, svc] of ofType(disabled, 'AWS::ECS::Service'))
      expect(svc.Properties['DesiredCount']).toBe(0);
    for (const [, svc] of ofType(prod, 'AWS::ECS::Service')) expect(svc.Properties['DesiredCount']).toBe(1);
  });
});

describe('item 9: a WebSocket outage or a deliberate pause does not latch the global kill', () => {
  it('the WebSocket alarm notifies only (outside the kill prefix), on Stage and Shard', () => {
    const a = alarmNamed(prod, 'shard0-ws-disconnected');
    expect(String(a['AlarmName'])).toBe('kalshi-mm-prod-shard0-ws-disconnected');
    expect(String(a['AlarmName'])).not.toContain('-STOP-');
    expect(a['Dimensions']).toContainEqual({ Name: 'Stage', Value: 'prod' });
  });
});

describe('liveness: games stalled', () => {
  it('GamesStalled ≥ 1 for the configured minutes notifies per shard, never kills', () => {
    const custom = synth({ ...ENABLED, alarms: { ...ENABLED.alarms, gamesStalledMinutes: 15 } });
    for (const [all, minutes] of [
      [prod, 10],
      [custom, 15],
    ] as const)
      for (const shard of [0, 1]) {
        const a = alarmNamed(all, `shard${shard}-games-stalled`);
        expect(String(a['AlarmName'])).not.toContain('-STOP-');
        expect(a).toMatchObject({
          Namespace: METRICS_NAMESPACE,
          MetricName: WorkerMetric.GamesStalled,
          Statistic: 'Maximum',
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          EvaluationPeriods: minutes,
          DatapointsToAlarm: minutes,
          TreatMissingData: 'notBreaching',
        });
        expect(a['Dimensions']).toEqual([
          { Name: 'Shard', Value: String(shard) },
          { Name: 'Stage', Value: 'prod' },
        ]);
      }
  });
});

describe('liveness: creates starved', () => {
  it('CreatesStarved ≥ 1 for the configured minutes notifies per shard, never kills', () => {
    const custom = synth({ ...ENABLED, alarms: { ...ENABLED.alarms, createsStarvedMinutes: 12 } });
    for (const [all, minutes] of [
      [prod, 5],
      [custom, 12],
    ] as const)
      for (const shard of [0, 1]) {
        const a = alarmNamed(all, `shard${shard}-creates-starved`);
        expect(String(a['AlarmName'])).not.toContain('-STOP-');
        expect(a).toMatchObject({
          Namespace: METRICS_NAMESPACE,
          MetricName: WorkerMetric.CreatesStarved,
          Statistic: 'Maximum',
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          EvaluationPeriods: minutes,
          DatapointsToAlarm: minutes,
          TreatMissingData: 'notBreaching',
        });
        expect(a['Dimensions']).toEqual([
          { Name: 'Shard', Value: String(shard) },
          { Name: 'Stage', Value: 'prod' },
        ]);
      }
  });
});

describe('item 10: a hung worker is replaced, a crashed one noticed at once', () => {
  it('the container has a health check on its heartbeat file, on a writable task volume', () => {
    for (const [, task] of ofType(prod, 'AWS::ECS::TaskDefinition')) {
      const [container] = task.Properties['ContainerDefinitions'] as Record<string, unknown>[];
      expect(container!['HealthCheck']).toMatchObject({
        Command: healthCheckCommand(),
        Interval: 30,
        Retries: 3,
        StartPeriod: 60,
        Timeout: 5,
      });
      expect(container!['MountPoints']).toEqual([
        { ContainerPath: HEALTH_DIR, ReadOnly: false, SourceVolume: 'tmp' },
      ]);
      expect(task.Properties['Volumes']).toEqual([{ Name: 'tmp' }]);
      expect(containerEnv(task)['HEALTH_FILE']).toBe(HEALTH_FILE);
    }
  });

  it('the health check command: 0 for a fresh file, 1 for a stale or missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'health-'));
    const file = join(dir, 'beat');
    const [, node, flag, code] = healthCheckCommand(file);
    const run = () => spawnSync(process.execPath, [flag!, code!, file]).status;
    expect(node).toBe('node');
    expect(run()).toBe(1); // not written yet
    const beat = healthBeat(file, () => {});
    beat();
    expect(run()).toBe(0);
    const old = (Date.now() - HEALTH_MAX_AGE_MS - 5_000) / 1000;
    utimesSync(file, old, old);
    expect(run()).toBe(1);
    beat();
    expect(run()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a worker task stopping with a non-zero exit or a failed health check notifies the alarm topic', () => {
    const topic = ofType(prod, 'AWS::SNS::Topic')[0]![0];
    const rules = ofType(prod, 'AWS::Events::Rule')
      .map(([, r]) => r.Properties)
      .filter((p) => JSON.stringify(p['EventPattern']).includes('aws.ecs'));
    expect(rules).toHaveLength(2);
    const patterns = rules.map((r) => r['EventPattern'] as Record<string, Record<string, unknown>>);
    for (const p of patterns) {
      expect(p['detail-type']).toEqual(['ECS Task State Change']);
      expect(p['detail']!['lastStatus']).toEqual(['STOPPED']);
      expect(JSON.stringify(p['detail']!['clusterArn'])).toContain('WorkerCluster');
    }
    expect(patterns.map((p) => p['detail']!['containers'] ?? p['detail']!['stoppedReason'])).toEqual(
      expect.arrayContaining([
        { exitCode: [{ 'anything-but': [0] }] },
        [{ prefix: 'Task failed container health checks' }],
      ]),
    );
    // EventBridge publishes as its service principal: the topic policy allows exactly these two
    // rules, and the topic's key lets EventBridge use it.
    for (const r of rules) expect(r['Targets']).toEqual([expect.objectContaining({ Arn: { Ref: topic } })]);
    const statements = (
      ofType(prod, 'AWS::SNS::TopicPolicy')[0]![1].Properties['PolicyDocument'] as {
        Statement: Record<string, unknown>[];
      }
    ).Statement;
    const events = statements.filter((st) =>
      JSON.stringify(st['Principal']).includes('events.amazonaws.com'),
    );
    expect(events).toHaveLength(1);
    const sources = JSON.stringify(events[0]!['Condition']);
    expect(sources).toContain('TaskWatchTaskExitedNonZero');
    expect(sources).toContain('TaskWatchTaskUnhealthy');
    const [, key] = ofType(prod, 'AWS::KMS::Key')[0]!;
    expect(JSON.stringify(key.Properties['KeyPolicy'])).toContain('events.amazonaws.com');
  });
});

describe('item 7: the kill switch dead-letter alarm fires on every arrival', () => {
  it('watches messages sent to the queue (Sum ≥ 1 a minute), not messages present', () => {
    const a = alarmNamed(prod, 'kill-switch-dead-letters');
    expect(a).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'NumberOfMessagesSent',
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });
});

describe('item 14: network', () => {
  it('a DynamoDB gateway endpoint keeps table traffic off the internet', () => {
    const endpoints = ofType(prod, 'AWS::EC2::VPCEndpoint').map(([, r]) => r.Properties);
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0]).toMatchObject({ VpcEndpointType: 'Gateway' });
    expect(JSON.stringify(endpoints[0]!['ServiceName'])).toContain('dynamodb');
  });
});

describe('item 2: nothing polls or pages until the Odds API key is in', () => {
  it('the poll schedule and the refresh rule are off until worker.enabled (or odds.enabled)', () => {
    const state = (all: Record<string, Resource>) => ({
      schedule: ofType(all, 'AWS::Scheduler::Schedule')[0]![1].Properties['State'],
      refresh: ofType(all, 'AWS::Events::Rule')
        .map(([, r]) => r.Properties)
        .find((p) => JSON.stringify(p['EventPattern']).includes('OddsRefreshRequested'))!['State'],
    });
    expect(state(synth({ stage: 'prod' }))).toEqual({ schedule: 'DISABLED', refresh: 'DISABLED' });
    const odds = {
      enabled: true,
      bookmakers: ['pinnacle'],
      sports: [{ sportKey: 'basketball_nba', priority: 1, minCredits: 0 }],
    };
    expect(state(synth({ stage: 'prod', odds }))).toEqual({
      schedule: 'ENABLED',
      refresh: 'ENABLED',
    });
    expect(state(prod)).toEqual({ schedule: 'ENABLED', refresh: 'ENABLED' });
  });
});

describe('item 7: a running worker always has someone to tell', () => {
  it('worker.enabled without alarms.email fails the synth naming the field', () => {
    expect(() => loadDeployConfig({ worker: { enabled: true } })).toThrow(
      /alarms\.email: required once worker\.enabled/,
    );
    expect(() => loadDeployConfig({ worker: { enabled: false } })).not.toThrow();
  });
});

describe('item 12: the refresh credit reserve', () => {
  it('defaults to a week of scheduled polls (every sport, 1 credit a call), and reaches odds-refresh', () => {
    const config = loadDeployConfig({});
    expect(refreshCreditReserve(config)).toBe(7 * 48 * config.odds.sports.length);
    const refresh = ofType(prod, 'AWS::Lambda::Function')
      .map(
        ([, r]) =>
          (r.Properties['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables,
      )
      .find((v) => v?.['POWERTOOLS_SERVICE_NAME'] === 'odds-refresh')!;
    expect(refresh['REFRESH_CREDIT_RESERVE']).toBe(String(7 * 48 * 2));
    expect(refresh['REFRESH_MAX_PER_EVENT_HOUR']).toBe('4');
    // Lambda does not retry a failed refresh.
    const invokeConfigs = ofType(prod, 'AWS::Lambda::EventInvokeConfig').map(([, r]) => r.Properties);
    expect(invokeConfigs.some((c) => c['MaximumRetryAttempts'] === 0)).toBe(true);
  });
});

describe('item 4: outputs for the runbook', () => {
  it('table, functions, secrets, cluster, one service per shard, topic, DLQ, stage, journal bucket', () => {
    const { stack } = buildApp({
      context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], kalshiMm: ENABLED },
      nag: false,
    });
    const outputs = Object.keys(Template.fromStack(stack).toJSON().Outputs as Record<string, unknown>);
    expect(outputs.sort()).toEqual(
      [
        'AlarmTopicArn',
        'ClusterName',
        'JournalBucket',
        'KalshiSecretArn',
        'KillSwitchDlqUrl',
        'KillSwitchFunction',
        'OddsPollFunction',
        'OddsRefreshFunction',
        'OddsSecretArn',
        'Shard0Service',
        'Shard1Service',
        'Stage',
        'TableName',
      ].sort(),
    );
  });
});

describe('item 14: the Kalshi key is readable by the kill switch and the task execution roles only', () => {
  it('a resource policy denies GetSecretValue to every other principal', () => {
    const policies = ofType(prod, 'AWS::SecretsManager::ResourcePolicy').map(([, r]) => r.Properties);
    expect(policies).toHaveLength(1);
    const [statement] = (policies[0]!['ResourcePolicy'] as { Statement: Record<string, unknown>[] })
      .Statement;
    expect(statement).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'secretsmanager:GetSecretValue',
    });
    const readers = JSON.stringify(statement!['Condition']);
    expect(readers).toContain('KillSwitchRole');
    for (const shard of [0, 1]) expect(readers).toContain(`WorkerTask${shard}ExecutionRole`);
    expect(JSON.stringify(policies[0]!['SecretId'])).toContain('KalshiApiKey');
  });
});

describe('item 3: the worker image', () => {
  it('builds on the build machine’s platform (no QEMU on x86), production dependencies only, and the same esbuild as the lock file', () => {
    const dockerfile = readFileSync(new URL('../../worker/Dockerfile', import.meta.url), 'utf8');
    const stages = dockerfile.split(/^FROM /m).slice(1);
    expect(stages).toHaveLength(2);
    expect(stages[0]).toMatch(/^--platform=\$BUILDPLATFORM /);
    expect(stages[0]).toMatch(/npm ci --omit=dev/);
    expect(stages[1]).not.toMatch(/^RUN /m); // the arm64 stage runs nothing: no emulation needed
    const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
      packages: Record<string, { version: string }>;
    };
    expect(dockerfile).toContain(`ARG ESBUILD_VERSION=${lock.packages['node_modules/esbuild']!.version}`);
  });
});

describe('item 5: adopting what a destroyed stack left behind', () => {
  const adopt = {
    tableName: 'KalshiMm-prod-DataTable-OLD',
    kalshiSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:DataKalshiApiKey-AbC123',
    oddsSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:DataOddsApiKey-XyZ789',
  };

  it('uses the existing table and secrets instead of creating new, empty ones (cdk-nag still passes)', () => {
    const { app, stack } = buildApp({
      context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], kalshiMm: { ...ENABLED, adopt } },
    });
    expect(() => app.synth()).not.toThrow();
    const all = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
    expect(ofType(all, 'AWS::DynamoDB::GlobalTable')).toHaveLength(0);
    expect(ofType(all, 'AWS::SecretsManager::Secret')).toHaveLength(0);
    for (const [, task] of ofType(all, 'AWS::ECS::TaskDefinition')) {
      expect(containerEnv(task)['TABLE_NAME']).toBe(adopt.tableName);
      expect(JSON.stringify(task.Properties['ContainerDefinitions'])).toContain(adopt.kalshiSecretArn);
    }
    const policies = JSON.stringify(ofType(all, 'AWS::IAM::Policy').map(([, p]) => p.Properties));
    expect(policies).toContain(`:table/${adopt.tableName}`);
    expect(policies).toContain(adopt.oddsSecretArn);
  });

  it('a partial ARN is refused naming the field', () => {
    expect(() =>
      loadDeployConfig({
        adopt: { kalshiSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x' },
      }),
    ).toThrow(/adopt\.kalshiSecretArn/);
  });
});

describe('cash: buying power low', () => {
  it('notifies (never kills) when the lowest shard reading of BuyingPower is under the floor from the engine config', () => {
    const custom = synth({
      ...ENABLED,
      worker: { enabled: true, engine: { cash: { floorDollars: 1_200 } } },
    });
    for (const [all, floor] of [
      [prod, 500],
      [custom, 1_200],
    ] as const) {
      const a = alarmNamed(all, '-buying-power-low');
      expect(String(a['AlarmName'])).toBe('kalshi-mm-prod-buying-power-low');
      expect(a).toMatchObject({
        Threshold: floor,
        ComparisonOperator: 'LessThanThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
      const metrics = a['Metrics'] as {
        Id: string;
        Expression?: string;
        MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string; Value: string }[] } };
      }[];
      expect(metrics.find((m) => m.Expression)?.Expression).toBe('MIN([bp0, bp1])');
      const watched = metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []));
      expect(watched.map((m) => m.MetricName)).toEqual([WorkerMetric.BuyingPower, WorkerMetric.BuyingPower]);
      for (const m of watched) expect(m.Dimensions).toContainEqual({ Name: 'Stage', Value: 'prod' });
      // Notify only: the alarm's actions are the topic, and its name is outside the kill prefix.
      expect(String(a['AlarmName'])).not.toContain('-STOP-');
    }
  });

  it('a negative floor fails the synth, naming the field', () => {
    expect(() =>
      synth({ ...ENABLED, worker: { enabled: true, engine: { cash: { floorDollars: -5 } } } }),
    ).toThrow(/worker\.engine\.cash\.floorDollars/);
  });
});

describe('the quiet failures an operator must hear of: an unstable feed, a failing journal, a blind cash poll', () => {
  /** The metrics an alarm's math reads, by metric name, with their dimensions. */
  const inputs = (a: Record<string, unknown>) =>
    ((a['Metrics'] as { MetricStat?: { Metric: { MetricName: string; Dimensions: unknown } } }[]) ?? [])
      .filter((m) => m.MetricStat)
      .map((m) => m.MetricStat!.Metric);

  it('feed reconnects beyond alarms.feedReconnects in 15 min notify per shard, never kill', () => {
    const custom = synth({ ...ENABLED, alarms: { ...ENABLED.alarms, feedReconnects: 9 } });
    for (const [all, threshold] of [
      [prod, 4],
      [custom, 9],
    ] as const)
      for (const shard of [0, 1]) {
        const a = alarmNamed(all, `shard${shard}-feed-unstable`);
        expect(String(a['AlarmName'])).not.toContain('-STOP-');
        expect(a).toMatchObject({
          Namespace: METRICS_NAMESPACE,
          MetricName: WorkerMetric.FeedEvents,
          Statistic: 'Sum',
          Period: 900,
          Threshold: threshold,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        });
        expect(a['Dimensions']).toEqual(
          expect.arrayContaining([
            { Name: 'Event', Value: 'reconnect' },
            { Name: 'Shard', Value: String(shard) },
            { Name: 'Stage', Value: 'prod' },
          ]),
        );
      }
  });

  it('journal errors of every kind and dropped entries notify per shard (trading goes on)', () => {
    for (const shard of [0, 1]) {
      const a = alarmNamed(prod, `shard${shard}-journal-failing`);
      expect(String(a['AlarmName'])).not.toContain('-STOP-');
      const read = inputs(a);
      const kinds = read
        .filter((m) => m.MetricName === WorkerMetric.JournalErrors)
        .map(
          (m) => (m.Dimensions as { Name: string; Value: string }[]).find((d) => d.Name === 'Kind')!.Value,
        );
      expect(kinds.sort()).toEqual(['cap', 'encode', 'ship', 'write']);
      expect(read.map((m) => m.MetricName)).toContain(WorkerMetric.JournalDropped);
      for (const m of read)
        expect(m.Dimensions).toEqual(
          expect.arrayContaining([
            { Name: 'Shard', Value: String(shard) },
            { Name: 'Stage', Value: 'prod' },
          ]),
        );
      expect(a).toMatchObject({ Threshold: 1, TreatMissingData: 'notBreaching' });
    }
  });

  it('cash polls failing notify: the buying-power alarm reads missing data as OK', () => {
    for (const shard of [0, 1]) {
      const a = alarmNamed(prod, `shard${shard}-cash-poll-failing`);
      expect(String(a['AlarmName'])).not.toContain('-STOP-');
      expect(a).toMatchObject({
        MetricName: WorkerMetric.CashPollErrors,
        Statistic: 'Sum',
        Period: 900,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });
});
