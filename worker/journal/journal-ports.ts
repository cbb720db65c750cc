/**
 * The session journal's recorder: a decorator around the engine's ports
 * (worker/engine/ports.ts). Everything the TradingSession receives — feed
 * events, the books it reads, the answers to its calls, theos, flags, its own
 * timers and deferred tasks firing — and everything it asks for — order
 * writes, listings, refreshes, flattens — passes through here and is
 * appended to a JournalSink with the session clock's time, in the order it
 * happened. The engine is unchanged: live, paper and the backtest journal by
 * wrapping their ports; `npm run replay -- --journal DIR` plays it back.
 *
 * Recording never changes what the session sees (the same values, promises
 * and errors pass through) and never throws into it: a failing sink is
 * swallowed here (the writer counts its own failures).
 */
import type { Clock } from '../../shared/clock.ts';
import type { EngineConfig } from '../../shared/config/engine-config.ts';
import type {
  AuditSink,
  EnginePorts,
  ExchangeGateway,
  Flattener,
  FlattenResult,
  MarketBook,
} from '../engine/ports.ts';
import { type OrderWriteKind, WriteBudget } from '../engine/write-budget.ts';
import { JOURNAL_VERSION, type JournalBook, type JournalEntry, type JournalSink } from './journal-entry.ts';

export interface SessionJournal {
  /** The ports to build the session from. */
  ports: EnginePorts;
  /** The session was started (`start`) or is being stopped (`stop`, with the reason its kill switch gets). */
  mark(m: 'start' | 'stop', reason?: string): void;
}

export interface JournalPortsOptions {
  config: EngineConfig;
  shard?: { index: number; count: number };
  /** 'engine' when the session quotes with the config's own quoter (the only one a replay can rebuild). */
  quoter?: string;
}

export const bookOfView = (v: MarketBook): JournalBook => ({
  bids: v.bids.map((l) => [l.price, l.size]),
  asks: v.asks.map((l) => [l.price, l.size]),
  valid: v.valid,
  u: v.updatedMs,
});

/**
 * A live worker's write budget is the REST limiter's bucket on the wall clock: its answers are
 * inputs a replay cannot recompute, so each is journaled (`sync budget.*`).
 */
class JournaledWriteBudget extends WriteBudget {
  constructor(
    private readonly clock: Clock,
    private readonly inner: WriteBudget,
    private readonly rec: (e: JournalEntry) => void,
  ) {
    super(clock, 0, 0);
  }
  private note<T>(m: string, a: unknown[], v: T): T {
    this.rec({ t: this.clock.now(), k: 'sync', m, a, ...(v === undefined ? {} : { v }) });
    return v;
  }
  override costOf(kind: OrderWriteKind): number | undefined {
    return this.note('budget.costOf', [kind], this.inner.costOf(kind));
  }
  override tryTake(cost: number): boolean {
    return this.note('budget.tryTake', [cost], this.inner.tryTake(cost));
  }
  override force(cost: number): void {
    this.inner.force(cost);
    this.note('budget.force', [cost], undefined);
  }
  override waitMs(cost: number): number {
    return this.note('budget.waitMs', [cost], this.inner.waitMs(cost));
  }
  override available(): number {
    return this.note('budget.available', [], this.inner.available());
  }
}

type Call = <T>(m: string, a: unknown[], run: () => Promise<T>) => Promise<T>;

function journaledAudit(a: AuditSink, call: Call): AuditSink {
  return {
    fill: (f) => call('audit.fill', [f], () => a.fill(f)),
    order: (o) => call('audit.order', [o], () => a.order(o)),
    ...(a.game ? { game: (g, key, at) => call('audit.game', [g, key, at], () => a.game!(g, key, at)) } : {}),
    ...(a.positions ? { positions: (s) => call('audit.positions', [s], () => a.positions!(s)) } : {}),
  };
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function journalPorts(
  inner: EnginePorts,
  sink: JournalSink,
  opts: JournalPortsOptions,
): SessionJournal {
  const base = inner.clock;
  const rec = (entry: JournalEntry): void => {
    try {
      sink.append(entry);
    } catch {
      // The sink counts its own failures; the engine never sees one.
    }
  };
  let calls = 0;
  /** One port call: `call`, then `ans` or `err`; the value or error passes through untouched. */
  const call = <T>(m: string, a: unknown[], run: () => Promise<T>): Promise<T> => {
    const id = ++calls;
    rec({ t: base.now(), k: 'call', id, m, a });
    let p: Promise<T>;
    try {
      p = run();
    } catch (err) {
      rec({ t: base.now(), k: 'err', id, e: message(err) });
      throw err;
    }
    return p.then(
      (v) => {
        rec({ t: base.now(), k: 'ans', id, v });
        return v;
      },
      (err: unknown) => {
        rec({ t: base.now(), k: 'err', id, e: message(err) });
        throw err;
      },
    );
  };

  let timers = 0;
  let deferrals = 0;
  const clock: Clock = {
    now: () => base.now(),
    setTimeout: (fn, ms) => {
      const n = ++timers;
      return base.setTimeout(() => {
        rec({ t: base.now(), k: 'tick', n });
        fn();
      }, ms);
    },
    clearTimeout: (h) => base.clearTimeout(h),
    defer: (fn) => {
      const n = ++deferrals;
      base.defer(() => {
        rec({ t: base.now(), k: 'run', n });
        fn();
      });
    },
    // The requote loop's turn between two games (shared/clock.ts): numbered and recorded as a deferral,
    // so the replay (whose clock runs it as one) requotes the games around the same journal entries.
    ...(base.yieldTurn
      ? {
          yieldTurn: (fn: () => void) => {
            const n = ++deferrals;
            base.yieldTurn!(() => {
              rec({ t: base.now(), k: 'run', n });
              fn();
            });
          },
        }
      : {}),
    ...(base.drain ? { drain: () => base.drain!() } : {}),
  };

  const lastBook = new Map<string, MarketBook | undefined>();
  const books: EnginePorts['books'] = {
    book: (ticker) => {
      const v = inner.books.book(ticker);
      if (v !== lastBook.get(ticker)) {
        lastBook.set(ticker, v);
        rec({ t: base.now(), k: 'book', ticker, b: v ? bookOfView(v) : null });
      }
      return v;
    },
  };

  const feed: EnginePorts['feed'] = {
    onEvent: (handler) =>
      inner.feed.onEvent((e) => {
        rec({ t: base.now(), k: 'feed', e: e as unknown as Record<string, unknown> });
        handler(e);
      }),
    track: (tickers) => {
      rec({ t: base.now(), k: 'call', id: ++calls, m: 'track', a: [[...tickers]] });
      inner.feed.track(tickers);
    },
  };

  const g = inner.gateway;
  const gateway: ExchangeGateway = {
    listEvents: (series) => call('listEvents', [series], () => g.listEvents(series)),
    createOrders: (orders) => call('createOrders', [orders], () => g.createOrders(orders)),
    amendOrder: (req) => call('amendOrder', [req], () => g.amendOrder(req)),
    decreaseOrder: (req) => call('decreaseOrder', [req], () => g.decreaseOrder(req)),
    cancelOrders: (reqs) => call('cancelOrders', [reqs], () => g.cancelOrders(reqs)),
    listRestingOrders: () => call('listRestingOrders', [], () => g.listRestingOrders()),
    listPositions: () => call('listPositions', [], () => g.listPositions()),
    createOrderGroup: (limit, index) =>
      call('createOrderGroup', [limit, index ?? null], () => g.createOrderGroup(limit, index)),
    ...(g.resetOrderGroup
      ? { resetOrderGroup: (id: string) => call('resetOrderGroup', [id], () => g.resetOrderGroup!(id)) }
      : {}),
    ...(g.deleteOrderGroup
      ? { deleteOrderGroup: (id: string) => call('deleteOrderGroup', [id], () => g.deleteOrderGroup!(id)) }
      : {}),
    ...(g.setOrderGroupLimit
      ? {
          setOrderGroupLimit: (id: string, limit: number) =>
            call('setOrderGroupLimit', [id, limit], () => g.setOrderGroupLimit!(id, limit as never)),
        }
      : {}),
    ...(g.listOrderGroups
      ? { listOrderGroups: () => call('listOrderGroups', [], () => g.listOrderGroups!()) }
      : {}),
    ...(g.cancelAll ? { cancelAll: () => call('cancelAll', [], () => g.cancelAll!()) } : {}),
  };

  const flattener =
    (m: 'flatten' | 'pauseFlatten', f: Flattener): Flattener =>
    (reason, onFlat, aborted) => {
      const id = calls + 1;
      const flat = onFlat
        ? (r: FlattenResult) => {
            rec({ t: base.now(), k: 'cb', id, v: r });
            onFlat(r);
          }
        : undefined;
      return call(m, [reason], () => f(reason, flat, aborted));
    };

  const mapper: EnginePorts['mapper'] = {
    ...(inner.mapper.prepare
      ? {
          prepare: (sport: string, key: string) =>
            call('prepare', [sport, key], () => inner.mapper.prepare!(sport, key)),
        }
      : {}),
    match: (sport, event) => {
      const v = inner.mapper.match(sport, event);
      rec({ t: base.now(), k: 'sync', m: 'match', a: [sport, event.eventTicker], v });
      return v;
    },
  };

  const ports: EnginePorts = {
    ...inner,
    clock,
    gateway,
    feed,
    books,
    theos: { read: (ids) => call('theos', [[...ids]], () => inner.theos.read(ids)) },
    mapper,
    flatten: flattener('flatten', inner.flatten),
    ...(inner.pauseFlatten ? { pauseFlatten: flattener('pauseFlatten', inner.pauseFlatten) } : {}),
    ...(inner.killFlag ? { killFlag: { read: () => call('flags', [], () => inner.killFlag!.read()) } } : {}),
    ...(inner.refresh
      ? { refresh: { publish: (r) => call('refresh', [r], () => inner.refresh!.publish(r)) } }
      : {}),
    ...(inner.writeBudget ? { writeBudget: new JournaledWriteBudget(base, inner.writeBudget, rec) } : {}),
    // Store writes are journaled as calls too: the session awaits some (a game's mapping before its
    // subscription), so a replay must answer them when the run's store did.
    ...(inner.audit ? { audit: journaledAudit(inner.audit, call) } : {}),
    ...(inner.dayPnl
      ? {
          dayPnl: {
            load: (day) => call('dayPnl.load', [day], () => inner.dayPnl!.load(day)),
            save: (r) => call('dayPnl.save', [r], () => inner.dayPnl!.save(r)),
          },
        }
      : {}),
  };

  const optional = (
    ['killFlag', 'lease', 'refresh', 'dayPnl', 'pauseFlatten', 'audit', 'writeBudget'] as const
  ).filter((k) => inner[k] !== undefined);
  rec({
    t: base.now(),
    k: 'head',
    v: JOURNAL_VERSION,
    config: opts.config as unknown as Record<string, unknown>,
    shard: opts.shard ?? { index: 0, count: 1 },
    quoter: opts.quoter ?? 'engine',
    // Not a port: the clock had turns (yieldTurn), which the replay's clock must number as the recorder did.
    ports: base.yieldTurn ? [...optional, 'clockTurns'] : [...optional],
  });
  return {
    ports,
    mark: (m, reason) => rec({ t: base.now(), k: 'mark', m, ...(reason === undefined ? {} : { reason }) }),
  };
}
