/**
 * `npx tsx bench/table.ts [results.json]`: the figures as a Markdown table
 * (figure, value, samples, target, met, same-run baseline and ratio), for docs/BENCHMARKS.md and the README.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { type CommandIo, defineCommand, readCommandLine, runIfEntry } from '../shared/cli.ts';
import { ResultsSchema } from './figures.ts';

const TABLE_COMMAND = defineCommand({
  command: 'npx tsx bench/table.ts',
  summary: 'The benchmark figures as a Markdown table, for docs/BENCHMARKS.md and the README.',
  options: {},
  positionals: { usage: '[results.json]', help: 'results document (default bench/results.json)' },
  schema: z.object({ positionals: z.array(z.string().min(1)).max(1, 'takes at most one file') }),
});
export function main(argv: readonly string[], io: CommandIo): number {
  const opts = readCommandLine(TABLE_COMMAND, argv, io);
  if (typeof opts === 'number') return opts;
  const file = opts.positionals[0] ?? join(import.meta.dirname, 'results.json');
  const parsed = ResultsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    // e.g. a results.json written before figures carried their sample counts (issue #16)
    io.err.write(
      `${file} is not a results document of this version: ${parsed.error.issues[0]?.message ?? ''}; rerun npm run bench\n`,
    );
    return 1;
  }
  io.out.write(`${resultsTable(parsed.data)}\n`);
  return 0;
}

/** The results document as the Markdown table. */
export function resultsTable(r: z.infer<typeof ResultsSchema>): string {
  const fmt = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(v));
  const status = (f: (typeof r.figures)[number]) =>
    f.unmeasured ? '**unmeasured**' : f.met === null ? '' : f.met ? 'yes' : '**no**';
  const base = (f: (typeof r.figures)[number]) =>
    f.baseline
      ? `${f.baseline.ratio ?? '—'} × ${f.baseline.name} (${fmt(f.baseline.value)} ${f.baseline.unit}, n = ${f.baseline.samples.toLocaleString('en-US')})`
      : '';
  const lines = [
    `Measured ${r.date.slice(0, 16).replace('T', ' ')} UTC on ${r.machine.cores} cores (${r.machine.cpu}), Node ${r.machine.node}, load average ${r.machine.load_average.join(' / ')}.`,
    '',
    '| figure | value | n | target | met | same-run baseline |',
    '| --- | ---: | ---: | ---: | :---: | --- |',
    ...r.figures.map(
      (f) =>
        `| ${f.name} | ${fmt(f.value)} ${f.unit} | ${f.samples.toLocaleString('en-US')} | ${f.target === null ? '—' : `${f.better === 'lower' ? '≤' : '≥'} ${fmt(f.target)} ${f.unit}`} | ${status(f)} | ${base(f)} |`,
    ),
  ];
  if (r.errors.length) lines.push('', ...r.errors.map((e) => `- bench ${e.bench} failed: ${e.error}`));
  return lines.join('\n');
}

runIfEntry(import.meta.url, main);
