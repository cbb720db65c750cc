/**
 * Odds → strike theo → DynamoDB, beside the winner theo (theo-writer.ts). Each
 * game's margin and total are fitted to every book's spread and total lines
 * (shared/pricing/strike-theo.ts) and stored with their refusals and the lines
 * dropped and why (shared/store/strike-theos.ts). A game without a usable
 * start time is skipped and reported; nothing here quotes anything.
 */
import type { TheoConfig } from '../../shared/odds/aggregate.ts';
import type { EventOdds } from '../../shared/odds/schemas.ts';
import {
  computeGameStrikeTheo,
  DEFAULT_STRIKE_THEO_CONFIG,
  type StrikeTheoConfig,
} from '../../shared/pricing/strike-theo.ts';
import {
  type StrikeTheoRecord,
  type StrikeTheoStore,
  strikeTheoRecordFromGame,
} from '../../shared/store/strike-theos.ts';

export interface StrikeWriteSummary {
  written: string[];
  notNewer: string[];
  /** games whose margin or total fit was refused, with the reasons (stored as refusals) */
  refused: { eventId: string; margin: string | null; total: string | null }[];
  /** games not stored at all */
  skipped: { eventId: string; reason: string }[];
  /** lines dropped by the checks (contradicts-moneyline, total-outlier, …), counted by reason */
  droppedLines: Record<string, number>;
}

export async function writeStrikeTheos(
  store: Pick<StrikeTheoStore, 'put'>,
  events: readonly EventOdds[],
  asOf: number,
  source: StrikeTheoRecord['source'],
  config?: { theo?: TheoConfig; strikes?: StrikeTheoConfig },
): Promise<StrikeWriteSummary> {
  const summary: StrikeWriteSummary = {
    written: [],
    notNewer: [],
    refused: [],
    skipped: [],
    droppedLines: {},
  };
  for (const event of events) {
    const commenceTime =
      typeof event.commence_time === 'number' ? event.commence_time * 1000 : Date.parse(event.commence_time);
    if (!Number.isSafeInteger(commenceTime) || commenceTime < 0) {
      summary.skipped.push({ eventId: event.id, reason: `commence_time ${String(event.commence_time)}` });
      continue;
    }
    const game = computeGameStrikeTheo(
      event,
      { asOf, oddsFormat: 'decimal', config: config?.theo },
      config?.strikes ?? DEFAULT_STRIKE_THEO_CONFIG,
    );
    for (const d of game.lines.dropped)
      summary.droppedLines[d.reason] = (summary.droppedLines[d.reason] ?? 0) + 1;
    if (!game.margin.ok || !game.total.ok) {
      summary.refused.push({
        eventId: event.id,
        margin: game.margin.ok ? null : game.margin.reason,
        total: game.total.ok ? null : game.total.reason,
      });
    }
    const result = await store.put(strikeTheoRecordFromGame(game, { commenceTime, asOf, source }));
    (result.written ? summary.written : summary.notNewer).push(event.id);
  }
  return summary;
}
