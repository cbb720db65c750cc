/**
 * Paper mode's DynamoDB: dynalite in memory on a loopback port, with the one
 * project table created from the shared TABLE_SPEC (the same spec CDK deploys).
 *
 * Closing is ordered: dynalite throws an uncaught "Database is closed" (it kills
 * the process) when a request it is handling reaches its database after close.
 * So `close()` first refuses new writes (counted, with a clear error), waits for
 * the requests already sent to be answered, and only then closes the database.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
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
  /** Requests the local DynamoDB has received and not yet answered. */
  requestsInFlight(): number;
  /** Requests refused because the store was closing (a write after the paper stack stopped). */
  refusedWhileClosing(): number;
  /** Refuses new requests, lets those in flight finish (bounded), then closes; idempotent. */
  close(): Promise<void>;
}

/** The error a request gets once the paper store is closing: the SDK's name for a store that is down. */
export class PaperStoreClosingError extends Error {
  override readonly name = 'ServiceUnavailable';
  constructor() {
    super('the paper stack local DynamoDB is closing: request refused');
  }
}

/** Real ms a close waits for requests in flight before closing anyway (a hung request must not hang the stop). */
const CLOSE_DRAIN_MS = 10_000;

/** A count of requests in flight, with a promise for the moment it is back to zero. */
function inFlightCounter() {
  let n = 0;
  let waiters: (() => void)[] = [];
  return {
    get: () => n,
    enter: () => {
      n++;
    },
    leave: () => {
      n--;
      if (n === 0) for (const w of waiters.splice(0)) w();
    },
    drained: () => (n === 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
    reset: () => {
      waiters = [];
    },
  };
}

async function drainedWithin(drained: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([drained, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

export async function startPaperDynamo(
  tableName: string = TABLE_SPEC.defaultTableName,
  /** Told once closed if requests were refused: a writer that outlived the stop (a bug to find, not a crash). */
  log: (entry: Record<string, unknown>) => void = () => {},
): Promise<PaperDynamo> {
  const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;
  // Tables become ACTIVE at once: no waiter (whose minimum delay is 20 s).
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const sent = inFlightCounter();
  const received = inFlightCounter();
  let clientClosing = false;
  let serverClosing = false;
  let refused = 0;
  // In front of dynalite's handler: count what it is handling; refuse what arrives once closing.
  const [handle] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (!handle) throw new Error('dynalite server without a request handler');
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (serverClosing) {
      refused++;
      req.resume();
      res.writeHead(503, { 'Content-Type': 'application/x-amz-json-1.0', Connection: 'close' });
      res.end(
        JSON.stringify({ __type: 'ServiceUnavailable', message: new PaperStoreClosingError().message }),
      );
      return;
    }
    received.enter();
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      received.leave();
    };
    // Answered (dynalite calls end once its action is done), or the connection went away unanswered.
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      const r = end(...args);
      leave();
      return r;
    }) as ServerResponse['end'];
    res.once('close', leave);
    handle(req, res);
  });
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
  // Our own client refuses a send once closing, and counts sends until answered (retries included).
  client.middlewareStack.add(
    (next) => async (args) => {
      if (clientClosing) {
        refused++;
        throw new PaperStoreClosingError();
      }
      sent.enter();
      try {
        return await next(args);
      } finally {
        sent.leave();
      }
    },
    { step: 'initialize', name: 'paperStoreClosing' },
  );
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  let closing: Promise<void> | null = null;
  return {
    endpoint,
    client,
    doc: makeDocumentClient(client),
    tableName,
    requestsInFlight: () => received.get(),
    refusedWhileClosing: () => refused,
    close() {
      closing ??= (async () => {
        // Writes already sent are answered before anything closes; new ones are refused.
        clientClosing = true;
        await drainedWithin(sent.drained(), CLOSE_DRAIN_MS);
        // Other clients (a dashboard reading the endpoint): refused from now; those being handled finish.
        serverClosing = true;
        await drainedWithin(received.drained(), CLOSE_DRAIN_MS);
        sent.reset();
        received.reset();
        client.destroy();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        if (refused > 0)
          log({ level: 'warn', msg: 'store requests refused at shutdown', refused, tableName });
      })();
      return closing;
    },
  };
}
