/**
 * The session journals' bucket (worker/journal/, docs/DEPLOY.md): each
 * worker task uploads its closed journal segments under its shard's prefix,
 * for `npm run replay -- --journal DIR` after a download. Private, encrypted,
 * TLS only, and every object expires after `expireAfterDays` (a journal is
 * for replaying recent trading days, not an archive). A task may only put
 * objects under its own prefix: it can neither read nor delete a journal.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface JournalBucketProps {
  /** Days a journal segment is kept. */
  expireAfterDays: number;
}

/** The prefix of shard `n`'s segments (JOURNAL_PREFIX of its task). */
export const journalPrefix = (shard: number): string => `shard-${shard}/`;

export class JournalBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: JournalBucketProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [
        {
          id: 'expire-journals',
          expiration: Duration.days(props.expireAfterDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // Journals of past trading days survive a stack deletion (they expire on their own).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason:
        'Only the worker task roles write here (PutObject under their own prefix) and the objects expire: access logs would be a second, larger copy of nothing worth auditing; CloudTrail covers the bucket API.',
    });
  }

  /** PutObject under `prefix` only. */
  grantPut(role: IRole, prefix: string): void {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${prefix}*`)],
      }),
    );
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    Validations.of(role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
      reason: "Object keys under the shard's own prefix: a task can only add segments to its own journal.",
    });
  }
}
