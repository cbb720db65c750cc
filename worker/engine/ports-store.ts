/**
 * The engine's store, lease, refresh, audit and kill-switch ports: the parts of worker/engine/ports.ts
 * around the trading interfaces rather than in them, kept apart so ports.ts stays one screenful.
 * Re-exported by ports.ts; import from there.
 */
import type { RefreshRequestInput } from '../../shared/events/refresh-request.ts';
import type { Centis, Micros } from '../../shared/units.ts';
import type { BookSide, FillEvent, Game } from './ports.ts';

/** An active kill/pause flag. `scope` is 'global' or a game's event ticker. */
export interface ActiveFlag {
  scope: string;
  kind: 'kill' | 'pause';
  reason: string;
}

export interface KillFlagSource {
  /** Every active flag. A global kill trips the kill switch; any other flag halts quoting in its scope. */
  read(): Promise<readonly ActiveFlag[]>;
}

/** A lease held in the store: only the holder of the current fencing token may write orders. */
export interface Lease {
  /** The fencing token currently held, or null when the lease is lost. */
  token(): number | null;
  /** True while the lease is held and not expired at `now`. */
  valid(now: number): boolean;
  release(): Promise<void>;
}

/** The refresh request as shared/events/refresh-request.ts defines it. */
export type RefreshRequest = RefreshRequestInput;

export interface RefreshPublisher {
  publish(req: RefreshRequest): Promise<void>;
}

/** Optional persistence of what happened (fills, order writes, game mappings, positions). */
export interface AuditSink {
  fill(fill: FillEvent & { eventTicker: string }): Promise<void>;
  /** A game discovery matched: which odds event prices it, which market is which outcome. */
  game?(game: Game, oddsSportKey: string, atMs: number): Promise<void>;
  /** The shard's positions and game inventories (after reconciliation passes, and at shutdown). */
  positions?(snapshot: PositionsSnapshot): Promise<void>;
  order(entry: {
    action: string;
    ticker: string;
    side: BookSide;
    orderId?: string;
    clientOrderId?: string;
    price?: Micros;
    count?: Centis;
    outcome: string;
    atMs: number;
  }): Promise<void>;
}

export interface PositionsSnapshot {
  atMs: number;
  /** Signed YES position per market, Centis. */
  positions: { ticker: string; position: Centis }[];
  /** Signed inventory per game, Centis. */
  inventories: { eventTicker: string; inventory: Centis }[];
  source: 'reconciliation' | 'shutdown';
}

/**
 * Cancels until two consecutive listings show nothing resting, bounded in time; with a flood, keeps
 * cancelling after that (`onFlat` reports the first flat verdict, the promise the end of the flood).
 */
export type Flattener = (
  reason: string,
  onFlat?: (r: FlattenResult) => void,
  aborted?: () => boolean,
) => Promise<FlattenResult>;
export interface FlattenResult {
  flat: boolean;
  attempts: number;
  elapsedMs: number;
  /** Orders still resting at the last listing; −1 = unknown (no listing succeeded, or the last one failed). */
  remaining: number;
}

/** "N order(s) may still rest", or "unknown" when no listing could say. */
export function remainingText(r: Pick<FlattenResult, 'remaining'>): string {
  return r.remaining < 0 ? 'an unknown number of orders (no listing succeeded)' : `${r.remaining} order(s)`;
}
