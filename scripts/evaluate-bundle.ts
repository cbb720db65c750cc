/**
 * The evaluate pool's child as one plain-JavaScript file (esbuild), so each
 * child runs on bare `node` instead of through tsx. tsx transforms with
 * esbuild's `keepNames`, which wraps every function and class created at run
 * time in a `__name(fn, "…")` call (an `Object.defineProperty` each time): in a
 * backtest, which creates closures on every event, that and tsx's loader cost
 * ≈10–25 % of a child's CPU. A bundle also loads in a fraction of tsx's start.
 *
 * The code is the same source, transformed the same way minus `keepNames`; the
 * scoreboards are byte-identical (test/scripts/evaluate-pool.int.test.ts).
 * Every `import.meta.url` (and `import.meta.dirname`) is replaced with the
 * module's own source location, so modules that find files beside themselves
 * (sim/main.ts's scenarios) still do, and `runIfEntry` never mistakes the
 * bundle for its own module. Packages stay external: the bundle is written
 * under the repo's node_modules/.cache so node resolves them from the repo.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const CHILD_SOURCE = join(HERE, 'evaluate-pool-child.ts');
const CACHE_DIR = join(HERE, '..', 'node_modules', '.cache', 'kmm-evaluate');

/** A module's source with its `import.meta.url` / `.dirname` fixed to where the source lives. */
export function pinImportMeta(source: string, path: string): string {
  return source
    .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href))
    .replaceAll('import.meta.dirname', JSON.stringify(dirname(path)));
}

export interface ChildBundle {
  /** The bundle's path (run it with bare node). */
  script: string;
  /** Deletes the bundle. */
  remove(): void;
}

/**
 * Builds the child bundle (one file per evaluate process, so two evaluations never share one);
 * null when esbuild cannot build it: the caller then runs the child through tsx, as before.
 * `entry`: another script bundled the same way (bench/evaluate-digest.ts measures on it).
 */
export async function bundleChild(
  tag = String(process.pid),
  entry = CHILD_SOURCE,
): Promise<ChildBundle | null> {
  try {
    const { build } = await import('esbuild');
    mkdirSync(CACHE_DIR, { recursive: true });
    const script = join(CACHE_DIR, `evaluate-child-${tag}.mjs`);
    await build({
      entryPoints: [entry],
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
      plugins: [
        {
          name: 'pin-import-meta',
          setup(b) {
            b.onLoad({ filter: /\.ts$/ }, (args) => ({
              contents: pinImportMeta(readFileSync(args.path, 'utf8'), args.path),
              loader: 'ts',
            }));
          },
        },
      ],
    });
    return { script, remove: () => rmSync(script, { force: true }) };
  } catch {
    return null;
  }
}
