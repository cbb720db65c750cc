/**
 * `npm run evaluate`'s pool (scripts/evaluate-pool.ts): runs in long-lived
 * children give exactly the scoreboards of separate `simulate` processes, a run
 * gives the same scoreboard first or fifth in its child (nothing leaks between
 * runs), and a child that dies fails only the run it held.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as evaluate, pointsOf, simulateArgv, truthAtStop } from '../../scripts/evaluate.ts';
import { bundleChild, pinImportMeta } from '../../scripts/evaluate-bundle.ts';
import { SimulatePool } from '../../scripts/evaluate-pool.ts';
import { loadEngineConfig } from '../../scripts/paper/config-file.ts';
import { evaluateScenario } from '../../sim/scenario/evaluation.ts';

const root = resolve(__dirname, '../..');
const fixture = join(root, 'test/scripts/fixtures/tiny-scenario.json');
const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'kmm-pool-test-'));
const board = (dir: string) => readFileSync(join(dir, 'scoreboard.json'), 'utf8');
const job = (seed: number, name: string) => ({ scenario: fixture, seed, dir: join(tmp, name) });
const quiet = () => ({ write: () => true });

// Reference: `npm run simulate` for seeds 1 and 2, each in a process of its own (today's evaluate),
// and its exit code (1 when ours misses the liveness floor on this tiny game: the scoreboard is written).
const refCode: Record<number, number> = {};
beforeAll(async () => {
  await Promise.all(
    [1, 2].map(async (seed) => {
      refCode[seed] = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          'scripts/simulate.ts',
          ...simulateArgv(job(seed, `ref-${seed}`), undefined, 'backtest'),
        ],
        { cwd: root },
      ).then(
        () => 0,
        (e: { code?: number }) => e.code ?? -1,
      );
    }),
  );
  expect([0, 1]).toContain(refCode[1]);
  expect([0, 1]).toContain(refCode[2]);
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('evaluate pool', () => {
  it('gives a run the same scoreboard as its own simulate process, first or fifth in its child', async () => {
    const pool = new SimulatePool(1);
    try {
      const order = [1, 2, 2, 2, 1];
      for (const [i, seed] of order.entries()) {
        const r = await pool.run(simulateArgv(job(seed, `pool-${i}`), undefined, 'backtest'));
        expect(r.code).toBe(refCode[seed]); // a liveness-floor miss stays that run's, the child runs on
      }
      expect(pool.started).toBe(1); // every run in the one child
      expect(board(join(tmp, 'pool-0'))).toBe(board(join(tmp, 'ref-1')));
      expect(board(join(tmp, 'pool-4'))).toBe(board(join(tmp, 'ref-1'))); // fifth in the child
      expect(board(join(tmp, 'pool-1'))).toBe(board(join(tmp, 'ref-2')));
      expect(board(join(tmp, 'pool-3'))).toBe(board(join(tmp, 'ref-2')));
    } finally {
      await pool.close();
    }
  }, 300_000);

  it('runs the bundled child on bare node (no tsx) to the same scoreboards', async () => {
    const bundle = await bundleChild(`test-${process.pid}`);
    expect(bundle).not.toBeNull();
    expect(readFileSync(bundle!.script, 'utf8')).not.toMatch(/__name\(/); // no keepNames wrappers
    const pool = new SimulatePool(1, 40, bundle!.script);
    try {
      for (const seed of [1, 2]) {
        const r = await pool.run(simulateArgv(job(seed, `bundle-${seed}`), undefined, 'backtest'));
        expect(r.code, r.stderr).toBe(refCode[seed]);
        expect(board(join(tmp, `bundle-${seed}`))).toBe(board(join(tmp, `ref-${seed}`)));
      }
      expect(pool.started).toBe(1);
    } finally {
      await pool.close();
      bundle!.remove();
    }
  }, 300_000);

  it('pins import.meta to the source module, so a bundled module still finds its own files', () => {
    const pinned = pinImportMeta(
      'const a = new URL(".", import.meta.url); const b = import.meta.dirname;',
      '/repo/sim/main.ts',
    );
    expect(pinned).toBe('const a = new URL(".", "file:///repo/sim/main.ts"); const b = "/repo/sim";');
  });

  it('evaluates 2 seeds through the pool to the figures of separate simulate processes', async () => {
    const out = join(tmp, 'eval');
    const code = await evaluate(['--scenarios', fixture, '--seeds', '1-2', '--jobs', '2', '--out', out], {
      out: quiet(),
      err: quiet(),
    });
    const failed = [1, 2].filter((seed) => refCode[seed] !== 0);
    expect(code).toBe(failed.length > 0 ? 1 : 0);
    const doc = JSON.parse(readFileSync(join(out, 'evaluation.json'), 'utf8'));
    const name = 'tiny-scenario';
    const points = [1, 2].flatMap((seed) =>
      pointsOf(name, seed, JSON.parse(board(join(tmp, `ref-${seed}`)))),
    );
    const stopMarginMs = loadEngineConfig(undefined).stopMarginMs;
    const calibration = [1, 2].flatMap((seed) => truthAtStop(fixture, seed, stopMarginMs));
    const expected = JSON.parse(JSON.stringify([evaluateScenario(name, points, calibration)]));
    expect(doc.failures).toHaveLength(failed.length);
    expect(doc.scenarios).toEqual(expected);
    expect(board(join(out, 'runs', name, '2'))).toBe(board(join(tmp, 'ref-2')));
  }, 300_000);

  it('fails only the run whose child died, and gives the next run a new child', async () => {
    const pool = new SimulatePool(1);
    try {
      const dying = pool.run(simulateArgv(job(1, 'dies'), undefined, 'backtest'));
      pool.killAll();
      const r = await dying;
      expect(r.ok).toBe(false);
      expect(r.code).toBeNull();
      expect(r.stderr).toMatch(/evaluate child/); // exited (SIGKILL), or the send to it failed
      const next = await pool.run(simulateArgv(job(2, 'after'), undefined, 'backtest'));
      expect(next.code).toBe(refCode[2]);
      expect(pool.started).toBe(2);
      expect(board(join(tmp, 'after'))).toBe(board(join(tmp, 'ref-2')));
    } finally {
      await pool.close();
    }
  }, 300_000);

  it('reports a run that fails in the child as that run failed, and the child runs on', async () => {
    const pool = new SimulatePool(1);
    try {
      const bad = await pool.run([
        '--scenario',
        join(tmp, 'no-such-scenario.json'),
        '--report',
        join(tmp, 'bad'),
      ]);
      expect(bad.ok).toBe(false);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/no-such-scenario/);
      const next = await pool.run(simulateArgv(job(1, 'after-bad'), undefined, 'backtest'));
      expect(next.code).toBe(refCode[1]);
      expect(board(join(tmp, 'after-bad'))).toBe(board(join(tmp, 'ref-1')));
      expect(pool.started).toBe(1);
    } finally {
      await pool.close();
    }
  }, 300_000);

  it('replaces a child whose heap passed its budget after a run, the next run unchanged', async () => {
    const pool = new SimulatePool(1, 400, undefined, 0); // any heap is past a budget of 0 MB
    try {
      const first = await pool.run(simulateArgv(job(2, 'heap-0'), undefined, 'backtest'));
      expect(first.heapMb).toBeGreaterThan(0);
      const second = await pool.run(simulateArgv(job(1, 'heap-1'), undefined, 'backtest'));
      expect(second.code).toBe(refCode[1]);
      expect(pool.started).toBe(2); // a fresh child for the second run
      expect(board(join(tmp, 'heap-1'))).toBe(board(join(tmp, 'ref-1')));
    } finally {
      await pool.close();
    }
  }, 300_000);

  it('replaces a child after its run budget, the next run unchanged', async () => {
    const pool = new SimulatePool(1, 1);
    try {
      await pool.run(simulateArgv(job(2, 'budget-0'), undefined, 'backtest'));
      const second = await pool.run(simulateArgv(job(1, 'budget-1'), undefined, 'backtest'));
      expect(second.code).toBe(refCode[1]);
      expect(pool.started).toBe(2); // a fresh child for the second run
      expect(board(join(tmp, 'budget-1'))).toBe(board(join(tmp, 'ref-1')));
    } finally {
      await pool.close();
    }
  }, 300_000);
});
