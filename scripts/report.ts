/**
 * `npm run report -- --day YYYY-MM-DD --stage <stage>`: the trading day's PnL from the stored
 * record — realised per sport and per game including the settlement wave and fees, the day's
 * drawdown, open positions — written as JSON and HTML (docs/TRADER-NUMBERS.md). `--stage local`
 * reads the paper stack's local DynamoDB (`npm start` prints its endpoint).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { type CommandIo, defineCommand, runCommand, runIfEntry, UsageError } from '../shared/cli.ts';
import {
  buildDayReport,
  type DayReport,
  daysFrom,
  MAX_CALIBRATION_DAYS,
  sportOfGame,
  storeRecordReader,
} from '../shared/pnl/day-report.ts';
import { dayReportHtml } from '../shared/pnl/report-html.ts';
import { makeDocumentClient } from '../shared/store/client.ts';
import { createStore, type Store } from '../shared/store/index.ts';
import { TABLE_SPEC } from '../shared/store/table.ts';
import { tradingDay } from '../worker/engine/day-drawdown.ts';
import {
  awsClients,
  resolveStage,
  STAGE_OPTION,
  STAGE_SCHEMA,
  STORE_OPTIONS,
  STORE_SCHEMA,
  storeDynamoClient,
} from './dashboard/aws.ts';

export const REPORT_COMMAND = defineCommand({
  command: 'npm run report --',
  summary: "A trading day's PnL from the stored record (fills and settlements), as JSON and HTML.",
  options: {
    day: { type: 'string', arg: 'YYYY-MM-DD', help: 'the trading day (it starts at 10:00 UTC)' },
    ...STAGE_OPTION,
    out: { type: 'string', arg: 'DIR', help: 'where pnl-<day>.json and .html go (default reports/)' },
    since: {
      type: 'string',
      arg: 'YYYY-MM-DD',
      help: 'the calibration table covers the trading days from this one to --day (default --day alone; at most 92 days)',
    },
    ...STORE_OPTIONS,
  },
  schema: z
    .object({
      day: z
        .string({ message: 'is required (YYYY-MM-DD)' })
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-11-25')
        .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'is not a calendar date'),
      ...STAGE_SCHEMA,
      out: z.string().min(1).default('reports'),
      since: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-11-01')
        .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'is not a calendar date')
        .optional(),
      ...STORE_SCHEMA,
    })
    .refine((o) => o.since === undefined || o.since <= o.day, {
      message: 'must not be after --day',
      path: ['since'],
    })
    .refine((o) => o.since === undefined || daysFrom(o.since, o.day).length <= MAX_CALIBRATION_DAYS, {
      message: `covers at most ${MAX_CALIBRATION_DAYS} days`,
      path: ['since'],
    }),
  notes: 'AWS credentials: the standard chain (AWS_PROFILE, SSO, environment). Reads only.',
});
export type ReportOptions = z.infer<typeof REPORT_COMMAND.schema>;

/** The day's report from `store`, written to `outDir`; returns it and the two paths. */
export async function writeDayReport(
  store: Store,
  day: string,
  outDir: string,
  now: number,
  /** The calibration covers the trading days from this one to `day`. */
  since?: string,
): Promise<{ report: DayReport; json: string; html: string }> {
  const report = await buildDayReport(storeRecordReader(store), day, {
    dayOf: (ms) => tradingDay(ms),
    sportOf: sportOfGame,
    ...(since === undefined ? {} : { calibrationSince: since }),
    now,
  });
  mkdirSync(outDir, { recursive: true });
  const json = join(outDir, `pnl-${day}.json`);
  const html = join(outDir, `pnl-${day}.html`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(html, dayReportHtml(report));
  return { report, json, html };
}

const usd = (m: number) => `${m < 0 ? '-' : ''}$${(Math.abs(m) / 1_000_000).toFixed(2)}`;

export function main(argv: readonly string[], io: CommandIo): Promise<number> {
  return runCommand(REPORT_COMMAND, argv, io, async (opts) => {
    const local = opts.stage === 'local';
    if (local && !opts.endpoint)
      throw new UsageError('--endpoint', 'is required with --stage local (npm start prints it)');
    const tableName =
      opts.table ??
      (local
        ? TABLE_SPEC.defaultTableName
        : (await resolveStage(awsClients(opts.region).cfn, opts.stage)).tableName);
    const dynamo = storeDynamoClient({ local, region: opts.region, endpoint: opts.endpoint });
    try {
      const store = createStore(makeDocumentClient(dynamo), tableName);
      const { report, json, html } = await writeDayReport(
        store,
        opts.day,
        resolve(opts.out),
        Date.now(),
        opts.since,
      );
      io.out.write(
        [
          `trading day ${report.day}: realised ${usd(report.realised)} (trades ${usd(report.trades)}, settlements ${usd(report.settlements)}, fees ${usd(report.fees)}), drawdown ${usd(report.drawdown)}, ${report.counts.games} games, ${report.counts.fills} fills, ${report.counts.settlements} settlements, ${report.open.length} open positions${report.open.length > 0 ? ` marked ${usd(report.marked)} at theo` : ''}${report.unpriced > 0 ? ` (${report.unpriced} without a theo)` : ''}`,
          `json: ${json}`,
          `html: ${html}`,
          '',
        ].join('\n'),
      );
      return 0;
    } finally {
      dynamo.destroy();
    }
  });
}

runIfEntry(import.meta.url, main);
