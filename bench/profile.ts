/**
 * In-process CPU profile (V8 sampling profiler through node:inspector) of a
 * synchronous piece of work, summarised as self time per function and per
 * source area, so a missed target's note can say where the time goes.
 */
import { Session } from 'node:inspector/promises';
import { findSourceMap } from 'node:module';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber?: number;
}

/**
 * A frame of a bundle (the scale bench runs its worker bundled, as worker/Dockerfile does) mapped back
 * to its source file and line through the bundle's source map (Node keeps it under --enable-source-maps),
 * so areas still read `worker/engine`, not the bundle's file name. Other frames are returned as they are.
 */
function sourceOf(f: CallFrame): { url: string; lineNumber: number } {
  if (!f.url.endsWith('.mjs') && !f.url.endsWith('.js')) return f;
  const map = findSourceMap(f.url);
  const e = map?.findEntry(f.lineNumber, f.columnNumber ?? 0);
  if (!e || !('originalSource' in e)) return f;
  return { url: e.originalSource, lineNumber: e.originalLine };
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Hotspot {
  name: string;
  share: number;
}

/** Source area of a script URL: a node_modules package, a repo folder (e.g. shared/kalshi), or node internals. */
export function areaOf(url: string): string {
  if (!url) return '(native/gc)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const repo = /\/(shared|worker|sim|bench|functions|scripts)\/([^/]+)/.exec(url);
  if (repo) return repo[2]!.includes('.') ? `${repo[1]}/${repo[2]}` : `${repo[1]}/${repo[2]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url.split('/').slice(-1)[0]!;
}

export interface Hotspots {
  byFunction: Hotspot[];
  byArea: Hotspot[];
}

/** Starts the sampling profiler; the returned function stops it and summarises. */
export async function startProfile(intervalUs = 100): Promise<() => Promise<Hotspots>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  return async () => {
    const { profile: p } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    session.disconnect();
    return summarise(p);
  };
}

export async function profile(work: () => void): Promise<Hotspots> {
  const stop = await startProfile();
  work();
  return stop();
}

function summarise(p: Profile): Hotspots {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const fn = new Map<string, number>();
  const area = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]!);
    if (!n) continue;
    const dt = p.timeDeltas[i] ?? 0;
    const { functionName } = n.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    const { url, lineNumber } = sourceOf(n.callFrame);
    total += dt;
    const file = url.split('/').slice(-1)[0] ?? '';
    const key = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + dt);
    const a = functionName === '(garbage collector)' ? '(gc)' : areaOf(url);
    area.set(a, (area.get(a) ?? 0) + dt);
  }
  const top = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([name, t]) => ({ name, share: t / Math.max(1, total) }));
  return { byFunction: top(fn), byArea: top(area) };
}

export const describeHotspots = (h: Hotspot[], n = 5) =>
  h
    .slice(0, n)
    .map((x) => `${x.name} ${(x.share * 100).toFixed(0)}%`)
    .join(', ');

interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}

/**
 * V8's sampling heap profiler: `sample()` says which allocation sites hold
 * the live heap at that moment (by function and by source area), so a
 * memory peak can be attributed without a full heap snapshot.
 */
export async function startHeapSampling(intervalBytes = 256 * 1024): Promise<{
  sample(): Promise<Hotspots & { totalMb: number }>;
  stop(): Promise<void>;
}> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: intervalBytes });
  return {
    async sample() {
      const { profile: p } = (await session.post('HeapProfiler.getSamplingProfile')) as unknown as {
        profile: { head: HeapNode };
      };
      const fn = new Map<string, number>();
      const area = new Map<string, number>();
      let total = 0;
      const walk = (n: HeapNode) => {
        if (n.selfSize > 0) {
          const { functionName } = n.callFrame;
          const { url, lineNumber } = sourceOf(n.callFrame);
          const file = url.split('/').slice(-1)[0] ?? '';
          const key = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
          fn.set(key, (fn.get(key) ?? 0) + n.selfSize);
          const a = areaOf(url);
          area.set(a, (area.get(a) ?? 0) + n.selfSize);
          total += n.selfSize;
        }
        for (const c of n.children) walk(c);
      };
      walk(p.head);
      const top = (m: Map<string, number>) =>
        [...m]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 10)
          .map(([name, t]) => ({ name, share: t / Math.max(1, total) }));
      return { byFunction: top(fn), byArea: top(area), totalMb: total / 2 ** 20 };
    },
    async stop() {
      await session.post('HeapProfiler.stopSampling');
      session.disconnect();
    },
  };
}
