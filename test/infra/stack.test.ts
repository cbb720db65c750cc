/**
 * Fine-grained assertions on the synthesised template: every resource the
 * deployment depends on, and the wiring between them. Bundling is skipped
 * (context aws:cdk:bundling-stacks = []) so the file synthesises in seconds.
 */
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { killEnvSchema, oddsEnvSchema, parseEnv } from '../../functions/runtime/env.ts';
import { buildApp } from '../../infra/app.ts';
import { REFRESH_EVENT_DETAIL_TYPE, REFRESH_EVENT_SOURCE } from '../../shared/events/refresh-request.ts';
import { METRICS_NAMESPACE, WorkerMetric } from '../../shared/metrics/names.ts';
import { TABLE_SPEC } from '../../shared/store/table.ts';
import { cdkJsonContext } from './cdk-context.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
let template: Template;
let resources: Record<string, Resource>;

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const logicalIdOf = (type: string, predicate: (r: Resource) => boolean) => {
  const found = ofType(type).filter(([, r]) => predicate(r));
  expect(found).toHaveLength(1);
  return found[0]![0];
};
const fnId = (service: string) =>
  logicalIdOf('AWS::Lambda::Function', (r) =>
    JSON.stringify(r.Properties['Environment'] ?? {}).includes(`"POWERTOOLS_SERVICE_NAME":"${service}"`),
  );

beforeAll(() => {
  const { stack } = buildApp({
    context: {
      ...cdkJsonContext(),
      'aws:cdk:bundling-stacks': [],
      kalshiMm: {
        stage: 'test',
        shards: 2,
        worker: { enabled: true },
        alarms: { email: 'ops@example.com' },
        odds: {
          pollEveryMinutes: 15,
          bookmakers: ['pinnacle'],
          sports: [{ sportKey: 'basketball_nba', priority: 1, minCredits: 0 }],
        },
      },
    },
  });
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, Resource>;
});

describe('worker configuration', () => {
  it('passes worker.engine to the task as ENGINE_CONFIG, and warns at synth about a traded sport nobody prices', () => {
    const { stack } = buildApp({
      context: {
        ...cdkJsonContext(),
        'aws:cdk:bundling-stacks': [],
        kalshiMm: {
          stage: 'cfg',
          worker: { engine: { quoting: { baseSize: 300 } } },
          odds: {
            bookmakers: ['pinnacle'],
            sports: [{ sportKey: 'basketball_nba', priority: 1, minCredits: 0 }],
          },
        },
      },
      nag: false,
    });
    const t = Template.fromStack(stack);
    const env = JSON.stringify(
      Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0]?.['Properties']?.['ContainerDefinitions'],
    );
    expect(env).toContain(JSON.stringify(JSON.stringify({ quoting: { baseSize: 300 } })));
    const warnings = Annotations.fromStack(stack).findWarning(
      '*',
      Match.stringLikeRegexp('americanfootball_nfl'),
    );
    expect(warnings.length).toBeGreaterThan(0);
  });
});

describe('data', () => {
  it('one on-demand global table with the spec keys, the GSI, TTL, PITR and deletion protection, retained', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: TABLE_SPEC.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_SPEC.sortKey, KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: TABLE_SPEC.ttlAttribute, Enabled: true },
        GlobalSecondaryIndexes: [
          Match.objectLike({
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          }),
        ],
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ],
      }),
    });
  });

  it('two retained secrets (Kalshi key JSON, Odds API key), no secret value in the template', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    const secrets = ofType('AWS::SecretsManager::Secret');
    for (const [, s] of secrets) expect(s.Properties['SecretString']).toBeUndefined();
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: {
        SecretStringTemplate: '{"keyId":"SET-ME"}',
        GenerateStringKey: 'privateKeyPem',
      },
    });
  });
});

describe('lambdas', () => {
  it('three functions, all Node.js 24 on arm64, ESM handler, own log group with retention', () => {
    const ours = ofType('AWS::Lambda::Function').filter(([, fn]) =>
      JSON.stringify(fn.Properties['Environment'] ?? {}).includes('POWERTOOLS_SERVICE_NAME'),
    );
    expect(ours).toHaveLength(3);
    for (const [, fn] of ours) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
      expect(fn.Properties['LoggingConfig']).toMatchObject({ LogGroup: { Ref: expect.any(String) } });
    }
    for (const [, lg] of ofType('AWS::Logs::LogGroup')) expect(lg.Properties['RetentionInDays']).toBe(30);
  });

  it("every Lambda, CDK's restrict-default-SG provider included, logs to a group of ours with retention", () => {
    const fns = ofType('AWS::Lambda::Function');
    expect(fns).toHaveLength(4);
    for (const [id, fn] of fns) {
      const ref = (fn.Properties['LoggingConfig'] as { LogGroup?: { Ref?: string } } | undefined)?.LogGroup
        ?.Ref;
      expect(ref, id).toBeDefined();
      expect(resources[ref!]).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        Properties: { RetentionInDays: 30 },
      });
    }
  });

  it('our Lambda roles use no AWS managed policy (own log group only)', () => {
    for (const service of ['odds-poll', 'odds-refresh', 'kill-switch']) {
      const roleId = (resources[fnId(service)]!.Properties['Role'] as { 'Fn::GetAtt': [string] })[
        'Fn::GetAtt'
      ][0];
      expect(resources[roleId]!.Properties['ManagedPolicyArns']).toBeUndefined();
    }
  });

  it('odds-poll runs on an EventBridge Scheduler rate, never concurrently, and reads the Odds API secret', () => {
    const poll = fnId('odds-poll');
    expect(resources[poll]!.Properties['ReservedConcurrentExecutions']).toBe(1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [poll, 'Arn'] },
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 0 }),
        Input: Match.stringLikeRegexp('"trigger":"schedule"'),
      }),
    });
    const env = (resources[poll]!.Properties['Environment'] as { Variables: Record<string, unknown> })
      .Variables;
    expect(env).toMatchObject({
      ODDS_API_BASE_URL: 'https://api.the-odds-api.com',
      ODDS_BOOKMAKERS: 'pinnacle',
    });
    expect(JSON.parse(env['ODDS_SPORTS'] as string)).toEqual([
      { sportKey: 'basketball_nba', priority: 1, minCredits: 0 },
    ]);
  });

  it('odds-refresh is the target of a rule on the custom bus matching the refresh event exactly', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'kalshi-mm-test' });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.anyValue() },
      EventPattern: { source: [REFRESH_EVENT_SOURCE], 'detail-type': [REFRESH_EVENT_DETAIL_TYPE] },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId('odds-refresh'), 'Arn'] } })],
    });
  });

  it('each function may touch only its own record kinds (LeadingKeys), and secrets only it needs', () => {
    const policyOf = (fn: string) => {
      const roleRef = (resources[fn]!.Properties['Role'] as { 'Fn::GetAtt': [string, string] })[
        'Fn::GetAtt'
      ][0];
      const policies = ofType('AWS::IAM::Policy').filter(([, p]) =>
        JSON.stringify(p.Properties['Roles']).includes(roleRef),
      );
      return JSON.stringify(policies.map(([, p]) => p.Properties['PolicyDocument']));
    };
    const poll = policyOf(fnId('odds-poll'));
    expect(poll).toContain('"dynamodb:LeadingKeys":["THEO#*"]');
    expect(poll).not.toContain('dynamodb:Scan');
    expect(poll).toContain('secretsmanager:GetSecretValue');
    const kill = policyOf(fnId('kill-switch'));
    expect(kill).toContain('"dynamodb:LeadingKeys":["KILL*"]');
    expect(kill).not.toContain('THEO#');
    const refresh = policyOf(fnId('odds-refresh'));
    expect(refresh).toContain('"dynamodb:LeadingKeys":["THEO#*","REFRESH#*"]');
  });
});

describe('Lambda environment contract', () => {
  const envOf = (service: string) => {
    const vars = (
      resources[fnId(service)]!.Properties['Environment'] as { Variables: Record<string, unknown> }
    ).Variables;
    // CloudFormation references (table name, secret ARN) resolve at deploy time: stand in a string.
    return Object.fromEntries(
      Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : `resolved-${k}`]),
    );
  };

  it('what the app sets is exactly what the handlers parse at cold start', () => {
    const poll = parseEnv(oddsEnvSchema, envOf('odds-poll'));
    expect(poll.ODDS_SPORTS).toEqual([{ sportKey: 'basketball_nba', priority: 1, minCredits: 0 }]);
    expect(poll.ODDS_BOOKMAKERS).toEqual(['pinnacle']);
    expect(parseEnv(oddsEnvSchema, envOf('odds-refresh')).REFRESH_DEBOUNCE_SECONDS).toBe(60);
    const kill = parseEnv(killEnvSchema, envOf('kill-switch'));
    expect(kill.KILL_DEADLINE_MS).toBe(60_000);
    expect(kill.KALSHI_REST_URL).toMatch(/^https:\/\/.*\/trade-api\/v2$/);
  });
});

describe('kill switch wiring', () => {
  it('trading-stop alarms entering ALARM invoke the kill-switch Lambda via EventBridge', () => {
    const kill = fnId('kill-switch');
    const rule = ofType('AWS::Events::Rule').find(([, r]) =>
      JSON.stringify(r.Properties['EventPattern']).includes('aws.cloudwatch'),
    );
    expect(rule).toBeDefined();
    const props = rule![1].Properties as {
      EventPattern: { source: string[]; 'detail-type': string[]; detail: unknown; resources: unknown[] };
      Targets: { Arn: unknown }[];
      EventBusName?: unknown;
    };
    expect(props.EventBusName).toBeUndefined(); // alarm events arrive on the default bus
    expect(props.EventPattern.source).toEqual(['aws.cloudwatch']);
    expect(props.EventPattern['detail-type']).toEqual(['CloudWatch Alarm State Change']);
    expect(props.EventPattern.detail).toEqual({
      alarmName: [{ prefix: 'kalshi-mm-test-STOP-' }],
      // ALARM kills; the other transitions are recorded (resume is refused while one is in ALARM).
      state: { value: ['ALARM', 'OK', 'INSUFFICIENT_DATA'] },
    });
    expect(props.Targets[0]!.Arn).toEqual({ 'Fn::GetAtt': [kill, 'Arn'] });
    // This account's and region's alarms under the same prefix.
    expect(props.EventPattern.resources).toEqual([
      {
        prefix: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':cloudwatch:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':alarm:kalshi-mm-test-STOP-',
            ],
          ],
        },
      },
    ]);
    // 4 kill alarms per shard × 2 shards, all (and only they) named under the prefix.
    // (The WebSocket alarm notifies only: an exchange outage must not latch the global kill.)
    const alarms = ofType('AWS::CloudWatch::Alarm');
    const killAlarms = alarms.filter(([, a]) =>
      String(a.Properties['AlarmDescription']).includes('Kills trading'),
    );
    expect(killAlarms).toHaveLength(8);
    for (const [, a] of alarms)
      expect(String(a.Properties['AlarmName']).startsWith('kalshi-mm-test-STOP-')).toBe(
        killAlarms.some(([, k]) => k === a),
      );
    expect(resources[kill]!.Properties['Timeout']).toBe(90);
  });

  it('a failed kill-switch run is retried by Lambda (async: 2 retries, 30 min) and then dead-lettered to an encrypted, alarmed queue', () => {
    const kill = fnId('kill-switch');
    const dlq = logicalIdOf('AWS::SQS::Queue', () => true);
    expect(resources[dlq]!.Properties).toMatchObject({ SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: kill },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 1800,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlq, 'Arn'] } } },
    });
    // Undeliverable alarm events (EventBridge's own retries exhausted) go to the same queue.
    const rule = ofType('AWS::Events::Rule').find(([, r]) =>
      JSON.stringify(r.Properties['EventPattern']).includes('aws.cloudwatch'),
    )!;
    expect((rule[1].Properties['Targets'] as Record<string, unknown>[])[0]).toMatchObject({
      RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 600 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlq }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [rule[0], 'Arn'] } } },
          }),
        ]),
      },
    });
    const dlqAlarm = ofType('AWS::CloudWatch::Alarm').find(([, a]) =>
      String(a.Properties['AlarmName']).endsWith('kill-switch-dead-letters'),
    )?.[1].Properties;
    expect(dlqAlarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'NumberOfMessagesSent',
      Statistic: 'Sum',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('16 shards: the kill rule pattern stays small (EventBridge limit 2,048 chars) and covers all 64 kill alarms', () => {
    const { stack } = buildApp({
      context: {
        ...cdkJsonContext(),
        'aws:cdk:bundling-stacks': [],
        kalshiMm: { stage: 'abcdefghij0123456789', shards: 16 },
      },
    });
    const all = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
    const [rule] = Object.values(all).filter(
      (r) =>
        r.Type === 'AWS::Events::Rule' &&
        JSON.stringify(r.Properties['EventPattern']).includes('aws.cloudwatch'),
    );
    // Rendered with the longest partition/region and a 12-digit account.
    const rendered = JSON.stringify(rule!.Properties['EventPattern']).replace(
      /\{"Fn::Join":\["",\[(.*?)\]\]\}/g,
      (_m, parts: string) =>
        JSON.stringify(
          parts
            .replace(/\{"Ref":"AWS::Partition"\}/g, '"aws-us-gov"')
            .replace(/\{"Ref":"AWS::Region"\}/g, '"ap-southeast-5"')
            .replace(/\{"Ref":"AWS::AccountId"\}/g, '"123456789012"')
            .split(/","|",|,"/)
            .map((p) => p.replace(/^"|"$/g, ''))
            .join(''),
        ),
    );
    expect(rendered).not.toContain('Fn::');
    expect(rendered.length).toBeLessThan(600);
    const prefix = 'kalshi-mm-abcdefghij0123456789-STOP-';
    expect(rendered).toContain(`:alarm:${prefix}`);
    const kills = Object.values(all).filter(
      (r) => r.Type === 'AWS::CloudWatch::Alarm' && String(r.Properties['AlarmName']).startsWith(prefix),
    );
    expect(kills).toHaveLength(64);
    // The account-wide buying-power alarm stays within an alarm's 10 metrics: the first 10 shards.
    const cash = Object.values(all).find((r) =>
      String(r.Properties['AlarmName']).endsWith('-buying-power-low'),
    );
    expect((cash!.Properties['Metrics'] as unknown[]).length).toBe(11);
    for (let shard = 0; shard < 16; shard++)
      for (const what of [
        'heartbeat-missing',
        'inventory-limit-breach',
        'reconciliation-drift',
        'pnl-drawdown',
      ])
        expect(kills.map((k) => k.Properties['AlarmName'])).toContain(`${prefix}shard${shard}-${what}`);
  });
});

describe('worker', () => {
  it('one Fargate service per shard: 1 task, 0/100 deployment, circuit breaker with rollback', () => {
    template.resourceCountIs('AWS::ECS::Service', 2);
    template.resourceCountIs('AWS::ECS::TaskDefinition', 2);
    for (const [, svc] of ofType('AWS::ECS::Service')) {
      expect(svc.Properties).toMatchObject({
        LaunchType: 'FARGATE',
        DesiredCount: 1,
        DeploymentConfiguration: {
          MinimumHealthyPercent: 0,
          MaximumPercent: 100,
          DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        },
        NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'ENABLED' } },
      });
    }
  });

  it('until worker.enabled is set (secrets filled in), no task runs and the heartbeat alarm cannot fire', () => {
    const { stack } = buildApp({
      context: {
        ...cdkJsonContext(),
        'aws:cdk:bundling-stacks': [],
        kalshiMm: { stage: 'test', shards: 2, alarms: { email: 'ops@example.com' } },
      },
    });
    const first = Template.fromStack(stack);
    const all = first.toJSON().Resources as Record<string, Resource>;
    const services = Object.values(all).filter((r) => r.Type === 'AWS::ECS::Service');
    expect(services).toHaveLength(2);
    for (const svc of services) expect(svc.Properties['DesiredCount']).toBe(0);
    const heartbeats = Object.values(all).filter(
      (r) =>
        r.Type === 'AWS::CloudWatch::Alarm' &&
        String(r.Properties['AlarmName']).endsWith('-heartbeat-missing'),
    );
    expect(heartbeats).toHaveLength(2);
    // Every kill alarm treats missing data as OK: no kill, no page while nothing runs.
    for (const [, a] of Object.entries(all).filter(
      ([, r]) => r.Type === 'AWS::CloudWatch::Alarm' && String(r.Properties['AlarmName']).includes('-STOP-'),
    ))
      expect(a.Properties['TreatMissingData']).toBe('notBreaching');
    // The rest of the stack is the same as when enabled.
    expect(Object.keys(all).sort()).toEqual(Object.keys(resources).sort());
  });

  it('task: arm64, image from worker/Dockerfile, stop timeout 120 s, secrets from Secrets Manager, shard env', () => {
    const tasks = ofType('AWS::ECS::TaskDefinition');
    const shards = new Set<string>();
    for (const [, task] of tasks) {
      expect(task.Properties['RuntimePlatform']).toEqual({
        CpuArchitecture: 'ARM64',
        OperatingSystemFamily: 'LINUX',
      });
      const [container] = task.Properties['ContainerDefinitions'] as Record<string, unknown>[];
      expect(container).toMatchObject({
        Essential: true,
        StopTimeout: 120,
        ReadonlyRootFilesystem: true,
        LinuxParameters: { InitProcessEnabled: true },
      });
      const env = Object.fromEntries(
        (container!['Environment'] as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]),
      );
      shards.add(String(env['SHARD_ID']));
      expect(env).toMatchObject({
        SHARD_COUNT: '2',
        METRICS_NAMESPACE,
        KALSHI_REST_URL: expect.stringContaining('demo'),
      });
      expect(JSON.stringify(env)).not.toMatch(/PRIVATE|BEGIN/);
      const secrets = (container!['Secrets'] as { Name: string; ValueFrom: unknown }[])
        .map((s) => s.Name)
        .sort();
      expect(secrets).toEqual(['KALSHI_KEY_ID', 'KALSHI_PRIVATE_KEY_PEM']);
      expect(JSON.stringify(container!['Secrets'])).toContain(':privateKeyPem::');
    }
    expect([...shards].sort()).toEqual(['0', '1']);
    const assets = JSON.stringify(template.toJSON());
    expect(assets).toContain('cdk-hnb659fds-container-assets');
  });

  it("the worker's V8 heap is pinned to what V8 sizes inside the task's memory, not the host's", () => {
    for (const [, task] of ofType('AWS::ECS::TaskDefinition')) {
      expect(task.Properties['Memory']).toBe('1024');
      const [container] = task.Properties['ContainerDefinitions'] as Record<string, unknown>[];
      const env = Object.fromEntries(
        (container!['Environment'] as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]),
      );
      expect(env['NODE_OPTIONS']).toBe(
        '--enable-source-maps --max-old-space-size=512 --max-semi-space-size=4',
      );
    }
  });

  it("the worker's theo age limit follows the poll interval (2 polls + 5 min), above the theo-stale alarm", () => {
    for (const [, task] of ofType('AWS::ECS::TaskDefinition')) {
      const [container] = task.Properties['ContainerDefinitions'] as Record<string, unknown>[];
      const env = Object.fromEntries(
        (container!['Environment'] as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]),
      );
      expect(env['THEO_MAX_AGE_MS']).toBe(String(35 * 60_000));
    }
    for (const [, a] of ofType('AWS::CloudWatch::Alarm').filter(([, x]) =>
      String(x.Properties['AlarmName']).endsWith('-theo-stale'),
    )) {
      expect(a.Properties['Threshold']).toBeGreaterThan(15 * 60);
      expect(a.Properties['Threshold']).toBeLessThanOrEqual(35 * 60);
    }
  });

  it('tasks accept no inbound traffic and may only call out on 443; VPC has flow logs and no NAT', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [
        { CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp', Description: Match.anyValue() },
      ],
    });
    const sg = ofType('AWS::EC2::SecurityGroup')[0]![1];
    expect(sg.Properties['SecurityGroupIngress']).toBeUndefined();
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
  });

  it('cluster has Container Insights; task role can put refresh events on the bus only', () => {
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
    const policies = JSON.stringify(
      ofType('AWS::IAM::Policy').map(([, p]) => p.Properties['PolicyDocument']),
    );
    expect(policies).toContain('events:PutEvents');
    // Reads theos and kill flags, appends its journal, holds its lease: nothing more.
    expect(policies).toContain(
      '{"Action":"dynamodb:BatchGetItem","Condition":{"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["THEO#*"]}}',
    );
    expect(policies).toContain(
      '{"Action":"dynamodb:Query","Condition":{"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["KILL*"]}}',
    );
    expect(policies).toContain(
      '{"Action":"dynamodb:PutItem","Condition":{"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["FILL#*","ORDER#*","DEC#*","POS#*","MAP#*"]}}',
    );
    expect(policies).toContain(
      '{"Action":["dynamodb:GetItem","dynamodb:UpdateItem"],"Condition":{"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["LEASE#*"]}}',
    );
    // Live snapshots for the operator's dashboard: PutItem under LIVE only, never read or updated.
    expect(policies).toContain(
      '{"Action":"dynamodb:PutItem","Condition":{"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["LIVE*"]}}',
    );
    expect(policies).not.toMatch(/"dynamodb:(GetItem|UpdateItem|Query)"[^\]]*LIVE/);
    // Its trading day's PnL and peak (the drawdown across restarts): read at start-up, put each heartbeat.
    expect(policies).toContain(
      '{"Action":["dynamodb:GetItem","dynamodb:PutItem"],"Condition":{"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["PNLDAY#*"]}}',
    );
    // Mappings and position snapshots are written, never read back or updated by the worker.
    expect(policies).not.toMatch(/"dynamodb:(GetItem|UpdateItem|Query)"[^\]]*MAP#/);
    expect(policies).not.toMatch(/"dynamodb:(GetItem|UpdateItem|Query)"[^\]]*POS#/);
  });
});

describe('alarms and dashboard', () => {
  const alarm = (suffix: string) =>
    ofType('AWS::CloudWatch::Alarm').find(([, a]) => String(a.Properties['AlarmName']).endsWith(suffix))?.[1]
      .Properties;

  it('heartbeat missing: heartbeats (Sum) < 1 for 5 one-minute periods while a task runs', () => {
    const a = alarm('shard0-heartbeat-missing')!;
    expect(a).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      TreatMissingData: 'notBreaching',
    });
    const heartbeat = (a['Metrics'] as { Id: string; MetricStat?: unknown }[]).find(
      (m) => m.Id === 'heartbeat',
    );
    expect(heartbeat?.MetricStat).toMatchObject({
      Metric: {
        Namespace: METRICS_NAMESPACE,
        MetricName: WorkerMetric.Heartbeat,
        Dimensions: [
          { Name: 'Shard', Value: '0' },
          { Name: 'Stage', Value: 'test' },
        ],
      },
      Stat: 'Sum',
      Period: 60,
    });
  });

  it('every required alarm exists per shard with the watched metric', () => {
    const expectations: [string, string, string, number][] = [
      ['ws-disconnected', WorkerMetric.WsDisconnectedSeconds, 'GreaterThanThreshold', 60],
      ['inventory-limit-breach', WorkerMetric.InventoryLimitBreaches, 'GreaterThanOrEqualToThreshold', 1],
      ['reconciliation-drift', WorkerMetric.ReconciliationDrift, 'GreaterThanOrEqualToThreshold', 1],
      ['pnl-drawdown', WorkerMetric.PnlDrawdownDollars, 'GreaterThanThreshold', 250],
      // one missed 15-minute poll (15 + 5 min), below the worker's 35-minute theo age limit
      ['theo-stale', WorkerMetric.TheoAgeSeconds, 'GreaterThanThreshold', 20 * 60],
    ];
    for (const shard of [0, 1]) {
      for (const [suffix, metric, op, threshold] of expectations) {
        expect(alarm(`shard${shard}-${suffix}`), suffix).toMatchObject({
          MetricName: metric,
          ComparisonOperator: op,
          Threshold: threshold,
          Dimensions: [
            { Name: 'Shard', Value: String(shard) },
            { Name: 'Stage', Value: 'test' },
          ],
        });
      }
    }
    expect(alarm('odds-credits-low')).toMatchObject({ MetricName: 'OddsCreditsRemaining', Threshold: 100 });
    expect(alarm('kill-orders-remaining')).toMatchObject({
      MetricName: 'KillOrdersRemaining',
      Dimensions: [
        { Name: 'Function', Value: 'kill-switch' },
        { Name: 'Stage', Value: 'test' },
      ],
    });
    // The worker's own flatten (SIGTERM or its kill switch) leaving orders: notify per shard.
    for (const shard of [0, 1])
      expect(alarm(`shard${shard}-flatten-incomplete`)).toMatchObject({
        Namespace: METRICS_NAMESPACE,
        MetricName: 'KillOrdersRemaining',
        Dimensions: [
          { Name: 'Shard', Value: String(shard) },
          { Name: 'Stage', Value: 'test' },
        ],
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    for (const fn of ['odds-poll', 'odds-refresh', 'kill-switch']) {
      expect(alarm(`${fn}-errors`)).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors' });
    }
  });

  it('every alarm notifies the encrypted SNS topic on ALARM and OK', () => {
    const topic = logicalIdOf('AWS::SNS::Topic', () => true);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const alarms = ofType('AWS::CloudWatch::Alarm');
    // per shard 8 + feed unstable, journal failing, cash poll failing, creates starved; credits low, kill
    // incomplete, kill-switch dead letters, buying power low; 3 × Lambda errors
    expect(alarms).toHaveLength(12 * 2 + 4 + 3);
    for (const [, a] of alarms) {
      expect(a.Properties['AlarmActions']).toEqual([{ Ref: topic }]);
      expect(a.Properties['OKActions']).toEqual([{ Ref: topic }]);
    }
  });

  it('the topic policy lets CloudWatch publish (this stack alarms only) besides denying non-TLS', () => {
    const topic = logicalIdOf('AWS::SNS::Topic', () => true);
    const [, policy] = ofType('AWS::SNS::TopicPolicy')[0]!;
    expect(policy.Properties['Topics']).toEqual([{ Ref: topic }]);
    const statements = (policy.Properties['PolicyDocument'] as { Statement: Record<string, unknown>[] })
      .Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    // CloudWatch's alarms; the other Allow is EventBridge's, for the two task-stopped rules (operations.test.ts).
    const allow = statements.filter(
      (s) => s['Effect'] === 'Allow' && !JSON.stringify(s['Principal']).includes('events.amazonaws.com'),
    );
    expect(allow).toHaveLength(1);
    expect(allow[0]).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: { Ref: topic },
      Condition: {
        ArnLike: { 'aws:SourceArn': expect.anything() },
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      },
    });
    const sourceArn = JSON.stringify(
      (allow[0]!['Condition'] as { ArnLike: Record<string, unknown> }).ArnLike['aws:SourceArn'],
    );
    expect(sourceArn).toContain(':cloudwatch:');
    expect(sourceArn).toContain(':alarm:kalshi-mm-test-*');
    // Every alarm's name falls under that ARN pattern.
    for (const [, a] of ofType('AWS::CloudWatch::Alarm'))
      expect(String(a.Properties['AlarmName'])).toMatch(/^kalshi-mm-test-/);
  });

  it('a dashboard shows the worker and odds metrics', () => {
    const [, dash] = ofType('AWS::CloudWatch::Dashboard')[0]!;
    const body = JSON.stringify(dash.Properties['DashboardBody']);
    for (const m of ['Heartbeat', 'PnlDrawdownDollars', 'OddsCreditsRemaining', 'QuoteLatencyMs', 'Errors']) {
      expect(body).toContain(m);
    }
  });
});
