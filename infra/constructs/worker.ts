/**
 * The trading worker: one Fargate service per shard, each exactly one task.
 *
 * Deployment never runs two tasks of a shard on purpose (minimum healthy 0,
 * maximum 100: stop the old task, then start the new one), but ECS can still
 * overlap them briefly, so the DynamoDB lease with its fencing token is the
 * real guarantee (shared/store/leases.ts). The stop timeout (120 s, Fargate's
 * maximum) is the window the worker has on SIGTERM to cancel its quotes,
 * release the lease and exit.
 *
 * Networking: public subnets and a public IP, no NAT gateway (the worker only
 * calls out: Kalshi, DynamoDB, EventBridge, CloudWatch); no inbound rule at all.
 */
import { Annotations, type CfnResource, Duration, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  Cluster,
  ContainerImage,
  ContainerInsights,
  CpuArchitecture,
  Secret as EcsSecret,
  FargateService,
  FargateTaskDefinition,
  type HealthCheck,
  LinuxParameters,
  LogDrivers,
  OperatingSystemFamily,
} from 'aws-cdk-lib/aws-ecs';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ladderSportsEnv } from '../../shared/config/ladder-sports.ts';
import { HEALTH_DIR, HEALTH_FILE, healthCheckCommand } from '../../shared/metrics/health-check.ts';
import { METRICS_NAMESPACE } from '../../shared/metrics/names.ts';
import { type DeployConfig, KALSHI_BASE_URLS, theoLimits, workerEngineConfig } from '../config.ts';
import { repoPath } from '../paths.ts';
import { containerHeapFlags } from '../worker-heap.ts';
import { type DynamoAction, grantIndexQuery, grantItems } from './dynamo-access.ts';
import { type JournalBucket, journalPrefix } from './journal-bucket.ts';

export interface WorkerProps {
  config: DeployConfig;
  table: ITableV2;
  kalshiSecret: ISecret;
  bus: EventBus;
  logRetention: RetentionDays;
  /** Where each shard uploads its session journal (absent: no journal). */
  journal?: JournalBucket;
}

/**
 * What the worker does with each record kind (worker/main.ts → shared/store), granted exactly:
 * it only reads theos and the kill/pause flags (it must never clear a kill or forge a theo),
 * appends fills, order audit, sampled decisions and position snapshots (conditional PutItem,
 * attribute_not_exists), upserts the event mapping of each game it matches (PutItem MAP#),
 * and holds its shard lease (UpdateItem acquire/renew/release, GetItem on a refused renewal).
 */
export const WORKER_DYNAMO_GRANTS = [
  { actions: ['BatchGetItem'], keys: ['THEO#'] },
  { actions: ['Query'], keys: ['KILL'] },
  { actions: ['PutItem'], keys: ['FILL#', 'ORDER#', 'DEC#', 'POS#', 'MAP#'] },
  { actions: ['GetItem', 'UpdateItem'], keys: ['LEASE#'] },
  // Live snapshots for the operator's dashboard (shared/store/live-snapshot.ts): overwritten in place.
  { actions: ['PutItem'], keys: ['LIVE'] },
  // The tournament keys the odds poll found active (the mapper lists theos under each).
  { actions: ['GetItem'], keys: ['ODDSKEYS#'] },
  // Its trading day's PnL and peak (shared/store/pnl-day.ts): read at start-up, overwritten each heartbeat.
  { actions: ['GetItem', 'PutItem'], keys: ['PNLDAY#'] },
  // The PnL record (worker/cash/pnl-recorder.ts): settlements once per market, the day's games.
  { actions: ['PutItem'], keys: ['SETTLE#', 'PNLGAMES#', 'THEOSTOP#'] },
  // The dashboard's trading-day PnL is rebuilt from that record (worker/cash/day-pnl-watch.ts).
  { actions: ['Query'], keys: ['PNLGAMES#'] },
  { actions: ['GetItem'], keys: ['THEOSTOP#'] },
] as const satisfies readonly { actions: readonly DynamoAction[]; keys: readonly string[] }[];
/** gsi1 partitions the worker queries: theos of a sport (game mapping); a game's fills and settlements (day PnL). */
export const WORKER_INDEX_KEYS = ['THEOS#', 'FILLS#', 'SETTLES#'];

export const WORKER_STOP_TIMEOUT_SECONDS = 120;

/**
 * ECS runs shared/metrics/health-check.ts's check in the container: a worker whose heartbeat file is older than a
 * minute (event loop blocked, process hung) is unhealthy after 3 failures 30 s apart and replaced.
 * The start period covers the image start and the first beat (written before the lease wait).
 */
export const WORKER_HEALTH_CHECK: HealthCheck = {
  command: healthCheckCommand(),
  interval: Duration.seconds(30),
  timeout: Duration.seconds(5),
  retries: 3,
  startPeriod: Duration.seconds(60),
};

export class Worker extends Construct {
  readonly vpc: Vpc;
  readonly cluster: Cluster;
  readonly services: FargateService[] = [];
  readonly taskDefinitions: FargateTaskDefinition[] = [];
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id);
    const { config } = props;
    const sports = workerEngineConfig(config);
    for (const key of sports.unpriced)
      Annotations.of(this).addWarningV2(
        'kalshi-mm:sport-unpriced',
        `the worker trades ${key} but odds.sports does not poll it: its games get no theo and never quote`,
      );
    for (const key of sports.untraded)
      Annotations.of(this).addWarningV2(
        'kalshi-mm:sport-untraded',
        `odds.sports polls ${key} but the worker does not trade it: Odds API credits spent for nothing`,
      );
    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 }],
    });
    // Free: table traffic stays on AWS's network instead of the internet gateway.
    this.vpc.addGatewayEndpoint('DynamoDb', { service: GatewayVpcEndpointAwsService.DYNAMODB });
    // The VPC's default security group loses all its rules through a CDK custom resource whose
    // provider Lambda would log to an implicit /aws/lambda/… group that never expires: give it
    // this one, with the stack's retention.
    const restrictSgHandler = Stack.of(this)
      .node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider')
      ?.node.tryFindChild('Handler') as CfnResource | undefined;
    if (restrictSgHandler) {
      const logs = new LogGroup(this, 'RestrictDefaultSgLogs', { retention: props.logRetention });
      restrictSgHandler.addPropertyOverride('LoggingConfig', { LogGroup: logs.logGroupName });
    }
    this.vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(
        new LogGroup(this, 'FlowLogs', { retention: props.logRetention }),
      ),
      trafficType: FlowLogTrafficType.REJECT,
    });
    this.cluster = new Cluster(this, 'Cluster', {
      vpc: this.vpc,
      containerInsightsV2: ContainerInsights.ENABLED,
    });
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });

    const securityGroup = new SecurityGroup(this, 'TaskSg', {
      vpc: this.vpc,
      description: 'Worker tasks: no inbound; outbound HTTPS only',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to Kalshi and AWS APIs');

    // One image for all shards, built from the repository root with worker/Dockerfile.
    const image = ContainerImage.fromAsset(repoPath(), {
      file: 'worker/Dockerfile',
      platform: Platform.LINUX_ARM64,
    });
    const urls = KALSHI_BASE_URLS[config.worker.kalshiEnv];

    for (let shard = 0; shard < config.shards; shard++) {
      const taskDefinition = new FargateTaskDefinition(this, `Task${shard}`, {
        cpu: config.worker.cpu,
        memoryLimitMiB: config.worker.memoryMiB,
        runtimePlatform: {
          cpuArchitecture: CpuArchitecture.ARM64,
          operatingSystemFamily: OperatingSystemFamily.LINUX,
        },
      });
      // The root filesystem is read-only: the health file lives on a task volume.
      taskDefinition.addVolume({ name: 'tmp' });
      const container = taskDefinition.addContainer('worker', {
        image,
        essential: true,
        healthCheck: WORKER_HEALTH_CHECK,
        stopTimeout: Duration.seconds(WORKER_STOP_TIMEOUT_SECONDS),
        readonlyRootFilesystem: true,
        // An init (tini) as PID 1 forwards SIGTERM to node and reaps children; node as PID 1
        // would ignore any signal it has no handler for yet.
        linuxParameters: new LinuxParameters(this, `Linux${shard}`, { initProcessEnabled: true }),
        logging: LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: `shard-${shard}` }),
        environment: {
          SHARD_ID: String(shard),
          SHARD_COUNT: String(config.shards),
          TABLE_NAME: props.table.tableName,
          EVENT_BUS_NAME: props.bus.eventBusName,
          KALSHI_REST_URL: urls.rest,
          KALSHI_WS_URL: urls.ws,
          // Read by worker/config.ts: every metric carries {Stage, Shard} in this namespace.
          METRICS_NAMESPACE,
          STAGE: config.stage,
          POWERTOOLS_SERVICE_NAME: 'worker',
          // The heap V8 would size inside this task, pinned (infra/worker-heap.ts).
          NODE_OPTIONS: ['--enable-source-maps', ...containerHeapFlags(config.worker.memoryMiB)].join(' '),
          HEALTH_FILE,
          // Theos are refreshed every odds.pollEveryMinutes: the worker's age limit follows it.
          THEO_MAX_AGE_MS: String(theoLimits(config).maxAgeMinutes * 60_000),
          // The same sports as the odds Lambdas' ODDS_LADDER_SPORTS (one deploy key).
          LADDER_SPORTS: ladderSportsEnv(config.ladderSports),
          ...(config.worker.engine ? { ENGINE_CONFIG: JSON.stringify(config.worker.engine) } : {}),
          // The session journal: segments collect on the task volume and go to S3 (worker/journal/).
          ...(props.journal
            ? {
                JOURNAL_DIR: `${HEALTH_DIR}/journal`,
                JOURNAL_BUCKET: props.journal.bucket.bucketName,
                JOURNAL_PREFIX: journalPrefix(shard),
              }
            : {}),
        },
        secrets: {
          KALSHI_KEY_ID: EcsSecret.fromSecretsManager(props.kalshiSecret, 'keyId'),
          KALSHI_PRIVATE_KEY_PEM: EcsSecret.fromSecretsManager(props.kalshiSecret, 'privateKeyPem'),
        },
      });
      container.addMountPoints({ containerPath: HEALTH_DIR, sourceVolume: 'tmp', readOnly: false });
      const role = taskDefinition.taskRole;
      for (const g of WORKER_DYNAMO_GRANTS) grantItems(role, props.table, g.actions, g.keys);
      grantIndexQuery(role, props.table, 'gsi1', WORKER_INDEX_KEYS);
      props.bus.grantPutEventsTo(role);
      props.journal?.grantPut(role, journalPrefix(shard));

      const service = new FargateService(this, `Shard${shard}`, {
        cluster: this.cluster,
        taskDefinition,
        // 0 until the secrets are in and `worker.enabled` is set (infra/config.ts).
        desiredCount: config.worker.enabled ? 1 : 0,
        minHealthyPercent: 0,
        maxHealthyPercent: 100,
        circuitBreaker: { enable: true, rollback: true },
        assignPublicIp: true,
        vpcSubnets: { subnetType: SubnetType.PUBLIC },
        securityGroups: [securityGroup],
        enableExecuteCommand: false,
      });
      this.taskDefinitions.push(taskDefinition);
      this.services.push(service);
    }
  }
}
