/**
 * `npm run bench`: runs every benchmark, writes bench/results.json and prints it.
 * Figures are reported whether or not they meet their target; a figure without
 * samples (or a baseline without samples) is an error and the exit code is 1.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildResults, type Figure, unmeasuredErrors } from './figures.ts';

type Bench = { name: string; run: () => Promise<Figure[]> };

async function benches(): Promise<Bench[]> {
  const list: Bench[] = [];
  const add = async (name: string, load: () => Promise<() => Promise<Figure[]>>) => {
    list.push({ name, run: async () => (await load())() });
  };
  await add('feed-throughput', async () => (await import('./feed-throughput.ts')).benchFeedThroughput);
  await add('signing', async () => (await import('./rest-client.ts')).benchSigning);
  await add('rest-vs-sdk', async () => (await import('./rest-client.ts')).benchRestVsSdk);
  await add('tick-to-quote', async () => (await import('./tick-to-quote.ts')).benchTickToQuote);
  await add('scale', async () => (await import('./tick-to-quote.ts')).benchScale);
  await add('odds-aggregation', async () => (await import('./odds-aggregation.ts')).benchOddsAggregation);
  await add('lambdas', async () => (await import('./lambdas.ts')).benchLambdas);
  await add('simulation', async () => (await import('./simulation.ts')).benchSimulation);
  return list;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
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
  if (errors.length) process.exitCode = 1;
}

await main();
