/**
 * The scale bench measures the worker production runs: built with worker/Dockerfile's esbuild flags and
 * launched with its CMD's Node flags, both read from the Dockerfile (bench/scale-worker.ts).
 */
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import {
  containerHeapFlags,
  containerHeapLimits,
  WORKER_TASK_MEMORY_MIB,
  workerLaunchOf,
} from '../../bench/scale-worker.ts';

const dockerfile = readFileSync(join(import.meta.dirname, '../../worker/Dockerfile'), 'utf8');

describe('scale bench worker launch (from worker/Dockerfile)', () => {
  it("reads the image's bundle flags and its node flags", () => {
    const { esbuildArgs, nodeArgs } = workerLaunchOf(dockerfile);
    expect(esbuildArgs).toEqual(
      expect.arrayContaining(['--bundle', '--platform=node', '--format=esm', '--sourcemap']),
    );
    expect(esbuildArgs).toContain(
      "--banner:js=import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
    );
    expect(esbuildArgs.some((a) => a.startsWith('--outfile'))).toBe(false);
    expect(nodeArgs).toEqual(['--enable-source-maps']);
  });

  // keepNames wraps every closure the engine creates per event in `__name(fn, "…")` (an
  // Object.defineProperty each time): 14–20 % of the every-delta decision's CPU. Identifiers are not
  // minified, and every error class the worker reads by name sets its own `name`, so nothing needs it.
  it('the image is built without keepNames wrappers on the hot path', () => {
    const { esbuildArgs } = workerLaunchOf(dockerfile);
    expect(esbuildArgs).not.toContain('--keep-names');
    expect(esbuildArgs).not.toContain('--minify-identifiers');
    expect(esbuildArgs).not.toContain('--minify');
  });

  it('the image keeps a source map for stack traces without a copy of every source in it', () => {
    const { esbuildArgs, nodeArgs } = workerLaunchOf(dockerfile);
    expect(esbuildArgs).toContain('--sourcemap');
    expect(esbuildArgs).toContain('--sources-content=false');
    expect(nodeArgs).toContain('--enable-source-maps');
  });

  it('refuses a Dockerfile it cannot read the worker build from', () => {
    expect(() => workerLaunchOf('FROM node:24-slim\nCMD ["node", "x.mjs"]\n')).toThrow(/RUN esbuild/);
    expect(() => workerLaunchOf('RUN esbuild worker/main.ts --bundle\nCMD node x.mjs\n')).toThrow(/CMD/);
  });
});

describe('the heap V8 sizes inside the worker task (containerHeapLimits)', () => {
  it('gives the default 1 GiB task a 512 MiB old generation and 4 MiB semi-spaces', () => {
    expect(containerHeapLimits(1024)).toEqual({ oldSpaceMiB: 512, semiSpaceMiB: 4 });
    expect(containerHeapFlags(1024)).toEqual(['--max-old-space-size=512', '--max-semi-space-size=4']);
    expect(WORKER_TASK_MEMORY_MIB).toBe(1024);
  });

  it('clamps as V8 does: at least 256 MiB, at most 2 GiB (4 GiB past 16 GiB of memory)', () => {
    expect(containerHeapLimits(512)).toEqual({ oldSpaceMiB: 256, semiSpaceMiB: 1 });
    expect(containerHeapLimits(256)).toEqual({ oldSpaceMiB: 256, semiSpaceMiB: 1 });
    expect(containerHeapLimits(8192)).toEqual({ oldSpaceMiB: 2048, semiSpaceMiB: 16 });
    expect(containerHeapLimits(24 * 1024)).toEqual({ oldSpaceMiB: 4096, semiSpaceMiB: 16 });
    // 4 GiB only from 17 whole GiB (V8 divides by a GiB first).
    expect(containerHeapLimits(16.5 * 1024)).toEqual({ oldSpaceMiB: 2048, semiSpaceMiB: 16 });
    expect(containerHeapLimits(17 * 1024)).toEqual({ oldSpaceMiB: 4096, semiSpaceMiB: 16 });
    expect(() => containerHeapLimits(0)).toThrow(RangeError);
  });

  // The same formula must give this very process's limit from this machine's memory: old + 3 semi-spaces
  // (two semi-spaces and the new large-object space). Skipped when a heap flag overrides the sizing.
  const flagged = [...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].some((a) =>
    /semi-space|old-space/.test(a),
  );
  it.skipIf(flagged)(
    "reproduces the heap limit V8 gave this process from this machine's memory (skipped: a heap flag overrides V8's own sizing)",
    () => {
      const constrained = process.constrainedMemory?.() ?? 0;
      const memory = constrained > 0 ? Math.min(totalmem(), constrained) : totalmem();
      const { oldSpaceMiB, semiSpaceMiB } = containerHeapLimits(memory / 2 ** 20);
      expect(getHeapStatistics().heap_size_limit / 2 ** 20).toBe(oldSpaceMiB + 3 * semiSpaceMiB);
    },
  );
});
