/**
 * `npm run replay -- [--use-yes-price] FILE...`
 *
 * Feeds recorded Kalshi WebSocket frames (one JSON message per file, or
 * JSON lines) in order through the worker's parsing and book code and prints
 * one JSON report. Exit 0 unless a file cannot be read (exit 1) or the
 * arguments are wrong (exit 2).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { type CommandIo, defineCommand, readCommandLine, runIfEntry } from '../../shared/cli.ts';
import { framesOfFile, replay } from './replay.ts';

export const REPLAY_COMMAND = defineCommand({
  command: 'npm run replay --',
  summary: "Recorded Kalshi WebSocket frames through the worker's parser and books; one JSON report.",
  options: {
    'use-yes-price': { type: 'boolean', help: 'read prices from the yes_price fields' },
  },
  positionals: { usage: 'FILE...', help: 'one JSON frame per file, or JSON lines' },
  schema: z.object({
    'use-yes-price': z.boolean().default(false),
    positionals: z.array(z.string()).min(1, 'give at least one FILE'),
  }),
});

export function main(argv: readonly string[], io: CommandIo): number {
  const opts = readCommandLine(REPLAY_COMMAND, argv, io);
  if (typeof opts === 'number') return opts;
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
