/**
 * `npm run simulate` as a user runs it, on a one-game scenario: ours and both
 * baselines run on the same seed (the in-process backtest by default, the
 * paper stack over sockets with `--transport socket`), and the report
 * directory holds a scoreboard with every field issue #7 lists, per strategy,
 * and an HTML report.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

const FIELDS = [
  'pnl_realized',
  'pnl_marked',
  'fills',
  'contracts_traded',
  'max_abs_inventory',
  'inventory_limit',
  'time_at_limit_share',
  'adverse_selection',
  'writes_per_requote',
  'orders_after_stop',
  'invariant_violations',
  'reconnects',
  'book_resyncs',
  'book_mismatches',
  // The ruler: fills against the scenario's true probability.
  'truth_marked_pnl',
  'edge_at_fill',
  'markout_10s',
  'markout_60s',
  'markout_5m',
];

describe('npm run simulate end to end', () => {
  it('writes scoreboard.json (ours + baselines, every field numeric) and report.html', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kmm-sim-'));
    const { stdout, stderr } = await run(
      'npm',
      [
        'run',
        'simulate',
        '--',
        '--scenario',
        'test/scripts/fixtures/tiny-scenario.json',
        '--seed',
        '5',
        '--report',
        dir,
      ],
      { cwd: root, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } },
    );
    expect(stderr).toMatch(/\[1\/4\] ours .*done in/);
    expect(stderr).toMatch(/\[3\/4\] top-of-book .*done in/);
    expect(stderr).toMatch(/\[4\/4\] oracle .*done in/);
    const board = JSON.parse(readFileSync(join(dir, 'scoreboard.json'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    expect(Object.keys(board)).toEqual(['ours', 'fixed-spread', 'top-of-book', 'oracle']);
    for (const [name, score] of Object.entries(board)) {
      for (const f of FIELDS) expect(typeof score[f], `${name}.${f}`).toBe('number');
      // Safety invariants hold for every strategy: they all run through the same risk gate.
      expect(score.orders_after_stop, name).toBe(0);
      expect(score.invariant_violations, name).toBe(0);
      expect(score.inventory_limit as number).toBeGreaterThan(0);
      // The ruler splits what the whole says.
      const ruler = score.ruler as { fills: number; byCounterparty: Record<string, { fills: number }> };
      expect(ruler.fills).toBe(score.fills);
      expect(Object.values(ruler.byCounterparty).reduce((n, a) => n + a.fills, 0)).toBe(score.fills);
      // Liveness (issue #12): quoting uptime and games by reason, per strategy.
      expect(score.quoting_uptime as number, name).toBeGreaterThanOrEqual(0);
      expect(score.quoting_uptime as number, name).toBeLessThanOrEqual(1);
      const liveness = score.liveness as {
        min_game_uptime: number;
        game_seconds_by_reason: Record<string, number>;
        games_by_reason: Record<string, number>;
        violations: string[];
      };
      expect(liveness.min_game_uptime, name).toBeLessThanOrEqual(score.quoting_uptime as number);
      expect(Object.keys(liveness.game_seconds_by_reason), name).toContain('outside-window');
      expect(
        Object.values(liveness.games_by_reason).reduce((a, b) => a + b, 0),
        name,
      ).toBe(1);
      expect(score.max_abs_inventory as number).toBeLessThanOrEqual(score.inventory_limit as number);
    }
    expect((board.ours!.fills as number) + (board['fixed-spread']!.fills as number)).toBeGreaterThan(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<th>ours</th><th>fixed-spread</th><th>top-of-book</th>');
    expect(html).toContain('<svg');
    expect(stdout).toContain('PnL marked $');
    expect(stdout).toContain('truth-marked $');
    expect(stdout).toContain('quoting uptime');
    // The run passed, so ours met the liveness floor.
    expect(board.ours!.liveness).toMatchObject({ violations: [] });
  }, 240_000);

  it('--transport socket keeps the paper stack over loopback sockets in lockstep (the integration path)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kmm-sim-socket-'));
    const { stderr } = await run(
      'npm',
      [
        'run',
        'simulate',
        '--',
        '--scenario',
        'test/scripts/fixtures/tiny-scenario.json',
        '--seed',
        '5',
        '--no-baselines',
        '--transport',
        'socket',
        '--report',
        dir,
      ],
      { cwd: root, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } },
    );
    expect(stderr).toMatch(/\[1\/1\] ours .*done in/);
    const board = JSON.parse(readFileSync(join(dir, 'scoreboard.json'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    expect(Object.keys(board)).toEqual(['ours']);
    for (const f of FIELDS) expect(typeof board.ours![f], f).toBe('number');
    expect(board.ours!.orders_after_stop).toBe(0);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('loopback sockets, lockstep');
  }, 240_000);

  it('a bad option exits 2 naming it', async () => {
    const err = await run('npx', ['tsx', 'scripts/simulate.ts', '--speed', 'warp'], { cwd: root }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr).toMatch(/--speed/);
  });
});
