/**
 * The deployed artifact, not just the source: each handler bundled the way the
 * CDK app bundles it (esbuild, ESM, createRequire banner, AWS SDK clients
 * bundled, only the credential chain past env credentials external),
 * then imported as an ES module and invoked. Catches ESM/CommonJS bundling
 * mistakes that unit tests of the source cannot see.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_EXTERNAL_MODULES } from '../../infra/constructs/lambda-bundling.ts';

const dir = mkdtempSync(join(tmpdir(), 'kalshi-mm-bundle-'));
const entries = ['odds-poll', 'odds-refresh', 'kill-switch'] as const;
const savedEnv = { ...process.env };

beforeAll(async () => {
  await build({
    entryPoints: entries.map((e) => `functions/${e}.ts`),
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    external: [...LAMBDA_EXTERNAL_MODULES],
    logLevel: 'silent',
    // Resolve the few externals from the repository's node_modules, as the Lambda runtime provides them.
    nodePaths: [join(process.cwd(), 'node_modules')],
  });
});
afterAll(() => {
  process.env = savedEnv;
  rmSync(dir, { recursive: true, force: true });
});

let instance = 0;
type HandlerModule = { handler: (event: unknown) => Promise<unknown> };
const load = async (name: string): Promise<HandlerModule> =>
  (await import(`${pathToFileURL(join(dir, `${name}.mjs`)).href}?i=${instance++}`)) as HandlerModule;

describe('bundled handlers', () => {
  it('each loads as ESM and refuses to start on a bad environment, naming the variables', async () => {
    process.env = { ...savedEnv, TABLE_NAME: 'kalshi-mm', AWS_REGION: 'us-east-1' };
    for (const name of entries) {
      const mod = await load(name);
      await expect(mod.handler({})).rejects.toThrow(
        /invalid Lambda environment: .*(ODDS_API_KEY_SECRET_ARN|KALSHI_SECRET_ARN)/,
      );
    }
  });

  it('with a valid environment, a bad event is rejected before any AWS call', async () => {
    process.env = {
      ...savedEnv,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'none',
      AWS_SECRET_ACCESS_KEY: 'none',
      TABLE_NAME: 'kalshi-mm',
      ODDS_API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:odds',
      ODDS_BOOKMAKERS: 'pinnacle,draftkings',
      ODDS_SPORTS: '[{"sportKey":"basketball_nba","priority":1,"minCredits":0}]',
      KALSHI_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:kalshi',
      KALSHI_REST_URL: 'https://external-api.demo.kalshi.co/trade-api/v2',
      POWERTOOLS_DEV: 'true',
    };
    await expect((await load('odds-poll')).handler({ trigger: 'never' })).rejects.toThrow(
      /invalid odds-poll event/,
    );
    // A manual payload's typo is answered, not thrown (no error alarm, no page).
    expect(await (await load('odds-refresh')).handler({ eventId: 'x' })).toMatchObject({
      status: 'invalid',
      error: expect.stringMatching(/invalid odds-refresh event/),
    });
    expect(await (await load('kill-switch')).handler({ action: 'kill' })).toMatchObject({
      status: 'invalid',
      error: expect.stringMatching(/invalid kill-switch event/),
    });
  });
});

/**
 * Bundle composition, from esbuild's metafile with the deployed options
 * (infra/constructs/lambda.ts: ESM, minified, AWS SDK clients bundled). Sizes are
 * deterministic for a given lockfile, so they are asserted; timings never are.
 *
 * zod: `import { z } from 'zod'` binds zod's re-exported namespace object,
 * which esbuild cannot tree-shake (every schema type, JSON-schema conversion
 * and all ~45 locales: 444 KB minified); `import * as z from 'zod'` is the
 * same API and types, and esbuild keeps only what is used (≈ 100 KB). A new
 * value import of `{ z }` on a Lambda path fails this test.
 */
describe('bundle composition (minified, as deployed)', () => {
  const sizes = new Map<
    string,
    { total: number; byPackage: Map<string, number>; locales: string[]; staticExternals: string[] }
  >();
  beforeAll(async () => {
    const built = await build({
      entryPoints: entries.map((e) => `functions/${e}.ts`),
      outdir: join(dir, 'min'),
      outExtension: { '.js': '.mjs' },
      bundle: true,
      minify: true,
      metafile: true,
      write: false,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      mainFields: ['module', 'main'],
      banner: {
        js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
      external: [...LAMBDA_EXTERNAL_MODULES],
      logLevel: 'silent',
    });
    for (const [file, out] of Object.entries(built.metafile.outputs)) {
      const name = entries.find((e) => file.endsWith(`/${e}.mjs`));
      if (!name) continue;
      const byPackage = new Map<string, number>();
      for (const [path, { bytesInOutput }] of Object.entries(out.inputs)) {
        const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? '(ours)';
        byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytesInOutput);
      }
      const locales = Object.keys(out.inputs)
        .map((p) => /zod\/v4\/locales\/([^/]+)\.js$/.exec(p)?.[1])
        .filter((l): l is string => l !== undefined && l !== 'index');
      const staticExternals = out.imports
        .filter((i) => i.external && i.kind !== 'dynamic-import' && i.path.startsWith('@aws-sdk/'))
        .map((i) => i.path);
      sizes.set(name, { total: out.bytes, byPackage, locales, staticExternals });
    }
  });

  it.each(entries)(
    '%s: zod is tree-shaken (≤ 150 KB, was 444 KB) and no zod locale but en is bundled',
    (name) => {
      const s = sizes.get(name)!;
      expect((s.byPackage.get('zod') ?? 0) / 1024).toBeLessThanOrEqual(150);
      expect(s.locales).toEqual(['en']);
    },
  );

  it.each(entries)('%s: fits the issue budget of 500 KB and carries no undici', (name) => {
    // undici (522 KB) stays with the worker (worker/kalshi/undici-transport.ts): the odds client and
    // the kill switch's REST client use Node's built-in fetch (kill switch: 700 KB → 177 KB).
    const s = sizes.get(name)!;
    expect(s.byPackage.get('undici') ?? 0).toBe(0);
    expect(s.total / 1024).toBeLessThanOrEqual(500);
  });

  it.each(entries)(
    '%s: carries its AWS SDK clients, and reaches what stays external only through import()',
    (name) => {
      // Resolving the runtime's SDK was most of the cold start (BENCHMARKS.md); what stays external is
      // the credential chain past env credentials, which Lambda never needs. A static import of it
      // would make every cold start depend on the runtime's copy.
      const s = sizes.get(name)!;
      const sdkBytes = [...s.byPackage].filter(([p]) => p.startsWith('@aws-sdk/client-'));
      expect(sdkBytes.length).toBeGreaterThan(0);
      expect(s.staticExternals).toEqual([]);
    },
  );
});
