/**
 * The table (from the one TABLE_SPEC) and the two API secrets. The secrets
 * are created empty-ish; an operator puts the real values in after the first
 * deploy (docs/DEPLOY.md). Nothing secret ever appears in the template.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, type ITableV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { TABLE_SPEC } from '../../shared/store/table.ts';

/** keyId of the Kalshi secret until an operator puts the real key in; the worker refuses it. */
export const KALSHI_KEY_PLACEHOLDER = 'SET-ME';

export interface DataProps {
  /** Existing resources to use instead of creating them (deploy config `adopt`). */
  adopt?: { tableName?: string; kalshiSecretArn?: string; oddsSecretArn?: string };
}

export class Data extends Construct {
  readonly table: ITableV2;
  /** JSON `{ "keyId": "...", "privateKeyPem": "-----BEGIN PRIVATE KEY-----..." }`. */
  readonly kalshiSecret: ISecret;
  /** The Odds API key as plain text. */
  readonly oddsSecret: ISecret;

  constructor(scope: Construct, id: string, props: DataProps = {}) {
    super(scope, id);
    const adopt = props.adopt ?? {};
    // Adopted resources keep their own settings (deletion protection, PITR, retention).
    this.table = adopt.tableName ? TableV2.fromTableName(this, 'Table', adopt.tableName) : this.newTable();
    this.kalshiSecret = adopt.kalshiSecretArn
      ? Secret.fromSecretCompleteArn(this, 'KalshiApiKey', adopt.kalshiSecretArn)
      : new Secret(this, 'KalshiApiKey', {
          description: 'Kalshi API key: JSON {"keyId": "...", "privateKeyPem": "..."} (set after deploy)',
          generateSecretString: {
            secretStringTemplate: JSON.stringify({ keyId: KALSHI_KEY_PLACEHOLDER }),
            generateStringKey: 'privateKeyPem',
          },
          removalPolicy: RemovalPolicy.RETAIN,
        });
    this.oddsSecret = adopt.oddsSecretArn
      ? Secret.fromSecretCompleteArn(this, 'OddsApiKey', adopt.oddsSecretArn)
      : new Secret(this, 'OddsApiKey', {
          description: 'The Odds API key, plain text (set after deploy)',
          removalPolicy: RemovalPolicy.RETAIN,
        });
  }

  private newTable(): TableV2 {
    return new TableV2(this, 'Table', {
      partitionKey: { name: TABLE_SPEC.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_SPEC.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      timeToLiveAttribute: TABLE_SPEC.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      // Fills and the audit trail are the books of record: never deleted with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: TABLE_SPEC.indexes.map((i) => ({
        indexName: i.indexName,
        partitionKey: { name: i.partitionKey, type: AttributeType.STRING },
        sortKey: { name: i.sortKey, type: AttributeType.STRING },
      })),
    });
  }
}
