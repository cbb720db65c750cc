/**
 * How one-sided a game's book is, in contracts — what the odds refresh on
 * inventory skew reads (fill-intake.ts). Winner-only games: |signed
 * inventory|, as before. A game with spread/total markets: the spread of its
 * positions' payout over the (margin, total) outcomes, max − min — the same
 * measure on the whole book (on two winners alone it is |signed inventory|),
 * so strike fills count: before, a game long thirty "wins by 5+" contracts
 * read a skew of 0 and never asked for fresh odds. Prices are left out (a
 * skew is about the position, not its entry). Pure.
 */
import type { Contract, Holding } from '../../shared/risk/payoff.ts';
import { splitPnl } from '../../shared/risk/payoff-worst.ts';
import { type Centis, MICROS_PER_DOLLAR } from '../../shared/units.ts';
import { signedInventory } from './exposure.ts';
import type { GameState } from './game-state.ts';
import { gameContracts, payoffLimitOf, quotedStrikes } from './ladder-quotes.ts';

/** max − min over the outcomes of what the positions pay, Centis. */
export function payoutSpread(
  contracts: ReadonlyMap<string, Contract>,
  positions: ReadonlyMap<string, Centis>,
  ties: boolean,
): Centis {
  const holdings: Holding[] = [];
  for (const [ticker, position] of positions) {
    const contract = contracts.get(ticker);
    if (contract && position !== 0) holdings.push({ ticker, contract, position, price: 0 });
  }
  if (holdings.length === 0) return 0;
  // At price 0 a holding's PnL is its payout (Micro-Centis); by axis, as the payoff gate.
  const { margins, totals } = splitPnl({ holdings, pending: [] }, { ties });
  const span = (v: readonly number[]) => Math.max(...v) - Math.min(...v);
  return Math.round((span(margins.pnl) + span(totals.pnl)) / MICROS_PER_DOLLAR);
}

export function gameSkew(
  g: GameState,
  inventory: { positions(tickers: readonly string[]): ReadonlyMap<string, Centis> },
): Centis {
  const contracts = quotedStrikes(g).length > 0 ? gameContracts(g) : null;
  if (!contracts) return Math.abs(signedInventory(g.tickers, inventory.positions(g.tickers)));
  const { ties } = payoffLimitOf(g, contracts, new Map(), g.limit);
  return payoutSpread(contracts, inventory.positions([...contracts.keys()]), ties);
}
