/**
 * Paper mode's DynamoDB: dynalite in memory on a loopback port, with the one
 * project table created from the shared TABLE_SPEC (the same spec CDK deploys).
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDocumentClient } from '../../shared/store/client.ts';
import { createTableInput, TABLE_SPEC } from '../../shared/store/table.ts';

type DynaliteFactory = (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

export interface PaperDynamo {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  close(): Promise<void>;
}

export async function startPaperDynamo(
  tableName: string = TABLE_SPEC.defaultTableName,
): Promise<PaperDynamo> {
  const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;
  // Tables become ACTIVE at once: no waiter (whose minimum delay is 20 s).
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'paper', secretAccessKey: 'paper' },
    maxAttempts: 2,
  });
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return {
    endpoint,
    client,
    doc: makeDocumentClient(client),
    tableName,
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}
