/**
 * The uptime of a simulated run (simulate, backtest) judged by the rule chaos uses (docs/RELIABILITY.md
 * "Which time is the fault's"): a scenario fault's window is its injection plus its direct effect,
 * capped at `FEED_EFFECT_MAX_MS` — a socket fault until the worker's feed is up again (on a connection
 * made after the fault began, for a one-shot drop), a burst of REST errors until the exchange has
 * served the last; any other fault is its injection alone. The recovery is still timed from the
 * injection's end.
 *
 * Streaming: a window's effect end is known only from samples after it, so samples are held back
 * (at most the fault's length plus the cap) until every window that starts by them is known, then
 * given to the `UptimeTracker` in order — the same report as replaying the whole run afterwards,
 * and with no faults exactly what the tracker alone gives.
 */
import type { FaultConfig } from './schema.ts';
import { FEED_EFFECT_MAX_MS, type GameSample, type UptimeReport, UptimeTracker } from './uptime.ts';

/** Kalshi faults that break the worker's socket: the window lasts until its feed is up again. */
const SOCKET_FAULTS: ReadonlySet<string> = new Set([
  'dropWebSockets',
  'halfOpenWebSockets',
  'halfOpen',
  'wsDropRate',
]);
/** One-shot Kalshi faults (actions, not switches): the broken socket was up before them. */
const ONE_SHOT: ReadonlySet<string> = new Set([
  'dropWebSockets',
  'halfOpenWebSockets',
  'gapNow',
  'burst429',
  'burst5xx',
]);
const BURST_LEFT: Readonly<Record<string, 'rest429Remaining' | 'rest5xxRemaining'>> = {
  burst429: 'rest429Remaining',
  burst5xx: 'rest5xxRemaining',
};

/** What a fault's effect is judged on, read only while a window waits for its end. */
export interface EffectSample {
  /** The worker's feed (null: no worker to ask). */
  feed: { up: boolean; sinceMs: number } | null;
  rest429Remaining: number;
  rest5xxRemaining: number;
}

interface Window {
  startMs: number;
  endMs: number;
  /** Null: an effect still to be seen in the samples. */
  effectEndMs: number | null;
  over: ((s: EffectSample & { atMs: number }) => boolean) | null;
}

export class ScenarioUptime {
  private readonly tracker = new UptimeTracker();
  private readonly waiting: Window[] = [];
  private readonly held: { atMs: number; samples: readonly GameSample[] }[] = [];

  constructor(
    faults: readonly Pick<FaultConfig, 'target' | 'name' | 'atMinute' | 'durationMinutes'>[],
    startMs: number,
    private readonly capMs: number = FEED_EFFECT_MAX_MS,
  ) {
    for (const f of faults) {
      const at = startMs + Math.round(f.atMinute * 60_000);
      const w = { startMs: at, endMs: at + Math.round((f.durationMinutes ?? 0) * 60_000) };
      const kalshi = f.target === 'kalshi';
      const burst = kalshi ? BURST_LEFT[f.name] : undefined;
      if (kalshi && SOCKET_FAULTS.has(f.name)) {
        const oneShot = ONE_SHOT.has(f.name);
        this.waiting.push({ ...w, effectEndMs: null, over: (s) => feedOver(s, w.startMs, oneShot) });
      } else if (burst) {
        this.waiting.push({ ...w, effectEndMs: null, over: (s) => s[burst] === 0 });
      } else this.tracker.fault(w.startMs, w.endMs);
    }
  }

  /** Every game's state at `atMs` (in time order); `effects` is read only while a window needs it. */
  observe(atMs: number, samples: readonly GameSample[], effects: () => EffectSample): void {
    let effect: (EffectSample & { atMs: number }) | null = null;
    for (const w of this.waiting) {
      if (w.effectEndMs !== null || atMs < w.endMs) continue;
      const cap = w.endMs + this.capMs;
      if (atMs >= cap) w.effectEndMs = cap;
      else {
        effect ??= { ...effects(), atMs };
        if (w.over?.(effect)) w.effectEndMs = atMs;
      }
    }
    this.held.push({ atMs, samples });
    this.flush(false);
  }

  report(): UptimeReport {
    this.flush(true);
    return this.tracker.report();
  }

  /** Registers the windows now known and gives the tracker every sample no unknown window can touch. */
  private flush(end: boolean): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const w = this.waiting[i]!;
      // At the end of the run an effect never seen over counts to its cap, as chaos's `effectEnd`.
      const effectEndMs = w.effectEndMs ?? (end ? w.endMs + this.capMs : null);
      if (effectEndMs === null) continue;
      this.tracker.fault(w.startMs, w.endMs, effectEndMs);
      this.waiting.splice(i, 1);
    }
    // A sample at a window's start already sees it (no recovery is settled inside an injection).
    const until = Math.min(...this.waiting.map((w) => w.startMs));
    let n = 0;
    while (n < this.held.length && this.held[n]!.atMs < until) n++;
    for (const h of this.held.splice(0, n)) this.tracker.observe(h.atMs, h.samples);
  }
}

/** The rule of `feedEffectEnd`: the feed up, on a connection made after a one-shot fault began. */
function feedOver(s: EffectSample, startMs: number, oneShot: boolean): boolean {
  if (!s.feed?.up) return false;
  return !oneShot || s.feed.sinceMs >= startMs;
}
