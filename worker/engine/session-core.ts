/**
 * What the session's parts share: the games and their market index, the
 * inventory, the order manager, the kill switch, the feed-outage pause, the
 * tapes the dashboard shows, and the few services every part calls (persist a
 * store write, raise an alert, emit an event, trip the kill switch, mark a
 * game dirty). One instance per session; the parts (registry, requote loop,
 * reconciler, fill intake, feed link, heartbeat) each hold it and own their
 * own state beside it.
 */
import type { EngineConfig } from '../../shared/config/engine-config.ts';
import { DayDrawdownTracker } from './day-drawdown.ts';
import { FeedOutage } from './feed-outage.ts';
import { errText, type GameState } from './game-state.ts';
import { Inventory } from './inventory.ts';
import { type KillSource, KillSwitch } from './kill-switch.ts';
import { MarketStatusTracker } from './market-status.ts';
import { OrderManager } from './order-manager.ts';
import type { ActiveFlag, EnginePorts, FlattenResult } from './ports.ts';
import type { Alert, FillView, SessionEvent, SessionSnapshot } from './projection.ts';
import { LivenessTracker } from './quoting-state.ts';
import { StartWatch } from './start-watch.ts';
import { WriteBudget } from './write-budget.ts';

/** This worker's shard: it trades only the games that hash to it (the lease guards the shard itself). */
export interface ShardAssignment {
  index: number;
  count: number;
}

/** What the core calls back into the session's parts (bound late: the parts are built after the core). */
export interface SessionHooks {
  /** Requote the game in the next clock turn (the requote loop). */
  markDirty(eventTicker: string): void;
  /** One reconciliation pass; `trust` takes the exchange's positions (the reconciler). */
  reconcile(trust?: boolean): Promise<void>;
}

/** Fills kept for the dashboard's tape. */
export const TAPE = 200;

export class SessionCore {
  readonly games = new Map<string, GameState>();
  readonly gameOfTicker = new Map<string, string>();
  readonly unmatched = new Map<string, { eventTicker: string; title: string; reason: string }>();
  readonly inventory = new Inventory();
  /** Exchange status of every market we trade (listings + lifecycle); `paused` is its blocked set. */
  readonly marketStatus = new MarketStatusTracker();
  readonly paused = this.marketStatus.blocked;
  readonly manager: OrderManager;
  readonly killSwitch: KillSwitch;
  /** The pause a long WebSocket outage takes (instead of the global kill). */
  readonly outage: FeedOutage;
  /** Games whose dates a lifecycle message changed, until a later listing answers (start-watch.ts). */
  readonly startWatch: StartWatch;
  /** The trading day's PnL and peak, continued from the store across restarts: the drawdown's reference. */
  readonly dayPnl: DayDrawdownTracker;
  readonly liveness: LivenessTracker;
  /** Timer tasks and store writes in progress: awaited by `stop` so no store call outlives it. */
  readonly running = new Set<Promise<unknown>>();
  readonly fills: FillView[] = [];
  readonly drift: SessionSnapshot['drift'] = [];
  readonly alerts: Alert[] = [];
  readonly listeners = new Set<(e: SessionEvent) => void>();
  readonly counters: Record<string, number> = {
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
  connection: { state: 'up' | 'down'; sinceMs: number };
  /** Until the feed has been up once, nothing is judged (restart: adopted orders are held, not pulled). */
  everUp = false;
  /** Timers stopped (stop or dispose): nothing new is scheduled. */
  stopped = false;
  /** The operator's flags as last read. */
  flags: readonly ActiveFlag[] = [];

  constructor(
    readonly config: EngineConfig,
    readonly ports: EnginePorts,
    readonly shard: ShardAssignment,
    private readonly hooks: SessionHooks,
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
    this.startWatch = new StartWatch(ports.clock);
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

  now(): number {
    return this.ports.clock.now();
  }

  markDirty(eventTicker: string): void {
    this.hooks.markDirty(eventTicker);
  }

  reconcile(trust = false): Promise<void> {
    return this.hooks.reconcile(trust);
  }

  /** The game a market belongs to, if tracked. */
  gameOf(ticker: string): GameState | undefined {
    const id = this.gameOfTicker.get(ticker);
    return id === undefined ? undefined : this.games.get(id);
  }

  kill(source: KillSource, reason: string): Promise<FlattenResult> {
    const alreadyTripped = this.killSwitch.tripped;
    const p = this.killSwitch.trip(source, reason);
    if (!alreadyTripped) this.alert('error', `kill switch (${source}): ${reason}`);
    return p;
  }

  /** Keeps `p` in `running` until it settles (stop and quiesce wait for it). */
  track(p: Promise<unknown>): void {
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  /** A store write off the trading path: failures are logged and counted, never thrown; stop() waits for it. */
  persist(what: string, write: Promise<void> | undefined): void {
    if (!write) return;
    const p = write
      .catch((err: unknown) => {
        this.ports.metrics.count('AuditWriteErrors', 1, { what });
        this.ports.log.warn(`audit_${what}_failed`, { error: errText(err) });
      })
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  alert(level: Alert['level'], message: string): void {
    const a = { atMs: this.ports.clock.now(), level, message };
    this.alerts.unshift(a);
    this.alerts.length = Math.min(this.alerts.length, 100);
    this.emit({ type: 'alert', alert: a });
  }

  emit(e: SessionEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.ports.log.warn('listener_failed', { error: errText(err) });
      }
    }
  }

  /** Applies the operator's flags to one game (a kill flag for the game wins over a pause): dirty if changed. */
  applyFlags(g: GameState): void {
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
}
