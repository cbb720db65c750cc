/**
 * Inventory from fills: signed YES position per market (+ YES, − NO), average
 * entry price of the open position, realised PnL. Fills are de-duplicated by
 * trade id because the same fill can arrive on the WebSocket and again from a
 * REST backfill. Game-level signed inventory is derived in exposure.ts.
 *
 * Reconciliation overwrites a position with the exchange's value (setPosition);
 * the average entry survives only a reduction; otherwise it is unknown (null)
 * until the position goes flat or flips, never averaged as if free.
 */
import { type Centis, type Micros, notionalMicros } from '../../shared/units.ts';
import { positionDelta } from './exposure.ts';
import type { FillEvent } from './ports.ts';

interface MarketBook {
  position: Centis;
  /** Average YES price of the open position, null when flat or unknown. */
  entry: Micros | null;
  /** Part of the open position has no known cost (set from the exchange): no average until flat or flipped. */
  unknown: boolean;
  realised: Micros;
  lastFillMs: number;
}

export class Inventory {
  private readonly markets = new Map<string, MarketBook>();
  private readonly seen = new Set<string>();

  /** @param maxRemembered trade ids kept for de-duplication (oldest forgotten first). */
  constructor(private readonly maxRemembered = 200_000) {}

  /** Applies a fill; false (and no change) when its trade id was already applied. */
  applyFill(
    fill: Pick<FillEvent, 'tradeId' | 'ticker' | 'side' | 'price' | 'count' | 'fee'>,
    nowMs: number,
  ): boolean {
    if (this.seen.has(fill.tradeId)) return false;
    this.remember(fill.tradeId);
    const m = this.market(fill.ticker);
    m.lastFillMs = nowMs;
    // A fee is money gone when the fill happens, whether the trade opens or closes.
    m.realised -= fill.fee ?? 0;
    const delta = positionDelta(fill.side, fill.count);
    const before = m.position;
    const after = before + delta;
    if (before === 0 || Math.sign(before) === Math.sign(delta)) {
      // Opening or adding: weighted average entry. Contracts of unknown cost are not free: the average stays unknown.
      if (before === 0) m.unknown = false;
      if (m.unknown) m.entry = null;
      else {
        const prevCost = m.entry === null ? 0 : m.entry * Math.abs(before);
        m.entry = Math.round((prevCost + fill.price * Math.abs(delta)) / Math.abs(after));
      }
    } else {
      // Reducing (possibly flipping): realise PnL on the closed part.
      const closed = Math.min(Math.abs(delta), Math.abs(before));
      if (m.entry !== null) {
        const perContract = before > 0 ? fill.price - m.entry : m.entry - fill.price;
        m.realised += notionalMicros(perContract, closed);
      }
      if (after === 0) {
        m.entry = null;
        m.unknown = false;
      } else if (Math.sign(after) !== Math.sign(before)) {
        // Flipped: what is left all came from this fill.
        m.entry = fill.price;
        m.unknown = false;
      }
    }
    m.position = after;
    return true;
  }

  position(ticker: string): Centis {
    return this.markets.get(ticker)?.position ?? 0;
  }

  entry(ticker: string): Micros | null {
    return this.markets.get(ticker)?.entry ?? null;
  }

  realised(ticker: string): Micros {
    return this.markets.get(ticker)?.realised ?? 0;
  }

  lastFillMs(ticker: string): number {
    return this.markets.get(ticker)?.lastFillMs ?? Number.NEGATIVE_INFINITY;
  }

  hasSeen(tradeId: string): boolean {
    return this.seen.has(tradeId);
  }

  /** Positions of these tickers (zero when unknown). */
  positions(tickers: readonly string[]): Map<string, Centis> {
    return new Map(tickers.map((t) => [t, this.position(t)]));
  }

  entries(tickers: readonly string[]): Map<string, Micros> {
    const out = new Map<string, Micros>();
    for (const t of tickers) {
      const e = this.entry(t);
      if (e !== null) out.set(t, e);
    }
    return out;
  }

  /**
   * Reconciliation: the exchange's position wins. A reduction keeps the
   * average of what is left; flat is flat; a position that grew or flipped
   * holds contracts of unknown cost, so the entry is unknown until flat or flipped.
   */
  setPosition(ticker: string, position: Centis): void {
    const m = this.market(ticker);
    if (position === m.position) return;
    const reduced =
      position !== 0 &&
      Math.sign(position) === Math.sign(m.position) &&
      Math.abs(position) < Math.abs(m.position);
    if (position === 0) {
      m.entry = null;
      m.unknown = false;
    } else if (!reduced || m.entry === null) {
      m.entry = null;
      m.unknown = true;
    }
    m.position = position;
  }

  tickers(): string[] {
    return [...this.markets.keys()];
  }

  private market(ticker: string): MarketBook {
    let m = this.markets.get(ticker);
    if (!m) {
      m = { position: 0, entry: null, unknown: false, realised: 0, lastFillMs: Number.NEGATIVE_INFINITY };
      this.markets.set(ticker, m);
    }
    return m;
  }

  private remember(tradeId: string): void {
    this.seen.add(tradeId);
    if (this.seen.size > this.maxRemembered) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }
}
