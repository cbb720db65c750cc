/**
 * Least-privilege DynamoDB grants: each principal may touch only the record
 * kinds it owns, enforced by `dynamodb:LeadingKeys` on the partition-key prefix.
 */
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';

export type DynamoAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'Query' | 'BatchGetItem' | 'DeleteItem';

export function grantItems(
  grantee: IGrantable,
  table: ITableV2,
  actions: readonly DynamoAction[],
  keyPrefixes: readonly string[],
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: actions.map((a) => `dynamodb:${a}`),
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keyPrefixes.map((p) => `${p}*`) } },
    }),
  );
}

/** Query on the GSI (its partition keys are the gsi1pk prefixes). */
export function grantIndexQuery(
  grantee: IGrantable,
  table: ITableV2,
  indexName: string,
  keyPrefixes: readonly string[],
) {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: [`${table.tableArn}/index/${indexName}`],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keyPrefixes.map((p) => `${p}*`) } },
    }),
  );
}
