/**
 * Records one simulated run for the scoreboard, from the exchange's side
 * wherever possible: our fills, order writes and positions come from the
 * simulator's own engine events, not from what the worker believes; the
 * worker is asked only for what only it knows (theo, requote count, its
 * books to compare with the exchange's, its connection counters).
 */
import type { Centis, Micros } from '../../shared/units.ts';
import type { KalshiSim } from '../../sim/kalshi/index.ts';
import type { World } from '../../sim/scenario/world.ts';
import type { GameView, MarketView } from '../../worker/dashboard/view-model.ts';
import { signedInventory } from '../../worker/engine/exposure.ts';
import type { BookReader } from '../../worker/engine/ports.ts';
import type { ChartLineSet } from './charts.ts';
import { crossedOwnQuotes, limitBreach, restingAfterStop } from './safety.ts';
import {
  type InventorySample,
  pnlOf,
  type RecordedFill,
  type RecordedGame,
  type RunRecord,
  type TheoPoint,
} from './scoreboard.ts';

const USER_WRITES = new Set(['Created', 'Amend', 'Decrease', 'Cancel']);

export interface RecorderOptions {
  strategy: string;
  /** The exchange (only its engine is read): the simulator, or a backtest's in-process engine. */
  kalshi: Pick<KalshiSim, 'admin'>;
  userId: string;
  world: World;
  /** Stop margin of the engine config: nothing of ours may rest after start − margin. */
  stopMarginMs: number;
  books: BookReader;
  /** The worker's view (theo, limits, our quotes, best levels): the dashboard's, or only these fields of it. */
  view: () => RecorderView;
  counters: () => Record<string, number>;
  /** The WebSocket feed's reconnects and book resyncs. */
  feedStats: () => { reconnects: number; bookResyncs: number };
}

/** What the recorder reads of the dashboard's state (a backtest builds only this: sim/backtest/recorder-view.ts). */
export interface RecorderView {
  games: readonly (Pick<GameView, 'id' | 'inventoryLimit' | 'inventoryLimitMax'> & {
    markets: readonly Pick<MarketView, 'ticker' | 'theo' | 'ours' | 'bids' | 'asks'>[];
  })[];
}

export class RunRecorder {
  private readonly fills: RecordedFill[] = [];
  private readonly theo: Record<string, TheoPoint[]> = {};
  private readonly inventory: InventorySample[] = [];
  private readonly created = new Set<string>();
  private readonly afterStop = new Set<string>();
  private readonly gameOfTicker = new Map<string, string>();
  private readonly stopOf = new Map<string, number>();
  private readonly limits = new Map<string, Centis>();
  private readonly settlement = new Map<string, Record<string, Micros>>();
  private writes = 0;
  private quotedContracts: Centis = 0;
  private readonly offered = new Map<string, Centis>();
  private violations = 0;
  private mismatches = 0;
  private readonly unsubscribe: () => void;
  readonly lines: ChartLineSet = { pnl: [], inventory: [], price: [] };
  private readonly startTime: number;

  constructor(private readonly opts: RecorderOptions) {
    this.startTime = opts.world.startMs;
    for (const g of opts.world.games) {
      this.stopOf.set(g.eventTicker, g.path.times.startMs - opts.stopMarginMs);
      for (const m of g.markets) this.gameOfTicker.set(m.ticker, g.eventTicker);
    }
    this.unsubscribe = opts.kalshi.admin.subscribe((e) => {
      if (e.type === 'fill' && e.fill.userId === opts.userId) {
        this.fills.push({
          time: e.fill.createdMs,
          gameId: this.gameOfTicker.get(e.fill.ticker) ?? '',
          ticker: e.fill.ticker,
          side: e.fill.side,
          price: e.fill.price,
          size: e.fill.count,
          fee: e.fill.fee,
        });
      } else if (e.type === 'order' && e.order.userId === opts.userId) {
        const o = e.order;
        if (USER_WRITES.has(o.lastUpdateReason)) this.writes++;
        if (o.lastUpdateReason === 'Created') this.created.add(o.orderId);
        if (o.lastUpdateReason === 'Created' || o.lastUpdateReason === 'Amend') {
          // Contracts offered: the order's total as created, plus any increase by amendment.
          const total = o.remaining + o.filled;
          const before = this.offered.get(o.orderId) ?? 0;
          if (total > before) {
            this.quotedContracts += total - before;
            this.offered.set(o.orderId, total);
          }
        }
        const stop = this.stopOf.get(this.gameOfTicker.get(o.ticker) ?? '');
        if (o.status === 'resting' && stop !== undefined && o.updatedMs >= stop)
          this.restingAfterStop(o.orderId);
      } else if (e.type === 'lifecycle' && e.eventType === 'determined') {
        const game = this.gameOfTicker.get(e.market.ticker);
        if (game && (e.market.result === 'yes' || e.market.result === 'no')) {
          const values = this.settlement.get(game) ?? {};
          values[e.market.ticker] = e.market.result === 'yes' ? 1_000_000 : 0;
          this.settlement.set(game, values);
        }
      }
    });
  }

  /**
   * One sample at scenario time `t`: theo, inventory from the exchange's
   * positions, invariants (limit, nothing resting after stop, our own quotes
   * never crossed) and — when `compareBooks` — the worker's books against the
   * exchange's.
   */
  sample(t: number, compareBooks: boolean): void {
    const { kalshi, userId } = this.opts;
    const view = this.opts.view();
    const positions = new Map(kalshi.admin.positions(userId).map((p) => [p.ticker, p.position]));
    const resting = kalshi.admin.restingOrders(userId);
    for (const g of view.games) {
      // The game's highest limit since its start, as the gate saw it, not only what the samples caught
      // (a limit raised and lowered between two samples showed its position as a false breach).
      this.limits.set(g.id, Math.max(this.limits.get(g.id) ?? 0, g.inventoryLimitMax ?? g.inventoryLimit));
      for (const m of g.markets) {
        if (m.theo === null) continue;
        const path = this.theo[m.ticker] ?? [];
        this.theo[m.ticker] = path;
        if (path[path.length - 1]?.p !== m.theo) path.push({ t, p: m.theo });
      }
    }
    let totalAbs = 0;
    for (const g of this.opts.world.games) {
      const tickers = g.markets.map((m) => m.ticker);
      const inv = signedInventory(tickers, positions);
      totalAbs += Math.abs(inv);
      this.inventory.push({ t, gameId: g.eventTicker, inventory: inv });
      const limit = this.limits.get(g.eventTicker);
      if (limit !== undefined && limit > 0 && limitBreach(tickers, positions, limit) !== null)
        this.violations++;
      const stop = this.stopOf.get(g.eventTicker)!;
      for (const o of restingAfterStop(tickers, resting, t, stop)) this.restingAfterStop(o.orderId);
      this.violations += crossedOwnQuotes(tickers, resting).length;
      if (compareBooks) for (const ticker of tickers) if (!this.sameBook(ticker)) this.mismatches++;
    }
    // PnL by the scoreboard's own ruler (exchange fills, marked at the current theo or settlement value).
    const marks: Record<string, Micros | null> = {};
    for (const [ticker, path] of Object.entries(this.theo)) {
      const last = path[path.length - 1];
      marks[ticker] = last ? Math.round(last.p * 1_000_000) : null;
    }
    for (const values of this.settlement.values()) Object.assign(marks, values);
    this.lines.pnl.push([t, pnlOf(this.fills, marks).marked / 1_000_000]);
    this.lines.inventory.push([t, totalAbs / 100]);
    const first = view.games[0]?.markets[0];
    if (first) {
      this.lines.price.push({
        t,
        theo: first.theo,
        ourBid: first.ours.bid?.price ?? null,
        ourAsk: first.ours.ask?.price ?? null,
        bestBid: first.bids[0]?.price ?? null,
        bestAsk: first.asks[0]?.price ?? null,
      });
    }
  }

  /** An order of ours rested at or after its game's stop time: counted once, and an invariant violation. */
  private restingAfterStop(orderId: string): void {
    if (this.afterStop.has(orderId)) return;
    this.afterStop.add(orderId);
    this.violations++;
  }

  /** The worker's book of `ticker` equals the exchange's (a quarantined book is not compared). */
  private sameBook(ticker: string): boolean {
    const mine = this.opts.books.book(ticker);
    if (!mine?.valid) return true;
    const truth = this.opts.kalshi.admin.book(ticker);
    const norm = (levels: readonly { price: number; size: number }[]) =>
      levels
        .filter((l) => l.size > 0)
        .map((l) => `${l.price}:${l.size}`)
        .sort()
        .join(',');
    const truthLevels = (rows: [number, number][]) => rows.map(([price, size]) => ({ price, size }));
    // Sampled every few seconds for every market: the same levels in the same order (the usual case) are
    // the same book without building and sorting strings; anything else takes the order-blind comparison.
    if (sameLevelsInOrder(mine.bids, truth.bids) && sameLevelsInOrder(mine.asks, truth.asks)) return true;
    return (
      norm(mine.bids) === norm(truthLevels(truth.bids)) && norm(mine.asks) === norm(truthLevels(truth.asks))
    );
  }

  finish(endTime: number): RunRecord {
    this.unsubscribe();
    const counters = this.opts.counters();
    const feed = this.opts.feedStats();
    const games: RecordedGame[] = this.opts.world.games.map((g) => {
      const settlement = this.settlement.get(g.eventTicker);
      return {
        id: g.eventTicker,
        tickers: g.markets.map((m) => m.ticker),
        limit: this.limits.get(g.eventTicker) ?? 0,
        stopTime: this.stopOf.get(g.eventTicker)!,
        ...(settlement ? { settlement } : {}),
      };
    });
    return {
      strategy: this.opts.strategy,
      startTime: this.startTime,
      endTime,
      games,
      fills: [...this.fills],
      theo: this.theo,
      inventory: [...this.inventory],
      ordersCreated: this.created.size,
      quotedContracts: this.quotedContracts,
      writes: this.writes,
      requotes: counters.requotes ?? 0,
      ordersAfterStop: this.afterStop.size,
      invariantViolations: this.violations,
      reconnects: feed.reconnects,
      bookResyncs: feed.bookResyncs,
      bookMismatches: this.mismatches,
    };
  }
}

/** Our levels and the exchange's rows, empty levels skipped, pair for pair equal in the order given. */
export function sameLevelsInOrder(
  mine: readonly { price: number; size: number }[],
  rows: readonly [number, number][],
): boolean {
  let j = 0;
  for (const l of mine) {
    if (!(l.size > 0)) continue;
    while (j < rows.length && !(rows[j]![1] > 0)) j++;
    const r = rows[j++];
    if (r === undefined || r[0] !== l.price || r[1] !== l.size) return false;
  }
  while (j < rows.length && !(rows[j]![1] > 0)) j++;
  return j >= rows.length;
}
