/**
 * The game registry: discovery (series per sport), mapping each listed event
 * to an odds event (unmatched are reported, never guessed), adding a game,
 * its stop times and stop timer, and every later listing of it (a moved
 * start, new fees, a changed tick grid, the markets' status). Owns the
 * session's `games` and `gameOfTicker` entries; nothing else adds a game.
 */
import type { TimerHandle } from '../../shared/clock.ts';
import type { SportConfig } from '../../shared/config/engine-config.ts';
import type { PriceRange } from '../../shared/pricing/tick-grid.ts';
import { newGameEntryBook } from '../../shared/risk/inventory.ts';
import { stopTime } from '../../shared/risk/stop-rule.ts';
import { shardOf } from '../../shared/store/shard-assignment.ts';
import { errText, type GameState } from './game-state.ts';
import { LadderRegistry } from './ladder-registry.ts';
import type { MarketReason } from './market-status.ts';
import type { Game, ListedEvent } from './ports.ts';
import type { SessionCore } from './session-core.ts';

export class GameRegistry {
  /** Series being listed again after a lifecycle change (one request per series at a time). */
  private readonly relisting = new Map<string, Promise<void>>();
  /** Series to list again once their in-flight listing ends (it started before a reconnect). */
  private readonly relistAgain = new Set<string>();
  private discoveryTimer: TimerHandle | null = null;
  private discoveryFailures = 0;
  /** The games' spread/total ladders (issue #17; only with the strikeTheos port). */
  readonly ladders: LadderRegistry;

  constructor(private readonly core: SessionCore) {
    this.ladders = new LadderRegistry(core);
  }

  async discover(): Promise<void> {
    let failed = false;
    for (const [sport, cfg] of Object.entries(this.core.config.sports)) {
      try {
        await this.core.ports.mapper.prepare?.(sport, cfg.oddsSportKey);
      } catch (err) {
        this.core.ports.metrics.count('DiscoveryErrors');
        this.core.ports.log.warn('mapping_prepare_failed', { sport, error: errText(err) });
        failed = true;
        continue;
      }
      for (const series of cfg.series) {
        let events: ListedEvent[];
        const listedAt = this.core.ports.clock.now();
        try {
          events = await this.core.ports.gateway.listEvents(series);
        } catch (err) {
          this.core.ports.metrics.count('DiscoveryErrors');
          this.core.ports.log.warn('discovery_failed', { series, error: errText(err) });
          failed = true;
          continue;
        }
        this.learnMarketStatus(events, listedAt);
        for (const ev of events) this.register(sport, cfg, ev);
      }
      if (await this.ladders.discover(sport, cfg)) failed = true;
    }
    this.core.ports.feed.track([...this.core.gameOfTicker.keys()]);
    this.retryDiscovery(failed);
  }

  /**
   * A failed listing is tried again on an exponential floor (5 s doubling, up to discoveryMs), not at
   * the next discovery period: a start-up listing lost to a 5xx burst left the worker with no game at
   * all for 5 minutes, a stop no liveness metric can see (it knows no game to call stalled).
   */
  private retryDiscovery(failed: boolean): void {
    if (!failed) {
      this.discoveryFailures = 0;
      return;
    }
    if (this.discoveryTimer || this.core.stopped) return;
    const wait = Math.min(this.core.config.discoveryMs, 5_000 * 2 ** Math.min(10, this.discoveryFailures++));
    this.discoveryTimer = this.core.ports.clock.setTimeout(() => {
      this.discoveryTimer = null;
      if (this.core.stopped) return;
      const p = this.discover().catch((err: unknown) =>
        this.core.ports.log.error('discovery_retry_failed', { error: errText(err) }),
      );
      this.core.running.add(p);
      void p.finally(() => this.core.running.delete(p));
    }, wait);
  }

  private register(sport: string, cfg: SportConfig, ev: ListedEvent): void {
    const known = this.core.games.get(ev.eventTicker);
    if (known) {
      this.refreshListing(known, ev);
      return;
    }
    if (shardOf(ev.eventTicker, this.core.shard.count) !== this.core.shard.index) return; // another shard's game
    const m = this.core.ports.mapper.match(sport, ev);
    if (!m.ok) {
      if (!this.core.unmatched.has(ev.eventTicker))
        this.core.ports.log.warn('game_unmatched', { eventTicker: ev.eventTicker, reason: m.reason });
      this.core.unmatched.set(ev.eventTicker, {
        eventTicker: ev.eventTicker,
        title: ev.title,
        reason: m.reason,
      });
      return;
    }
    const missing = ev.markets.filter((mk) => m.outcomeByTicker[mk.ticker] === undefined);
    if (missing.length > 0 || ev.markets.length < 2) {
      const reason = `markets without an outcome: ${missing.map((x) => x.ticker).join(', ') || 'fewer than two markets'}`;
      this.core.unmatched.set(ev.eventTicker, { eventTicker: ev.eventTicker, title: ev.title, reason });
      return;
    }
    this.core.unmatched.delete(ev.eventTicker);
    const game: Game = {
      eventTicker: ev.eventTicker,
      seriesTicker: ev.seriesTicker,
      sport,
      title: ev.title,
      oddsEventId: m.oddsEventId,
      markets: ev.markets.map((mk) => ({
        ticker: mk.ticker,
        outcome: m.outcomeByTicker[mk.ticker]!,
        exchangeIndex: mk.exchangeIndex,
        priceRanges: mk.priceRanges,
      })),
      kalshiStartMs: ev.startMs,
      oddsCommenceMs: m.commenceMs,
      homeTeam: m.homeTeam,
      awayTeam: m.awayTeam,
      fees: ev.fees,
      ...(m.oddsSportKey ? { oddsSportKey: m.oddsSportKey } : {}),
    };
    this.addGame(game);
    const sportKey = game.oddsSportKey ?? cfg.oddsSportKey;
    this.core.persist('game', this.core.ports.audit?.game?.(game, sportKey, this.core.ports.clock.now()));
  }

  /** The tick grid of a market we trade (from discovery), for the order books. */
  priceRangesOf(ticker: string): PriceRange[] | undefined {
    const event = this.core.gameOfTicker.get(ticker);
    const g = event === undefined ? undefined : this.core.games.get(event);
    return g?.game.markets.find((m) => m.ticker === ticker)?.priceRanges;
  }

  /** Adds a game directly (replay, tests); discovery calls this after mapping. */
  addGame(game: Game): void {
    if (this.core.games.has(game.eventTicker)) return;
    const { hardStopMs, stopAtMs } = this.stopsOf(game);
    const state: GameState = {
      game,
      sport: game.sport,
      tickers: game.markets.map((m) => m.ticker),
      theo: null,
      stopAtMs,
      hardStopMs,
      halted: null,
      haltKind: null,
      closed: false,
      status: 'no-theo',
      lastQuotes: null,
      limit: 0,
      maxLimit: 0,
      lastRefreshMs: Number.NEGATIVE_INFINITY,
      stopTimer: null,
      retryTimer: null,
      entries: newGameEntryBook(game.markets.map((m) => m.ticker)),
    };
    this.core.games.set(game.eventTicker, state);
    for (const t of state.tickers) this.core.gameOfTicker.set(t, game.eventTicker);
    this.armStopTimer(state);
    this.core.applyFlags(state);
    this.core.ports.log.info('game_added', {
      eventTicker: game.eventTicker,
      oddsEventId: game.oddsEventId,
      stopAtMs,
    });
  }

  /** Quoting ends a lead before the hard stop; the hard stop (start − margin) is the orders' expiration. */
  private stopsOf(game: Game): { hardStopMs: number | null; stopAtMs: number | null } {
    const hardStopMs = stopTime(
      { kalshiStart: game.kalshiStartMs, oddsCommence: game.oddsCommenceMs },
      this.core.config.stopMarginMs,
    );
    return { hardStopMs, stopAtMs: hardStopMs === null ? null : hardStopMs - this.core.config.stopLeadMs };
  }

  /** Wake up at the stop time even if nothing else happens in this game. */
  private armStopTimer(g: GameState): void {
    if (g.stopTimer) this.core.ports.clock.clearTimeout(g.stopTimer);
    g.stopTimer = null;
    if (g.stopAtMs === null || this.core.stopped) return;
    const wait = Math.max(0, g.stopAtMs - this.core.ports.clock.now());
    const eventTicker = g.game.eventTicker;
    g.stopTimer = this.core.ports.clock.setTimeout(() => this.core.markDirty(eventTicker), wait);
  }

  /**
   * A known game listed again: Kalshi may have moved its start (the stop time
   * follows, earlier or later) or changed a market's tick structure (the quoter
   * must price on the new grid, or every create is refused).
   */
  private refreshListing(g: GameState, ev: ListedEvent): void {
    const eventTicker = g.game.eventTicker;
    let changed = false;
    if (ev.startMs !== null && ev.startMs !== g.game.kalshiStartMs) {
      this.moveStart(g, { kalshiStartMs: ev.startMs }, 'kalshi');
      changed = true;
    }
    if (ev.fees && JSON.stringify(ev.fees) !== JSON.stringify(g.game.fees)) {
      // Fees are read again with every listing: Kalshi changes them, and a fallback is replaced once known.
      this.core.ports.log.info('game_fees_changed', { eventTicker, fees: ev.fees.feeType });
      g.game = { ...g.game, fees: ev.fees };
      changed = true;
    }
    const listed = new Map(ev.markets.map((mk) => [mk.ticker, mk]));
    const markets = g.game.markets.map((m) => {
      const mk = listed.get(m.ticker);
      if (!mk || samePriceRanges(mk.priceRanges, m.priceRanges)) return m;
      this.core.ports.log.warn('tick_grid_changed', { eventTicker, ticker: m.ticker });
      return { ...m, priceRanges: mk.priceRanges };
    });
    if (markets.some((m, i) => m !== g.game.markets[i])) {
      g.game = { ...g.game, markets };
      changed = true;
    }
    if (changed) this.core.markDirty(eventTicker);
  }

  /**
   * A start time moved (Kalshi's listing or the odds feed's commence time): the stop time and the
   * orders' expiration follow the earlier of the two, whichever source moved. Resting orders keep the
   * expiration they were sent with: if the start moved earlier, the next requote takes down every order
   * expiring after the new hard stop (OrderManager) and creates them again with the new expiration.
   */
  moveStart(
    g: GameState,
    patch: Partial<Pick<Game, 'kalshiStartMs' | 'oddsCommenceMs'>>,
    source: 'kalshi' | 'odds',
  ): void {
    const from = g.hardStopMs;
    g.game = { ...g.game, ...patch };
    const { hardStopMs, stopAtMs } = this.stopsOf(g.game);
    g.hardStopMs = hardStopMs;
    g.stopAtMs = stopAtMs;
    this.armStopTimer(g);
    this.core.ports.log.warn('game_start_moved', {
      eventTicker: g.game.eventTicker,
      source,
      ...patch,
      fromHardStopMs: from,
      hardStopMs,
      stopAtMs,
    });
  }

  /** Every listing re-teaches the markets' status (a pause or resume missed while disconnected, a market not open). */
  learnMarketStatus(events: readonly ListedEvent[], listedAt: number): void {
    for (const t of this.core.startWatch.listed(events, listedAt)) this.core.markDirty(t);
    for (const ev of events)
      for (const t of this.core.marketStatus.learnListing(ev.markets, listedAt)) {
        const g = this.core.gameOfTicker.get(t);
        if (g) this.core.markDirty(g);
      }
  }

  /** Why the exchange keeps a game's markets from trading (`market-paused` / `market-inactive`), or null. */
  marketReason(eventTicker: string): MarketReason | null {
    const g = this.core.games.get(eventTicker);
    return g ? this.core.marketStatus.reasonFor(g.tickers) : null;
  }

  /** A market's dates or structure changed: list its series again now rather than at the next discovery. */
  relist(eventTicker: string, fresh = false): void {
    const g = this.core.games.get(eventTicker);
    if (!g || this.core.stopped) return;
    const inFlight = this.relisting.get(g.game.seriesTicker);
    if (inFlight) {
      // `fresh` (after a reconnect): a listing started before it may predate what was missed; list again after it.
      const series = g.game.seriesTicker;
      if (fresh && !this.relistAgain.has(series)) {
        this.relistAgain.add(series);
        void inFlight.finally(() => {
          this.relistAgain.delete(series);
          this.relist(eventTicker);
        });
      }
      return;
    }
    const series = g.game.seriesTicker;
    const sport = g.sport;
    const cfg = this.core.config.sports[sport];
    if (!cfg) return;
    const p = (async () => {
      try {
        const listedAt = this.core.ports.clock.now();
        const events = await this.core.ports.gateway.listEvents(series);
        this.learnMarketStatus(events, listedAt);
        for (const ev of events) if (this.core.games.has(ev.eventTicker)) this.register(sport, cfg, ev);
      } catch (err) {
        this.core.ports.metrics.count('DiscoveryErrors');
        this.core.ports.log.warn('relist_failed', { series, error: errText(err) });
        this.core.startWatch.retry(eventTicker, () => this.relist(eventTicker));
      } finally {
        this.relisting.delete(series);
      }
    })();
    this.relisting.set(series, p);
    this.core.running.add(p);
    void p.finally(() => this.core.running.delete(p));
  }

  /** Stops the registry's timers: discovery retry, and every game's stop and retry timers. */
  dispose(): void {
    const clock = this.core.ports.clock;
    if (this.discoveryTimer) clock.clearTimeout(this.discoveryTimer);
    for (const g of this.core.games.values()) {
      if (g.stopTimer) clock.clearTimeout(g.stopTimer);
      if (g.retryTimer) clock.clearTimeout(g.retryTimer);
    }
  }
}

function samePriceRanges(
  a: readonly PriceRange[] | undefined,
  b: readonly PriceRange[] | undefined,
): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((r, i) => r.start === b[i]!.start && r.end === b[i]!.end && r.step === b[i]!.step);
}
