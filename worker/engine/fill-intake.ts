/**
 * Fill intake: every fill of ours moves the inventory once (a duplicate is
 * counted and dropped; one already applied at start-up is not applied again),
 * reaches the store, the tape and the game's entry book, and is checked
 * against the game's limit (a breach trips the kill switch). A strong skew
 * asks the odds poller for a fresh theo.
 */
import { WorkerMetric } from '../../shared/metrics/names.ts';
import { sweepOf } from '../../shared/pricing/news-guard.ts';
import { applyGameFill } from '../../shared/risk/inventory.ts';
import type { Centis } from '../../shared/units.ts';
import { gameSkew } from './game-skew.ts';
import { errText, type GameState, gameExhaustive, worstExposure } from './game-state.ts';
import { RecentMoves } from './news-moves.ts';
import type { FillEvent } from './ports.ts';
import type { FillView } from './projection.ts';
import { type SessionCore, TAPE } from './session-core.ts';

export class FillIntake {
  /** Trade ids already in the inventory from start-up: their replay does the rest (orders, audit, tape), not the position again. */
  private readonly preApplied = new Set<string>();
  /** News guard: each game's recent fills by direction (market A's scale for a two-way game), Centis. */
  private readonly recentMoves = new RecentMoves();

  constructor(private readonly core: SessionCore) {}

  /** Start-up: a queued fill moves the position now (arrival time = its fill time for the lag rule); the rest waits for the replay. */
  preApply(fill: FillEvent, atMs: number): void {
    if (!this.core.inventory.applyFill(fill, atMs)) return; // a duplicate: its replay counts it as one
    this.preApplied.add(fill.tradeId);
    const g = this.core.games.get(this.core.gameOfTicker.get(fill.ticker) ?? '');
    if (g) this.applyEntry(g, fill);
  }

  private applyEntry(g: GameState, fill: FillEvent): void {
    const e = applyGameFill(g.entries, {
      ticker: fill.ticker,
      side: fill.side,
      price: fill.price,
      size: fill.count,
    });
    if (e.ok) g.entries = e.book;
  }

  onFill(fill: FillEvent): void {
    const now = this.core.ports.clock.now();
    const eventTicker = this.core.gameOfTicker.get(fill.ticker);
    const gameBefore = eventTicker === undefined ? undefined : this.core.games.get(eventTicker);
    const worstBefore = gameBefore ? worstExposure(this.core.inventory, gameBefore) : 0;
    // Already in the inventory (queued at start-up, applied before the first pass): not again.
    const preApplied = this.preApplied.delete(fill.tradeId);
    if (!preApplied && !this.core.inventory.applyFill(fill, now)) {
      this.core.counters['duplicateFills']!++;
      return;
    }
    this.core.manager.onFill(fill);
    this.core.counters['fills']!++;
    this.core.ports.metrics.count(WorkerMetric.Fills);
    // Every fill reaches the store once, ours to quote or not: the store is the trade record.
    this.auditFill(fill, eventTicker ?? eventTickerOfMarket(fill.ticker));
    if (!eventTicker) {
      this.core.alert('warn', `fill on untracked market ${fill.ticker} (manual trade or other process)`);
      return;
    }
    const view: FillView = {
      atMs: fill.tsMs,
      eventTicker,
      ticker: fill.ticker,
      side: fill.side,
      price: fill.price,
      count: fill.count,
      tradeId: fill.tradeId,
    };
    this.core.fills.unshift(view);
    this.core.fills.length = Math.min(this.core.fills.length, TAPE);
    this.core.emit({ type: 'fill', fill: view });
    this.core.ports.log.info('fill', {
      eventTicker,
      ticker: fill.ticker,
      side: fill.side,
      price: fill.price,
      count: fill.count,
      tradeId: fill.tradeId,
    });
    const g = this.core.games.get(eventTicker);
    if (g) {
      if (!preApplied) this.applyEntry(g, fill);
      this.checkLimit(g, worstBefore);
      if (this.swept(g, fill, now)) this.requestRefresh(g, now, 'fill-burst', {});
      else this.maybeRefresh(g);
    }
    this.core.markDirty(eventTicker);
  }

  private auditFill(fill: FillEvent, eventTicker: string): void {
    this.core.persist('fill', this.core.ports.audit?.fill({ ...fill, eventTicker }));
  }

  /**
   * A fill that pushed |exposure| further past the highest limit this session
   * ever applied means the gate failed: trip the kill switch. (A position found
   * above a limit that shrank with liquidity, or after a restart, is not a
   * breach: the gate only lets it shrink.)
   */
  private checkLimit(g: GameState, worstBefore: Centis): void {
    const worst = worstExposure(this.core.inventory, g);
    const bound = Math.max(g.maxLimit, g.limit);
    if (bound > 0 && worst > bound && worst > worstBefore) {
      this.core.counters['limitBreaches']!++;
      // Same dimensions as the alarm ({Shard}, added by the metrics sink): a per-game dimension never matched it.
      this.core.ports.metrics.count(WorkerMetric.InventoryLimitBreaches, 1);
      void this.core.kill('limit_breach', `${g.game.eventTicker}: |exposure| ${worst} > limit ${bound}`);
    }
  }

  /**
   * News guard (shared/pricing/news-guard.ts): more than `newsSweepSize` taken one way across the
   * game within `newsWindowMs` — a bid hit on one team is an ask lifted on the other. Off at 0.
   */
  private swept(g: GameState, fill: FillEvent, now: number): boolean {
    const q = this.core.config.quoting;
    if (q.newsSweepSize <= 0 || !q.newsRefresh) return false;
    const markets = g.game.markets;
    const leg = markets.findIndex((m) => m.ticker === fill.ticker);
    // A strike (ladder) fill, or a 3-way game's leg, counts on its own market.
    const byGame = markets.length === 2 && leg >= 0 && gameExhaustive(g) === true;
    const key = byGame ? g.game.eventTicker : fill.ticker;
    const mirrored = byGame && leg === 1;
    const delta = (fill.side === 'bid' ? fill.count : -fill.count) * (mirrored ? -1 : 1);
    const kept = this.recentMoves.add(key, { t: now, delta }, q.newsWindowMs);
    return sweepOf(kept, now, { sweepSize: q.newsSweepSize, windowMs: q.newsWindowMs }) !== null;
  }

  private maybeRefresh(g: GameState): void {
    if (!this.core.ports.refresh || g.limit <= 0) return;
    // Strike positions too: the game's whole book (game-skew.ts).
    const skew = gameSkew(g, this.core.inventory) / g.limit;
    if (skew < this.core.config.refreshSkew) return;
    this.requestRefresh(g, this.core.ports.clock.now(), 'inventory-skew', { skew });
  }

  private requestRefresh(
    g: GameState,
    now: number,
    reason: 'inventory-skew' | 'fill-burst',
    detail: Record<string, number>,
  ): void {
    const pub = this.core.ports.refresh;
    if (!pub || now - g.lastRefreshMs < this.core.config.refreshDebounceMs) return;
    g.lastRefreshMs = now;
    // A second tennis tournament's game is refreshed on its own key, not the configured one.
    const sportKey = g.game.oddsSportKey ?? this.core.config.sports[g.sport]?.oddsSportKey ?? g.sport;
    this.core.ports.log.info('refresh_requested', { eventTicker: g.game.eventTicker, reason, ...detail });
    pub
      .publish({
        sportKey,
        eventId: g.game.oddsEventId,
        kalshiEventTicker: g.game.eventTicker,
        reason,
        requestedAt: now,
        requestedBy: 'worker',
      })
      .catch((err: unknown) => this.core.ports.log.warn('refresh_publish_failed', { error: errText(err) }));
  }
}

/**
 * The game of a market we do not track, for its fill record: Kalshi market
 * tickers are the event ticker plus one outcome suffix (`EVENT-SUFFIX`).
 */
const eventTickerOfMarket = (ticker: string): string => {
  const i = ticker.lastIndexOf('-');
  return i > 0 ? ticker.slice(0, i) : ticker;
};
