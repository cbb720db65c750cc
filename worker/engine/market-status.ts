/**
 * Whether each market we trade is open for trading, learnt from every source
 * the exchange gives: the listings (discovery, every re-listing, and a
 * re-listing after every reconnect) and the lifecycle channel. A pause or a
 * resume missed while the socket was down is corrected by the next listing;
 * a market already paused or closed when discovered is never quoted.
 *
 * The result is data: `blocked` (the live set of markets the risk gate
 * refuses writes on) and `reasonFor(tickers)`, which the session maps to the
 * quoting reasons `market-paused` / `market-inactive`.
 */

/** open: trading; paused: halted by the exchange, may resume; inactive: not open (yet, or any more). */
export type MarketState = 'open' | 'paused' | 'inactive';
export type MarketReason = 'market-paused' | 'market-inactive';
/** `dates`: the market's dates changed (the game's start may have moved: start-watch.ts); `other`: structure etc. */
export type LifecycleKind = 'paused' | 'resumed' | 'closed' | 'determined' | 'settled' | 'dates' | 'other';

/**
 * A listed market's object status (Kalshi: initialized, inactive, active,
 * closed, determined, disputed, amended, finalized; unknown values read as
 * 'unknown'). Kalshi shows paused trading as `inactive` (and a pause can be
 * lifted), so inactive is a pause; anything but active and inactive is not open.
 */
export function stateOfListed(status: string): MarketState {
  if (status === 'active') return 'open';
  if (status === 'inactive') return 'paused';
  return 'inactive';
}

/** A lifecycle event's effect, or null when it says nothing about trading (dates, structure). */
export function stateOfLifecycle(kind: LifecycleKind): MarketState | null {
  switch (kind) {
    case 'paused':
      return 'paused';
    case 'resumed':
      return 'open';
    case 'closed':
    case 'determined':
    case 'settled':
      return 'inactive';
    default:
      return null;
  }
}

interface Observation {
  state: MarketState;
  /** When it was true: a listing's start (it may describe any moment after), a lifecycle event's arrival. */
  atMs: number;
  /** From a lifecycle event: a listing started in the same ms may have been answered before it. */
  lifecycle?: true;
}

export class MarketStatusTracker {
  /** Markets whose writes are refused (paused or not open): kept in step, read by the risk gate. */
  readonly blocked = new Set<string>();
  private readonly seen = new Map<string, Observation>();

  /**
   * A listing that started at `listingStartedMs`. A lifecycle event received
   * after the listing started (or in the same ms) is newer than what the
   * listing may show, and wins. Returns the markets whose state changed.
   */
  learnListing(markets: readonly { ticker: string; status: string }[], listingStartedMs: number): string[] {
    const changed: string[] = [];
    for (const m of markets) {
      const prior = this.seen.get(m.ticker);
      if (prior && (prior.atMs > listingStartedMs || (prior.atMs === listingStartedMs && prior.lifecycle)))
        continue;
      if (this.set(m.ticker, { state: stateOfListed(m.status), atMs: listingStartedMs }))
        changed.push(m.ticker);
    }
    return changed;
  }

  /** A lifecycle event received at `atMs`; true when it changed the market's state. */
  learnLifecycle(ticker: string, kind: LifecycleKind, atMs: number): boolean {
    const state = stateOfLifecycle(kind);
    return state !== null && this.set(ticker, { state, atMs, lifecycle: true });
  }

  /** Unknown markets (never listed) count as open: games come from listings, which set them. */
  stateOf(ticker: string): MarketState {
    return this.seen.get(ticker)?.state ?? 'open';
  }

  /** Why these markets cannot all be quoted, or null: an inactive market outweighs a paused one. */
  reasonFor(tickers: readonly string[]): MarketReason | null {
    let reason: MarketReason | null = null;
    for (const t of tickers) {
      const s = this.stateOf(t);
      if (s === 'inactive') return 'market-inactive';
      if (s === 'paused') reason = 'market-paused';
    }
    return reason;
  }

  private set(ticker: string, o: Observation): boolean {
    const before = this.seen.get(ticker)?.state ?? 'open';
    this.seen.set(ticker, o);
    if (o.state === 'open') this.blocked.delete(ticker);
    else this.blocked.add(ticker);
    return before !== o.state;
  }
}
