/**
 * One way to build a Lambda: Node.js 24 on arm64, ESM bundled by the local
 * esbuild (no Docker), its own log group with retention, X-Ray tracing off
 * (EMF metrics and structured logs carry what we need).
 */
import type { Duration } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../shared/metrics/names.ts';
import { repoPath } from '../paths.ts';
import {
  LAMBDA_ESM_BANNER,
  LAMBDA_EXTERNAL_MODULES,
  LAMBDA_NODE_OPTIONS,
  LAMBDA_SOURCE_MAP,
  LAMBDA_SOURCES_CONTENT,
} from './lambda-bundling.ts';

export interface HandlerProps {
  /** File under functions/, e.g. 'odds-poll.ts'. */
  entry: string;
  description: string;
  timeout: Duration;
  memorySize?: number;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  /** Powertools service name (log field and metric dimension). */
  serviceName: string;
  /** The deployment's stage: dimension `Stage` of every metric the function emits (env STAGE). */
  stage: string;
  reservedConcurrency?: number;
}

export class Handler extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: HandlerProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    // Own role with write access to its own log group only (no AWS managed policy).
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${id} Lambda: logs to its own group; other grants added by the owning construct`,
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.fn = new NodejsFunction(this, 'Fn', {
      entry: repoPath('functions', props.entry),
      handler: 'handler',
      projectRoot: repoPath(),
      depsLockFilePath: repoPath('package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      description: props.description,
      timeout: props.timeout,
      memorySize: props.memorySize ?? 256,
      logGroup: this.logGroup,
      role,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        STAGE: props.stage,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: LAMBDA_SOURCE_MAP,
        sourcesContent: LAMBDA_SOURCES_CONTENT,
        mainFields: ['module', 'main'],
        banner: LAMBDA_ESM_BANNER,
        // The SDK clients are bundled (faster cold start, pinned version); see lambda-bundling.ts.
        externalModules: [...LAMBDA_EXTERNAL_MODULES],
        forceDockerBundling: false,
      },
    });
  }
}
