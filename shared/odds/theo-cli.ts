/**
 * `npm run theo -- [--as-of ISO-TIME] [--method shin|power|multiplicative] FILE [FILE...]`
 *
 * Reads saved Odds API odds responses (an `/odds` array or one `/events/{id}/odds`
 * object; decimal or American prices, detected per file) and prints one JSON
 * document with the theo of every event judged at `--as-of` (default: now).
 * Exit codes: 0 ok, 2 usage error or malformed file (message on stderr).
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { defineCommand, readCommandLine, runIfEntry, usageOf } from '../cli.ts';
import { strikeReport } from '../pricing/strike-report.ts';
import {
  computeTheos,
  DEFAULT_THEO_CONFIG,
  detectOddsFormat,
  type OddsFormat,
  probabilityToCents,
  probabilityToMicros,
  type TheoResult,
  type TheoSummary,
} from './aggregate.ts';
import { DEVIG_METHODS, type DevigMethod } from './devig.ts';
import { describeZodError, type EventOdds, EventOddsSchema, OddsResponseSchema } from './schemas.ts';

export const THEO_COMMAND = defineCommand({
  command: 'npm run theo --',
  summary: 'Saved Odds API responses → the theo of every event, with the books used and dropped.',
  options: {
    'as-of': {
      type: 'string',
      arg: 'ISO-TIME',
      help: 'judge line age at this time (default now), e.g. 2026-01-20T18:15:00Z',
    },
    method: {
      type: 'string',
      arg: 'M',
      help: `de-vig method: ${DEVIG_METHODS.join(', ')} (default ${DEFAULT_THEO_CONFIG.method})`,
    },
  },
  positionals: { usage: 'FILE...', help: 'saved /odds or /events/{id}/odds responses' },
  schema: z.object({
    'as-of': z.iso
      .datetime({ offset: true, message: 'is not an ISO 8601 date-time (e.g. 2026-01-20T18:15:00Z)' })
      .transform((v) => Date.parse(v))
      .optional(),
    method: z
      .enum(DEVIG_METHODS, { message: `must be one of ${DEVIG_METHODS.join(', ')}` })
      .default(DEFAULT_THEO_CONFIG.method),
    positionals: z.array(z.string()).min(1, 'no input FILE given'),
  }),
});
export const USAGE = usageOf(THEO_COMMAND);

export interface CliIo {
  readFile(path: string): string;
  now(): number;
  stdout(text: string): void;
  stderr(text: string): void;
}

interface Args {
  asOf: number | null;
  method: DevigMethod;
  files: string[];
}

class FileError extends Error {}

/** One saved response → its events. Throws FileError with the file name and the offending field. */
function readEvents(path: string, io: CliIo): EventOdds[] {
  let text: string;
  try {
    text = io.readFile(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new FileError(`${path}: cannot read file${code ? ` (${code})` : ''}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FileError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
  const parsed = Array.isArray(json) ? OddsResponseSchema.safeParse(json) : EventOddsSchema.safeParse(json);
  if (!parsed.success) {
    throw new FileError(`${path}: not an Odds API odds response: ${describeZodError(parsed.error)}`);
  }
  return Array.isArray(parsed.data) ? parsed.data : [parsed.data];
}

function present(r: TheoResult, file: string, oddsFormat: OddsFormat) {
  const common = {
    file,
    id: r.eventId,
    sport: r.sportKey,
    homeTeam: r.homeTeam,
    awayTeam: r.awayTeam,
    commenceTime: r.commenceTime,
    method: r.method,
    oddsFormat,
  };
  const books = {
    used: r.books.used.map((b) => ({
      key: b.key,
      role: b.role,
      weight: b.weight,
      baseWeight: b.baseWeight,
      ageSeconds: Math.round(b.ageMs / 1000),
      lastUpdate: b.lastUpdate,
      overround: b.overround,
      probabilities: b.probabilities,
    })),
    dropped: r.books.dropped,
  };
  if (r.kind === 'no-theo')
    return { ...common, status: 'no-theo' as const, reason: r.reason, detail: r.detail, books };
  return {
    ...common,
    status: 'theo' as const,
    theo: r.outcomes.map((o) => ({
      name: o.name,
      probability: o.probability,
      cents: probabilityToCents(o.probability),
      micros: probabilityToMicros(o.probability),
    })),
    threeWay: r.threeWay,
    anchorUsed: r.anchorUsed,
    effectiveBooks: r.effectiveBooks,
    dispersion: r.dispersion,
    books,
  };
}

/** The whole CLI with I/O injected; returns the exit code. */
export function runTheoCli(argv: readonly string[], io: CliIo): number {
  const read = readCommandLine(THEO_COMMAND, argv, { out: { write: io.stdout }, err: { write: io.stderr } });
  if (typeof read === 'number') return read;
  const args: Args = { asOf: read['as-of'] ?? null, method: read.method, files: read.positionals };
  const asOf = args.asOf ?? io.now();
  const config = { ...DEFAULT_THEO_CONFIG, method: args.method };
  const events: ReturnType<typeof present>[] = [];
  const summary: TheoSummary = { events: 0, theos: 0, noTheo: {}, droppedBooks: {} };
  for (const file of args.files) {
    let parsed: EventOdds[];
    try {
      parsed = readEvents(file, io);
    } catch (e) {
      if (!(e instanceof FileError)) throw e;
      io.stderr(`theo: ${e.message}\n`);
      return 2;
    }
    const oddsFormat = detectOddsFormat(parsed);
    const { results, summary: s } = computeTheos(parsed, { asOf, oddsFormat, config });
    events.push(
      ...results.map((r, i) => ({
        ...present(r, file, oddsFormat),
        ...strikeReport(parsed[i]!, { asOf, oddsFormat, config }),
      })),
    );
    summary.events += s.events;
    summary.theos += s.theos;
    for (const [k, v] of Object.entries(s.noTheo)) {
      summary.noTheo[k as keyof TheoSummary['noTheo']] =
        (summary.noTheo[k as keyof TheoSummary['noTheo']] ?? 0) + v;
    }
    for (const [k, v] of Object.entries(s.droppedBooks)) {
      const key = k as keyof TheoSummary['droppedBooks'];
      summary.droppedBooks[key] = (summary.droppedBooks[key] ?? 0) + v;
    }
  }
  io.stdout(
    `${JSON.stringify({ asOf: new Date(asOf).toISOString(), method: args.method, files: args.files, summary, events }, null, 2)}\n`,
  );
  return 0;
}

runIfEntry(import.meta.url, (argv) =>
  runTheoCli(argv, {
    readFile: (p) => readFileSync(p, 'utf8'),
    now: () => Date.now(),
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  }),
);
