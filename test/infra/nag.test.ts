/**
 * cdk-nag 3 (AwsSolutions) is a synth gate: the app synthesises only when every
 * finding is fixed or acknowledged with a reason. The negative test proves the
 * gate is live (an acknowledgement typo would otherwise pass silently).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { cdkJsonContext } from './cdk-context.ts';

const dirs: string[] = [];
const outdir = () => {
  const d = mkdtempSync(join(tmpdir(), 'kalshi-mm-nag-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const context = { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] };

describe('cdk-nag AwsSolutions', () => {
  // A whole-app synth: about 30 s of CPU at load 30 (the integration run timed it out at vitest's 30 s).
  it('the app synthesises with every finding fixed or acknowledged', () => {
    const { app } = buildApp({ context, outdir: outdir() });
    expect(() => app.synth()).not.toThrow();
  }, 90_000);

  // A whole-app synth, as above.
  it('an unacknowledged finding fails the synth, naming the rule', () => {
    const dir = outdir();
    const { app, stack } = buildApp({ context, outdir: dir });
    new Topic(stack, 'PlainTopic'); // no SSL enforcement, no encryption
    let message = '';
    try {
      app.synth();
    } catch (err) {
      message = String((err as Error).message);
    }
    // The message is either the printed report or a pointer to the report file.
    expect(message).toMatch(/AwsSolutions-SNS3|validation-report\.json/);
    const report = JSON.parse(readFileSync(join(dir, 'validation-report.json'), 'utf8')) as {
      pluginReports: {
        violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
      }[];
    };
    const violations = report.pluginReports.flatMap((r) =>
      r.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} ${c.constructPath}`)),
    );
    expect(violations).toContain('AwsSolutions-SNS3 KalshiMm-prod/PlainTopic/Resource');
    // Nothing else fails: the only violations are the planted topic's.
    for (const v of violations) expect(v).toContain('/PlainTopic/');
  }, 90_000);
});
