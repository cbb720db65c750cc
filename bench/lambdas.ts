/**
 * Lambda artifacts (issue item 6, second half): each handler bundled exactly
 * as infra/constructs/lambda.ts bundles it (esbuild, ESM, minified, AWS SDK
 * clients bundled, external source map, the runtime's Node as target: all
 * from lambda-bundling.ts), its size, and its cold-start init time: the
 * bundle imported by a fresh `node` process started with the function's
 * NODE_OPTIONS (source maps on, so Node reads and parses the map as on
 * Lambda), median of several processes, in wall time and in CPU time (on a
 * loaded machine the wall clock mostly measures waiting); beside it, the
 * previous artifact (AWS SDK external, resolved from node_modules as the
 * runtime provides it, no source map) in the same processes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import {
  LAMBDA_ESM_BANNER,
  LAMBDA_EXTERNAL_MODULES,
  LAMBDA_NODE_MAJOR,
  LAMBDA_NODE_OPTIONS,
  LAMBDA_SOURCE_MAP,
  LAMBDA_SOURCES_CONTENT,
} from '../infra/constructs/lambda-bundling.ts';
import { type Figure, figure } from './figures.ts';
import { firstInvocations } from './lambda-first-invocation.ts';

export const HANDLERS = ['odds-poll', 'odds-refresh', 'kill-switch'] as const;
/** Issue #16: bundles ≤ 500 KB, module init in a fresh Node ≤ 100 ms. */
const BUNDLE_TARGET_KB = 500;
const INIT_TARGET_MS = 100;
const COLD_RUNS = 5;

/** esbuild options of the deployed artifact (NodejsFunction's, from lambda-bundling.ts). */
export function deployedBuildOptions(entryPoints: string[], outdir: string): BuildOptions {
  return {
    entryPoints,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    minify: true,
    sourcemap: LAMBDA_SOURCE_MAP,
    sourcesContent: LAMBDA_SOURCES_CONTENT,
    platform: 'node',
    target: `node${LAMBDA_NODE_MAJOR}`,
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: LAMBDA_ESM_BANNER },
    external: [...LAMBDA_EXTERNAL_MODULES],
    logLevel: 'silent',
  };
}

/** The environment a cold-start process runs with: the function's NODE_OPTIONS (no credentials, no AWS). */
export function coldStartEnv(): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '', NODE_OPTIONS: LAMBDA_NODE_OPTIONS };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchLambdas(): Promise<Figure[]> {
  const root = join(import.meta.dirname, '..');
  // Inside node_modules/.cache so ESM resolution finds the external AWS SDK, as the runtime would.
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'kalshi-mm-bench-lambda-'));
  const empty = join(dir, 'empty.mjs');
  writeFileSync(empty, 'export {};\n');
  try {
    // The previous artifact: SDK external, no source map, node20 (as it was deployed before issue #16).
    const bundle = (outdir: string, external: string[]) =>
      build({
        metafile: true,
        entryPoints: HANDLERS.map((h) => join(root, 'functions', `${h}.ts`)),
        outdir,
        outExtension: { '.js': '.mjs' },
        bundle: true,
        minify: true,
        platform: 'node',
        target: 'node20',
        format: 'esm',
        mainFields: ['module', 'main'],
        banner: {
          js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        },
        external,
        logLevel: 'silent',
      });
    const built = await bundle(dir, ['@aws-sdk/*']);
    const inlinedDir = join(dir, 'deployed');
    await build(
      deployedBuildOptions(
        HANDLERS.map((h) => join(root, 'functions', `${h}.ts`)),
        inlinedDir,
      ),
    );
    const figs: Figure[] = [];
    for (const h of HANDLERS) {
      const file = join(dir, `${h}.mjs`);
      const kb = statSync(file).size / 1024;
      const out =
        built.metafile.outputs[Object.keys(built.metafile.outputs).find((k) => k.endsWith(`${h}.mjs`))!]!;
      // Where the bytes come from: bundled input bytes per package (or first-party folder).
      const byPkg = new Map<string, number>();
      for (const [path, { bytesInOutput }] of Object.entries(out.inputs)) {
        const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
        const key = m
          ? m[1]!
          : path
              .replace(/^(\.\.\/)+/, '')
              .split('/')
              .slice(0, 2)
              .join('/');
        byPkg.set(key, (byPkg.get(key) ?? 0) + bytesInOutput);
      }
      const top = [...byPkg]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([k, b]) => `${k} ${(b / 1024).toFixed(0)} KB`)
        .join(', ');
      const sdk = [
        ...new Set(
          out.imports.filter((i) => i.external && i.path.startsWith('@aws-sdk/')).map((i) => i.path),
        ),
      ];
      const sdkScript = `const t=performance.now();${sdk.map((p) => `await import(${JSON.stringify(p)});`).join('')}process.stdout.write(String(performance.now()-t));`;
      const emptyScript = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(empty).href)});process.stdout.write(String(performance.now()-t));`;
      // Our own share: the bundle imported after its AWS SDK clients are already loaded (on Lambda
      // the SDK comes from the runtime; its import cost is the same for any handler using it).
      // CPU time (user + system), not wall: on a loaded machine the wall clock mostly measures waiting.
      const cpuOf = (href: string, before = '') =>
        `${before}const c=process.cpuUsage();await import(${JSON.stringify(href)});const d=process.cpuUsage(c);process.stdout.write(String((d.user+d.system)/1000));`;
      const sdkImports = sdk.map((p) => `await import(${JSON.stringify(p)});`).join('');
      const ownScript = cpuOf(pathToFileURL(file).href, sdkImports);
      const emptyCpuScript = cpuOf(pathToFileURL(empty).href, sdkImports);
      const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});process.stdout.write(String(performance.now()-t));`;
      const cold = (code: string, env: Record<string, string> = { PATH: process.env['PATH'] ?? '' }) =>
        Number(
          execFileSync(process.execPath, ['--input-type=module', '-e', code], {
            cwd: dir,
            env,
            encoding: 'utf8',
          }),
        );
      const inlinedFile = join(inlinedDir, `${h}.mjs`);
      const inlinedHref = pathToFileURL(inlinedFile).href;
      const inlinedScript = `const t=performance.now();await import(${JSON.stringify(inlinedHref)});process.stdout.write(String(performance.now()-t));`;
      const deployedEnv = coldStartEnv();
      const runs: number[] = [];
      const sdkRuns: number[] = [];
      const emptyRuns: number[] = [];
      const ownRuns: number[] = [];
      const emptyCpuRuns: number[] = [];
      const inlinedRuns: number[] = [];
      const deployedCpuRuns: number[] = [];
      const deployedEmptyRuns: number[] = [];
      const deployedEmptyCpuRuns: number[] = [];
      // Interleaved, so all see the same load: the bundle, its AWS SDK clients alone, an empty module,
      // and the bundle with the SDK inlined.
      for (let i = 0; i < COLD_RUNS; i++) {
        runs.push(cold(script));
        sdkRuns.push(cold(sdkScript));
        emptyRuns.push(cold(emptyScript));
        ownRuns.push(cold(ownScript));
        emptyCpuRuns.push(cold(emptyCpuScript));
        inlinedRuns.push(cold(inlinedScript, deployedEnv));
        deployedCpuRuns.push(cold(cpuOf(inlinedHref), deployedEnv));
        deployedEmptyRuns.push(cold(emptyScript, deployedEnv));
        deployedEmptyCpuRuns.push(cold(cpuOf(pathToFileURL(empty).href), deployedEnv));
      }
      const deployedEmpty = {
        name: `an empty module imported the same way (NODE_OPTIONS=${LAMBDA_NODE_OPTIONS})`,
        value: median(deployedEmptyRuns),
        unit: 'ms',
        samples: deployedEmptyRuns.length,
      };
      const mapKb = statSync(`${inlinedFile}.map`).size / 1024;
      const emptyBaseline = {
        name: 'an empty module imported the same way',
        value: median(emptyRuns),
        unit: 'ms',
        samples: emptyRuns.length,
      };
      figs.push(
        figure(
          `lambda_bundle_${h}`,
          statSync(inlinedFile).size / 1024,
          'KB',
          BUNDLE_TARGET_KB,
          'lower',
          1,
          `as deployed (infra/constructs/lambda-bundling.ts): esbuild ESM, minified, node${LAMBDA_NODE_MAJOR}, AWS SDK clients bundled, only the credential chain past env credentials external (${LAMBDA_EXTERNAL_MODULES.length} packages); its source map beside it: ${mapKb.toFixed(0)} KB`,
        ),
        figure(
          `lambda_init_${h}`,
          median(inlinedRuns),
          'ms',
          INIT_TARGET_MS,
          'lower',
          inlinedRuns.length,
          `the deployed bundle imported in a fresh node ${process.version} process with NODE_OPTIONS=${LAMBDA_NODE_OPTIONS} (its source map read and parsed, as on Lambda), median of ${COLD_RUNS} (min ${Math.min(...inlinedRuns).toFixed(0)} ms); ratio to lambda_init_sdk_external_${h} in the same processes: ${(median(inlinedRuns) / median(runs)).toFixed(2)}`,
          deployedEmpty,
        ),
        figure(
          `lambda_init_cpu_${h}`,
          median(deployedCpuRuns),
          'ms',
          null,
          'lower',
          deployedCpuRuns.length,
          'CPU time (user + system) of the same import: the cold start without the waiting a loaded machine adds',
          {
            name: `CPU time to import an empty module the same way (NODE_OPTIONS=${LAMBDA_NODE_OPTIONS})`,
            value: median(deployedEmptyCpuRuns),
            unit: 'ms',
            samples: deployedEmptyCpuRuns.length,
          },
        ),
        figure(
          `lambda_bundle_sdk_external_${h}`,
          kb,
          'KB',
          null,
          'lower',
          1,
          `the previous artifact: @aws-sdk/* external, resolved from the runtime; largest parts: ${top}`,
        ),
        figure(
          `lambda_init_sdk_external_${h}`,
          median(runs),
          'ms',
          null,
          'lower',
          runs.length,
          `the previous artifact imported the same way, interleaved (min ${Math.min(...runs).toFixed(0)} ms); ` +
            `importing its AWS SDK clients alone (${sdk.join(', ')}) takes ${median(sdkRuns).toFixed(0)} ms`,
          emptyBaseline,
        ),
        figure(
          `lambda_init_own_cpu_${h}`,
          median(ownRuns),
          'ms',
          null,
          'lower',
          ownRuns.length,
          'CPU time (user + system) to import the bundle in a fresh process that has already imported its AWS SDK clients (on Lambda the runtime provides them): our code, zod, powertools, undici',
          {
            name: 'CPU time to import an empty module the same way',
            value: median(emptyCpuRuns),
            unit: 'ms',
            samples: emptyCpuRuns.length,
          },
        ),
      );
    }
    // The whole cold start of odds-poll, so work moved out of init is seen if it only moved later.
    const [first] = await firstInvocations([join(inlinedDir, 'odds-poll.mjs')], COLD_RUNS);
    const totals = first!.map((f) => f.init + f.first);
    figs.push(
      figure(
        'lambda_cold_invocation_cpu_odds-poll',
        median(totals),
        'ms',
        null,
        'lower',
        totals.length,
        `CPU time of the deployed bundle's import plus its first invocation (env parse, AWS clients, secret, one sport of 10 games × 5 books polled and written; AWS and The Odds API on a loopback server, bench/lambda-first-invocation.ts), fresh process each; median import ${median(first!.map((f) => f.init)).toFixed(0)} ms, first invocation ${median(first!.map((f) => f.first)).toFixed(0)} ms`,
      ),
    );
    return figs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
