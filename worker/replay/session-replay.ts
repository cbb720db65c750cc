/**
 * Replays a session journal (worker/journal/) through the real
 * TradingSession: the engine config from the journal's head, in-memory ports
 * that answer every call with the journal's answer, the feed events and books
 * the session saw, and a ReplayClock on which its timers and deferred tasks
 * run exactly where the journal says they ran. Out come the session's
 * decisions (order writes, group changes, refreshes, flattens, subscriptions)
 * in order, compared with the journal's own.
 *
 * The session's calls are matched to the journal's per method, in order; an
 * argument that differs, a call the journal does not have (answered as
 * `unknown` for a write, an error for a read), a recorded answer nobody asked
 * for and a timer that no longer exists are counted as divergences. A journal
 * of a deterministic run (the backtest) replays to the same decisions; a live
 * one can differ where its inputs were not journaled (the write budget's
 * wall-clock bucket, a lease lost mid-run): the report's first difference
 * says where.
 */
import { type EngineConfig, parseEngineConfig } from '../../shared/config/engine-config.ts';
import { gameQuoter } from '../engine/adapters/quoter.ts';
import type {
  BookReader,
  EngineLogger,
  EngineMetrics,
  EnginePorts,
  ExchangeGateway,
  FeedEvent,
  Flattener,
  FlattenResult,
  MapResult,
  MarketBook,
  MarketFeed,
  Quoter,
} from '../engine/ports.ts';
import { TradingSession } from '../engine/session.ts';
import { type OrderWriteKind, WriteBudget } from '../engine/write-budget.ts';
import { DECISION_METHODS, type JournalBook, type JournalEntry } from '../journal/journal-entry.ts';
import { redactedJson } from '../journal/segment-writer.ts';
import { ReplayClock } from './replay-clock.ts';

export interface ReplayDecision {
  t: number;
  m: string;
  a: unknown[];
}

export interface SessionReplayReport {
  entries: number;
  /** The session's decisions in the replay. */
  decisions: ReplayDecision[];
  /** How many the journal holds. */
  recordedDecisions: number;
  /** Same decisions (methods and arguments) in the same order. */
  same: boolean;
  /**
   * Decisions made at another time than recorded, and the largest shift (ms). 0 for a backtest's
   * journal; a wall-clock run's continuations ran a little after the entry that woke them.
   */
  timeShifts: { count: number; maxMs: number };
  /** Where they first differ (null when the same). */
  firstDifference: { index: number; recorded: ReplayDecision | null; replayed: ReplayDecision | null } | null;
  divergences: {
    /** Calls whose arguments differ from the journal's call they were matched with. */
    argumentMismatches: number;
    /** Calls the journal does not have. */
    extraCalls: number;
    /** Journal calls the replay never made. */
    missingCalls: number;
    /** Journal timers / deferred tasks the replayed session did not have under that number. */
    timerMisses: number;
    deferralMisses: number;
  };
  /** Warnings and errors the session logged in the replay, by event name. */
  logged: Record<string, number>;
  /** Limits of this replay (ports the journal could not rebuild exactly). */
  notes: string[];
  startError: string | null;
}

export interface SessionReplayOptions {
  /** Replaces the config's quoter (a journal of a baseline strategy). */
  quoter?: Quoter;
}

/** The journal's write-budget answers (a live worker's REST limiter); the config's bucket where it has none. */
class ReplayWriteBudget extends WriteBudget {
  private readonly own: WriteBudget;
  constructor(
    clock: ReplayClock,
    config: EngineConfig,
    private readonly sync: <T>(m: string, a: unknown[], missing: () => T) => T,
  ) {
    super(clock, 0, 0);
    this.own = new WriteBudget(clock, config.writeBudget.tokensPerSec, config.writeBudget.capacity);
  }
  override costOf(kind: OrderWriteKind): number | undefined {
    return this.sync('budget.costOf', [kind], () => this.own.costOf(kind));
  }
  override tryTake(cost: number): boolean {
    return this.sync('budget.tryTake', [cost], () => this.own.tryTake(cost));
  }
  override force(cost: number): void {
    this.sync('budget.force', [cost], () => this.own.force(cost));
  }
  override waitMs(cost: number): number {
    return this.sync('budget.waitMs', [cost], () => this.own.waitMs(cost));
  }
  override available(): number {
    return this.sync('budget.available', [], () => this.own.available());
  }
}

const noMetrics: EngineMetrics = { count: () => {}, gauge: () => {}, timing: () => {} };
const tick = () => new Promise<void>((r) => setImmediate(r));
/**
 * A decision as compared: method and arguments, less the clock stamps a refresh request carries
 * (`requestedAt`): on a wall clock those move with the run's timing, and times are compared apart.
 */
const canon = (d: ReplayDecision): string =>
  redactedJson({
    m: d.m,
    a: d.m === 'refresh' ? d.a.map((r) => ({ ...(r as object), requestedAt: null })) : d.a,
  });

function viewOf(ticker: string, b: JournalBook | null): MarketBook | undefined {
  if (!b) return undefined;
  return Object.freeze({
    ticker,
    bids: Object.freeze(b.bids.map(([price, size]) => ({ price, size }) as MarketBook['bids'][number])),
    asks: Object.freeze(b.asks.map(([price, size]) => ({ price, size }) as MarketBook['asks'][number])),
    valid: b.valid,
    updatedMs: b.u,
  });
}

/** The boot time the order manager stamped into client order ids (`prefix-<base36 ms>-seq`), if any. */
function bootOf(entries: readonly JournalEntry[], prefix: string): number | null {
  for (const e of entries) {
    if (e.k !== 'call' || e.m !== 'createOrders') continue;
    const first = (e.a[0] as { clientOrderId?: string }[] | undefined)?.[0]?.clientOrderId;
    if (!first?.startsWith(`${prefix}-`)) continue;
    const boot = first.slice(prefix.length + 1, first.lastIndexOf('-'));
    const ms = Number.parseInt(boot, 36);
    return Number.isFinite(ms) ? ms : null;
  }
  return null;
}

/** Entries the session's own processing wrote (outputs and reads), as opposed to things that happened to it. */
const written = (k: JournalEntry['k']) => k === 'call' || k === 'sync' || k === 'book' || k === 'head';

export async function replaySession(
  entries: readonly JournalEntry[],
  opts: SessionReplayOptions = {},
): Promise<SessionReplayReport> {
  const head = entries.find((e) => e.k === 'head');
  if (head?.k !== 'head') throw new Error('the journal has no head entry (its first segment is missing)');
  const config: EngineConfig = parseEngineConfig(head.config);
  const notes: string[] = [];
  if (head.quoter !== 'engine' && !opts.quoter)
    notes.push(`recorded with quoter "${head.quoter}": replayed with the config's quoter`);
  if (head.ports.includes('lease')) notes.push('the lease is replayed as always held');

  const boot = bootOf(entries, config.clientOrderPrefix);
  const clock = new ReplayClock(
    boot !== null && boot >= head.t ? boot : head.t,
    head.ports.includes('clockTurns'),
  );

  // ---- the journal's calls, per method in order; answers by recorded id
  const queues = new Map<string, { id: number; a: unknown[] }[]>();
  const syncs = new Map<string, unknown[]>();
  for (const e of entries) {
    if (e.k === 'call') {
      const q = queues.get(e.m) ?? [];
      q.push({ id: e.id, a: e.a });
      queues.set(e.m, q);
    } else if (e.k === 'sync') {
      const key = `${e.m}|${JSON.stringify(e.a)}`;
      const q = syncs.get(key) ?? [];
      q.push(e.v);
      syncs.set(key, q);
    }
  }
  const divergences = {
    argumentMismatches: 0,
    extraCalls: 0,
    missingCalls: 0,
    timerMisses: 0,
    deferralMisses: 0,
  };
  type Answer = { ok: true; v: unknown } | { ok: false; e: string };
  const waiting = new Map<number, (a: Answer) => void>();
  const early = new Map<number, Answer>();
  const flatCallbacks = new Map<number, (r: FlattenResult) => void>();
  const decisions: ReplayDecision[] = [];

  const take = (m: string, a: unknown[]): number | null => {
    if (DECISION_METHODS.has(m))
      decisions.push({ t: clock.now(), m, a: JSON.parse(redactedJson(a)) as unknown[] });
    const rec = queues.get(m)?.shift();
    if (!rec) {
      divergences.extraCalls++;
      return null;
    }
    if (redactedJson(rec.a) !== redactedJson(a)) divergences.argumentMismatches++;
    return rec.id;
  };
  const call = <T>(m: string, a: unknown[], missing: () => T | Promise<T>): Promise<T> => {
    const id = take(m, a);
    if (id === null) return Promise.resolve().then(missing);
    return new Promise<T>((resolve, reject) => {
      const settle = (ans: Answer) => (ans.ok ? resolve(ans.v as T) : reject(new Error(ans.e)));
      const got = early.get(id);
      if (got) {
        early.delete(id);
        settle(got);
      } else waiting.set(id, settle);
    });
  };
  /** A synchronous answer from the journal, in order per method and arguments. */
  const sync = <T>(m: string, a: unknown[], missing: () => T): T => {
    const q = syncs.get(`${m}|${JSON.stringify(a)}`);
    if (!q || q.length === 0) {
      divergences.extraCalls++;
      return missing();
    }
    return q.shift() as T;
  };
  const notJournaled = (): never => {
    throw new Error('not in the journal');
  };
  const unknownWrite = { ok: false as const, kind: 'unknown' as const, message: 'not in the journal' };

  const gateway: ExchangeGateway = {
    listEvents: (series) => call('listEvents', [series], notJournaled),
    createOrders: (orders) => call('createOrders', [orders], () => orders.map(() => unknownWrite)),
    amendOrder: (req) => call('amendOrder', [req], () => unknownWrite),
    decreaseOrder: (req) => call('decreaseOrder', [req], () => unknownWrite),
    cancelOrders: (reqs) => call('cancelOrders', [reqs], () => reqs.map(() => unknownWrite)),
    listRestingOrders: () => call('listRestingOrders', [], notJournaled),
    listPositions: () => call('listPositions', [], notJournaled),
    createOrderGroup: (limit, index) => call('createOrderGroup', [limit, index ?? null], notJournaled),
    resetOrderGroup: (id) => call('resetOrderGroup', [id], notJournaled),
    deleteOrderGroup: (id) => call('deleteOrderGroup', [id], notJournaled),
    setOrderGroupLimit: (id, limit) => call('setOrderGroupLimit', [id, limit], notJournaled),
    listOrderGroups: () => call('listOrderGroups', [], notJournaled),
    cancelAll: () => call('cancelAll', [], notJournaled),
  };

  const handlers = new Set<(e: FeedEvent) => void>();
  const books = new Map<string, MarketBook | undefined>();
  const feed: MarketFeed & BookReader = {
    onEvent: (h) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    track: (tickers) => {
      take('track', [[...tickers]]);
    },
    book: (ticker) => books.get(ticker),
  };
  const flattener =
    (m: 'flatten' | 'pauseFlatten'): Flattener =>
    (reason, onFlat) => {
      const next = queues.get(m)?.[0];
      if (next && onFlat) flatCallbacks.set(next.id, onFlat);
      return call(m, [reason], () => ({ flat: false, attempts: 0, elapsedMs: 0, remaining: -1 }));
    };
  const logged: Record<string, number> = {};
  const count = (event: string) => {
    logged[event] = (logged[event] ?? 0) + 1;
  };
  const log: EngineLogger = { info: () => {}, warn: count, error: count };
  const has = (p: string) => head.ports.includes(p);
  const ports: EnginePorts = {
    clock,
    gateway,
    feed,
    books: feed,
    theos: { read: (ids) => call('theos', [[...ids]], () => []) },
    mapper: {
      prepare: (sport, key) => call('prepare', [sport, key], () => undefined),
      match: (sport, event): MapResult =>
        sync<MapResult>('match', [sport, event.eventTicker], () => ({
          ok: false,
          reason: 'not in the journal',
        })),
    },
    quoter: opts.quoter ?? gameQuoter({ params: config.quoting }),
    flatten: flattener('flatten'),
    ...(has('pauseFlatten') ? { pauseFlatten: flattener('pauseFlatten') } : {}),
    log,
    metrics: noMetrics,
    ...(has('killFlag') ? { killFlag: { read: () => call('flags', [], () => []) } } : {}),
    ...(has('lease')
      ? { lease: { token: () => 1, valid: () => true, release: () => Promise.resolve() } }
      : {}),
    ...(has('refresh') ? { refresh: { publish: (r) => call('refresh', [r], () => undefined) } } : {}),
    ...(has('dayPnl')
      ? {
          dayPnl: {
            load: (day) => call('dayPnl.load', [day], () => null),
            save: (r) => call('dayPnl.save', [r], () => undefined),
          },
        }
      : {}),
    ...(has('writeBudget') ? { writeBudget: new ReplayWriteBudget(clock, config, sync) } : {}),
    ...(has('audit')
      ? {
          audit: {
            fill: (f) => call('audit.fill', [f], () => undefined),
            order: (o) => call('audit.order', [o], () => undefined),
            game: (g, key, at) => call('audit.game', [g, key, at], () => undefined),
            positions: (s) => call('audit.positions', [s], () => undefined),
          },
        }
      : {}),
  };
  const session = new TradingSession(config, ports, head.shard);

  // ---- the pump: every entry that happened to the session, in order, each followed by its consequences
  let startError: string | null = null;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (written(e.k)) continue;
    clock.moveTo(e.t);
    // What the session read and asked for while handling this entry was journaled right after it:
    // its books apply now, and on a wall clock the handling ran when its first output was stamped
    // (a continuation can run a little after the answer that woke it), so the clock moves there.
    for (let j = i + 1; j < entries.length && written(entries[j]!.k); j++) {
      const b = entries[j]!;
      if (j === i + 1) clock.moveTo(b.t);
      if (b.k === 'book') books.set(b.ticker, viewOf(b.ticker, b.b));
    }
    switch (e.k) {
      case 'mark':
        if (e.m === 'start')
          session.start().catch((err: unknown) => {
            startError = err instanceof Error ? err.message : String(err);
          });
        else void session.stop('sigterm', e.reason ?? 'shutdown').catch(() => {});
        break;
      case 'feed':
        for (const h of [...handlers]) h(e.e as unknown as FeedEvent);
        break;
      case 'ans':
      case 'err': {
        const ans: Answer = e.k === 'ans' ? { ok: true, v: e.v } : { ok: false, e: e.e };
        const w = waiting.get(e.id);
        if (w) {
          waiting.delete(e.id);
          w(ans);
        } else early.set(e.id, ans);
        break;
      }
      case 'cb':
        flatCallbacks.get(e.id)?.(e.v as FlattenResult);
        break;
      case 'tick':
        clock.fire(e.n);
        break;
      case 'run':
        clock.run(e.n);
        break;
    }
    await tick();
  }
  await tick();
  session.dispose();

  for (const q of queues.values()) divergences.missingCalls += q.length;
  divergences.timerMisses = clock.misses.timers;
  divergences.deferralMisses = clock.misses.deferrals;
  const recorded: ReplayDecision[] = entries
    .filter((e): e is Extract<JournalEntry, { k: 'call' }> => e.k === 'call' && DECISION_METHODS.has(e.m))
    .map((e) => ({ t: e.t, m: e.m, a: e.a }));
  let firstDifference: SessionReplayReport['firstDifference'] = null;
  const timeShifts = { count: 0, maxMs: 0 };
  for (let i = 0; i < Math.max(recorded.length, decisions.length); i++) {
    const r = recorded[i];
    const d = decisions[i];
    if (!r || !d || canon(r) !== canon(d)) {
      firstDifference = { index: i, recorded: r ?? null, replayed: d ?? null };
      break;
    }
    if (r.t !== d.t) {
      timeShifts.count++;
      timeShifts.maxMs = Math.max(timeShifts.maxMs, Math.abs(r.t - d.t));
    }
  }
  return {
    entries: entries.length,
    decisions,
    recordedDecisions: recorded.length,
    same: firstDifference === null,
    timeShifts,
    firstDifference,
    divergences,
    logged,
    notes,
    startError,
  };
}
