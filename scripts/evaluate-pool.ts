/**
 * The pool `npm run evaluate` runs its (scenario, seed) jobs on: N long-lived
 * child processes (scripts/evaluate-pool-child.ts), each loading the simulator
 * once and running many simulate command lines one after another — the ≈1.2 s
 * of CPU a fresh `tsx` process spends starting up is paid N times, not once per
 * run (issues #13/#20).
 *
 * A run's failure (an error, a liveness-floor miss: exit code ≠ 0) stays that
 * run's. A child that dies mid-run (a crash, out of memory, a kill) fails only
 * the run it held; the next run gets a fresh child.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface PoolRunResult {
  ok: boolean;
  /** The exit code simulate returned; null when the child died. */
  code: number | null;
  stderr: string;
  /** CPU time (user + system) the child spent on the run; absent when it died. */
  cpuMs?: number;
  /** The child's heap in use after the run, MB; absent when it died. */
  heapMb?: number;
}

interface Reply {
  id: number;
  code: number;
  stderr: string;
  cpuMs?: number;
  heapMb?: number;
}

const CHILD = fileURLToPath(new URL('./evaluate-pool-child.ts', import.meta.url));

/**
 * tsx's loader for a TypeScript child: this process's own flags when run through tsx, else
 * `--import tsx`; none for a JavaScript one (the bundled child, scripts/evaluate-bundle.ts).
 */
export function childExecArgv(script: string): string[] {
  if (!script.endsWith('.ts')) return [];
  return process.execArgv.some((a) => a.includes('tsx')) ? [...process.execArgv] : ['--import', 'tsx'];
}

/** One child; runs one request at a time. */
class PoolChild {
  private readonly child: ChildProcess;
  private pending: { id: number; done: (r: PoolRunResult) => void } | null = null;
  /** Runs sent to this child. */
  runs = 0;
  /** Heap in use after its last run, MB. */
  heapMb = 0;
  private stderrTail = '';
  dead = false;

  constructor(script: string) {
    this.child = fork(script, [], {
      execArgv: childExecArgv(script),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: process.env,
    });
    // What the child prints outside a run (a crash's stack) explains its death.
    this.child.stderr?.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-4000);
    });
    this.child.on('message', (m: Reply) => {
      const p = this.pending;
      if (!p || m.id !== p.id) return;
      this.pending = null;
      if (m.heapMb !== undefined) this.heapMb = m.heapMb;
      p.done({
        ok: m.code === 0,
        code: m.code,
        stderr: m.stderr,
        ...(m.cpuMs === undefined ? {} : { cpuMs: m.cpuMs }),
        ...(m.heapMb === undefined ? {} : { heapMb: m.heapMb }),
      });
    });
    const die = (why: string) => {
      if (this.dead) return;
      this.dead = true;
      const p = this.pending;
      this.pending = null;
      p?.done({ ok: false, code: null, stderr: `${this.stderrTail}\n${why}`.trim() });
    };
    this.child.on('exit', (code, signal) =>
      die(`evaluate child exited (${signal ? `signal ${signal}` : `code ${code}`}) during the run`),
    );
    this.child.on('error', (e) => die(`evaluate child: ${e.message}`));
  }

  run(id: number, argv: string[]): Promise<PoolRunResult> {
    return new Promise((done) => {
      this.pending = { id, done };
      this.runs++;
      this.stderrTail = '';
      this.child.send({ id, argv }, (e) => {
        if (e && this.pending?.id === id) {
          this.pending = null;
          this.dead = true;
          done({ ok: false, code: null, stderr: `evaluate child: ${e.message}` });
        }
      });
    });
  }

  /** Forced kill (tests: a child that dies mid-run). */
  kill(): void {
    this.child.kill('SIGKILL');
  }

  /** Lets the child exit once idle; resolves when it has. */
  close(): Promise<void> {
    if (this.dead || this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
    if (this.child.connected) this.child.disconnect();
    return exited;
  }
}

/**
 * N slots, each with its own child; a slot whose child died gets a new one for
 * its next run. `run` resolves once the run is done; callers keep at most
 * `size` runs in flight (one per slot).
 */
export class SimulatePool {
  private readonly slots: (PoolChild | null)[];
  private readonly free: number[];
  private nextId = 1;
  /** Children started over the pool's life (N, plus one per replacement). */
  started = 0;

  constructor(
    readonly size: number,
    /**
     * Runs a child serves before it is replaced, whatever its heap. A fresh child pays its JIT
     * warm-up again (its first run ≈ 2.5× a warm one): that, not the start, is what a
     * replacement costs, so children are replaced on their heap (below), and this is a backstop.
     */
    private readonly maxRunsPerChild = 400,
    private readonly script: string = CHILD,
    /**
     * Heap in use (MB) after a run past which the child is replaced before its next run: a
     * child's heap grows a few MB a run (≈3 MB on the one-game fixture), so a long evaluation
     * recycles children rather than trusting GC, but only once that growth matters.
     */
    private readonly maxHeapMb = 1024,
  ) {
    this.slots = Array.from({ length: size }, () => null);
    this.free = Array.from({ length: size }, (_, i) => i);
  }

  /** Runs `simulate` with these arguments in a free child. */
  async run(argv: string[]): Promise<PoolRunResult> {
    const slot = this.free.shift();
    if (slot === undefined) throw new Error('SimulatePool: more runs in flight than children');
    let child = this.slots[slot];
    if (child && !child.dead && (child.runs >= this.maxRunsPerChild || child.heapMb >= this.maxHeapMb)) {
      await child.close();
      child = null;
    }
    if (!child || child.dead) {
      child = new PoolChild(this.script);
      this.started++;
      this.slots[slot] = child;
    }
    try {
      return await child.run(this.nextId++, argv);
    } finally {
      this.free.push(slot);
    }
  }

  /** Kills every child now (tests: a crash while a run is in flight). */
  killAll(): void {
    for (const c of this.slots) c?.kill();
  }

  /** Lets every child exit once idle; resolves when all have (so none outlives evaluate). */
  async close(): Promise<void> {
    await Promise.all(this.slots.map((c) => c?.close()));
  }
}
