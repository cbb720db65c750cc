/**
 * `npm run replay -- --journal DIR [--decisions]`
 *   Replays a session journal (worker/journal/) through the real
 *   TradingSession on the journal's clock and prints one JSON report: the
 *   session's decisions against the journal's, the first difference, the
 *   divergences. Exit 0 when the decisions are the same, 3 when they differ,
 *   1 when the journal cannot be read, 2 on bad arguments.
 *
 * `npm run replay -- [--use-yes-price] FILE...`
 *   Feeds recorded Kalshi WebSocket frames (one JSON message per file, or
 *   JSON lines) in order through the worker's parsing and book code only and
 *   prints one JSON report. Exit 0 unless a file cannot be read (exit 1) or
 *   the arguments are wrong (exit 2).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { type CommandIo, defineCommand, readCommandLine, runIfEntry } from '../../shared/cli.ts';
import { readJournal } from '../journal/journal-reader.ts';
import { framesOfFile, replay } from './replay.ts';
import { replaySession } from './session-replay.ts';

export const REPLAY_COMMAND = defineCommand({
  command: 'npm run replay --',
  summary:
    'A session journal through the real TradingSession (--journal DIR), or recorded Kalshi WebSocket frames ' +
    "through the worker's parser and books (FILE...); one JSON report.",
  options: {
    journal: { type: 'string', arg: 'DIR', help: "a session journal's directory (seg-*.jsonl.gz)" },
    decisions: { type: 'boolean', help: 'with --journal: list every replayed decision in the report' },
    'use-yes-price': { type: 'boolean', help: 'frames: read prices from the yes_price fields' },
  },
  positionals: { usage: '[FILE...]', help: 'frames: one JSON frame per file, or JSON lines' },
  schema: z
    .object({
      journal: z.string().min(1).optional(),
      decisions: z.boolean().default(false),
      'use-yes-price': z.boolean().default(false),
      positionals: z.array(z.string()),
    })
    .refine((o) => (o.journal === undefined) !== (o.positionals.length === 0), {
      message: 'give either --journal DIR or at least one FILE',
      path: ['positionals'],
    }),
});

async function replayJournal(dir: string, listDecisions: boolean, io: CommandIo): Promise<number> {
  let read: ReturnType<typeof readJournal>;
  try {
    read = readJournal(dir);
  } catch (e) {
    io.err.write(`error: cannot read the journal in ${dir}: ${(e as { code?: string }).code ?? String(e)}\n`);
    return 1;
  }
  if (read.entries.length === 0) {
    io.err.write(`error: no journal segments in ${dir}\n`);
    return 1;
  }
  const r = await replaySession(read.entries);
  const report = {
    segments: read.segments,
    badLines: read.badLines,
    missingSegments: read.missingSegments,
    ...r,
    decisions: listDecisions ? r.decisions : r.decisions.length,
  };
  io.out.write(`${JSON.stringify(report, null, 2)}\n`);
  return r.same ? 0 : 3;
}

export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const opts = readCommandLine(REPLAY_COMMAND, argv, io);
  if (typeof opts === 'number') return opts;
  if (opts.journal !== undefined) return replayJournal(opts.journal, opts.decisions, io);
  const frames: string[] = [];
  for (const f of opts.positionals) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      io.err.write(`error: cannot read ${f}: ${(e as { code?: string }).code ?? String(e)}\n`);
      return 1;
    }
    frames.push(...framesOfFile(text));
  }
  io.out.write(`${JSON.stringify(replay(frames, { useYesPrice: opts['use-yes-price'] }), null, 2)}\n`);
  return 0;
}

runIfEntry(import.meta.url, main);
