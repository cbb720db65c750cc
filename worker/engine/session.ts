/**
 * TradingSession: the one object live, paper, replay and simulation drive the
 * same way. Inputs are feed events (`handle`) and its own timers on the
 * injected clock (theo poll, kill-flag poll, reconciliation, discovery,
 * heartbeat); outputs are commands through the ports. Nothing here reads a
 * global clock, opens a socket or touches a file.
 *
 * Per game: discovery (series per sport) → mapping to an odds event (unmatched
 * are reported, never guessed) → theo (missing or stale → no quotes) →
 * on every book change or fill, one requote per game per clock turn
 * (dirty set flushed by `clock.defer`) → quoter → order manager → risk gate.
 *
 * This file is the session's shell: start-up order, event dispatch, timers and
 * shutdown. The work is done by named parts sharing one `SessionCore`:
 * `GameRegistry` (discovery, mapping, listings), `InputPolls` (theos, operator
 * flags), `FeedLink` (connection, ws-down timer, lifecycle), `FillIntake`,
 * `RequoteLoop`, `Reconciler` (with the pure `position-trust.ts`), `Heartbeat`,
 * and the dashboard's `projectSnapshot` (projection.ts).
 */

import type { TimerHandle } from '../../shared/clock.ts';
import type { EngineConfig } from '../../shared/config/engine-config.ts';
import type { PriceRange } from '../../shared/pricing/tick-grid.ts';
import type { Centis } from '../../shared/units.ts';
import { FeedLink } from './feed-link.ts';
import type { FeedOutage } from './feed-outage.ts';
import { FillIntake } from './fill-intake.ts';
import { GameRegistry } from './game-registry.ts';
import { errText } from './game-state.ts';
import { Heartbeat } from './heartbeat.ts';
import { InputPolls } from './input-polls.ts';
import type { KillSource, KillSwitch } from './kill-switch.ts';
import type { MarketReason } from './market-status.ts';
import type { EnginePorts, FeedEvent, FlattenResult, Game } from './ports.ts';
import {
  type GameModes,
  type GameQuotes,
  projectHealth,
  projectModes,
  projectQuotes,
  projectSnapshot,
  type SessionEvent,
  type SessionSnapshot,
} from './projection.ts';
import { STATUS_RECHECK_MS } from './quoting-state.ts';
import { Reconciler } from './reconciler.ts';
import { RequoteLoop } from './requote-loop.ts';
import { SessionCore, type ShardAssignment } from './session-core.ts';

// The session's public types, where its users have always imported them from.
export type { GameStatus } from './game-state.ts';
export type {
  Alert,
  FillView,
  GameView,
  MarketView,
  SessionEvent,
  SessionSnapshot,
  SlotView,
} from './projection.ts';
export type { ShardAssignment } from './session-core.ts';

/**
 * Where the session is in its start-up: `discovering` (games listed and mapped; feed events wait in a
 * queue), `loading` (queued fills join the inventory as they come, kill flags read, the trusted pass
 * adopts resting orders and takes positions, theos read), `live` (the queue replayed, timers running).
 * `stopped` once stop or dispose ran, whatever the start-up reached. A game's own phase is its quoting
 * reason (`warming` until every market has a valid book and its position can be vouched for).
 */
export type SessionPhase = 'new' | 'discovering' | 'loading' | 'live' | 'stopped';

export class TradingSession {
  private readonly core: SessionCore;
  private readonly registry: GameRegistry;
  private readonly polls: InputPolls;
  private readonly feedLink: FeedLink;
  private readonly fills: FillIntake;
  private readonly requoter: RequoteLoop;
  private readonly reconciler: Reconciler;
  private readonly heart: Heartbeat;
  readonly killSwitch: KillSwitch;
  private readonly timers: TimerHandle[] = [];
  private unsubscribe: (() => void) | null = null;
  /** Start-up's progress (never 'stopped': that is the core's `stopped`). */
  private phase: Exclude<SessionPhase, 'stopped'> = 'new';
  /** Feed events that arrive before start-up finished (discovery, adoption) wait here, with their arrival time. */
  private early: { event: FeedEvent; atMs: number }[] | null = null;

  constructor(
    config: EngineConfig,
    private readonly ports: EnginePorts,
    /** This worker's shard: it trades only the games that hash to it (the lease guards the shard itself). */
    shard: ShardAssignment = { index: 0, count: 1 },
  ) {
    // The parts are built after the core; its hooks reach them only once an event arrives.
    this.core = new SessionCore(config, ports, shard, {
      markDirty: (g) => this.requoter.markDirty(g),
      reconcile: (trust) => this.reconciler.reconcile(trust),
    });
    this.killSwitch = this.core.killSwitch;
    this.registry = new GameRegistry(this.core);
    this.polls = new InputPolls(this.core, this.registry);
    this.feedLink = new FeedLink(this.core, this.registry);
    this.fills = new FillIntake(this.core);
    this.reconciler = new Reconciler(this.core);
    this.requoter = new RequoteLoop(this.core, (t) => this.reconciler.owesTrust(t));
    this.heart = new Heartbeat(this.core, () =>
      projectHealth({
        now: this.ports.clock.now(),
        games: this.core.games.values(),
        inventory: this.core.inventory,
      }),
    );
  }

  /** A WebSocket outage past `feedDownPauseMs`: our orders cancelled, quoting paused until resync. */
  feedOutage(): ReturnType<FeedOutage['view']> {
    return this.core.outage.view();
  }

  // ================================================================ lifecycle

  /**
   * Discovers games, adopts whatever already rests (restart: never duplicate),
   * subscribes to the feed and starts the timers. Crash-only: a restart takes
   * exactly this path.
   */
  async start(): Promise<void> {
    if (this.phase !== 'new') return;
    this.phase = 'discovering';
    const { config, ports } = this.core;
    this.early = [];
    // Subscribed before anything is awaited: the feed may deliver at once (queued until start-up ends).
    this.unsubscribe = ports.feed.onEvent((e) => this.handle(e));
    await this.core.dayPnl.load(ports.clock.now()); // the day's earlier realised PnL and peak (restart)
    await this.discover();
    // The feed may already be up (its event waits in `early`).
    this.feedLink.subscribe();
    // Games are known now: fills queued so far (and any that arrive from here on) join the inventory at once
    // (not at replay), so the first pass judges positions with them in and can tell from their arrival time
    // whether its snapshot already counts them (replayed on top of a snapshot that counts them: twice).
    this.phase = 'loading';
    for (const q of this.early ?? []) if (q.event.type === 'fill') this.fills.preApply(q.event, q.atMs);
    await this.pollKill();
    await this.reconcile(true); // adopt resting orders and take exchange positions before the first quote
    await this.pollTheos();
    const early = this.early ?? [];
    this.early = null;
    this.phase = 'live';
    for (const q of early) this.handle(q.event);
    this.every(config.theoPollMs, () => this.pollTheos());
    this.every(config.reconcileMs, () => this.reconcile());
    this.every(config.discoveryMs, () => this.discover());
    this.everySync(config.heartbeatMs, () => this.heart.beat());
    this.everySync(STATUS_RECHECK_MS, () => this.requoter.recheckStatus());
    if (ports.killFlag) this.every(config.killPollMs, () => this.pollKill());
    ports.log.info('session_started', { games: this.core.games.size, unmatched: this.core.unmatched.size });
  }

  /** Trips the kill switch (stop quoting, cancel until flat), then stops timers and the feed. */
  async stop(source: KillSource = 'sigterm', reason = 'shutdown'): Promise<FlattenResult> {
    const result = await this.kill(source, reason);
    this.reconciler.snapshotPositions('shutdown');
    const { pnl } = this.snapshot();
    this.core.persist('pnl_day', this.core.dayPnl.flush(this.ports.clock.now(), pnl.realised, pnl.marked));
    this.shutdownTimers();
    await this.quiesce();
    return result;
  }

  /** Resolves once no timer task, reconciliation, requote or order write is in flight (after stop/dispose). */
  async quiesce(): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const pending = [...this.core.running, ...this.requoter.inFlight(), ...this.reconciler.inFlight()];
      if (pending.length === 0) break;
      await Promise.allSettled(pending);
    }
    await this.core.manager.settled();
  }

  kill(source: KillSource, reason: string): Promise<FlattenResult> {
    return this.core.kill(source, reason);
  }

  /** Stops timers and the feed subscription without touching orders (crash simulation, replay end). */
  dispose(): void {
    this.killSwitch.abortFlood();
    this.shutdownTimers();
  }

  private shutdownTimers(): void {
    if (this.core.stopped) return;
    this.core.stopped = true;
    for (const t of this.timers.splice(0)) this.ports.clock.clearTimeout(t);
    this.feedLink.dispose();
    this.core.outage.dispose();
    this.core.startWatch.close();
    this.reconciler.dispose();
    this.core.manager.dispose();
    this.registry.dispose();
    this.unsubscribe?.();
  }

  /** Order writes of ours on the wire now (the flattener waits for them before it trusts a listing). */
  writesInFlight(): number {
    return this.core.manager.writesInFlight();
  }

  /** Resolves when no requote is scheduled or running and no order write is in flight. */
  async idle(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      await this.turn();
      await this.requoter.settled();
      await this.core.manager.settled();
      if (this.requoter.quiet()) return;
    }
  }

  /**
   * One turn of the clock: the work deferred so far runs. A driven clock is drained here (whoever
   * waits for idle is its driver); a wall clock runs it on its own.
   */
  private turn(): Promise<void> {
    const clock = this.ports.clock;
    return new Promise<void>((resolve) => {
      clock.defer(resolve);
      clock.drain?.();
    });
  }

  onEvent(listener: (e: SessionEvent) => void): () => void {
    this.core.listeners.add(listener);
    return () => this.core.listeners.delete(listener);
  }

  // ================================================================ inputs

  handle(event: FeedEvent): void {
    if (this.early) {
      // Not started yet: a reconnect reconciliation now would see no tracked markets and cancel our own orders.
      const atMs = this.ports.clock.now();
      this.early.push({ event, atMs });
      if (event.type === 'connection') this.feedLink.onEarlyConnection(event.state);
      else if (event.type === 'fill' && this.phase === 'loading') this.fills.preApply(event, atMs);
      return;
    }
    try {
      switch (event.type) {
        case 'book': {
          const g = this.core.gameOfTicker.get(event.ticker);
          if (g) this.markDirty(g);
          return;
        }
        case 'fill':
          this.fills.onFill(event);
          return;
        case 'order':
          this.core.manager.onOrderUpdate(event);
          return;
        case 'connection':
          this.feedLink.onConnection(event.state);
          return;
        case 'lifecycle':
          this.feedLink.onLifecycle(event.ticker, event.kind);
          return;
        case 'order_group':
          this.core.manager.groups.onGroupEvent(event.orderGroupId, event.eventType);
          return;
      }
    } catch (err) {
      // A bad event is counted and dropped; it never takes the session down.
      this.ports.metrics.count('FeedEventErrors');
      this.ports.log.error('feed_event_failed', { type: event.type, error: errText(err) });
    }
  }

  // ================================================================ the parts, as the session's public surface

  discover(): Promise<void> {
    return this.registry.discover();
  }

  /** Adds a game directly (replay, tests); discovery calls this after mapping. */
  addGame(game: Game): void {
    this.registry.addGame(game);
  }

  pollTheos(): Promise<void> {
    return this.polls.pollTheos();
  }

  pollKill(): Promise<void> {
    return this.polls.pollKill();
  }

  markDirty(eventTicker: string): void {
    this.requoter.markDirty(eventTicker);
  }

  /**
   * One reconciliation pass (also run on reconnect). An untrusted call shares
   * the running pass; a trusted one asked for while a pass runs follows it.
   */
  reconcile(trust = false): Promise<void> {
    return this.reconciler.reconcile(trust);
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
    return this.registry.priceRangesOf(ticker);
  }

  /** Why the exchange keeps a game's markets from trading (`market-paused` / `market-inactive`), or null. */
  marketReason(eventTicker: string): MarketReason | null {
    return this.registry.marketReason(eventTicker);
  }

  /** Each game's reason and side modes: `snapshot()`'s liveness part, without building the rest. */
  quotingModes(): GameModes[] {
    return projectModes(this.core.games.values());
  }

  /** Each game's limits, theos, best levels and our quotes: `snapshot()`'s games in what a run recorder reads. */
  quotes(): GameQuotes[] {
    return projectQuotes({
      games: this.core.games.values(),
      book: (t) => this.ports.books.book(t),
      orders: this.core.manager.all(),
    });
  }

  /** The dashboard's view model: everything a trader watches, as plain data. */
  snapshot(): SessionSnapshot {
    const { core } = this;
    const manager = core.manager;
    return projectSnapshot({
      now: this.ports.clock.now(),
      games: core.games.values(),
      inventory: core.inventory,
      book: (t) => this.ports.books.book(t),
      orders: manager.all(),
      idleSinceMs: (id) => core.liveness.get(id)?.idleSinceMs ?? null,
      connection: core.connection,
      kill: this.killSwitch.state,
      unmatched: [...core.unmatched.values()],
      fills: core.fills,
      drift: core.drift,
      counters: {
        ...core.counters,
        rateLimited: manager.stats.rateLimited,
        writeFailures: manager.stats.writeFailures,
        ghosts: manager.ghostCount(),
      },
      alerts: core.alerts,
    });
  }

  /** Where the session is in its life (new → discovering → loading → live; stopped). */
  sessionPhase(): SessionPhase {
    return this.core.stopped ? 'stopped' : this.phase;
  }

  /** Orders the session tracks (resting, pending, uncertain): for tests and the dashboard. */
  liveOrders() {
    return this.core.manager.all();
  }

  /** The game (event ticker) a market belongs to, if tracked. */
  eventOf(ticker: string): string | undefined {
    return this.core.gameOfTicker.get(ticker);
  }

  position(ticker: string): Centis {
    return this.core.inventory.position(ticker);
  }

  /**
   * A periodic task that is synchronous (the heartbeat, the status recheck): run in the timer's own
   * turn and rescheduled at once, with no promise chain — at one tick a second that chain was most of
   * what an idle second cost. A throw is logged as `every`'s are, and the timer goes on.
   */
  private everySync(ms: number, fn: () => void): void {
    const run = () => {
      if (this.core.stopped) return;
      const idx = this.timers.indexOf(handle);
      if (idx >= 0) this.timers.splice(idx, 1);
      try {
        fn();
      } catch (err) {
        this.ports.log.error('timer_failed', { error: errText(err) });
      }
      if (this.core.stopped) return;
      handle = this.ports.clock.setTimeout(run, ms);
      this.timers.push(handle);
    };
    let handle = this.ports.clock.setTimeout(run, ms);
    this.timers.push(handle);
  }

  private every(ms: number, fn: () => unknown): void {
    const run = () => {
      if (this.core.stopped) return;
      const idx = this.timers.indexOf(handle);
      if (idx >= 0) this.timers.splice(idx, 1);
      const task = Promise.resolve()
        .then(fn)
        .catch((err: unknown) => this.ports.log.error('timer_failed', { error: errText(err) }))
        .finally(() => {
          this.core.running.delete(task);
          if (!this.core.stopped) {
            handle = this.ports.clock.setTimeout(run, ms);
            this.timers.push(handle);
          }
        });
      this.core.running.add(task);
    };
    let handle = this.ports.clock.setTimeout(run, ms);
    this.timers.push(handle);
  }
}
