/**
 * A real DynamoDB (dynalite, in-memory) on a random loopback port, with the
 * project's table created from the one TABLE_SPEC. For any test that needs
 * storage:
 *
 *   const db = await startDynalite();
 *   const store = createStore(db.doc, db.tableName);
 *   ...
 *   await db.close();
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
const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;

export interface LocalDynamo {
  /** e.g. http://127.0.0.1:54321 */
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  close(): Promise<void>;
}

let inFlight = 0;

/**
 * Store requests sent and not yet answered, over every local client of this process: a test whose
 * clock is manual but whose store I/O is real waits on this, never on a fixed real-time sleep.
 */
export function storeRequestsInFlight(): number {
  return inFlight;
}

export interface LocalClientOptions {
  /** Real time added before each request is sent: a slow store, as on a loaded machine. */
  latencyMs?: number;
}

/** Client settings for a local endpoint: dummy region and credentials, no retries hiding bugs. */
export function localClient(endpoint: string, o: LocalClientOptions = {}): DynamoDBClient {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  // The document client shares this stack, so its commands are counted too.
  client.middlewareStack.add(
    (next) => async (args) => {
      inFlight++;
      try {
        if (o.latencyMs) await new Promise((r) => setTimeout(r, o.latencyMs));
        return await next(args);
      } finally {
        inFlight--;
      }
    },
    { step: 'initialize', name: 'localStoreInFlight' },
  );
  return client;
}

export async function startDynalite(
  tableName: string = TABLE_SPEC.defaultTableName,
  o: LocalClientOptions = {},
): Promise<LocalDynamo> {
  // createTableMs 0: the table is ACTIVE at once, so no waiter is needed
  // (the SDK waiter's 20 s minimum delay would otherwise stall tests).
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint, o);
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return {
    endpoint,
    client,
    doc: makeDocumentClient(client),
    tableName,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
