/**
 * Reconciliation decisions (pure): local state × exchange state → action.
 * The table is written out in docs/RECONCILIATION.md; this is its code.
 *
 * The exchange is the truth. Two cautions keep us from "correcting" toward a
 * stale picture: a listing only judges local orders older than the moment the
 * listing started, and a position mismatch on a market that filled within
 * `positionLagMs` is deferred (REST positions lag fills by about a second).
 */
import type { Centis } from '../../shared/units.ts';
import type { ExchangeOrder, ExchangePosition, LiveOrder } from './ports.ts';

export interface PositionCorrection {
  ticker: string;
  local: Centis;
  exchange: Centis;
  drift: Centis;
}

export interface PositionDecision {
  corrections: PositionCorrection[];
  deferred: PositionCorrection[];
}

export function reconcilePositions(
  tracked: readonly string[],
  local: (ticker: string) => Centis,
  lastFillMs: (ticker: string) => number,
  exchange: readonly ExchangePosition[],
  now: number,
  positionLagMs: number,
): PositionDecision {
  const truth = new Map(exchange.map((p) => [p.ticker, p.position]));
  const out: PositionDecision = { corrections: [], deferred: [] };
  for (const ticker of tracked) {
    const ex = truth.get(ticker) ?? 0; // absent from the listing = flat
    const lo = local(ticker);
    if (ex === lo) continue;
    const c = { ticker, local: lo, exchange: ex, drift: ex - lo };
    if (now - lastFillMs(ticker) < positionLagMs) out.deferred.push(c);
    else out.corrections.push(c);
  }
  return out;
}

export type OrderAction =
  /** Local order confirmed resting: take the exchange's price and size. */
  | { kind: 'confirm'; local: LiveOrder; exchange: ExchangeOrder }
  /** Local order (acknowledged or uncertain) not resting any more: forget it (fills carry the inventory). */
  | { kind: 'forget'; local: LiveOrder }
  /** Resting on the exchange in a tracked market, unknown locally (restart, lost ack): adopt it. */
  | { kind: 'adopt'; exchange: ExchangeOrder }
  /** Ours (by client id prefix) but in a market we no longer trade: cancel it. */
  | { kind: 'cancel'; exchange: ExchangeOrder }
  /** Not ours, not tracked (manual trade, another process): leave it, report it. */
  | { kind: 'ignore'; exchange: ExchangeOrder };

export function reconcileOrders(
  local: readonly LiveOrder[],
  exchange: readonly ExchangeOrder[],
  trackedTickers: ReadonlySet<string>,
  clientOrderPrefix: string,
  listingStartedMs: number,
): OrderAction[] {
  const actions: OrderAction[] = [];
  const byId = new Map<string, ExchangeOrder>();
  const byClient = new Map<string, ExchangeOrder>();
  for (const e of exchange) {
    byId.set(e.orderId, e);
    if (e.clientOrderId) byClient.set(e.clientOrderId, e);
  }
  const matched = new Set<string>();
  for (const lo of local) {
    const ex =
      (lo.orderId !== null ? byId.get(lo.orderId) : undefined) ??
      (lo.clientOrderId !== null ? byClient.get(lo.clientOrderId) : undefined);
    if (ex) {
      matched.add(ex.orderId);
      // A pending write is still in flight: its acknowledgement will settle it.
      if (lo.state !== 'pending') actions.push({ kind: 'confirm', local: lo, exchange: ex });
      continue;
    }
    // Absent: judge only orders older than the listing; pending ones wait for their ack.
    if (lo.state !== 'pending' && lo.sinceMs < listingStartedMs) actions.push({ kind: 'forget', local: lo });
  }
  for (const ex of exchange) {
    if (matched.has(ex.orderId)) continue;
    if (trackedTickers.has(ex.ticker)) actions.push({ kind: 'adopt', exchange: ex });
    else if (ex.clientOrderId?.startsWith(`${clientOrderPrefix}-`))
      actions.push({ kind: 'cancel', exchange: ex });
    else actions.push({ kind: 'ignore', exchange: ex });
  }
  return actions;
}
