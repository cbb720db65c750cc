/**
 * Watches the account's cash on a timer: reads balance, positions and resting orders through the
 * REST port, judges buying power against the configured floor (shared/account/cash.ts), emits the
 * cash gauges (the `buying-power-low` alarm watches `BuyingPower`), logs each crossing of the floor
 * once, and keeps the last reading for the dashboard's cash panel. A failed poll keeps the last
 * good reading (marked with the error) and is counted: a gap in the figures is never shown as zero.
 */
import { type CashConfig, type CashView, cashView, dollarsToFloor } from '../../shared/account/cash.ts';
import type { Clock } from '../../shared/clock.ts';
import { WorkerMetric } from '../../shared/metrics/names.ts';
import { MICROS_PER_DOLLAR } from '../../shared/units.ts';
import type { EngineLogger, EngineMetrics } from '../engine/ports.ts';
import { PollLoop } from './poll-loop.ts';
import type { AccountReader } from './rest-account.ts';

export interface CashState {
  /** The last good reading; null until the first poll succeeds. */
  view: CashView | null;
  /** The last poll's error, cleared by the next good one. */
  error: { atMs: number; message: string } | null;
}

export interface CashWatchOptions {
  clock: Clock;
  reader: AccountReader;
  config: Pick<CashConfig, 'pollMs' | 'floorDollars'>;
  metrics: EngineMetrics;
  log: EngineLogger;
}

const dollars = (m: number) => m / MICROS_PER_DOLLAR;

export class CashWatch {
  private readonly floor: number;
  private readonly loop: PollLoop;
  private readonly listeners = new Set<(s: CashState) => void>();
  private current: CashState = { view: null, error: null };

  constructor(private readonly opts: CashWatchOptions) {
    this.floor = dollarsToFloor(opts.config.floorDollars);
    this.loop = new PollLoop({
      clock: opts.clock,
      everyMs: opts.config.pollMs,
      run: () => this.read(),
      onError: (err) => opts.log.warn('cash_poll_failed', { error: String(err) }),
    });
  }

  /** Polls now, then every `pollMs` (on the injected clock). */
  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  /** Waits for a poll in progress (tests, shutdown). */
  idle(): Promise<void> {
    return this.loop.idle();
  }

  state(): CashState {
    return this.current;
  }

  /** Called after every poll, good or failed; returns an unsubscribe. */
  onChange(listener: (s: CashState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One poll (also what the timer runs); concurrent calls share the one in flight. */
  poll(): Promise<void> {
    return this.loop.runNow();
  }

  private async read(): Promise<void> {
    const { clock, metrics, log } = this.opts;
    let view: CashView;
    try {
      view = cashView(await this.opts.reader.read(), this.floor, clock.now());
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      metrics.count(WorkerMetric.CashPollErrors);
      log.warn('cash_poll_failed', { error: message });
      this.publish({ view: this.current.view, error: { atMs: clock.now(), message } });
      return;
    }
    metrics.gauge(WorkerMetric.CashBalance, dollars(view.balance));
    metrics.gauge(WorkerMetric.CashInPositions, dollars(view.inPositions));
    metrics.gauge(WorkerMetric.CashInOrders, dollars(view.inOrders));
    metrics.gauge(WorkerMetric.BuyingPower, dollars(view.buyingPower));
    const was = this.current.view?.belowFloor ?? false;
    const fields = {
      buyingPower: dollars(view.buyingPower),
      floor: dollars(view.floor),
      balance: dollars(view.balance),
      inOrders: dollars(view.inOrders),
      inPositions: dollars(view.inPositions),
    };
    if (view.belowFloor && !was) log.warn('buying_power_below_floor', fields);
    else if (!view.belowFloor && was) log.info('buying_power_restored', fields);
    if (view.unpricedPositions > 0 && (this.current.view?.unpricedPositions ?? 0) === 0)
      log.warn('positions_without_cost', { count: view.unpricedPositions });
    this.publish({ view, error: null });
  }

  private publish(s: CashState): void {
    this.current = s;
    for (const l of this.listeners) l(s);
  }
}
