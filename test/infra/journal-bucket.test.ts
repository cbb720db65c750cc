/**
 * The session journals' bucket in the synthesised template: private,
 * encrypted, TLS only, retained, every object expiring after the configured
 * days; each shard's task role may only put objects under its own prefix,
 * and its task is told where (JOURNAL_DIR, JOURNAL_BUCKET, JOURNAL_PREFIX).
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { cdkJsonContext } from './cdk-context.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

function synth(journal?: Record<string, unknown>) {
  const { stack } = buildApp({
    context: {
      ...cdkJsonContext(),
      'aws:cdk:bundling-stacks': [],
      kalshiMm: {
        stage: 'test',
        shards: 2,
        worker: { enabled: true },
        alarms: { email: 'ops@example.com' },
        odds: {
          pollEveryMinutes: 15,
          bookmakers: ['pinnacle'],
          sports: [{ sportKey: 'basketball_nba', priority: 1, minCredits: 0 }],
        },
        ...(journal ? { journal } : {}),
      },
    },
  });
  return Template.fromStack(stack);
}

let template: Template;
let resources: Record<string, Resource>;
beforeAll(() => {
  template = synth({ expireAfterDays: 9 });
  resources = template.toJSON().Resources as Record<string, Resource>;
}, 120_000);

const bucketId = () => {
  const ids = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::S3::Bucket');
  expect(ids).toHaveLength(1);
  return ids[0]![0];
};

describe('journal bucket', () => {
  it('is private, encrypted, retained, and expires every object after the configured days', () => {
    const id = bucketId();
    const b = resources[id]!;
    expect(b.DeletionPolicy).toBe('Retain');
    expect(b.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: {
        Rules: [
          {
            ExpirationInDays: 9,
            Status: 'Enabled',
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it("grants each shard's task role PutObject on its own prefix only, and tells the task where", () => {
    const id = bucketId();
    const s3Statements = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement)
      .filter((s) => JSON.stringify(s.Action).includes('s3:'));
    expect(s3Statements).toHaveLength(2);
    for (const [shard, s] of s3Statements.entries()) {
      expect(s).toMatchObject({ Effect: 'Allow', Action: 's3:PutObject' });
      expect(JSON.stringify(s.Resource)).toContain(id);
      expect(JSON.stringify(s.Resource)).toContain(`/shard-${shard}/*`);
    }
    for (const shard of [0, 1])
      template.hasResourceProperties('AWS::ECS::TaskDefinition', {
        ContainerDefinitions: [
          Match.objectLike({
            Environment: Match.arrayWith([
              { Name: 'SHARD_ID', Value: String(shard) },
              { Name: 'JOURNAL_DIR', Value: Match.stringLikeRegexp('/journal$') },
              { Name: 'JOURNAL_BUCKET', Value: { Ref: id } },
              { Name: 'JOURNAL_PREFIX', Value: `shard-${shard}/` },
            ]),
          }),
        ],
      });
  });

  it('is absent, with no grant and no journal variables, when the journal is disabled', () => {
    const t = synth({ enabled: false });
    t.resourceCountIs('AWS::S3::Bucket', 0);
    expect(JSON.stringify(t.toJSON())).not.toContain('JOURNAL_');
  }, 120_000);
});
