/**
 * The market feed's link state as the session sees it: up/down transitions
 * (a reconnect re-lists every game's series and runs a trusted pass: fills and
 * lifecycle messages missed while down never arrive), the ws-down timer that
 * pauses quoting after `feedDownPauseMs`, start-up's view of the link (only
 * the timer moves until the queued events replay), and lifecycle messages.
 */
import type { TimerHandle } from '../../shared/clock.ts';
import type { GameRegistry } from './game-registry.ts';
import type { LifecycleKind } from './market-status.ts';
import type { SessionCore } from './session-core.ts';

export class FeedLink {
  private wsTimer: TimerHandle | null = null;
  /** The feed's last connection state seen while start-up queued events (drives the ws-down timer only). */
  private earlyFeedState: 'up' | 'down' = 'down';
  /** Discovery has run once and asked the feed to subscribe: from here on the ws-down bound applies. */
  private subscribed = false;

  constructor(
    private readonly core: SessionCore,
    private readonly registry: GameRegistry,
  ) {}

  /**
   * Start-up asked the feed to subscribe: "down" is measured from here, not from boot (discovery of
   * thousands of markets takes minutes and is no fault of the feed).
   */
  subscribe(): void {
    this.subscribed = true;
    if (this.earlyFeedState !== 'up') this.armWsTimer();
  }

  dispose(): void {
    if (this.wsTimer) this.core.ports.clock.clearTimeout(this.wsTimer);
  }

  onConnection(state: 'up' | 'down'): void {
    const now = this.core.ports.clock.now();
    if (state === this.core.connection.state) return;
    this.core.connection = { state, sinceMs: now };
    this.core.emit({ type: 'connection', state });
    if (state === 'down') {
      this.core.alert('warn', 'market feed down: quotes pulled');
      this.armWsTimer();
    } else {
      // Lifecycle messages missed while down (a pause, a resume) are re-learnt from a fresh listing.
      if (this.core.everUp) for (const id of this.core.games.keys()) this.registry.relist(id, true);
      this.core.outage.up();
      this.core.everUp = true;
      this.core.counters['reconnects']!++;
      this.core.ports.metrics.count('Reconnects');
      if (this.wsTimer) this.core.ports.clock.clearTimeout(this.wsTimer);
      this.wsTimer = null;
      // Fills and order updates carry no sequence numbers: what we missed comes from REST.
      void this.core.reconcile(true);
    }
    for (const g of this.core.games.keys()) this.core.markDirty(g);
  }

  /** Start-up: the feed's state only moves the ws-down timer; everything else waits for the queued event. */
  onEarlyConnection(state: 'up' | 'down'): void {
    if (state === this.earlyFeedState) return;
    this.earlyFeedState = state;
    if (state === 'up') {
      if (this.wsTimer) this.core.ports.clock.clearTimeout(this.wsTimer);
      this.wsTimer = null;
    } else if (this.subscribed) this.armWsTimer();
  }

  private armWsTimer(): void {
    if (this.wsTimer) this.core.ports.clock.clearTimeout(this.wsTimer);
    this.wsTimer = null;
    if (this.core.stopped) return;
    this.core.outage.down();
    this.wsTimer = this.core.ports.clock.setTimeout(() => {
      if (this.core.connection.state === 'down')
        this.core.outage.pause(`market feed down for more than ${this.core.config.feedDownPauseMs} ms`);
    }, this.core.config.feedDownPauseMs);
  }

  onLifecycle(ticker: string, kind: string): void {
    const eventTicker = this.core.gameOfTicker.get(ticker);
    this.core.marketStatus.learnLifecycle(ticker, kind as LifecycleKind, this.core.ports.clock.now());
    if (kind === 'closed' || kind === 'determined' || kind === 'settled') {
      const g = eventTicker ? this.core.games.get(eventTicker) : undefined;
      if (g) g.closed = true;
      // The settlement poller asks soon after (worker/cash/pnl-recorder.ts), not a period later.
      if (kind !== 'closed' && eventTicker) this.core.emit({ type: 'settled', ticker, eventTicker, kind });
    } else if ((kind === 'other' || kind === 'dates') && eventTicker) {
      if (kind === 'dates') this.core.startWatch.changed(eventTicker, this.core.ports.clock.now()); // start uncertain until listed
      this.registry.relist(eventTicker, true); // dates or tick structure changed
    }
    if (eventTicker) this.core.markDirty(eventTicker);
  }
}
