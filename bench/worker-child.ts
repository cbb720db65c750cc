/**
 * The worker side of the loopback benchmarks, in a fresh process so its
 * resident memory and event loop are its own. IPC:
 *   {cmd:'start', ...}  → {type:'ready', live, rssBeforeMb, rssMb, heapMb}
 *                          (echoEvery: the echo floor instead of the engine, see engine-harness.ts)
 *   {cmd:'measure'}     → {type:'measuring'}    (probe reset, event-loop monitor on)
 *   {cmd:'collect'}     → {type:'collected', ...percentiles and counters}
 *   {cmd:'theoMoves', moves} → {type:'theoMoved', firstMs[], lastMs[], writes[]} (engine only)
 *   {cmd:'exit'}
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { withSignQueue } from '../shared/kalshi/sign-queue.ts';
import { createRsaSigner, type Signer } from '../shared/kalshi/signer.ts';
import { createThreadPoolSigner } from '../shared/kalshi/thread-signer.ts';
import {
  benchSigningMode,
  type Harness,
  SEGMENTS,
  signedInline,
  stagedSigner,
  startHarness,
} from './engine-harness.ts';
import { KEY_ID } from './fixture.ts';
import { type Hotspots, startHeapSampling, startProfile } from './profile.ts';

type Command =
  | {
      cmd: 'start';
      restBaseUrl: string;
      wsUrl: string;
      privateKey: string;
      games: number;
      writeBudget: { tokensPerSec: number; capacity: number };
      fallbackGrid?: boolean;
      echoEvery?: number;
      settleMs: number;
      restTimeoutMs?: number;
    }
  | { cmd: 'measure'; profile?: boolean }
  | { cmd: 'collect' }
  | { cmd: 'theoMoves'; moves: number }
  | { cmd: 'exit' };

let h: Harness | null = null;
let eld = monitorEventLoopDelay({ resolution: 1 });
const mb = (b: number) => b / 2 ** 20;
const reply = (m: unknown) => process.send?.(m);

async function start(c: Extract<Command, { cmd: 'start' }>): Promise<void> {
  global.gc?.();
  const rssBeforeMb = mb(process.memoryUsage().rss);
  const t0 = performance.now();
  // The start-up peak sets the heap's reserved size (V8 keeps it after GC): record when it happens.
  const peak = { heapMb: 0, atS: 0, live: 0, writes: 0, writesInFlight: 0, maxWritesInFlight: 0 };
  // Optional (BENCH_HEAP_SAMPLE=1): what holds the heap at the start-up peak, by allocation site.
  const heap = process.env['BENCH_HEAP_SAMPLE'] ? await startHeapSampling() : null;
  let heapAtPeak: (Hotspots & { totalMb: number }) | null = null;
  let sampling = false;
  const sampler = setInterval(() => {
    // Order writes sent and not yet answered: what the opening holds materialised (create-slots.ts caps creates).
    const inFlight = h?.session?.writesInFlight() ?? 0;
    peak.maxWritesInFlight = Math.max(peak.maxWritesInFlight, inFlight);
    const used = mb(process.memoryUsage().heapUsed);
    if (used > peak.heapMb) {
      peak.heapMb = used;
      peak.atS = (performance.now() - t0) / 1000;
      peak.live = h ? h.tickers.filter((t) => h!.ws.book(t).live).length : 0;
      peak.writes = h ? h.probe.writes : 0;
      peak.writesInFlight = inFlight;
      if (heap && !sampling && used > 1.2 * (heapAtPeak?.totalMb ?? 100)) {
        sampling = true;
        void heap.sample().then((x) => {
          heapAtPeak = x;
          sampling = false;
        });
      }
    }
  }, 250);
  h = await startHarness({
    restBaseUrl: c.restBaseUrl,
    wsUrl: c.wsUrl,
    signer: benchSigner(c.privateKey),
    games: c.games,
    writeBudget: c.writeBudget,
    ...(c.fallbackGrid ? { fallbackGrid: true } : {}),
    ...(c.restTimeoutMs !== undefined ? { restTimeoutMs: c.restTimeoutMs } : {}),
    ...(c.echoEvery !== undefined ? { echoEvery: c.echoEvery } : {}),
  });
  const { live, liveAtMs } = await h.settle(c.settleMs);
  const startupS = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  await heap?.stop();
  global.gc?.();
  const m = process.memoryUsage();
  reply({
    type: 'ready',
    live,
    rssBeforeMb,
    rssMb: mb(m.rss),
    heapMb: mb(m.heapUsed),
    heapTotalMb: mb(m.heapTotal),
    externalMb: mb(m.external),
    arrayBuffersMb: mb(m.arrayBuffers),
    // Where the heap's reserved pages are (old space kept from the start-up peak shows up here).
    heapSpaces: Object.fromEntries(
      getHeapSpaceStatistics().map((h) => [h.space_name, [mb(h.space_used_size), mb(h.space_size)]]),
    ),
    writes: h.probe.writes,
    startupS,
    /** Start → every book live (discovery, subscription, snapshots); the rest of startupS is opening quotes. */
    allLiveS: liveAtMs === null ? null : (liveAtMs - (Date.now() - performance.now() + t0)) / 1000,
    peak,
    ...(heapAtPeak ? { heapAtPeak } : {}),
  });
}

/** Median, mean and max of a list of counts (null when empty). */
function summarise(xs: readonly number[]): { p50: number; mean: number; max: number; count: number } | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  const mean = sorted.reduce((a, x) => a + x, 0) / sorted.length;
  return { p50: sorted[Math.floor(sorted.length / 2)]!, mean, max: sorted.at(-1)!, count: sorted.length };
}

let stopProfile: (() => Promise<Hotspots>) | null = null;

async function collect(): Promise<void> {
  // The measured writes reach the wire before they are answered: wait for the answers (bounded), not a
  // fixed sleep — at 10,000 markets on a loaded machine they queue behind the opening's tail.
  for (const until = Date.now() + 30_000; (h?.session?.writesInFlight() ?? 0) > 0 && Date.now() < until; )
    await new Promise((r) => setTimeout(r, 50));
  eld.disable();
  const hotspots = stopProfile ? await stopProfile() : null;
  stopProfile = null;
  const p = h!.probe;
  const snap = h!.session?.snapshot();
  const out = {
    type: 'collected',
    decision: {
      count: p.decision.count,
      p50: p.decision.us(50),
      p99: p.decision.us(99),
      p999: p.decision.us(99.9),
    },
    wire: { count: p.wire.count, p50: p.wire.us(50), p99: p.wire.us(99), p999: p.wire.us(99.9) },
    eld: {
      p50: eld.percentile(50) / 1000,
      p99: eld.percentile(99) / 1000,
      max: eld.max / 1000,
      count: eld.count,
    },
    writes: p.writes,
    requotes: p.requotes,
    naiveWrites: p.naiveWrites,
    changedSides: p.changedSides,
    framesStamped: p.framesStamped,
    framesBehind: summarise(p.framesBehind),
    requotesBefore: summarise(p.requotesBefore),
    turnRequotes: summarise(p.turnRequotes),
    signedInline: signedInline.count,
    frames: { ...h!.ws.stats.frames },
    rssMb: mb(process.memoryUsage().rss),
    sessionCounters: snap?.counters ?? null,
    segments: Object.fromEntries(
      SEGMENTS.map((k) => {
        const l = p.segments[k];
        return [k, { count: l.count, p50: l.us(50), p99: l.us(99) }];
      }),
    ),
    hotspots,
  };
  reply(out);
}

process.on('message', (m: Command) => {
  if (m.cmd === 'start') void start(m).catch((e) => reply({ type: 'error', error: String(e) }));
  else if (m.cmd === 'measure') {
    h!.probe.reset();
    stopProfile = null;
    if (m.profile) void startProfile(500).then((stop) => (stopProfile = stop));
    eld = monitorEventLoopDelay({ resolution: 1 });
    eld.enable();
    reply({ type: 'measuring' });
  } else if (m.cmd === 'collect') void collect().catch((e) => reply({ type: 'error', error: String(e) }));
  else if (m.cmd === 'theoMoves')
    void (h?.moveTheos?.(m.moves) ?? Promise.resolve({ firstMs: [], lastMs: [], writes: [] }))
      .then((x) => reply({ type: 'theoMoved', ...x }))
      .catch((e) => reply({ type: 'error', error: String(e) }));
  else if (m.cmd === 'exit') {
    if (h) void h.stop().finally(() => process.exit(0));
    else process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));

/**
 * As worker/main.ts signs trading writes by default (`KMM_BENCH_SIGNING` unset or `inline`): the
 * first signature of a turn in process when nothing else is signing, the rest on libuv's thread pool
 * behind the sign queue, one per core. Until 2026-12-08 the default here was `queue` (the pool behind
 * the queue, nothing in process) while the worker had signed inline first since the wire pass: the
 * bench measured a signer the worker no longer ran ("0 of n signed in the caller's turn"). `queue`
 * and `pool` (the thread pool alone, unqueued: the signer before the wire pass) for before/after runs.
 */
function benchSigner(privateKeyPem: string): Signer {
  const mode = benchSigningMode(process.env.KMM_BENCH_SIGNING);
  const pool = stagedSigner(createThreadPoolSigner({ keyId: KEY_ID, privateKeyPem }));
  if (mode === 'pool') return pool;
  return withSignQueue(pool, {
    ...(mode === 'inline'
      ? { inline: stagedSigner(createRsaSigner({ keyId: KEY_ID, privateKeyPem }), true) }
      : {}),
  });
}
