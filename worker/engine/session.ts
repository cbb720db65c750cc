/**
 * TradingSession: the one object live, paper, replay and simulation drive the
 * same way. Inputs are feed events (`handle`) and its own timers on the
 * injected clock (theo poll, kill-flag poll, reconciliation, discovery,
 * heartbeat); outputs are commands through the ports. Nothing here reads a
 * global clock, opens a socket or touches a file.
 *
 * Per game: discovery (series per sport) → mapping to an odds event (unmatched
 * are reported, never guessed) → theo (missing or stale → no quotes) →
 * on every book change or fill, one requote per game per event-loop turn
 * (dirty set flushed by setImmediate) → quoter → order manager → risk gate.
 */

import type { TimerHandle } from '../../shared/clock.ts';
import type { EngineConfig, SportConfig } from '../../shared/config/engine-config.ts';
import type { QuotingReason } from '../../shared/liveness/quoting-state.ts';
import { WorkerMetric } from '../../shared/metrics/names.ts';
import type { PriceRange } from '../../shared/pricing/tick-grid.ts';
import {
  applyGameFill,
  entryBookAtPositions,
  type GameEntryBook,
  marketAverageEntry,
  newGameEntryBook,
} from '../../shared/risk/inventory.ts';
import { gameLimit } from '../../shared/risk/limits.ts';
import { gameStartTime, stopTime } from '../../shared/risk/stop-rule.ts';
import { shardOf } from '../../shared/store/shard-assignment.ts';
import { type Centis, MICROS_PER_DOLLAR, type Micros, notionalMicros } from '../../shared/units.ts';
import { DayDrawdownTracker } from './day-drawdown.ts';
import { exposures, signedInventory } from './exposure.ts';
import { FeedOutage } from './feed-outage.ts';
import { Inventory } from './inventory.ts';
import { type KillSource, type KillState, KillSwitch } from './kill-switch.ts';
import { type LifecycleKind, type MarketReason, MarketStatusTracker } from './market-status.ts';
import { groupLimitCentis } from './order-groups.ts';
import { type GameBinding, OrderManager, type SyncReport } from './order-manager.ts';
import type {
  ActiveFlag,
  BookSide,
  EnginePorts,
  FeedEvent,
  FillEvent,
  FlattenResult,
  Game,
  GameQuotes,
  ListedEvent,
  MarketBook,
  SlotId,
  TheoSnapshot,
} from './ports.ts';
import {
  afterQuoting,
  countByReason,
  LivenessTracker,
  quotingReason,
  STATUS_RECHECK_MS,
} from './quoting-state.ts';
import { driftMemory, holdDuringGap, reconcileOrders, reconcilePositions } from './reconcile.ts';
import { StartWatch } from './start-watch.ts';
import { UncertainWatch } from './uncertain-watch.ts';
import { WriteBudget } from './write-budget.ts';

/** A game's status is its quoting reason (shared/liveness/quoting-state.ts). */
export type GameStatus = QuotingReason;

interface GameState {
  game: Game;
  sport: string;
  tickers: string[];
  theo: TheoSnapshot | null;
  /** When our quoting ends (hard stop − lead). */
  stopAtMs: number | null;
  /** Start − margin: nothing of ours may rest from here on; the orders' expiration. */
  hardStopMs: number | null;
  halted: string | null;
  /** The operator flag behind `halted`. */
  haltKind: ActiveFlag['kind'] | null;
  closed: boolean;
  status: GameStatus;
  lastQuotes: GameQuotes | null;
  limit: Centis;
  /** Highest limit ever applied to this game: the bound a breach is judged against. */
  maxLimit: Centis;
  lastRefreshMs: number;
  stopTimer: TimerHandle | null;
  retryTimer: TimerHandle | null;
  /** Average entry of the game's directional position (break-even ceilings): one tracker on market A's scale for a two-way game. */
  entries: GameEntryBook;
  /** Slots the risk gate denied at the last sync (at the limit): not quoted, whatever the quoter wanted. */
  denied?: ReadonlySet<string>;
  /** The reason the inputs gave at the last requote (before the quoter), for the status recheck. */
  inputStatus?: GameStatus;
}

export interface FillView {
  atMs: number;
  eventTicker: string;
  ticker: string;
  side: BookSide;
  price: Micros;
  count: Centis;
  tradeId: string;
}

export interface Alert {
  atMs: number;
  level: 'warn' | 'error';
  message: string;
}

export interface SlotView {
  price: Micros;
  size: Centis;
  state: string;
}

export interface MarketView {
  ticker: string;
  outcome: string;
  theo: number | null;
  bestBid: Micros | null;
  bestBidSize: Centis;
  bestAsk: Micros | null;
  bestAskSize: Centis;
  position: Centis;
  ourBid: SlotView | null;
  ourAsk: SlotView | null;
  modeBid: string | null;
  modeAsk: string | null;
}

export interface GameView {
  eventTicker: string;
  title: string;
  sport: string;
  homeTeam: string | null;
  awayTeam: string | null;
  startMs: number | null;
  stopAtMs: number | null;
  status: GameStatus;
  /** Since when nothing of the game has rested while its reason was not idle by design (liveness guard). */
  idleSinceMs?: number | null;
  theo: { probabilities: Record<string, number>; ageMs: number; books: number } | null;
  markets: MarketView[];
  inventory: Centis;
  limit: Centis;
  pnl: { realised: Micros; marked: Micros };
  reasons: string[];
}

export interface SessionSnapshot {
  atMs: number;
  connection: { state: 'up' | 'down'; sinceMs: number };
  kill: KillState;
  games: GameView[];
  unmatched: { eventTicker: string; title: string; reason: string }[];
  fills: FillView[];
  drift: { atMs: number; ticker: string; local: Centis; exchange: Centis }[];
  counters: Record<string, number>;
  alerts: Alert[];
  pnl: { realised: Micros; marked: Micros };
}

export type SessionEvent =
  | { type: 'fill'; fill: FillView }
  | { type: 'quote'; eventTicker: string }
  | { type: 'alert'; alert: Alert }
  | { type: 'kill'; state: KillState }
  | { type: 'connection'; state: 'up' | 'down' }
  | { type: 'reconciled'; changes: number };

const TAPE = 200;

export interface ShardAssignment {
  index: number;
  count: number;
}

export class TradingSession {
  private readonly games = new Map<string, GameState>();
  private readonly gameOfTicker = new Map<string, string>();
  private readonly unmatched = new Map<string, { eventTicker: string; title: string; reason: string }>();
  private readonly inventory = new Inventory();
  private readonly manager: OrderManager;
  readonly killSwitch: KillSwitch;
  /** Exchange status of every market we trade (listings + lifecycle); `paused` is its blocked set. */
  private readonly marketStatus = new MarketStatusTracker();
  /** Games whose dates a lifecycle message changed, until a later listing answers (start-watch.ts). */
  private readonly startWatch: StartWatch;
  /** Asks for a prompt listing while a write's outcome is unknown (uncertain-watch.ts). */
  private readonly uncertainWatch = new UncertainWatch();
  private readonly paused = this.marketStatus.blocked;
  private readonly dirty = new Set<string>();
  private readonly dirtySince = new Map<string, number>();
  private flushScheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  private readonly requotes = new Set<Promise<unknown>>();
  private readonly timers: TimerHandle[] = [];
  /** Timer tasks in progress (theo/kill polls, reconciliation): awaited by `stop` so no store call outlives it. */
  private readonly running = new Set<Promise<unknown>>();
  /** Series being listed again after a lifecycle change (one request per series at a time). */
  private readonly relisting = new Map<string, Promise<void>>();
  /** Series to list again once their in-flight listing ends (it started before a reconnect). */
  private readonly relistAgain = new Set<string>();
  private connection: { state: 'up' | 'down'; sinceMs: number };
  private wsTimer: TimerHandle | null = null;
  /** The pause a long WebSocket outage takes (instead of the global kill). */
  private readonly outage: FeedOutage;
  /** Until the feed has been up once and every market of a game has shown a valid book, nothing is touched (restart: adopted orders are held, not pulled). */
  private everUp = false;
  private readonly seenBook = new Set<string>();
  private reconciling: Promise<void> | null = null;
  private lastDrift = new Map<string, Centis>();
  /** The first successful pass loads positions; later corrections are drift. */
  private positionsLoaded = false;
  private recheckTimer: TimerHandle | null = null;
  private flags: readonly ActiveFlag[] = [];
  private readonly fills: FillView[] = [];
  private readonly drift: SessionSnapshot['drift'] = [];
  private readonly alerts: Alert[] = [];
  private readonly counters: Record<string, number> = {
    writes: 0,
    riskDenied: 0,
    rateLimited: 0,
    reconnects: 0,
    resyncs: 0,
    drifts: 0,
    fills: 0,
    duplicateFills: 0,
    limitBreaches: 0,
    requotes: 0,
  };
  private readonly listeners = new Set<(e: SessionEvent) => void>();
  private unsubscribe: (() => void) | null = null;
  private started = false;
  /** Feed events that arrive before start-up finished (discovery, adoption) wait here, with their arrival time. */
  private early: { event: FeedEvent; atMs: number }[] | null = null;
  /**
   * Start-up, discovery done: queued fills go into the inventory at once (not at
   * replay), so the first pass judges positions with them in and can tell from
   * their arrival time whether its snapshot already counts them. Replayed on
   * top of a snapshot that counts them, they would be counted twice.
   */
  private preApplyEarly = false;
  /** Trade ids already in the inventory from start-up: their replay does the rest (orders, audit, tape), not the position again. */
  private readonly preApplied = new Set<string>();
  /**
   * Markets whose trusted correction was deferred (a fill too recent for the
   * snapshot to be sure of it): the re-check stays trusted. 'load' = owed by the
   * start-up pass (a correction is the position we start with, not drift).
   */
  private readonly owedTrust = new Map<string, 'load' | 'gap'>();
  /** A trusted pass asked for while another pass runs: it follows that pass (whose snapshot may predate the reconnect). */
  private trustQueued: Promise<void> | null = null;
  /** The feed's last connection state seen while start-up queued events (drives the ws-down timer only). */
  private earlyFeedState: 'up' | 'down' = 'down';
  /** Discovery has run once and asked the feed to subscribe: from here on the ws-down bound applies. */
  private subscribed = false;
  private stopped = false;
  private lastSnapshotMs = Number.NEGATIVE_INFINITY;
  /** The trading day's PnL and peak, continued from the store across restarts: the drawdown's reference. */
  private readonly dayPnl: DayDrawdownTracker;
  private readonly liveness: LivenessTracker;
  private discoveryTimer: TimerHandle | null = null;
  private discoveryFailures = 0;

  constructor(
    private readonly config: EngineConfig,
    private readonly ports: EnginePorts,
    /** This worker's shard: it trades only the games that hash to it (the lease guards the shard itself). */
    private readonly shard: ShardAssignment = { index: 0, count: 1 },
  ) {
    const now = ports.clock.now();
    this.connection = { state: 'down', sinceMs: now };
    this.liveness = new LivenessTracker(config.stallAfterMs);
    this.dayPnl = new DayDrawdownTracker(ports.dayPnl, ports.log, ports.metrics);
    this.killSwitch = new KillSwitch({
      clock: ports.clock,
      flatten: ports.flatten,
      log: ports.log,
      metrics: ports.metrics,
      // Writes already on the wire land (or fail) before the first listing, so the listing sees them.
      drain: () => this.manager.settled(),
      drainMs: config.kill.drainMs,
      onTrip: () => {
        for (const g of this.games.values()) g.status = 'killed';
        this.emit({ type: 'kill', state: this.killSwitch.state });
      },
    });
    this.manager = new OrderManager({
      gateway: ports.gateway,
      clock: ports.clock,
      log: ports.log,
      metrics: ports.metrics,
      audit: ports.audit,
      budget:
        ports.writeBudget ??
        new WriteBudget(ports.clock, config.writeBudget.tokensPerSec, config.writeBudget.capacity),
      clientOrderPrefix: config.clientOrderPrefix,
      amend: config.amend,
      writeCost: config.writeBudget.writeCost,
      cancelCost: config.writeBudget.cancelCost,
      onSettled: (g) => this.markDirty(g),
      orderGroupResetMs: config.orderGroupResetMs,
    });
    this.startWatch = new StartWatch(this.ports.clock);
    this.outage = new FeedOutage({
      clock: ports.clock,
      flatten: ports.pauseFlatten ?? ports.flatten,
      log: ports.log,
      metrics: ports.metrics,
      resync: () => void this.reconcile(true),
      onChange: () => {
        for (const g of this.games.keys()) this.markDirty(g);
      },
      ...(config.kill.wsDownMs === undefined
        ? {}
        : { killAfterMs: config.kill.wsDownMs, kill: (reason: string) => void this.kill('ws_down', reason) }),
    });
  }

  /** A WebSocket outage past `feedDownPauseMs`: our orders cancelled, quoting paused until resync. */
  feedOutage(): ReturnType<FeedOutage['view']> {
    return this.outage.view();
  }

  // ================================================================ lifecycle

  /**
   * Discovers games, adopts whatever already rests (restart: never duplicate),
   * subscribes to the feed and starts the timers. Crash-only: a restart takes
   * exactly this path.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.early = [];
    // Subscribed before anything is awaited: the feed may deliver at once (queued until start-up ends).
    this.unsubscribe = this.ports.feed.onEvent((e) => this.handle(e));
    await this.dayPnl.load(this.ports.clock.now()); // the day's earlier realised PnL and peak (restart)
    await this.discover();
    // "Down" is measured from the first subscription request, not from boot: discovery of thousands of
    // markets takes minutes and is no fault of the feed. The feed may already be up (its event waits in `early`).
    this.subscribed = true;
    if (this.earlyFeedState !== 'up') this.armWsTimer();
    // Games are known now: fills queued so far (and any that arrive from here on) join the inventory before the first pass.
    this.preApplyEarly = true;
    for (const q of this.early ?? []) if (q.event.type === 'fill') this.preApply(q.event, q.atMs);
    await this.pollKill();
    await this.reconcile(true); // adopt resting orders and take exchange positions before the first quote
    await this.pollTheos();
    const early = this.early ?? [];
    this.early = null;
    for (const q of early) this.handle(q.event);
    this.every(this.config.theoPollMs, () => this.pollTheos());
    this.every(this.config.reconcileMs, () => this.reconcile());
    this.every(this.config.discoveryMs, () => this.discover());
    this.every(this.config.heartbeatMs, () => this.heartbeat());
    this.every(STATUS_RECHECK_MS, () => this.recheckStatus());
    if (this.ports.killFlag) this.every(this.config.killPollMs, () => this.pollKill());
    this.ports.log.info('session_started', { games: this.games.size, unmatched: this.unmatched.size });
  }

  /** Trips the kill switch (stop quoting, cancel until flat), then stops timers and the feed. */
  async stop(source: KillSource = 'sigterm', reason = 'shutdown'): Promise<FlattenResult> {
    const result = await this.kill(source, reason);
    this.snapshotPositions('shutdown');
    const { pnl } = this.snapshot();
    this.persist('pnl_day', this.dayPnl.flush(this.ports.clock.now(), pnl.realised, pnl.marked));
    this.shutdownTimers();
    await this.quiesce();
    return result;
  }

  /** Resolves once no timer task, reconciliation, requote or order write is in flight (after stop/dispose). */
  async quiesce(): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const pending = [
        ...this.running,
        ...this.requotes,
        ...(this.reconciling ? [this.reconciling] : []),
        ...(this.trustQueued ? [this.trustQueued] : []),
      ];
      if (pending.length === 0) break;
      await Promise.allSettled(pending);
    }
    await this.manager.settled();
  }

  kill(source: KillSource, reason: string): Promise<FlattenResult> {
    const alreadyTripped = this.killSwitch.tripped;
    const p = this.killSwitch.trip(source, reason);
    if (!alreadyTripped) this.alert('error', `kill switch (${source}): ${reason}`);
    return p;
  }

  /** Stops timers and the feed subscription without touching orders (crash simulation, replay end). */
  dispose(): void {
    this.killSwitch.abortFlood();
    this.shutdownTimers();
  }

  private shutdownTimers(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers.splice(0)) this.ports.clock.clearTimeout(t);
    if (this.wsTimer) this.ports.clock.clearTimeout(this.wsTimer);
    this.outage.dispose();
    this.startWatch.close();
    if (this.recheckTimer) this.ports.clock.clearTimeout(this.recheckTimer);
    if (this.discoveryTimer) this.ports.clock.clearTimeout(this.discoveryTimer);
    this.manager.dispose();
    for (const g of this.games.values()) {
      if (g.stopTimer) this.ports.clock.clearTimeout(g.stopTimer);
      if (g.retryTimer) this.ports.clock.clearTimeout(g.retryTimer);
    }
    this.unsubscribe?.();
  }

  /** Order writes of ours on the wire now (the flattener waits for them before it trusts a listing). */
  writesInFlight(): number {
    return this.manager.writesInFlight();
  }

  /** Resolves when no requote is scheduled or running and no order write is in flight. */
  async idle(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      await new Promise<void>((r) => setImmediate(r));
      await this.flushing;
      await Promise.all([...this.requotes]);
      await this.manager.settled();
      if (!this.flushScheduled && this.requotes.size === 0 && this.dirty.size === 0) return;
    }
  }

  onEvent(listener: (e: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ================================================================ inputs

  handle(event: FeedEvent): void {
    if (this.early) {
      // Not started yet: a reconnect reconciliation now would see no tracked markets and cancel our own orders.
      const atMs = this.ports.clock.now();
      this.early.push({ event, atMs });
      if (event.type === 'connection') this.onEarlyConnection(event.state);
      else if (event.type === 'fill' && this.preApplyEarly) this.preApply(event, atMs);
      return;
    }
    try {
      switch (event.type) {
        case 'book': {
          const g = this.gameOfTicker.get(event.ticker);
          if (g) this.markDirty(g);
          return;
        }
        case 'fill':
          this.onFill(event);
          return;
        case 'order':
          this.manager.onOrderUpdate(event);
          return;
        case 'connection':
          this.onConnection(event.state);
          return;
        case 'lifecycle':
          this.onLifecycle(event.ticker, event.kind);
          return;
        case 'order_group':
          this.manager.groups.onGroupEvent(event.orderGroupId, event.eventType);
          return;
      }
    } catch (err) {
      // A bad event is counted and dropped; it never takes the session down.
      this.ports.metrics.count('FeedEventErrors');
      this.ports.log.error('feed_event_failed', { type: event.type, error: errText(err) });
    }
  }

  /** Start-up: a queued fill moves the position now (arrival time = its fill time for the lag rule); the rest waits for the replay. */
  private preApply(fill: FillEvent, atMs: number): void {
    if (!this.inventory.applyFill(fill, atMs)) return; // a duplicate: its replay counts it as one
    this.preApplied.add(fill.tradeId);
    const g = this.games.get(this.gameOfTicker.get(fill.ticker) ?? '');
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

  private onFill(fill: FillEvent): void {
    const now = this.ports.clock.now();
    const eventTicker = this.gameOfTicker.get(fill.ticker);
    const gameBefore = eventTicker === undefined ? undefined : this.games.get(eventTicker);
    const worstBefore = gameBefore ? this.worstExposure(gameBefore) : 0;
    // Already in the inventory (queued at start-up, applied before the first pass): not again.
    const preApplied = this.preApplied.delete(fill.tradeId);
    if (!preApplied && !this.inventory.applyFill(fill, now)) {
      this.counters['duplicateFills']!++;
      return;
    }
    this.manager.onFill(fill);
    this.counters['fills']!++;
    this.ports.metrics.count(WorkerMetric.Fills);
    // Every fill reaches the store once, ours to quote or not: the store is the trade record.
    this.auditFill(fill, eventTicker ?? eventTickerOfMarket(fill.ticker));
    if (!eventTicker) {
      this.alert('warn', `fill on untracked market ${fill.ticker} (manual trade or other process)`);
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
    this.fills.unshift(view);
    this.fills.length = Math.min(this.fills.length, TAPE);
    this.emit({ type: 'fill', fill: view });
    this.ports.log.info('fill', {
      eventTicker,
      ticker: fill.ticker,
      side: fill.side,
      price: fill.price,
      count: fill.count,
      tradeId: fill.tradeId,
    });
    const g = this.games.get(eventTicker);
    if (g) {
      if (!preApplied) this.applyEntry(g, fill);
      this.checkLimit(g, worstBefore);
      this.maybeRefresh(g);
    }
    this.markDirty(eventTicker);
  }

  private auditFill(fill: FillEvent, eventTicker: string): void {
    this.persist('fill', this.ports.audit?.fill({ ...fill, eventTicker }));
  }

  /** A store write off the trading path: failures are logged and counted, never thrown; stop() waits for it. */
  private persist(what: string, write: Promise<void> | undefined): void {
    if (!write) return;
    const p = write
      .catch((err: unknown) => {
        this.ports.metrics.count('AuditWriteErrors', 1, { what });
        this.ports.log.warn(`audit_${what}_failed`, { error: errText(err) });
      })
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  /** Positions and game inventories to the store: at most one per minute from reconciliation, and at shutdown. */
  private snapshotPositions(source: 'reconciliation' | 'shutdown'): void {
    const audit = this.ports.audit;
    if (!audit?.positions) return;
    const now = this.ports.clock.now();
    if (source === 'reconciliation' && now - this.lastSnapshotMs < POSITION_SNAPSHOT_EVERY_MS) return;
    this.lastSnapshotMs = now;
    const positions = this.inventory
      .tickers()
      .map((ticker) => ({ ticker, position: this.inventory.position(ticker) }))
      .filter((p) => p.position !== 0);
    const inventories = [...this.games.values()].map((g) => ({
      eventTicker: g.game.eventTicker,
      inventory: signedInventory(g.tickers, this.inventory.positions(g.tickers)),
    }));
    this.persist('positions', audit.positions({ atMs: now, positions, inventories, source }));
  }

  private onConnection(state: 'up' | 'down'): void {
    const now = this.ports.clock.now();
    if (state === this.connection.state) return;
    this.connection = { state, sinceMs: now };
    this.emit({ type: 'connection', state });
    if (state === 'down') {
      this.alert('warn', 'market feed down: quotes pulled');
      this.armWsTimer();
    } else {
      // Lifecycle messages missed while down (a pause, a resume) are re-learnt from a fresh listing.
      if (this.everUp) for (const id of this.games.keys()) this.relist(id, true);
      this.outage.up();
      this.everUp = true;
      this.counters['reconnects']!++;
      this.ports.metrics.count('Reconnects');
      if (this.wsTimer) this.ports.clock.clearTimeout(this.wsTimer);
      this.wsTimer = null;
      // Fills and order updates carry no sequence numbers: what we missed comes from REST.
      void this.reconcile(true);
    }
    for (const g of this.games.keys()) this.markDirty(g);
  }

  /** Start-up: the feed's state only moves the ws-down timer; everything else waits for the queued event. */
  private onEarlyConnection(state: 'up' | 'down'): void {
    if (state === this.earlyFeedState) return;
    this.earlyFeedState = state;
    if (state === 'up') {
      if (this.wsTimer) this.ports.clock.clearTimeout(this.wsTimer);
      this.wsTimer = null;
    } else if (this.subscribed) this.armWsTimer();
  }

  private armWsTimer(): void {
    if (this.wsTimer) this.ports.clock.clearTimeout(this.wsTimer);
    this.wsTimer = null;
    if (this.stopped) return;
    this.outage.down();
    this.wsTimer = this.ports.clock.setTimeout(() => {
      if (this.connection.state === 'down')
        this.outage.pause(`market feed down for more than ${this.config.feedDownPauseMs} ms`);
    }, this.config.feedDownPauseMs);
  }

  private onLifecycle(ticker: string, kind: string): void {
    const eventTicker = this.gameOfTicker.get(ticker);
    this.marketStatus.learnLifecycle(ticker, kind as LifecycleKind, this.ports.clock.now());
    if (kind === 'closed' || kind === 'determined' || kind === 'settled') {
      const g = eventTicker ? this.games.get(eventTicker) : undefined;
      if (g) g.closed = true;
    } else if ((kind === 'other' || kind === 'dates') && eventTicker) {
      if (kind === 'dates') this.startWatch.changed(eventTicker, this.ports.clock.now()); // start uncertain until listed
      this.relist(eventTicker, true); // dates or tick structure changed
    }
    if (eventTicker) this.markDirty(eventTicker);
  }

  // ================================================================ discovery

  async discover(): Promise<void> {
    let failed = false;
    for (const [sport, cfg] of Object.entries(this.config.sports)) {
      try {
        await this.ports.mapper.prepare?.(sport, cfg.oddsSportKey);
      } catch (err) {
        this.ports.metrics.count('DiscoveryErrors');
        this.ports.log.warn('mapping_prepare_failed', { sport, error: errText(err) });
        failed = true;
        continue;
      }
      for (const series of cfg.series) {
        let events: ListedEvent[];
        const listedAt = this.ports.clock.now();
        try {
          events = await this.ports.gateway.listEvents(series);
        } catch (err) {
          this.ports.metrics.count('DiscoveryErrors');
          this.ports.log.warn('discovery_failed', { series, error: errText(err) });
          failed = true;
          continue;
        }
        this.learnMarketStatus(events, listedAt);
        for (const ev of events) this.register(sport, cfg, ev);
      }
    }
    this.ports.feed.track([...this.gameOfTicker.keys()]);
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
    if (this.discoveryTimer || this.stopped) return;
    const wait = Math.min(this.config.discoveryMs, 5_000 * 2 ** Math.min(10, this.discoveryFailures++));
    this.discoveryTimer = this.ports.clock.setTimeout(() => {
      this.discoveryTimer = null;
      if (this.stopped) return;
      const p = this.discover().catch((err: unknown) =>
        this.ports.log.error('discovery_retry_failed', { error: errText(err) }),
      );
      this.running.add(p);
      void p.finally(() => this.running.delete(p));
    }, wait);
  }

  private register(sport: string, cfg: SportConfig, ev: ListedEvent): void {
    const known = this.games.get(ev.eventTicker);
    if (known) {
      this.refreshListing(known, ev);
      return;
    }
    if (shardOf(ev.eventTicker, this.shard.count) !== this.shard.index) return; // another shard's game
    const m = this.ports.mapper.match(sport, ev);
    if (!m.ok) {
      if (!this.unmatched.has(ev.eventTicker))
        this.ports.log.warn('game_unmatched', { eventTicker: ev.eventTicker, reason: m.reason });
      this.unmatched.set(ev.eventTicker, { eventTicker: ev.eventTicker, title: ev.title, reason: m.reason });
      return;
    }
    const missing = ev.markets.filter((mk) => m.outcomeByTicker[mk.ticker] === undefined);
    if (missing.length > 0 || ev.markets.length < 2) {
      const reason = `markets without an outcome: ${missing.map((x) => x.ticker).join(', ') || 'fewer than two markets'}`;
      this.unmatched.set(ev.eventTicker, { eventTicker: ev.eventTicker, title: ev.title, reason });
      return;
    }
    this.unmatched.delete(ev.eventTicker);
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
    this.persist('game', this.ports.audit?.game?.(game, sportKey, this.ports.clock.now()));
  }

  /**
   * The REST client's last check before a create or amend is signed: null lets it
   * through; a reason stops a write that was decided before the kill switch
   * tripped (or the lease lapsed) but was still queued for the rate budget.
   */
  writeFence(): string | null {
    if (this.killSwitch.tripped) return 'kill switch';
    const lease = this.ports.lease;
    if (lease && !lease.valid(this.ports.clock.now())) return 'shard lease lost';
    return null;
  }

  /** The tick grid of a market we trade (from discovery), for the order books. */
  priceRangesOf(ticker: string): PriceRange[] | undefined {
    const event = this.gameOfTicker.get(ticker);
    const g = event === undefined ? undefined : this.games.get(event);
    return g?.game.markets.find((m) => m.ticker === ticker)?.priceRanges;
  }

  /** Adds a game directly (replay, tests); discovery calls this after mapping. */
  addGame(game: Game): void {
    if (this.games.has(game.eventTicker)) return;
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
    this.games.set(game.eventTicker, state);
    for (const t of state.tickers) this.gameOfTicker.set(t, game.eventTicker);
    this.armStopTimer(state);
    this.applyFlags(state);
    this.ports.log.info('game_added', {
      eventTicker: game.eventTicker,
      oddsEventId: game.oddsEventId,
      stopAtMs,
    });
  }

  /** Quoting ends a lead before the hard stop; the hard stop (start − margin) is the orders' expiration. */
  private stopsOf(game: Game): { hardStopMs: number | null; stopAtMs: number | null } {
    const hardStopMs = stopTime(
      { kalshiStart: game.kalshiStartMs, oddsCommence: game.oddsCommenceMs },
      this.config.stopMarginMs,
    );
    return { hardStopMs, stopAtMs: hardStopMs === null ? null : hardStopMs - this.config.stopLeadMs };
  }

  /** Wake up at the stop time even if nothing else happens in this game. */
  private armStopTimer(g: GameState): void {
    if (g.stopTimer) this.ports.clock.clearTimeout(g.stopTimer);
    g.stopTimer = null;
    if (g.stopAtMs === null || this.stopped) return;
    const wait = Math.max(0, g.stopAtMs - this.ports.clock.now());
    const eventTicker = g.game.eventTicker;
    g.stopTimer = this.ports.clock.setTimeout(() => this.markDirty(eventTicker), wait);
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
      this.ports.log.info('game_fees_changed', { eventTicker, fees: ev.fees.feeType });
      g.game = { ...g.game, fees: ev.fees };
      changed = true;
    }
    const listed = new Map(ev.markets.map((mk) => [mk.ticker, mk]));
    const markets = g.game.markets.map((m) => {
      const mk = listed.get(m.ticker);
      if (!mk || samePriceRanges(mk.priceRanges, m.priceRanges)) return m;
      this.ports.log.warn('tick_grid_changed', { eventTicker, ticker: m.ticker });
      return { ...m, priceRanges: mk.priceRanges };
    });
    if (markets.some((m, i) => m !== g.game.markets[i])) {
      g.game = { ...g.game, markets };
      changed = true;
    }
    if (changed) this.markDirty(eventTicker);
  }

  /**
   * A start time moved (Kalshi's listing or the odds feed's commence time): the stop time and the
   * orders' expiration follow the earlier of the two, whichever source moved. Resting orders keep the
   * expiration they were sent with: if the start moved earlier, the next requote takes down every order
   * expiring after the new hard stop (OrderManager) and creates them again with the new expiration.
   */
  private moveStart(
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
    this.ports.log.warn('game_start_moved', {
      eventTicker: g.game.eventTicker,
      source,
      ...patch,
      fromHardStopMs: from,
      hardStopMs,
      stopAtMs,
    });
  }

  /** Every listing re-teaches the markets' status (a pause or resume missed while disconnected, a market not open). */
  private learnMarketStatus(events: readonly ListedEvent[], listedAt: number): void {
    for (const t of this.startWatch.listed(events, listedAt)) this.markDirty(t);
    for (const ev of events)
      for (const t of this.marketStatus.learnListing(ev.markets, listedAt)) {
        const g = this.gameOfTicker.get(t);
        if (g) this.markDirty(g);
      }
  }

  /** Why the exchange keeps a game's markets from trading (`market-paused` / `market-inactive`), or null. */
  marketReason(eventTicker: string): MarketReason | null {
    const g = this.games.get(eventTicker);
    return g ? this.marketStatus.reasonFor(g.tickers) : null;
  }

  /** A market's dates or structure changed: list its series again now rather than at the next discovery. */
  private relist(eventTicker: string, fresh = false): void {
    const g = this.games.get(eventTicker);
    if (!g || this.stopped) return;
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
    const cfg = this.config.sports[sport];
    if (!cfg) return;
    const p = (async () => {
      try {
        const listedAt = this.ports.clock.now();
        const events = await this.ports.gateway.listEvents(series);
        this.learnMarketStatus(events, listedAt);
        for (const ev of events) if (this.games.has(ev.eventTicker)) this.register(sport, cfg, ev);
      } catch (err) {
        this.ports.metrics.count('DiscoveryErrors');
        this.ports.log.warn('relist_failed', { series, error: errText(err) });
        this.startWatch.retry(eventTicker, () => this.relist(eventTicker));
      } finally {
        this.relisting.delete(series);
      }
    })();
    this.relisting.set(series, p);
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  // ================================================================ theos, flags

  async pollTheos(): Promise<void> {
    const ids = [...new Set([...this.games.values()].map((g) => g.game.oddsEventId))];
    if (ids.length === 0) return;
    let theos: TheoSnapshot[];
    try {
      theos = await this.ports.theos.read(ids);
    } catch (err) {
      this.ports.metrics.count('TheoReadErrors');
      this.ports.log.warn('theo_read_failed', { error: errText(err) });
      theos = [];
    }
    const byId = new Map(theos.map((t) => [t.oddsEventId, t]));
    const now = this.ports.clock.now();
    for (const g of this.games.values()) {
      const t = byId.get(g.game.oddsEventId);
      if (t && (!g.theo || t.updatedMs > g.theo.updatedMs)) {
        g.theo = t;
        if (t.commenceMs !== undefined && t.commenceMs !== g.game.oddsCommenceMs)
          this.moveStart(g, { oddsCommenceMs: t.commenceMs }, 'odds');
        this.markDirty(g.game.eventTicker);
      } else if (g.theo && now - g.theo.updatedMs > this.config.theoMaxAgeMs && g.status === 'quoting') {
        this.markDirty(g.game.eventTicker); // went stale: pull the quotes
      }
    }
  }

  async pollKill(): Promise<void> {
    if (!this.ports.killFlag) return;
    try {
      this.flags = await this.ports.killFlag.read();
    } catch (err) {
      this.ports.metrics.count('KillFlagReadErrors');
      this.ports.log.warn('kill_flag_read_failed', { error: errText(err) });
      return;
    }
    const global = this.flags.find((f) => f.scope === 'global' && f.kind === 'kill');
    if (global) {
      void this.kill('flag', global.reason);
      return;
    }
    for (const g of this.games.values()) this.applyFlags(g);
  }

  private applyFlags(g: GameState): void {
    const f =
      this.flags.find((x) => x.scope === g.game.eventTicker && x.kind === 'kill') ??
      this.flags.find((x) => x.scope === g.game.eventTicker || x.scope === 'global');
    const halted = f ? `${f.kind} (${f.scope}): ${f.reason}` : null;
    if (halted !== g.halted) {
      g.halted = halted;
      g.haltKind = f?.kind ?? null;
      this.markDirty(g.game.eventTicker);
    }
  }

  // ================================================================ requote

  markDirty(eventTicker: string): void {
    if (!this.games.has(eventTicker) || this.stopped) return;
    if (!this.dirty.has(eventTicker)) this.dirtySince.set(eventTicker, this.ports.clock.now());
    this.dirty.add(eventTicker);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate: every message already read from the socket is applied first, so a burst of deltas costs one requote.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flushing = this.flush();
    });
  }

  private async flush(): Promise<void> {
    const games = [...this.dirty];
    this.dirty.clear();
    for (const g of games) {
      const p = this.requote(g).catch((err: unknown) => {
        this.ports.metrics.count('RequoteErrors');
        this.ports.log.error('requote_failed', { eventTicker: g, error: errText(err) });
      });
      this.requotes.add(p);
      void p.finally(() => this.requotes.delete(p));
    }
  }

  /** Recomputes a game's four (or six) sides and hands the result to the order manager. */
  private async requote(eventTicker: string): Promise<void> {
    const g = this.games.get(eventTicker);
    if (!g || this.killSwitch.tripped) return;
    const now = this.ports.clock.now();
    const since = this.dirtySince.get(eventTicker) ?? now;
    this.dirtySince.delete(eventTicker);
    this.counters['requotes']!++;
    const books = new Map<string, MarketBook | undefined>(
      g.tickers.map((t) => [t, this.ports.books.book(t)]),
    );
    for (const [t, b] of books) if (b?.valid) this.seenBook.add(t);
    // A market whose trusted correction is still owed has a position we cannot vouch for yet: hold, do not quote.
    const judgeable =
      this.everUp &&
      g.tickers.every((t) => this.seenBook.has(t)) &&
      !g.tickers.some((t) => this.owedTrust.has(t));
    if (!judgeable && !g.closed && g.stopAtMs !== null && now < g.stopAtMs && !g.halted) {
      // Not yet able to judge the market: hold whatever rests (adopted after a restart) rather than pull it.
      g.status = 'warming';
      g.inputStatus = undefined;
      return;
    }
    g.limit = this.limitFor(g, books);
    g.maxLimit = Math.max(g.maxLimit, g.limit);
    g.status = this.statusOf(g, books, now);
    g.inputStatus = g.status;
    let quotes: GameQuotes = { quotes: [], modes: {}, reasons: [g.status] };
    // Read once: nothing runs between the quoter and the sync below (both synchronous).
    const own = this.manager.ordersOf(g.tickers);
    if (g.status === 'quoting') {
      quotes = this.ports.quoter({
        game: g.game,
        theo: g.theo!,
        books,
        positions: this.inventory.positions(g.tickers),
        entryPrices: this.entryPrices(g),
        ownOrders: own,
        limit: g.limit,
        stopAtMs: g.stopAtMs,
        now,
      });
      const refusal = this.manager.refusalOf(g.game.eventTicker);
      g.status = afterQuoting(g.status, quotes.quotes.length, this.worstExposure(g), g.limit, refusal);
      if (g.status !== 'quoting') quotes = { ...quotes, reasons: [g.status, ...quotes.reasons] };
    }
    g.lastQuotes = quotes;
    // Only a finished game (past its window, or a market closed by the listing or lifecycle) lets its
    // group go; a create refused "market closed" names the state but is no proof: deleting the group
    // then made the next requote create it again (two writes per book change while refused).
    const finished = g.closed || g.stopAtMs === null || now >= g.stopAtMs;
    if (finished && own.length === 0) this.manager.releaseGroup(eventTicker);
    // No await unless a write is in flight: a requote that changes nothing ends in this turn.
    const report = this.manager.syncNow(this.binding(g), quotes.quotes, own);
    this.afterSync(g, report instanceof Promise ? await report : report, since);
  }

  private afterSync(g: GameState, report: SyncReport, since: number): void {
    g.denied = new Set(report.denials.map((d) => `${d.ticker}|${d.side}`));
    this.counters['writes']! += report.writes;
    this.counters['riskDenied']! += report.denials.length;
    if (report.writes > 0) {
      this.ports.metrics.timing(WorkerMetric.QuoteLatencyMs, this.ports.clock.now() - since);
      this.ports.metrics.count('OrderWritesPlanned', report.writes);
    }
    if (report.deferred > 0 && !g.retryTimer) {
      g.retryTimer = this.ports.clock.setTimeout(() => {
        g.retryTimer = null;
        this.markDirty(g.game.eventTicker);
      }, report.retryAfterMs);
    }
    this.emit({ type: 'quote', eventTicker: g.game.eventTicker });
  }

  private entryPrices(g: GameState): Map<string, Micros> {
    const out = new Map<string, Micros>();
    for (const t of g.tickers) {
      const e = marketAverageEntry(g.entries, t);
      if (e !== null && Number.isFinite(e)) out.set(t, e);
    }
    return out;
  }

  /**
   * Requotes a game whose reason changed with no event to say so: a lease renewed after a DynamoDB
   * blip, a theo gone stale, a stop time passed. Without it the game kept the old reason (and no
   * quotes) until a book, theo or fill happened to requote it.
   */
  private recheckStatus(): void {
    const now = this.ports.clock.now();
    const uncertain = this.manager.all().some((o) => o.state === 'uncertain');
    if (this.uncertainWatch.due(uncertain, now)) void this.reconcile(); // settle it now, not at the next pass
    for (const g of this.games.values()) {
      if (g.inputStatus === undefined) continue;
      const books = new Map(g.tickers.map((t) => [t, this.ports.books.book(t)]));
      if (this.statusOf(g, books, now) !== g.inputStatus) this.markDirty(g.game.eventTicker);
    }
  }

  private statusOf(
    g: GameState,
    books: ReadonlyMap<string, MarketBook | undefined>,
    now: number,
  ): GameStatus {
    const marketBlocked = g.tickers.every((t) => this.paused.has(t))
      ? this.marketStatus.reasonFor(g.tickers)
      : null;
    return quotingReason({
      now,
      killed: this.killSwitch.tripped,
      // A market the exchange does not trade only blocks its own writes (the gate); the game as a whole
      // is paused or inactive when none of its markets trade.
      closed: g.closed || marketBlocked === 'market-inactive',
      // A start announced moved but not yet listed may already be past: stop as if it were.
      stopAtMs: this.startWatch.uncertain(g.game.eventTicker) ? now : g.stopAtMs,
      operatorFlag: g.haltKind,
      marketPaused: marketBlocked === 'market-paused',
      leaseValid: !this.ports.lease || this.ports.lease.valid(now),
      feedUp: this.connection.state === 'up' && !this.outage.paused,
      warming: false,
      theoUpdatedMs: g.theo?.updatedMs ?? null,
      theoMaxAgeMs: this.config.theoMaxAgeMs,
      booksLive: [...books.values()].every((b) => b?.valid === true),
    });
  }

  private limitFor(g: GameState, books: ReadonlyMap<string, MarketBook | undefined>): Centis {
    // Visible depth without our own orders: what we could get out of.
    let depth = 0;
    for (const [ticker, b] of books) {
      if (!b) continue;
      depth += this.depthWithoutOwn(ticker, 'bid', b.bids) + this.depthWithoutOwn(ticker, 'ask', b.asks);
    }
    return gameLimit(this.config.limits, g.sport, depth);
  }

  /** Size of the first `depthLevels` levels of one side, less our own resting size at each. */
  private depthWithoutOwn(
    ticker: string,
    side: BookSide,
    levels: readonly MarketBook['bids'][number][],
  ): Centis {
    const n = Math.min(levels.length, this.config.depthLevels);
    let depth = 0;
    for (let i = 0; i < n; i++) {
      const lvl = levels[i]!;
      depth += Math.max(0, lvl.size - this.manager.restingAt(ticker, side, lvl.price));
    }
    return depth;
  }

  private binding(g: GameState): GameBinding {
    return {
      eventTicker: g.game.eventTicker,
      tickers: g.tickers,
      exchangeIndex: (t) => g.game.markets.find((m) => m.ticker === t)?.exchangeIndex,
      orderGroupLimit: groupLimitCentis(g.limit, this.config.orderGroupLimitFactor),
      // Read when a create is sent, not when the binding was made: a start that moved earlier while a create
      // waited (rate budget, order group) must not leave it with the old, later expiration.
      get expiresAtMs() {
        return g.hardStopMs ?? undefined;
      },
      risk: () => {
        const now = this.ports.clock.now();
        const lease = this.ports.lease;
        return {
          now,
          killed: this.killSwitch.tripped || g.halted !== null || g.closed,
          lease: lease ? { valid: lease.valid(now), token: lease.token() } : null,
          stopAtMs: g.stopAtMs ?? Number.NEGATIVE_INFINITY,
          pausedTickers: this.paused,
          tickers: g.tickers,
          positions: this.inventory.positions(g.tickers),
          limit: g.limit,
          lot: this.config.quoting.sizeStep,
        };
      },
    };
  }

  // ================================================================ guards

  private worstExposure(g: GameState): Centis {
    const e = exposures(g.tickers, this.inventory.positions(g.tickers));
    return Math.max(0, ...[...e.values()].map(Math.abs));
  }

  /**
   * A fill that pushed |exposure| further past the highest limit this session
   * ever applied means the gate failed: trip the kill switch. (A position found
   * above a limit that shrank with liquidity, or after a restart, is not a
   * breach: the gate only lets it shrink.)
   */
  private checkLimit(g: GameState, worstBefore: Centis): void {
    const worst = this.worstExposure(g);
    const bound = Math.max(g.maxLimit, g.limit);
    if (bound > 0 && worst > bound && worst > worstBefore) {
      this.counters['limitBreaches']!++;
      // Same dimensions as the alarm ({Shard}, added by the metrics sink): a per-game dimension never matched it.
      this.ports.metrics.count(WorkerMetric.InventoryLimitBreaches, 1);
      void this.kill('limit_breach', `${g.game.eventTicker}: |exposure| ${worst} > limit ${bound}`);
    }
  }

  private maybeRefresh(g: GameState): void {
    const pub = this.ports.refresh;
    if (!pub || g.limit <= 0) return;
    const now = this.ports.clock.now();
    const skew = Math.abs(signedInventory(g.tickers, this.inventory.positions(g.tickers))) / g.limit;
    if (skew < this.config.refreshSkew || now - g.lastRefreshMs < this.config.refreshDebounceMs) return;
    g.lastRefreshMs = now;
    // A second tennis tournament's game is refreshed on its own key, not the configured one.
    const sportKey = g.game.oddsSportKey ?? this.config.sports[g.sport]?.oddsSportKey ?? g.sport;
    this.ports.log.info('refresh_requested', { eventTicker: g.game.eventTicker, skew });
    pub
      .publish({
        sportKey,
        eventId: g.game.oddsEventId,
        kalshiEventTicker: g.game.eventTicker,
        reason: 'inventory-skew',
        requestedAt: now,
        requestedBy: 'worker',
      })
      .catch((err: unknown) => this.ports.log.warn('refresh_publish_failed', { error: errText(err) }));
  }

  // ================================================================ reconciliation

  /**
   * One reconciliation pass (also run on reconnect). An untrusted call shares
   * the running pass; a trusted one asked for while a pass runs follows it:
   * the running pass's snapshot may predate the reconnect, so it cannot see
   * the fills missed in the gap (they never arrive as messages).
   */
  reconcile(trust = false): Promise<void> {
    const running = this.reconciling;
    if (!running) {
      const p: Promise<void> = this.reconcileOnce(trust).finally(() => {
        if (this.reconciling === p) this.reconciling = null;
      });
      this.reconciling = p;
      return p;
    }
    if (!trust) return this.trustQueued ?? running;
    if (!this.trustQueued) {
      const next: Promise<void> = running
        .then(
          () => undefined,
          () => undefined,
        )
        .then(() => {
          this.trustQueued = null;
          return this.stopped ? undefined : this.reconcile(true);
        });
      this.trustQueued = next;
    }
    return this.trustQueued;
  }

  /**
   * @param trust take the exchange's positions at once (start-up, after a
   * feed gap: fills missed then will never arrive as messages).
   */
  private async reconcileOnce(trust: boolean): Promise<void> {
    const startedMs = this.ports.clock.now();
    let orders: Awaited<ReturnType<EnginePorts['gateway']['listRestingOrders']>>;
    let positions: Awaited<ReturnType<EnginePorts['gateway']['listPositions']>>;
    try {
      [orders, positions] = await Promise.all([
        this.ports.gateway.listRestingOrders(),
        this.ports.gateway.listPositions(),
      ]);
    } catch (err) {
      this.ports.metrics.count('ReconcileErrors');
      this.ports.log.warn('reconcile_failed', { error: errText(err) });
      return;
    }
    const now = this.ports.clock.now();
    this.counters['resyncs']!++;
    const tracked = new Set(this.gameOfTicker.keys());
    const actions = reconcileOrders(
      this.manager.all(),
      orders,
      tracked,
      this.config.clientOrderPrefix,
      startedMs,
    );
    const orderChanges = this.manager.applyReconciliation(
      actions,
      (t) => this.gameOfTicker.get(t),
      startedMs,
    );

    const judged = reconcilePositions(
      [...new Set([...tracked, ...this.inventory.tickers().filter((t) => tracked.has(t))])],
      (t) => this.inventory.position(t),
      (t) => this.inventory.lastFillMs(t),
      positions,
      now,
      this.config.positionLagMs,
      this.lastDrift,
      (t) => trust || this.owedTrust.has(t),
      startedMs,
    );
    // Feed gap: a mismatch is probably a fill the post-gap backfill will bring; correcting now would count it twice.
    // Trusted passes too (one started before the gap, or queued into it): the pass after the backfill corrects.
    const inGap = this.connection.state === 'down' && this.everUp;
    const decision = inGap ? holdDuringGap(judged) : judged;
    this.lastDrift = driftMemory(decision);
    // A ghost is size that left the book as fills whose messages are late; the positions snapshot lags
    // fills too (positionLagMs), so a ghost is dropped only once that snapshot has had time to count it —
    // and not in a market whose drift is only deferred this pass: the inventory does not carry it yet.
    this.manager.dropGhosts(
      startedMs - this.config.positionLagMs,
      new Set(decision.deferred.map((d) => d.ticker)),
    );
    const initial = !this.positionsLoaded;
    this.positionsLoaded = true;
    const owedBefore = new Map(this.owedTrust);
    this.owedTrust.clear();
    for (const d of decision.deferred) {
      const owed = owedBefore.get(d.ticker) ?? (trust ? (initial ? 'load' : 'gap') : undefined);
      if (owed) this.owedTrust.set(d.ticker, owed);
    }
    if (decision.deferred.length > 0 && !this.recheckTimer && !this.stopped) {
      // Confirm a suspected drift soon rather than a whole period later.
      this.recheckTimer = this.ports.clock.setTimeout(() => {
        this.recheckTimer = null;
        void this.reconcile();
      }, this.config.positionLagMs + 100);
    }
    const touched = new Set<string>();
    // A market whose owed trusted correction is settled now (corrected or in agreement): its game may quote again.
    for (const t of owedBefore.keys()) {
      const g0 = this.owedTrust.has(t) ? undefined : this.gameOfTicker.get(t);
      if (g0) touched.add(g0);
    }
    for (const c of decision.corrections) {
      this.inventory.setPosition(c.ticker, c.exchange);
      const g0 = this.gameOfTicker.get(c.ticker);
      if (g0) touched.add(g0);
      // The entry basis follows the corrected position: contracts of unknown cost keep the average unknown
      // (no break-even) until the position is flat or flips; resetting it to flat would price them as free.
      const gs = g0 ? this.games.get(g0) : undefined;
      if (gs) gs.entries = entryBookAtPositions(gs.entries, (t) => this.inventory.position(t));
      if (initial || owedBefore.get(c.ticker) === 'load') {
        // Start-up: nothing local to drift from; these are the positions we start with.
        this.ports.log.info('position_loaded', { ticker: c.ticker, position: c.exchange });
        continue;
      }
      this.counters['drifts']!++;
      this.ports.metrics.count(WorkerMetric.ReconciliationDrift, 1);
      this.ports.log.warn('position_drift_corrected', { ...c });
      this.drift.unshift({ atMs: now, ticker: c.ticker, local: c.local, exchange: c.exchange });
      this.drift.length = Math.min(this.drift.length, 50);
      const g = this.gameOfTicker.get(c.ticker);
      if (g) touched.add(g);
      if (Math.abs(c.drift) > this.config.kill.maxDrift)
        void this.kill('drift', `${c.ticker}: local ${c.local} vs exchange ${c.exchange}`);
    }
    this.snapshotPositions('reconciliation');
    if (orderChanges > 0) {
      // Order churn (late acks, adoptions), not a position disagreement: not what the drift alarm stops on.
      this.ports.metrics.count(WorkerMetric.OrdersReconciled, orderChanges);
      this.ports.log.info('orders_reconciled', { changes: orderChanges });
    }
    // Stop-time verification: nothing of a stopped game may rest.
    for (const o of orders) {
      const gid = this.gameOfTicker.get(o.ticker);
      const g = gid ? this.games.get(gid) : undefined;
      if (g && (g.stopAtMs === null || now >= g.stopAtMs)) {
        this.alert('error', `order ${o.orderId} rests on ${o.ticker} after stop time: cancelling`);
        this.ports.metrics.count('RestingAfterStop');
        touched.add(g.game.eventTicker);
      }
    }
    for (const a of actions) {
      const t = a.kind === 'forget' || a.kind === 'confirm' ? a.local.ticker : a.exchange.ticker;
      const g = this.gameOfTicker.get(t);
      if (g) touched.add(g);
    }
    for (const g of touched) this.markDirty(g);

    this.emit({ type: 'reconciled', changes: orderChanges + decision.corrections.length });
    // Any successful pass that started after the reconnect and the flatten resyncs a feed-down pause
    // (a failed trusted pass must not leave it paused until the next reconnect).
    this.outage.resynced(startedMs);
  }

  // ================================================================ observability

  private heartbeat(): void {
    const now = this.ports.clock.now();
    const m = this.ports.metrics;
    m.count(WorkerMetric.Heartbeat);
    m.gauge(
      WorkerMetric.WsDisconnectedSeconds,
      this.connection.state === 'down' ? (now - this.connection.sinceMs) / 1000 : 0,
    );
    let quoted = 0;
    let oldestTheo = 0;
    const snap = this.snapshot();
    for (const g of snap.games) {
      if (g.status === 'quoting') quoted++;
      // Every game still ahead of its stop time, quoted or not: a game pulled for a stale theo is exactly
      // the one whose age the alarm must see (quoting games are by construction younger than theoMaxAgeMs).
      if (g.theo && g.stopAtMs !== null && now < g.stopAtMs) oldestTheo = Math.max(oldestTheo, g.theo.ageMs);
      m.gauge('Inventory', g.inventory, { game: g.eventTicker });
    }
    m.gauge(WorkerMetric.GamesQuoted, quoted);
    this.observeLiveness(now);
    m.gauge(WorkerMetric.TheoAgeSeconds, oldestTheo / 1000);
    m.gauge('PnlRealisedDollars', snap.pnl.realised / MICROS_PER_DOLLAR);
    m.gauge('PnlMarkedDollars', snap.pnl.marked / MICROS_PER_DOLLAR);
    // Drawdown from the trading day's peak of realised + marked PnL, across restarts (the PnlDrawdown alarm).
    const drawdown = this.dayPnl.observe(now, snap.pnl.realised, snap.pnl.marked);
    m.gauge(WorkerMetric.PnlDrawdownDollars, drawdown / MICROS_PER_DOLLAR);
    this.persist('pnl_day', this.dayPnl.sync(now));
  }

  /**
   * Liveness guard: games by reason, and games stalled (an unexpected reason and nothing resting
   * on any side for stallAfterMs) — the silent stop no other metric shows.
   */
  private observeLiveness(now: number): void {
    for (const g of this.games.values()) {
      const resting = this.manager.ordersOf(g.tickers).some((o) => o.state === 'resting');
      this.liveness.observe(g.game.eventTicker, g.status, resting, now);
    }
    const m = this.ports.metrics;
    for (const [reason, n] of countByReason([...this.games.values()].map((g) => g.status)))
      m.gauge(WorkerMetric.GamesByReason, n, { Reason: reason });
    const stalled = this.liveness.stalled(now);
    m.gauge(WorkerMetric.GamesStalled, stalled.length);
    for (const id of stalled)
      this.ports.log.warn('game_stalled', { eventTicker: id, reason: this.games.get(id)?.status });
  }

  /** The dashboard's view model: everything a trader watches, as plain data. */
  snapshot(): SessionSnapshot {
    const now = this.ports.clock.now();
    const games: GameView[] = [];
    let realisedAll = 0;
    let markedAll = 0;
    const orders = this.manager.all();
    for (const g of this.games.values()) {
      const positions = this.inventory.positions(g.tickers);
      let realised = 0;
      let marked = 0;
      const markets: MarketView[] = g.game.markets.map((mk) => {
        const b = this.ports.books.book(mk.ticker);
        const p = g.theo?.probabilities[mk.outcome] ?? null;
        const pos = positions.get(mk.ticker) ?? 0;
        realised += this.inventory.realised(mk.ticker);
        const entry = this.inventory.entry(mk.ticker);
        if (p !== null && entry !== null)
          marked += notionalMicros(Math.round(p * MICROS_PER_DOLLAR) - entry, pos);
        const slot = (side: BookSide): SlotView | null => {
          const o = orders.find((x) => x.ticker === mk.ticker && x.side === side);
          return o ? { price: o.price, size: o.remaining, state: o.state } : null;
        };
        const mode = (side: BookSide) =>
          g.denied?.has(`${mk.ticker}|${side}`)
            ? null
            : (g.lastQuotes?.modes[`${mk.ticker}|${side}` as SlotId] ?? null);
        return {
          ticker: mk.ticker,
          outcome: mk.outcome,
          theo: p,
          bestBid: b?.bids[0]?.price ?? null,
          bestBidSize: b?.bids[0]?.size ?? 0,
          bestAsk: b?.asks[0]?.price ?? null,
          bestAskSize: b?.asks[0]?.size ?? 0,
          position: pos,
          ourBid: slot('bid'),
          ourAsk: slot('ask'),
          modeBid: mode('bid'),
          modeAsk: mode('ask'),
        };
      });
      realisedAll += realised;
      markedAll += marked;
      games.push({
        eventTicker: g.game.eventTicker,
        title: g.game.title,
        sport: g.sport,
        homeTeam: g.game.homeTeam ?? null,
        awayTeam: g.game.awayTeam ?? null,
        startMs: gameStartTime({ kalshiStart: g.game.kalshiStartMs, oddsCommence: g.game.oddsCommenceMs }),
        stopAtMs: g.stopAtMs,
        status: g.status,
        idleSinceMs: this.liveness.get(g.game.eventTicker)?.idleSinceMs ?? null,
        theo: g.theo
          ? { probabilities: { ...g.theo.probabilities }, ageMs: now - g.theo.updatedMs, books: g.theo.books }
          : null,
        markets,
        inventory: signedInventory(g.tickers, positions),
        limit: g.limit,
        pnl: { realised, marked },
        reasons: g.lastQuotes?.reasons ?? [],
      });
    }
    return {
      atMs: now,
      connection: { ...this.connection },
      kill: this.killSwitch.state,
      games,
      unmatched: [...this.unmatched.values()],
      fills: [...this.fills],
      drift: [...this.drift],
      counters: {
        ...this.counters,
        rateLimited: this.manager.stats.rateLimited,
        writeFailures: this.manager.stats.writeFailures,
        ghosts: this.manager.ghostCount(),
      },
      alerts: [...this.alerts],
      pnl: { realised: realisedAll, marked: markedAll },
    };
  }

  /** Orders the session tracks (resting, pending, uncertain): for tests and the dashboard. */
  liveOrders() {
    return this.manager.all();
  }

  /** The game (event ticker) a market belongs to, if tracked. */
  eventOf(ticker: string): string | undefined {
    return this.gameOfTicker.get(ticker);
  }

  position(ticker: string): Centis {
    return this.inventory.position(ticker);
  }

  private alert(level: Alert['level'], message: string): void {
    const a = { atMs: this.ports.clock.now(), level, message };
    this.alerts.unshift(a);
    this.alerts.length = Math.min(this.alerts.length, 100);
    this.emit({ type: 'alert', alert: a });
  }

  private emit(e: SessionEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.ports.log.warn('listener_failed', { error: errText(err) });
      }
    }
  }

  private every(ms: number, fn: () => unknown): void {
    const run = () => {
      if (this.stopped) return;
      const idx = this.timers.indexOf(handle);
      if (idx >= 0) this.timers.splice(idx, 1);
      const task = Promise.resolve()
        .then(fn)
        .catch((err: unknown) => this.ports.log.error('timer_failed', { error: errText(err) }))
        .finally(() => {
          this.running.delete(task);
          if (!this.stopped) {
            handle = this.ports.clock.setTimeout(run, ms);
            this.timers.push(handle);
          }
        });
      this.running.add(task);
    };
    let handle = this.ports.clock.setTimeout(run, ms);
    this.timers.push(handle);
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

/** Position snapshots from reconciliation (every 10 s) are kept one a minute: enough to audit, cheap to store. */
const POSITION_SNAPSHOT_EVERY_MS = 60_000;

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 300);

function samePriceRanges(
  a: readonly PriceRange[] | undefined,
  b: readonly PriceRange[] | undefined,
): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((r, i) => r.start === b[i]!.start && r.end === b[i]!.end && r.step === b[i]!.step);
}
