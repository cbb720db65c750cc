/**
 * Time series behind the dashboard's charts: one sample per game at most every
 * `minIntervalMs` of state time, kept in a bounded ring so a page open all day
 * costs a fixed amount of memory. Pure: fed states, never reads a clock.
 */
import type { DashboardState, GameView } from './view-model.ts';

/** One chart sample of a game; prices in Micros on the first market's YES scale, null when absent. */
export interface ChartPoint {
  t: number;
  theo: number | null;
  ourBid: number | null;
  ourAsk: number | null;
  bestBid: number | null;
  bestAsk: number | null;
  inventory: number;
  pnlRealized: number;
  pnlMarked: number;
}

export interface HistoryOptions {
  /** Samples kept per game (oldest dropped first). */
  capacity: number;
  /** Minimum state-time between two samples of one game. */
  minIntervalMs: number;
}

export const DEFAULT_HISTORY: HistoryOptions = { capacity: 2_000, minIntervalMs: 1_000 };

const MICROS_PER_UNIT = 1_000_000;

export function chartPointOf(game: GameView, t: number): ChartPoint {
  const m = game.markets[0]!;
  return {
    t,
    theo: m.theo === null ? null : Math.round(m.theo * MICROS_PER_UNIT),
    ourBid: m.ours.bid?.price ?? null,
    ourAsk: m.ours.ask?.price ?? null,
    bestBid: m.bids[0]?.price ?? null,
    bestAsk: m.asks[0]?.price ?? null,
    inventory: game.inventory,
    pnlRealized: game.pnlRealized,
    pnlMarked: game.pnlMarked,
  };
}

export class ChartHistory {
  private readonly series = new Map<string, ChartPoint[]>();

  constructor(private readonly opts: HistoryOptions = DEFAULT_HISTORY) {
    if (!Number.isInteger(opts.capacity) || opts.capacity < 1) throw new RangeError('capacity must be ≥ 1');
  }

  /** Samples every game of `state` that is due; returns the points added, by game id. */
  record(state: DashboardState): Record<string, ChartPoint[]> {
    const added: Record<string, ChartPoint[]> = {};
    for (const game of state.games) {
      let points = this.series.get(game.id);
      if (!points) {
        points = [];
        this.series.set(game.id, points);
      }
      const last = points[points.length - 1];
      if (last && state.now - last.t < this.opts.minIntervalMs) continue;
      const point = chartPointOf(game, state.now);
      points.push(point);
      if (points.length > this.opts.capacity) points.splice(0, points.length - this.opts.capacity);
      added[game.id] = [point];
    }
    return added;
  }

  /** Every kept point, by game id, oldest first. */
  all(): Record<string, ChartPoint[]> {
    return Object.fromEntries([...this.series].map(([id, points]) => [id, [...points]]));
  }
}
