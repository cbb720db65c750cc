/**
 * The heartbeat: every `heartbeatMs` the session's health as metrics — feed
 * disconnected time, games quoted, the oldest theo of a game still ahead of
 * its stop, inventory per game, PnL and the day's drawdown — and the
 * liveness guard (games by quoting reason, games stalled).
 */
import { WorkerMetric } from '../../shared/metrics/names.ts';
import { MICROS_PER_DOLLAR } from '../../shared/units.ts';
import { CREATE_STARVED_GAUGE_MS } from './create-queue.ts';
import type { SessionHealth } from './projection.ts';
import { countByReason } from './quoting-state.ts';
import type { SessionCore } from './session-core.ts';

export class Heartbeat {
  constructor(
    private readonly core: SessionCore,
    /** The dashboard projection's figures (projectHealth): what the trader sees, without the views. */
    private readonly health: () => SessionHealth,
  ) {}

  beat(): void {
    const now = this.core.ports.clock.now();
    const m = this.core.ports.metrics;
    m.count(WorkerMetric.Heartbeat);
    m.gauge(
      WorkerMetric.WsDisconnectedSeconds,
      this.core.connection.state === 'down' ? (now - this.core.connection.sinceMs) / 1000 : 0,
    );
    let quoted = 0;
    let oldestTheo = 0;
    const snap = this.health();
    for (const g of snap.games) {
      if (g.status === 'quoting') quoted++;
      // Every game still ahead of its stop time, quoted or not: a game pulled for a stale theo is exactly
      // the one whose age the alarm must see (quoting games are by construction younger than theoMaxAgeMs).
      if (g.theoAgeMs !== null && g.stopAtMs !== null && now < g.stopAtMs)
        oldestTheo = Math.max(oldestTheo, g.theoAgeMs);
      m.gauge('Inventory', g.inventory, { game: g.eventTicker });
    }
    m.gauge(WorkerMetric.GamesQuoted, quoted);
    this.observeLiveness(now);
    m.gauge(WorkerMetric.TheoAgeSeconds, oldestTheo / 1000);
    m.gauge('PnlRealisedDollars', snap.pnl.realised / MICROS_PER_DOLLAR);
    m.gauge('PnlMarkedDollars', snap.pnl.marked / MICROS_PER_DOLLAR);
    // Drawdown from the trading day's peak of realised + marked PnL, across restarts (the PnlDrawdown alarm).
    const drawdown = this.core.dayPnl.observe(now, snap.pnl.realised, snap.pnl.marked);
    m.gauge(WorkerMetric.PnlDrawdownDollars, drawdown / MICROS_PER_DOLLAR);
    this.core.persist('pnl_day', this.core.dayPnl.sync(now));
  }

  /**
   * Liveness guard: games by reason, and games stalled (an unexpected reason and nothing resting
   * on any side for stallAfterMs) — the silent stop no other metric shows.
   */
  private observeLiveness(now: number): void {
    for (const g of this.core.games.values()) {
      const resting = this.core.manager.hasResting(g.tickers);
      this.core.liveness.observe(g.game.eventTicker, g.status, resting, now);
    }
    const m = this.core.ports.metrics;
    for (const [reason, n] of countByReason([...this.core.games.values()].map((g) => g.status)))
      m.gauge(WorkerMetric.GamesByReason, n, { Reason: reason });
    const stalled = this.core.liveness.stalled(now);
    m.gauge(WorkerMetric.GamesStalled, stalled.length);
    // A market that wants an order and has none while its game quotes (create-queue.ts): a stall per market.
    const creates = this.core.manager.createQueue;
    // Killed, no game can quote: no side waits (the requote loop stops at the kill and never says so).
    if (this.core.killSwitch.tripped) for (const id of this.core.games.keys()) creates.cannotQuote(id);
    m.gauge(WorkerMetric.CreatesQueued, creates.queued());
    m.gauge(WorkerMetric.CreatesStarved, creates.starved(now, CREATE_STARVED_GAUGE_MS));
    for (const id of stalled)
      this.core.ports.log.warn('game_stalled', { eventTicker: id, reason: this.core.games.get(id)?.status });
  }
}
