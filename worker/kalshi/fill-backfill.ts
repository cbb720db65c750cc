/**
 * Fills missed in a private-channel gap (a reconnect, or a dead `fill`
 * subscription) never arrive as messages: Kalshi's private channels carry no
 * seq. After every gap they are read back from REST `GET /portfolio/fills`
 * from a little before the gap began (`min_ts`, Unix seconds), so each gets its
 * fill record and realised PnL instead of being corrected as position drift.
 * Duplicates are harmless: the caller drops ids it has already seen.
 */
import type { Fill } from '../../shared/kalshi/schemas/rest.ts';

/** Fills the exchange lists since `sinceMs` (epoch ms, the exchange's clock). */
export type FillBackfill = (sinceMs: number) => Promise<Fill[]>;

/** Over REST: every page of `/portfolio/fills` from `sinceMs` on (rounded down to the second). */
export function restFillBackfill(rest: {
  allFills(q: { min_ts?: number; limit?: number }): Promise<Fill[]>;
}): FillBackfill {
  return (sinceMs) => rest.allFills({ min_ts: Math.max(0, Math.floor(sinceMs / 1000)), limit: 200 });
}

/** A REST fill's id as the WebSocket names it: `trade_id` (the legacy name of `fill_id`, same value). */
export const fillIdOf = (f: Fill): string => f.trade_id ?? f.fill_id;

/**
 * How far before the moment a gap was noticed the backfill starts: a
 * half-open socket is noticed only after its silence bound (12 s), and the
 * exchange's clock may differ from ours. Overlap costs nothing (de-duplicated).
 */
export const BACKFILL_MARGIN_MS = 60_000;
