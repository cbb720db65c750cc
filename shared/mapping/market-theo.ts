/**
 * The join of a theo (per Odds API outcome name) with a Kalshi mapping (per
 * market ticker): the fair YES probability of each Kalshi market. Refuses,
 * with a reason, when the two do not describe the same game, instead of
 * pricing a market from the wrong outcome.
 */
import type { Theo } from '../odds/aggregate.ts';
import type { MatchResult, OutcomeSide } from './match.ts';

export interface MarketTheo {
  ticker: string;
  side: OutcomeSide;
  /** fair probability that this market resolves YES */
  probability: number;
}

export type MarketTheosResult =
  | { ok: true; eventTicker: string; oddsEventId: string; markets: MarketTheo[] }
  | { ok: false; reason: 'event-mismatch' | 'outcome-mismatch'; detail: string };

export function marketTheos(theo: Theo, match: Extract<MatchResult, { kind: 'matched' }>): MarketTheosResult {
  if (theo.eventId !== match.oddsEventId) {
    return {
      ok: false,
      reason: 'event-mismatch',
      detail: `theo is for ${theo.eventId}, mapping for ${match.oddsEventId}`,
    };
  }
  // Exhaustive: one market per outcome. A 3-way book without a TIE market: one per team, the
  // draw priced by the theo but listed by no market (it pays neither YES).
  const expected = match.exhaustive ? match.markets.length : match.markets.length + 1;
  if (theo.threeWay !== match.threeWay || theo.outcomes.length !== expected) {
    return {
      ok: false,
      reason: 'outcome-mismatch',
      detail: `theo has ${theo.outcomes.length} outcomes (${theo.threeWay ? '3' : '2'}-way), mapping has ${match.markets.length} markets${match.exhaustive ? '' : ' and no TIE market'}`,
    };
  }
  const markets: MarketTheo[] = [];
  for (const m of match.markets) {
    const outcome = theo.outcomes.find((o) => o.name === m.outcome);
    if (!outcome) {
      return {
        ok: false,
        reason: 'outcome-mismatch',
        detail: `${m.ticker}: outcome "${m.outcome}" not in the theo (${theo.outcomes.map((o) => o.name).join(', ')})`,
      };
    }
    markets.push({ ticker: m.ticker, side: m.side, probability: outcome.probability });
  }
  return { ok: true, eventTicker: match.eventTicker, oddsEventId: match.oddsEventId, markets };
}

/**
 * Whether a game's markets cover every outcome its theo prices: what the
 * quoter passes to quoteGame as `exhaustive`. A soccer or boxing game listed
 * without a TIE market is not exhaustive — YES on both teams loses on a draw,
 * so the two are not a hedge and the bids need not sum below $1.
 */
export function marketsCoverTheo(
  marketOutcomes: readonly string[],
  theoOutcomes: readonly string[],
): boolean {
  const listed = new Set(marketOutcomes);
  return theoOutcomes.every((o) => listed.has(o));
}
