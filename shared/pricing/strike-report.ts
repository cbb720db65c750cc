/**
 * `npm run theo`'s view of the strike theo of one event: both fits with their
 * figures (or refusals), the dropped lines grouped by book and reason, and a
 * ladder of strikes around each fitted mean, each with the lines it leans on
 * and its wider-edge flag. JSON-ready; an event without spread or total lines
 * yields nothing, so winner-only output is unchanged.
 */
import { probabilityToCents, type TheoInput } from '../odds/aggregate.ts';
import { LINE_MARKET_KEYS } from '../odds/lines.ts';
import type { EventOdds } from '../odds/schemas.ts';
import {
  computeGameStrikeTheo,
  DEFAULT_STRIKE_THEO_CONFIG,
  type GameStrikeTheo,
  type KindResult,
  type StrikeQuery,
  type StrikeTheoConfig,
  strikeTheo,
} from './strike-theo.ts';

/** Half-point strikes from μ − 2σ to μ + 2σ, about σ/4 apart (a Kalshi-like ladder). */
export function ladder(mean: number, sd: number): number[] {
  const step = Math.max(1, Math.round(sd / 4));
  const lo = Math.round(mean - 2 * sd);
  const out: number[] = [];
  for (let s = lo; s <= mean + 2 * sd; s += step) out.push(s + 0.5);
  return out;
}

function fitSummary(fit: KindResult) {
  if (!fit.ok) {
    return {
      status: 'refused' as const,
      reason: fit.reason,
      detail: fit.detail,
      ...(fit.diagnostics ? { rmsError: fit.diagnostics.rmsError, lines: fit.diagnostics.lines.length } : {}),
    };
  }
  const d = fit.diagnostics;
  const keys = fit.distribution.keys;
  // The key-number margin (key-margin.ts) says its strength κ and whether the lines fitted it.
  const strength = 'keyStrength' in fit ? (fit.keyStrength as { value: number; source: string }) : undefined;
  return {
    status: 'fitted' as const,
    model: keys?.length ? ('key-numbers' as const) : ('normal' as const),
    ...(keys?.length
      ? {
          keyWeights: Object.fromEntries(keys.map((k) => [k.at, Math.round(k.weight * 1000) / 1000])),
          ...(strength ? { keyStrength: strength.value, keyStrengthSource: strength.source } : {}),
        }
      : {}),
    mean: fit.distribution.mean,
    sd: fit.distribution.sd,
    sdSource: fit.sdSource,
    lines: d.lines.length,
    strikes: d.strikes,
    withinVig: d.withinVig,
    outsideVig: d.outsideVig,
    rmsError: d.rmsError,
    maxAbsError: d.maxAbsError,
  };
}

function strikeRows(game: GameStrikeTheo, kind: 'spread' | 'total', config: StrikeTheoConfig) {
  const fit = kind === 'spread' ? game.margin : game.total;
  if (!fit.ok) return [];
  return ladder(fit.distribution.mean, fit.distribution.sd).map((s) => {
    const query: StrikeQuery =
      kind === 'total'
        ? { kind, direction: 'over', threshold: s }
        : s > 0
          ? { kind, direction: 'over', threshold: s }
          : { kind, direction: 'under', threshold: s };
    const market =
      kind === 'total'
        ? `Over ${s}`
        : s > 0
          ? `${game.homeTeam} wins by over ${s}`
          : `${game.awayTeam} wins by over ${-s}`;
    const t = strikeTheo(game, query, config);
    if (!t.ok) return { market, query, status: 'refused' as const, reason: t.reason, detail: t.detail };
    return {
      market,
      query,
      probability: t.probability,
      cents: probabilityToCents(t.probability),
      wideEdge: t.wideEdge,
      extraEdgeCents: t.extraEdge * 100,
      distanceSd: t.distanceSd,
      keyNumbersCrossed: t.keyNumbersCrossed,
      fittedFrom: t.fittedFrom.map((r) => `${r.book} ${r.marketKey} ${r.strike}`),
    };
  });
}

/** `{ strikes: … }` for an event that carries spread or total lines, else `{}`. */
export function strikeReport(
  event: EventOdds,
  input: TheoInput,
  config: StrikeTheoConfig = DEFAULT_STRIKE_THEO_CONFIG,
): { strikes?: object } {
  const hasLines = event.bookmakers.some((b) =>
    b.markets.some((m) => (LINE_MARKET_KEYS as readonly string[]).includes(m.key)),
  );
  if (!hasLines) return {};
  const game = computeGameStrikeTheo(event, input, config);
  const dropped = new Map<string, { book: string; reason: string; detail: string; strikes: number[] }>();
  for (const d of game.lines.dropped) {
    const key = `${d.book}/${d.reason}`;
    const row = dropped.get(key) ?? { book: d.book, reason: d.reason, detail: d.detail, strikes: [] };
    if (d.strike !== null) row.strikes.push(d.strike);
    dropped.set(key, row);
  }
  return {
    strikes: {
      winnerError: game.winnerError,
      shapeOverruled: game.shapeOverruled,
      margin: fitSummary(game.margin),
      total: fitSummary(game.total),
      linesUsed: game.lines.used.length,
      droppedLines: [...dropped.values()],
      spreads: strikeRows(game, 'spread', config),
      totals: strikeRows(game, 'total', config),
    },
  };
}
