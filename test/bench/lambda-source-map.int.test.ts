/**
 * The deployed Lambda's source map (lambda-bundling.ts): mappings and names without a copy of every
 * bundled source (sourcesContent), so Node reads a third of the bytes at init, and a stack trace in the
 * logs still names our source file and line — what operators need the map for.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coldStartEnv, deployedBuildOptions } from '../../bench/lambdas.ts';

const dir = mkdtempSync(join(tmpdir(), 'kalshi-mm-lambda-map-'));

beforeAll(async () => {
  await build(deployedBuildOptions([join(process.cwd(), 'functions/odds-poll.ts')], dir));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('deployed Lambda source map', () => {
  it('maps our sources without embedding their text', () => {
    const map = JSON.parse(readFileSync(join(dir, 'odds-poll.mjs.map'), 'utf8')) as {
      sources: string[];
      sourcesContent?: unknown;
      mappings: string;
    };
    expect(map.sourcesContent).toBeUndefined();
    expect(map.sources.some((s) => s.endsWith('functions/odds-poll.ts'))).toBe(true);
    expect(map.mappings.length).toBeGreaterThan(0);
  });

  it('a handler error’s stack, under the deployed NODE_OPTIONS, names our .ts source and line', () => {
    const script = join(dir, 'invoke.mjs');
    writeFileSync(
      script,
      `const m = await import(${JSON.stringify(pathToFileURL(join(dir, 'odds-poll.mjs')).href)});\n` +
        'try { await m.handler({}); console.log("no error"); } catch (e) { console.log(e.stack); }\n',
    );
    // A bad environment (no secret ARN): the handler throws from our code before any AWS call.
    const out = execFileSync(process.execPath, [script], {
      env: { ...coldStartEnv(), TABLE_NAME: 'kalshi-mm', AWS_REGION: 'us-east-1' },
      encoding: 'utf8',
    });
    expect(out).toMatch(/invalid Lambda environment/);
    expect(out).toMatch(/functions\/[\w/.-]+\.ts:\d+:\d+/);
  });
});
