/**
 * What every simulated trader shares: the slice of the exchange admin API it
 * acts through (as its own user), the scenario timeline it schedules itself
 * on, and an action record that makes runs comparable (determinism tests,
 * run summaries).
 */
import type { Centis, Micros } from '../../shared/units.ts';
import type { KalshiEngine } from '../kalshi/engine.ts';
import type { BookSideName, OrderRequest, Placement, SimOrder } from '../kalshi/types.ts';
import type { SimGame, World } from '../scenario/world.ts';
import { TickGrid } from './ticks.ts';

/** The exchange operations traders use (H4's engine admin API). */
export type Exchange = Pick<
  KalshiEngine,
  'placeOrder' | 'cancelOrder' | 'book' | 'restingOrders' | 'order' | 'market' | 'deposit'
>;

export interface TraderAction {
  at: number;
  trader: string;
  kind: 'place' | 'cancel' | 'reject';
  ticker: string;
  side?: BookSideName;
  price?: Micros;
  count?: Centis;
  /** Contracts filled on placement. */
  filled?: Centis;
  /** The trader's limit for this side when it placed (competitors' ceiling). */
  ceiling?: Micros;
  reason?: string;
}

export interface TraderContext {
  world: World;
  exchange: Exchange;
  now(): number;
  schedule(at: number, task: () => void): void;
  record(action: TraderAction): void;
}

export interface Trader {
  readonly name: string;
  readonly userId: string;
  /** Schedules the trader's first actions. */
  start(ctx: TraderContext): void;
}

/** Cash each simulated trader starts with: deep enough never to be the constraint. */
export const TRADER_CASH: Micros = 10_000_000 * 1_000_000;

export function userIdOf(name: string): string {
  return `sim-${name}`;
}

/** Games a trader acts in (`games` filter, or all). */
export function gamesFor(world: World, filter: readonly string[] | undefined): SimGame[] {
  return filter ? world.games.filter((g) => filter.includes(g.game.id)) : world.games;
}

export function isActive(ctx: TraderContext, market: { ticker: string }): boolean {
  return ctx.exchange.market(market.ticker)?.status === 'active';
}

/** Places an order, recording the result; a refusal is recorded, never thrown. */
export function place(
  ctx: TraderContext,
  trader: Trader,
  req: Omit<OrderRequest, 'selfTradePrevention'> & {
    selfTradePrevention?: OrderRequest['selfTradePrevention'];
  },
  ceiling?: Micros,
): Placement | undefined {
  const base = {
    at: ctx.now(),
    trader: trader.name,
    ticker: req.ticker,
    side: req.side,
    price: req.price,
    count: req.count,
  };
  try {
    const p = ctx.exchange.placeOrder(trader.userId, { selfTradePrevention: 'taker_at_cross', ...req });
    const filled = p.fills.reduce((s, f) => s + f.count, 0);
    ctx.record({ ...base, kind: 'place', filled, ...(ceiling === undefined ? {} : { ceiling }) });
    return p;
  } catch (e) {
    ctx.record({ ...base, kind: 'reject', reason: (e as { code?: string }).code ?? (e as Error).message });
    return undefined;
  }
}

export function cancel(ctx: TraderContext, trader: Trader, order: SimOrder): void {
  try {
    ctx.exchange.cancelOrder(trader.userId, order.orderId);
    ctx.record({
      at: ctx.now(),
      trader: trader.name,
      kind: 'cancel',
      ticker: order.ticker,
      side: order.side,
      price: order.price,
    });
  } catch (e) {
    ctx.record({
      at: ctx.now(),
      trader: trader.name,
      kind: 'reject',
      ticker: order.ticker,
      reason: `cancel: ${(e as { code?: string }).code ?? (e as Error).message}`,
    });
  }
}

const grids = new Map<string, TickGrid>();
/**
 * The grid of a ranges array already seen: the exchange replaces a market's array when its tick
 * structure changes (never edits it), so the same array is the same grid without building its key.
 */
const gridOfRanges = new WeakMap<readonly unknown[], TickGrid>();

/** The market's tick grid as the exchange has it now (Kalshi can change it mid-life). */
export function gridOf(ctx: TraderContext, sim: SimGame, market: { ticker: string }): TickGrid {
  const ranges = ctx.exchange.market(market.ticker)?.priceRanges ?? sim.tick;
  const seen = gridOfRanges.get(ranges);
  if (seen) return seen;
  const key = ranges.map((r) => `${r.start}:${r.end}:${r.step}`).join('|');
  let grid = grids.get(key);
  if (!grid) {
    grid = new TickGrid(ranges);
    grids.set(key, grid);
  }
  gridOfRanges.set(ranges, grid);
  return grid;
}
