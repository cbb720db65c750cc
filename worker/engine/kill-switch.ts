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

  private async flatten(reason: string): Promise<FlattenResult> {
    await this.drained();
    let result: FlattenResult;
    try {
      result = await this.deps.flatten(reason);
    } catch (err) {
      result = { flat: false, attempts: 0, elapsedMs: 0, remaining: -1 };
      this.deps.log.error('kill_flatten_crashed', {
        error: err instanceof Error ? err.message : String(err),
      });
    }
    this.current = { ...this.current, phase: result.flat ? 'flat' : 'not_flat', result };
    // remaining −1 = unknown (the flatten crashed or never listed): not flat, so the alarm must see it.
    this.deps.metrics.gauge(KillMetric.KillOrdersRemaining, result.remaining < 0 ? 1 : result.remaining);
    if (result.flat) this.deps.log.warn('kill_switch_flat', { ...result });
    else this.deps.log.error('kill_switch_not_flat', { ...result });
    return result;
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
