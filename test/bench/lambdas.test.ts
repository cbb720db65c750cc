/**
 * bench/lambdas.ts measures the artifact infra/constructs/lambda.ts deploys:
 * the same esbuild options (lambda-bundling.ts is the one source: externals,
 * banner, source map, the runtime's Node as target) and the same NODE_OPTIONS
 * in the process that imports it. Timings are never asserted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { coldStartEnv, deployedBuildOptions } from '../../bench/lambdas.ts';
import {
  LAMBDA_ESM_BANNER,
  LAMBDA_EXTERNAL_MODULES,
  LAMBDA_NODE_MAJOR,
  LAMBDA_NODE_OPTIONS,
  LAMBDA_SOURCES_CONTENT,
} from '../../infra/constructs/lambda-bundling.ts';

describe('bench lambdas: the deployed artifact', () => {
  it('builds with the construct’s options: ESM, minified, source map, SDK bundled, the runtime’s Node', () => {
    const o = deployedBuildOptions(['functions/odds-poll.ts'], '/tmp/out');
    expect(o).toMatchObject({
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      sourcemap: true,
      sourcesContent: LAMBDA_SOURCES_CONTENT,
      target: `node${LAMBDA_NODE_MAJOR}`,
      banner: { js: LAMBDA_ESM_BANNER },
      external: [...LAMBDA_EXTERNAL_MODULES],
      mainFields: ['module', 'main'],
    });
  });

  it('imports it with the NODE_OPTIONS the function is deployed with (source maps on)', () => {
    expect(coldStartEnv()['NODE_OPTIONS']).toBe(LAMBDA_NODE_OPTIONS);
    expect(LAMBDA_NODE_OPTIONS).toContain('--enable-source-maps');
  });

  it('the construct deploys the Node major the bench targets', () => {
    const construct = readFileSync(join(import.meta.dirname, '../../infra/constructs/lambda.ts'), 'utf8');
    expect(construct).toContain(`Runtime.NODEJS_${LAMBDA_NODE_MAJOR}_X`);
    expect(construct).toContain('NODE_OPTIONS: LAMBDA_NODE_OPTIONS');
    expect(construct).toContain('sourceMap: LAMBDA_SOURCE_MAP');
    expect(construct).toContain('sourcesContent: LAMBDA_SOURCES_CONTENT');
  });
});
