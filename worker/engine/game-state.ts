/**
 * One game as the session holds it: what discovery mapped, the inputs the
 * requote reads (theo, stop times, operator flag, closed) and what the last
 * requote decided (status, quotes, limit). Shared by the session's parts; each
 * field has one writer (noted where it is not obvious).
 */
import type { TimerHandle } from '../../shared/clock.ts';
import type { QuotingReason } from '../../shared/liveness/quoting-state.ts';
import { marketsCoverTheo } from '../../shared/mapping/market-theo.ts';
import type { StrikeTheoRecord } from '../../shared/pricing/strike-record.ts';
import type { GameEntryBook } from '../../shared/risk/inventory.ts';
import type { Centis } from '../../shared/units.ts';
import { exposures } from './exposure.ts';
import type { Inventory } from './inventory.ts';
import { payoffExposure } from './ladder-exposure.ts';
import type { GameLadders } from './ladder-markets.ts';
import type { ActiveFlag, Game, GameQuotes, TheoSnapshot } from './ports.ts';

/** A game's status is its quoting reason (shared/liveness/quoting-state.ts). */
export type GameStatus = QuotingReason;

export interface GameState {
  game: Game;
  sport: string;
  tickers: string[];
  theo: TheoSnapshot | null;
  /** When our quoting ends (hard stop − lead). */
  stopAtMs: number | null;
  /** Start − margin: nothing of ours may rest from here on; the orders' expiration. */
  hardStopMs: number | null;
  halted: string | null;
  /** The operator flag behind `halted`. */
  haltKind: ActiveFlag['kind'] | null;
  closed: boolean;
  status: GameStatus;
  lastQuotes: GameQuotes | null;
  limit: Centis;
  /** Highest limit ever applied to this game: the bound a breach is judged against. */
  maxLimit: Centis;
  lastRefreshMs: number;
  stopTimer: TimerHandle | null;
  retryTimer: TimerHandle | null;
  /** Average entry of the game's directional position (break-even ceilings): one tracker on market A's scale for a two-way game. */
  entries: GameEntryBook;
  /** Slots the risk gate denied at the last sync (at the limit): not quoted, whatever the quoter wanted. */
  denied?: ReadonlySet<string>;
  /** The reason the inputs gave at the last requote (before the quoter), for the status recheck. */
  inputStatus?: GameStatus;
  /** The game's spread/total ladders as last discovered (ladder-registry.ts); absent: none listed or ladders off. */
  ladder?: GameLadders;
  /** The game's stored strike fit, newest read (ladder-registry.ts). */
  strikeTheo?: StrikeTheoRecord;
}

/**
 * Whether the game's listed markets pay every outcome its theo prices; false for a 3-way game listed
 * without its TIE market (both teams' YES lose on a draw). Unknown (undefined) until a theo arrives.
 * The quoter, the risk gate and the game's worst exposure all read it, so they measure one risk.
 */
export function gameExhaustive(g: GameState): boolean | undefined {
  if (!g.theo) return undefined;
  return marketsCoverTheo(
    g.game.markets.map((m) => m.outcome),
    Object.keys(g.theo.probabilities),
  );
}

/**
 * The largest |exposure| over the game's outcomes, from the inventory's positions; for a game gated on its
 * payoff (strike markets quoted), its worst-case loss on the limit's scale (ladder-exposure.ts).
 */
export function worstExposure(inventory: Inventory, g: GameState): Centis {
  const payoff = payoffExposure(inventory, g);
  if (payoff !== null) return payoff;
  const e = exposures(g.tickers, inventory.positions(g.tickers), gameExhaustive(g));
  return Math.max(0, ...[...e.values()].map(Math.abs));
}

/** An error as a short log field. */
export const errText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 300);
