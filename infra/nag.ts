/**
 * cdk-nag acknowledgements, each with its reason, on the narrowest construct
 * that covers the finding. Use the exact id cdk-nag prints after "Acknowledge with".
 */
import { type CfnElement, Validations } from 'aws-cdk-lib';
import type { KalshiMmStack } from './stack.ts';

const ack = (scope: Parameters<typeof Validations.of>[0], id: string, reason: string) =>
  Validations.of(scope).acknowledge({ id, reason });

export function acknowledgeNagFindings(stack: KalshiMmStack): void {
  for (const secret of [stack.data.kalshiSecret, stack.data.oddsSecret]) {
    ack(
      secret,
      'AwsSolutions::AwsSolutions-SMG4',
      'Third-party API keys (Kalshi RSA key, The Odds API key) are issued by those services; they cannot be rotated by a Lambda. Rotation is a documented manual procedure (docs/DEPLOY.md).',
    );
  }
  for (const task of stack.worker.taskDefinitions) {
    ack(
      task,
      'AwsSolutions::AwsSolutions-ECS2',
      'Environment holds only non-secret settings (shard id, table and bus names, public Kalshi URLs); the Kalshi key comes from Secrets Manager via ECS secrets.',
    );
    ack(
      task,
      'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      'The execution role needs ecr:GetAuthorizationToken, which supports no resource scoping.',
    );
  }
  ack(
    stack.alarms.killDeadLetters,
    'AwsSolutions::AwsSolutions-SQS3',
    "This queue is itself the dead-letter queue (the kill switch's Lambda on-failure destination and its EventBridge target DLQ); it is alarmed and read by humans, never redriven.",
  );
  scheduleRoleAck(stack);
}

function scheduleRoleAck(stack: KalshiMmStack): void {
  // LambdaInvoke creates a stack-level role (id "SchedulerRoleForTarget-<hash>") allowing the
  // function and its versions (`Arn:*`).
  const fnId = stack.getLogicalId(stack.odds.poll.fn.node.defaultChild as CfnElement);
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('SchedulerRoleForTarget')) continue;
    ack(
      child,
      `AwsSolutions::AwsSolutions-IAM5[Resource::<${fnId}.Arn>:*]`,
      'EventBridge Scheduler role may invoke only the odds-poll function and its versions/aliases.',
    );
  }
}
