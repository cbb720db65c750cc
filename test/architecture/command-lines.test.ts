/**
 * One way of reading a command line (issue #15): every entry point of scripts/, sim/, worker/,
 * shared/ and bench/ reads its flags through shared/cli.ts (parseArgs + zod, the shared --help,
 * exit 2 with one line). Nothing else parses process.argv or calls parseArgs by hand.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const DIRS = ['scripts', 'sim', 'worker', 'shared', 'bench'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path);
    return /\.(ts|mts)$/.test(name) ? [path] : [];
  });
}

describe('command lines', () => {
  it('only shared/cli.ts reads argv or calls parseArgs', () => {
    const offenders: string[] = [];
    for (const file of DIRS.flatMap((d) => sources(join(root, d)))) {
      const rel = relative(root, file);
      if (rel === 'shared/cli.ts') continue;
      const text = readFileSync(file, 'utf8');
      // argv[1] (which script node started) is how an entry point knows it is one; flags are argv[2…].
      if (/process\.argv(\.slice\(\s*2\s*\)|\[\s*[2-9]\s*\])/.test(text) || /\bparseArgs\s*\(/.test(text))
        offenders.push(rel);
    }
    expect(offenders).toEqual([]);
  });
});
