/**
 * Prompt resolution of uncertain writes. A write whose outcome is unknown (a timed-out or 5xx create,
 * amend or cancel) leaves its order `uncertain`: still counted against the limit and its slot blocked
 * (order-manager.ts) until a listing says whether it rests. An applied create is usually settled sooner
 * by its user_orders message; one that never landed has no message, so its side stayed unquoted until
 * the periodic reconciliation (10 s) — the "creates held behind an uncertain write" of the chaos runs.
 *
 * The rule: once an uncertain order has been seen for `settleMs` (time for a late landing to show up
 * as a message), ask for one ordinary reconciliation pass now; while uncertainty lasts, ask again on a
 * doubling floor (`floorMs` up to `maxFloorMs`) so a failing listing does not become a loop of listings.
 * The pass itself is the session's usual one: it judges only orders older than the listing's start,
 * so this changes when uncertainty is settled, not how.
 */
export interface UncertainWatchOptions {
  /** How long uncertainty is left to settle by itself (a user_orders message) before a listing is asked for. Default 1 s. */
  settleMs?: number;
  /** Least time between two prompt listings, doubling while uncertainty lasts. Default 2 s. */
  floorMs?: number;
  /** Cap of that floor. Default 10 s (the periodic reconciliation takes over beyond it). */
  maxFloorMs?: number;
}

export class UncertainWatch {
  private seenSince: number | null = null;
  private lastAskMs = Number.NEGATIVE_INFINITY;
  private asks = 0;
  private readonly settleMs: number;
  private readonly floorMs: number;
  private readonly maxFloorMs: number;

  constructor(o: UncertainWatchOptions = {}) {
    this.settleMs = o.settleMs ?? 1_000;
    this.floorMs = o.floorMs ?? 2_000;
    this.maxFloorMs = Math.max(this.floorMs, o.maxFloorMs ?? 10_000);
  }

  /**
   * Called on the session's status recheck (every second) with whether any tracked order is uncertain
   * now; true when a reconciliation pass should be asked for now.
   */
  due(anyUncertain: boolean, now: number): boolean {
    if (!anyUncertain) {
      this.seenSince = null;
      this.asks = 0;
      return false;
    }
    this.seenSince ??= now;
    if (now - this.seenSince < this.settleMs) return false;
    const floor = Math.min(this.maxFloorMs, this.floorMs * 2 ** Math.min(10, Math.max(0, this.asks - 1)));
    if (this.asks > 0 && now - this.lastAskMs < floor) return false;
    this.lastAskMs = now;
    this.asks++;
    return true;
  }
}
