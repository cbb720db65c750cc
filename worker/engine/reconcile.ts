/**
 * Reconciliation decisions (pure): local state × exchange state → action.
 * The table is written out in docs/RECONCILIATION.md; this is its code.
 *
 * The exchange is the truth. Two cautions keep us from "correcting" toward a
 * stale picture: a listing only judges local orders older than the moment the
 * listing started, and a position mismatch is corrected only once two
 * consecutive passes agree on it (REST positions and WebSocket fills race).
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
  /** Confirmed mismatches: take the exchange's value. */
  corrections: PositionCorrection[];
  /** First sightings, or markets that filled within the lag window: look again shortly. */
  deferred: PositionCorrection[];
}

/**
 * A mismatch is corrected only when the previous pass saw the very same drift
 * on that market and no fill arrived there within `positionLagMs`: REST
 * positions lag WebSocket fills, and a fill message can still be in flight
 * when REST already counts it; correcting then would count it twice.
 *
 * A trusted pass (start-up, after a feed gap) skips the two-sighting rule but
 * not the fill-age rule when `listingStartedMs` is given: a fill received less
 * than `positionLagMs` before the listing started (or after it) may be missing
 * from the snapshot, and overwriting it would lose the fill and later count it
 * as drift. Such a market is deferred; `trust` may name the markets whose
 * trusted correction is still owed (a predicate) so the re-check stays trusted.
 */
export function reconcilePositions(
  tracked: readonly string[],
  local: (ticker: string) => Centis,
  lastFillMs: (ticker: string) => number,
  exchange: readonly ExchangePosition[],
  now: number,
  positionLagMs: number,
  previous: ReadonlyMap<string, Centis> = new Map(),
  /** Start-up or after a feed gap: nothing local to protect, take the exchange's values now. */
  trust: boolean | ((ticker: string) => boolean) = false,
  /**
   * When the listing started (local clock): fills are judged against it, since
   * the snapshot may have been taken any time after it. Omitted: fills are
   * judged against `now` and a trusted pass ignores them (callers without fill timing).
   */
  listingStartedMs?: number,
): PositionDecision {
  const truth = new Map(exchange.map((p) => [p.ticker, p.position]));
  const out: PositionDecision = { corrections: [], deferred: [] };
  const judgedAt = listingStartedMs === undefined ? now : Math.min(now, listingStartedMs);
  for (const ticker of tracked) {
    const ex = truth.get(ticker) ?? 0; // absent from the listing = flat
    const lo = local(ticker);
    if (ex === lo) continue;
    const c = { ticker, local: lo, exchange: ex, drift: ex - lo };
    const trusted = typeof trust === 'function' ? trust(ticker) : trust;
    const settled = judgedAt - lastFillMs(ticker) >= positionLagMs;
    const confirmed = trusted
      ? settled || listingStartedMs === undefined
      : settled && previous.get(ticker) === c.drift;
    if (confirmed) out.corrections.push(c);
    else out.deferred.push(c);
  }
  return out;
}

/**
 * While the private channels are down (a feed gap), fills cannot arrive: a
 * mismatch then is likely a fill missed in the gap, which the backfill after
 * the gap will bring with its record and PnL. Correcting it now would count
 * that fill twice once the backfill lands. So an untrusted pass during a gap
 * corrects nothing; its findings are deferred to the trusted pass after it.
 */
export const holdDuringGap = (d: PositionDecision): PositionDecision => ({
  corrections: [],
  deferred: [...d.deferred, ...d.corrections],
});

/**
 * The drift per market to remember for the next pass: only the deferred ones.
 * A corrected drift is gone; remembering it would let a same-size drift next
 * pass (fixed lot sizes make that common) be corrected on one sighting while
 * its fill message is still in flight, counting that fill twice.
 */
export const driftMemory = (d: PositionDecision): Map<string, Centis> =>
  new Map(d.deferred.map((c) => [c.ticker, c.drift]));

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
