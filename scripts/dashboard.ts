/**
 * `npm run dashboard -- --stage <stage>`: the trader's dashboard for the
 * deployed system, served on this machine (127.0.0.1) from what the workers
 * publish to DynamoDB, with the operator's AWS credentials. Kill and resume go
 * through the stage's kill-switch Lambda; pause per game through the store.
 * `--stage local` reads the paper stack's local DynamoDB (`npm start` prints
 * its endpoint) with a local stand-in for the Lambda.
 *
 * Exit codes: 0 stopped by Ctrl-C, 1 failure, 2 bad options.
 */
import { userInfo } from 'node:os';
import { z } from 'zod';
import { type CommandIo, defineCommand, runCommand, runIfEntry, UsageError } from '../shared/cli.ts';
import { type Clock, systemClock } from '../shared/clock.ts';
import { sportOfGame, storeRecordReader } from '../shared/pnl/day-report.ts';
import { makeDocumentClient } from '../shared/store/client.ts';
import { createStore } from '../shared/store/index.ts';
import { KillStore } from '../shared/store/kill.ts';
import { LeaseStore } from '../shared/store/leases.ts';
import { LiveSnapshotStore } from '../shared/store/live-snapshot.ts';
import { TABLE_SPEC } from '../shared/store/table.ts';
import { DayPnlWatch } from '../worker/cash/day-pnl-watch.ts';
import { withDayPnlPanel } from '../worker/dashboard/pnl-panel.ts';
import { type DashboardServer, newDashboardToken, startDashboard } from '../worker/dashboard/server.ts';
import { tradingDay } from '../worker/engine/day-drawdown.ts';
import {
  awsClients,
  cloudWatchAlarms,
  lambdaKillSwitch,
  resolveStage,
  STAGE_OPTION,
  STAGE_SCHEMA,
  STORE_OPTIONS,
  STORE_SCHEMA,
  storeDynamoClient,
} from './dashboard/aws.ts';
import { type KillSwitchInvoker, type RemoteDesk, remoteDesk } from './dashboard/desk.ts';
import { localKillSwitch } from './dashboard/local-kill-switch.ts';

export const DASHBOARD_COMMAND = defineCommand({
  command: 'npm run dashboard --',
  summary: "The trader's dashboard for a deployed stage (or --stage local: the paper stack), on 127.0.0.1.",
  options: {
    ...STAGE_OPTION,
    port: { type: 'string', arg: 'N', help: 'dashboard port (default 8788; 0 = any free port)' },
    host: { type: 'string', arg: 'H', help: 'bind address (default 127.0.0.1)' },
    ...STORE_OPTIONS,
    'kill-function': {
      type: 'string',
      arg: 'NAME',
      help: 'kill-switch Lambda (default: from the stage stack)',
    },
    'poll-ms': { type: 'string', arg: 'MS', help: 'how often DynamoDB is read (default 3000)' },
    'pnl-ms': {
      type: 'string',
      arg: 'MS',
      help: "how often the trading day's PnL is rebuilt from the record (default 60000; 0 = no panel)",
    },
  },
  schema: z.object({
    ...STAGE_SCHEMA,
    port: z.coerce.number().int('must be an integer').min(0).max(65_535, 'must be ≤ 65535').default(8788),
    host: z.string().min(1).default('127.0.0.1'),
    ...STORE_SCHEMA,
    'kill-function': z.string().min(1).optional(),
    'poll-ms': z.coerce.number().int('must be an integer').min(500, 'must be ≥ 500').default(3_000),
    'pnl-ms': z.coerce
      .number()
      .int('must be an integer')
      .refine((n) => n === 0 || n >= 5_000, 'must be 0 or ≥ 5000')
      .default(60_000),
  }),
  notes:
    'AWS credentials: the standard chain (AWS_PROFILE, SSO, environment). The page needs the printed token for actions.',
});
export type DashboardOptions = z.infer<typeof DASHBOARD_COMMAND.schema>;

export interface OperatorDashboard {
  server: DashboardServer;
  desk: RemoteDesk;
  token: string;
  close(): Promise<void>;
}

/** Starts the operator's dashboard; `invoker` replaces the kill-switch Lambda (tests). */
export async function startOperatorDashboard(
  opts: Omit<DashboardOptions, 'pnl-ms'> & Partial<Pick<DashboardOptions, 'pnl-ms'>>,
  deps: {
    invoker?: KillSwitchInvoker;
    now?: () => number;
    /** Paces the trading-day PnL rebuilds (default the system clock). */
    clock?: Clock;
    operator?: string;
    log?: (e: Record<string, unknown>) => void;
  } = {},
): Promise<OperatorDashboard> {
  const local = opts.stage === 'local';
  if (local && !opts.endpoint)
    throw new UsageError('--endpoint', 'is required with --stage local (npm start prints it)');
  const now = deps.now ?? Date.now;
  const operator = deps.operator ?? `${userInfo().username}@dashboard`;
  const aws = local ? null : awsClients(opts.region);
  const resolved =
    aws && (!opts.table || !opts['kill-function']) ? await resolveStage(aws.cfn, opts.stage) : null;
  const tableName = opts.table ?? resolved?.tableName ?? TABLE_SPEC.defaultTableName;
  const dynamo = storeDynamoClient({ local, region: opts.region, endpoint: opts.endpoint });
  const table = { doc: makeDocumentClient(dynamo), tableName };
  const kill = new KillStore(table);
  const invoker =
    deps.invoker ??
    (aws
      ? lambdaKillSwitch(aws.lambda, opts['kill-function'] ?? resolved!.killFunction)
      : localKillSwitch(kill, now));
  const desk = remoteDesk(
    {
      live: new LiveSnapshotStore(table),
      leases: new LeaseStore(table),
      flags: kill,
      alarms: aws ? cloudWatchAlarms(aws.cw, opts.stage) : null,
      killSwitch: invoker,
      now,
      operator,
      stage: opts.stage,
      ...(deps.log ? { log: deps.log } : {}),
    },
    opts['poll-ms'],
  );
  await desk.refresh();
  // The trading day's PnL from the stored record, as `npm run report` computes it: rebuilt only
  // while a page is open (lazy), on this machine's clock.
  const pnlMs = opts['pnl-ms'] ?? 60_000;
  const pnlDay =
    pnlMs > 0
      ? new DayPnlWatch({
          clock: deps.clock ?? systemClock,
          reader: storeRecordReader(createStore(table.doc, tableName)),
          refreshMs: pnlMs,
          dayOf: (ms) => tradingDay(ms),
          sportOf: sportOfGame,
          log: {
            info: () => {},
            warn: (event, fields) => deps.log?.({ level: 'warn', msg: event, ...fields }),
            error: (event, fields) => deps.log?.({ level: 'error', msg: event, ...fields }),
          },
          lazy: true,
        })
      : null;
  const token = newDashboardToken();
  const server = await startDashboard({
    source: pnlDay ? withDayPnlPanel(desk, pnlDay) : desk,
    actions: desk,
    token,
    host: opts.host,
    port: opts.port,
    ...(deps.log ? { log: deps.log } : {}),
  });
  return {
    server,
    desk,
    token,
    async close() {
      desk.close();
      pnlDay?.stop();
      await pnlDay?.idle();
      await server.close();
      dynamo.destroy();
    },
  };
}

export function main(
  argv: readonly string[],
  io: CommandIo & { onSignal?: (h: () => void) => void },
): Promise<number> {
  return runCommand(DASHBOARD_COMMAND, argv, io, async (opts) => {
    const log = (e: Record<string, unknown>) => {
      if (e.level === 'warn' || e.level === 'error') io.err.write(`${JSON.stringify(e)}\n`);
    };
    const dash = await startOperatorDashboard(opts, { log });
    io.out.write(
      [
        `kalshi-mm dashboard — stage ${opts.stage}`,
        `dashboard: ${dash.server.url}#token=${dash.token}`,
        `action token (kill, pause, resume): ${dash.token}`,
        'Ctrl-C: stop the dashboard (trading is not affected)',
        '',
      ].join('\n'),
    );
    await new Promise<void>((resolve) => {
      if (io.onSignal) io.onSignal(resolve);
      else {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }
    });
    await dash.close();
    return 0;
  });
}

runIfEntry(import.meta.url, main);
