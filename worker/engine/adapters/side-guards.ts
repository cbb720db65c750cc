/**
 * The quoter's per-side guards read from a game's memory (quoter.ts keeps the memory): the news
 * guard's held directions and each side's toxicity. Split from the quoter adapter so each stays one
 * concept; both are pure over (memory, markets, now, settings).
 */
import { evidenceGamma, skewWeight } from '../../../shared/pricing/evidence-skew.ts';
import { holdStands, sweepOf } from '../../../shared/pricing/news-guard.ts';
import type { QuotingParams } from '../../../shared/pricing/params.ts';
import type { MarketQuoteInput } from '../../../shared/pricing/quote-game.ts';
import { mirrorMoves } from '../../../shared/pricing/sweep-guard.ts';
import { gameTheoAgeMinEdge } from '../../../shared/pricing/theo-age.ts';
import { theoQualityMinEdge } from '../../../shared/pricing/theo-edge.ts';
import {
  combine,
  EMPTY_TALLY,
  lotTaperFloor,
  type Tally,
  toxicity,
} from '../../../shared/pricing/toxicity.ts';
import type { MarketMemory, QuoterSettings } from './quoter.ts';

/**
 * News guard: each market's held direction after this decision (written into `memory`), and the
 * holds that stand. A two-way exhaustive game counts both legs' moves (the other leg's mirrored);
 * a new sweep (fills at the current theo only) starts a hold at the theo of this decision, one the
 * same way keeps the first hold's theo (the price before the news), and a hold ends when the theo
 * moved the fills' way by the minimum edge or at holdMs.
 */
export function newsHolds(
  memory: MarketMemory[],
  markets: readonly MarketQuoteInput[],
  exhaustive: boolean,
  now: number,
  theoMs: number,
  settings: QuoterSettings,
  /** The theos before the sweep lean (flow-lean.ts): a hold is released by the theo, never by its own lean. */
  theos?: readonly (number | null)[] | null,
): { ticker: string; side: 'bid' | 'ask'; sinceMs: number }[] {
  const rule = settings.newsRule;
  const byGame = exhaustive && memory.length === 2;
  const out: { ticker: string; side: 'bid' | 'ask'; sinceMs: number }[] = [];
  for (let i = 0; i < memory.length; i++) {
    const mm = memory[i]!;
    const theo = theos ? (theos[i] ?? null) : markets[i]!.theo;
    let list = mm.moves;
    if (byGame && memory[1 - i]!.moves.length > 0) list = list.concat(mirrorMoves(memory[1 - i]!.moves));
    // Only fills at the current theo: once a newer theo moved, the fills before it are answered.
    if (list.length > 0) list = list.filter((m) => m.theoMs === theoMs);
    const swept = list.length > 0 ? sweepOf(list, now, rule) : null;
    let hold = mm.newsHold;
    if (hold && !holdStands(hold, now, theo, rule)) hold = undefined;
    if (swept !== null && hold?.side !== swept)
      hold = { side: swept, sinceMs: now, theo: theo ?? Number.NaN };
    if (hold !== mm.newsHold) memory[i] = { ...mm, newsHold: hold };
    if (hold) out.push({ ticker: markets[i]!.ticker, side: hold.side, sinceMs: hold.sinceMs });
  }
  return out;
}

/**
 * Each side's toxicity for quoteGame: a bid is the buy direction of its market, an ask the sell
 * direction. A two-way exhaustive game pools both legs: buying A ≡ selling B.
 */
export function attachToxicity(
  markets: MarketQuoteInput[],
  memory: readonly MarketMemory[],
  exhaustive: boolean,
  now: number,
  settings: QuoterSettings,
): void {
  const rule = settings.toxicityRule;
  if (settings.params.toxicityScope === 'game') {
    let all: Tally = EMPTY_TALLY;
    for (const m of memory) {
      all = combine(all, m.toxicity.buy, now, rule.halfLifeMs);
      all = combine(all, m.toxicity.sell, now, rule.halfLifeMs);
    }
    const x = toxicity(all, now, rule);
    // The inputs are this decision's own, built by the quoter: set in place (a copy of each cost ≈ 5 % of it).
    for (let i = 0; i < markets.length; i++) markets[i]!.toxicity = { bid: x, ask: x };
    return;
  }
  const pooled = exhaustive && markets.length === 2;
  for (let i = 0; i < markets.length; i++) {
    const own = memory[i]!.toxicity;
    const other = pooled ? memory[1 - i]!.toxicity : null;
    const buy = other ? combine(own.buy, other.sell, now, rule.halfLifeMs) : own.buy;
    const sell = other ? combine(own.sell, other.buy, now, rule.halfLifeMs) : own.sell;
    markets[i]!.toxicity = { bid: toxicity(buy, now, rule), ask: toxicity(sell, now, rule) };
  }
}

/**
 * skewEvidence: the γ this decision quotes with — the params' γ times the game's evidence weight
 * (evidence-skew.ts): the worst side's toxicity (attached by attachToxicity) over the minimum edge,
 * at least the taper's floor, all of it while a news hold from an earlier decision still stands.
 */
export function gameEvidenceGamma(
  params: QuotingParams,
  minEdge: number,
  markets: readonly MarketQuoteInput[],
  memory: readonly MarketMemory[],
  limit: number,
  now: number,
  settings: QuoterSettings,
): number {
  let held = false;
  for (let i = 0; i < memory.length && !held; i++) {
    const h = memory[i]!.newsHold;
    held = h !== undefined && holdStands(h, now, markets[i]?.theo ?? null, settings.newsRule);
  }
  const weight = skewWeight({
    toxicity: markets.map((m) => m.toxicity),
    newsHold: held,
    fullAt: Math.max(minEdge, 1) / 1_000_000,
    floor: params.toxicityTaperFloor === 'lot' ? lotTaperFloor(params.baseSize, limit) : 0,
  });
  return evidenceGamma(params.gamma, weight);
}

/**
 * The game's minimum edge: wider when the books disagree (theo-edge.ts) and, with `theoAgeEdge` on, when the
 * theo is old against its own volatility (theo-age.ts). The configured floor when both are flat.
 */
export function gameMinEdge(
  base: QuotingParams,
  theo: { dispersion?: number | undefined; updatedMs: number },
  next: readonly MarketMemory[],
  now: number,
): number {
  const qualityEdge = theoQualityMinEdge(base, theo.dispersion);
  if (!(base.theoAgeEdge > 0)) return qualityEdge;
  return gameTheoAgeMinEdge(
    qualityEdge,
    base,
    next.map((x) => x.theoVol),
    now,
    theo.updatedMs,
  );
}
