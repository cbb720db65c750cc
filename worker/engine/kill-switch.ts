/**
 * The kill switch: one way down, whatever pulled it (the store's kill flag,
 * SIGTERM, a local invariant breach). Tripping is synchronous and idempotent:
 * quoting stops at once (the session's risk gate denies every create and
 * amend from that instant), then the flattener cancels and re-lists until two
 * consecutive listings show nothing resting, for up to its deadline. The
 * first trip wins; later trips return the same result.
 */
import type { Clock } from '../../shared/clock.ts';
import { KillMetric } from '../../shared/metrics/names.ts';
import type { EngineLogger, EngineMetrics, Flattener, FlattenResult } from './ports.ts';

export type KillSource = 'flag' | 'sigterm' | 'limit_breach' | 'drift' | 'ws_down' | 'operator';

export type KillPhase = 'armed' | 'flattening' | 'flat' | 'not_flat';

export interface KillState {
  phase: KillPhase;
  source: KillSource | null;
  reason: string | null;
  atMs: number | null;
  result: FlattenResult | null;
}

export interface KillSwitchDeps {
  clock: Clock;
  flatten: Flattener;
  log: EngineLogger;
  metrics: EngineMetrics;
  /** Called synchronously on the first trip, before any cancel: stop quoting now. */
  onTrip(source: KillSource, reason: string): void;
  /** Resolves when no write of ours is in flight; awaited (at most `drainMs`) before flattening. */
  drain?: () => Promise<void>;
  drainMs?: number;
}

export class KillSwitch {
  private current: KillState = { phase: 'armed', source: null, reason: null, atMs: null, result: null };
  private running: Promise<FlattenResult> | null = null;
  /** The whole flood (cancelling goes on after the first flat verdict, up to the flattener's flood time). */
  private flood: Promise<FlattenResult> | null = null;
  private abortedFlood = false;

  constructor(private readonly deps: KillSwitchDeps) {}

  get state(): KillState {
    return { ...this.current };
  }

  get tripped(): boolean {
    return this.current.phase !== 'armed';
  }

  trip(source: KillSource, reason: string): Promise<FlattenResult> {
    if (this.running) return this.running;
    const atMs = this.deps.clock.now();
    this.current = { phase: 'flattening', source, reason, atMs, result: null };
    this.deps.metrics.count(KillMetric.KillSwitchInvocations, 1, { source });
    this.deps.log.error('kill_switch_tripped', { source, reason });
    try {
      this.deps.onTrip(source, reason);
    } catch (err) {
      this.deps.log.error('kill_on_trip_failed', { error: err instanceof Error ? err.message : String(err) });
    }
    this.running = this.flatten(reason);
    return this.running;
  }

  /** Resolves when the flood (every pass of cancelling) is over; null before a trip. */
  flooded(): Promise<FlattenResult | null> {
    return this.flood ?? Promise.resolve(null);
  }

  /** Ends the flood at its next pass (the process is closing). */
  abortFlood(): void {
    this.abortedFlood = true;
  }

  /**
   * The trip's result is the first flat verdict (or the end, when never flat); the flood goes on
   * after it, and a flood that ends with orders resting again turns the state to not_flat.
   */
  private async flatten(reason: string): Promise<FlattenResult> {
    await this.drained();
    let firstFlat: (r: FlattenResult) => void = () => {};
    const flat = new Promise<FlattenResult>((resolve) => {
      firstFlat = resolve;
    });
    const crashed = (err: unknown): FlattenResult => {
      this.deps.log.error('kill_flatten_crashed', {
        error: err instanceof Error ? err.message : String(err),
      });
      return { flat: false, attempts: 0, elapsedMs: 0, remaining: -1 };
    };
    const full = Promise.resolve()
      .then(() => this.deps.flatten(reason, firstFlat, () => this.abortedFlood))
      .catch(crashed);
    this.flood = full.then((end) => {
      if (this.current.result && this.current.result !== end && !end.flat) {
        this.record(end);
        this.deps.log.error('kill_flood_not_flat', { ...end });
      }
      return end;
    });
    const result = await Promise.race([full, flat]);
    this.record(result);
    return result;
  }

  private record(result: FlattenResult): void {
    this.current = { ...this.current, phase: result.flat ? 'flat' : 'not_flat', result };
    // remaining −1 = unknown (the flatten crashed or never listed): not flat, so the alarm must see it.
    this.deps.metrics.gauge(KillMetric.KillOrdersRemaining, result.remaining < 0 ? 1 : result.remaining);
    if (result.flat) this.deps.log.warn('kill_switch_flat', { ...result });
    else this.deps.log.error('kill_switch_not_flat', { ...result });
  }

  /** Bounded: a write hung on a dead socket must not hold the cancels back. */
  private async drained(): Promise<void> {
    const { drain, clock } = this.deps;
    const ms = this.deps.drainMs ?? 0;
    if (!drain || ms <= 0) return;
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = clock.setTimeout(() => resolve('timeout'), ms);
    });
    const outcome = await Promise.race([
      drain().then(
        () => 'drained' as const,
        () => 'drained' as const,
      ),
      timeout,
    ]);
    if (timer !== undefined) clock.clearTimeout(timer);
    if (outcome === 'timeout') this.deps.log.info('kill_drain_timeout', { ms });
  }
}
