/**
 * Notices of a worker task that stopped on its own: an exit code other than 0 (a crash, a lost
 * lease, a flatten that left orders) or a failed container health check (a hung worker ECS
 * replaced). A clean stop (SIGTERM, flat, exit 0: a deploy or a deliberate pause) is not noticed.
 * Notify only: ECS starts a new task by itself; the human checks why. EventBridge publishes with
 * a role of its own (publish to this topic, use of its key), so the topic policy stays as narrow as
 * CloudWatch's one statement.
 */
import type { Cluster } from 'aws-cdk-lib/aws-ecs';
import { EventField, Match as EventMatch, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
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
    const message = (what: string) =>
      RuleTargetInput.fromText(
        `kalshi-mm-${props.stage}: worker task ${EventField.fromPath('$.detail.taskArn')} (${EventField.fromPath('$.detail.group')}) ${what}: ${EventField.fromPath('$.detail.stoppedReason')}. ECS starts a new task; check the task's log (docs/DEPLOY.md, runbook).`,
      );
    this.exitedRule = new Rule(this, 'TaskExitedNonZero', {
      description: `kalshi-mm-${props.stage}: a worker task stopped with a non-zero exit code`,
      eventPattern: stopped({ containers: { exitCode: EventMatch.anythingBut(0) } }),
      targets: [new SnsTopic(props.topic, { message: message('exited non-zero'), authorizeUsingRole: true })],
    });
    this.unhealthyRule = new Rule(this, 'TaskUnhealthy', {
      description: `kalshi-mm-${props.stage}: a worker task was stopped by its failed health check`,
      eventPattern: stopped({ stoppedReason: EventMatch.prefix('Task failed container health checks') }),
      targets: [
        new SnsTopic(props.topic, { message: message('failed its health check'), authorizeUsingRole: true }),
      ],
    });
  }
}
