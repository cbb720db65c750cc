/**
 * Alarms, the kill switch and the dashboard.
 *
 * Every alarm notifies the SNS topic. The ones that mean "stop trading now"
 * (worker dead, blind, over a limit, out of sync with the exchange, losing
 * money) are also matched by an EventBridge rule on CloudWatch's
 * "Alarm State Change" events and invoke the kill-switch Lambda, which sets
 * the kill flag and cancels every resting order through Kalshi's REST API,
 * independently of the worker.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  type CfnAlarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Cluster, FargateService } from 'aws-cdk-lib/aws-ecs';
import { Match as EventMatch, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  FUNCTION_DIMENSION,
  JOURNAL_ERROR_KINDS,
  KillMetric,
  METRICS_NAMESPACE,
  OddsMetric,
  SHARD_DIMENSION,
  STAGE_DIMENSION,
  WorkerMetric,
} from '../../shared/metrics/names.ts';
import { type DeployConfig, KALSHI_BASE_URLS, theoLimits, workerEngineConfig } from '../config.ts';
import { grantItems } from './dynamo-access.ts';
import { Handler } from './lambda.ts';

export interface AlarmsProps {
  config: DeployConfig;
  table: ITableV2;
  kalshiSecret: ISecret;
  logRetention: RetentionDays;
  /** Lambdas whose errors alarm (the kill switch is added here). */
  functions: Record<string, Handler>;
  /** The worker's cluster and one service per shard: the heartbeat alarm judges only running tasks. */
  worker: { cluster: Cluster; services: FargateService[] };
}

/** Container Insights' per-service task count: the heartbeat alarm's gate. */
export const RUNNING_TASKS = { namespace: 'ECS/ContainerInsights', metricName: 'RunningTaskCount' } as const;

export const KILL_DEADLINE_MS = 60_000;
/** Lambda async retries of a failed kill-switch run (the maximum Lambda allows). */
export const KILL_ASYNC_RETRIES = 2;
/** A kill request older than this is not retried any more (it went to the dead-letter queue). */
export const KILL_MAX_EVENT_AGE = Duration.minutes(30);

/**
 * Every trading-stop alarm's name starts with this, and no other alarm's does: the kill rule
 * matches on it (one prefix instead of one ARN per alarm, which outgrew EventBridge's 2,048-char
 * pattern limit at 4–5 shards). `STOP` is upper case and stage names are lower case, so no other
 * stage's alarms can share the prefix.
 */
export const killAlarmPrefix = (stage: string) => `kalshi-mm-${stage}-STOP-`;

export class Alarms extends Construct {
  readonly topic: Topic;
  /** Encrypts the topic; CloudWatch may use it to publish. */
  readonly topicKey: Key;
  readonly killSwitch: Handler;
  readonly killRule: Rule;
  /** Kill-switch events that failed every attempt (function errors or undeliverable): alarmed. */
  readonly killDeadLetters: Queue;
  readonly dashboard: Dashboard;
  /** Alarms that invoke the kill switch. */
  readonly killAlarms: Alarm[] = [];
  /** Alarms that only notify. */
  readonly notifyAlarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { config } = props;
    const a = config.alarms;
    const prefix = `kalshi-mm-${config.stage}`;

    const key = new Key(this, 'TopicKey', {
      description: 'Encrypts the alarm topic; CloudWatch and EventBridge may use it to publish',
      enableKeyRotation: true,
    });
    this.topicKey = key;
    key.addToResourcePolicy(
      new PolicyStatement({
        // EventBridge publishes the worker's task-stopped notices (infra/constructs/task-watch.ts).
        principals: [
          new ServicePrincipal('cloudwatch.amazonaws.com'),
          new ServicePrincipal('events.amazonaws.com'),
        ],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      displayName: 'kalshi-mm alarms',
      masterKey: key,
      enforceSSL: true,
    });
    // enforceSSL replaces SNS's default topic policy with one holding only the SSL Deny: without
    // this Allow, CloudWatch cannot publish any alarm to the topic. Scoped to this stack's alarms.
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:${prefix}-*`,
          },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    if (a.email) this.topic.addSubscription(new EmailSubscription(a.email));
    const notify = new SnsAction(this.topic);

    this.killSwitch = new Handler(this, 'KillSwitch', {
      entry: 'kill-switch.ts',
      description: 'Sets the kill flag and cancels every resting Kalshi order until none rest',
      timeout: Duration.seconds(KILL_DEADLINE_MS / 1000 + 30),
      environment: {
        TABLE_NAME: props.table.tableName,
        KALSHI_SECRET_ARN: props.kalshiSecret.secretArn,
        KALSHI_REST_URL: KALSHI_BASE_URLS[config.worker.kalshiEnv].rest,
        KILL_DEADLINE_MS: String(KILL_DEADLINE_MS),
      },
      logRetention: props.logRetention,
      serviceName: 'kill-switch',
      stage: config.stage,
      // Alarm storms: a couple of concurrent loops are harmless (idempotent), dozens would hit rate limits.
      reservedConcurrency: 2,
    });
    props.kalshiSecret.grantRead(this.killSwitch.fn);
    grantItems(this.killSwitch.fn, props.table, ['UpdateItem', 'Query'], ['KILL']);
    // EventBridge invokes the kill switch asynchronously: its target retries cover delivery only.
    // A failed run (orders still resting, Kalshi unreachable) is retried by Lambda's async
    // invocation (2 retries, about 1 and 2 min later), then lands here, as do undeliverable events.
    this.killDeadLetters = new Queue(this, 'KillSwitchDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.killSwitch.fn.configureAsyncInvoke({
      retryAttempts: KILL_ASYNC_RETRIES,
      maxEventAge: KILL_MAX_EVENT_AGE,
      onFailure: new SqsDestination(this.killDeadLetters),
    });

    const add = (alarm: Alarm, kills: boolean) => {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
      (kills ? this.killAlarms : this.notifyAlarms).push(alarm);
      return alarm;
    };
    const workerMetric = (
      name: string,
      shard: number,
      statistic: string,
      period = Duration.minutes(1),
      dimensions: Record<string, string> = {},
    ) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        // Stage first: a demo worker's heartbeat must never count as prod's, nor its drawdown kill prod.
        dimensionsMap: { [STAGE_DIMENSION]: config.stage, [SHARD_DIMENSION]: String(shard), ...dimensions },
        statistic,
        period,
      });

    const theo = theoLimits(config);
    const theoStaleMinutes = theo.staleAlarmMinutes;
    const stop = killAlarmPrefix(config.stage);
    for (let shard = 0; shard < config.shards; shard++) {
      const s = `${prefix}-shard${shard}`;
      const k = `${stop}shard${shard}`;
      const service = props.worker.services[shard]!;
      add(
        new Alarm(this, `HeartbeatMissing${shard}`, {
          alarmName: `${k}-heartbeat-missing`,
          alarmDescription: `Worker shard ${shard} has a running task but sent no heartbeat for ${a.heartbeatMissingMinutes} min: hung. Kills trading. Minutes with no running task (a deploy, a deliberate pause at desired count 0, the worker disabled) count as OK.`,
          // Judged only while the shard's service has a running task: the alarm that updates before
          // the service (step 2 of the deploy, a new shard) or a deliberate pause (desired count 0)
          // no longer trips the kill; a started task has heartbeatMissingMinutes to report.
          metric: new MathExpression({
            expression: 'IF(FILL(running, 0) >= 1, FILL(heartbeat, 0), 1)',
            usingMetrics: {
              heartbeat: workerMetric(WorkerMetric.Heartbeat, shard, 'Sum'),
              running: new Metric({
                ...RUNNING_TASKS,
                dimensionsMap: {
                  ClusterName: props.worker.cluster.clusterName,
                  ServiceName: service.serviceName,
                },
                statistic: 'Maximum',
                period: Duration.minutes(1),
              }),
            },
            label: `shard ${shard} heartbeats while a task runs`,
            period: Duration.minutes(1),
          }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: a.heartbeatMissingMinutes,
          datapointsToAlarm: a.heartbeatMissingMinutes,
          // No data at all (no task, no Container Insights datapoint, no heartbeat) is not a hung
          // worker; a task that exits is the task-stopped rule's (infra/constructs/task-watch.ts).
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        true,
      );
      add(
        new Alarm(this, `WsDisconnected${shard}`, {
          alarmName: `${s}-ws-disconnected`,
          alarmDescription: `Shard ${shard} Kalshi WebSocket down over ${a.wsDisconnectedSeconds} s (exchange maintenance or network): the worker pauses quoting itself and resumes when the feed is back. Notify only.`,
          metric: workerMetric(WorkerMetric.WsDisconnectedSeconds, shard, 'Maximum'),
          threshold: a.wsDisconnectedSeconds,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          // Missing data is the heartbeat alarm's business.
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        // Not a kill: an outage would latch the global kill flag until a human cleared it.
        false,
      );
      add(
        new Alarm(this, `GamesStalled${shard}`, {
          alarmName: `${s}-games-stalled`,
          alarmDescription: `Shard ${shard} has had a game that should quote but does not (GamesStalled ≥ 1) for ${a.gamesStalledMinutes} min. Look at the games' quoting-state reasons. Notify only.`,
          metric: workerMetric(WorkerMetric.GamesStalled, shard, 'Maximum'),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: a.gamesStalledMinutes,
          datapointsToAlarm: a.gamesStalledMinutes,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        false,
      );
      add(
        new Alarm(this, `CreatesStarved${shard}`, {
          alarmName: `${s}-creates-starved`,
          alarmDescription: `Shard ${shard} has had a market side that wants an order and has none after 30 s, not for a risk refusal (CreatesStarved ≥ 1), for ${a.createsStarvedMinutes} min: the write budget is not reaching it. Look at CreatesQueued and the write budget. Notify only.`,
          metric: workerMetric(WorkerMetric.CreatesStarved, shard, 'Maximum'),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: a.createsStarvedMinutes,
          datapointsToAlarm: a.createsStarvedMinutes,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        false,
      );
      add(
        new Alarm(this, `InventoryLimit${shard}`, {
          alarmName: `${k}-inventory-limit-breach`,
          alarmDescription: `Shard ${shard} reported a game inventory beyond its hard limit. Kills trading.`,
          metric: workerMetric(WorkerMetric.InventoryLimitBreaches, shard, 'Sum'),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        true,
      );
      add(
        new Alarm(this, `ReconciliationDrift${shard}`, {
          alarmName: `${k}-reconciliation-drift`,
          alarmDescription: `Shard ${shard} disagrees with the exchange for ${a.driftMinutes} consecutive minutes. Kills trading.`,
          metric: workerMetric(WorkerMetric.ReconciliationDrift, shard, 'Sum'),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: a.driftMinutes,
          datapointsToAlarm: a.driftMinutes,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        true,
      );
      add(
        new Alarm(this, `PnlDrawdown${shard}`, {
          alarmName: `${k}-pnl-drawdown`,
          alarmDescription: `Shard ${shard} PnL fell more than $${a.drawdownDollars} from its peak. Kills trading.`,
          metric: workerMetric(WorkerMetric.PnlDrawdownDollars, shard, 'Maximum'),
          threshold: a.drawdownDollars,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        true,
      );
      add(
        new Alarm(this, `FlattenIncomplete${shard}`, {
          alarmName: `${s}-flatten-incomplete`,
          alarmDescription: `Worker shard ${shard} stopped (SIGTERM or its own kill switch) with orders still resting on Kalshi. Check and cancel by hand, or invoke the kill switch.`,
          metric: workerMetric(KillMetric.KillOrdersRemaining, shard, 'Maximum'),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        // Notify only: the next task adopts resting orders after a routine restart, and the
        // Lambda kill switch would also halt every shard until a human clears the flag.
        false,
      );
      add(
        new Alarm(this, `TheoStale${shard}`, {
          alarmName: `${s}-theo-stale`,
          alarmDescription: `Shard ${shard} has a theo older than ${theoStaleMinutes} min (odds polls every ${config.odds.pollEveryMinutes} min): a poll was missed. The worker stops quoting a game at ${theo.maxAgeMinutes} min.`,
          metric: workerMetric(WorkerMetric.TheoAgeSeconds, shard, 'Maximum', Duration.minutes(5)),
          threshold: theoStaleMinutes * 60,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        false,
      );
    }

    // Failures that stop nothing by themselves yet blind the operator or the record: notify only.
    const quarter = Duration.minutes(15);
    for (let shard = 0; shard < config.shards; shard++) {
      const s = `${prefix}-shard${shard}`;
      add(
        new Alarm(this, `FeedUnstable${shard}`, {
          alarmName: `${s}-feed-unstable`,
          alarmDescription: `Shard ${shard}'s Kalshi WebSocket reconnected ${a.feedReconnects} or more times in 15 min (pong or silence timeouts, drops): every reconnect re-snapshots the books and quotes wait meanwhile. Look at FeedEvents {Event} and the task's CPU. Notify only.`,
          metric: workerMetric(WorkerMetric.FeedEvents, shard, 'Sum', quarter, { Event: 'reconnect' }),
          threshold: a.feedReconnects,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        false,
      );
      const journal: Record<string, Metric> = {
        dropped: workerMetric(WorkerMetric.JournalDropped, shard, 'Sum', quarter),
      };
      for (const kind of JOURNAL_ERROR_KINDS)
        journal[kind] = workerMetric(WorkerMetric.JournalErrors, shard, 'Sum', quarter, { Kind: kind });
      add(
        new Alarm(this, `JournalFailing${shard}`, {
          alarmName: `${s}-journal-failing`,
          alarmDescription: `Shard ${shard}'s session journal failed (JournalErrors {Kind}) or dropped entries (JournalDropped) in 15 min: the trading day may not replay. Trading goes on. Check the task's disk and the journal bucket's permissions. Notify only.`,
          metric: new MathExpression({
            expression: Object.keys(journal)
              .map((k) => `FILL(${k}, 0)`)
              .join(' + '),
            usingMetrics: journal,
            label: `shard ${shard} journal errors + dropped entries`,
            period: quarter,
          }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        false,
      );
      add(
        new Alarm(this, `CashPollFailing${shard}`, {
          alarmName: `${s}-cash-poll-failing`,
          alarmDescription: `Shard ${shard} failed 5 or more cash polls in 15 min (CashPollErrors): buying power is not being read, and the buying-power-low alarm reads missing data as OK. Check Kalshi's status and the API key. Notify only.`,
          metric: workerMetric(WorkerMetric.CashPollErrors, shard, 'Sum', quarter),
          threshold: 5,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        false,
      );
    }

    // The account is shared by every shard, and each shard reads the same account-wide figures: one
    // alarm on the lowest of them, so a shard that is down neither hides the cash nor sends a second page.
    // An alarm's math takes at most 10 metrics: the first 10 shards' readings are plenty.
    const floorDollars = workerEngineConfig(config).engine.cash.floorDollars;
    const buyingPower = Object.fromEntries(
      Array.from({ length: Math.min(config.shards, 10) }, (_, shard) => [
        `bp${shard}`,
        workerMetric(WorkerMetric.BuyingPower, shard, 'Minimum', Duration.minutes(5)),
      ]),
    );
    add(
      new Alarm(this, 'BuyingPowerLow', {
        alarmName: `${prefix}-buying-power-low`,
        alarmDescription: `The Kalshi account's buying power (balance less what resting orders reserve) is below $${floorDollars} (worker.engine.cash.floorDollars). Deposit before the exchange refuses creates (games would show insufficient-balance). Notify only.`,
        metric: new MathExpression({
          expression: `MIN([${Object.keys(buyingPower).join(', ')}])`,
          usingMetrics: buyingPower,
          label: 'buying power, lowest shard reading',
          period: Duration.minutes(5),
        }),
        threshold: floorDollars,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // No reading (worker stopped) is the heartbeat alarm's business, not a cash problem.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      false,
    );
    add(
      new Alarm(this, 'OddsCreditsLow', {
        alarmName: `${prefix}-odds-credits-low`,
        alarmDescription: `The Odds API has fewer than ${a.oddsCreditsLow} credits left; low-priority sports are being skipped.`,
        metric: new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: OddsMetric.OddsCreditsRemaining,
          dimensionsMap: { [STAGE_DIMENSION]: config.stage, [FUNCTION_DIMENSION]: 'odds' },
          statistic: 'Minimum',
          period: Duration.hours(1),
        }),
        threshold: a.oddsCreditsLow,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      false,
    );
    add(
      new Alarm(this, 'KillIncomplete', {
        alarmName: `${prefix}-kill-orders-remaining`,
        alarmDescription: 'The kill switch gave up with orders still resting on Kalshi. Act by hand now.',
        metric: new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: KillMetric.KillOrdersRemaining,
          dimensionsMap: { [STAGE_DIMENSION]: config.stage, [FUNCTION_DIMENSION]: 'kill-switch' },
          statistic: 'Maximum',
          period: Duration.minutes(1),
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      false,
    );
    add(
      new Alarm(this, 'KillSwitchDeadLetters', {
        alarmName: `${prefix}-kill-switch-dead-letters`,
        alarmDescription:
          'A kill-switch request failed every attempt (orders may still rest, the kill flag may be unset). Act by hand now; the message in the queue says which alarm.',
        // Arrivals, not messages present: a message left in the queue would hold the alarm in
        // ALARM and silence the next failure.
        metric: this.killDeadLetters.metricNumberOfMessagesSent({
          period: Duration.minutes(1),
          statistic: 'Sum',
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      false,
    );
    const functions: Record<string, Handler> = { ...props.functions, 'kill-switch': this.killSwitch };
    for (const [name, handler] of Object.entries(functions)) {
      add(
        new Alarm(this, `LambdaErrors-${name}`, {
          alarmName: `${prefix}-${name}-errors`,
          alarmDescription: `Lambda ${name} failed.`,
          metric: handler.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        false,
      );
    }

    // The rule below matches by name: a kill alarm outside the prefix would never kill, a notify alarm in it would.
    for (const alarm of [...this.killAlarms, ...this.notifyAlarms]) {
      const name = (alarm.node.defaultChild as CfnAlarm).alarmName;
      const kills = this.killAlarms.includes(alarm);
      if (name === undefined || name.startsWith(stop) !== kills)
        throw new Error(`alarm ${alarm.node.id}: only trading-stop alarms may be named ${stop}…`);
    }
    this.killRule = new Rule(this, 'KillOnAlarm', {
      description:
        'Trading-stop alarms entering ALARM invoke the kill switch (other transitions are recorded)',
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        // This account's and region's trading-stop alarms, by name prefix (constant size for any shard count).
        resources: EventMatch.prefix(
          `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:${stop}`,
        ),
        // Every transition: ALARM kills; OK and INSUFFICIENT_DATA are recorded, so a resume can
        // be refused while a stop alarm is still in ALARM (functions/kill-switch.ts).
        detail: {
          alarmName: EventMatch.prefix(stop),
          state: { value: ['ALARM', 'OK', 'INSUFFICIENT_DATA'] },
        },
      },
      targets: [
        new LambdaFunction(this.killSwitch.fn, {
          // Delivery retries (throttling, service errors), not function errors.
          retryAttempts: 4,
          maxEventAge: Duration.minutes(10),
          deadLetterQueue: this.killDeadLetters,
        }),
      ],
    });

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: prefix });
    const perShard = (name: string, statistic: string): IMetric[] =>
      Array.from({ length: config.shards }, (_, shard) =>
        workerMetric(name, shard, statistic).with({ label: `shard ${shard}` }),
      );
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# kalshi-mm (${config.stage})\nKill alarms: heartbeat (while a task runs), inventory limit, drift, drawdown. Notify: WebSocket down, games stalled, theo stale, flatten incomplete, task stopped, buying power low. Topic: alarms.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Heartbeat', left: perShard(WorkerMetric.Heartbeat, 'Sum'), width: 8 }),
      new GraphWidget({
        title: 'WS disconnected (s)',
        left: perShard(WorkerMetric.WsDisconnectedSeconds, 'Maximum'),
        width: 8,
      }),
      new GraphWidget({
        title: 'PnL drawdown ($)',
        left: perShard(WorkerMetric.PnlDrawdownDollars, 'Maximum'),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Fills', left: perShard(WorkerMetric.Fills, 'Sum'), width: 6 }),
      new GraphWidget({
        title: 'Orders created',
        left: perShard(WorkerMetric.OrdersCreated, 'Sum'),
        width: 6,
      }),
      new GraphWidget({
        title: 'Quote latency p99 (ms)',
        left: perShard(WorkerMetric.QuoteLatencyMs, 'p99'),
        width: 6,
      }),
      new GraphWidget({
        title: 'Theo age (s)',
        left: perShard(WorkerMetric.TheoAgeSeconds, 'Maximum'),
        width: 6,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Inventory limit breaches',
        left: perShard(WorkerMetric.InventoryLimitBreaches, 'Sum'),
        width: 6,
      }),
      new GraphWidget({
        title: 'Reconciliation drift',
        left: perShard(WorkerMetric.ReconciliationDrift, 'Sum'),
        width: 6,
      }),
      new SingleValueWidget({
        title: 'Odds API credits left',
        metrics: [
          new Metric({
            namespace: METRICS_NAMESPACE,
            metricName: OddsMetric.OddsCreditsRemaining,
            dimensionsMap: { [STAGE_DIMENSION]: config.stage, [FUNCTION_DIMENSION]: 'odds' },
            statistic: 'Minimum',
            period: Duration.hours(1),
          }),
        ],
        width: 6,
      }),
      new GraphWidget({
        title: 'Lambda errors',
        left: Object.entries(functions).map(([name, h]) =>
          h.fn.metricErrors({ label: name, period: Duration.minutes(5) }),
        ),
        width: 6,
      }),
    );
    // The trader's cash (shard 0's reading: every shard reads the same account).
    const cash = (name: string, label: string) =>
      workerMetric(name, 0, 'Minimum', Duration.minutes(5)).with({ label });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: `Cash ($; floor ${floorDollars})`,
        left: [
          cash(WorkerMetric.CashBalance, 'balance'),
          cash(WorkerMetric.BuyingPower, 'buying power'),
          cash(WorkerMetric.CashInPositions, 'in positions'),
          cash(WorkerMetric.CashInOrders, 'in resting orders'),
        ],
        width: 24,
      }),
    );
  }
}
