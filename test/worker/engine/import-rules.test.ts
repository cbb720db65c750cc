/**
 * The engine core (`worker/engine/*.ts`, not its adapters) is the same code in
 * live trading, paper mode, replay and a backtest: it reaches the world only
 * through the ports and schedules only through the injected clock. These rules
 * are read from the source, so a new import or a global timer fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ENGINE = join(import.meta.dirname, '../../../worker/engine');

const coreFiles = () =>
  readdirSync(ENGINE)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: f, source: readFileSync(join(ENGINE, f), 'utf8') }));

/** Comments and string contents other than module specifiers do not count: strip comments first. */
const withoutComments = (s: string) =>
  s.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

/** Every module specifier: static imports, re-exports, dynamic imports, require. */
function specifiers(source: string): string[] {
  const code = withoutComments(source);
  const out: string[] = [];
  const patterns = [
    /\bimport\s+(?:type\s+)?(?:[\w*{}\s,]+\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?[\w*{}\s,]+\s+from\s+['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[1]!);
  return out;
}

/** What the engine core may not import, and why. */
const FORBIDDEN: { test: (spec: string) => boolean; why: string }[] = [
  { test: (s) => s.startsWith('./adapters/'), why: 'its own adapters (plugged in through the ports)' },
  { test: (s) => /(^|\/)worker\/kalshi\/|^\.\.\/kalshi\//.test(s), why: 'the Kalshi wire clients' },
  { test: (s) => /(^|\/)worker\/dashboard\/|^\.\.\/dashboard\//.test(s), why: 'the dashboard' },
  { test: (s) => s.startsWith('@aws-sdk/') || s === 'aws-sdk', why: 'an AWS SDK' },
  { test: (s) => s === 'ws' || s === 'undici', why: 'a network client' },
  {
    test: (s) => /^(node:)?(fs|fs\/promises|net|http|https|http2|tls|dgram)$/.test(s),
    why: 'a file or socket',
  },
];

/** Global scheduling and wall-clock reads: the injected Clock does both. */
const GLOBAL_TIME =
  /(?<![.\w])(setTimeout|setImmediate|setInterval|queueMicrotask)\s*\(|Date\.now\s*\(|new Date\(\s*\)|performance\.now\s*\(/;

describe('import rules of the engine core', () => {
  it('reads the specifiers of every import form', () => {
    const src = `import a from './a.ts';\nimport type { B } from "../b.ts";\nimport './c.ts';\nexport { d } from './d.ts';\nexport * from './e.ts';\n// import x from 'ws';\nconst f = await import('./f.ts');`;
    expect(specifiers(src)).toEqual(['./a.ts', '../b.ts', './c.ts', './d.ts', './e.ts', './f.ts']);
    expect(FORBIDDEN.some((r) => r.test('./adapters/kalshi-gateway.ts'))).toBe(true);
    expect(FORBIDDEN.some((r) => r.test('../kalshi/ws-client.ts'))).toBe(true);
    expect(FORBIDDEN.some((r) => r.test('@aws-sdk/client-dynamodb'))).toBe(true);
    expect(FORBIDDEN.some((r) => r.test('../../shared/clock.ts'))).toBe(false);
    expect(GLOBAL_TIME.test('this.ports.clock.setTimeout(run, ms)')).toBe(false);
    expect(GLOBAL_TIME.test('setImmediate(() => flush())')).toBe(true);
    expect(GLOBAL_TIME.test('new Date(nowMs).toISOString()')).toBe(false);
  });

  it('the core imports no adapter, wire client, dashboard, AWS SDK, network client, file or socket', () => {
    const files = coreFiles();
    expect(files.map((f) => f.file)).toContain('session.ts');
    const broken = files.flatMap(({ file, source }) =>
      specifiers(source).flatMap((spec) =>
        FORBIDDEN.filter((r) => r.test(spec)).map((r) => `${file} imports ${spec} (${r.why})`),
      ),
    );
    expect(broken).toEqual([]);
  });

  it('the core never schedules on the global timers nor reads the wall clock', () => {
    const broken = coreFiles().flatMap(({ file, source }) =>
      withoutComments(source)
        .split('\n')
        .flatMap((line, i) => (GLOBAL_TIME.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(broken).toEqual([]);
  });
});
