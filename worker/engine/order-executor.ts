/**
 * The executor: sends an already-gated plan and feeds each outcome back to the
 * ledger. It decides nothing about risk — the order manager gated every write
 * and marked its order pending before handing the plan over — and it is the
 * one place order writes leave the engine (the write fence closes beneath it,
 * in the REST client, for a create or amend still queued when the kill switch
 * trips or the lease is lost).
 *
 * - Cancels go first, then decreases, amends and creates concurrently.
 * - A gateway call that throws is an unknown outcome for every item, never a crash.
 * - Lasting refusals of a create batch back off the game (one step per reason).
 * - When a game's last in-flight write settles and a sync was waiting for it, `onSettled` runs.
 */
import type { Clock } from '../../shared/clock.ts';
import { WorkerMetric } from '../../shared/metrics/names.ts';
import type { Centis, Micros } from '../../shared/units.ts';
import type { OrderGroups } from './order-groups.ts';
import type { LedgerOrder } from './order-ledger.ts';
import type { OrderStore } from './order-store.ts';
import type {
  AuditSink,
  CancelOrderRequest,
  CreateOrderRequest,
  EngineLogger,
  EngineMetrics,
  ExchangeGateway,
  WriteOutcome,
} from './ports.ts';
import { classifyRefusal, type Refusal, type RefusalBackoff } from './refusal-backoff.ts';

/** The writes of one sync, gated: every order here is already `pending` (creates are tracked). */
export interface GatedPlan {
  cancels: LedgerOrder[];
  decreases: { o: LedgerOrder; reduceTo: Centis }[];
  amends: { o: LedgerOrder; price: Micros; remaining: Centis }[];
  creates: LedgerOrder[];
}

/** How the executor reaches the game it writes for. */
export interface WriteTarget {
  eventTicker: string;
  exchangeIndex(ticker: string): number | undefined;
  expiresAtMs?: number;
}

export interface OrderExecutorDeps {
  gateway: ExchangeGateway;
  clock: Clock;
  log: EngineLogger;
  metrics: EngineMetrics;
  audit?: AuditSink;
  store: OrderStore;
  backoff: RefusalBackoff;
  groups: OrderGroups;
  onSettled(eventTicker: string): void;
}

export class OrderExecutor {
  /** Counters for the dashboard. */
  readonly stats = { rateLimited: 0, writeFailures: 0 };
  /** Games whose sync waits for their in-flight writes to settle before it plans again. */
  private readonly waiting = new Set<string>();
  private inFlight = 0;
  private readonly auditWrites = new Set<Promise<void>>();
  private readonly idle: (() => void)[] = [];

  constructor(private readonly deps: OrderExecutorDeps) {}

  /** The game requotes (`onSettled`) once its writes in flight settle. */
  wait(eventTicker: string): void {
    this.waiting.add(eventTicker);
  }

  /** Order writes sent and not yet answered. */
  writesInFlight(): number {
    return this.inFlight;
  }

  /** Resolves once no write (nor its audit record) is in flight. */
  async settled(): Promise<void> {
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    if (this.auditWrites.size > 0) await Promise.allSettled([...this.auditWrites]);
  }

  /** Fires a gated plan: cancels first, then the rest concurrently. Null when there is nothing to send. */
  send(
    plan: GatedPlan,
    game: WriteTarget,
    groupId: string | undefined,
  ): Promise<{ rateLimited: number }> | null {
    const work: Promise<void>[] = [];
    if (plan.cancels.length > 0) work.push(this.track(this.sendCancels(plan.cancels, game)));
    for (const d of plan.decreases) work.push(this.track(this.sendDecrease(d.o, d.reduceTo, game)));
    for (const a of plan.amends) work.push(this.track(this.sendAmend(a.o, a.price, a.remaining, game)));
    if (plan.creates.length > 0) work.push(this.track(this.sendCreates(plan.creates, game, groupId)));
    if (work.length === 0) return null;
    const limitedBefore = this.stats.rateLimited;
    return Promise.all(work).then(() => ({ rateLimited: this.stats.rateLimited - limitedBefore }));
  }

  /** Cancels orders of ours the ledger does not track (a market we left), routed by their listing's shard. */
  cancelUntracked(list: LedgerOrder[]): void {
    void this.track(this.sendCancels(list));
  }

  private async sendCancels(list: LedgerOrder[], game?: WriteTarget): Promise<void> {
    // Routed to the order's shard like every other write: a cancel sent elsewhere can find nothing.
    const reqs: CancelOrderRequest[] = list.map((o) => ({
      orderId: o.orderId!,
      ticker: o.ticker,
      exchangeIndex: game?.exchangeIndex(o.ticker) ?? o.exchangeIndex,
    }));
    const results = await settle(() => this.deps.gateway.cancelOrders(reqs), reqs.length);
    list.forEach((o, i) => {
      const r = results[i]!;
      this.audit('cancel', o, r);
      if (o.key < 0) return; // an untracked order of ours in a market we left
      if (r.ok) {
        this.deps.store.apply(o, { type: 'cancel-ack' });
        this.deps.metrics.count(WorkerMetric.OrdersCancelled);
      } else {
        if (r.kind === 'rate_limited') this.count429();
        this.deps.store.apply(o, { type: 'refusal', write: 'cancel', kind: r.kind });
      }
    });
    this.afterWrite(list);
  }

  private async sendDecrease(o: LedgerOrder, reduceTo: Centis, game: WriteTarget): Promise<void> {
    const r = await settleOne(() =>
      this.deps.gateway.decreaseOrder({
        orderId: o.orderId!,
        ticker: o.ticker,
        reduceTo,
        exchangeIndex: game.exchangeIndex(o.ticker),
      }),
    );
    this.audit('decrease', o, r);
    if (r.ok)
      this.deps.store.apply(o, {
        type: 'ack',
        write: 'decrease',
        price: o.price,
        ack: r.value,
        nowMs: this.deps.clock.now(),
      });
    else this.refused(o, 'decrease', r.kind);
    this.afterWrite([o]);
  }

  private async sendAmend(
    o: LedgerOrder,
    price: Micros,
    remaining: Centis,
    game: WriteTarget,
  ): Promise<void> {
    const r = await settleOne(() =>
      this.deps.gateway.amendOrder({
        orderId: o.orderId!,
        ticker: o.ticker,
        side: o.side,
        price,
        count: o.pendingTotal ?? o.filled + remaining,
        exchangeIndex: game.exchangeIndex(o.ticker),
      }),
    );
    this.audit('amend', o, r, price, remaining);
    if (r.ok)
      this.deps.store.apply(o, {
        type: 'ack',
        write: 'amend',
        price,
        ack: r.value,
        nowMs: this.deps.clock.now(),
      });
    else this.refused(o, 'amend', r.kind);
    this.afterWrite([o]);
  }

  private async sendCreates(
    list: LedgerOrder[],
    game: WriteTarget,
    groupId: string | undefined,
  ): Promise<void> {
    const expiresAtMs = game.expiresAtMs;
    for (const o of list) if (expiresAtMs !== undefined) o.expiresAtMs = expiresAtMs;
    const reqs: CreateOrderRequest[] = list.map((o) => ({
      ticker: o.ticker,
      side: o.side,
      price: o.price,
      count: o.remaining,
      clientOrderId: o.clientOrderId!,
      postOnly: true,
      cancelOnPause: true,
      orderGroupId: groupId,
      exchangeIndex: game.exchangeIndex(o.ticker),
      expirationTime: expiresAtMs === undefined ? undefined : Math.floor(expiresAtMs / 1000),
    }));
    const results = await settle(() => this.deps.gateway.createOrders(reqs), reqs.length);
    const refusals = new Set<Refusal>();
    list.forEach((o, i) => {
      const r = results[i]!;
      this.audit('create', o, r);
      if (!r.ok && r.kind === 'rejected') {
        const refusal = classifyRefusal(r.code, r.message);
        if (refusal) refusals.add(refusal);
      }
      if (r.ok) {
        this.deps.metrics.count(WorkerMetric.OrdersCreated);
        this.deps.store.apply(o, {
          type: 'ack',
          write: 'create',
          price: o.price,
          ack: r.value,
          nowMs: this.deps.clock.now(),
        });
      } else this.refused(o, 'create', r.kind);
    });
    this.onRefusals(
      game.eventTicker,
      refusals,
      results.some((r) => r.ok),
    );
    this.afterWrite(list);
  }

  private refused(
    o: LedgerOrder,
    write: 'create' | 'amend' | 'decrease',
    kind: 'rejected' | 'rate_limited' | 'unknown',
  ): void {
    if (kind === 'rate_limited') this.count429();
    this.deps.store.apply(o, { type: 'refusal', write, kind });
  }

  /** One backoff step per reason per batch (four refused sides are one refusal, not four). */
  private onRefusals(eventTicker: string, refusals: ReadonlySet<Refusal>, accepted: boolean): void {
    const now = this.deps.clock.now();
    if (accepted && refusals.size === 0) this.deps.backoff.cleared(eventTicker);
    for (const refusal of refusals) {
      this.deps.metrics.count(WorkerMetric.WritesRefused, 1, { Reason: refusal });
      if (refusal === 'group-tripped') this.deps.groups.trip(eventTicker);
      else {
        const until = this.deps.backoff.refused(eventTicker, refusal, now);
        this.deps.log.warn('writes_refused', { eventTicker, refusal, retryInMs: until - now });
      }
    }
    // The game requotes when the hold ends (the session's retry timer follows report.retryAfterMs).
    if (refusals.size > 0) this.waiting.add(eventTicker);
  }

  private afterWrite(list: readonly LedgerOrder[]): void {
    const games = new Set(list.map((o) => o.eventTicker).filter((g) => g !== ''));
    for (const g of games) {
      if (this.waiting.has(g) && !this.deps.store.hasInFlight(g)) {
        this.waiting.delete(g);
        this.deps.onSettled(g);
      }
    }
  }

  private count429(): void {
    this.stats.rateLimited++;
    this.deps.metrics.count('RateLimited');
  }

  private audit(
    action: string,
    o: LedgerOrder,
    r: WriteOutcome<unknown>,
    price?: Micros,
    count?: Centis,
  ): void {
    this.deps.metrics.count('OrderWrites', 1, { action });
    if (!r.ok) this.stats.writeFailures++;
    // A fenced write (kill switch, lost lease) is the fence doing its job, not a failure to alert on.
    if (!r.ok)
      this.deps.log[r.code === 'fenced' ? 'info' : 'warn']('order_write_failed', {
        action,
        ticker: o.ticker,
        side: o.side,
        kind: r.kind,
        code: r.code ?? null,
        message: r.message,
      });
    const sink = this.deps.audit;
    if (!sink) return;
    const p = sink
      .order({
        action,
        ticker: o.ticker,
        side: o.side,
        orderId: o.orderId ?? undefined,
        clientOrderId: o.clientOrderId ?? undefined,
        price: price ?? o.price,
        count: count ?? o.remaining,
        outcome: r.ok ? 'ok' : r.kind,
        atMs: this.deps.clock.now(),
      })
      .catch((err: unknown) => this.deps.log.warn('audit_failed', { error: errText(err) }))
      .finally(() => this.auditWrites.delete(p));
    this.auditWrites.add(p);
  }

  private track(p: Promise<void>): Promise<void> {
    this.inFlight++;
    return p
      .catch((err: unknown) => this.deps.log.error('order_write_crashed', { error: errText(err) }))
      .finally(() => {
        this.inFlight--;
        if (this.inFlight === 0) for (const f of this.idle.splice(0)) f();
      });
  }
}

export const errText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 300);

/** A gateway call that throws is an unknown outcome for every item, never a crash. */
async function settle<T>(call: () => Promise<WriteOutcome<T>[]>, n: number): Promise<WriteOutcome<T>[]> {
  try {
    const out = await call();
    return Array.from(
      { length: n },
      (_, i) => out[i] ?? { ok: false, kind: 'unknown', message: 'missing result' },
    );
  } catch (err) {
    return Array.from({ length: n }, () => ({
      ok: false as const,
      kind: 'unknown' as const,
      message: errText(err),
    }));
  }
}

async function settleOne<T>(call: () => Promise<WriteOutcome<T>>): Promise<WriteOutcome<T>> {
  try {
    return await call();
  } catch (err) {
    return { ok: false, kind: 'unknown', message: errText(err) };
  }
}
