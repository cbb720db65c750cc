/**
 * The risk gate: every order write passes here first. Pure: the caller hands
 * in the whole state the decision depends on and gets a RiskDecision back
 * (decisions as data; the order manager logs and counts the denials).
 *
 * Cancels and decreases only ever remove exposure, so they always pass: a
 * killed, stopped or lease-less engine must still be able to get flat.
 */
import type { Contract } from '../../shared/risk/payoff.ts';
import type { Centis, Micros } from '../../shared/units.ts';
import { type ExposureOrder, maxAdditionalSize } from './exposure.ts';
import { maxSizeByPayoff, maxSizeOnSplit } from './ladder-risk.ts';
import type { KeyedGateOrder, SplitBook } from './ladder-split-book.ts';
import type { BookSide } from './ports.ts';

export type RiskWrite =
  | { kind: 'create'; ticker: string; side: BookSide; size: Centis; price?: Micros }
  /** Amend to a new remaining size (price changes do not change exposure). `currentRemaining` is the order's size now. */
  | {
      kind: 'amend';
      ticker: string;
      side: BookSide;
      size: Centis;
      currentRemaining: Centis;
      orderIndex: number;
      /** the amend's price (the payoff gate needs it) */
      price?: Micros;
    }
  | { kind: 'decrease' }
  | { kind: 'cancel' };

export interface RiskState {
  now: number;
  killed: boolean;
  /** Null when no lease is configured (single-process paper/test runs). */
  lease: { valid: boolean; token: number | null } | null;
  /** The game's stop time: nothing of ours may be added at or after it. */
  stopAtMs: number;
  /** Markets currently paused/closed by the exchange. */
  pausedTickers: ReadonlySet<string>;
  tickers: readonly string[];
  positions: ReadonlyMap<string, Centis>;
  /** Every live, pending and uncertain order of the game. */
  orders: readonly ExposureOrder[];
  limit: Centis;
  /**
   * Do the game's markets cover every outcome? False for a 3-way game listed without its TIE market:
   * the gate then counts the draw as an outcome that pays none of them. Absent: two or more markets are.
   */
  exhaustive?: boolean;
  /** Sizes are rounded down to this lot (whole contracts by default). */
  lot: Centis;
  /**
   * A game with spread/total markets: one risk per game, the worst-case loss of
   * its whole book over the (margin, total) outcomes (ladder-risk.ts) instead
   * of the per-outcome exposure. Absent for winner-only games.
   */
  payoff?: PayoffLimit;
}

export interface PayoffLimit {
  /** what every market of the game pays on (winner markets and mapped strikes) */
  contracts: ReadonlyMap<string, Contract>;
  /** average entry per market, YES Micros, when known */
  entryPrices: ReadonlyMap<string, Micros>;
  /** worst-case loss limit, Micros */
  limit: Micros;
  ties: boolean;
}

export type RiskReason =
  | 'killed'
  | 'lease_lost'
  | 'past_stop'
  | 'market_paused'
  | 'unknown_market'
  | 'limit'
  /** the gate threw (order-gate.ts): a write it cannot judge is refused, and the rest of the plan still goes */
  | 'gate_error';

export type RiskDecision =
  | { allow: true; size: Centis; clipped: boolean; fencingToken: number | null }
  | { allow: false; reason: RiskReason; detail: string };

const deny = (reason: RiskReason, detail: string): RiskDecision => ({ allow: false, reason, detail });

export function gate(state: RiskState, write: RiskWrite): RiskDecision {
  return judge(state, write, null);
}

/**
 * `gate`, the payoff limit judged on `book` (ladder-split-book.ts): the game's split kept in step with
 * its orders from one write to the next, the same figures as split afresh. `state.orders` name their
 * ledger order (`key`) so the book can tell which changed.
 */
export function gateOnBook(
  state: RiskState & { orders: readonly KeyedGateOrder[] },
  write: RiskWrite,
  book: SplitBook,
): RiskDecision {
  return judge(state, write, book);
}

function judge(state: RiskState, write: RiskWrite, book: SplitBook | null): RiskDecision {
  const token = state.lease?.token ?? null;
  if (write.kind === 'cancel' || write.kind === 'decrease')
    return { allow: true, size: 0, clipped: false, fencingToken: token };

  if (state.killed) return deny('killed', 'kill switch is active');
  if (state.lease && (!state.lease.valid || state.lease.token === null))
    return deny('lease_lost', 'worker does not hold the lease');
  if (state.now >= state.stopAtMs)
    return deny('past_stop', `now ${state.now} is at or past stop time ${state.stopAtMs}`);
  if (!state.tickers.includes(write.ticker))
    return deny('unknown_market', `${write.ticker} is not in this game`);
  if (state.pausedTickers.has(write.ticker)) return deny('market_paused', `${write.ticker} is paused`);

  // For an amend, judge the order's new size against everything else.
  const exclude = write.kind === 'amend' ? write.orderIndex : -1;
  const others = () => (exclude >= 0 ? state.orders.filter((_, i) => i !== exclude) : state.orders);
  if (state.payoff && write.price === undefined)
    return deny('limit', `${write.ticker}: a write on a game with strike markets needs its price`);
  const payoff = state.payoff;
  const ladderWrite = () => ({
    ticker: write.ticker,
    side: write.side,
    price: write.price!,
    size: write.size,
  });
  const room = payoff
    ? book
      ? maxSizeOnSplit(payoff, ladderWrite(), state.lot, () =>
          book.splitFor(
            { ...payoff, positions: state.positions },
            state.orders as readonly KeyedGateOrder[],
            exclude,
          ),
        )
      : maxSizeByPayoff(
          { ...payoff, positions: state.positions, orders: [] },
          ladderWrite(),
          state.lot,
          // An order whose price is unknown (a ghost) is booked at the price that loses most (gameBook).
          others(),
        )
    : maxAdditionalSize(
        state.tickers,
        state.positions,
        others(),
        write.ticker,
        write.side,
        state.limit,
        state.exhaustive,
      );
  const lot = Math.max(1, state.lot);
  const size = Math.floor(Math.min(write.size, room) / lot) * lot;
  if (size <= 0)
    return deny(
      'limit',
      payoff
        ? `no room on ${write.ticker} ${write.side}: the game's worst-case loss would pass its limit of ${payoff.limit} micros`
        : `no room on ${write.ticker} ${write.side}: room ${room} centis, limit ${state.limit}`,
    );
  return { allow: true, size, clipped: size < write.size, fencingToken: token };
}
