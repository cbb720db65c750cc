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
  if (theo.threeWay !== match.threeWay || theo.outcomes.length !== match.markets.length) {
    return {
      ok: false,
      reason: 'outcome-mismatch',
      detail: `theo has ${theo.outcomes.length} outcomes (${theo.threeWay ? '3' : '2'}-way), mapping has ${match.markets.length} markets`,
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
