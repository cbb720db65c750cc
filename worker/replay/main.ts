/**
 * `npm run replay -- [--use-yes-price] FILE...`
 *
 * Feeds recorded Kalshi WebSocket frames (one JSON message per file, or
 * JSON lines) in order through the worker's parsing and book code and prints
 * one JSON report. Exit 0 unless a file cannot be read (exit 1) or the
 * arguments are wrong (exit 2).
 */
import { readFileSync } from 'node:fs';
import { framesOfFile, replay } from './replay.ts';

function main(argv: string[]): number {
  let useYesPrice = false;
  const files: string[] = [];
  for (const a of argv) {
    if (a === '--use-yes-price') useYesPrice = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run replay -- [--use-yes-price] FILE...\n');
      return 0;
    } else if (a.startsWith('--')) {
      process.stderr.write(`replay: unknown option ${a}\n`);
      return 2;
    } else files.push(a);
  }
  if (files.length === 0) {
    process.stderr.write('usage: npm run replay -- [--use-yes-price] FILE...\n');
    return 2;
  }
  const frames: string[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      process.stderr.write(`replay: cannot read ${f}: ${(e as { code?: string }).code ?? String(e)}\n`);
      return 1;
    }
    frames.push(...framesOfFile(text));
  }
  process.stdout.write(`${JSON.stringify(replay(frames, { useYesPrice }), null, 2)}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
