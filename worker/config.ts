/**
 * The worker's environment (Fargate task or a local live run), validated once
 * at start. A bad or missing variable stops the process with its name; values
 * of secrets never appear in errors.
 *
 * | variable                       | meaning                                                      |
 * | ------------------------------ | ------------------------------------------------------------ |
 * | KALSHI_ENV                     | `demo` or `prod` (selects the REST and WebSocket hosts)      |
 * | KALSHI_REST_URL / KALSHI_WS_URL| override the hosts (paper mode against a simulator)          |
 * | KALSHI_KEY_ID                  | API key id                                                   |
 * | KALSHI_PRIVATE_KEY_FILE        | PEM file of the RSA key, or                                  |
 * | KALSHI_PRIVATE_KEY_SECRET_ARN  | Secrets Manager secret holding the PEM, or                   |
 * | KALSHI_PRIVATE_KEY_PEM         | the PEM itself (ECS injects it from Secrets Manager)         |
 * | TABLE_NAME                     | the project's DynamoDB table                                 |
 * | DYNAMODB_ENDPOINT              | optional (dynalite / local DynamoDB)                         |
 * | EVENT_BUS_NAME                 | EventBridge bus for odds-refresh requests (optional)         |
 * | SHARD_ID                       | this worker's shard (lease key); default `0`                 |
 * | SHARD_COUNT                    | number of shards; games go to shards by stable hash; def. 1  |
 * | TASK_ID                        | lease owner id; default hostname-pid                         |
 * | ENGINE_CONFIG / ENGINE_CONFIG_FILE | engine config as JSON text or a JSON file (optional)     |
 * | THEO_MAX_AGE_MS                | theo age limit (ms) unless the engine config sets theoMaxAgeMs; |
 * |                                | the CDK app derives it from the odds poll interval           |
 * | STAGE                          | the deployment's stage, dimension `Stage` of every metric; def. `local` |
 * | METRICS_NAMESPACE              | CloudWatch namespace of the EMF metrics; default `KalshiMM`  |
 * | HEALTH_FILE                    | file touched each heartbeat for the container health check (optional) |
 * | LADDER_SPORTS                  | spread/total ladders quoted: `none` (default), `all`, or Odds API sport keys |
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { type EngineConfig, parseEngineConfig } from '../shared/config/engine-config.ts';
import { type LadderSports, ladderSportsEnvSchema } from '../shared/config/ladder-sports.ts';
import { kalshiUrls } from '../shared/kalshi/hosts.ts';
import { LOCAL_STAGE, METRICS_NAMESPACE } from '../shared/metrics/names.ts';

/** The keyId the CDK app writes into the Kalshi secret until an operator puts the real key in. */
export const KALSHI_KEY_PLACEHOLDER = 'SET-ME';

const url = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((u) => protocols.some((p) => u.startsWith(p)), `must start with ${protocols.join(' or ')}`);

export const WorkerEnvSchema = z
  .object({
    KALSHI_ENV: z.enum(['demo', 'prod']).default('demo'),
    KALSHI_REST_URL: url(['https://', 'http://']).optional(),
    KALSHI_WS_URL: url(['wss://', 'ws://']).optional(),
    KALSHI_KEY_ID: z
      .string()
      .min(1, 'required')
      .refine(
        (v) => v !== KALSHI_KEY_PLACEHOLDER,
        'still the placeholder the stack creates: put the real Kalshi key into the secret (docs/DEPLOY.md)',
      ),
    KALSHI_PRIVATE_KEY_FILE: z.string().min(1).optional(),
    KALSHI_PRIVATE_KEY_SECRET_ARN: z.string().startsWith('arn:', 'must be a Secrets Manager ARN').optional(),
    KALSHI_PRIVATE_KEY_PEM: z
      .string()
      .includes('PRIVATE KEY', { message: 'must be a PEM private key' })
      .optional(),
    TABLE_NAME: z.string().min(1, 'required'),
    DYNAMODB_ENDPOINT: url(['https://', 'http://']).optional(),
    EVENT_BUS_NAME: z.string().min(1).optional(),
    SHARD_ID: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/)
      .default('0'),
    SHARD_COUNT: z
      .string()
      .regex(/^[1-9]\d{0,2}$/, 'must be a positive integer')
      .default('1'),
    TASK_ID: z.string().min(1).optional(),
    ENGINE_CONFIG: z.string().optional(),
    ENGINE_CONFIG_FILE: z.string().optional(),
    THEO_MAX_AGE_MS: z
      .string()
      .regex(/^[1-9]\d{0,9}$/, 'must be a positive integer (ms)')
      .optional(),
    // Same shape as the deploy config's stage (infra/config.ts), which the CDK app passes in.
    STAGE: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,19}$/, 'must be a stage name (lower case, as in the deploy config)')
      .default(LOCAL_STAGE),
    HEALTH_FILE: z.string().startsWith('/', 'must be an absolute path').optional(),
    // Spread/total ladders quoted (issue #17): none (default), all, or Odds API sport keys.
    LADDER_SPORTS: ladderSportsEnvSchema,
    METRICS_NAMESPACE: z
      .string()
      .regex(/^[A-Za-z0-9._/#:-]{1,255}$/, 'must be a CloudWatch namespace')
      .default(METRICS_NAMESPACE),
  })
  .refine(
    (e) =>
      [e.KALSHI_PRIVATE_KEY_FILE, e.KALSHI_PRIVATE_KEY_SECRET_ARN, e.KALSHI_PRIVATE_KEY_PEM].filter(
        (v) => v !== undefined,
      ).length === 1,
    {
      message:
        'exactly one of KALSHI_PRIVATE_KEY_FILE, KALSHI_PRIVATE_KEY_SECRET_ARN and KALSHI_PRIVATE_KEY_PEM is required',
      path: ['KALSHI_PRIVATE_KEY_FILE'],
    },
  )
  .refine(
    (e) => e.SHARD_COUNT === '1' || (/^\d+$/.test(e.SHARD_ID) && Number(e.SHARD_ID) < Number(e.SHARD_COUNT)),
    {
      message: 'with SHARD_COUNT > 1, must be a shard number below SHARD_COUNT',
      path: ['SHARD_ID'],
    },
  );

export interface WorkerEnv {
  restBaseUrl: string;
  wsUrl: string;
  keyId: string;
  privateKey: { file: string } | { secretArn: string } | { pem: string };
  tableName: string;
  dynamoEndpoint?: string;
  eventBusName?: string;
  shardId: string;
  shardCount: number;
  owner: string;
  config: EngineConfig;
  stage: string;
  metricsNamespace: string;
  healthFile?: string;
  /** Sports whose spread/total ladders are listed and quoted; empty: winners only. */
  ladderSports: LadderSports;
}

export class WorkerEnvError extends Error {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = 'WorkerEnvError';
  }
}

/** Parses the environment; throws WorkerEnvError naming the variable (or the config field). */
export function parseWorkerEnv(
  env: NodeJS.ProcessEnv,
  readFile: (p: string) => string = (p) => readFileSync(p, 'utf8'),
): WorkerEnv {
  const r = WorkerEnvSchema.safeParse(env);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new WorkerEnvError(i.path.join('.') || '(environment)', i.message);
  }
  const e = r.data;
  let rawConfig: unknown = {};
  const source = e.ENGINE_CONFIG ?? (e.ENGINE_CONFIG_FILE ? readFile(e.ENGINE_CONFIG_FILE) : undefined);
  if (source !== undefined) {
    try {
      rawConfig = JSON.parse(source);
    } catch (err) {
      throw new WorkerEnvError(
        e.ENGINE_CONFIG ? 'ENGINE_CONFIG' : 'ENGINE_CONFIG_FILE',
        `not valid JSON (${(err as Error).message})`,
      );
    }
  }
  // The deployment's theo age limit (from the poll interval) unless the engine config names its own.
  if (
    e.THEO_MAX_AGE_MS !== undefined &&
    typeof rawConfig === 'object' &&
    rawConfig !== null &&
    !Array.isArray(rawConfig) &&
    !('theoMaxAgeMs' in rawConfig)
  )
    rawConfig = { ...rawConfig, theoMaxAgeMs: Number(e.THEO_MAX_AGE_MS) };
  let config: EngineConfig;
  try {
    config = parseEngineConfig(rawConfig);
  } catch (err) {
    throw new WorkerEnvError('engine config', (err as Error).message);
  }
  const hosts = kalshiUrls(e.KALSHI_ENV, { rest: e.KALSHI_REST_URL, ws: e.KALSHI_WS_URL });
  return {
    restBaseUrl: hosts.rest,
    wsUrl: hosts.ws,
    keyId: e.KALSHI_KEY_ID,
    privateKey: e.KALSHI_PRIVATE_KEY_FILE
      ? { file: e.KALSHI_PRIVATE_KEY_FILE }
      : e.KALSHI_PRIVATE_KEY_PEM
        ? { pem: e.KALSHI_PRIVATE_KEY_PEM }
        : { secretArn: e.KALSHI_PRIVATE_KEY_SECRET_ARN! },
    tableName: e.TABLE_NAME,
    dynamoEndpoint: e.DYNAMODB_ENDPOINT,
    eventBusName: e.EVENT_BUS_NAME,
    shardId: e.SHARD_ID,
    shardCount: Number(e.SHARD_COUNT),
    owner: e.TASK_ID ?? `${hostname()}-${process.pid}`,
    config,
    stage: e.STAGE,
    metricsNamespace: e.METRICS_NAMESPACE,
    healthFile: e.HEALTH_FILE,
    ladderSports: e.LADDER_SPORTS,
  };
}
