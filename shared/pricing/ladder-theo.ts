/**
 * The join of a game's strike theo with a Kalshi ladder's mapped markets: the
 * fair YES probability of each market, or a refusal with the reason. What the
 * engine will call per ladder event (the strike counterpart of
 * mapping/market-theo.ts).
 *
 * A last check before money moves: over a ladder, "value over a higher
 * strike" must not be worth more than "over a lower one". A violation means a
 * bug upstream, and the whole ladder is refused rather than quoted.
 */
import type { StrikeMapping } from '../mapping/strikes.ts';
import {
  DEFAULT_STRIKE_THEO_CONFIG,
  type PricedStrikeGame,
  type StrikeQuery,
  type StrikeTheoConfig,
  strikeTheo,
} from './strike-theo.ts';

export interface LadderMarketTheo {
  ticker: string;
  query: StrikeQuery;
  /** fair probability that this market resolves YES */
  probability: number;
  /** add to both sides of the quote: the model, not the books, prices this strike */
  extraEdge: number;
  wideEdge: boolean;
  fittedFrom: string[];
}

export interface LadderRefusal {
  ticker: string;
  reason: string;
  detail: string;
}

export function ladderTheos(
  game: PricedStrikeGame,
  markets: readonly StrikeMapping[],
  config: StrikeTheoConfig = DEFAULT_STRIKE_THEO_CONFIG,
): { priced: LadderMarketTheo[]; refused: LadderRefusal[] } {
  const priced: LadderMarketTheo[] = [];
  const refused: LadderRefusal[] = [];
  for (const m of markets) {
    if (m.kind === 'unmapped') {
      refused.push({ ticker: m.ticker, reason: `unmapped:${m.reason}`, detail: m.detail });
      continue;
    }
    const t = strikeTheo(game, m.query, config);
    if (!t.ok) {
      refused.push({ ticker: m.ticker, reason: t.reason, detail: t.detail });
      continue;
    }
    priced.push({
      ticker: m.ticker,
      query: m.query,
      probability: t.probability,
      extraEdge: t.extraEdge,
      wideEdge: t.wideEdge,
      fittedFrom: t.fittedFrom.map((r) => `${r.book} ${r.marketKey} ${r.strike}`),
    });
  }
  // Monotone across the ladder, per kind and direction.
  for (const kind of ['spread', 'total'] as const) {
    for (const direction of ['over', 'under'] as const) {
      const rows = priced
        .filter((p) => p.query.kind === kind && p.query.direction === direction)
        .sort((a, b) => a.query.threshold - b.query.threshold);
      const sign = direction === 'over' ? 1 : -1;
      const bad = rows.findIndex((r, i) => i > 0 && sign * (r.probability - rows[i - 1]!.probability) > 1e-9);
      if (bad > 0) {
        const detail = `${kind} ${direction} ${rows[bad]!.query.threshold} priced ${rows[bad]!.probability} against ${rows[bad - 1]!.probability} at ${rows[bad - 1]!.query.threshold}`;
        for (const r of rows) refused.push({ ticker: r.ticker, reason: 'non-monotone-ladder', detail });
        const drop = new Set(rows);
        for (let i = priced.length - 1; i >= 0; i--) if (drop.has(priced[i]!)) priced.splice(i, 1);
      }
    }
  }
  return { priced, refused };
}
