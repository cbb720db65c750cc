/**
 * A game with strike markets as fill intake and the status read it: its
 * worst-case loss over the (margin, total) outcomes from its positions
 * (winner and strikes, at their average entries; unknown: the price that
 * loses most), on the limit's scale — Centis of $1 contracts, so a loss of
 * $15 reads 1 500 against a limit of 1 500. The measure the risk gate limits
 * such a game by (ladder-risk.ts via `RiskState.payoff`), so the breach kill
 * and the at-limit status judge what the gate bounds. Pure.
 */
import { worstOfSplit } from '../../shared/risk/payoff-worst.ts';
import { CENTIS_PER_CONTRACT, type Centis, MICROS_PER_DOLLAR } from '../../shared/units.ts';
import type { GameState } from './game-state.ts';
import { gameContracts, payoffLimitOf, quotedStrikes } from './ladder-quotes.ts';
import { SplitBook } from './ladder-split-book.ts';

/** Micros of loss per Centi of limit ($1 per contract). */
const MICROS_PER_LIMIT_CENTI = MICROS_PER_DOLLAR / CENTIS_PER_CONTRACT;

export interface PositionSource {
  positions(tickers: readonly string[]): Map<string, Centis>;
  entries(tickers: readonly string[]): Map<string, number>;
}

/**
 * The game's worst-case loss from its positions (no orders), in limit Centis;
 * null for a game whose writes are not gated on its payoff (winner-only, or
 * no strike it quotes).
 */
export function payoffExposure(inventory: PositionSource, g: GameState): Centis | null {
  const strikes = quotedStrikes(g);
  if (strikes.length === 0) return null;
  const contracts = gameContracts(g);
  if (!contracts) return null;
  const tickers = [...g.tickers, ...strikes];
  const { limit: _limit, ...payoff } = payoffLimitOf(g, contracts, inventory.entries(tickers), 0);
  // Read on every requote and fill; the positions move only on fills: the split is kept per game and
  // rebuilt when they, the entries or the listing moved (ladder-risk.ts `gameWorstLoss`, the same figure).
  let book = books.get(g);
  if (!book) {
    book = new SplitBook();
    books.set(g, book);
  }
  const split = book.splitFor({ ...payoff, positions: inventory.positions(tickers) }, [], -1);
  return Math.ceil(worstOfSplit(split).worstCaseLoss / MICROS_PER_LIMIT_CENTI);
}

const books = new WeakMap<GameState, SplitBook>();
