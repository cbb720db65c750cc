/**
 * Builds the CDK app: used by infra/bin/app.ts (cdk synth/deploy) and by the
 * tests, which pass context (e.g. to skip bundling) and read the stack back.
 * cdk-nag's AwsSolutions pack always runs: synth fails on any unacknowledged finding.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONTEXT_KEY, loadDeployConfig } from './config.ts';
import { KalshiMmStack } from './stack.ts';

export interface BuildAppOptions {
  context?: Record<string, unknown>;
  outdir?: string;
  /** Run cdk-nag (default true). */
  nag?: boolean;
}

export function buildApp(options: BuildAppOptions = {}): { app: App; stack: KalshiMmStack } {
  const app = new App({ context: options.context, outdir: options.outdir });
  const config = loadDeployConfig(app.node.tryGetContext(CONTEXT_KEY));
  const stack = new KalshiMmStack(app, `KalshiMm-${config.stage}`, {
    config,
    description:
      'kalshi-mm: Kalshi sports market maker (odds Lambdas, worker on Fargate, alarms, kill switch)',
    // Environment-agnostic on purpose: synth needs no credentials or lookups.
  });
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
