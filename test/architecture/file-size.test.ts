/**
 * No file of the engine past 500 lines (the project's rule, issue #20's "done
 * when"): a file that big is doing several jobs. The engine's files are the
 * trading session's middle, worker/engine/ and its adapters.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const MAX_LINES = 500;

function tsFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) return tsFiles(rel);
    return name.endsWith('.ts') ? [rel] : [];
  });
}

const linesOf = (file: string) => readFileSync(join(root, file), 'utf8').split('\n').length - 1;

describe('engine file size', () => {
  const files = tsFiles('worker/engine');

  it('sees the engine (guards against a vacuous pass)', () => {
    expect(files).toContain(join('worker', 'engine', 'session.ts'));
    expect(files.length).toBeGreaterThan(20);
  });

  it(`no file in worker/engine/ is over ${MAX_LINES} lines`, () => {
    const over = files
      .map((f) => ({ file: relative(root, join(root, f)), lines: linesOf(f) }))
      .filter((f) => f.lines > MAX_LINES);
    expect(over).toEqual([]);
  });
});
