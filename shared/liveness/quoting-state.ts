/**
 * Why a game is or is not quoting: one closed set, shared by the engine (which decides it), the
 * dashboard (which shows it), the metrics (games by reason) and the liveness alarm (which tells an
 * expected stop from a silent one). A game has exactly one reason at a time: the first that applies.
 */
import * as z from 'zod';

export const QuotingReason = z.enum([
  /** Every eligible side rests (or is being placed). */
  'quoting',
  /** Discovered, books or positions not loaded yet. */
  'warming',
  /** No theo for the game (no odds, too few books). */
  'no-theo',
  /** The sport has no odds source configured: no theo will ever come. */
  'no-odds-source',
  /** The theo is older than the configured limit. */
  'theo-stale',
  /** Before the quoting window opens or after the stop before the start. */
  'outside-window',
  /** Inventory at the game's limit on every side that could add to it. */
  'at-limit',
  /** The exchange paused trading in a market of the game. */
  'market-paused',
  /** A market of the game is closed, settled or otherwise not active. */
  'market-inactive',
  /** The game's order group tripped: the exchange refuses its creates until reset. */
  'group-tripped',
  /** The exchange keeps refusing the game's writes for a lasting reason (backing off). */
  'writes-refused',
  /** Insufficient balance: the exchange refuses creates for buying power. */
  'insufficient-balance',
  /** A book of the game is not live (no snapshot yet, or resyncing). */
  'book-not-live',
  /** The market-data or private WebSocket is down: quoting paused until it resyncs. */
  'feed-down',
  /** This worker's lease is not valid (another worker may own the shard). */
  'lease-lost',
  /** The kill switch tripped. */
  'killed',
  /** An operator paused the game (or one of its markets). */
  'paused-by-operator',
  /** A spread/total strike without a theo: no strike fit stored, or the fit or the strike refused (issue #17). */
  'no-strike-theo',
]);
export type QuotingReason = z.infer<typeof QuotingReason>;

/**
 * Reasons that are the market maker working as designed: a game in one of these with nothing resting
 * is not a liveness incident. Every other reason but `quoting` is, once it lasts.
 */
export const EXPECTED_IDLE_REASONS: ReadonlySet<QuotingReason> = new Set<QuotingReason>([
  'no-theo',
  'no-odds-source',
  'outside-window',
  'at-limit',
  'killed',
  'paused-by-operator',
  'no-strike-theo',
]);

export function isExpectedIdle(reason: QuotingReason): boolean {
  return EXPECTED_IDLE_REASONS.has(reason);
}
