/**
 * One risk per game, in the engine's terms: a game with spread/total markets
 * is limited by the worst-case loss of its whole book (shared/risk/payoff.ts)
 * over the (margin, total) outcomes, not by a per-outcome signed exposure.
 * This module turns the engine's state (positions, average entries, live and
 * pending orders with their prices) into that book and answers the gate's one
 * question: how much of a write fits.
 *
 * Rules, as the winner gate's (risk-gate.ts / exposure.ts):
 * - every live, pending and uncertain order counts, each filled exactly where
 *   it loses (an adversary picks the fills);
 * - a write fits while the worst case stays within the limit; a book already
 *   past the limit (a limit lowered, a fill raced) may still take a write that
 *   does not make its worst case worse — a hedge at the worst outcome — so the
 *   engine can always work its way back;
 * - a position whose entry is unknown is booked at the price that loses most
 *   (YES at $1, NO at $0): never understated.
 *
 * Pure, integer Centis and Micros; losses in Micros.
 */
import type { Contract, GameBook, Holding, PendingOrder } from '../../shared/risk/payoff.ts';
import {
  orderWorstPerUnit,
  PayoffAxes,
  type SplitPnl,
  splitOnAxes,
  worstOfSplit,
  worstWithOrder,
} from '../../shared/risk/payoff-worst.ts';
import { type Centis, MICROS_PER_DOLLAR, type Micros } from '../../shared/units.ts';
import type { BookSide } from './ports.ts';

export interface PricedOrder {
  ticker: string;
  side: BookSide;
  /** remaining size, Centis */
  remaining: Centis;
  /** YES price, Micros */
  price: Micros;
}

/** An order as the gate holds it: its price absent when unknown (a ghost), booked at the price that loses most. */
export type GateOrder = Omit<PricedOrder, 'price'> & { price?: Micros };

export interface LadderRiskState {
  /** what each market of the game pays on: the winner markets and every mapped strike */
  contracts: ReadonlyMap<string, Contract>;
  /** signed YES positions, Centis */
  positions: ReadonlyMap<string, Centis>;
  /** average entry per market, YES price in Micros, when known */
  entryPrices: ReadonlyMap<string, Micros>;
  /** every live, pending and uncertain order of the game */
  orders: readonly PricedOrder[];
  /** the game's worst-case loss limit, Micros */
  limit: Micros;
  /** the margin can be 0 (a draw sport) */
  ties: boolean;
}

export interface LadderWrite {
  ticker: string;
  side: BookSide;
  /** YES price of the order, Micros */
  price: Micros;
  size: Centis;
}

/** The game's book as payoff.ts reads it; a market without a contract is an error (it is not this game's). */
export function gameBook(
  state: Pick<LadderRiskState, 'contracts' | 'positions' | 'entryPrices' | 'orders'>,
  orders: readonly GateOrder[] = state.orders,
): GameBook {
  const contractOf = (ticker: string): Contract => {
    const c = state.contracts.get(ticker);
    if (!c) throw new RangeError(`${ticker} has no contract in this game`);
    return c;
  };
  const holdings: Holding[] = [];
  for (const [ticker, position] of state.positions) {
    if (position === 0) continue;
    const known = state.entryPrices.get(ticker);
    // Unknown entry: the price that makes the held side lose most.
    const price = known ?? (position > 0 ? MICROS_PER_DOLLAR : 0);
    holdings.push({ ticker, contract: contractOf(ticker), position, price: Math.round(price) });
  }
  const pending: PendingOrder[] = orders
    .filter((o) => o.remaining > 0)
    .map((o) => ({
      ticker: o.ticker,
      contract: contractOf(o.ticker),
      side: o.side,
      count: o.remaining,
      // Unknown price (a ghost): the price that loses most, as an unknown entry.
      price: o.price ?? (o.side === 'bid' ? MICROS_PER_DOLLAR : 0),
    }));
  return { holdings, pending };
}

/**
 * The outcome axes of every contract the game lists, built once per contracts map (the engine keeps one
 * per game listing: ladder-quotes.ts `gameContracts`) and draw rule. Every contract of the game's book is
 * on them, so a split on them has the book's worst case exactly (payoff-worst.ts `PayoffAxes`).
 */
const axesByContracts = new WeakMap<
  ReadonlyMap<string, Contract>,
  { ties?: PayoffAxes; noTies?: PayoffAxes }
>();
export function gameAxes(contracts: ReadonlyMap<string, Contract>, ties: boolean): PayoffAxes {
  let byTies = axesByContracts.get(contracts);
  if (!byTies) {
    byTies = {};
    axesByContracts.set(contracts, byTies);
  }
  const key = ties ? 'ties' : 'noTies';
  let axes = byTies[key];
  if (!axes) {
    axes = new PayoffAxes(contracts.values(), { ties });
    byTies[key] = axes;
  }
  return axes;
}

/** The game's worst-case loss now (Micros), pending orders counted. */
export function gameWorstLoss(state: LadderRiskState): Micros {
  return worstOfSplit(splitOnAxes(gameBook(state), gameAxes(state.contracts, state.ties))).worstCaseLoss;
}

/**
 * The largest multiple of `lot` up to `write.size` that keeps the game's worst
 * case within the limit (or, past it, no worse than now). `others` replaces the
 * state's orders (an amend is judged against everything but itself).
 *
 * The book without the write is split by axis once (payoff-worst.ts); each
 * probe of the bisection adds the write's worst fill to its one axis — the
 * same figures as `payoffRisk` on the whole grid per probe, at a fraction of
 * the cost (the gate runs before every write).
 */
export function maxSizeByPayoff(
  state: LadderRiskState,
  write: LadderWrite,
  lot: Centis,
  others: readonly GateOrder[] = state.orders,
): Centis {
  return maxSizeOnSplit(state, write, lot, () =>
    // Every strike of the game is on the axes, the write's too: extra breakpoints never change a minimum.
    splitOnAxes(gameBook(state, others), gameAxes(state.contracts, state.ties)),
  );
}

/**
 * `maxSizeByPayoff` on the split of the book without the write, asked for once the write's market is
 * known to be the game's (ladder-split-book.ts keeps it between writes).
 */
export function maxSizeOnSplit(
  state: Pick<LadderRiskState, 'contracts' | 'limit'>,
  write: LadderWrite,
  lot: Centis,
  splitOfOthers: () => SplitPnl,
): Centis {
  const contract = state.contracts.get(write.ticker);
  if (!contract) return 0;
  const step = Math.max(1, lot);
  const split = splitOfOthers();
  const before = worstOfSplit(split).worstCaseLoss;
  const ceiling = Math.max(state.limit, before);
  let lo = 0;
  let hi = Math.floor(Math.max(0, write.size) / step);
  if (hi === 0) return 0;
  if (!Number.isSafeInteger(write.price))
    throw new RangeError(`${write.ticker}: order count/price must be non-negative integers`);
  const perUnit = orderWorstPerUnit(split, contract, write.side, write.price);
  const fits = (units: number) => worstWithOrder(split, contract, perUnit, units * step) <= ceiling;
  // The worst case never falls as an order grows (it is filled only where it loses): bisect.
  if (fits(hi)) return hi * step;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo * step;
}
