/**
 * `npm start` as a user runs it: spawned, waits for the dashboard URL, the
 * page and the state answer with live games, SIGINT stops it (kill switch
 * first), and afterwards no process of its tree and none of its ports remain.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.ts';

const root = resolve(import.meta.dirname, '../..');
let child: ChildProcess | null = null;

afterAll(() => {
  try {
    if (child?.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone: the expected case
  }
});

/** Every descendant pid of `pid` (Linux /proc via ps). */
function descendants(pid: number): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const line of out.trim().split('\n')) {
    const [p, pp] = line.trim().split(/\s+/).map(Number) as [number, number];
    children.set(pp, [...(children.get(pp) ?? []), p]);
  }
  const all: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      all.push(c);
      walk(c);
    }
  };
  walk(pid);
  return all;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const portOpen = (port: number) =>
  new Promise<boolean>((res) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });

describe('npm start end to end', () => {
  it('bad options stop before anything starts, naming the option, exit 2', () => {
    const r = (() => {
      try {
        execFileSync('npx', ['tsx', 'scripts/start.ts', '--speed', 'fast'], {
          cwd: root,
          encoding: 'utf8',
          stdio: 'pipe',
        });
        return { status: 0, stderr: '' };
      } catch (err) {
        const e = err as { status: number; stderr: string };
        return { status: e.status, stderr: e.stderr };
      }
    })();
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--speed/);
  });

  it('starts, serves live quotes on the dashboard, and stops cleanly on SIGINT', async () => {
    child = spawn('npm', ['start', '--', '--port', '0', '--speed', '5'], {
      cwd: root,
      detached: true, // own process group: the test can find and, if needed, kill the whole tree
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stdout!.setEncoding('utf8');
    const url = await new Promise<string>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`no dashboard URL within 60 s:\n${stderr}`)), 60_000);
      const onData = (d: string) => {
        stderr += d;
        const m = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)#token=([\w-]+)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          res(m[1]!);
        }
      };
      child!.stderr!.on('data', onData);
      child!.stdout!.on('data', onData);
      child!.once('exit', (code) => rej(new Error(`exited ${code} before ready:\n${stderr}`)));
    });
    const port = Number(new URL(url).port);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('kalshi-mm');

    // Live quotes: some game shows one of our quotes (a 60 s hang guard: a loaded machine outlasted 40 tries).
    const quoted = async () => {
      const body = (await (await fetch(new URL('/api/state', url))).json()) as {
        state: { games: { markets: { ours: { bid: unknown; ask: unknown } }[] }[] };
      };
      return body.state.games.some((g) => g.markets.some((m) => m.ours.bid || m.ours.ask));
    };
    await waitFor(quoted, {
      what: 'a quote of ours on the dashboard',
      timeoutMs: 60_000,
      everyMs: 500,
    }).catch((e: unknown) => {
      throw new Error(`${(e as Error).message}\n${stderr}`);
    });

    const tree = [child.pid!, ...descendants(child.pid!)];
    expect(tree.length).toBeGreaterThan(1);
    // 'close' comes once every process holding the output pipes has exited: the whole tree.
    const closed = new Promise<{ code: number | null; signal: string | null }>((res) =>
      child!.once('close', (code, signal) => res({ code, signal })),
    );
    process.kill(-child.pid!, 'SIGINT'); // what Ctrl-C in a terminal does: the whole process group
    const { code, signal } = await closed;
    // npm itself may die of the SIGINT it was sent; the program under it must have stopped in order.
    expect(code === 0 || signal === 'SIGINT', `${code} ${signal}\n${stderr}`).toBe(true);
    expect(stderr).toMatch(/SIGINT: kill switch/);
    expect(stderr).toMatch(/flat: no resting orders left; everything stopped/);
    expect(tree.filter(alive)).toEqual([]);
    expect(await portOpen(port)).toBe(false);
  }, 180_000);
});
