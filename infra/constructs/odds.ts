/**
 * Odds side: the scheduled poller, the on-demand refresher and the event bus
 * the worker asks for refreshes on.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ladderSportsEnv } from '../../shared/config/ladder-sports.ts';
import { REFRESH_EVENT_DETAIL_TYPE, REFRESH_EVENT_SOURCE } from '../../shared/events/refresh-request.ts';
import { type DeployConfig, oddsEnabled, refreshCreditReserve } from '../config.ts';
import { grantItems } from './dynamo-access.ts';
import { Handler } from './lambda.ts';

export interface OddsProps {
  config: DeployConfig;
  table: ITableV2;
  oddsSecret: ISecret;
  logRetention: RetentionDays;
}

export class Odds extends Construct {
  readonly bus: EventBus;
  readonly poll: Handler;
  readonly refresh: Handler;
  readonly schedule: Schedule;
  readonly refreshRule: Rule;

  constructor(scope: Construct, id: string, props: OddsProps) {
    super(scope, id);
    const { odds } = props.config;
    this.bus = new EventBus(this, 'Bus', { eventBusName: `kalshi-mm-${props.config.stage}` });

    const environment = {
      TABLE_NAME: props.table.tableName,
      ODDS_API_KEY_SECRET_ARN: props.oddsSecret.secretArn,
      ODDS_API_BASE_URL: odds.baseUrl,
      ODDS_BOOKMAKERS: odds.bookmakers.join(','),
      ODDS_SPORTS: JSON.stringify(odds.sports),
      ODDS_HORIZON_HOURS: String(odds.horizonHours),
      REFRESH_DEBOUNCE_SECONDS: String(odds.refreshDebounceSeconds),
      REFRESH_CREDIT_RESERVE: String(refreshCreditReserve(props.config)),
      REFRESH_MAX_PER_EVENT_HOUR: String(odds.refreshMaxPerEventPerHour),
      // The same sports as the worker's LADDER_SPORTS (one deploy key).
      ODDS_LADDER_SPORTS: ladderSportsEnv(props.config.ladderSports),
    };

    this.poll = new Handler(this, 'Poll', {
      entry: 'odds-poll.ts',
      description: 'Polls The Odds API for configured sports and writes versioned theos',
      timeout: Duration.minutes(2),
      environment,
      logRetention: props.logRetention,
      serviceName: 'odds-poll',
      stage: props.config.stage,
      // Two overlapping polls would only waste credits.
      reservedConcurrency: 1,
    });
    this.refresh = new Handler(this, 'Refresh', {
      entry: 'odds-refresh.ts',
      description: 'Refreshes one event’s theo on request, debounced per event',
      timeout: Duration.seconds(30),
      environment,
      logRetention: props.logRetention,
      serviceName: 'odds-refresh',
      stage: props.config.stage,
      reservedConcurrency: 5,
    });
    for (const h of [this.poll, this.refresh]) props.oddsSecret.grantRead(h.fn);
    grantItems(this.poll.fn, props.table, ['PutItem'], ['THEO#']);
    // Tournament sports' active keys (shared/store/odds-keys.ts), read by the worker's mapper.
    grantItems(this.poll.fn, props.table, ['PutItem'], ['ODDSKEYS#']);
    grantItems(this.refresh.fn, props.table, ['PutItem', 'UpdateItem'], ['THEO#', 'REFRESH#']);
    // The last known credits left (shared/store/odds-quota.ts): both record it, refresh reads it.
    grantItems(this.poll.fn, props.table, ['UpdateItem'], ['ODDSQUOTA']);
    grantItems(this.refresh.fn, props.table, ['GetItem', 'UpdateItem'], ['ODDSQUOTA']);
    // A failed refresh is not retried by Lambda either: the worker asks again if it still needs it,
    // and a retry storm is what spends a month's credits.
    this.refresh.fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(2) });

    // Off until the Odds API key is in (odds.enabled, else worker.enabled): nothing polls or pages before.
    const enabled = oddsEnabled(props.config);
    this.schedule = new Schedule(this, 'PollSchedule', {
      description: `odds-poll every ${odds.pollEveryMinutes} min`,
      enabled,
      schedule: ScheduleExpression.rate(Duration.minutes(odds.pollEveryMinutes)),
      target: new LambdaInvoke(this.poll.fn, {
        input: ScheduleTargetInput.fromObject({
          trigger: 'schedule',
          scheduledTime: ContextAttribute.scheduledTime,
        }),
        // A missed poll is simply superseded by the next one.
        retryAttempts: 0,
        maxEventAge: Duration.minutes(5),
      }),
    });

    this.refreshRule = new Rule(this, 'RefreshRule', {
      description: 'Worker asks for a fresh theo for one event',
      enabled,
      eventBus: this.bus,
      eventPattern: { source: [REFRESH_EVENT_SOURCE], detailType: [REFRESH_EVENT_DETAIL_TYPE] },
      // Delivery retries only (throttling); function errors are not retried (above).
      targets: [new LambdaFunction(this.refresh.fn, { retryAttempts: 2, maxEventAge: Duration.minutes(2) })],
    });
  }
}
