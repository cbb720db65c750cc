/**
 * `npm run bench`: runs every benchmark, writes bench/results.json and prints it.
 * Figures are reported whether or not they meet their target; a figure without
 * samples (or a baseline without samples) is an error and the exit code is 1.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { type CommandIo, defineCommand, runCommand, runIfEntry } from '../shared/cli.ts';
import { buildResults, type Figure, unmeasuredErrors } from './figures.ts';

type Bench = { name: string; run: () => Promise<Figure[]> };

async function benches(): Promise<Bench[]> {
  const list: Bench[] = [];
  const add = async (name: string, load: () => Promise<() => Promise<Figure[]>>) => {
    list.push({ name, run: async () => (await load())() });
  };
  await add('feed-throughput', async () => (await import('./feed-throughput.ts')).benchFeedThroughputAsBuilt);
  await add('signing', async () => (await import('./rest-client.ts')).benchSigning);
  await add('rest-vs-sdk', async () => (await import('./rest-client.ts')).benchRestVsSdk);
  await add('cancel-under-load', async () => (await import('./cancel-under-load.ts')).benchCancelUnderLoad);
  await add('tick-to-quote', async () => (await import('./tick-to-quote.ts')).benchTickToQuote);
  await add('scale', async () => (await import('./tick-to-quote.ts')).benchScale);
  await add('odds-aggregation', async () => (await import('./odds-aggregation.ts')).benchOddsAggregation);
  await add('lambdas', async () => (await import('./lambdas.ts')).benchLambdas);
  await add('simulation', async () => (await import('./simulation.ts')).benchSimulationAndWrites);
  await add('backtest', async () => (await import('./backtest.ts')).benchBacktest);
  return list;
}

const BENCH_NAMES = [
  'feed-throughput',
  'signing',
  'rest-vs-sdk',
  'cancel-under-load',
  'tick-to-quote',
  'scale',
  'odds-aggregation',
  'lambdas',
  'simulation',
  'backtest',
] as const;

export const BENCH_COMMAND = defineCommand({
  command: 'npm run bench --',
  summary: 'Runs the benchmarks (all, or the named ones); writes and prints bench/results.json.',
  options: {},
  positionals: { usage: '[NAME...]', help: `benchmarks to run: ${BENCH_NAMES.join(', ')}` },
  schema: z.object({
    positionals: z.array(z.enum(BENCH_NAMES, { message: `must be one of ${BENCH_NAMES.join(', ')}` })),
  }),
});

export function main(argv: readonly string[], io: CommandIo): Promise<number> {
  return runCommand(BENCH_COMMAND, argv, io, (opts) => runBenches(opts.positionals));
}

async function runBenches(only: readonly string[]): Promise<number> {
  const figures: Figure[] = [];
  const errors: { bench: string; error: string }[] = [];
  for (const b of await benches()) {
    if (only.length && !only.includes(b.name)) continue;
    const t0 = Date.now();
    process.stderr.write(`bench ${b.name} ... `);
    try {
      const figs = await b.run();
      figures.push(...figs);
      // A figure with no samples is unmeasured, never met: it fails the run.
      const missing = unmeasuredErrors(b.name, figs);
      errors.push(...missing);
      process.stderr.write(
        `${((Date.now() - t0) / 1000).toFixed(1)} s${missing.length ? `, ${missing.length} unmeasured` : ''}\n`,
      );
    } catch (err) {
      errors.push({ bench: b.name, error: err instanceof Error ? err.message : String(err) });
      process.stderr.write('failed\n');
    }
  }
  const results = buildResults(figures, errors);
  const text = JSON.stringify(results, null, 2);
  writeFileSync(join(import.meta.dirname, 'results.json'), `${text}\n`);
  process.stdout.write(`${text}\n`);
  return errors.length ? 1 : 0;
}

runIfEntry(import.meta.url, main);
