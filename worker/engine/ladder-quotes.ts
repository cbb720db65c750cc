/**
 * The strike markets' side of a requote (issue #17): which of a game's
 * mapped strikes it may quote, what each market pays on (for the payoff
 * gate), and the strikes' quotes. Pure.
 *
 * A game's strikes are quoted only when every winner market is the home or
 * the away team: a TIE market has no contract in the payoff model, so such a
 * game could not be gated on its whole book — its strikes are not quoted.
 * A strike quotes theo ± (minEdge + extraEdge) on both sides, on whole cents
 * rounded away from theo, never at or through the other side of its book
 * (we only make), and only while its book is valid.
 */
import type { Contract } from '../../shared/risk/payoff.ts';
import { contractFromQuery } from '../../shared/risk/payoff.ts';
import {
  CENTIS_PER_CONTRACT,
  type Centis,
  MICROS_PER_CENT,
  MICROS_PER_DOLLAR,
  type Micros,
} from '../../shared/units.ts';
import type { GameState } from './game-state.ts';
import type { StrikeQuoteInput } from './ladder-theos.ts';
import type { DesiredQuote, MarketBook } from './ports.ts';
import type { PayoffLimit } from './risk-gate.ts';

/** Every market of the game with what it pays on; null when a winner market is neither team (a TIE market). */
export function gameContracts(g: GameState): Map<string, Contract> | null {
  const { homeTeam, awayTeam } = g.game;
  if (homeTeam === undefined || awayTeam === undefined) return null;
  const out = new Map<string, Contract>();
  for (const m of g.game.markets) {
    if (m.outcome === homeTeam) out.set(m.ticker, { kind: 'winner', side: 'home' });
    else if (m.outcome === awayTeam) out.set(m.ticker, { kind: 'winner', side: 'away' });
    else return null;
  }
  for (const s of g.ladder?.mapped ?? [])
    if (!out.has(s.ticker)) out.set(s.ticker, contractFromQuery(s.query));
  return out;
}

/** The strike tickers the requote loop quotes and gates with the game (empty: a winner-only game). */
export function quotedStrikes(g: GameState): string[] {
  if ((g.ladder?.mapped.length ?? 0) === 0 || gameContracts(g) === null) return [];
  return g.ladder!.mapped.map((m) => m.ticker).filter((t) => !g.tickers.includes(t));
}

/**
 * The game's payoff limit: its Centis limit read as dollars at risk (one
 * contract loses at most $1), the draw an outcome when the theo has one.
 */
export function payoffLimitOf(
  g: GameState,
  contracts: ReadonlyMap<string, Contract>,
  entryPrices: ReadonlyMap<string, Micros>,
  limit: Centis,
): PayoffLimit {
  const teams = new Set([g.game.homeTeam, g.game.awayTeam]);
  // No theo: count the draw (the more conservative grid).
  const ties = !g.theo || Object.keys(g.theo.probabilities).some((o) => !teams.has(o));
  return {
    contracts,
    entryPrices,
    limit: Math.floor((limit * MICROS_PER_DOLLAR) / CENTIS_PER_CONTRACT),
    ties,
  };
}

export interface StrikeQuoteParams {
  /** the normal edge, Micros */
  minEdge: Micros;
  /** size per side, Centis */
  size: Centis;
}

/** Bid and ask for each priced strike whose book is valid; a side that would cross its book is left out. */
export function strikeQuotes(
  priced: readonly StrikeQuoteInput[],
  books: ReadonlyMap<string, MarketBook | undefined>,
  params: StrikeQuoteParams,
): DesiredQuote[] {
  const out: DesiredQuote[] = [];
  if (params.size <= 0) return out;
  for (const p of priced) {
    const book = books.get(p.ticker);
    if (!book?.valid) continue;
    const theo = p.probability * MICROS_PER_DOLLAR;
    const edge = params.minEdge + Math.max(0, p.extraEdge) * MICROS_PER_DOLLAR;
    const bid = Math.floor((theo - edge) / MICROS_PER_CENT) * MICROS_PER_CENT;
    const ask = Math.ceil((theo + edge) / MICROS_PER_CENT) * MICROS_PER_CENT;
    const bestBid = book.bids[0]?.price;
    const bestAsk = book.asks[0]?.price;
    if (bid >= MICROS_PER_CENT && (bestAsk === undefined || bid < bestAsk))
      out.push({ ticker: p.ticker, side: 'bid', price: bid, size: params.size });
    if (ask <= MICROS_PER_DOLLAR - MICROS_PER_CENT && (bestBid === undefined || ask > bestBid))
      out.push({ ticker: p.ticker, side: 'ask', price: ask, size: params.size });
  }
  return out;
}
