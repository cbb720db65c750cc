/**
 * One strike market's bid and ask, priced as the winner quoter prices a side
 * (quote-game.ts), from the same pieces:
 *
 * - required edge after the maker fee: `requiredEdge` (minEdge, the longshot
 *   extra) + the strike's `extraEdge` (the model, not the books, prices a
 *   strike far from every quoted line: strike-theo.ts) + the payoff skew of the
 *   side (shared/risk/payoff-skew.ts: − for the side that lowers the game's
 *   worst case, + for the side that raises it); the ceiling is the most
 *   aggressive tick that clears it after the fee (ceiling.ts);
 * - the model price: the monopsony half-spread (as the winner's 'as' model,
 *   ½γ·p(1−p) + (1/γ)ln(1+γ/k) ≈ 1/k) plus the same extra edge and skew,
 *   earned after the maker fee (δ* = fee + 1/k, `snapMonopsonyAfterFee`);
 * - competition: a competitor's best level (others' book, at least
 *   `minCompetitorSize`) is joined or improved by `improveTicks`, never past
 *   the ceiling (competitive.ts `priceSide`), and never crossing the others'
 *   opposite best (post-only);
 * - break-even: when the game uses `breakEvenShare` of its limit and this
 *   market's own position is what the side reduces, the side may go to its
 *   average entry net of the exit fee (risk/break-even.ts), even through theo.
 *
 * Pure; Micros and Centis.
 */
import { breakEvenPrice } from '../risk/break-even.ts';
import { MICROS_PER_DOLLAR, type Micros } from '../units.ts';
import { edgeCeiling, type FeeAt } from './ceiling.ts';
import { atLeastAsSafe, type BookLevel, priceSide, type Side } from './competitive.ts';
import { type FeeSchedule, feeBoundPerContract, feePerContract } from './fees.ts';
import { liquidityTerm, snapMonopsonyAfterFee } from './monopsony.ts';
import type { QuotingParams } from './params.ts';
import { requiredEdge } from './quote-game.ts';
import type { TickGrid } from './tick-grid.ts';

export interface StrikePriceInput {
  /** fair YES probability, in (0, 1) */
  theo: number;
  /** extra edge on both sides, probability (strike-theo.ts) */
  extraEdge: number;
  grid: TickGrid;
  fees: FeeSchedule;
  /** others' best levels (our own orders taken out) */
  book: { bestBid: BookLevel | null; bestAsk: BookLevel | null };
  /** payoff skew per side, Micros added to the side's required edge and model distance */
  skew: Record<Side, Micros>;
  /** this market's signed position, Centis, and its average entry (Micros) when known */
  position: number;
  avgEntry: number | null;
  /** break-even allowed per side: the game uses ≥ breakEvenShare of its limit and the side lowers its worst case */
  breakEven: Record<Side, boolean>;
  /** the side's size, Centis (the fee bound depends on it) */
  size: number;
}

export type StrikeQuoteMode = 'monopsony' | 'competitive' | 'ceiling' | 'break-even';

export interface StrikeSidePrice {
  price: Micros;
  mode: StrikeQuoteMode;
}

/** Bid and ask of one strike; a side with no tick that clears its edge (or crosses the book) is null. */
export function priceStrike(
  input: StrikePriceInput,
  params: QuotingParams,
): Record<Side, StrikeSidePrice | null> {
  const { theo, grid } = input;
  const none = { bid: null, ask: null };
  if (!(theo > 0 && theo < 1) || !Number.isFinite(input.extraEdge)) return none;
  const theoM = theo * MICROS_PER_DOLLAR;
  const extra = Math.max(0, input.extraEdge) * MICROS_PER_DOLLAR;
  const feeBound: FeeAt = (p) => feeBoundPerContract(input.fees, 'maker', p, input.size);
  // The model's half-spread (the winner's 'as' model held to settlement, at zero inventory: the skew is ours).
  const half =
    (0.5 * params.gamma * theo * (1 - theo) + liquidityTerm(params.gamma, params.k)) * MICROS_PER_DOLLAR;
  const model = {
    bid: (theoM - half - extra - input.skew.bid) / MICROS_PER_DOLLAR,
    ask: (theoM + half + extra + input.skew.ask) / MICROS_PER_DOLLAR,
  };
  const snapped = snapMonopsonyAfterFee(
    { reservation: theo, bidDistance: theo - model.bid, askDistance: model.ask - theo, ...model },
    grid,
    (p) => feePerContract(input.fees, 'maker', p, input.size),
  );
  const out: Record<Side, StrikeSidePrice | null> = { bid: null, ask: null };
  for (const side of ['bid', 'ask'] as const) {
    const required = Math.max(1, requiredEdge(params, theo, side) + extra + input.skew[side]);
    const normal = edgeCeiling(grid, side, theoM, required, feeBound);
    let ceiling = normal;
    // Break-even: the side that takes this market's own position down, at its entry net of the fee.
    const reduces = side === 'ask' ? input.position > 0 : input.position < 0;
    if (input.breakEven[side] && reduces && input.avgEntry !== null) {
      const be = breakEvenPrice(input.position, input.avgEntry, grid, feeBound);
      if (be !== null && (ceiling === null || !atLeastAsSafe(side, be, ceiling))) ceiling = be;
    }
    if (ceiling === null) continue;
    const others = side === 'bid' ? input.book.bestBid : input.book.bestAsk;
    const priced = priceSide({
      side,
      grid,
      ceiling,
      monopsony: snapped[side],
      bestSame: others !== null && others.size >= params.minCompetitorSize ? others : null,
      bestOpposite: side === 'bid' ? input.book.bestAsk : input.book.bestBid,
      competition: true,
      improveTicks: params.improveTicks,
    });
    if (priced === null) continue;
    const mode: StrikeQuoteMode =
      normal === null || !atLeastAsSafe(side, priced.price, normal) ? 'break-even' : priced.mode;
    out[side] = { price: priced.price, mode };
  }
  // Never our own bid at or above our own ask: a break-even side that reaches the other keeps the book (it
  // is the one getting the game flat); otherwise neither side is quoted.
  if (out.bid && out.ask && out.bid.price >= out.ask.price) {
    if (out.ask.mode === 'break-even' && out.bid.mode !== 'break-even') return { bid: null, ask: out.ask };
    if (out.bid.mode === 'break-even' && out.ask.mode !== 'break-even') return { bid: out.bid, ask: null };
    return none;
  }
  return out;
}
