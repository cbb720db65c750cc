/**
 * Keeps the record the daily PnL report reads (scripts/report.ts): our settlements, polled from
 * `/portfolio/settlements` every `cash.settlementPollMs` — and `settledPollDelayMs` after the lifecycle
 * channel says a market of ours settled — and stored once per market, and the index
 * of which games had money move on which trading day (a fill, from the session's events, or a
 * settlement). The fills themselves are stored by the session's audit (FILL#). A failed poll is
 * counted and retried at the next; a settlement the record cannot price is logged and skipped.
 */
import type { Clock } from '../../shared/clock.ts';
import type { Settlement } from '../../shared/kalshi/schemas/rest.ts';
import { WorkerMetric } from '../../shared/metrics/names.ts';
import { sportOfGame, storeRecordReader } from '../../shared/pnl/day-report.ts';
import { readGameTheos } from '../../shared/pnl/game-theos.ts';
import type { GameDayStore, SettlementRecord, SettlementStore, Store } from '../../shared/store/index.ts';
import { MICROS_PER_DOLLAR } from '../../shared/units.ts';
import { tradingDay } from '../engine/day-drawdown.ts';
import type { EngineLogger, EngineMetrics } from '../engine/ports.ts';
import { DayPnlWatch } from './day-pnl-watch.ts';
import { PollLoop } from './poll-loop.ts';
import { type MarketResultReader, type SessionForStops, TheoStopRecorder } from './theo-stops.ts';

export interface SettlementReader {
  allSettlements(q: { min_ts?: number; limit?: number }): Promise<Settlement[]>;
}

export interface PnlRecorderOptions {
  clock: Clock;
  rest: SettlementReader;
  settlements: SettlementStore;
  gameDays: GameDayStore;
  pollMs: number;
  /** The first poll reaches back this far (settlements made while no worker ran). */
  lookbackMs?: number;
  /** A market's `settled` lifecycle event polls this long after (a game's markets settle together). */
  settledPollDelayMs?: number;
  metrics: EngineMetrics;
  log: EngineLogger;
}

/** Kalshi's settlement as stored; null (with why) when its value per YES contract is unknown. */
export function settlementRecordOf(s: Settlement): SettlementRecord | { error: string } {
  const value =
    s.value ?? (s.market_result === 'yes' ? MICROS_PER_DOLLAR : s.market_result === 'no' ? 0 : null);
  if (value === null || value < 0 || value > MICROS_PER_DOLLAR)
    return { error: `result ${JSON.stringify(s.market_result)} without a value per contract` };
  return {
    ticker: s.ticker,
    eventTicker: s.event_ticker,
    result: s.market_result,
    value,
    position: (s.yes_count_fp ?? 0) - (s.no_count_fp ?? 0),
    revenue: s.revenue,
    fee: s.fee_cost ?? 0,
    ts: s.settled_time,
  };
}

const DAY_MS = 86_400_000;
/** Kalshi lists the settlement within seconds of the event; a game's markets settle in one burst. */
export const SETTLED_POLL_DELAY_MS = 5_000;

export class PnlRecorder {
  private readonly loop: PollLoop;
  /** Settlements are fetched from here (epoch ms); moves to the newest seen, less an hour of slack. */
  private since: number;
  /** (day, game) pairs already in the index this run. */
  private readonly touched = new Set<string>();
  private readonly writes = new Set<Promise<unknown>>();

  constructor(private readonly opts: PnlRecorderOptions) {
    this.since = opts.clock.now() - (opts.lookbackMs ?? 2 * DAY_MS);
    this.loop = new PollLoop({
      clock: opts.clock,
      everyMs: opts.pollMs,
      run: () => this.read(),
      onError: (err) => {
        opts.metrics.count(WorkerMetric.SettlementPollErrors);
        opts.log.warn('settlement_poll_failed', { error: String(err) });
      },
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  /** Waits for a poll and index writes in flight. */
  async idle(): Promise<void> {
    await this.loop.idle();
    await Promise.allSettled([...this.writes]);
  }

  /** The session's fill: its game goes into the day's index (once per day and game). */
  fill(f: { eventTicker: string; atMs: number }): void {
    const write = this.touch(tradingDay(f.atMs), f.eventTicker, f.atMs);
    if (!write) return;
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }

  /**
   * The lifecycle channel said a market settled: poll `settledPollDelayMs` later (debounced), not a
   * whole period later. Only while started (the shard that polls settlements).
   */
  settled(): void {
    this.loop.soon(this.opts.settledPollDelayMs ?? SETTLED_POLL_DELAY_MS);
  }

  /** One settlement poll (what the timer runs); concurrent calls share the one in flight. */
  poll(): Promise<void> {
    return this.loop.runNow();
  }

  private touch(day: string, eventTicker: string, at: number): Promise<void> | null {
    const key = `${day}|${eventTicker}`;
    if (this.touched.has(key)) return null;
    this.touched.add(key);
    return this.opts.gameDays.touch(day, eventTicker, at).catch((err: unknown) => {
      // Retried with the game's next fill or settlement.
      this.touched.delete(key);
      this.opts.log.warn('pnl_index_write_failed', { eventTicker, day, error: String(err) });
    });
  }

  private async read(): Promise<void> {
    const { rest, settlements, metrics, log } = this.opts;
    let list: Settlement[];
    try {
      list = await rest.allSettlements({ min_ts: Math.floor(this.since / 1000), limit: 200 });
    } catch (err) {
      metrics.count(WorkerMetric.SettlementPollErrors);
      log.warn('settlement_poll_failed', { error: err instanceof Error ? err.message : String(err) });
      return;
    }
    let newest = this.since;
    for (const s of list) {
      const record = settlementRecordOf(s);
      if ('error' in record) {
        metrics.count(WorkerMetric.SettlementsUnpriced);
        log.warn('settlement_unpriced', { ticker: s.ticker, reason: record.error });
        continue;
      }
      try {
        const { inserted } = await settlements.put(record);
        await this.touch(tradingDay(record.ts), record.eventTicker, record.ts);
        if (inserted) {
          metrics.count(WorkerMetric.SettlementsRecorded);
          log.info('settlement_recorded', {
            ticker: record.ticker,
            result: record.result,
            position: record.position,
            revenue: record.revenue / MICROS_PER_DOLLAR,
          });
        }
        newest = Math.max(newest, record.ts);
      } catch (err) {
        metrics.count(WorkerMetric.SettlementPollErrors);
        log.warn('settlement_store_failed', { ticker: s.ticker, error: String(err) });
        return; // `since` stays: the next poll asks again.
      }
    }
    this.since = Math.max(this.since, newest - 3_600_000);
  }
}

/**
 * The worker's hook: the session's fills feed the day index; settlements are polled only where
 * `pollSettlements` (one shard of a deployment: every shard would read the same account). Null when
 * the store has no settlement or day-index table (test stores).
 */
export function startPnlRecorder(o: {
  /** The trading day's PnL for the dashboard is rebuilt this often (where settlements are polled). */
  dayPnlRefreshMs?: number;
  session: SessionForStops & {
    onEvent(
      l: (e: {
        type: string;
        fill?: { eventTicker: string; atMs: number };
        eventTicker?: string;
        kind?: string;
      }) => void,
    ): () => void;
  };
  /** Theos and mappings, where given, mark the day's open positions at theo. */
  store: Pick<Store, 'fills' | 'settlements' | 'gameDays' | 'theoStops'> &
    Partial<Pick<Store, 'theos' | 'mapping'>>;
  rest: SettlementReader & MarketResultReader;
  clock: Clock;
  pollMs: number;
  pollSettlements: boolean;
  metrics: EngineMetrics;
  log: EngineLogger;
}): {
  recorder: PnlRecorder;
  day: DayPnlWatch | null;
  /** The theo-at-the-stop recorder (on the shard that polls settlements), else null. */
  stops: TheoStopRecorder | null;
  close(): Promise<void>;
} | null {
  if (!o.store.settlements || !o.store.gameDays) return null;
  const recorder = new PnlRecorder({ ...o, settlements: o.store.settlements, gameDays: o.store.gameDays });
  if (o.pollSettlements) recorder.start();
  // The day's PnL from the record, where the record is complete (the shard that polls settlements).
  const day = o.pollSettlements
    ? new DayPnlWatch({
        clock: o.clock,
        reader: storeRecordReader(o.store),
        refreshMs: o.dayPnlRefreshMs ?? 60_000,
        dayOf: (ms) => tradingDay(ms),
        sportOf: sportOfGame,
        log: o.log,
        // Rebuilt only while a dashboard shows it.
        lazy: true,
      })
    : null;
  // Theo at each game's stop and the results (the report's calibration table), on the same shard.
  const { theoStops, gameDays } = o.store;
  const stops =
    o.pollSettlements && theoStops
      ? new TheoStopRecorder({
          clock: o.clock,
          session: o.session,
          stops: theoStops,
          gameDays,
          rest: o.rest,
          references: (game) => readGameTheos(o.store, game),
          log: o.log,
        })
      : null;
  stops?.start();
  const off = o.session.onEvent((e) => {
    if (e.type === 'fill' && e.fill) recorder.fill(e.fill);
    else if (e.type === 'settled' && e.eventTicker) {
      // `determined` carries the result (theo-stops asks for it); the settlement is listed at `settled`.
      if (e.kind === 'settled') recorder.settled();
      stops?.determined(e.eventTicker);
    }
  });
  return {
    recorder,
    day,
    stops,
    async close() {
      off();
      recorder.stop();
      day?.stop();
      stops?.stop();
      await stops?.idle();
      await recorder.idle();
      await day?.idle();
    },
  };
}
