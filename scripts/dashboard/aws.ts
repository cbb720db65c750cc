/**
 * The AWS side of the operator's dashboard, with the operator's credentials:
 * the stage's table and kill-switch Lambda found from its CloudFormation stack
 * (`KalshiMm-<stage>`), the open alarms (CloudWatch DescribeAlarms), and the
 * kill switch invoked as a person would (synchronously, so a refusal shows).
 */
import { CloudFormationClient, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { z } from 'zod';
import type { OptionSpec } from '../../shared/cli.ts';
import type { KillSwitchInvoker, OpenAlarm } from './desk.ts';

/**
 * Where a command finds a stage's store (the dashboard, the report): `--stage` and its schema, and
 * the overrides `--region`, `--endpoint`, `--table`. Two records so each command keeps its own
 * order of options in --help.
 */
export const STAGE_OPTION = {
  stage: {
    type: 'string',
    arg: 'STAGE',
    help: 'deployed stage (e.g. prod), or "local" for the paper stack',
  },
} as const satisfies Record<string, OptionSpec>;

export const STORE_OPTIONS = {
  region: { type: 'string', arg: 'R', help: 'AWS region (default: the SDK default chain)' },
  endpoint: {
    type: 'string',
    arg: 'URL',
    help: 'DynamoDB endpoint (--stage local: the one `npm start` prints)',
  },
  table: {
    type: 'string',
    arg: 'NAME',
    help: 'table name (default: from the stage stack; local: kalshi-mm)',
  },
} as const satisfies Record<string, OptionSpec>;

export const STAGE_SCHEMA = {
  stage: z
    .string({ message: 'is required (a deployed stage, or "local")' })
    .regex(/^[a-z0-9-]{1,32}$/, 'must be a stage name like prod'),
};

export const STORE_SCHEMA = {
  region: z.string().min(1).optional(),
  endpoint: z.url({ message: 'must be a URL like http://127.0.0.1:8000' }).optional(),
  table: z.string().min(3).optional(),
};

export const stackNameOf = (stage: string) => `KalshiMm-${stage}`;
/** Every alarm of a stage starts with this (infra/constructs/alarms.ts). */
export const alarmPrefixOf = (stage: string) => `kalshi-mm-${stage}-`;

/** The stage's table name and kill-switch function name, from its stack's resources. */
export async function resolveStage(
  cfn: Pick<CloudFormationClient, 'send'>,
  stage: string,
): Promise<{ tableName: string; killFunction: string }> {
  const out = await cfn.send(new DescribeStackResourcesCommand({ StackName: stackNameOf(stage) }));
  const resources = out.StackResources ?? [];
  const table = resources.find(
    (r) => r.ResourceType === 'AWS::DynamoDB::GlobalTable' || r.ResourceType === 'AWS::DynamoDB::Table',
  );
  const kill = resources.find(
    (r) => r.ResourceType === 'AWS::Lambda::Function' && /KillSwitch/.test(r.LogicalResourceId ?? ''),
  );
  if (!table?.PhysicalResourceId) throw new Error(`stack ${stackNameOf(stage)} has no DynamoDB table`);
  if (!kill?.PhysicalResourceId) throw new Error(`stack ${stackNameOf(stage)} has no kill-switch function`);
  return { tableName: table.PhysicalResourceId, killFunction: kill.PhysicalResourceId };
}

/** The stage's alarms now in ALARM. */
export function cloudWatchAlarms(
  cw: Pick<CloudWatchClient, 'send'>,
  stage: string,
): () => Promise<OpenAlarm[]> {
  return async () => {
    const open: OpenAlarm[] = [];
    let token: string | undefined;
    do {
      const page = await cw.send(
        new DescribeAlarmsCommand({
          AlarmNamePrefix: alarmPrefixOf(stage),
          StateValue: 'ALARM',
          NextToken: token,
        }),
      );
      for (const a of page.MetricAlarms ?? [])
        open.push({
          name: a.AlarmName ?? '?',
          reason: a.StateReason ?? '',
          since: a.StateUpdatedTimestamp?.getTime() ?? 0,
        });
      token = page.NextToken;
    } while (token);
    return open;
  };
}

/** Invokes the kill-switch Lambda and waits for its answer; a function error is thrown with its message. */
export function lambdaKillSwitch(
  lambda: Pick<LambdaClient, 'send'>,
  functionName: string,
): KillSwitchInvoker {
  return async (request) => {
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(request)),
      }),
    );
    if (out.FunctionError) {
      const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
      let message = text;
      try {
        message = (JSON.parse(text) as { errorMessage?: string }).errorMessage ?? text;
      } catch {
        // not JSON: show it as it came
      }
      throw new Error(`kill switch ${request.action} failed: ${message.slice(0, 300)}`);
    }
  };
}

/**
 * The DynamoDB client for STORE_OPTIONS: `--stage local` talks to the paper stack's DynamoDB at
 * `endpoint` with dummy credentials; a deployed stage uses the operator's credentials chain.
 */
export function storeDynamoClient(o: { local: boolean; region?: string; endpoint?: string }): DynamoDBClient {
  return new DynamoDBClient(
    o.local
      ? {
          endpoint: o.endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {
          ...(o.region ? { region: o.region } : {}),
          ...(o.endpoint ? { endpoint: o.endpoint } : {}),
        },
  );
}

export function awsClients(region: string | undefined) {
  const cfg = region ? { region } : {};
  return { cfn: new CloudFormationClient(cfg), cw: new CloudWatchClient(cfg), lambda: new LambdaClient(cfg) };
}
