/**
 * The one DynamoDB table, described once as plain data. The CDK app, the
 * dynalite test helper and local paper mode all build their table from this
 * spec, so key names and indexes cannot drift between them.
 *
 * Single-table design: every record kind has its own `pk` prefix (see keys.ts
 * and docs/DYNAMODB.md). One GSI serves the "list by game / sport / time"
 * reads. `ttl` (epoch seconds) expires journal records; lease items never get
 * a `ttl`, because deleting one would reset its fencing-token counter.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const TABLE_SPEC = {
  /** Default physical name (paper mode, tests); CDK lets CloudFormation name it. */
  defaultTableName: 'kalshi-mm',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
  indexes: [{ indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
} as const;

export const GSI1 = TABLE_SPEC.indexes[0].indexName;

/** The CreateTable request for the SDK (dynalite tests, local paper mode). */
export function createTableInput(tableName: string = TABLE_SPEC.defaultTableName): CreateTableCommandInput {
  const keyAttrs = [
    TABLE_SPEC.partitionKey,
    TABLE_SPEC.sortKey,
    ...TABLE_SPEC.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyAttrs.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: TABLE_SPEC.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_SPEC.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: TABLE_SPEC.indexes.map((i) => ({
      IndexName: i.indexName,
      KeySchema: [
        { AttributeName: i.partitionKey, KeyType: 'HASH' },
        { AttributeName: i.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}

/** Epoch seconds for the `ttl` attribute, `days` after `now` (ms). */
export function ttlAfter(now: number, days: number): number {
  return Math.floor(now / 1000) + Math.round(days * 86_400);
}
