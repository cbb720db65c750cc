/**
 * A long-lived `npm run evaluate` child (scripts/evaluate-pool.ts): loads
 * `simulate` once, then runs one simulate command line per message from the
 * parent, one after another, in this process — exactly what `npm run simulate`
 * with those arguments would do (same code path, same scoreboard.json), without
 * paying the transpile and module loading again for every (scenario, seed).
 *
 * Message in: `{ id, argv }`. Message out: `{ id, code, stderr, cpuMs, heapMb }` — simulate's
 * exit code, the tail of what it wrote to stderr, the CPU the run took and the heap in use after it. A throw that escapes a run
 * kills this child; the pool reports that run failed and starts a new child.
 */
import { memoiseStrikeTheos } from '../shared/pricing/strike-theo.ts';
import { main as simulate } from './simulate.ts';

// The strategies of a seed run one after another here on the same odds: each fit once (strike-theo.ts).
memoiseStrikeTheos(true);

interface RunRequest {
  id: number;
  argv: string[];
}

const STDERR_TAIL = 4000;

async function runOne(req: RunRequest): Promise<void> {
  let stderr = '';
  const io = {
    out: { write: () => true },
    err: {
      write: (s: string) => {
        stderr = (stderr + s).slice(-STDERR_TAIL);
        return true;
      },
    },
  };
  let code: number;
  const cpu0 = process.cpuUsage();
  try {
    code = await simulate(req.argv, io);
  } catch (e) {
    // A run that throws is that run's failure; the child stays usable.
    stderr = `${stderr}error: ${e instanceof Error ? e.message : String(e)}\n`.slice(-STDERR_TAIL);
    code = 1;
  }
  const cpu = process.cpuUsage(cpu0);
  const heapMb = process.memoryUsage().heapUsed / 1_048_576;
  process.send?.({ id: req.id, code, stderr, cpuMs: (cpu.user + cpu.system) / 1000, heapMb });
}

// One run at a time: a queue keeps runs strictly sequential even if the parent sends ahead.
let chain: Promise<void> = Promise.resolve();
process.on('message', (m: RunRequest) => {
  chain = chain.then(() => runOne(m));
});
process.on('disconnect', () => process.exit(0));
