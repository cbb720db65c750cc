/**
 * The architecture's rings, enforced: pure `shared/` depends on nothing else;
 * `functions/` and `worker/` never import each other; `sim/` shares only the
 * wire schemas and units with the rest, so a simulator bug cannot hide a
 * matching bug in the code it is meant to check.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  const abs = join(root, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(abs, name);
    if (statSync(path).isDirectory()) return sourceFiles(relative(root, path));
    return /\.(ts|mts|js|mjs)$/.test(name) ? [relative(root, path)] : [];
  });
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Relative imports of a file, resolved to repository paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    if (spec?.startsWith('.')) out.push(relative(root, resolve(root, dirname(file), spec)));
  }
  return out;
}

const topOf = (path: string) => path.split('/')[0] ?? '';
const isSharedWireFile = (path: string) =>
  path === 'shared/units.ts' ||
  // The one command-line helper: option parsing, no trading logic.
  path === 'shared/cli.ts' ||
  // The closed set of quoting reasons: vocabulary the simulator's liveness invariants speak, no logic.
  path === 'shared/liveness/quoting-state.ts' ||
  // Yardsticks, no pricing model: the ruler scores simulated fills with the markouts and calibration
  // table the live worker reports, so a simulated and a live figure mean the same thing.
  path === 'shared/pnl/markout.ts' ||
  path === 'shared/pnl/calibration.ts' ||
  /^shared\/.*schemas?(\/.*)?(\.ts)?$/.test(path) ||
  /^shared\/.*schemas?\.ts$/.test(path);

function violations(dir: string, forbidden: (target: string) => boolean): string[] {
  return sourceFiles(dir).flatMap((file) =>
    importsOf(file)
      .filter(forbidden)
      .map((target) => `${file} → ${target}`),
  );
}

describe('architecture rings', () => {
  it('shared/ imports nothing from worker/, functions/, sim/, infra/ or scripts/', () => {
    const bad = violations('shared', (t) =>
      ['worker', 'functions', 'sim', 'infra', 'scripts'].includes(topOf(t)),
    );
    expect(bad).toEqual([]);
  });

  it('functions/ and worker/ never import each other, nor the simulator', () => {
    expect(violations('functions', (t) => ['worker', 'sim', 'scripts'].includes(topOf(t)))).toEqual([]);
    expect(violations('worker', (t) => ['functions', 'sim', 'scripts'].includes(topOf(t)))).toEqual([]);
  });

  it('infra/ deploys code but does not import the trading process or the simulator', () => {
    expect(violations('infra', (t) => ['worker', 'sim'].includes(topOf(t)))).toEqual([]);
  });

  it('sim/ shares only wire schemas and units with the rest', () => {
    const bad = violations('sim', (t) => {
      const top = topOf(t);
      if (top === 'sim') return false;
      if (top === 'shared') return !isSharedWireFile(t);
      return true;
    }).filter((v) => !v.startsWith('sim/backtest/'));
    expect(bad).toEqual([]);
  });

  it('sim/backtest/ is the harness joining the simulator and the worker: nothing else in sim/ imports it', () => {
    // It plugs the real worker into the simulator in process (as scripts/paper/ does over sockets).
    const bad = violations('sim', (t) => t.startsWith('sim/backtest/')).filter(
      (v) => !v.startsWith('sim/backtest/'),
    );
    expect(bad).toEqual([]);
  });

  it('the checker itself sees imports (guards against a vacuous pass)', () => {
    expect(importsOf('test/shared/units.test.ts')).toContain('shared/units.ts');
  });
});
