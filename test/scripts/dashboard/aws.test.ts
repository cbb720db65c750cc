/**
 * The operator dashboard's AWS calls, against mocked AWS (only AWS is mocked):
 * the stage's table and kill-switch function from its stack, open alarms of
 * the stage only (paged), the kill switch invoked synchronously with the
 * Lambda's own request shape and its refusal surfaced.
 */
import { CloudFormationClient, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { manualClearSchema, manualKillSchema } from '../../../functions/kill-switch.ts';
import { cloudWatchAlarms, lambdaKillSwitch, resolveStage } from '../../../scripts/dashboard/aws.ts';

describe('operator dashboard AWS adapters', () => {
  it('resolves the stage table and kill-switch function from the KalshiMm-<stage> stack', async () => {
    const cfn = mockClient(CloudFormationClient);
    cfn.on(DescribeStackResourcesCommand, { StackName: 'KalshiMm-prod' }).resolves({
      StackResources: [
        {
          LogicalResourceId: 'OddsPollFnABC',
          ResourceType: 'AWS::Lambda::Function',
          PhysicalResourceId: 'odds-fn',
          Timestamp: new Date(),
          ResourceStatus: 'CREATE_COMPLETE',
        },
        {
          LogicalResourceId: 'AlarmsKillSwitchFnDEF',
          ResourceType: 'AWS::Lambda::Function',
          PhysicalResourceId: 'kill-fn',
          Timestamp: new Date(),
          ResourceStatus: 'CREATE_COMPLETE',
        },
        {
          LogicalResourceId: 'DataTable123',
          ResourceType: 'AWS::DynamoDB::GlobalTable',
          PhysicalResourceId: 'KalshiMm-prod-Table-XYZ',
          Timestamp: new Date(),
          ResourceStatus: 'CREATE_COMPLETE',
        },
      ],
    });
    await expect(resolveStage(new CloudFormationClient({ region: 'us-east-1' }), 'prod')).resolves.toEqual({
      tableName: 'KalshiMm-prod-Table-XYZ',
      killFunction: 'kill-fn',
    });
    cfn.on(DescribeStackResourcesCommand, { StackName: 'KalshiMm-dev' }).resolves({ StackResources: [] });
    await expect(resolveStage(new CloudFormationClient({ region: 'us-east-1' }), 'dev')).rejects.toThrow(
      /no DynamoDB table/,
    );
    cfn.restore();
  });

  it('lists the stage alarms in ALARM, following pages', async () => {
    const cw = mockClient(CloudWatchClient);
    cw.on(DescribeAlarmsCommand, {
      AlarmNamePrefix: 'kalshi-mm-prod-',
      StateValue: 'ALARM',
      NextToken: undefined,
    })
      .resolves({
        MetricAlarms: [
          {
            AlarmName: 'kalshi-mm-prod-STOP-shard0-heartbeat-missing',
            StateReason: 'no data',
            StateUpdatedTimestamp: new Date(1_000),
          },
        ],
        NextToken: 'p2',
      })
      .on(DescribeAlarmsCommand, { NextToken: 'p2' })
      .resolves({
        MetricAlarms: [
          {
            AlarmName: 'kalshi-mm-prod-theo-stale',
            StateReason: 'stale',
            StateUpdatedTimestamp: new Date(2_000),
          },
        ],
      });
    const open = await cloudWatchAlarms(new CloudWatchClient({ region: 'us-east-1' }), 'prod')();
    expect(open).toEqual([
      { name: 'kalshi-mm-prod-STOP-shard0-heartbeat-missing', reason: 'no data', since: 1_000 },
      { name: 'kalshi-mm-prod-theo-stale', reason: 'stale', since: 2_000 },
    ]);
    cw.restore();
  });

  it('invokes the kill switch synchronously with a payload the Lambda accepts; a function error is thrown', async () => {
    const lambda = mockClient(LambdaClient);
    const payloads: unknown[] = [];
    lambda
      .on(InvokeCommand)
      .callsFake((input: { Payload: Uint8Array; InvocationType: string; FunctionName: string }) => {
        expect(input.InvocationType).toBe('RequestResponse');
        expect(input.FunctionName).toBe('kill-fn');
        payloads.push(JSON.parse(new TextDecoder().decode(input.Payload)));
        return { StatusCode: 200 };
      });
    const invoke = lambdaKillSwitch(new LambdaClient({ region: 'us-east-1' }), 'kill-fn');
    await invoke({ action: 'kill', reason: 'dashboard: test', requestedBy: 'alice' });
    await invoke({ action: 'clear', requestedBy: 'alice', confirm: 'RESUME-TRADING' });
    expect(manualKillSchema.parse(payloads[0])).toEqual({
      action: 'kill',
      reason: 'dashboard: test',
      requestedBy: 'alice',
    });
    expect(manualClearSchema.parse(payloads[1]).confirm).toBe('RESUME-TRADING');

    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: new TextEncoder().encode(JSON.stringify({ errorMessage: '3 orders still rest' })) as never,
    });
    await expect(invoke({ action: 'kill', reason: 'x', requestedBy: 'alice' })).rejects.toThrow(
      /kill switch kill failed: 3 orders still rest/,
    );
    lambda.restore();
  });
});
