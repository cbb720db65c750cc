/**
 * Theo against outcomes: every game the session shows (quoted or not) has its theo per market
 * written at its stop (checked every `everyMs` on the worker's clock), its game indexed for the
 * stop's trading day, and — once Kalshi has determined every market (`GET /markets/{ticker}`,
 * asked at most every `resultEveryMs` per game, and soon after the lifecycle channel says one of
 * its markets is determined) — written again with the results. Games waiting for results are held
 * in memory and rebuilt at start from the store (the stops indexed on the last `restoreDays`
 * trading days whose record has a market without a result), so a restart neither loses them nor
 * writes a recorded stop again; one still unresolved is counted so by the report, never as a loss.
 */
import type { Clock } from '../../shared/clock.ts';
import type { GameTheos } from '../../shared/pnl/game-theos.ts';
import type { GameDayStore, TheoStop, TheoStopStore } from '../../shared/store/index.ts';
import { tradingDay } from '../engine/day-drawdown.ts';
import type { EngineLogger } from '../engine/ports.ts';
import { PollLoop } from './poll-loop.ts';

export interface SessionForStops {
  snapshot(): {
    games: readonly {
      eventTicker: string;
      sport: string;
      stopAtMs: number | null;
      theo: { books: number } | null;
      markets: readonly { ticker: string; theo: number | null }[];
    }[];
  };
}

export interface MarketResultReader {
  getMarket(ticker: string): Promise<{ result?: string | null }>;
}

export class TheoStopRecorder {
  private readonly loop: PollLoop;
  private readonly recorded = new Set<string>();
  private readonly pending = new Map<string, { record: TheoStop; askedAt: number }>();
  /** The games already recorded and those waiting for results, read back from the store once. */
  private restored = false;

  constructor(
    private readonly o: {
      clock: Clock;
      session: SessionForStops;
      stops: TheoStopStore;
      gameDays: GameDayStore;
      rest: MarketResultReader;
      /**
       * The books behind the theo at the stop (Pinnacle's and the plain average's probability per
       * market), for the calibration against them; absent, null or failed: recorded without them.
       */
      references?: (eventTicker: string) => Promise<GameTheos | null>;
      everyMs?: number;
      resultEveryMs?: number;
      /** A `determined` lifecycle event asks for the game's results this long after (debounced). */
      determinedDelayMs?: number;
      /** Trading days (today and before) whose stops are read back at start. Default 3. */
      restoreDays?: number;
      log: EngineLogger;
    },
  ) {
    this.loop = new PollLoop({
      clock: o.clock,
      everyMs: o.everyMs ?? 15_000,
      run: () => this.run(),
      // As before the loop was shared: the first pass comes one period after start().
      runAtStart: false,
      onError: (err) => o.log.warn('theo_stop_pass_failed', { error: String(err) }),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  idle(): Promise<void> {
    return this.loop.idle();
  }

  /** The lifecycle channel said a market of the game is determined: ask for its results soon. */
  determined(eventTicker: string): void {
    const p = this.pending.get(eventTicker);
    if (p) p.askedAt = Number.NEGATIVE_INFINITY;
    // Also when not yet pending: the stop may not have been recorded yet (the pass records it first).
    this.loop.soon(this.o.determinedDelayMs ?? 5_000);
  }

  /** One pass (what the timer runs); concurrent calls share the one in flight. */
  pass(): Promise<void> {
    return this.loop.runNow();
  }

  private async references(eventTicker: string): Promise<GameTheos | null> {
    if (!this.o.references) return null;
    try {
      return await this.o.references(eventTicker);
    } catch (err) {
      this.o.log.warn('theo_stop_books_failed', { eventTicker, error: String(err) });
      return null;
    }
  }

  /** Games recorded on the last trading days: those with a result missing wait for it again. */
  private async restore(now: number): Promise<void> {
    const days = new Set<string>();
    for (let k = 0; k < (this.o.restoreDays ?? 3); k++) days.add(tradingDay(now - k * 86_400_000));
    for (const day of days) {
      for (const game of await this.o.gameDays.games(day)) {
        if (this.recorded.has(game)) continue;
        const record = await this.o.stops.get(game);
        if (!record) continue; // a game with only fills or settlements that day
        this.recorded.add(game);
        if (record.markets.some((m) => m.result === null)) this.pending.set(game, { record, askedAt: 0 });
      }
    }
  }

  private async run(): Promise<void> {
    const now = this.o.clock.now();
    if (!this.restored) {
      try {
        await this.restore(now);
        this.restored = true;
      } catch (err) {
        // Recording before knowing what is recorded would write results over with nulls: next pass.
        this.o.log.warn('theo_stop_restore_failed', { error: String(err) });
        return;
      }
    }
    for (const g of this.o.session.snapshot().games) {
      if (g.stopAtMs === null || g.stopAtMs > now || this.recorded.has(g.eventTicker)) continue;
      const refs = await this.references(g.eventTicker);
      const ref = (m: Map<string, number> | undefined, ticker: string) => {
        const p = m?.get(ticker);
        return p !== undefined && p > 0 && p < 1 ? p : null;
      };
      const record: TheoStop = {
        eventTicker: g.eventTicker,
        sport: g.sport,
        stopAtMs: g.stopAtMs,
        books: g.theo?.books ?? 0,
        markets: g.markets.map((m) => ({
          ticker: m.ticker,
          theo: m.theo !== null && m.theo > 0 && m.theo < 1 ? m.theo : null,
          result: null,
          ...(refs ? { pinnacle: ref(refs.pinnacle, m.ticker), average: ref(refs.average, m.ticker) } : {}),
        })),
      };
      try {
        await this.o.stops.put(record);
        await this.o.gameDays.touch(tradingDay(g.stopAtMs), g.eventTicker, now);
        this.recorded.add(g.eventTicker);
        this.pending.set(g.eventTicker, { record, askedAt: 0 });
      } catch (err) {
        this.o.log.warn('theo_stop_write_failed', { eventTicker: g.eventTicker, error: String(err) });
      }
    }
    for (const [game, p] of this.pending) {
      if (now - p.askedAt < (this.o.resultEveryMs ?? 5 * 60_000)) continue;
      p.askedAt = now;
      try {
        const results = await Promise.all(p.record.markets.map((m) => this.o.rest.getMarket(m.ticker)));
        if (results.some((r) => !r.result)) continue;
        const done = {
          ...p.record,
          markets: p.record.markets.map((m, i) => ({ ...m, result: results[i]!.result ?? null })),
        };
        await this.o.stops.put(done);
        this.pending.delete(game);
      } catch (err) {
        this.o.log.warn('theo_stop_result_failed', { eventTicker: game, error: String(err) });
      }
    }
  }
}
