/**
 * The scale bench's worker process, built and launched the way production
 * builds and launches the trading worker: the esbuild flags of
 * worker/Dockerfile's `RUN esbuild worker/main.ts …` and the Node flags of
 * its `CMD`, read from the Dockerfile itself so the two cannot drift. Under
 * tsx the same process carried the loader, its transformed sources and
 * `__name` wrappers: ≈ 16 MB more resident before start than the bundle,
 * none of which production runs (issue #16: measure what production runs).
 * Added: `--expose-gc`, for the `global.gc()` before the reading, and the
 * V8 heap limits Node derives inside the worker's ECS task (containerHeapFlags):
 * Node sizes V8's heap from the cgroup's memory limit, not the host's, and on a
 * 24 GB bench host V8 would allow a 4 GB old generation and grow the heap to
 * 4× the live set between collections — a resident size no 1 GiB task has.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDeployConfig } from '../infra/config.ts';
import { containerHeapFlags } from '../infra/worker-heap.ts';

export { containerHeapFlags, containerHeapLimits } from '../infra/worker-heap.ts';

export interface WorkerLaunch {
  /** esbuild CLI flags of the image's bundle step (entry and --outfile left out). */
  esbuildArgs: string[];
  /** Node flags of the image's CMD (before the script). */
  nodeArgs: string[];
}

/** Splits a shell word list: double-quoted words keep their spaces, the quotes go. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/(?:[^\s"]+|"[^"]*")+/g)) out.push(m[0].replace(/"/g, ''));
  return out;
}

/** The worker's build and launch flags, from the text of worker/Dockerfile. */
export function workerLaunchOf(dockerfile: string): WorkerLaunch {
  const lines = dockerfile.split('\n');
  const start = lines.findIndex((l) => /^RUN esbuild worker\/main\.ts\b/.test(l));
  if (start < 0) throw new Error('worker/Dockerfile: no `RUN esbuild worker/main.ts` step');
  let run = '';
  for (let i = start; i < lines.length; i++) {
    const l = lines[i]!.trimEnd();
    run += ` ${l.replace(/\\$/, '')}`;
    if (!l.endsWith('\\')) break;
  }
  const esbuildArgs = words(run)
    .slice(3) // RUN esbuild worker/main.ts
    .filter((w) => !w.startsWith('--outfile='));
  const cmd = /^CMD\s+(\[.*\])\s*$/m.exec(dockerfile);
  if (!cmd) throw new Error('worker/Dockerfile: no exec-form CMD');
  const argv = JSON.parse(cmd[1]!) as string[];
  if (argv[0] !== 'node') throw new Error(`worker/Dockerfile: CMD runs ${argv[0]}, not node`);
  return { esbuildArgs, nodeArgs: argv.slice(1, -1) };
}

const ROOT = join(import.meta.dirname, '..');

/** The worker task's memory as deployed by default (infra/config.ts `worker.memoryMiB`). */
export const WORKER_TASK_MEMORY_MIB = loadDeployConfig({}).worker.memoryMiB;

/**
 * Bundles bench/worker-child.ts (or another bench entry) as the image bundles the worker; returns the
 * bundle's path and Node flags: the image CMD's, then the heap limits of the default worker task
 * (containerHeapFlags).
 */
export function bundleWorkerChild(entry = 'worker-child'): { file: string; nodeArgs: string[] } {
  const launch = workerLaunchOf(readFileSync(join(ROOT, 'worker', 'Dockerfile'), 'utf8'));
  const dir = join(ROOT, 'node_modules', '.cache', 'kalshi-mm-bench-worker');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${entry}.mjs`);
  execFileSync(
    join(ROOT, 'node_modules', '.bin', 'esbuild'),
    [join(ROOT, 'bench', `${entry}.ts`), ...launch.esbuildArgs, `--outfile=${file}`, '--log-level=warning'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return { file, nodeArgs: [...launch.nodeArgs, ...containerHeapFlags(WORKER_TASK_MEMORY_MIB)] };
}
