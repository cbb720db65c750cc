/**
 * The whole deployment as one stack of four parts: Data (table, secrets),
 * Odds (Lambdas, schedule, bus), Worker (Fargate per shard) and Alarms
 * (alarms, kill switch, dashboard). One stack keeps cross-part references
 * plain (no exports) and deploys atomically.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DeployConfig } from './config.ts';
import { Alarms } from './constructs/alarms.ts';
import { Data } from './constructs/data.ts';
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

  constructor(scope: Construct, id: string, props: KalshiMmStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = RETENTION[config.logRetentionDays];
    this.data = new Data(this, 'Data');
    this.odds = new Odds(this, 'Odds', {
      config,
      table: this.data.table,
      oddsSecret: this.data.oddsSecret,
      logRetention,
    });
    this.worker = new Worker(this, 'Worker', {
      config,
      table: this.data.table,
      kalshiSecret: this.data.kalshiSecret,
      bus: this.odds.bus,
      logRetention,
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
    acknowledgeNagFindings(this);
  }
}
