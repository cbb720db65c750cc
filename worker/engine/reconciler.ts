/**
 * The reconciliation driver: one pass lists our resting orders and the
 * exchange's positions, lets the order manager adopt, confirm or forget
 * orders, corrects positions that drifted (position trust decides whether a
 * correction is taken now, deferred, a load or drift), drops ghosts the
 * snapshot has counted, checks that nothing rests past a game's stop, and
 * requotes every game it touched. Passes never overlap; a trusted pass asked
 * for during one follows it.
 */
import type { TimerHandle } from '../../shared/clock.ts';
import { WorkerMetric } from '../../shared/metrics/names.ts';
import { entryBookAtPositions } from '../../shared/risk/inventory.ts';
import type { Centis } from '../../shared/units.ts';
import { signedInventory } from './exposure.ts';
import { errText } from './game-state.ts';
import type { EnginePorts } from './ports.ts';
import { afterPass, initialTrust, type TrustState, trusted } from './position-trust.ts';
import { driftMemory, holdDuringGap, reconcileOrders, reconcilePositions } from './reconcile.ts';
import type { SessionCore } from './session-core.ts';

/** Position snapshots from reconciliation (every 10 s) are kept one a minute: enough to audit, cheap to store. */
const POSITION_SNAPSHOT_EVERY_MS = 60_000;

export class Reconciler {
  private reconciling: Promise<void> | null = null;
  /** A trusted pass asked for while another pass runs: it follows that pass (whose snapshot may predate the reconnect). */
  private trustQueued: Promise<void> | null = null;
  private lastDrift = new Map<string, Centis>();
  /** Whether positions are loaded, and which markets still owe a trusted correction. */
  private trust: TrustState = initialTrust;
  private recheckTimer: TimerHandle | null = null;
  private lastSnapshotMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly core: SessionCore) {}

  /** A trusted correction is still owed for this market: its game holds (neither quotes nor pulls). */
  owesTrust(ticker: string): boolean {
    return this.trust.owed.has(ticker);
  }

  /** The pass running and the trusted pass queued behind it (stop and quiesce wait for them). */
  inFlight(): Promise<void>[] {
    return [...(this.reconciling ? [this.reconciling] : []), ...(this.trustQueued ? [this.trustQueued] : [])];
  }

  dispose(): void {
    if (this.recheckTimer) this.core.ports.clock.clearTimeout(this.recheckTimer);
  }

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
          return this.core.stopped ? undefined : this.reconcile(true);
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
    const startedMs = this.core.ports.clock.now();
    let orders: Awaited<ReturnType<EnginePorts['gateway']['listRestingOrders']>>;
    let positions: Awaited<ReturnType<EnginePorts['gateway']['listPositions']>>;
    try {
      [orders, positions] = await Promise.all([
        this.core.ports.gateway.listRestingOrders(),
        this.core.ports.gateway.listPositions(),
      ]);
    } catch (err) {
      this.core.ports.metrics.count('ReconcileErrors');
      this.core.ports.log.warn('reconcile_failed', { error: errText(err) });
      return;
    }
    const now = this.core.ports.clock.now();
    this.core.counters['resyncs']!++;
    const tracked = new Set(this.core.gameOfTicker.keys());
    const actions = reconcileOrders(
      this.core.manager.all(),
      orders,
      tracked,
      this.core.config.clientOrderPrefix,
      startedMs,
    );
    const orderChanges = this.core.manager.applyReconciliation(
      actions,
      (t) => this.core.gameOfTicker.get(t),
      startedMs,
    );

    const judged = reconcilePositions(
      [...new Set([...tracked, ...this.core.inventory.tickers().filter((t) => tracked.has(t))])],
      (t) => this.core.inventory.position(t),
      (t) => this.core.inventory.lastFillMs(t),
      positions,
      now,
      this.core.config.positionLagMs,
      this.lastDrift,
      (t) => trusted(this.trust, trust, t),
      startedMs,
    );
    // Feed gap: a mismatch is probably a fill the post-gap backfill will bring; correcting now would count it twice.
    // Trusted passes too (one started before the gap, or queued into it): the pass after the backfill corrects.
    const inGap = this.core.connection.state === 'down' && this.core.everUp;
    const decision = inGap ? holdDuringGap(judged) : judged;
    this.lastDrift = driftMemory(decision);
    // A ghost is size that left the book as fills whose messages are late; the positions snapshot lags
    // fills too (positionLagMs), so a ghost is dropped only once that snapshot has had time to count it —
    // and not in a market whose drift is only deferred this pass: the inventory does not carry it yet.
    this.core.manager.dropGhosts(
      startedMs - this.core.config.positionLagMs,
      new Set(decision.deferred.map((d) => d.ticker)),
    );
    const update = afterPass(this.trust, {
      trusted: trust,
      deferred: decision.deferred.map((d) => d.ticker),
      corrected: decision.corrections.map((c) => c.ticker),
    });
    this.trust = update.state;
    if (decision.deferred.length > 0 && !this.recheckTimer && !this.core.stopped) {
      // Confirm a suspected drift soon rather than a whole period later.
      this.recheckTimer = this.core.ports.clock.setTimeout(() => {
        this.recheckTimer = null;
        void this.reconcile();
      }, this.core.config.positionLagMs + 100);
    }
    const touched = new Set<string>();
    // A market whose owed trusted correction is settled now (corrected or in agreement): its game may quote again.
    for (const t of update.settled) {
      const g0 = this.core.gameOfTicker.get(t);
      if (g0) touched.add(g0);
    }
    for (const c of decision.corrections) {
      this.core.inventory.setPosition(c.ticker, c.exchange);
      const g0 = this.core.gameOfTicker.get(c.ticker);
      if (g0) touched.add(g0);
      // The entry basis follows the corrected position: contracts of unknown cost keep the average unknown
      // (no break-even) until the position is flat or flips; resetting it to flat would price them as free.
      const gs = g0 ? this.core.games.get(g0) : undefined;
      if (gs) gs.entries = entryBookAtPositions(gs.entries, (t) => this.core.inventory.position(t));
      if (update.loads.has(c.ticker)) {
        // Start-up: nothing local to drift from; these are the positions we start with.
        this.core.ports.log.info('position_loaded', { ticker: c.ticker, position: c.exchange });
        continue;
      }
      this.core.counters['drifts']!++;
      this.core.ports.metrics.count(WorkerMetric.ReconciliationDrift, 1);
      this.core.ports.log.warn('position_drift_corrected', { ...c });
      this.core.drift.unshift({ atMs: now, ticker: c.ticker, local: c.local, exchange: c.exchange });
      this.core.drift.length = Math.min(this.core.drift.length, 50);
      const g = this.core.gameOfTicker.get(c.ticker);
      if (g) touched.add(g);
      if (Math.abs(c.drift) > this.core.config.kill.maxDrift)
        void this.core.kill('drift', `${c.ticker}: local ${c.local} vs exchange ${c.exchange}`);
    }
    this.snapshotPositions('reconciliation');
    if (orderChanges > 0) {
      // Order churn (late acks, adoptions), not a position disagreement: not what the drift alarm stops on.
      this.core.ports.metrics.count(WorkerMetric.OrdersReconciled, orderChanges);
      this.core.ports.log.info('orders_reconciled', { changes: orderChanges });
    }
    // Stop-time verification: nothing of a stopped game may rest.
    for (const o of orders) {
      const gid = this.core.gameOfTicker.get(o.ticker);
      const g = gid ? this.core.games.get(gid) : undefined;
      if (g && (g.stopAtMs === null || now >= g.stopAtMs)) {
        this.core.alert('error', `order ${o.orderId} rests on ${o.ticker} after stop time: cancelling`);
        this.core.ports.metrics.count('RestingAfterStop');
        touched.add(g.game.eventTicker);
      }
    }
    for (const a of actions) {
      const t = a.kind === 'forget' || a.kind === 'confirm' ? a.local.ticker : a.exchange.ticker;
      const g = this.core.gameOfTicker.get(t);
      if (g) touched.add(g);
    }
    for (const g of touched) this.core.markDirty(g);

    this.core.emit({ type: 'reconciled', changes: orderChanges + decision.corrections.length });
    // Any successful pass that started after the reconnect and the flatten resyncs a feed-down pause
    // (a failed trusted pass must not leave it paused until the next reconnect).
    this.core.outage.resynced(startedMs);
  }

  /** Positions and game inventories to the store: at most one per minute from reconciliation, and at shutdown. */
  snapshotPositions(source: 'reconciliation' | 'shutdown'): void {
    const audit = this.core.ports.audit;
    if (!audit?.positions) return;
    const now = this.core.ports.clock.now();
    if (source === 'reconciliation' && now - this.lastSnapshotMs < POSITION_SNAPSHOT_EVERY_MS) return;
    this.lastSnapshotMs = now;
    const positions = this.core.inventory
      .tickers()
      .map((ticker) => ({ ticker, position: this.core.inventory.position(ticker) }))
      .filter((p) => p.position !== 0);
    const inventories = [...this.core.games.values()].map((g) => ({
      eventTicker: g.game.eventTicker,
      inventory: signedInventory(g.tickers, this.core.inventory.positions(g.tickers)),
    }));
    this.core.persist('positions', audit.positions({ atMs: now, positions, inventories, source }));
  }
}
