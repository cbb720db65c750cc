/**
 * Each mapped strike of a game's ladders → what the quoter needs: its fair
 * YES probability (`ladderTheos` on the game's stored fit) and the extra edge
 * the model, not the books, calls for; or why it is not quoted. Pure.
 *
 * - no fit stored for the game, or the fit, the strike or the whole ladder
 *   refused → `no-strike-theo` (with the fit's or strike's reason);
 * - a fit older than the theo age limit → `theo-stale` (as a winner theo).
 * A strike's quote uses the normal edge plus `extraEdge` on both sides.
 */
import type { QuotingReason } from '../../shared/liveness/quoting-state.ts';
import { ladderTheos } from '../../shared/pricing/ladder-theo.ts';
import { pricedGameFromRecord, type StrikeTheoRecord } from '../../shared/pricing/strike-record.ts';
import type { LadderMarket } from './ladder-markets.ts';

export interface StrikeQuoteInput {
  ticker: string;
  /** fair probability the market settles YES */
  probability: number;
  /** add to the normal edge on both sides (probability) */
  extraEdge: number;
  fittedFrom: string[];
}

export interface IdleStrike {
  ticker: string;
  reason: Extract<QuotingReason, 'no-strike-theo' | 'theo-stale'>;
  detail: string;
}

export function strikeQuoteInputs(
  record: StrikeTheoRecord | null,
  markets: readonly LadderMarket[],
  now: number,
  theoMaxAgeMs: number,
): { priced: StrikeQuoteInput[]; idle: IdleStrike[] } {
  if (markets.length === 0) return { priced: [], idle: [] };
  if (!record)
    return {
      priced: [],
      idle: markets.map((m) => ({
        ticker: m.ticker,
        reason: 'no-strike-theo',
        detail: 'no strike theo stored',
      })),
    };
  if (now - record.asOf > theoMaxAgeMs)
    return {
      priced: [],
      idle: markets.map((m) => ({
        ticker: m.ticker,
        reason: 'theo-stale',
        detail: `strike theo of ${record.asOf} older than ${theoMaxAgeMs} ms`,
      })),
    };
  const r = ladderTheos(
    pricedGameFromRecord(record),
    markets.map((m) => ({
      kind: 'mapped' as const,
      ticker: m.ticker,
      query: m.query,
      team: null,
      source: 'metadata' as const,
    })),
  );
  return {
    priced: r.priced.map((p) => ({
      ticker: p.ticker,
      probability: p.probability,
      extraEdge: p.extraEdge,
      fittedFrom: p.fittedFrom,
    })),
    idle: r.refused.map((x) => ({
      ticker: x.ticker,
      reason: 'no-strike-theo',
      detail: `${x.reason}: ${x.detail}`,
    })),
  };
}
