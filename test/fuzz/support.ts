/**
 * Fuzzing helpers: an arbitrary that mutates a valid JSON document (the
 * inputs most likely to get past a parser's first checks), and the case tally
 * every fuzz file reports so the total can be printed.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

/** Any JSON-ish value, including the awkward ones (huge numbers, NaN-like strings, deep nesting). */
export const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    0.1 + 0.2,
    '',
    'NaN',
    'Infinity',
    '-0',
    '1e999',
    '0.00000001',
    '99999999999999999999.99',
    '__proto__',
    'constructor',
    '\u0000',
    '<script>alert(1)</script>',
    '1.2.3',
    '-0.50',
    '0.5',
    '100.00',
  ),
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function paths(
  v: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) for (const [i, x] of v.entries()) paths(x, [...prefix, i], out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown, mode: 'set' | 'delete'): unknown {
  if (path.length === 0) return mode === 'delete' ? undefined : value;
  const clone = structuredClone(root) as Record<string | number, unknown>;
  let node = clone;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (mode === 'delete') {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
  return clone;
}

/** 1–4 mutations (replace a value anywhere, delete a key/element, add a stray key) of `seed`. */
export function mutated(seed: Json): fc.Arbitrary<unknown> {
  const all = paths(seed);
  const one = fc.tuple(
    fc.nat(all.length - 1),
    fc.constantFrom('set', 'delete', 'add') as fc.Arbitrary<'set' | 'delete' | 'add'>,
    hostileLeaf,
  );
  return fc.array(one, { minLength: 1, maxLength: 4 }).map((ops) => {
    let doc: unknown = structuredClone(seed);
    for (const [i, mode, value] of ops) {
      const live = paths(doc);
      const p = live[i % live.length]!;
      if (mode === 'add') {
        const target = p.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], doc);
        doc =
          target && typeof target === 'object' && !Array.isArray(target)
            ? setAt(doc, [...p, `x${i}`], value, 'set')
            : setAt(doc, p, value, 'set');
        continue;
      }
      doc = setAt(doc, p, value, mode);
    }
    return doc;
  });
}

/** Text a socket might deliver: JSON of mutated seeds, random JSON, random strings, truncations. */
export function hostileText(seeds: readonly Json[]): fc.Arbitrary<string> {
  const text = seeds.map((s) => JSON.stringify(s));
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.oneof(...seeds.map((s) => mutated(s))).map((v) => JSON.stringify(v) ?? 'undefined'),
    },
    { weight: 1, arbitrary: fc.json() },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...text), fc.nat())
        .map(([t, n]) => t.slice(0, n % Math.max(1, t.length))),
    },
  );
}

const TALLY_DIR = join(import.meta.dirname, '../../test-artifacts/fuzz');

/** Records how many cases a fuzz file ran; returns the total over every file recorded so far. */
export function recordCases(file: string, cases: number): number {
  mkdirSync(TALLY_DIR, { recursive: true });
  writeFileSync(join(TALLY_DIR, `${file}.json`), JSON.stringify({ file, cases }));
  let total = 0;
  for (const f of readdirSync(TALLY_DIR))
    if (f.endsWith('.json'))
      total += (JSON.parse(readFileSync(join(TALLY_DIR, f), 'utf8')) as { cases: number }).cases;
  console.log(`fuzz: ${file} ran ${cases} cases (all fuzz files so far: ${total})`);
  return total;
}

export function fixture(dir: 'kalshi' | 'odds', name: string): Json {
  return JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures', dir, name), 'utf8')) as Json;
}

export type { Json };
