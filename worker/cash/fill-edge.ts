/**
 * Edge on real fills: for every fill the session reports, theo and the book's mid at the fill and
 * 10 s, 60 s and 5 min later (timers on the injected clock), read from the session's own view.
 * Kept for a rolling window in memory (`windowMs`, at most `maxFills`), summed per sport, series,
 * quoting mode and size (shared/pnl/markout.ts) for the dashboard, and emitted as metrics:
 * `FillContracts` {Sport}, `FillEdgeDollars` {Sport, Against} and `FillMarkoutDollars`
 * {Sport, Horizon, Against} (sums: per contract = edge ÷ contracts in CloudWatch metric math).
 */
import type { Clock, TimerHandle } from '../../shared/clock.ts';
import { WorkerMetric } from '../../shared/metrics/names.ts';
import { seriesOf } from '../../shared/pnl/daily.ts';
import {
  type EdgeRow,
  edgeAgainst,
  edgeTable,
  HORIZONS,
  type Horizon,
  type LiveFill,
  MARKOUT_HORIZONS_MS,
  midOf,
  type Reference,
  sizeBucket,
} from '../../shared/pnl/markout.ts';
import { MICROS_PER_DOLLAR } from '../../shared/units.ts';
import type { EngineMetrics } from '../engine/ports.ts';
import type { FillView, MarketView, SessionEvent } from '../engine/session.ts';

/** What the tracker reads of the session's view: each game's sport and its markets' theo and book. */
export interface SessionForEdge {
  snapshot(): {
    games: readonly {
      sport: string;
      markets: readonly Pick<MarketView, 'ticker' | 'theo' | 'bestBid' | 'bestAsk' | 'modeBid' | 'modeAsk'>[];
    }[];
  };
  onEvent(listener: (e: SessionEvent) => void): () => void;
}

export interface FillEdgeOptions {
  clock: Clock;
  session: SessionForEdge;
  metrics: EngineMetrics;
  /** Fills older than this leave the rolling tables (default 7 days). */
  windowMs?: number;
  /** At most this many fills kept (default 5,000). */
  maxFills?: number;
}

export interface EdgeTables {
  bySport: EdgeRow[];
  bySeries: EdgeRow[];
  byMode: EdgeRow[];
  bySize: EdgeRow[];
  all: EdgeRow | null;
}

export class FillEdgeTracker {
  private readonly fills: LiveFill[] = [];
  private readonly timers = new Set<TimerHandle>();
  private readonly off: () => void;
  private readonly listeners = new Set<() => void>();
  private readonly windowMs: number;
  private readonly maxFills: number;

  constructor(private readonly opts: FillEdgeOptions) {
    this.windowMs = opts.windowMs ?? 7 * 86_400_000;
    this.maxFills = opts.maxFills ?? 5_000;
    this.off = opts.session.onEvent((e) => {
      if (e.type === 'fill') this.record(e.fill);
    });
  }

  close(): void {
    this.off();
    for (const t of this.timers) this.opts.clock.clearTimeout(t);
    this.timers.clear();
  }

  /** Called whenever a fill or a markout arrives; returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  recent(): readonly LiveFill[] {
    return this.fills;
  }

  tables(): EdgeTables {
    const now = this.opts.clock.now();
    const live = this.fills.filter((f) => f.atMs >= now - this.windowMs);
    return {
      bySport: edgeTable(live, (f) => f.sport),
      bySeries: edgeTable(live, (f) => f.series),
      byMode: edgeTable(live, (f) => `${f.side} ${f.mode ?? 'unknown'}`),
      bySize: edgeTable(live, (f) => sizeBucket(f.count)),
      all: edgeTable(live, () => 'all')[0] ?? null,
    };
  }

  /** Theo and mid of `ticker` in the session's view now; the game's sport. */
  private look(ticker: string): {
    ref: Reference;
    sport: string;
    mode: { bid: string | null; ask: string | null };
  } {
    for (const g of this.opts.session.snapshot().games) {
      const m = g.markets.find((x) => x.ticker === ticker);
      if (!m) continue;
      return {
        ref: {
          theo: m.theo !== null && m.theo > 0 && m.theo < 1 ? Math.round(m.theo * MICROS_PER_DOLLAR) : null,
          mid: midOf(m.bestBid, m.bestAsk),
        },
        sport: g.sport,
        mode: { bid: m.modeBid, ask: m.modeAsk },
      };
    }
    return { ref: { theo: null, mid: null }, sport: 'unknown', mode: { bid: null, ask: null } };
  }

  private record(v: FillView): void {
    const seen = this.look(v.ticker);
    const fill: LiveFill = {
      tradeId: v.tradeId,
      ticker: v.ticker,
      eventTicker: v.eventTicker,
      sport: seen.sport,
      series: seriesOf(v.eventTicker),
      mode: seen.mode[v.side],
      side: v.side,
      price: v.price,
      count: v.count,
      atMs: this.opts.clock.now(),
      atFill: seen.ref,
      later: {},
    };
    this.fills.push(fill);
    const cutoff = fill.atMs - this.windowMs;
    while (this.fills.length > this.maxFills || (this.fills[0] && this.fills[0].atMs < cutoff))
      this.fills.shift();
    const { metrics } = this.opts;
    metrics.count(WorkerMetric.FillContracts, v.count / 100, { Sport: fill.sport });
    this.emit(fill, fill.atFill, (against, dollars) =>
      metrics.count(WorkerMetric.FillEdgeDollars, dollars, { Sport: fill.sport, Against: against }),
    );
    for (const h of HORIZONS) {
      const t = this.opts.clock.setTimeout(() => {
        this.timers.delete(t);
        this.markout(fill, h);
      }, MARKOUT_HORIZONS_MS[h]);
      this.timers.add(t);
    }
    this.changed();
  }

  private markout(fill: LiveFill, h: Horizon): void {
    const ref = this.look(fill.ticker).ref;
    fill.later[h] = ref;
    this.emit(fill, ref, (against, dollars) =>
      this.opts.metrics.count(WorkerMetric.FillMarkoutDollars, dollars, {
        Sport: fill.sport,
        Horizon: h,
        Against: against,
      }),
    );
    this.changed();
  }

  /** Emits the fill's total (all its contracts) against each reference it has. */
  private emit(
    fill: LiveFill,
    ref: Reference,
    out: (against: 'theo' | 'mid', dollars: number) => void,
  ): void {
    for (const against of ['theo', 'mid'] as const) {
      const r = ref[against];
      if (r === null) continue;
      out(against, (edgeAgainst(fill.side, fill.price, r) * fill.count) / 100 / MICROS_PER_DOLLAR);
    }
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
