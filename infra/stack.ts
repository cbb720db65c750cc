/**
 * The whole deployment as one stack of four parts: Data (table, secrets),
 * Odds (Lambdas, schedule, bus), Worker (Fargate per shard) and Alarms
 * (alarms, kill switch, dashboard). One stack keeps cross-part references
 * plain (no exports) and deploys atomically.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DeployConfig } from './config.ts';
import { Alarms } from './constructs/alarms.ts';
import { Data } from './constructs/data.ts';
import { JournalBucket } from './constructs/journal-bucket.ts';
import { Odds } from './constructs/odds.ts';
import { TaskWatch } from './constructs/task-watch.ts';
import { Worker } from './constructs/worker.ts';
import { acknowledgeNagFindings } from './nag.ts';

const RETENTION: Record<DeployConfig['logRetentionDays'], RetentionDays> = {
  7: RetentionDays.ONE_WEEK,
  14: RetentionDays.TWO_WEEKS,
  30: RetentionDays.ONE_MONTH,
  90: RetentionDays.THREE_MONTHS,
  365: RetentionDays.ONE_YEAR,
};

export interface KalshiMmStackProps extends StackProps {
  config: DeployConfig;
}

export class KalshiMmStack extends Stack {
  readonly data: Data;
  readonly odds: Odds;
  readonly worker: Worker;
  readonly alarms: Alarms;
  readonly taskWatch: TaskWatch;
  readonly journal: JournalBucket | null;

  constructor(scope: Construct, id: string, props: KalshiMmStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = RETENTION[config.logRetentionDays];
    this.data = new Data(this, 'Data', { adopt: config.adopt });
    this.odds = new Odds(this, 'Odds', {
      config,
      table: this.data.table,
      oddsSecret: this.data.oddsSecret,
      logRetention,
    });
    this.journal = config.journal.enabled
      ? new JournalBucket(this, 'Journal', { expireAfterDays: config.journal.expireAfterDays })
      : null;
    this.worker = new Worker(this, 'Worker', {
      config,
      table: this.data.table,
      kalshiSecret: this.data.kalshiSecret,
      bus: this.odds.bus,
      logRetention,
      ...(this.journal ? { journal: this.journal } : {}),
    });
    this.alarms = new Alarms(this, 'Alarms', {
      config,
      table: this.data.table,
      kalshiSecret: this.data.kalshiSecret,
      logRetention,
      functions: { 'odds-poll': this.odds.poll, 'odds-refresh': this.odds.refresh },
      worker: { cluster: this.worker.cluster, services: this.worker.services },
    });
    this.taskWatch = new TaskWatch(this, 'TaskWatch', {
      stage: config.stage,
      cluster: this.worker.cluster,
      topic: this.alarms.topic,
    });
    this.denyKalshiKeyToOthers();
    this.outputs(config);
    acknowledgeNagFindings(this);
  }

  /**
   * The Kalshi private key is readable by exactly two kinds of role: the kill switch's and each
   * shard's task execution role (ECS injects the key into the container). Everyone else, admins
   * included, is denied GetSecretValue; putting a new value in (PutSecretValue) stays allowed.
   */
  private denyKalshiKeyToOthers(): void {
    const readers = [
      this.alarms.killSwitch.fn.role!.roleArn,
      ...this.worker.taskDefinitions.map((t) => t.obtainExecutionRole().roleArn),
    ];
    this.data.kalshiSecret.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyKillSwitchAndWorkerRead',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['secretsmanager:GetSecretValue'],
        resources: ['*'],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': readers } },
      }),
    );
  }

  /** What every runbook command needs (docs/DEPLOY.md): `aws cloudformation describe-stacks`. */
  private outputs(config: DeployConfig): void {
    const out = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    out('TableName', this.data.table.tableName, 'DynamoDB table (theos, fills, audit, kill flags, leases)');
    out(
      'KalshiSecretArn',
      this.data.kalshiSecret.secretArn,
      'Kalshi API key secret: {"keyId","privateKeyPem"}',
    );
    out('OddsSecretArn', this.data.oddsSecret.secretArn, 'The Odds API key secret (plain text)');
    out('OddsPollFunction', this.odds.poll.fn.functionName, 'odds-poll Lambda');
    out('OddsRefreshFunction', this.odds.refresh.fn.functionName, 'odds-refresh Lambda');
    out('KillSwitchFunction', this.alarms.killSwitch.fn.functionName, 'kill-switch Lambda (kill / clear)');
    out('ClusterName', this.worker.cluster.clusterName, 'ECS cluster of the worker');
    for (const [shard, s] of this.worker.services.entries())
      out(`Shard${shard}Service`, s.serviceName, `ECS service of worker shard ${shard}`);
    out('AlarmTopicArn', this.alarms.topic.topicArn, 'SNS topic every alarm and notice goes to');
    out(
      'KillSwitchDlqUrl',
      this.alarms.killDeadLetters.queueUrl,
      'Kill-switch requests that failed every attempt',
    );
    out('Stage', config.stage, 'Stage: the Stage dimension of every metric');
    if (this.journal)
      out(
        'JournalBucket',
        this.journal.bucket.bucketName,
        'Session journals (shard-N/…), for npm run replay',
      );
  }
}
