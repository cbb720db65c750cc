/**
 * The quoter's rival-informedness hook (switch `rivalInformed`; shared/pricing/rival-markout.ts has the
 * rule and why). Per decision, pure over (markets, memory, now, settings): each market's others' quote is
 * sampled against our theo and marked out later; the game's pooled record of how far the theo went on to
 * close the rivals' gaps (β) leans the quoted theo towards the rivals' view, bounded, and, past the
 * trust level, stops the side their view warns against from joining or improving their best.
 */
import type { MarketQuoteInput } from '../../../shared/pricing/quote-game.ts';
import {
  DEFAULT_RIVAL_RULE,
  EMPTY_RIVAL_MARKOUTS,
  informedness,
  poolTallies,
  type RivalRule,
  rivalLeanedTheo,
  rivalView,
  stepRivalMarkouts,
  warnedSide,
} from '../../../shared/pricing/rival-markout.ts';
import type { GameMemory, MarketMemory, QuoterSettings } from './quoter.ts';

export type { RivalMarkouts } from '../../../shared/pricing/rival-markout.ts';

/** The rule the quoter's params select (horizon and trust are params; the rest are rival-markout.ts defaults). */
export function rivalRuleOf(params: QuoterSettings['params']): RivalRule {
  return { ...DEFAULT_RIVAL_RULE, horizonMs: params.rivalHorizonMs, trust: params.rivalTrust };
}

/**
 * Off (`rivalInformed` false): nothing, `before` back. On: steps each market's rival memory into `next` (from `prev`), then leans `markets[i].theo` and clears
 * the warned side's competition in place (the inputs are this decision's own). Returns the theos the
 * news guard is released by: `before` when given (the sweep lean's), else the theos before this lean.
 */
export function leanOnRivals(
  markets: MarketQuoteInput[],
  next: MarketMemory[],
  prev: GameMemory,
  now: number,
  settings: QuoterSettings,
  before: readonly (number | null)[] | null,
): readonly (number | null)[] | null {
  const params = settings.params;
  if (!params.rivalInformed) return before;
  const rule = rivalRuleOf(params);
  const n = markets.length;
  const views: (number | null)[] = new Array(n);
  const theos: (number | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const m = markets[i]!;
    theos[i] = m.theo;
    views[i] = rivalView(m.book.bestBid, m.book.bestAsk, params.minCompetitorSize, rule.maxSpread);
    // The markout's truth proxy is the theo before any lean of ours (the sweep lean's base when on).
    const proxy = before ? (before[i] ?? null) : m.theo;
    const step = stepRivalMarkouts(
      prev.get(m.ticker)?.rivals ?? EMPTY_RIVAL_MARKOUTS,
      now,
      proxy,
      views[i]!,
      rule,
    );
    next[i] = { ...next[i]!, rivals: step };
  }
  const beta = informedness(
    poolTallies(
      next.map((x) => x.rivals!.tally),
      now,
      rule.halfLifeMs,
    ),
    rule,
  );
  if (beta > 0) {
    const maxShift = (params.rivalLeanMax * Math.max(params.minEdge, 1)) / 1_000_000;
    for (let i = 0; i < n; i++) {
      const m = markets[i]!;
      if (m.theo === null || !Number.isFinite(m.theo)) continue;
      const warned = warnedSide(m.theo, views[i]!, beta, rule);
      m.theo = rivalLeanedTheo(m.theo, views[i]!, beta, maxShift);
      if (warned !== null) m.competition = { ...m.competition, [warned]: false };
    }
  }
  return before ?? theos;
}
