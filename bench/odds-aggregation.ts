/**
 * Odds → theo cost: parse + de-vig + aggregate one Odds API response of
 * 50 games × 40 books, the size of a busy NBA+NFL poll, with the code bundled
 * and minified as the odds Lambdas deploy it (bench/odds-path.ts).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { type Figure, figure, Latency } from './figures.ts';

type OddsPath = typeof import('./odds-path.ts');

/** bench/odds-path.ts bundled and minified as the Lambdas are (infra/constructs/lambda.ts), then imported. */
async function deployedOddsPath(): Promise<OddsPath> {
  const root = join(import.meta.dirname, '..');
  // A scratch folder under node_modules/.cache, as bench/lambdas.ts uses; removed once imported.
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'kalshi-mm-bench-odds-'));
  try {
    await build({
      entryPoints: [join(import.meta.dirname, 'odds-path.ts')],
      outfile: join(dir, 'odds-path.mjs'),
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      mainFields: ['module', 'main'],
      logLevel: 'silent',
    });
    return (await import(pathToFileURL(join(dir, 'odds-path.mjs')).href)) as OddsPath;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function syntheticOddsResponse(games: number, books: number, asOf: number): unknown[] {
  const events = [];
  for (let g = 0; g < games; g++) {
    const pHome = 0.25 + (g % 50) / 100;
    const bookmakers = [];
    for (let b = 0; b < books; b++) {
      const key = b === 0 ? 'pinnacle' : `book${b}`;
      const vig = 1.02 + (b % 7) * 0.01;
      const noise = ((b * 37 + g * 11) % 9) / 1000 - 0.004;
      const ph = Math.min(0.97, Math.max(0.03, pHome + noise));
      bookmakers.push({
        key,
        title: key,
        last_update: new Date(asOf - ((b * 13) % 600) * 1000).toISOString(),
        markets: [
          {
            key: 'h2h',
            last_update: new Date(asOf - ((b * 13) % 600) * 1000).toISOString(),
            outcomes: [
              { name: `Home ${g}`, price: Number((1 / (ph * vig)).toFixed(2)) },
              { name: `Away ${g}`, price: Number((1 / ((1 - ph) * vig)).toFixed(2)) },
            ],
          },
        ],
      });
    }
    events.push({
      id: `evt${g}`,
      sport_key: 'basketball_nba',
      sport_title: 'NBA',
      commence_time: new Date(asOf + 3_600_000).toISOString(),
      home_team: `Home ${g}`,
      away_team: `Away ${g}`,
      bookmakers,
    });
  }
  return events;
}

const ITERATIONS = 200;

export async function benchOddsAggregation(): Promise<Figure[]> {
  const { computeTheos, parseOddsResponseFast, OddsResponseSchema } = await deployedOddsPath();
  const asOf0 = Date.parse('2026-11-25T00:00:00Z');
  const json = new Latency();
  const validate = new Latency();
  const zod = new Latency();
  const theo = new Latency();
  const total = new Latency();
  let theos = 0;
  let bytes = 0;
  // CPU time (user + system) of the same steps, summed over the timed polls: on a machine at load 20–30
  // the wall clock mostly measures waiting for a core, the CPU time much less so.
  const cpuTotal = new Latency();
  const cpuJson = new Latency();
  // GC inside a poll's window (issue #16: the p99 is the polls a collection lands in). A collection's
  // entry reaches the observer after the loop; windows are kept in performance.now() time to match them.
  const gcs: [number, number][] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push([e.startTime, e.startTime + e.duration]);
  });
  observer.observe({ entryTypes: ['gc'] });
  const oursWindows: [number, number][] = [];
  const jsonWindows: [number, number][] = [];
  // Bytes allocated per poll (heapUsed delta, read outside the timed windows), kept only for polls with
  // no collection inside (a GC in between makes the delta meaningless).
  const heapOurs: number[] = [];
  const heapJson: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    // A new response each poll (stamps and asOf move by 7 s), so no date is seen twice across
    // iterations: the aggregation's memoised date parsing starts cold every time, as on a new poll.
    const asOf = asOf0 + i * 7_000;
    const body = JSON.stringify(syntheticOddsResponse(50, 40, asOf));
    bytes = body.length;
    const h0 = process.memoryUsage().heapUsed;
    const w0 = performance.now();
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const raw: unknown = JSON.parse(body);
    const t1 = process.hrtime.bigint();
    const c1 = process.cpuUsage();
    const w1 = performance.now();
    const h1 = process.memoryUsage().heapUsed;
    const w2 = performance.now();
    const c2 = process.cpuUsage();
    const t2a = process.hrtime.bigint();
    // As the odds client parses a poll (shared/odds/client.ts): its own JSON.parse, handed over (owned).
    const parsed = parseOddsResponseFast(raw, { owned: true });
    const t2 = process.hrtime.bigint();
    if (!parsed.ok || parsed.value.rejected.length > 0) throw new Error('the synthetic poll must parse');
    const { summary } = computeTheos(parsed.value.events, { asOf, oddsFormat: 'decimal' });
    const t3 = process.hrtime.bigint();
    const c3 = process.cpuUsage();
    const w3 = performance.now();
    const h3 = process.memoryUsage().heapUsed;
    // Baseline: the whole-body zod schema the fast path stands in for (same result, same run).
    const t4 = process.hrtime.bigint();
    OddsResponseSchema.parse(raw);
    const t5 = process.hrtime.bigint();
    if (i >= 10) {
      // the first 10 polls warm the JIT; a Lambda container serves many polls
      json.recordNs(t1 - t0);
      validate.recordNs(t2 - t2a);
      theo.recordNs(t3 - t2);
      total.recordNs(t3 - t2a);
      zod.recordNs(t5 - t4);
      cpuJson.recordNs(BigInt((c1.user + c1.system - (c0.user + c0.system)) * 1000));
      cpuTotal.recordNs(BigInt((c3.user + c3.system - (c2.user + c2.system)) * 1000));
      jsonWindows.push([w0, w1]);
      oursWindows.push([w2, w3]);
      heapJson.push(h1 - h0);
      heapOurs.push(h3 - h1);
    }
    theos = summary.theos;
  }
  if (theos !== 50) throw new Error(`expected 50 theos, got ${theos}`);
  // Node hands each collection to the observer through an immediate (the native callback, then the entry's
  // queue): two check phases, by order not by time, then the entries not yet given to the callback.
  for (let k = 0; k < 3; k++) await new Promise((done) => setImmediate(done));
  for (const e of observer.takeRecords()) gcs.push([e.startTime, e.startTime + e.duration]);
  observer.disconnect();
  const hasGc = ([a, b]: [number, number]) => gcs.some(([g0, g1]) => g0 < b && g1 > a);
  const oursGc = oursWindows.map(hasGc);
  const jsonGc = jsonWindows.map(hasGc);
  const median = (xs: number[]) => {
    const s = [...xs].sort((x, y) => x - y);
    return s.length === 0 ? Number.NaN : s[s.length >> 1]!;
  };
  const allocOurs = heapOurs.filter((_, k) => !oursGc[k] && !jsonGc[k]);
  const allocJson = heapJson.filter((_, k) => !oursGc[k] && !jsonGc[k]);
  const bare = (p: number) => ({
    name: `bare JSON.parse of the same ${Math.round(bytes / 1024)} KB body, p${p}`,
    value: json.ms(p),
    unit: 'ms',
    samples: json.count,
  });
  const load = `load average ${loadavg()[0]!.toFixed(1)} on 2 cores`;
  return [
    figure(
      'odds_aggregation_50x40_p50',
      total.ms(50),
      'ms',
      2,
      'lower',
      total.count,
      `validation of the parsed body (fast path, zod for what it cannot vouch for) + Shin de-vig + aggregation, bundled and minified as deployed; JSON.parse of the body is the baseline, not included; ${load}`,
      bare(50),
    ),
    figure('odds_aggregation_50x40_p99', total.ms(99), 'ms', 5, 'lower', total.count, undefined, bare(99)),
    figure(
      'odds_aggregation_50x40_cpu_p50',
      cpuTotal.ms(50),
      'ms',
      null,
      'lower',
      cpuTotal.count,
      'CPU time (user + system, process.cpuUsage) of the same steps per poll, p50: less sensitive than the wall clock to the machine being shared',
      {
        name: 'CPU time of bare JSON.parse of the same body per poll, p50',
        value: cpuJson.ms(50),
        unit: 'ms',
        samples: cpuJson.count,
      },
    ),
    figure(
      'odds_aggregation_50x40_polls_with_gc',
      oursGc.filter(Boolean).length,
      'polls',
      null,
      'lower',
      oursGc.length,
      'timed polls with a garbage collection (PerformanceObserver gc entry) inside the validation + aggregation window; the p99 is those polls',
      {
        name: 'polls with a collection inside bare JSON.parse of the body',
        value: jsonGc.filter(Boolean).length,
        unit: 'polls',
        samples: jsonGc.length,
      },
    ),
    figure(
      'odds_aggregation_50x40_alloc',
      median(allocOurs) / 1e6,
      'MB',
      null,
      'lower',
      allocOurs.length,
      'heap allocated per poll by validation + aggregation, median over the polls with no collection in them (heapUsed before and after)',
      {
        name: 'heap allocated by bare JSON.parse of the body',
        value: median(allocJson) / 1e6,
        unit: 'MB',
        samples: allocJson.length,
      },
    ),
    figure(
      'odds_validation_50x40_p50',
      validate.ms(50),
      'ms',
      null,
      'lower',
      validate.count,
      'parseOddsResponseFast alone (shared/odds/fast-odds.ts: the same output as the zod schema)',
      {
        name: 'OddsResponseSchema.parse (zod) of the same body, p50',
        value: zod.ms(50),
        unit: 'ms',
        samples: zod.count,
      },
    ),
    figure(
      'odds_devig_aggregate_50x40_p50',
      theo.ms(50),
      'ms',
      null,
      'lower',
      theo.count,
      'computeTheos alone (2,000 book lines)',
      bare(50),
    ),
  ];
}
