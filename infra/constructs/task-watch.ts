/**
 * Notices of a worker task that stopped on its own: an exit code other than 0 (a crash, a lost
 * lease, a flatten that left orders) or a failed container health check (a hung worker ECS
 * replaced). A clean stop (SIGTERM, flat, exit 0: a deploy or a deliberate pause) is not noticed.
 * Notify only: ECS starts a new task by itself; the human checks why.
 *
 * EventBridge publishes to the alarm topic as its service principal, allowed by a topic-policy
 * statement scoped to these two rules (and by the topic key's policy, alarms.ts): no extra role.
 */
import { Stack } from 'aws-cdk-lib';
import type { Cluster } from 'aws-cdk-lib/aws-ecs';
import {
  EventField,
  Match as EventMatch,
  type IRuleTarget,
  Rule,
  RuleTargetInput,
} from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface TaskWatchProps {
  stage: string;
  cluster: Cluster;
  topic: Topic;
}

export class TaskWatch extends Construct {
  readonly exitedRule: Rule;
  readonly unhealthyRule: Rule;

  constructor(scope: Construct, id: string, props: TaskWatchProps) {
    super(scope, id);
    const stopped = (detail: Record<string, unknown>) => ({
      source: ['aws.ecs'],
      detailType: ['ECS Task State Change'],
      detail: { clusterArn: [props.cluster.clusterArn], lastStatus: ['STOPPED'], ...detail },
    });
    const notify = (what: string): IRuleTarget => ({
      bind: () => ({
        arn: props.topic.topicArn,
        input: RuleTargetInput.fromText(
          `kalshi-mm-${props.stage}: worker task ${EventField.fromPath('$.detail.taskArn')} (${EventField.fromPath('$.detail.group')}) ${what}: ${EventField.fromPath('$.detail.stoppedReason')}. ECS starts a new task; check the task's log (docs/DEPLOY.md, runbook).`,
        ),
      }),
    });
    this.exitedRule = new Rule(this, 'TaskExitedNonZero', {
      description: `kalshi-mm-${props.stage}: a worker task stopped with a non-zero exit code`,
      eventPattern: stopped({ containers: { exitCode: EventMatch.anythingBut(0) } }),
      targets: [notify('exited non-zero')],
    });
    this.unhealthyRule = new Rule(this, 'TaskUnhealthy', {
      description: `kalshi-mm-${props.stage}: a worker task was stopped by its failed health check`,
      eventPattern: stopped({ stoppedReason: EventMatch.prefix('Task failed container health checks') }),
      targets: [notify('failed its health check')],
    });
    props.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowWorkerTaskNotices',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [props.topic.topicArn],
        conditions: {
          ArnEquals: { 'aws:SourceArn': [this.exitedRule.ruleArn, this.unhealthyRule.ruleArn] },
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        },
      }),
    );
  }
}
