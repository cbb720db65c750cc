/**
 * The active tournament keys record (ODDSKEYS#): the odds poll may write it,
 * the worker may only read it.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { cdkJsonContext } from './cdk-context.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
let resources: Record<string, Resource>;

beforeAll(() => {
  const { stack } = buildApp({
    context: {
      ...cdkJsonContext(),
      'aws:cdk:bundling-stacks': [],
      kalshiMm: {
        stage: 'test',
        worker: { enabled: true },
        alarms: { email: 'ops@example.com' },
        odds: {
          pollEveryMinutes: 15,
          bookmakers: ['pinnacle'],
          sports: [{ sportKey: 'atp', priority: 1, minCredits: 0 }],
        },
      },
    },
  });
  resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
});

const statements = () =>
  Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((p) => (p.Properties['PolicyDocument'] as { Statement: unknown[] }).Statement)
    .map((s) => JSON.stringify(s))
    .filter((s) => s.includes('ODDSKEYS#'));

describe('active odds keys grants', () => {
  it('odds-poll puts ODDSKEYS# items and the worker gets them, nothing else touches them', () => {
    const found = statements();
    expect(found.some((s) => s.includes('"Action":"dynamodb:PutItem"'))).toBe(true);
    expect(found.some((s) => s.includes('"Action":"dynamodb:GetItem"'))).toBe(true);
    expect(found.every((s) => /"Action":"dynamodb:(PutItem|GetItem)"/.test(s))).toBe(true);
  });
});
