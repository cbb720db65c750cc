/**
 * The scale bench measures the worker production runs: built with worker/Dockerfile's esbuild flags and
 * launched with its CMD's Node flags, both read from the Dockerfile (bench/scale-worker.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workerLaunchOf } from '../../bench/scale-worker.ts';

const dockerfile = readFileSync(join(import.meta.dirname, '../../worker/Dockerfile'), 'utf8');

describe('scale bench worker launch (from worker/Dockerfile)', () => {
  it("reads the image's bundle flags and its node flags", () => {
    const { esbuildArgs, nodeArgs } = workerLaunchOf(dockerfile);
    expect(esbuildArgs).toEqual(
      expect.arrayContaining(['--bundle', '--platform=node', '--format=esm', '--sourcemap', '--keep-names']),
    );
    expect(esbuildArgs).toContain(
      "--banner:js=import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
    );
    expect(esbuildArgs.some((a) => a.startsWith('--outfile'))).toBe(false);
    expect(nodeArgs).toEqual(['--enable-source-maps']);
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
